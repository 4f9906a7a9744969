/**
 * The signed zone's names as the denial checks see them: every owner name
 * classified by the signer's own rules (src/signer/authority.ts: apex,
 * authoritative, delegation, glue, occluded), with the types present at it.
 * Reusing classifyZone means the verifier and the signer cannot disagree on
 * what is authoritative.
 *
 * classifyZone drops the DNSSEC records (RRSIG, NSEC, NSEC3, NSEC3PARAM, and
 * the apex DNSKEY, CDS, CDNSKEY, DS) before classifying, so names that hold
 * nothing else (NSEC3 owners) are not owners here; the type lists below are
 * rebuilt from the full input so that bitmaps can be judged.
 */
import { SignetError } from '../core/errors.ts';
import { classifyZone } from '../signer/authority.ts';
import type { OwnerKind } from '../signer/authority.ts';
import type { Name } from '../zone/name.ts';
import { RRType } from '../zone/types.ts';
import type { FindingCollector } from './finding.ts';
import type { SignedSetInput } from './input.ts';

export interface OwnerInfo {
  readonly name: Name;
  readonly kind: OwnerKind;
  /** Types present at the name, ascending, without RRSIG, NSEC and NSEC3 (which the chain adds by rule). */
  readonly types: readonly number[];
  readonly hasDs: boolean;
}

export interface ZoneStructure {
  readonly origin: Name;
  /** Classified owners in canonical order, the apex first. */
  readonly owners: readonly OwnerInfo[];
  /** Every NSEC RRset, in canonical order. */
  readonly nsec: readonly SignedSetInput[];
  /** Every NSEC3 RRset, in canonical order of their owners. */
  readonly nsec3: readonly SignedSetInput[];
  /** Apex RRsets by type (DNSKEY, CDS, CDNSKEY, NSEC3PARAM, SOA...). */
  readonly apex: ReadonlyMap<number, SignedSetInput>;
}

/** Types that never appear in a bitmap as data of their own: the chain's rules add them. */
function isChainType(type: number): boolean {
  return type === RRType.RRSIG || type === RRType.NSEC || type === RRType.NSEC3;
}

/**
 * Classifies the zone. `sets` must be in canonical order. Returns null, with
 * a ZONE_STRUCTURE finding, when the zone is not a zone the signer would
 * accept (no SOA, several SOAs, a DS without NS...).
 */
export function buildStructure(origin: Name, sets: readonly SignedSetInput[], findings: FindingCollector): ZoneStructure | null {
  let classified;
  try {
    // The chain records go before classifyZone sees them: it would drop each with a warning string.
    const data = [];
    for (const s of sets) if (!isChainType(s.rrset.type) && s.rrset.type !== RRType.NSEC3PARAM) data.push(s.rrset);
    classified = classifyZone({ origin, rrsets: data, warnings: [] });
  } catch (e) {
    if (!(e instanceof SignetError)) throw e;
    findings.add('ZONE_STRUCTURE', 'critical', origin, null, `${e.message}: fix the zone's data and sign it again`, { error: e.code });
    return null;
  }
  const nsec: SignedSetInput[] = [];
  const nsec3: SignedSetInput[] = [];
  const apex = new Map<number, SignedSetInput>();
  // Types per owner from the full input, merged with the classified owners (both in canonical order).
  const owners: OwnerInfo[] = [];
  let o = 0;
  let i = 0;
  while (i < sets.length) {
    const name = sets[i]!.rrset.owner;
    const types: number[] = [];
    for (; i < sets.length && sets[i]!.rrset.owner.equals(name); i++) {
      const s = sets[i]!;
      if (s.rrset.type === RRType.NSEC) nsec.push(s);
      else if (s.rrset.type === RRType.NSEC3) nsec3.push(s);
      if (name.equals(origin)) apex.set(s.rrset.type, s);
      if (!isChainType(s.rrset.type)) types.push(s.rrset.type);
    }
    while (o < classified.owners.length && classified.owners[o]!.name.compare(name) < 0) o++;
    const c = classified.owners[o];
    if (c !== undefined && c.name.equals(name)) owners.push({ name: c.name, kind: c.kind, types, hasDs: c.hasDs });
  }
  return { origin, owners, nsec, nsec3, apex };
}

/** Whether a denial chain covers this owner (RFC 4035 §2.3, RFC 5155 §7.1): glue and occluded names are not in it. */
export function isInChain(o: OwnerInfo): boolean {
  return o.kind === 'apex' || o.kind === 'authoritative' || o.kind === 'delegation';
}

/**
 * The types an NSEC or NSEC3 bitmap must list for an owner. At a delegation
 * only NS and DS belong to this zone (RFC 4035 §2.3). NSEC always adds RRSIG
 * and NSEC (the NSEC is itself signed, RFC 4035 §2.3); NSEC3 lists the types
 * at the original name, where RRSIG exists unless the name is an insecure
 * delegation (RFC 5155 §3.2.1, §7.1), and never NSEC3.
 */
export function expectedBitmap(o: OwnerInfo, denial: 'nsec' | 'nsec3'): number[] {
  const types = o.kind === 'delegation' ? o.types.filter((t) => t === RRType.NS || t === RRType.DS) : [...o.types];
  if (denial === 'nsec') types.push(RRType.RRSIG, RRType.NSEC);
  else if (o.kind !== 'delegation' || o.hasDs) types.push(RRType.RRSIG);
  return [...new Set(types)].sort((a, b) => a - b);
}

/** Types missing from and extra in an actual bitmap, against the expected one. Both ascending. */
export function diffTypes(expected: readonly number[], actual: readonly number[]): { missing: number[]; extra: number[] } {
  const missing = expected.filter((t) => !actual.includes(t));
  const extra = actual.filter((t) => !expected.includes(t));
  return { missing, extra };
}
