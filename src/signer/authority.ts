/**
 * Which data in a zone is authoritative, and so signed and covered by the
 * denial chain (RFC 4035 §2.2, §2.3; RFC 4034 §4; RFC 6672 §2.3).
 *
 * Every owner name of the zone is one of:
 * - `apex`: the origin. NS here does not make a zone cut.
 * - `authoritative`: ordinary data of this zone, all of it signed.
 * - `delegation`: a zone cut (NS not at the apex). Only the NS and DS
 *   RRsets belong to this zone here; the DS is signed, the NS is not
 *   (RFC 4035 §2.2), and anything else at the name is the child's and
 *   neither signed nor listed in bitmaps (RFC 4035 §2.3).
 * - `glue`: strictly below a zone cut: glue addresses and any other data
 *   the child is authoritative for. Not signed, no NSEC/NSEC3.
 * - `occluded`: strictly below a DNAME (RFC 6672 §2.3: such data is
 *   occluded). Not signed, no NSEC/NSEC3.
 *
 * Empty non-terminals are not owners here: they are derived by
 * `listEmptyNonTerminals` from whichever names a denial chain covers.
 *
 * The input's own DNSSEC data is removed first (`stripSignerData`): the
 * signer makes RRSIG, NSEC, NSEC3 and NSEC3PARAM itself, and publishes the
 * apex DNSKEY, CDS and CDNSKEY sets from the keys it is given.
 */
import { SignetError } from '../core/errors.ts';
import type { Name } from '../zone/name.ts';
import type { RRset } from '../zone/record.ts';
import { RRType, typeToString } from '../zone/types.ts';
import type { Zone } from '../zone/zone.ts';

/** A non-fatal finding of the signer, for the operator. */
export interface SignWarning {
  readonly code: string;
  readonly message: string;
}

export type OwnerKind = 'apex' | 'authoritative' | 'delegation' | 'glue' | 'occluded';

/** One owner name of the zone with its RRsets (ascending type number) and its class. */
export interface ZoneOwner {
  readonly name: Name;
  readonly kind: OwnerKind;
  readonly rrsets: readonly RRset[];
  /** True when a DS RRset is present: at a delegation, a secure delegation. */
  readonly hasDs: boolean;
}

export interface ClassifiedZone {
  readonly origin: Name;
  /** Every owner name left after `stripSignerData`, in canonical order, the apex first. */
  readonly owners: readonly ZoneOwner[];
  /** The apex SOA RRset (exactly one record). */
  readonly soa: RRset;
  readonly warnings: readonly SignWarning[];
}

/** Types the signer always generates itself; input copies are dropped wherever they are. */
const SIGNER_MADE_TYPES: ReadonlySet<number> = new Set([RRType.RRSIG, RRType.NSEC, RRType.NSEC3, RRType.NSEC3PARAM]);
/** Types the signer publishes at the apex from the keys (and rollover state) it is given. */
const SIGNER_MADE_APEX_TYPES: ReadonlySet<number> = new Set([RRType.DNSKEY, RRType.CDS, RRType.CDNSKEY]);

/**
 * Removes the input's DNSSEC data that the signer replaces, with one warning
 * per dropped RRset: RRSIG, NSEC, NSEC3, NSEC3PARAM anywhere; DNSKEY, CDS and
 * CDNSKEY at the apex; and DS at the apex, which is the parent's data
 * (RFC 4035 §2.4: the DS RRset lives at the parent side of the cut).
 */
export function stripSignerData(zone: Zone): { rrsets: RRset[]; warnings: SignWarning[] } {
  const rrsets: RRset[] = [];
  const warnings: SignWarning[] = [];
  for (const rrset of zone.rrsets) {
    let reason: string | null = null;
    if (SIGNER_MADE_TYPES.has(rrset.type)) {
      reason = 'the signer makes its own';
    } else if (rrset.owner.equals(zone.origin)) {
      if (SIGNER_MADE_APEX_TYPES.has(rrset.type)) reason = 'the signer publishes the apex key sets from its keys';
      else if (rrset.type === RRType.DS) reason = 'a DS at the apex belongs in the parent zone';
    }
    if (reason === null) {
      rrsets.push(rrset);
      continue;
    }
    warnings.push({
      code: 'WARN_SIGN_DROPPED_INPUT',
      message: `dropped the input ${rrset.owner.toString()} ${typeToString(rrset.type)} RRset: ${reason}`,
    });
  }
  return { rrsets, warnings };
}

function findType(rrsets: readonly RRset[], type: number): RRset | null {
  for (const r of rrsets) if (r.type === type) return r;
  return null;
}

/**
 * Classifies every owner name. Relies on the canonical order of
 * `zone.rrsets` (RFC 4034 §6.1), in which every name comes right before its
 * descendants: one pass keeps the closest enclosing zone cut or DNAME and
 * marks everything below it.
 */
export function classifyZone(zone: Zone): ClassifiedZone {
  const { rrsets, warnings } = stripSignerData(zone);
  const origin = zone.origin;

  // Group consecutive RRsets by owner, checking the order we rely on.
  const groups: RRset[][] = [];
  let prev: RRset | null = null;
  for (const rrset of rrsets) {
    // Negative: a new owner after the previous one; 0: the same owner.
    const order = prev === null ? -1 : prev.owner === rrset.owner ? 0 : prev.owner.compare(rrset.owner);
    if (order > 0 || (order === 0 && prev!.type >= rrset.type)) {
      throw new SignetError('ERR_SIGN_UNSORTED', `zone RRsets are not in canonical order at ${rrset.owner.toString()} ${typeToString(rrset.type)}`);
    }
    if (order === 0) {
      groups[groups.length - 1]!.push(rrset);
    } else {
      if (!rrset.owner.isSubdomainOf(origin)) {
        throw new SignetError('ERR_SIGN_OUT_OF_ZONE', `${rrset.owner.toString()} is not in the zone ${origin.toString()}`);
      }
      groups.push([rrset]);
    }
    prev = rrset;
  }

  const apexGroup = groups[0];
  if (!apexGroup || !apexGroup[0]!.owner.equals(origin)) {
    throw new SignetError('ERR_SIGN_NO_SOA', `the zone ${origin.toString()} has no data at its apex`);
  }
  const soa = findType(apexGroup, RRType.SOA);
  if (soa === null) throw new SignetError('ERR_SIGN_NO_SOA', `the zone ${origin.toString()} has no SOA record`);
  // RFC 1035 §5.2: exactly one SOA, at the top of the zone.
  if (soa.rdatas.length !== 1) throw new SignetError('ERR_SIGN_MULTIPLE_SOA', `the zone ${origin.toString()} has ${soa.rdatas.length} SOA records`);

  const owners: ZoneOwner[] = [];
  // The closest zone cut or DNAME above the current name, if any.
  let cut: { name: Name; kind: 'glue' | 'occluded' } | null = null;
  for (const group of groups) {
    const name = group[0]!.owner;
    const hasDs = findType(group, RRType.DS) !== null;
    let kind: OwnerKind;
    if (cut !== null && !cut.name.equals(name) && name.isSubdomainOf(cut.name)) {
      kind = cut.kind;
      if (kind === 'occluded') {
        // RFC 6672 §2.3: "Resource records MUST NOT exist at any subdomain of the owner of a DNAME RR."
        warnings.push({
          code: 'WARN_SIGN_OCCLUDED',
          message: `${name.toString()} is below the DNAME at ${cut.name.toString()}: its data is occluded, not served, not signed (RFC 6672 §2.3)`,
        });
      }
    } else {
      cut = null;
      if (name.equals(origin)) {
        kind = 'apex';
        // RFC 6672 §2.3: a DNAME at the apex occludes every name below it.
        if (findType(group, RRType.DNAME) !== null) cut = { name, kind: 'occluded' };
      } else if (findType(group, RRType.NS) !== null) {
        // RFC 4035 §2.2: an NS RRset at a non-apex name marks a zone cut.
        kind = 'delegation';
        cut = { name, kind: 'glue' };
      } else {
        kind = 'authoritative';
        if (findType(group, RRType.DNAME) !== null) cut = { name, kind: 'occluded' };
        if (hasDs) {
          // RFC 4034 §5: the DS RRset is found at a delegation point only.
          throw new SignetError('ERR_SIGN_DS_NOT_AT_DELEGATION', `${name.toString()} has a DS record but no NS records: DS belongs at a delegation point`);
        }
      }
    }
    owners.push({ name, kind, rrsets: group, hasDs });
  }
  return { origin, owners, soa, warnings };
}

/**
 * True when the RRset of `type` at an owner of `kind` is this zone's
 * authoritative data and so signed: everything at the apex and at
 * authoritative names; at a delegation only the DS (RFC 4035 §2.2: "The NS
 * RRset that appears at the zone apex name MUST be signed, but the NS RRset
 * that appears at a delegation point ... MUST NOT be signed"); nothing in
 * glue or occluded data.
 */
export function isSignedType(kind: OwnerKind, type: number): boolean {
  if (type === RRType.RRSIG) return false; // RFC 4035 §2.2: an RRSIG RR itself MUST NOT be signed.
  switch (kind) {
    case 'apex':
    case 'authoritative':
      return true;
    case 'delegation':
      return type === RRType.DS;
    case 'glue':
    case 'occluded':
      return false;
  }
}

/**
 * The types of `owner` that this zone is authoritative for and that a type
 * bitmap lists, before adding the signer's own (RRSIG, NSEC, DNSKEY...).
 * RFC 4035 §2.3: at a delegation, the bits of the NS RRset and of the RRsets
 * the parent is authoritative for (DS) are set, all others cleared.
 */
export function authoritativeTypes(owner: ZoneOwner): number[] {
  const types: number[] = [];
  if (owner.kind === 'glue' || owner.kind === 'occluded') return types;
  for (const r of owner.rrsets) {
    if (owner.kind !== 'delegation' || r.type === RRType.NS || r.type === RRType.DS) types.push(r.type);
  }
  return types;
}

/**
 * The empty non-terminals implied by `names`: every ancestor of a listed
 * name, below `origin`, that is not itself listed (RFC 5155 §7.1, RFC 4592
 * §2.2.2). `names` must be in canonical order with the apex first. Returns
 * them in canonical order.
 *
 * Canonical order puts a name right after its ancestors' earlier
 * descendants, so an ancestor not already covered by the previous name (not
 * an ancestor of it or the previous name itself) appears for the first time:
 * no set of seen names is needed.
 */
export function listEmptyNonTerminals(names: readonly Name[], origin: Name): Name[] {
  const out: Name[] = [];
  let previous: Name = origin;
  const stack: Name[] = [];
  for (const name of names) {
    let ancestor = name;
    while (ancestor.labelCount > origin.labelCount + 1) {
      ancestor = ancestor.parent();
      if (previous.isSubdomainOf(ancestor)) break;
      stack.push(ancestor);
    }
    while (stack.length > 0) out.push(stack.pop()!);
    previous = name;
  }
  return out;
}
