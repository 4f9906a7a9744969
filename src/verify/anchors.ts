/**
 * The secure entry point: which keys of the DNSKEY RRset a resolver trusts,
 * and whether they sign the DNSKEY RRset (RFC 4035 §5.2, RFC 6840 §5.11).
 *
 * With DS anchors (the parent's DS set, or `--anchor FILE`), a key is
 * trusted when a DS names it by tag and algorithm and its digest matches
 * (RFC 4034 §5.1.4). With DNSKEY anchors, when the key is in the set as is.
 * Without anchors, the keys with the SEP flag stand in for what the parent
 * would hold (RFC 4034 §2.1.1: the flag is only a hint, so its absence is a
 * warning, not a failure).
 *
 * Per RFC 6840 §5.11 one trusted key that validly signs the DNSKEY RRset is
 * enough; DS records that lead nowhere beside it are stale (warnings), and
 * critical only when nothing leads anywhere.
 */
import { equalBytes } from '../core/bytes.ts';
import { computeDs, isSupportedDsDigestType } from '../signer/ds.ts';
import { computeKeyTag } from '../signer/keytag.ts';
import { decodeDs } from '../zone/dnssec-rdata.ts';
import type { Name } from '../zone/name.ts';
import { RRType } from '../zone/types.ts';
import type { FindingCode } from './codes.ts';
import type { FindingCollector } from './finding.ts';
import { describeAlgorithm } from './keys.ts';
import type { KeySet, ZoneKey } from './keys.ts';

/** What the parent (or the operator) trusts: DS RDATAs, DNSKEY RDATAs, or both. */
export interface TrustAnchors {
  readonly ds?: readonly Uint8Array[];
  readonly dnskey?: readonly Uint8Array[];
}

interface Pending {
  readonly code: FindingCode;
  readonly message: (fatal: boolean) => string;
  readonly details: Record<string, string | number>;
}

/** True when `anchors` holds at least one record. */
export function hasAnchors(anchors: TrustAnchors | undefined): anchors is TrustAnchors {
  return anchors !== undefined && ((anchors.ds?.length ?? 0) > 0 || (anchors.dnskey?.length ?? 0) > 0);
}

/**
 * Judges the anchors against the DNSKEY RRset and the keys whose RRSIGs
 * over it are valid now (`dnskeySigners`). Returns the trusted keys that
 * sign the DNSKEY RRset: the zone's KSKs as the parent sees them.
 */
export function checkTrustAnchors(origin: Name, keys: KeySet, dnskeySigners: readonly ZoneKey[], anchors: TrustAnchors | undefined, findings: FindingCollector): ZoneKey[] {
  if (!hasAnchors(anchors)) {
    const sep = dnskeySigners.filter((k) => k.sep);
    if (dnskeySigners.length > 0 && sep.length === 0) {
      findings.add('NO_SEP', 'warning', origin, RRType.DNSKEY,
        'no key with the SEP flag (a KSK) signs the DNSKEY RRset: sign it with the key whose DS the parent holds, and give that key flags 257');
      return [...dnskeySigners];
    }
    return sep;
  }
  const trusted: ZoneKey[] = [];
  const pending: Pending[] = [];
  const dsAlgorithms = new Set<number>();
  for (const rdata of anchors.ds ?? []) judgeDs(origin, rdata, keys, dnskeySigners, trusted, pending, dsAlgorithms);
  for (const rdata of anchors.dnskey ?? []) {
    const key = keys.keys.find((k) => equalBytes(k.rdata, rdata));
    if (key === undefined) {
      const tag = anchorTag(rdata);
      pending.push({
        code: 'TRUST_ANCHOR_NOT_IN_DNSKEY_SET',
        details: { keyTag: tag },
        message: (fatal) => `the trust anchor DNSKEY (tag ${tag}) is not in the zone's DNSKEY RRset${fatal ? ', and no other anchor is' : ''}: publish the key or update the anchor`,
      });
    } else if (dnskeySigners.includes(key)) {
      if (!trusted.includes(key)) trusted.push(key);
    }
  }
  const fatal = trusted.length === 0;
  for (const p of pending) findings.add(p.code, fatal ? 'critical' : 'warning', origin, RRType.DNSKEY, p.message(fatal), p.details);
  if (fatal) {
    if ((anchors.ds?.length ?? 0) > 0) {
      findings.add('NO_SEP', 'critical', origin, RRType.DNSKEY,
        'no DS of the anchor set leads to a key that validly signs the DNSKEY RRset, so validating resolvers fail on the whole zone: sign the DNSKEY RRset with the key of a DS at the parent, or submit the DS of the current KSK');
    } else {
      findings.add('NO_TRUST_ANCHOR_SIGNING', 'critical', origin, RRType.DNSKEY,
        'none of the trust anchor DNSKEYs validly signs the DNSKEY RRset: sign the DNSKEY RRset with an anchored key, or update the anchor');
    }
    return trusted;
  }
  // RFC 6840 §5.11 lets resolvers use any algorithm that leads to a secure key; a DS algorithm that leads nowhere is a stale DS.
  for (const algorithm of dsAlgorithms) {
    if (!trusted.some((k) => k.algorithm === algorithm)) {
      findings.add('MISSING_SEP_FOR_ALG', 'warning', origin, RRType.DNSKEY,
        `the DS set has algorithm ${describeAlgorithm(algorithm)} but no DS of it leads to a key of that algorithm that signs the DNSKEY RRset: remove the stale DS at the parent, or sign the DNSKEY RRset with that algorithm`,
        { algorithm });
    }
  }
  return trusted;
}

/** The key tag of an anchor DNSKEY, for messages; 0 when the RDATA is too short to have one. */
function anchorTag(rdata: Uint8Array): number {
  try {
    return computeKeyTag(rdata);
  } catch {
    return 0;
  }
}

function judgeDs(origin: Name, rdata: Uint8Array, keys: KeySet, signers: readonly ZoneKey[], trusted: ZoneKey[], pending: Pending[], dsAlgorithms: Set<number>): void {
  if (rdata.length < 5) {
    pending.push({ code: 'DS_MATCHES_NO_DNSKEY', details: {}, message: () => 'a DS of the anchor set is truncated: replace it' });
    return;
  }
  const ds = decodeDs(rdata);
  const details = { keyTag: ds.keyTag, algorithm: ds.algorithm, digestType: ds.digestType };
  const digestType = ds.digestType;
    if (!isSupportedDsDigestType(digestType)) {
    pending.push({
      code: 'DIGEST_ALGORITHM_NOT_SUPPORTED', details,
      message: () => `the DS with tag ${ds.keyTag} uses digest type ${ds.digestType}, which signet cannot check: publish a DS with digest type 2 (SHA-256)`,
    });
    return;
  }
  dsAlgorithms.add(ds.algorithm);
  // RFC 4035 §5.2: the DS names the key by algorithm and tag; the digest must then match.
  const named = keys.keys.filter((k) => k.algorithm === ds.algorithm && k.keyTag === ds.keyTag);
  if (named.length === 0) {
    pending.push({
      code: 'DS_MATCHES_NO_DNSKEY', details,
      message: (fatal) => `the DS at the parent (tag ${ds.keyTag}, algorithm ${describeAlgorithm(ds.algorithm)}) matches no DNSKEY in the zone${fatal ? ', so validating resolvers fail on the whole zone' : ''}: publish the key or replace the DS`,
    });
    return;
  }
  const match = named.find((k) => equalBytes(computeDs(origin, k.rdata, digestType).digest, ds.digest));
  if (match === undefined) {
    pending.push({
      code: 'DIGEST_INVALID', details,
      message: (fatal) => `the DS with tag ${ds.keyTag} names a DNSKEY of the zone but its digest does not match it${fatal ? ', so validating resolvers fail on the whole zone' : ''}: replace the DS with the one \`signet ds\` prints`,
    });
    return;
  }
  // RFC 4034 §2.1.1: only a zone key can be the secure entry point.
  if (match.zoneKey && signers.includes(match) && !trusted.includes(match)) trusted.push(match);
}
