/**
 * The byte format of the work handed to signing workers, and of what comes
 * back. One batch is one ArrayBuffer, transferred (not copied) between
 * threads; no JSON, no objects per RRset.
 *
 * Batch (main → worker):
 *   u32 unit count, then per unit:
 *   u8  flags (UNIT_*)
 *   u8  owner length, owner in uncompressed wire form
 *   u16 type, u16 class, u32 TTL, u32 signature expiration
 *   u16 RDATA count, then per RDATA: u16 length, RDATA
 *   when UNIT_REUSED: u8 count, then per RRSIG: u16 length, RRSIG RDATA
 * All integers big-endian (network order, like the RDATA they sit beside).
 *
 * A UNIT_TEXT unit is instead: u8 flags, u32 length, text to copy.
 * In `rdata` mode (signZoneParallel) owners and RDATA are already in
 * canonical form and the result lists the RRSIG RDATAs of each signed unit:
 *   per unit with UNIT_SIGN: u8 count, then per RRSIG: u16 length, RDATA.
 * In `text` mode (the streaming signer) owners and RDATA are as written,
 * the worker canonicalizes them, and the result is the unit's master-file
 * text: its records, then its RRSIGs (new or kept).
 */
import { SignetError } from '../../core/errors.ts';

/** Sign the unit. */
export const UNIT_SIGN = 1;
/** Signed by the KSK role (apex DNSKEY, CDS, CDNSKEY); otherwise the ZSK role. */
export const UNIT_KSK = 2;
/** Kept RRSIG RDATAs follow the RDATAs (text mode: printed instead of signing). */
export const UNIT_REUSED = 4;

/**
 * Text mode only: a run of output text to copy as it is (the patching
 * re-signer passes unchanged lines of the previous file through). Layout:
 * u8 flags, u32 length, the octets.
 */
export const UNIT_TEXT = 8;

/** Default batch payload: large enough to amortize a message, small enough to keep every worker busy. */
export const BATCH_BYTES = 256 * 1024;

/** Growable batch writer on the main thread; `finish` hands over the buffer. */
export class BatchWriter {
  private buf: Uint8Array;
  private pos = 4;
  private count = 0;
  private rdataCountAt = 0;
  private rdataCount = 0;

  constructor(capacity = BATCH_BYTES + 4096) {
    this.buf = new Uint8Array(capacity);
  }

  get units(): number {
    return this.count;
  }

  get bytes(): number {
    return this.pos;
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let n = this.buf.length * 2;
    while (n < this.pos + extra) n *= 2;
    const next = new Uint8Array(n);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Starts a unit; add its RDATAs with `rdata`, then optionally `reused`. */
  begin(flags: number, owner: Uint8Array, type: number, cls: number, ttl: number, expiration: number): void {
    this.ensure(owner.length + 18);
    const b = this.buf;
    let p = this.pos;
    b[p++] = flags;
    b[p++] = owner.length;
    b.set(owner, p);
    p += owner.length;
    b[p++] = type >>> 8;
    b[p++] = type;
    b[p++] = cls >>> 8;
    b[p++] = cls;
    b[p++] = ttl >>> 24;
    b[p++] = ttl >>> 16;
    b[p++] = ttl >>> 8;
    b[p++] = ttl;
    const e = expiration >>> 0;
    b[p++] = e >>> 24;
    b[p++] = e >>> 16;
    b[p++] = e >>> 8;
    b[p++] = e;
    this.rdataCountAt = p;
    this.rdataCount = 0;
    this.pos = p + 2;
    this.count++;
  }

  /** Appends one RDATA (`src[start..end)`) to the current unit. */
  rdata(src: Uint8Array, start = 0, end = src.length): void {
    const len = end - start;
    this.ensure(len + 2);
    const b = this.buf;
    b[this.pos] = len >>> 8;
    b[this.pos + 1] = len;
    b.set(start === 0 && end === src.length ? src : src.subarray(start, end), this.pos + 2);
    this.pos += len + 2;
    this.rdataCount++;
    b[this.rdataCountAt] = this.rdataCount >>> 8;
    b[this.rdataCountAt + 1] = this.rdataCount;
  }

  /**
   * Appends `count` RDATAs already laid out as (u16 length, RDATA) in
   * src[start..end), as a CompactZone stores an RRset.
   */
  rdataBlock(src: Uint8Array, start: number, end: number, count: number): void {
    this.ensure(end - start);
    this.buf.set(src.subarray(start, end), this.pos);
    this.pos += end - start;
    this.rdataCount += count;
    this.buf[this.rdataCountAt] = this.rdataCount >>> 8;
    this.buf[this.rdataCountAt + 1] = this.rdataCount;
  }

  /**
   * Reserves room for one RDATA of `len` octets and returns the offset to
   * write it at in `buffer` (for RDATA built in place, such as NSEC3).
   */
  reserveRdata(len: number): number {
    this.ensure(len + 2);
    const b = this.buf;
    b[this.pos] = len >>> 8;
    b[this.pos + 1] = len;
    const at = this.pos + 2;
    this.pos = at + len;
    this.rdataCount++;
    b[this.rdataCountAt] = this.rdataCount >>> 8;
    b[this.rdataCountAt + 1] = this.rdataCount;
    return at;
  }

  /** The buffer `reserveRdata` offsets refer to (valid until the next call that may grow it). */
  get buffer(): Uint8Array {
    return this.buf;
  }

  /** A UNIT_TEXT unit: src[start..end) goes to the output as it is. */
  text(src: Uint8Array, start: number, end: number): void {
    const len = end - start;
    this.ensure(len + 5);
    const b = this.buf;
    let p = this.pos;
    b[p++] = UNIT_TEXT;
    b[p++] = len >>> 24;
    b[p++] = len >>> 16;
    b[p++] = len >>> 8;
    b[p++] = len;
    b.set(src.subarray(start, end), p);
    this.pos = p + len;
    this.count++;
  }

  /** The RRSIGs kept for the current unit (its flags must include UNIT_REUSED). */
  reused(rrsigs: readonly Uint8Array[]): void {
    let total = 1;
    for (const s of rrsigs) total += s.length + 2;
    this.ensure(total);
    const b = this.buf;
    b[this.pos++] = rrsigs.length;
    for (const s of rrsigs) {
      b[this.pos] = s.length >>> 8;
      b[this.pos + 1] = s.length;
      b.set(s, this.pos + 2);
      this.pos += s.length + 2;
    }
  }

  /** The finished batch as a standalone ArrayBuffer (ready to transfer); the writer starts over. */
  finish(): ArrayBuffer {
    const b = this.buf;
    b[0] = this.count >>> 24;
    b[1] = this.count >>> 16;
    b[2] = this.count >>> 8;
    b[3] = this.count;
    const out = new ArrayBuffer(this.pos);
    new Uint8Array(out).set(b.subarray(0, this.pos));
    this.pos = 4;
    this.count = 0;
    return out;
  }
}

/** One unit as read by a worker: fields, and offsets into the batch for the variable parts. */
export interface UnitView {
  flags: number;
  ownerStart: number;
  ownerEnd: number;
  type: number;
  cls: number;
  ttl: number;
  expiration: number;
  rdataCount: number;
  /** Offset of the first RDATA's length field. */
  rdataStart: number;
  /** Offset of the reused count (UNIT_REUSED), else the end of the unit. */
  rdataEnd: number;
  /** Offset after the unit. */
  end: number;
}

/** Reads the unit at `pos` of `b` into `u` (reused object: no allocation per unit). */
export function readUnit(b: Uint8Array, pos: number, u: UnitView): void {
  let p = pos;
  if (p + 2 > b.length) throw new SignetError('ERR_INTERNAL', 'truncated signing batch');
  u.flags = b[p++]!;
  if (u.flags & UNIT_TEXT) {
    const len = ((b[p]! << 24) >>> 0) + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
    u.rdataStart = p + 4;
    u.rdataEnd = p + 4 + len;
    u.end = p + 4 + len;
    if (u.end > b.length) throw new SignetError('ERR_INTERNAL', 'truncated signing batch');
    return;
  }
  const ownerLength = b[p++]!;
  u.ownerStart = p;
  p += ownerLength;
  u.ownerEnd = p;
  u.type = (b[p]! << 8) | b[p + 1]!;
  u.cls = (b[p + 2]! << 8) | b[p + 3]!;
  u.ttl = ((b[p + 4]! << 24) >>> 0) + ((b[p + 5]! << 16) | (b[p + 6]! << 8) | b[p + 7]!);
  u.expiration = ((b[p + 8]! << 24) >>> 0) + ((b[p + 9]! << 16) | (b[p + 10]! << 8) | b[p + 11]!);
  u.rdataCount = (b[p + 12]! << 8) | b[p + 13]!;
  p += 14;
  u.rdataStart = p;
  for (let i = 0; i < u.rdataCount; i++) p += 2 + ((b[p]! << 8) | b[p + 1]!);
  u.rdataEnd = p;
  if (u.flags & UNIT_REUSED) {
    const n = b[p++]!;
    for (let i = 0; i < n; i++) p += 2 + ((b[p]! << 8) | b[p + 1]!);
  }
  if (p > b.length) throw new SignetError('ERR_INTERNAL', 'truncated signing batch');
  u.end = p;
}

export function newUnitView(): UnitView {
  return { flags: 0, ownerStart: 0, ownerEnd: 0, type: 0, cls: 0, ttl: 0, expiration: 0, rdataCount: 0, rdataStart: 0, rdataEnd: 0, end: 0 };
}
