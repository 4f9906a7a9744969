/**
 * The NSEC3 chain and NSEC3PARAM (RFC 5155 §7.1; parameters per RFC 9276).
 *
 * Covered names: the apex, every authoritative name, every delegation point
 * and every empty non-terminal. With Opt-Out, delegations without a DS are
 * left out, and so are the empty non-terminals that exist only because of
 * them (RFC 5155 §7.1: "Each empty non-terminal MUST have a corresponding
 * NSEC3 RR, unless the empty non-terminal is only derived from an insecure
 * delegation covered by an Opt-Out NSEC3 RR").
 *
 * Type bitmaps list the types present at the ORIGINAL owner name (RFC 5155
 * §3.2.1, §7.1), never NSEC3 itself. RRSIG is listed only where the original
 * name has signed data: the apex and authoritative names, and a delegation
 * with a DS ("NS DS RRSIG"). An insecure delegation has "NS" alone, since its
 * NS RRset is unsigned (RFC 4035 §2.2) and the NSEC3's own RRSIG sits at the
 * hashed owner name, not the original one (this is what BIND and ldns emit).
 * An empty non-terminal has an empty bitmap.
 *
 * Every NSEC3 gets the Opt-Out flag when Opt-Out is on (RFC 5155 §3.1.2.1).
 */
import { SignetError } from '../core/errors.ts';
import { compareBytes } from '../core/bytes.ts';
import { encodeNsec3Param } from '../zone/dnssec-rdata.ts';
import { Name } from '../zone/name.ts';
import type { RRset } from '../zone/record.ts';
import { RRType } from '../zone/types.ts';
import { authoritativeTypes, listEmptyNonTerminals } from './authority.ts';
import type { ClassifiedZone, ZoneOwner } from './authority.ts';
import { createBitmapCache, isInDenialChain, singleRecordRRset } from './nsec.ts';
import { createNsec3Hasher, NSEC3_HASH_SHA1 } from './nsec3-hash.ts';
import type { Nsec3Hasher } from './nsec3-hash.ts';

/** NSEC3 parameters. RFC 9276 §3.1: iterations 0 and an empty salt are the recommended values. */
export interface Nsec3Parameters {
  readonly iterations: number;
  readonly salt: Uint8Array;
  readonly optOut: boolean;
}

/** RFC 5155 §3.1.2.1: the Opt-Out flag is bit 7 (value 1) of the NSEC3 Flags field. */
export const NSEC3_FLAG_OPT_OUT = 0x01;

interface ChainEntry {
  readonly hash: Uint8Array;
  readonly original: Name;
  readonly types: readonly number[];
}

/** Whether Opt-Out leaves this owner out of the chain: a delegation without DS (RFC 5155 §6, §7.1). */
function isOptedOut(owner: ZoneOwner, optOut: boolean): boolean {
  return optOut && owner.kind === 'delegation' && !owner.hasDs;
}

function bitmapTypes(owner: ZoneOwner, apexExtraTypes: readonly number[]): number[] {
  const types = authoritativeTypes(owner);
  if (owner.kind === 'apex') types.push(...apexExtraTypes, RRType.NSEC3PARAM);
  // The original name has RRSIGs unless it is an insecure delegation (unsigned NS only).
  if (owner.kind !== 'delegation' || owner.hasDs) types.push(RRType.RRSIG);
  return types.sort((a, b) => a - b);
}

const BASE32HEX = Buffer.from('0123456789abcdefghijklmnopqrstuv', 'latin1');

/** The owner label: the hash in base32hex, lowercase, unpadded (RFC 5155 §3.3); 20 octets give 32 characters. */
function hashLabel(hash: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil((hash.length * 8) / 5));
  let bits = 0;
  let value = 0;
  let o = 0;
  for (let i = 0; i < hash.length; i++) {
    value = ((value << 8) | hash[i]!) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out[o++] = BASE32HEX[(value >>> (bits - 5)) & 31]!;
      bits -= 5;
    }
  }
  if (bits > 0) out[o] = BASE32HEX[(value << (5 - bits)) & 31]!;
  return out;
}

/**
 * Builds the NSEC3 RRsets in hash order, which is also the canonical order of
 * their owner names `<base32hex(hash)>.<origin>`. `apexExtraTypes` are the
 * signer-made apex types (DNSKEY, and CDS/CDNSKEY when published); the apex
 * bitmap also gets NSEC3PARAM. Throws ERR_NSEC3_HASH_COLLISION when two
 * names hash alike (RFC 5155 §7.1: the zone must then be re-salted).
 * `hasher` is for tests that need a collision; it defaults to SHA-1 with
 * the parameters' salt and iterations.
 */
export function buildNsec3Chain(
  zone: ClassifiedZone,
  apexExtraTypes: readonly number[],
  params: Nsec3Parameters,
  ttl: number,
  hasher: Nsec3Hasher = createNsec3Hasher(params.iterations, params.salt),
): RRset[] {
  const members = zone.owners.filter((o) => isInDenialChain(o) && !isOptedOut(o, params.optOut));
  const entries: ChainEntry[] = [];
  for (const owner of members) {
    entries.push({ hash: hasher.hashName(owner.name), original: owner.name, types: bitmapTypes(owner, apexExtraTypes) });
  }
  const bitmapOf = createBitmapCache();
  const empty: readonly number[] = [];
  for (const ent of listEmptyNonTerminals(members.map((o) => o.name), zone.origin)) {
    entries.push({ hash: hasher.hashName(ent), original: ent, types: empty });
  }
  entries.sort((a, b) => compareBytes(a.hash, b.hash));

  const flags = params.optOut ? NSEC3_FLAG_OPT_OUT : 0;
  const cls = zone.soa.class;
  const originLabels = zone.origin.labels;
  // The RDATA prefix every NSEC3 of the chain shares: algorithm, flags, iterations, salt.
  const prefix = new Uint8Array(5 + params.salt.length);
  prefix[0] = NSEC3_HASH_SHA1;
  prefix[1] = flags;
  prefix[2] = params.iterations >>> 8;
  prefix[3] = params.iterations & 0xff;
  prefix[4] = params.salt.length;
  prefix.set(params.salt, 5);
  const out: RRset[] = new Array(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    const next = entries[i + 1] ?? entries[0]!;
    if (next !== entry && compareBytes(next.hash, entry.hash) === 0) {
      throw new SignetError(
        'ERR_NSEC3_HASH_COLLISION',
        `NSEC3 hash collision between ${entry.original.toString()} and ${next.original.toString()}; choose another salt`,
      );
    }
    // RFC 5155 §3.2: Hash Algorithm, Flags, Iterations, Salt Length, Salt,
    // Hash Length, Next Hashed Owner Name, Type Bit Maps.
    const bitmap = bitmapOf(entry.types);
    const rdata = new Uint8Array(prefix.length + 1 + next.hash.length + bitmap.length);
    rdata.set(prefix, 0);
    rdata[prefix.length] = next.hash.length;
    rdata.set(next.hash, prefix.length + 1);
    rdata.set(bitmap, prefix.length + 1 + next.hash.length);
    const owner = Name.fromLabels([hashLabel(entry.hash), ...originLabels]);
    out[i] = singleRecordRRset(owner, RRType.NSEC3, cls, ttl, rdata);
  }
  return out;
}

/**
 * The apex NSEC3PARAM RRset. Its Flags field is 0: RFC 5155 §4.1.2 says
 * Opt-Out is never set here. TTL: RFC 5155 fixes none; we use the NSEC3 TTL
 * (RFC 9077's SOA-derived value) so every denial record of the zone shares one.
 */
export function buildNsec3Param(zone: ClassifiedZone, params: Nsec3Parameters, ttl: number): RRset {
  const rdata = encodeNsec3Param({ hashAlgorithm: NSEC3_HASH_SHA1, flags: 0, iterations: params.iterations, salt: params.salt });
  return singleRecordRRset(zone.origin, RRType.NSEC3PARAM, zone.soa.class, ttl, rdata);
}
