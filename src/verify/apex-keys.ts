/**
 * The apex DNSKEY RRset, validated: its keys, the keys whose RRSIGs over it
 * are valid now, and which of those the trust anchors (or the SEP flag)
 * make the secure entry point (RFC 4035 §5.2). `verifySignedZone` starts
 * here; `signet check` can do the same with the DNSKEY RRset and DS RRset
 * it fetched from the servers, then check the SOA (or any RRset) with the
 * returned `checker`.
 */
import type { UnixSeconds } from '../core/time.ts';
import type { Name } from '../zone/name.ts';
import { RRType } from '../zone/types.ts';
import { checkTrustAnchors } from './anchors.ts';
import type { TrustAnchors } from './anchors.ts';
import type { FindingCollector } from './finding.ts';
import type { SignedSetInput } from './input.ts';
import { buildKeySet } from './keys.ts';
import type { KeySet, ZoneKey } from './keys.ts';
import { SignatureChecker } from './signatures.ts';

export interface ApexKeys {
  readonly keys: KeySet;
  /** Checks further RRsets against these keys, and tracks the horizon and algorithm coverage. */
  readonly checker: SignatureChecker;
  /** Keys whose RRSIGs over the DNSKEY RRset are valid now. */
  readonly dnskeySigners: readonly ZoneKey[];
  /** The secure entry points: anchored (or, without anchors, SEP-flagged) keys among the signers. */
  readonly ksks: readonly ZoneKey[];
}

/**
 * Validates the DNSKEY RRset (null or empty: DNSKEY_MISSING) and the trust
 * anchors. Returns null, with a critical finding, when the zone has no zone
 * key at all: nothing else can be checked then.
 */
export function verifyApexKeys(
  origin: Name, dnskey: SignedSetInput | null, options: { readonly now: UnixSeconds; readonly anchors?: TrustAnchors | undefined }, findings: FindingCollector,
): ApexKeys | null {
  if (dnskey === null || dnskey.rrset.rdatas.length === 0) {
    findings.add('DNSKEY_MISSING', 'critical', origin, RRType.DNSKEY,
      `the zone ${origin.toString()} has no DNSKEY RRset at its apex, so it is not signed (or its keys were left out): sign the zone, and withdraw any DS at the parent until it is`);
    return null;
  }
  const keys = buildKeySet(dnskey.rrset.rdatas, origin, findings);
  if (keys.algorithms.length === 0) {
    findings.add('DNSKEY_MISSING', 'critical', origin, RRType.DNSKEY,
      'the DNSKEY RRset holds no zone key (flags 256 or 257, protocol 3), so nothing in the zone can validate: publish the zone\'s keys');
    return null;
  }
  const checker = new SignatureChecker(origin, options.now, keys, findings);
  const dnskeySigners: ZoneKey[] = [];
  // The key set is always verified in full: every other signature depends on it.
  checker.check(dnskey, true, dnskeySigners);
  const ksks = checkTrustAnchors(origin, keys, dnskeySigners, options.anchors, findings);
  return { keys, checker, dnskeySigners, ksks };
}
