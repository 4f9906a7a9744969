/**
 * RDATA straight from the bytes of a zone file line, for the fast reader's
 * plain-line path (fast-lines.ts): the commonest types and the DNSSEC
 * records signet writes itself (RRSIG, NSEC, NSEC3, DS), written directly
 * into the builder's arena without strings or intermediate arrays.
 *
 * Every function here gives exactly the octets the RDATA codecs
 * (src/zone/rdata) give for the same text, or −1 when the text is anything
 * but the plain form it handles; the caller then reads the line the general
 * way (lexer tokens), which has the last word on it. Tokens are
 * buf[ts[k] .. te[k]), already known to hold only printable ASCII other
 * than `\`, `"`, `(`, `)` and `;` (fast-lines.ts checks each line).
 */
import { parseRrsigTime } from '../../core/time.ts';
import { RRType } from '../../zone/types.ts';
import { GIVE_UP } from './fast-common.ts';
import { daysToMonth, decimal } from './patch-text.ts';

/**
 * A value per token spelling (type or class mnemonics), remembered in a
 * small direct-mapped table keyed on the bytes, so that looking one up
 * makes no string. −1 stands for null.
 */
export class TokenCache {
  private readonly texts: Array<string | undefined> = new Array<string | undefined>(512);
  private readonly values = new Int32Array(512);
  private readonly compute: (text: string) => number | null;

  constructor(compute: (text: string) => number | null) {
    this.compute = compute;
  }

  get(buf: Buffer, s: number, e: number): number {
    let h = e - s;
    for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    const slot = (h ^ (h >>> 16)) & 511;
    const known = this.texts[slot];
    if (known !== undefined && known.length === e - s) {
      let same = true;
      for (let i = 0; same && i < known.length; i++) if (known.charCodeAt(i) !== buf[s + i]) same = false;
      if (same) return this.values[slot]!;
    }
    const text = buf.toString('latin1', s, e);
    const v = this.compute(text) ?? -1;
    this.texts[slot] = text;
    this.values[slot] = v;
    return v;
  }
}

/** An unsigned decimal of 1 to 10 digits no larger than `max` (RdataCursor.integer), or −1. */
export function digitsAt(buf: Uint8Array, s: number, e: number, max: number): number {
  const v = decimal(buf, s, e);
  return v <= max ? v : -1;
}

/**
 * A name token as fast-load.ts nameInto writes it (uncompressed wire, as
 * spelled; relative names completed with the origin); −1 for the root `.`,
 * which nameInto leaves to the general code. Throws GIVE_UP where nameInto does.
 */
export function nameAt(buf: Uint8Array, s: number, e: number, originWire: Uint8Array, dst: Uint8Array, at: number): number {
  const n = e - s;
  if (n === 1 && buf[s] === 0x40) {
    dst.set(originWire, at);
    return at + originWire.length;
  }
  if (n === 0 || (n === 1 && buf[s] === 0x2e)) return -1;
  // Labels as Name.parse builds them: split on dots, each 1..63 octets.
  let lengthAt = at;
  let o = at + 1;
  let len = 0;
  for (let i = s; i < e; i++) {
    const c = buf[i]!;
    if (c === 0x2e) {
      if (len === 0) throw GIVE_UP;
      dst[lengthAt] = len;
      lengthAt = o++;
      len = 0;
      continue;
    }
    if (++len > 63 || o - at >= 255) throw GIVE_UP;
    dst[o++] = c;
  }
  const absolute = buf[e - 1] === 0x2e;
  let labelsEnd: number;
  if (len > 0) {
    dst[lengthAt] = len;
    labelsEnd = o;
  } else {
    labelsEnd = lengthAt;
  }
  const total = labelsEnd - at + (absolute ? 1 : originWire.length);
  if (total > 255) throw GIVE_UP;
  if (absolute) dst[labelsEnd] = 0;
  else dst.set(originWire, labelsEnd);
  return at + total;
}

function twoDigits(buf: Uint8Array, at: number): number {
  return (buf[at]! - 0x30) * 10 + buf[at + 1]! - 0x30;
}

/**
 * An RRSIG time (rdata/dnssec.ts signatureTime, RFC 4034 §3.2): 14 digits
 * YYYYMMDDHHmmSS read as UTC modulo 2^32 as parseRrsigTime does (field
 * overflow carries, as in Date.UTC), or 1 to 10 digits of seconds; −1 otherwise.
 */
export function signatureTimeAt(buf: Buffer, s: number, e: number): number {
  if (e - s !== 14) return digitsAt(buf, s, e, 0xffffffff);
  for (let i = s; i < e; i++) if (buf[i]! < 0x30 || buf[i]! > 0x39) return -1;
  const year = twoDigits(buf, s) * 100 + twoDigits(buf, s + 2);
  const month = twoDigits(buf, s + 4);
  // Years before 1970 (Date.UTC reads 0..99 as 19xx) and months that carry into the year: parseRrsigTime itself.
  if (year < 1970 || month < 1 || month > 12) return parseRrsigTime(buf.toString('latin1', s, e));
  // Days, hours, minutes and seconds add linearly, overflow included (MakeDay, MakeTime).
  const seconds = (daysToMonth(year, month) + twoDigits(buf, s + 6) - 1) * 86400 + twoDigits(buf, s + 8) * 3600 + twoDigits(buf, s + 10) * 60 + twoDigits(buf, s + 12);
  return ((seconds % 2 ** 32) + 2 ** 32) % 2 ** 32;
}

const B64 = new Int8Array(256).fill(-1);
const B32HEX = new Int8Array(256).fill(-1);
const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 64; i++) B64['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;
for (let i = 0; i < 32; i++) {
  B32HEX['0123456789abcdefghijklmnopqrstuv'.charCodeAt(i)] = i;
  B32HEX['0123456789ABCDEFGHIJKLMNOPQRSTUV'.charCodeAt(i)] = i;
}
for (let i = 0; i < 16; i++) {
  HEX['0123456789abcdef'.charCodeAt(i)] = i;
  HEX['0123456789ABCDEF'.charCodeAt(i)] = i;
}

/**
 * Base64 (core/bytes.ts fromBase64) decoded into dst[at..]; returns the
 * offset after it, or −1 unless the text is plain: alphabet characters,
 * then either no padding or padding that completes the last quantum.
 */
export function base64At(buf: Uint8Array, s: number, e: number, dst: Uint8Array, at: number): number {
  let u = e;
  while (u > s && buf[u - 1] === 0x3d) u--;
  const pads = e - u;
  const n = u - s;
  if (pads > 2 || n % 4 === 1 || (pads > 0 && (n + pads) % 4 !== 0)) return -1;
  let o = at;
  const whole = s + (n & ~3);
  for (let i = s; i < whole; i += 4) {
    const a = B64[buf[i]!]!;
    const b = B64[buf[i + 1]!]!;
    const c = B64[buf[i + 2]!]!;
    const d = B64[buf[i + 3]!]!;
    if ((a | b | c | d) < 0) return -1;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    dst[o] = v >>> 16;
    dst[o + 1] = v >>> 8;
    dst[o + 2] = v;
    o += 3;
  }
  const rest = n & 3;
  if (rest >= 2) {
    const a = B64[buf[whole]!]!;
    const b = B64[buf[whole + 1]!]!;
    const c = rest === 3 ? B64[buf[whole + 2]!]! : 0;
    if ((a | b | c) < 0) return -1;
    dst[o++] = (a << 2) | (b >>> 4);
    if (rest === 3) dst[o++] = ((b & 15) << 4) | (c >>> 2);
  }
  return o;
}

/** Base32hex without padding (core/bytes.ts fromBase32Hex) into dst[at..]; −1 when malformed. */
export function base32HexAt(buf: Uint8Array, s: number, e: number, dst: Uint8Array, at: number): number {
  let bits = 0;
  let value = 0;
  let o = at;
  for (let i = s; i < e; i++) {
    const v = B32HEX[buf[i]!]!;
    if (v < 0) return -1;
    value = ((value << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      dst[o++] = value >>> (bits - 8);
      bits -= 8;
    }
  }
  // Leftover bits must be zero padding of less than one byte.
  if (bits >= 5 || (value & ((1 << bits) - 1)) !== 0) return -1;
  return o;
}

/** Hex over tokens k..n−1 taken as one string (RdataCursor.hexRest) into dst[at..]; −1 when malformed. */
function hexRestAt(buf: Uint8Array, ts: Int32Array, te: Int32Array, k: number, n: number, dst: Uint8Array, at: number): number {
  let o = at;
  let high = -1;
  for (let t = k; t < n; t++) {
    for (let i = ts[t]!; i < te[t]!; i++) {
      const v = HEX[buf[i]!]!;
      if (v < 0) return -1;
      if (high < 0) {
        high = v;
      } else {
        dst[o++] = (high << 4) | v;
        high = -1;
      }
    }
  }
  return high < 0 ? o : -1;
}

/** Bits of the type bitmap being built, 32 octets per window. */
const bitmapBits = new Uint8Array(256 * 32);
/** Last octet used in each window, −1 for none. */
const windowLast = new Int8Array(256).fill(-1);

/**
 * The type list in tokens k..n−1 as an RFC 4034 §4.1.2 type bitmap
 * (dnssec-rdata.ts encodeTypeBitmap: windows in order, each as long as its
 * last set octet) into dst[at..]; −1 when a token is not a type.
 */
export function bitmapAt(buf: Buffer, ts: Int32Array, te: Int32Array, k: number, n: number, types: TokenCache, dst: Uint8Array, at: number): number {
  let low = 256;
  let high = -1;
  let known = true;
  for (let t = k; t < n; t++) {
    const type = types.get(buf, ts[t]!, te[t]!);
    if (type < 0) {
      known = false;
      break;
    }
    const w = type >>> 8;
    const octet = (type & 0xff) >>> 3;
    bitmapBits[w * 32 + octet]! |= 0x80 >>> (type & 7);
    if (octet > windowLast[w]!) windowLast[w] = octet;
    if (w < low) low = w;
    if (w > high) high = w;
  }
  let o = at;
  for (let w = low; w <= high; w++) {
    const last = windowLast[w]!;
    if (last < 0) continue;
    if (known) {
      dst[o] = w;
      dst[o + 1] = last + 1;
      o += 2;
    }
    for (let i = w * 32; i <= w * 32 + last; i++) {
      if (known) dst[o++] = bitmapBits[i]!;
      bitmapBits[i] = 0;
    }
    windowLast[w] = -1;
  }
  return known ? o : -1;
}

/** Most RDATA octets a line of `length` octets with `tokens` tokens can give here (for reserving room). */
export function rdataBound(length: number, tokens: number): number {
  return length + 600 + Math.min(8704, 34 * tokens);
}

/**
 * The RDATA of a `type` record from tokens k..n−1 into dst[at..], as the
 * codecs give it; returns the offset after it, or −1 to read the line the
 * general way. Throws GIVE_UP where the token reader would.
 */
export function rdataAt(type: number, buf: Buffer, ts: Int32Array, te: Int32Array, k: number, n: number, originWire: Uint8Array, types: TokenCache, dst: Uint8Array, at: number): number {
  const left = n - k;
  if (left === 0) return -1;
  const s = ts[k]!;
  const e = te[k]!;
  switch (type) {
    case RRType.RRSIG: {
      // RFC 4034 §3.2: type alg labels TTL expiration inception tag signer signature.
      if (left !== 9) return -1;
      const covered = types.get(buf, s, e);
      const alg = digitsAt(buf, ts[k + 1]!, te[k + 1]!, 0xff);
      const labels = digitsAt(buf, ts[k + 2]!, te[k + 2]!, 0xff);
      const ttl = digitsAt(buf, ts[k + 3]!, te[k + 3]!, 0xffffffff);
      const expiration = signatureTimeAt(buf, ts[k + 4]!, te[k + 4]!);
      const inception = signatureTimeAt(buf, ts[k + 5]!, te[k + 5]!);
      const tag = digitsAt(buf, ts[k + 6]!, te[k + 6]!, 0xffff);
      if (covered < 0 || alg < 0 || labels < 0 || ttl < 0 || expiration < 0 || inception < 0 || tag < 0) return -1;
      dst[at] = covered >>> 8;
      dst[at + 1] = covered;
      dst[at + 2] = alg;
      dst[at + 3] = labels;
      writeU32(dst, at + 4, ttl);
      writeU32(dst, at + 8, expiration);
      writeU32(dst, at + 12, inception);
      dst[at + 16] = tag >>> 8;
      dst[at + 17] = tag;
      const end = nameAt(buf, ts[k + 7]!, te[k + 7]!, originWire, dst, at + 18);
      if (end < 0) return -1;
      // The Signer's Name is kept in canonical form (encodeRrsig writes signerName.canonical).
      for (let i = at + 18; i < end; i++) if (dst[i]! >= 0x41 && dst[i]! <= 0x5a) dst[i] = dst[i]! + 32;
      const sigEnd = base64At(buf, ts[k + 8]!, te[k + 8]!, dst, end);
      if (sigEnd <= end || sigEnd - at > 0xffff) return -1;
      return sigEnd;
    }
    case RRType.NSEC3: {
      // RFC 5155 §3.3: algorithm flags iterations salt next-hashed types.
      if (left < 5) return -1;
      const alg = digitsAt(buf, s, e, 0xff);
      const flags = digitsAt(buf, ts[k + 1]!, te[k + 1]!, 0xff);
      const iterations = digitsAt(buf, ts[k + 2]!, te[k + 2]!, 0xffff);
      if (alg < 0 || flags < 0 || iterations < 0) return -1;
      dst[at] = alg;
      dst[at + 1] = flags;
      dst[at + 2] = iterations >>> 8;
      dst[at + 3] = iterations;
      const ss = ts[k + 3]!;
      const se = te[k + 3]!;
      let saltEnd = at + 5;
      if (!(se - ss === 1 && buf[ss] === 0x2d)) {
        saltEnd = hexRestAt(buf, ts, te, k + 3, k + 4, dst, at + 5);
        if (saltEnd <= at + 5 || saltEnd - at - 5 > 255) return -1;
      }
      dst[at + 4] = saltEnd - at - 5;
      const hashEnd = base32HexAt(buf, ts[k + 4]!, te[k + 4]!, dst, saltEnd + 1);
      if (hashEnd <= saltEnd + 1 || hashEnd - saltEnd - 1 > 255) return -1;
      dst[saltEnd] = hashEnd - saltEnd - 1;
      return bitmapAt(buf, ts, te, k + 5, n, types, dst, hashEnd);
    }
    case RRType.NSEC: {
      // RFC 4034 §4.2: next name (as written), then types.
      const end = nameAt(buf, s, e, originWire, dst, at);
      return end < 0 ? -1 : bitmapAt(buf, ts, te, k + 1, n, types, dst, end);
    }
    case RRType.DS: case RRType.CDS: {
      // RFC 4034 §5.3: key tag, algorithm (a number here), digest type, digest in hex over the remaining tokens.
      if (left < 4) return -1;
      const tag = digitsAt(buf, s, e, 0xffff);
      const alg = digitsAt(buf, ts[k + 1]!, te[k + 1]!, 0xff);
      const digestType = digitsAt(buf, ts[k + 2]!, te[k + 2]!, 0xff);
      if (tag < 0 || alg < 0 || digestType < 0) return -1;
      dst[at] = tag >>> 8;
      dst[at + 1] = tag;
      dst[at + 2] = alg;
      dst[at + 3] = digestType;
      const end = hexRestAt(buf, ts, te, k + 3, n, dst, at + 4);
      return end < 0 || end - at > 0xffff ? -1 : end;
    }
    case RRType.A:
      return left === 1 ? ipv4At(buf, s, e, dst, at) : -1;
    case RRType.AAAA:
      return left === 1 ? ipv6At(buf, s, e, dst, at) : -1;
    case RRType.NS: case RRType.CNAME: case RRType.PTR: case RRType.DNAME:
      return left === 1 ? nameAt(buf, s, e, originWire, dst, at) : -1;
    case RRType.MX: {
      if (left !== 2) return -1;
      const pref = digitsAt(buf, s, e, 0xffff);
      if (pref < 0) return -1;
      dst[at] = pref >>> 8;
      dst[at + 1] = pref;
      return nameAt(buf, ts[k + 1]!, te[k + 1]!, originWire, dst, at + 2);
    }
    default:
      return -1;
  }
}

function writeU32(dst: Uint8Array, at: number, v: number): void {
  dst[at] = v >>> 24;
  dst[at + 1] = v >>> 16;
  dst[at + 2] = v >>> 8;
  dst[at + 3] = v;
}

/** Four decimal octets without leading zeros (rdata/ip.ts parseIPv4) into dst[at..]; −1 otherwise. */
function ipv4At(buf: Uint8Array, s: number, e: number, dst: Uint8Array, at: number): number {
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = s; i <= e; i++) {
    const c = i < e ? buf[i]! : 0x2e;
    if (c === 0x2e) {
      if (digits === 0 || part > 3) return -1;
      dst[at + part++] = value;
      value = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && value === 0) return -1;
      value = value * 10 + (c - 0x30);
      if (++digits > 3 || value > 255) return -1;
    } else {
      return -1;
    }
  }
  return part === 4 ? at + 4 : -1;
}

/** Groups of the IPv6 address being read. */
const groups = new Int32Array(9);

/**
 * An IPv6 address of hex groups with at most one `::` (rdata/ip.ts
 * parseIPv6: eight groups, or fewer around the `::`) into dst[at..]; −1
 * otherwise, a trailing dotted quad included (parseIPv6 reads that).
 */
export function ipv6At(buf: Uint8Array, s: number, e: number, dst: Uint8Array, at: number): number {
  let n = 0;
  let gap = -1;
  let i = s;
  if (e - s >= 2 && buf[s] === 0x3a && buf[s + 1] === 0x3a) {
    gap = 0;
    i = s + 2;
  }
  while (i < e) {
    let v = 0;
    const start = i;
    while (i < e && i - start < 5) {
      const h = HEX[buf[i]!]!;
      if (h < 0) break;
      v = (v << 4) | h;
      i++;
    }
    if (i === start || i - start > 4 || n === 8) return -1;
    groups[n++] = v;
    if (i === e) break;
    if (buf[i] !== 0x3a) return -1;
    i++;
    if (i < e && buf[i] === 0x3a) {
      if (gap >= 0) return -1;
      gap = n;
      i++;
    } else if (i === e) {
      return -1;
    }
  }
  if (gap < 0 ? n !== 8 : n >= 8) return -1;
  dst.fill(0, at, at + 16);
  const tail = gap < 0 ? 0 : 8 - n;
  for (let g = 0; g < n; g++) {
    const o = at + (g < gap || gap < 0 ? g : g + tail) * 2;
    dst[o] = groups[g]! >>> 8;
    dst[o + 1] = groups[g]!;
  }
  return at + 16;
}
