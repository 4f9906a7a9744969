/**
 * The NSEC chain (RFC 4034 §4, RFC 4035 §2.3): one NSEC at every owner
 * name with authoritative data or a delegation, none at glue or occluded
 * names; each Next Domain Name is the next such name in canonical order,
 * the last one the apex; each bitmap lists the types at its owner.
 *
 * Each fault is reported once: a missing NSEC as a gap at its name, an extra
 * one as unexpected; a Next Domain Name is reported when it is neither the
 * next NSEC actually present nor a name whose NSEC is missing (a pointer
 * that was right until that NSEC went is explained by the gap finding).
 */
import { decodeNsec } from '../zone/dnssec-rdata.ts';
import type { NsecData } from '../zone/dnssec-rdata.ts';
import { RRType, typeToString } from '../zone/types.ts';
import type { FindingCollector } from './finding.ts';
import type { SignedSetInput } from './input.ts';
import { diffTypes, expectedBitmap, isInChain } from './structure.ts';
import type { OwnerInfo, ZoneStructure } from './structure.ts';

export function checkNsecChain(z: ZoneStructure, findings: FindingCollector): void {
  const members = z.owners.filter(isInChain);
  const actual: { set: SignedSetInput; data: NsecData }[] = [];
  for (const set of z.nsec) {
    try {
      actual.push({ set, data: decodeNsec(set.rrset.rdatas[0]!) });
    } catch {
      findings.add('NSEC_BAD_BITMAP', 'critical', set.rrset.owner, RRType.NSEC, `the NSEC at ${set.rrset.owner.toString()} is malformed: re-sign the zone`);
    }
  }

  // Presence: one NSEC per chain member, none elsewhere (both lists in canonical order).
  const byOwner = new Map<OwnerInfo, NsecData>();
  const missing: OwnerInfo[] = [];
  let a = 0;
  for (const m of members) {
    while (a < actual.length && actual[a]!.set.rrset.owner.compare(m.name) < 0) unexpected(z, actual[a++]!.set, findings);
    const here = actual[a];
    if (here !== undefined && here.set.rrset.owner.equals(m.name)) {
      byOwner.set(m, here.data);
      a++;
    } else {
      missing.push(m);
      findings.add('NSEC_CHAIN_GAP', 'critical', m.name, RRType.NSEC,
        `${m.name.toString()} has no NSEC, so the chain skips it and resolvers can be told it does not exist: re-sign the zone`);
    }
  }
  while (a < actual.length) unexpected(z, actual[a++]!.set, findings);

  // Next Domain Name: the next NSEC present, and the apex after the last (RFC 4034 §4.1.1). A pointer
  // to a member whose NSEC is missing, before the next NSEC present, is right: the gap is reported above.
  for (let k = 0; k < actual.length; k++) {
    const { set, data } = actual[k]!;
    const owner = set.rrset.owner;
    const last = k === actual.length - 1;
    const successor = last ? z.origin : actual[k + 1]!.set.rrset.owner;
    if (data.nextName.equals(successor)) continue;
    const toMissing = missing.some((m) => m.name.equals(data.nextName))
      && data.nextName.compare(owner) > 0 && (last || data.nextName.compare(successor) < 0);
    if (toMissing) continue;
    if (last) {
      findings.add('LAST_NSEC_NEXT_NOT_ZONE', 'critical', owner, RRType.NSEC,
        `the last NSEC of the chain, at ${owner.toString()}, points to ${data.nextName.toString()} instead of the apex ${z.origin.toString()}, so the chain is not closed: re-sign the zone`);
      continue;
    }
    findings.add('NSEC_CHAIN_GAP', 'critical', owner, RRType.NSEC,
      `the NSEC at ${owner.toString()} points to ${data.nextName.toString()}, but the next NSEC of the chain is at ${successor.toString()}, so resolvers get wrong denials: re-sign the zone`,
      { next: data.nextName.toString(), expected: successor.toString() });
  }

  for (const [m, data] of byOwner) {
    const { missing, extra } = diffTypes(expectedBitmap(m, 'nsec'), data.types);
    if (missing.length === 0 && extra.length === 0) continue;
    findings.add('NSEC_BAD_BITMAP', 'critical', m.name, RRType.NSEC,
      `the NSEC bitmap at ${m.name.toString()} ${describeDiff(missing, extra)}, so resolvers can be told that existing data does not exist: re-sign the zone`,
      { missing: missing.map(typeToString).join(' '), extra: extra.map(typeToString).join(' ') });
  }
}

function unexpected(z: ZoneStructure, set: SignedSetInput, findings: FindingCollector): void {
  const owner = set.rrset.owner;
  const kind = z.owners.find((o) => o.name.equals(owner))?.kind;
  const what = kind === 'glue' ? 'glue below a delegation' : kind === 'occluded' ? 'data occluded by a DNAME' : 'a name without data of this zone';
  findings.add('NSEC_UNEXPECTED_OWNER', 'warning', owner, RRType.NSEC,
    `an NSEC sits at ${owner.toString()}, which is ${what} and belongs in no NSEC chain (RFC 4035 §2.3): re-sign the zone`);
}

/** "lacks A AAAA and lists MX" */
export function describeDiff(missing: readonly number[], extra: readonly number[]): string {
  const parts: string[] = [];
  if (missing.length > 0) parts.push(`lacks ${missing.map(typeToString).join(' ')}`);
  if (extra.length > 0) parts.push(`lists ${extra.map(typeToString).join(' ')} that ${extra.length === 1 ? 'is' : 'are'} not there`);
  return parts.join(' and ');
}
