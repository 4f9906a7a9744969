/**
 * NSEC and NSEC3 records of a CompactZone, written straight into batch
 * buffers: RDATA as nsec.ts and nsec3.ts build it, owner names, and where
 * each NSEC3 owner falls in the canonical order of the zone's names.
 */
import { RRType } from '../../zone/types.ts';
import type { Name } from '../../zone/name.ts';
import { NSEC3_FLAG_OPT_OUT } from '../nsec3.ts';
import type { Nsec3Parameters } from '../nsec3.ts';
import { NSEC3_HASH_SHA1 } from '../nsec3-hash.ts';
import type { Nsec3Chain } from './compact-plan.ts';
import type { CompactZone } from './compact-zone.ts';

/**
 * The NSEC of each owner in the chain (RFC 4034 §4.1): Next Domain Name in
 * canonical (lowercase) form — see nsec.ts for why — then the type bitmap;
 * the last one points back at the apex.
 */
export class NsecRecords {
  private readonly zone: CompactZone;
  private readonly bitmaps: ReadonlyArray<Uint8Array | null>;
  private readonly next: Int32Array;
  readonly count: number;

  constructor(zone: CompactZone, bitmaps: ReadonlyArray<Uint8Array | null>) {
    this.zone = zone;
    this.bitmaps = bitmaps;
    this.next = new Int32Array(zone.ownerCount).fill(-1);
    let first = -1;
    let prev = -1;
    let count = 0;
    for (let k = 0; k < zone.ownerCount; k++) {
      if (bitmaps[k] === null) continue;
      count++;
      if (first < 0) first = k;
      if (prev >= 0) this.next[prev] = k;
      prev = k;
    }
    if (prev >= 0) this.next[prev] = first;
    this.count = count;
  }

  /** Whether owner k has an NSEC. */
  has(k: number): boolean {
    return this.bitmaps[k] !== null && this.bitmaps[k] !== undefined;
  }

  length(k: number): number {
    const next = this.next[k]!;
    return this.zone.ownerStart[next + 1]! - this.zone.ownerStart[next]! + this.bitmaps[k]!.length;
  }

  write(k: number, dst: Uint8Array, at: number): void {
    const next = this.next[k]!;
    const ns = this.zone.ownerStart[next]!;
    const ne = this.zone.ownerStart[next + 1]!;
    dst.set(this.zone.canon.subarray(ns, ne), at);
    dst.set(this.bitmaps[k]!, at + ne - ns);
  }

  rdata(k: number): Uint8Array {
    const rd = new Uint8Array(this.length(k));
    this.write(k, rd, 0);
    return rd;
  }
}

const BASE32HEX = Buffer.from('0123456789abcdefghijklmnopqrstuv', 'latin1');

/** base32hex (RFC 5155 §3.3, lowercase, no padding) of b[start..end) into out[at..]; returns the length. */
function base32hexInto(b: Uint8Array, start: number, end: number, out: Uint8Array, at: number): number {
  let bits = 0;
  let value = 0;
  let o = at;
  for (let i = start; i < end; i++) {
    value = ((value << 8) | b[i]!) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out[o++] = BASE32HEX[(value >>> (bits - 5)) & 31]!;
      bits -= 5;
    }
  }
  if (bits > 0) out[o++] = BASE32HEX[(value << (5 - bits)) & 31]!;
  return o - at;
}

/** Offset of the label right below the origin in canonical wire name[start..end), or −1 for the origin itself. */
function labelBelowOrigin(name: Uint8Array, start: number, end: number, originLength: number): number {
  let p = start;
  while (p < end && name[p] !== 0) {
    const next = p + name[p]! + 1;
    if (end - next === originLength) return p;
    p = next;
  }
  return -1;
}

/**
 * The NSEC3 records of a chain in hash order (RFC 5155 §3.2): owner
 * <base32hex(hash)>.<origin> (§3.3), RDATA algorithm, flags (Opt-Out,
 * §3.1.2.1), iterations, salt, next hashed owner, type bitmap. The owner
 * of entry j is built in reusable buffers (valid until the next call).
 */
export class Nsec3Records {
  private readonly chain: Nsec3Chain;
  private readonly prefix: Uint8Array;
  private readonly originWire: Uint8Array;
  private readonly originCanon: Uint8Array;
  private readonly ownerBuf: Uint8Array;
  private readonly canonBuf: Uint8Array;
  private labelOf = -1;
  private labelLength = 0;

  constructor(chain: Nsec3Chain, params: Nsec3Parameters, origin: Name) {
    this.chain = chain;
    this.originWire = origin.wire;
    this.originCanon = origin.canonical;
    this.ownerBuf = new Uint8Array(1 + 52 + this.originWire.length);
    this.canonBuf = new Uint8Array(1 + 52 + this.originCanon.length);
    // The RDATA prefix every NSEC3 of the chain shares.
    this.prefix = new Uint8Array(5 + params.salt.length);
    this.prefix[0] = NSEC3_HASH_SHA1;
    this.prefix[1] = params.optOut ? NSEC3_FLAG_OPT_OUT : 0;
    this.prefix[2] = params.iterations >>> 8;
    this.prefix[3] = params.iterations & 0xff;
    this.prefix[4] = params.salt.length;
    this.prefix.set(params.salt, 5);
  }

  get count(): number {
    return this.chain.count;
  }

  /** Builds entry j's owner label; returns its length. */
  private label(j: number): number {
    if (this.labelOf === j) return this.labelLength;
    const c = this.chain;
    const len = base32hexInto(c.hashes, j * 20, j * 20 + c.hashLength, this.ownerBuf, 1);
    this.ownerBuf[0] = len;
    this.ownerBuf.set(this.originWire, 1 + len);
    this.canonBuf.set(this.ownerBuf.subarray(0, 1 + len), 0);
    this.canonBuf.set(this.originCanon, 1 + len);
    this.labelOf = j;
    this.labelLength = len;
    return len;
  }

  /** Entry j's owner as written (the origin as given) — a view of a reused buffer. */
  owner(j: number): Uint8Array {
    return this.ownerBuf.subarray(0, 1 + this.label(j) + this.originWire.length);
  }

  /** Entry j's owner in canonical form — a view of a reused buffer. */
  canonicalOwner(j: number): Uint8Array {
    return this.canonBuf.subarray(0, 1 + this.label(j) + this.originCanon.length);
  }

  length(j: number): number {
    return this.prefix.length + 1 + this.chain.hashLength + this.chain.bitmaps[j]!.length;
  }

  write(j: number, dst: Uint8Array, at: number): void {
    const c = this.chain;
    const next = (j + 1) % c.count;
    const p = this.prefix.length;
    dst.set(this.prefix, at);
    dst[at + p] = c.hashLength;
    dst.set(c.hashes.subarray(next * 20, next * 20 + c.hashLength), at + p + 1);
    dst.set(c.bitmaps[j]!, at + p + 1 + c.hashLength);
  }

  rdata(j: number): Uint8Array {
    const rd = new Uint8Array(this.length(j));
    this.write(j, rd, 0);
    return rd;
  }

  /**
   * Whether entry j's NSEC3 RRset sorts before the RRset of `type` at owner
   * k of `zone` (RFC 4034 §6.1 owner order, then type), as orderRRsets in
   * sign-zone.ts merges the chain into the zone.
   */
  sortsBefore(j: number, zone: CompactZone, k: number, type: number): boolean {
    const cs = zone.ownerStart[k]!;
    const ce = zone.ownerStart[k + 1]!;
    const below = labelBelowOrigin(zone.canon, cs, ce, this.originCanon.length);
    // The apex sorts before every NSEC3 owner.
    if (below < 0) return false;
    const len = this.label(j);
    const own = zone.canon[below]!;
    const n = Math.min(len, own);
    for (let q = 0; q < n; q++) {
      const d = this.canonBuf[1 + q]! - zone.canon[below + 1 + q]!;
      if (d !== 0) return d < 0;
    }
    if (len !== own) return len < own;
    // The same label below the origin: the NSEC3 owner is this name or its ancestor.
    if (below !== cs) return true;
    return RRType.NSEC3 < type;
  }
}
