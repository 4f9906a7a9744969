/**
 * Master-file text for signed RRsets, written as bytes. The output is
 * exactly what src/zone/writer.ts formatRecord gives (one record per line,
 * `owner<TAB>ttl<TAB>class<TAB>type<TAB>rdata`), so files are the same
 * whichever path wrote them; a test compares the two on every type. The
 * types that fill a signed zone (RRSIG, NSEC3, NSEC, A, name types, MX, DS)
 * are written straight from wire form without building strings; other
 * types go through formatRdata.
 */
import { formatRdata } from '../../zone/rdata/index.ts';
import { classToString, RRType, typeToString } from '../../zone/types.ts';

const TAB = 0x09;
const NL = 0x0a;
const SPACE = 0x20;
const DOT = 0x2e;
const BACKSLASH = 0x5c;

const HEX_UPPER = Buffer.from('0123456789ABCDEF', 'latin1');
const HEX_LOWER = Buffer.from('0123456789abcdef', 'latin1');
const MAPPED_PREFIX = Buffer.from('::ffff:', 'latin1');
const BASE32HEX = Buffer.from('0123456789abcdefghijklmnopqrstuv', 'latin1');
const BASE64 = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 'latin1');

/** Label octets that labelToString escapes with a backslash (RFC 1035 §5.1). */
function needsBackslash(c: number): boolean {
  return c === 0x2e || c === 0x5c || c === 0x22 || c === 0x28 || c === 0x29 || c === 0x3b || c === 0x40 || c === 0x24;
}

/** Mnemonics as bytes, by type number (computed on first use). */
const typeText = new Map<number, Uint8Array>();
function typeBytes(type: number): Uint8Array {
  let b = typeText.get(type);
  if (b === undefined) {
    b = Buffer.from(typeToString(type), 'latin1');
    typeText.set(type, b);
  }
  return b;
}

const classText = new Map<number, Uint8Array>();
function classBytes(cls: number): Uint8Array {
  let b = classText.get(cls);
  if (b === undefined) {
    b = Buffer.from(classToString(cls), 'latin1');
    classText.set(cls, b);
  }
  return b;
}

/** Thrown inside a fast formatter when the RDATA is not what it expects; the caller falls back to formatRdata. */
class NotFast extends Error {}
const NOT_FAST = new NotFast();

/** A growable byte buffer for text. */
export class TextBuffer {
  buf: Uint8Array;
  pos = 0;

  constructor(capacity = 1 << 20) {
    this.buf = new Uint8Array(capacity);
  }

  ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let n = this.buf.length * 2;
    while (n < this.pos + extra) n *= 2;
    const next = new Uint8Array(n);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** The text so far (a view; copy or transfer before reuse) and a reset. */
  take(): Uint8Array {
    const out = this.buf.slice(0, this.pos);
    this.pos = 0;
    return out;
  }

  byte(c: number): void {
    this.ensure(1);
    this.buf[this.pos++] = c;
  }

  bytes(b: Uint8Array, start = 0, end = b.length): void {
    this.ensure(end - start);
    this.buf.set(start === 0 && end === b.length ? b : b.subarray(start, end), this.pos);
    this.pos += end - start;
  }

  /** Appends a JS string as UTF-8, as AtomicFileWriter would have encoded it. */
  text(s: string): void {
    this.ensure(s.length * 3);
    this.pos += Buffer.from(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength).write(s, this.pos, 'utf8');
  }

  /** Unsigned decimal. */
  uint(n: number): void {
    this.ensure(10);
    if (n < 10) {
      this.buf[this.pos++] = 0x30 + n;
      return;
    }
    let digits = 1;
    for (let v = n; v >= 10; v = Math.floor(v / 10)) digits++;
    let p = this.pos + digits;
    this.pos = p;
    let v = n;
    while (v >= 10) {
      const q = Math.floor(v / 10);
      this.buf[--p] = 0x30 + (v - q * 10);
      v = q;
    }
    this.buf[--p] = 0x30 + v;
  }

  /**
   * A name from wire form at `b[start..]`, as Name.toString prints it:
   * absolute, RFC 1035 escapes. Returns the offset after the name; throws
   * NOT_FAST when it is not a valid uncompressed name.
   */
  name(b: Uint8Array, start: number, limit: number): number {
    let p = start;
    if (p >= limit) throw NOT_FAST;
    if (b[p] === 0) {
      this.byte(DOT);
      return p + 1;
    }
    let total = 1;
    for (;;) {
      if (p >= limit) throw NOT_FAST;
      const len = b[p]!;
      if (len === 0) return p + 1;
      if (len > 63 || p + 1 + len > limit) throw NOT_FAST;
      total += len + 1;
      if (total > 255) throw NOT_FAST;
      this.ensure(len * 4 + 1);
      const out = this.buf;
      let o = this.pos;
      for (let i = p + 1; i <= p + len; i++) {
        const c = b[i]!;
        if (c <= 0x20 || c >= 0x7f) {
          out[o++] = BACKSLASH;
          out[o++] = 0x30 + Math.floor(c / 100);
          out[o++] = 0x30 + (Math.floor(c / 10) % 10);
          out[o++] = 0x30 + (c % 10);
        } else if (needsBackslash(c)) {
          out[o++] = BACKSLASH;
          out[o++] = c;
        } else {
          out[o++] = c;
        }
      }
      out[o++] = DOT;
      this.pos = o;
      p += len + 1;
    }
  }

  private hexUpper(b: Uint8Array, start: number, end: number): void {
    this.ensure((end - start) * 2);
    const out = this.buf;
    let o = this.pos;
    for (let i = start; i < end; i++) {
      const c = b[i]!;
      out[o++] = HEX_UPPER[c >>> 4]!;
      out[o++] = HEX_UPPER[c & 15]!;
    }
    this.pos = o;
  }

  private base64(b: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.ensure(Math.ceil(n / 3) * 4);
    const out = this.buf;
    let o = this.pos;
    let i = start;
    for (; i + 3 <= end; i += 3) {
      const v = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
      out[o++] = BASE64[v >>> 18]!;
      out[o++] = BASE64[(v >>> 12) & 63]!;
      out[o++] = BASE64[(v >>> 6) & 63]!;
      out[o++] = BASE64[v & 63]!;
    }
    const rest = end - i;
    if (rest === 1) {
      const v = b[i]! << 16;
      out[o++] = BASE64[v >>> 18]!;
      out[o++] = BASE64[(v >>> 12) & 63]!;
      out[o++] = 0x3d;
      out[o++] = 0x3d;
    } else if (rest === 2) {
      const v = (b[i]! << 16) | (b[i + 1]! << 8);
      out[o++] = BASE64[v >>> 18]!;
      out[o++] = BASE64[(v >>> 12) & 63]!;
      out[o++] = BASE64[(v >>> 6) & 63]!;
      out[o++] = 0x3d;
    }
    this.pos = o;
  }

  private base32hex(b: Uint8Array, start: number, end: number): void {
    this.ensure(Math.ceil(((end - start) * 8) / 5));
    let bits = 0;
    let value = 0;
    for (let i = start; i < end; i++) {
      value = ((value << 8) | b[i]!) & 0xffff;
      bits += 8;
      while (bits >= 5) {
        this.buf[this.pos++] = BASE32HEX[(value >>> (bits - 5)) & 31]!;
        bits -= 5;
      }
    }
    if (bits > 0) this.buf[this.pos++] = BASE32HEX[(value << (5 - bits)) & 31]!;
  }

  /** A quoted character-string as rdata/text.ts formatCharString prints it: `"` and `\` escaped, other non-printables as \DDD. */
  private quoted(b: Uint8Array, start: number, end: number): void {
    this.ensure((end - start) * 4 + 2);
    const out = this.buf;
    let o = this.pos;
    out[o++] = 0x22;
    for (let i = start; i < end; i++) {
      const c = b[i]!;
      if (c === 0x22 || c === BACKSLASH) {
        out[o++] = BACKSLASH;
        out[o++] = c;
      } else if (c < 0x20 || c > 0x7e) {
        out[o++] = BACKSLASH;
        out[o++] = 0x30 + Math.floor(c / 100);
        out[o++] = 0x30 + (Math.floor(c / 10) % 10);
        out[o++] = 0x30 + (c % 10);
      } else {
        out[o++] = c;
      }
    }
    out[o++] = 0x22;
    this.pos = o;
  }

  private hexGroup(g: number): void {
    let started = false;
    for (let shift = 12; shift >= 0; shift -= 4) {
      const d = (g >>> shift) & 15;
      if (d === 0 && !started && shift > 0) continue;
      started = true;
      this.buf[this.pos++] = HEX_LOWER[d]!;
    }
  }

  /** An IPv6 address as rdata/ip.ts formatIPv6 prints it (RFC 5952). */
  private ipv6(b: Uint8Array, at: number): void {
    this.ensure(45);
    // RFC 5952 §5: IPv4-mapped addresses in mixed notation.
    let mapped = b[at + 10] === 0xff && b[at + 11] === 0xff;
    for (let i = 0; i < 10 && mapped; i++) if (b[at + i] !== 0) mapped = false;
    if (mapped) {
      for (const c of MAPPED_PREFIX) this.buf[this.pos++] = c;
      this.uint(b[at + 12]!);
      this.byte(DOT);
      this.uint(b[at + 13]!);
      this.byte(DOT);
      this.uint(b[at + 14]!);
      this.byte(DOT);
      this.uint(b[at + 15]!);
      return;
    }
    // The longest run of zero groups, at least two long (the first of equal runs), becomes `::`.
    let bestStart = -1;
    let bestLen = 1;
    for (let i = 0; i < 8;) {
      if (((b[at + i * 2]! << 8) | b[at + i * 2 + 1]!) !== 0) { i++; continue; }
      let j = i;
      while (j < 8 && ((b[at + j * 2]! << 8) | b[at + j * 2 + 1]!) === 0) j++;
      if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
      i = j;
    }
    for (let i = 0; i < 8; i++) {
      if (i === bestStart) {
        this.buf[this.pos++] = 0x3a;
        this.buf[this.pos++] = 0x3a;
        i += bestLen - 1;
        continue;
      }
      if (i > 0 && i !== bestStart + bestLen) this.buf[this.pos++] = 0x3a;
      this.hexGroup((b[at + i * 2]! << 8) | b[at + i * 2 + 1]!);
    }
  }

  /**
   * RRSIG time as YYYYMMDDHHmmSS (RFC 4034 §3.2), as core/time.ts
   * formatRrsigTime prints it, from the 32-bit field value. The civil date
   * comes from the day count (H. Hinnant's days-to-civil), without Date.
   */
  private rrsigTime(t: number): void {
    const days = Math.floor(t / 86400);
    let secs = t - days * 86400;
    const z = days + 719468;
    const era = Math.floor(z / 146097);
    const doe = z - era * 146097;
    const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153);
    const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
    const month = mp < 10 ? mp + 3 : mp - 9;
    const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    const hour = Math.floor(secs / 3600);
    secs -= hour * 3600;
    const minute = Math.floor(secs / 60);
    const second = secs - minute * 60;
    this.ensure(14);
    const b = this.buf;
    let o = this.pos;
    b[o++] = 0x30 + Math.floor(year / 1000);
    b[o++] = 0x30 + (Math.floor(year / 100) % 10);
    b[o++] = 0x30 + (Math.floor(year / 10) % 10);
    b[o++] = 0x30 + (year % 10);
    b[o++] = 0x30 + Math.floor(month / 10);
    b[o++] = 0x30 + (month % 10);
    b[o++] = 0x30 + Math.floor(day / 10);
    b[o++] = 0x30 + (day % 10);
    b[o++] = 0x30 + Math.floor(hour / 10);
    b[o++] = 0x30 + (hour % 10);
    b[o++] = 0x30 + Math.floor(minute / 10);
    b[o++] = 0x30 + (minute % 10);
    b[o++] = 0x30 + Math.floor(second / 10);
    b[o++] = 0x30 + (second % 10);
    this.pos = o;
  }

  /** Type bitmap (RFC 4034 §4.1.2) at b[start..end) as ` TYPE TYPE...` (each preceded by a space). */
  private typeList(b: Uint8Array, start: number, end: number): void {
    let p = start;
    let last = -1;
    while (p < end) {
      if (p + 2 > end) throw NOT_FAST;
      const window = b[p]!;
      const len = b[p + 1]!;
      if (window <= last || len < 1 || len > 32 || p + 2 + len > end) throw NOT_FAST;
      last = window;
      for (let i = 0; i < len; i++) {
        const octet = b[p + 2 + i]!;
        if (octet === 0) continue;
        for (let bit = 0; bit < 8; bit++) {
          if (octet & (0x80 >>> bit)) {
            this.byte(SPACE);
            this.bytes(typeBytes(window * 256 + i * 8 + bit));
          }
        }
      }
      p += 2 + len;
    }
  }

  /** RDATA of `type` at b[start..end) in presentation form; falls back to formatRdata for other types. */
  rdata(type: number, b: Uint8Array, start: number, end: number): void {
    const mark = this.pos;
    try {
      if (this.fastRdata(type, b, start, end)) return;
    } catch (e) {
      if (e !== NOT_FAST) throw e;
      this.pos = mark;
    }
    this.text(formatRdata(type, b.subarray(start, end)));
  }

  /** Writes the RDATA when the type has a fast path here; false to fall back. */
  private fastRdata(type: number, b: Uint8Array, start: number, end: number): boolean {
    switch (type) {
      case RRType.A:
        if (end - start !== 4) throw NOT_FAST;
        this.uint(b[start]!);
        this.byte(DOT);
        this.uint(b[start + 1]!);
        this.byte(DOT);
        this.uint(b[start + 2]!);
        this.byte(DOT);
        this.uint(b[start + 3]!);
        return true;
      case RRType.AAAA:
        if (end - start !== 16) throw NOT_FAST;
        this.ipv6(b, start);
        return true;
      case RRType.TXT: case RRType.SPF: {
        // RFC 1035 §3.3.14: one or more <character-string>s, each quoted, separated by a space.
        if (end === start) throw NOT_FAST;
        let p = start;
        while (p < end) {
          const len = b[p]!;
          if (p + 1 + len > end) throw NOT_FAST;
          if (p !== start) this.byte(SPACE);
          this.quoted(b, p + 1, p + 1 + len);
          p += 1 + len;
        }
        return true;
      }
      case RRType.NS: case RRType.CNAME: case RRType.PTR: case RRType.DNAME:
        if (this.name(b, start, end) !== end) throw NOT_FAST;
        return true;
      case RRType.MX:
        if (end - start < 3) throw NOT_FAST;
        this.uint((b[start]! << 8) | b[start + 1]!);
        this.byte(SPACE);
        if (this.name(b, start + 2, end) !== end) throw NOT_FAST;
        return true;
      case RRType.DS: case RRType.CDS:
        // RFC 4034 §5.3: key tag, algorithm, digest type, digest in hex.
        if (end - start < 5) throw NOT_FAST;
        this.uint((b[start]! << 8) | b[start + 1]!);
        this.byte(SPACE);
        this.uint(b[start + 2]!);
        this.byte(SPACE);
        this.uint(b[start + 3]!);
        this.byte(SPACE);
        this.hexUpper(b, start + 4, end);
        return true;
      case RRType.RRSIG: {
        // RFC 4034 §3.2.
        if (end - start < 20) throw NOT_FAST;
        this.bytes(typeBytes((b[start]! << 8) | b[start + 1]!));
        this.byte(SPACE);
        this.uint(b[start + 2]!);
        this.byte(SPACE);
        this.uint(b[start + 3]!);
        this.byte(SPACE);
        this.uint(u32(b, start + 4));
        this.byte(SPACE);
        this.rrsigTime(u32(b, start + 8));
        this.byte(SPACE);
        this.rrsigTime(u32(b, start + 12));
        this.byte(SPACE);
        this.uint((b[start + 16]! << 8) | b[start + 17]!);
        this.byte(SPACE);
        const sig = this.name(b, start + 18, end);
        if (sig >= end) throw NOT_FAST;
        this.byte(SPACE);
        this.base64(b, sig, end);
        return true;
      }
      case RRType.NSEC3: {
        // RFC 5155 §3.3: alg flags iterations salt next-hashed types.
        if (end - start < 6) throw NOT_FAST;
        const saltLength = b[start + 4]!;
        const hashAt = start + 5 + saltLength;
        if (hashAt >= end) throw NOT_FAST;
        const hashLength = b[hashAt]!;
        const bitmapAt = hashAt + 1 + hashLength;
        if (hashLength === 0 || bitmapAt > end) throw NOT_FAST;
        this.uint(b[start]!);
        this.byte(SPACE);
        this.uint(b[start + 1]!);
        this.byte(SPACE);
        this.uint((b[start + 2]! << 8) | b[start + 3]!);
        this.byte(SPACE);
        if (saltLength === 0) this.byte(0x2d);
        else this.hexUpper(b, start + 5, hashAt);
        this.byte(SPACE);
        this.base32hex(b, hashAt + 1, bitmapAt);
        this.typeList(b, bitmapAt, end);
        return true;
      }
      case RRType.NSEC: {
        const next = this.name(b, start, end);
        this.typeList(b, next, end);
        return true;
      }
      default:
        return false;
    }
  }

  /**
   * One record line: `owner<TAB>ttl<TAB>class<TAB>type<TAB>rdata<NL>`, with
   * `owner` already in presentation form (bytes) and RDATA at b[start..end).
   */
  record(owner: Uint8Array, ttl: number, cls: number, type: number, b: Uint8Array, start: number, end: number): void {
    this.bytes(owner);
    this.byte(TAB);
    this.uint(ttl);
    this.byte(TAB);
    this.bytes(classBytes(cls));
    this.byte(TAB);
    this.bytes(typeBytes(type));
    this.byte(TAB);
    this.rdata(type, b, start, end);
    this.byte(NL);
  }

  /**
   * An RRSIG record line whose RDATA is `header` (up to the Signer's Name)
   * followed by `signature`, without joining the two.
   */
  rrsigLine(owner: Uint8Array, ttl: number, cls: number, header: Uint8Array, signature: Uint8Array): void {
    const mark = this.pos;
    try {
      this.bytes(owner);
      this.byte(TAB);
      this.uint(ttl);
      this.byte(TAB);
      this.bytes(classBytes(cls));
      this.byte(TAB);
      this.bytes(typeBytes(RRType.RRSIG));
      this.byte(TAB);
      const b = header;
      if (b.length < 19 || signature.length === 0) throw NOT_FAST;
      this.bytes(typeBytes((b[0]! << 8) | b[1]!));
      this.byte(SPACE);
      this.uint(b[2]!);
      this.byte(SPACE);
      this.uint(b[3]!);
      this.byte(SPACE);
      this.uint(u32(b, 4));
      this.byte(SPACE);
      this.rrsigTime(u32(b, 8));
      this.byte(SPACE);
      this.rrsigTime(u32(b, 12));
      this.byte(SPACE);
      this.uint((b[16]! << 8) | b[17]!);
      this.byte(SPACE);
      if (this.name(b, 18, b.length) !== b.length) throw NOT_FAST;
      this.byte(SPACE);
      this.base64(signature, 0, signature.length);
      this.byte(NL);
    } catch (e) {
      if (e !== NOT_FAST) throw e;
      this.pos = mark;
      const rdata = new Uint8Array(header.length + signature.length);
      rdata.set(header, 0);
      rdata.set(signature, header.length);
      this.record(owner, ttl, cls, RRType.RRSIG, rdata, 0, rdata.length);
    }
  }

  /** The presentation form of the wire name at b[start..end) as bytes of its own. */
  ownerText(b: Uint8Array, start: number, end: number): Uint8Array {
    const mark = this.pos;
    const stop = this.name(b, start, end);
    if (stop !== end) throw new Error('owner name does not fill its field');
    const out = this.buf.slice(mark, this.pos);
    this.pos = mark;
    return out;
  }
}

function u32(b: Uint8Array, off: number): number {
  return ((b[off]! << 24) >>> 0) + ((b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!);
}
