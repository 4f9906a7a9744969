/**
 * DS → DNSKEY → SOA on one server's answers, with the offline verifier's
 * own checks (src/verify): the DNSKEY RRset must be signed, validly and in
 * its validity period, by a key that a DS of the parent names (RFC 4035
 * §5.2), for each algorithm of the DS set (RFC 4035 §2.2, RFC 6840 §5.11);
 * the SOA (and NSEC3PARAM) must be signed by a key of the DNSKEY RRset, with
 * each of its algorithms (RFC 4035 §2.2, §5.3).
 */
import type { UnixSeconds } from '../core/time.ts';
import { checkTrustAnchors } from '../verify/anchors.ts';
import { FindingCollector } from '../verify/finding.ts';
import type { Finding } from '../verify/finding.ts';
import { buildKeySet } from '../verify/keys.ts';
import type { ZoneKey } from '../verify/keys.ts';
import { SignatureChecker } from '../verify/signatures.ts';
import type { Name } from '../zone/name.ts';
import { RRType } from '../zone/types.ts';
import type { ChildServerReport } from './child.ts';
import type { CheckFindings } from './finding.ts';
import type { DsSet } from './parent.ts';

export interface ServerValidation {
  /** The server publishes a DNSKEY RRset. */
  readonly signed: boolean;
  /** Earliest expiration of an RRSIG made by a zone key (absolute Unix seconds), or null. */
  readonly earliest: UnixSeconds | null;
  readonly earliestType: number | null;
}

/**
 * RFC 6840 §5.11: "A signed zone MUST include a DNSKEY for each algorithm
 * present in the zone's DS RRset". The offline verifier, which judges a file
 * against an anchor the operator chose, makes a DS algorithm that leads
 * nowhere a warning; at the live delegation it breaks that MUST, and
 * validators that follow RFC 4035 §2.2 to the letter fail on it.
 */
const LIVE_SEVERITY: Partial<Record<Finding['code'], Finding['severity']>> = { MISSING_SEP_FOR_ALG: 'critical' };

function mergeAll(from: FindingCollector, into: CheckFindings, servers: readonly string[]): void {
  for (const f of from.findings) into.merge({ ...f, severity: LIVE_SEVERITY[f.code] ?? f.severity }, servers);
}

export function validateServer(zone: Name, now: UnixSeconds, child: ChildServerReport, dsSets: readonly DsSet[], findings: CheckFindings): ServerValidation {
  const here = [child.label];
  const withDs = dsSets.filter((s) => s.rdatas.length > 0);
  const dnskey = child.dnskey;
  if (dnskey === null) {
    if (withDs.length > 0) {
      findings.add('DNSKEY_MISSING', 'critical', zone, RRType.DNSKEY,
        `the parent holds a DS for ${zone.toString()} but server ${child.label} serves no DNSKEY RRset, so the zone is unsigned there and validating resolvers fail on all of it: sign the zone (and serve the signed file), or withdraw the DS at the registrar`,
        { servers: here });
    }
    return { signed: false, earliest: null, earliestType: null };
  }
  const collector = new FindingCollector();
  const keys = buildKeySet(dnskey.rrset.rdatas, zone, collector);
  if (keys.algorithms.length === 0) {
    collector.add('DNSKEY_MISSING', 'critical', zone, RRType.DNSKEY,
      'the DNSKEY RRset holds no zone key (flags 256 or 257, protocol 3), so nothing in the zone can validate: publish the zone\'s keys');
    mergeAll(collector, findings, here);
    return { signed: true, earliest: null, earliestType: null };
  }
  const checker = new SignatureChecker(zone, now, keys, collector);
  const dnskeySigners: ZoneKey[] = [];
  checker.check(dnskey, true, dnskeySigners);

  // Each DS RRset the parent serves must lead to the DNSKEY RRset on its own.
  const anchorFindings = withDs.map((set) => {
    const anchors = new FindingCollector();
    checkTrustAnchors(zone, keys, dnskeySigners, { ds: set.rdatas }, anchors);
    return { anchors, servers: withDs.length > 1 ? [...here, ...set.servers] : here };
  });

  const soaSigned = child.soa !== null && child.soa.signatures.length > 0;
  if (child.soa !== null) checker.check(child.soa, true);
  if (child.nsec3param !== null) checker.check(child.nsec3param, true);
  // An unsigned SOA is its own finding (MISSING_RRSIG); judging its algorithms would only repeat it.
  // RFC 4035 §2.2: each RRset is signed with every algorithm of the DNSKEY RRset (as verify judges a whole file).
  if (soaSigned) checker.judgeAlgorithms('the SOA');
  // The signatures' own findings first: an expired DNSKEY signature is why no DS leads anywhere, not the other way round.
  mergeAll(collector, findings, here);
  for (const a of anchorFindings) mergeAll(a.anchors, findings, a.servers);
  return {
    signed: true,
    earliest: checker.earliest === Infinity ? null : checker.earliest,
    earliestType: checker.earliestOwner === null ? null : checker.earliestType,
  };
}
