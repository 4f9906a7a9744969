/**
 * The NSEC3 parameters the zone's servers publish, against RFC 9276 §3.1:
 * iterations SHOULD be 0 and the salt SHOULD be empty (they cost
 * resolvers work and protect nothing; many resolvers treat high iteration
 * counts as insecure, RFC 9276 §3.2). The same codes as the offline
 * verifier's (src/verify/denial-nsec3.ts).
 */
import { toHex } from '../core/bytes.ts';
import { decodeNsec3Param } from '../zone/dnssec-rdata.ts';
import type { Name } from '../zone/name.ts';
import { RRType } from '../zone/types.ts';
import type { ChildServerReport } from './child.ts';
import type { CheckFindings } from './finding.ts';

/** RFC 5155 §11: the one hash algorithm defined, SHA-1. */
const SHA1 = 1;
/** RFC 9276 §3.2 reports validators treating more than 100 iterations as insecure or failing. */
const ITERATIONS_RESOLVERS_REJECT = 100;

export function judgeNsec3Param(zone: Name, server: ChildServerReport, findings: CheckFindings): void {
  const set = server.nsec3param;
  if (set === null) return;
  const servers = [server.label];
  for (const rdata of set.rrset.rdatas) {
    let p;
    try {
      p = decodeNsec3Param(rdata);
    } catch {
      findings.add('ZONE_STRUCTURE', 'critical', zone, RRType.NSEC3PARAM,
        'the NSEC3PARAM record does not decode, so servers cannot find the NSEC3 chain: re-sign the zone', { servers });
      continue;
    }
    if (p.hashAlgorithm !== SHA1) {
      findings.add('UNSUPPORTED_NSEC3_ALGORITHM', 'warning', zone, RRType.NSEC3PARAM,
        `NSEC3 hash algorithm ${p.hashAlgorithm} is unknown to validators, which treat the zone as unsigned: use hash algorithm 1 (SHA-1)`, { servers });
      continue;
    }
    if (p.iterations > 0) {
      const risk = p.iterations > ITERATIONS_RESOLVERS_REJECT ? ', and many validators treat so many as insecure or fail' : '';
      findings.add('NONZERO_NSEC3_ITERATION_COUNT', 'warning', zone, RRType.NSEC3PARAM,
        `NSEC3 uses ${p.iterations} extra iterations, which cost resolvers work and add no protection${risk}: re-sign with nsec3-iterations 0 (RFC 9276)`,
        { servers, details: { iterations: p.iterations } });
    }
    if (p.salt.length > 0) {
      findings.add('NONEMPTY_NSEC3_SALT', 'warning', zone, RRType.NSEC3PARAM,
        `NSEC3 uses a salt (${toHex(p.salt)}), which adds no protection: re-sign with nsec3-salt - (RFC 9276)`,
        { servers, details: { salt: toHex(p.salt) } });
    }
  }
}
