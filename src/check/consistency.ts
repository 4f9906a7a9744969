/**
 * Servers of one zone must serve the same zone: the same SOA serial, once
 * zone transfers have caught up (RFC 1996 NOTIFY, RFC 1995 IXFR), and the
 * same DNSKEY RRset, or resolvers see keys come and go from one query to the
 * next. Disagreement is a warning: it is often a transfer in flight, and a
 * real break shows up as its own finding on the server concerned.
 */
import { toHex } from '../core/bytes.ts';
import { computeKeyTag } from '../signer/keytag.ts';
import type { Name } from '../zone/name.ts';
import { RRType } from '../zone/types.ts';
import type { ChildServerReport } from './child.ts';
import type { CheckFindings } from './finding.ts';

function groupBy<T>(items: readonly T[], key: (t: T) => string | null): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === null) continue;
    const g = groups.get(k);
    if (g) g.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

export function compareServers(zone: Name, servers: readonly ChildServerReport[], findings: CheckFindings): void {
  const serials = groupBy(servers, (s) => (s.serial === null ? null : String(s.serial)));
  if (serials.size > 1) {
    const text = [...serials].map(([serial, list]) => `${serial} on ${list.map((s) => s.label).join(', ')}`).join('; ');
    findings.add('SOA_SERIAL_MISMATCH', 'warning', zone, RRType.SOA,
      `the zone's servers serve different SOA serials (${text}): a secondary has not loaded the latest zone; check NOTIFY and zone transfers to it, or that every server got the new signed file`,
      { servers: [...serials.values()].flat().map((s) => s.label) });
  }

  // Only servers whose DNSKEY question was answered take part: a failed question is reported on its own.
  const answered = servers.filter((s) => s.complete);
  const keySets = answered.map((s) => new Set((s.dnskey?.rrset.canonicalRdatas ?? []).map((r) => toHex(r))));
  const all = new Map<string, Uint8Array>();
  for (const s of answered) for (const r of s.dnskey?.rrset.canonicalRdatas ?? []) all.set(toHex(r), r);
  for (const [hex, rdata] of all) {
    const missing = answered.filter((_, i) => !keySets[i]!.has(hex));
    if (missing.length === 0) continue;
    const having = answered.filter((_, i) => keySets[i]!.has(hex));
    let tag: number | string;
    try {
      tag = computeKeyTag(rdata);
    } catch {
      tag = 'unknown';
    }
    findings.add('DNSKEY_MISSING_FROM_SERVERS', 'warning', zone, RRType.DNSKEY,
      `the DNSKEY with tag ${tag} is served by ${having.map((s) => s.label).join(', ')} but not by ${missing.map((s) => s.label).join(', ')}, so resolvers see different key sets: get every server to serve the same signed zone`,
      { servers: missing.map((s) => s.label), details: { keyTag: tag } });
  }
}
