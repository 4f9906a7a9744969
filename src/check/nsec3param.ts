/**
 * The NSEC3 parameters the zone's servers publish, judged by the offline
 * verifier's rules (adviseParameters in src/verify/denial-nsec3.ts: a known
 * hash algorithm, RFC 9276 §3.1 iterations 0 and no salt), with the same
 * codes and advice, each finding naming the server.
 */
import { adviseParameters } from '../verify/denial-nsec3.ts';
import { FindingCollector } from '../verify/finding.ts';
import { decodeNsec3Param } from '../zone/dnssec-rdata.ts';
import type { Name } from '../zone/name.ts';
import { RRType } from '../zone/types.ts';
import type { ChildServerReport } from './child.ts';
import type { CheckFindings } from './finding.ts';

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
    const advice = new FindingCollector();
    adviseParameters(zone, p, advice);
    for (const f of advice.findings) findings.merge(f, servers);
  }
}
