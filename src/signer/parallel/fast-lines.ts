/**
 * The fast reader's plain-line path: a zone file read in byte chunks, and a
 * line with nothing for the lexer to interpret (no quotes, parentheses,
 * comments or escapes; printable ASCII fields between blanks, as signet's
 * own signed output is written by format.ts) read straight from its bytes
 * into the builder (or another record sink), with no token objects, strings or RDATA copies.
 *
 * Anything else goes back to the caller to be read through the lexer
 * (fast-load.ts), as every line did before: directives, lines with special
 * characters, RDATA types or forms fast-rdata.ts does not handle. What a
 * plain line gives is exactly what the token path would give for it.
 */
import type { FileHandle } from 'node:fs/promises';
import { MAX_TTL, parseTtlText } from '../../zone/rdata/cursor.ts';
import { classFromString } from '../../zone/types.ts';
import { GIVE_UP, isMetaType, typeOf } from './fast-common.ts';
import type { ReaderState, RecordSink } from './fast-common.ts';
import { digitsAt, nameAt, rdataAt, rdataBound, TokenCache } from './fast-rdata.ts';

/**
 * Reads a file in chunks of `chunkSize` bytes and hands each line (without
 * its newline) to `onLine` as buf[start..end) until it returns true or the
 * file ends; returns true when stopped early. Lines are numbered from 1.
 * buf is only valid during the call.
 */
export async function forEachLine(handle: FileHandle, chunkSize: number, onLine: (buf: Buffer, start: number, end: number, lineNo: number) => boolean): Promise<boolean> {
  let buf = Buffer.allocUnsafe(chunkSize);
  let length = 0;
  let lineNo = 0;
  for (;;) {
    if (length === buf.length) {
      // One line longer than the buffer: make room for the rest of it.
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, length);
      buf = bigger;
    }
    const { bytesRead } = await handle.read(buf, length, buf.length - length, null);
    const done = bytesRead === 0;
    length += bytesRead;
    let start = 0;
    for (;;) {
      let nl = buf.indexOf(10, start);
      if (nl >= length) nl = -1;
      if (nl < 0 && !(done && start < length)) break;
      const end = nl < 0 ? length : nl;
      if (onLine(buf, start, end, ++lineNo)) return true;
      start = end + 1;
    }
    if (done) return false;
    buf.copy(buf, 0, start, length);
    length -= start;
  }
}

/** What readLine did with a line. */
export const LINE_BLANK = 0;
export const LINE_RECORD = 1;
export const LINE_TOKENS = 2;

const SPACE = 0x20;
const TAB = 0x09;

/**
 * Octets of a plain line: PLAIN in tokens (printable ASCII but for what the
 * lexer interprets: `"` ( ) ; \), BLANK between them (space, tab, CR, as
 * the lexer takes them), OTHER for the rest, which sends the line to the lexer.
 */
const PLAIN = 0;
const BLANK = 1;
const OTHER = 2;
const CHAR_KIND = new Uint8Array(256).fill(OTHER);
for (let c = 0x21; c < 0x7f; c++) CHAR_KIND[c] = PLAIN;
for (const c of [0x22, 0x28, 0x29, 0x3b, 0x5c]) CHAR_KIND[c] = OTHER;
for (const c of [SPACE, TAB, 0x0d]) CHAR_KIND[c] = BLANK;

/** Tokens a plain line may have (more: the token path). */
const MAX_TOKENS = 256;

/** Reads plain lines into a record sink; keeps its token offsets and mnemonic tables across lines. */
export class PlainLines {
  private readonly ts = new Int32Array(MAX_TOKENS);
  private readonly te = new Int32Array(MAX_TOKENS);
  private readonly types = new TokenCache(typeOf);
  private readonly classes = new TokenCache(classFromString);
  private readonly ownerScratch = new Uint8Array(256);
  // The owner token of the last plain line that named one, and the name it gave.
  private readonly lastText = new Uint8Array(1024);
  private lastLength = -1;
  private lastOwner: Uint8Array | null = null;
  private lastOrigin: Uint8Array | null = null;

  /**
   * Line buf[s..e) as a record into `sink` (LINE_RECORD), nothing
   * (LINE_BLANK: blank line), or LINE_TOKENS when the lexer must read it.
   * Only for lines outside parentheses. Throws GIVE_UP where the token path
   * would give up; changes `st` only for a record it adds.
   */
  read(st: ReaderState, buf: Buffer, s: number, e: number, lineNo: number, sink: RecordSink): number {
    const ts = this.ts;
    const te = this.te;
    let n = 0;
    let i = s;
    while (i < e) {
      let kind = CHAR_KIND[buf[i]!]!;
      if (kind === BLANK) {
        i++;
        continue;
      }
      if (kind === OTHER || n === MAX_TOKENS) return LINE_TOKENS;
      ts[n] = i;
      do i++; while (i < e && (kind = CHAR_KIND[buf[i]!]!) === PLAIN);
      if (kind === OTHER) return LINE_TOKENS;
      te[n++] = i;
    }
    if (n === 0) return LINE_BLANK;
    const leadingBlank = buf[s] === SPACE || buf[s] === TAB;
    let k = 0;
    let owner: Uint8Array;
    let newText = false;
    if (leadingBlank) {
      // RFC 1035 §5.1: a blank owner field means the previous owner.
      if (st.lastOwner === null) throw GIVE_UP;
      owner = st.lastOwner;
    } else {
      const os = ts[0]!;
      const oe = te[0]!;
      if (buf[os] === 0x24) return LINE_TOKENS; // $ORIGIN, $TTL, $INCLUDE
      const last = st.lastOwner;
      // The owner spelled as on the line before, under the same origin: the same name, not parsed again.
      let same = last !== null && last === this.lastOwner && st.originWire === this.lastOrigin && oe - os === this.lastLength;
      for (let j = 0; same && j < oe - os; j++) if (buf[os + j] !== this.lastText[j]) same = false;
      if (same) {
        owner = last!;
      } else {
        const end = nameAt(buf, os, oe, st.originWire, this.ownerScratch, 0);
        if (end < 0) return LINE_TOKENS;
        same = last !== null && last.length === end;
        for (let j = 0; same && j < end; j++) if (last![j] !== this.ownerScratch[j]) same = false;
        owner = same ? last! : this.ownerScratch.slice(0, end);
        newText = true;
      }
      k = 1;
    }
    // RFC 1035 §5.1: [<TTL>] [<class>] or [<class>] [<TTL>], both optional.
    let ttl = -1;
    let cls = -1;
    for (let round = 0; round < 2 && k < n; round++) {
      const ks = ts[k]!;
      const ke = te[k]!;
      const c0 = buf[ks]!;
      if (ttl < 0 && c0 >= 0x30 && c0 <= 0x39) {
        let v = digitsAt(buf, ks, ke, Number.MAX_SAFE_INTEGER);
        if (v < 0) {
          const t = parseTtlText(buf.toString('latin1', ks, ke), MAX_TTL);
          if (t === null) throw GIVE_UP;
          v = t;
        }
        if (v > MAX_TTL) throw GIVE_UP;
        ttl = v;
        k++;
        continue;
      }
      if (cls < 0 && ke - ks >= 2 && (c0 === 0x49 || c0 === 0x69 || c0 === 0x43 || c0 === 0x63 || c0 === 0x48 || c0 === 0x68)) {
        const c = this.classes.get(buf, ks, ke);
        if (c >= 0) {
          cls = c;
          k++;
          continue;
        }
      }
      break;
    }
    if (k >= n) throw GIVE_UP;
    const type = this.types.get(buf, ts[k]!, te[k]!);
    if (type < 0 || isMetaType(type)) throw GIVE_UP;
    if (cls >= 0 && cls !== st.zoneClass) throw GIVE_UP;
    const dst = sink.rdataRoom(rdataBound(e - s, n));
    const at = sink.rdataStart;
    const end = rdataAt(type, buf, ts, te, k + 1, n, st.originWire, this.types, dst, at);
    if (end < 0) return LINE_TOKENS;
    if (ttl < 0) {
      // No SOA comes this way, so no SOA MINIMUM rule (fast-load.ts implicitTtl).
      if (st.defaultTtl !== null) ttl = st.defaultTtl;
      else if (st.lastTtl !== null) ttl = st.lastTtl;
      else throw GIVE_UP;
    } else {
      st.lastTtl = ttl;
    }
    st.lastOwner = owner;
    if (newText) {
      // Remembered for the next line (an owner token is at most 255 names' worth of text: longer ones are not).
      const from = ts[0]!;
      const length = te[0]! - from;
      if (length <= this.lastText.length) {
        for (let j = 0; j < length; j++) this.lastText[j] = buf[from + j]!;
        this.lastLength = length;
      } else {
        this.lastLength = -1;
      }
      this.lastOwner = owner;
      this.lastOrigin = st.originWire;
    }
    sink.addWritten(owner, st.zoneClass, type, ttl, end - at, st.file, lineNo, ts[0]! - s + 1);
    return LINE_RECORD;
  }
}
