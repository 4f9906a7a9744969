/**
 * The NSEC chain (RFC 4034 §4, RFC 4035 §2.3) and the TTL of denial records
 * (RFC 9077).
 *
 * One NSEC per owner name that holds authoritative data, plus one per
 * delegation point (RFC 4035 §2.3: "each owner name in the zone that has
 * authoritative data or a delegation point NS RRset"); none for glue,
 * occluded names or empty non-terminals. The chain runs in canonical order
 * and the last NSEC points back at the apex (RFC 4034 §4.1.1).
 *
 * Next Domain Name: we write it in lowercase. RFC 4034 §6.2 listed NSEC
 * among the types whose RDATA names are lowercased for signing; RFC 6840
 * §5.1 removed it, so validators may follow either rule. A lowercase next
 * name is the same bytes under both rules, so its signature verifies for
 * old and new validators alike, and the output does not depend on how the
 * zone file spelled each name. (BIND 9.18 and ldns keep the zone's
 * spelling instead, checked here; both are valid.)
 */
import { SignetError } from '../core/errors.ts';
import { encodeTypeBitmap } from '../zone/dnssec-rdata.ts';
import type { Name } from '../zone/name.ts';
import type { RRset } from '../zone/record.ts';
import { RRType } from '../zone/types.ts';
import { authoritativeTypes } from './authority.ts';
import type { ClassifiedZone, ZoneOwner } from './authority.ts';

/**
 * TTL of NSEC and NSEC3 records: the smaller of the SOA MINIMUM field and the
 * SOA's own TTL (RFC 9077 §3.2, updating RFC 4034 §4 and RFC 5155 §3).
 */
export function denialTtl(soa: RRset): number {
  const rdata = soa.rdatas[0];
  if (rdata === undefined || rdata.length < 20) throw new SignetError('ERR_SIGN_BAD_SOA', 'SOA RDATA is too short');
  // MINIMUM is the last of the five 32-bit fields that end the SOA RDATA (RFC 1035 §3.3.13).
  const off = rdata.length - 4;
  const minimum = ((rdata[off]! << 24) >>> 0) + (rdata[off + 1]! << 16) + (rdata[off + 2]! << 8) + rdata[off + 3]!;
  return Math.min(minimum, soa.ttl);
}

/**
 * Type bitmaps (RFC 4034 §4.1.2) memoized by type list: a zone has few
 * distinct type sets, so each bitmap is encoded once and shared.
 */
export function createBitmapCache(): (types: readonly number[]) => Uint8Array {
  const cache = new Map<string, Uint8Array>();
  return (types) => {
    const key = types.join(',');
    let bitmap = cache.get(key);
    if (bitmap === undefined) {
      bitmap = encodeTypeBitmap(types);
      cache.set(key, bitmap);
    }
    return bitmap;
  };
}

/**
 * A one-record RRset of a signer-made type whose RDATA is already canonical
 * (NSEC since RFC 6840 §5.1, NSEC3, NSEC3PARAM), built without the sorting
 * and copying of buildRRset.
 */
export function singleRecordRRset(owner: Name, type: number, cls: number, ttl: number, rdata: Uint8Array): RRset {
  const rdatas = [rdata];
  return { owner, type, class: cls, ttl, rdatas, canonicalRdatas: rdatas };
}

/** Whether a denial chain covers this owner at all (glue and occluded names are not in it). */
export function isInDenialChain(owner: ZoneOwner): boolean {
  return owner.kind === 'apex' || owner.kind === 'authoritative' || owner.kind === 'delegation';
}

/**
 * Builds the NSEC RRsets, in canonical order of their owners.
 * `apexExtraTypes` are the signer-made apex types (DNSKEY, and CDS/CDNSKEY
 * when published). Each bitmap lists the authoritative types at the name,
 * plus RRSIG and NSEC: RFC 4035 §2.3 — the NSEC itself is signed, so even an
 * unsigned delegation's NSEC has RRSIG set ("NS RRSIG NSEC", or
 * "NS DS RRSIG NSEC" for a secure one).
 */
export function buildNsecChain(zone: ClassifiedZone, apexExtraTypes: readonly number[], ttl: number): RRset[] {
  const members = zone.owners.filter(isInDenialChain);
  const cls = zone.soa.class;
  const bitmapOf = createBitmapCache();
  const out: RRset[] = new Array(members.length);
  for (let i = 0; i < members.length; i++) {
    const owner = members[i]!;
    // RFC 4034 §4.1.1: the last NSEC's Next Domain Name is the apex. The
    // canonical wire form is the name in lowercase (see the header).
    const next = (members[i + 1] ?? members[0]!).name.canonical;
    const types = authoritativeTypes(owner);
    if (owner.kind === 'apex') types.push(...apexExtraTypes);
    types.push(RRType.RRSIG, RRType.NSEC);
    types.sort((a, b) => a - b);
    const bitmap = bitmapOf(types);
    // RFC 4034 §4.1: Next Domain Name, then Type Bit Maps.
    const rdata = new Uint8Array(next.length + bitmap.length);
    rdata.set(next, 0);
    rdata.set(bitmap, next.length);
    out[i] = singleRecordRRset(owner.name, RRType.NSEC, cls, ttl, rdata);
  }
  return out;
}
