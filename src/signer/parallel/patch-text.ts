/**
 * Reading signet's own signed-zone lines without making strings: byte-range
 * comparisons, decimal and RRSIG time fields (RFC 4034 §3.2), and reusable
 * line records. For the patching re-signer (patch.ts).
 */
import type { RecordSink } from './fast-common.ts';

/** ASCII case-insensitive equalRange, for owner names (RFC 4343). */
export function equalCaseless(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): boolean {
  if (ae - as !== be - bs) return false;
  for (let i = 0; i < ae - as; i++) {
    let x = a[as + i]!;
    let y = b[bs + i]!;
    if (x >= 0x41 && x <= 0x5a) x += 32;
    if (y >= 0x41 && y <= 0x5a) y += 32;
    if (x !== y) return false;
  }
  return true;
}

export function equalRange(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): boolean {
  if (ae - as !== be - bs) return false;
  for (let i = 0; i < ae - as; i++) if (a[as + i] !== b[bs + i]) return false;
  return true;
}

/** Unsigned decimal in b[s..e), or −1. */
export function decimal(b: Uint8Array, s: number, e: number): number {
  if (e <= s || e - s > 10) return -1;
  let v = 0;
  for (let i = s; i < e; i++) {
    const c = b[i]! - 0x30;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Days from 1970-01-01 to year-month-01, proleptic Gregorian, month 1..12 (days-from-civil, H. Hinnant). */
export function daysToMonth(y: number, m: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5);
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

/** YYYYMMDDHHmmSS (RFC 4034 §3.2) in b[s..s+14) as the 32-bit field value, or −1. */
export function rrsigTime(b: Uint8Array, s: number, e: number): number {
  if (e - s !== 14) return -1;
  const y0 = decimal(b, s, s + 4);
  const m = decimal(b, s + 4, s + 6);
  const d = decimal(b, s + 6, s + 8);
  const hh = decimal(b, s + 8, s + 10);
  const mm = decimal(b, s + 10, s + 12);
  const ss = decimal(b, s + 12, s + 14);
  if (y0 < 0 || m < 1 || m > 12 || d < 1 || d > 31 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59) return -1;
  const t = (daysToMonth(y0, m) + d - 1) * 86400 + hh * 3600 + mm * 60 + ss;
  return ((t % 2 ** 32) + 2 ** 32) % 2 ** 32;
}

/** rrsigTime with the day part remembered: a run's signatures share a few days. */
export class TimeReader {
  private day = new Uint8Array(8);
  private dayValid = false;
  private daySeconds = 0;

  read(b: Uint8Array, s: number, e: number): number {
    if (e - s !== 14) return -1;
    let same = this.dayValid;
    for (let i = 0; same && i < 8; i++) if (b[s + i] !== this.day[i]) same = false;
    if (!same) {
      const t = rrsigTime(b, s, e);
      if (t < 0) return -1;
      const hh = decimal(b, s + 8, s + 10);
      const mm = decimal(b, s + 10, s + 12);
      const ss = decimal(b, s + 12, s + 14);
      for (let i = 0; i < 8; i++) this.day[i] = b[s + i]!;
      this.dayValid = true;
      this.daySeconds = t - (hh * 3600 + mm * 60 + ss);
      return t;
    }
    const hh = decimal(b, s + 8, s + 10);
    const mm = decimal(b, s + 10, s + 12);
    const ss = decimal(b, s + 12, s + 14);
    if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59) return -1;
    return (this.daySeconds + hh * 3600 + mm * 60 + ss) >>> 0;
  }
}

/** RFC 1982 difference a − b of two 32-bit serial numbers. */
export function serialDiff(a: number, b: number): number {
  const d = (a - b) >>> 0;
  return d >= 2 ** 31 ? d - 2 ** 32 : d;
}

/** One line of the previous file: where it is and where its fields start. */
export interface Line {
  buf: Buffer;
  start: number;
  end: number;
  /** Tabs after owner, TTL, class and type. */
  t1: number;
  t2: number;
  t3: number;
  t4: number;
}

/** Lines of one RRset, with their objects reused from RRset to RRset. */
export class LineList {
  private readonly items: Line[] = [];
  length = 0;

  push(buf: Buffer, start: number, end: number, t1: number, t2: number, t3: number, t4: number): void {
    let l = this.items[this.length];
    if (l === undefined) {
      l = { buf, start, end, t1, t2, t3, t4 };
      this.items.push(l);
    } else {
      l.buf = buf;
      l.start = start;
      l.end = end;
      l.t1 = t1;
      l.t2 = t2;
      l.t3 = t3;
      l.t4 = t4;
    }
    this.length++;
  }

  at(i: number): Line {
    return this.items[i]!;
  }

  clear(): void {
    this.length = 0;
  }
}

/** Type mnemonics of up to six letters as a number, for a lookup without a string. */
export function typeKey(b: Uint8Array, s: number, e: number): number {
  if (e - s > 6 || e <= s) return -1;
  let k = e - s;
  for (let i = s; i < e; i++) k = k * 256 + b[i]!;
  return k;
}

/**
 * The one record a line gives (FastLineReader), kept until the next line:
 * the patch reads the lines it signs again one at a time.
 */
export class OneRecord implements RecordSink {
  owner: Uint8Array = new Uint8Array(0);
  type = -1;
  ttl = 0;
  rdata: Uint8Array = new Uint8Array(0);
  readonly rdataStart = 0;
  private room = new Uint8Array(1024);

  rdataRoom(max: number): Uint8Array {
    if (this.room.length < max) this.room = new Uint8Array(Math.max(max, this.room.length * 2));
    return this.room;
  }

  add(owner: Uint8Array, _cls: number, type: number, ttl: number, rdata: Uint8Array): void {
    this.owner = owner;
    this.type = type;
    this.ttl = ttl;
    this.rdata = rdata;
  }

  addWritten(owner: Uint8Array, _cls: number, type: number, ttl: number, length: number): void {
    this.add(owner, 0, type, ttl, this.room.subarray(0, length));
  }
}
