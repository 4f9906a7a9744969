/**
 * Reading the published signed file and the patched one side by side, for
 * the patch gate (patch-gate.ts): line by line where the gate must look at
 * the lines, and region by region (memcmp over megabytes, no line parsed)
 * where the two files are the same bytes.
 *
 * Both files are signet's own text, one record per line, each RRset's lines
 * followed by its RRSIG lines. Fast regions start at an RRset boundary (the
 * caller's `floor`); when they end at a line that differs, the reader can
 * step back to the start of that line's RRset (rrsetStart), so that the gate
 * sees the whole RRset, as long as those bytes are still in the buffer
 * (LOOKBEHIND of them are kept).
 */
import type { Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

const CHUNK = 4 << 20;
/** Bytes before the read position kept when the buffer is refilled, for rrsetStart. */
const LOOKBEHIND = 64 << 10;
/** Refill before comparing when less than this is left: comparisons stay large. */
const MIN_WINDOW = 1 << 20;
const NL = 0x0a;
const TAB = 0x09;
const SPACE = 0x20;
const SEMICOLON = 0x3b;

/** A file read in large chunks; the current line is buf[start, end) (without its newline) until the next call. */
export class LineReader {
  private readonly fh: FileHandle;
  /** Fed every byte read, when given. */
  private readonly hash: Hash | null;
  buf = Buffer.allocUnsafe(CHUNK);
  /** The bytes read into buf: [0, length). */
  length = 0;
  /** The next byte to read. */
  pos = 0;
  eof = false;
  start = 0;
  end = 0;
  /**
   * Where the bytes the caller may step back to begin (an RRset boundary),
   * or -1. Refills keep the bytes from there, up to LOOKBEHIND of them;
   * `floorCut` says when the ones just after the boundary were dropped.
   */
  floor = -1;
  floorCut = false;

  constructor(fh: FileHandle, hash: Hash | null = null) {
    this.fh = fh;
    this.hash = hash;
  }

  /** The next line that is not empty or a comment; false at the end of the file. */
  async next(): Promise<boolean> {
    for (;;) {
      let nl = this.buf.indexOf(NL, this.pos);
      if (nl < 0 || nl >= this.length) {
        if (!(await this.fill())) {
          if (this.pos >= this.length) return false;
          nl = this.length;
        } else {
          continue;
        }
      }
      this.start = this.pos;
      this.end = nl;
      this.pos = nl + 1;
      if (this.end > this.start && this.buf[this.start] !== SEMICOLON) return true;
    }
  }

  /** Marks the read position as a boundary the caller may step back to. */
  setFloor(): void {
    this.floor = this.pos;
    this.floorCut = false;
  }

  /** Moves what must stay to the front and reads more; false when nothing more came. */
  async fill(): Promise<boolean> {
    if (this.eof) return false;
    const keep = this.floor < 0 ? this.pos : Math.max(this.floor, this.pos - LOOKBEHIND);
    const rest = this.length - keep;
    if (rest >= CHUNK) throw new Error('line too long');
    this.buf.copy(this.buf, 0, keep, this.length);
    const { bytesRead } = await this.fh.read(this.buf, rest, CHUNK - rest, null);
    this.hash?.update(this.buf.subarray(rest, rest + bytesRead));
    this.pos -= keep;
    this.start -= keep;
    this.end -= keep;
    if (this.floor >= 0) {
      if (this.floor < keep) this.floorCut = true;
      this.floor = Math.max(0, this.floor - keep);
    }
    this.length = rest + bytesRead;
    if (bytesRead === 0) this.eof = true;
    return bytesRead > 0;
  }
}

/** The first comparison's size; each equal one makes the next four times larger. */
const FIRST_PROBE = 4096;

/**
 * Index of the first byte where a.buf[a.pos + i] and b.buf[b.pos + i]
 * differ within n bytes, or -1: memcmp over growing ranges (so a difference
 * close by costs little, as when re-made signatures lie a few RRsets apart),
 * then halving the range that differs; never a byte loop over the range.
 */
function firstDifference(a: LineReader, b: LineReader, n: number): number {
  let lo = 0;
  let hi = 0;
  for (let probe = FIRST_PROBE; ; probe *= 4) {
    hi = Math.min(n, lo + probe);
    if (a.buf.compare(b.buf, b.pos + lo, b.pos + hi, a.pos + lo, a.pos + hi) !== 0) break;
    if (hi === n) return -1;
    lo = hi;
  }
  while (hi - lo > 64) {
    const mid = (lo + hi) >>> 1;
    if (a.buf.compare(b.buf, b.pos + lo, b.pos + mid, a.pos + lo, a.pos + mid) === 0) lo = mid;
    else hi = mid;
  }
  for (let i = lo; i < hi; i++) if (a.buf[a.pos + i] !== b.buf[b.pos + i]) return i;
  return hi;
}

/**
 * Moves both readers (each at the start of a line, the same text ahead)
 * over the bytes the files have in common, whole lines at a time. Returns
 * false when both ended together, true when they stopped at the start of a
 * line that differs (or one file has lines the other has not). `common`
 * receives the octets skipped.
 */
export async function skipEqual(a: LineReader, b: LineReader): Promise<{ differ: boolean; common: number }> {
  let common = 0;
  for (;;) {
    if (a.length - a.pos < MIN_WINDOW) await a.fill();
    if (b.length - b.pos < MIN_WINDOW) await b.fill();
    const n = Math.min(a.length - a.pos, b.length - b.pos);
    if (n === 0) return { differ: !(a.eof && b.eof && a.pos >= a.length && b.pos >= b.length), common };
    const m = firstDifference(a, b, n);
    if (m < 0) {
      const nl = b.buf.lastIndexOf(NL, b.pos + n - 1);
      if (nl < b.pos) {
        // No whole line in what both hold: the same last line without a newline, or a line too long to compare here.
        if (a.eof && b.eof && a.length - a.pos === n && b.length - b.pos === n) {
          a.pos += n;
          b.pos += n;
          return { differ: false, common: common + n };
        }
        return { differ: true, common };
      }
      const step = nl + 1 - b.pos;
      a.pos += step;
      b.pos += step;
      common += step;
      continue;
    }
    // Back to the start of the line that differs (both are at a line start, so it is at or after pos).
    const ls = m === 0 ? b.pos : b.buf.lastIndexOf(NL, b.pos + m - 1) + 1;
    const step = Math.max(ls, b.pos) - b.pos;
    a.pos += step;
    b.pos += step;
    return { differ: true, common: common + step };
  }
}

/**
 * Start of the RRset (its data lines, then its RRSIG lines) that the line
 * at `r.pos` belongs to, stepping back over lines no further than the
 * floor; -1 when the floor was cut and the start is not in the buffer. The
 * RRset's key is its owner and the type it is or covers.
 */
export function rrsetStart(r: LineReader): number {
  const b = r.buf;
  if (!lineKey(b, r.pos, lineEnd(r, r.pos), KEY)) return r.pos;
  let at = r.pos;
  while (at > r.floor) {
    // The line before ends with the newline at at - 1; it starts after the newline before that.
    const nl = at >= 2 ? b.lastIndexOf(NL, at - 2) : -1;
    if (nl < r.floor && r.floorCut) return -1;
    const prevStart = Math.max(r.floor, nl + 1);
    if (!lineKey(b, prevStart, at - 1, PREVIOUS) || !sameKey(b, KEY, PREVIOUS)) return at;
    at = prevStart;
  }
  return r.floorCut ? -1 : at;
}

function lineEnd(r: LineReader, s: number): number {
  const nl = r.buf.indexOf(NL, s);
  return nl < 0 || nl >= r.length ? r.length : nl;
}

/** Owner [s, ownerEnd) and type-or-covered-type [typeStart, typeEnd) of a line. */
interface LineKey {
  s: number;
  ownerEnd: number;
  typeStart: number;
  typeEnd: number;
}

// The line rrsetStart starts from and the one before it, filled in place (no object per line).
const KEY: LineKey = { s: 0, ownerEnd: 0, typeStart: 0, typeEnd: 0 };
const PREVIOUS: LineKey = { s: 0, ownerEnd: 0, typeStart: 0, typeEnd: 0 };

const RRSIG = Buffer.from('RRSIG', 'latin1');

/** Fills `out` with the key of line b[s, e); false when it is not a record line. */
function lineKey(b: Buffer, s: number, e: number, out: LineKey): boolean {
  if (s >= e || b[s] === SEMICOLON) return false;
  // Tabs after owner, TTL, class and type.
  let ownerEnd = 0;
  let classEnd = 0;
  let typeEnd = 0;
  let p = s;
  for (let f = 0; f < 4; f++) {
    while (p < e && b[p] !== TAB) p++;
    if (p >= e) return false;
    if (f === 0) ownerEnd = p;
    else if (f === 2) classEnd = p;
    else if (f === 3) typeEnd = p;
    p++;
  }
  let typeStart = classEnd + 1;
  if (typeEnd - typeStart === RRSIG.length && b.compare(RRSIG, 0, RRSIG.length, typeStart, typeEnd) === 0) {
    // An RRSIG belongs with the RRset of the type it covers: its first RDATA field.
    typeStart = typeEnd + 1;
    typeEnd = typeStart;
    while (typeEnd < e && b[typeEnd] !== SPACE) typeEnd++;
  }
  out.s = s;
  out.ownerEnd = ownerEnd;
  out.typeStart = typeStart;
  out.typeEnd = typeEnd;
  return true;
}

function sameKey(b: Buffer, x: LineKey, y: LineKey): boolean {
  return x.ownerEnd - x.s === y.ownerEnd - y.s && x.typeEnd - x.typeStart === y.typeEnd - y.typeStart
    && b.compare(b, x.s, x.ownerEnd, y.s, y.ownerEnd) === 0
    && b.compare(b, x.typeStart, x.typeEnd, y.typeStart, y.typeEnd) === 0;
}
