/**
 * Loading a zone file straight into a CompactZone, for the streaming signer.
 *
 * Two readers, one result:
 * - the fast reader reads plain lines (no quotes, parentheses, comments or
 *   escapes, as signet writes its signed output) straight from the file's
 *   bytes into the builder (fast-lines.ts, fast-rdata.ts); other lines go
 *   through the zone lexer (src/zone/lexer.ts) and the RDATA codecs
 *   (src/zone/rdata), turned into records without the objects the general
 *   parser makes per record (names, positions, record objects), the
 *   commonest RDATA (A, NS, CNAME, PTR, DNAME, MX, RRSIG, NSEC, NSEC3)
 *   encoded directly. Both follow src/zone/parser.ts's rules for owners,
 *   TTLs, classes, `$ORIGIN` and `$TTL` (RFC 1035 §5.1, RFC 2308 §4).
 * - the general reader is src/zone/parser.ts itself.
 * The fast reader gives up on anything it does not handle (`$INCLUDE`) and
 * on any error; the general reader then reads the file from the start, so
 * every error is the parser's own, with its position. A differential test
 * holds the two readers together on the zone test corpus.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { Lexer } from '../../zone/lexer.ts';
import type { Entry, Token } from '../../zone/lexer.ts';
import type { Name } from '../../zone/name.ts';
import { parseZoneFileBatches } from '../../zone/parser.ts';
import { parseIPv4, parseIPv6 } from '../../zone/rdata/ip.ts';
import { decodeCharString } from '../../zone/rdata/text.ts';
import { MAX_TTL, parseNameToken, parseTtlText, RdataCursor } from '../../zone/rdata/cursor.ts';
import { parseRdata } from '../../zone/rdata/index.ts';
import { fromBase32Hex, fromBase64, fromHex } from '../../core/bytes.ts';
import { parseRrsigTime } from '../../core/time.ts';
import { encodeTypeBitmap } from '../../zone/dnssec-rdata.ts';
import { classFromString, RRClass, RRType } from '../../zone/types.ts';
import { CompactZoneBuilder } from './compact-builder.ts';
import { GIVE_UP, isMetaType, typeOf } from './fast-common.ts';
import { nameAt } from './fast-rdata.ts';
import type { ReaderState, RecordSink } from './fast-common.ts';
import { forEachLine, LINE_BLANK, LINE_RECORD, PlainLines } from './fast-lines.ts';
import { OWNER_HASH_LENGTH } from './compact-zone.ts';
import type { CompactZone } from './compact-zone.ts';

export interface CompactLoadOptions {
  /** TTL for records without one, as if the file started with `$TTL`. */
  readonly defaultTtl?: number;
  /** The zone class (default IN). */
  readonly class?: number;
  /** Called now and then with the number of records read so far. */
  readonly onRecords?: (records: number) => void;
  /**
   * Hashes owner names for NSEC3 while the file is read (in worker threads:
   * see SigningPool.hashNames). Given back-to-back canonical wire names, it
   * resolves to their hashes, OWNER_HASH_LENGTH octets each.
   */
  readonly hashOwners?: { readonly iterations: number; readonly salt: Uint8Array; hash(names: Uint8Array, count: number): Promise<Uint8Array> };
  /** Told about each run of records of one owner as the fast reader reads them. */
  readonly ownerRuns?: OwnerRunListener;
}

/**
 * Told each time the reader moves past an owner: the owner id and the
 * builder records from..to−1 that it held (speculate.ts). `reset` when the
 * fast reader gives up (the general reader gives other ids).
 */
export interface OwnerRunListener {
  run(builder: CompactZoneBuilder, id: number, from: number, to: number): void;
  reset(): void;
}

/** Owner names are sent for hashing in groups of this many. */
const HASH_GROUP = 8192;

/** Sends new owners of `builder` for hashing; `final` sends the rest too. */
class OwnerHashing {
  private sent = 0;
  private readonly parts: Array<{ from: number; result: Promise<Uint8Array> }> = [];
  private readonly builder: CompactZoneBuilder;
  private readonly hasher: NonNullable<CompactLoadOptions['hashOwners']>;

  constructor(builder: CompactZoneBuilder, hasher: NonNullable<CompactLoadOptions['hashOwners']>) {
    this.builder = builder;
    this.hasher = hasher;
  }

  poll(final: boolean): void {
    const owners = this.builder.owners;
    while (owners - this.sent >= HASH_GROUP || (final && owners > this.sent)) {
      const to = Math.min(owners, this.sent + HASH_GROUP);
      this.parts.push({ from: this.sent, result: this.hasher.hash(this.builder.ownerNames(this.sent, to), to - this.sent) });
      this.sent = to;
    }
  }

  /** Every owner's hash by owner id, once all are back. */
  async all(): Promise<Uint8Array> {
    this.poll(true);
    const out = new Uint8Array(this.builder.owners * OWNER_HASH_LENGTH);
    for (const part of this.parts) out.set(await part.result, part.from * OWNER_HASH_LENGTH);
    return out;
  }
}

/**
 * Writes a name token in uncompressed wire form into dst[at..], as
 * parseNameToken would give it; returns the offset after it. Plain names
 * (no escapes) are encoded here, the rest by the general parser's code.
 */
function nameInto(tok: Token, origin: Name, originWire: Uint8Array, file: string, dst: Uint8Array, at: number): number {
  const text = tok.text;
  if (!tok.quoted) {
    if (text === '@') {
      dst.set(originWire, at);
      return at + originWire.length;
    }
    let fast = text.length > 0 && text !== '.';
    for (let i = 0; fast && i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x5c || c < 0x21 || c > 0x7e) fast = false;
    }
    // Plain ASCII without escapes: the same labels as Name.parse makes, straight into place (fast-rdata.ts).
    if (fast) return nameAt(Buffer.from(text, 'latin1'), 0, text.length, originWire, dst, at);
  }
  const wire = parseNameToken(tok, origin, file).wire;
  dst.set(wire, at);
  return at + wire.length;
}

/** An unsigned decimal token no larger than `max` (RdataCursor.integer), or −1. */
function digits(t: Token, max: number): number {
  const text = t.text;
  if (t.quoted || text.length === 0 || text.length > 10) return -1;
  let v = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v <= max ? v : -1;
}

/** An RRSIG time token (rdata/dnssec.ts signatureTime): YYYYMMDDHHmmSS, or seconds; −1 when neither. */
function signatureTimeOf(t: Token): number {
  if (t.quoted) return -1;
  if (/^\d{14}$/.test(t.text)) return parseRrsigTime(t.text);
  return /^\d{1,10}$/.test(t.text) ? digits(t, 0xffffffff) : -1;
}

/** The type list that ends NSEC and NSEC3 RDATA as a bitmap (RFC 4034 §4.1.2), or null. */
function bitmapOf(tokens: readonly Token[], from: number): Uint8Array | null {
  const types: number[] = [];
  for (let k = from; k < tokens.length; k++) {
    const t = tokens[k]!;
    const type = t.quoted ? null : typeOf(t.text);
    if (type === null) return null;
    types.push(type);
  }
  return encodeTypeBitmap(types);
}

/**
 * RRSIG, NSEC and NSEC3 RDATA as the codecs in rdata/dnssec.ts encode them
 * (dnssec-rdata.ts layouts), for the plain forms signet itself writes; null
 * sends the entry to the codec. Read back when re-signing from a previous
 * signed file.
 */
function dnssecRdata(st: ReaderState, type: number, tokens: readonly Token[], at: number, file: string): Uint8Array | null {
  const left = tokens.length - at;
  if (type === RRType.RRSIG) {
    // RFC 4034 §3.2: type alg labels TTL expiration inception tag signer signature.
    if (left !== 9) return null;
    const covered = tokens[at]!.quoted ? null : typeOf(tokens[at]!.text);
    const alg = digits(tokens[at + 1]!, 0xff);
    const labels = digits(tokens[at + 2]!, 0xff);
    const ttl = digits(tokens[at + 3]!, 0xffffffff);
    const expiration = signatureTimeOf(tokens[at + 4]!);
    const inception = signatureTimeOf(tokens[at + 5]!);
    const tag = digits(tokens[at + 6]!, 0xffff);
    const sig = tokens[at + 8]!.quoted ? null : fromBase64(tokens[at + 8]!.text);
    if (covered === null || alg < 0 || labels < 0 || ttl < 0 || expiration < 0 || inception < 0 || tag < 0 || sig === null || sig.length === 0) return null;
    const b = rdataScratch;
    const end = nameInto(tokens[at + 7]!, st.origin, st.originWire, file, b, 18);
    // Longer than RDLENGTH allows: the codec's error.
    if (end + sig.length > 0xffff) return null;
    // The Signer's Name is kept in canonical form (encodeRrsig writes signerName.canonical).
    for (let i = 18; i < end; i++) if (b[i]! >= 0x41 && b[i]! <= 0x5a) b[i] = b[i]! + 32;
    const out = new Uint8Array(end + sig.length);
    const v = new DataView(out.buffer);
    v.setUint16(0, covered);
    out[2] = alg;
    out[3] = labels;
    v.setUint32(4, ttl);
    v.setUint32(8, expiration);
    v.setUint32(12, inception);
    v.setUint16(16, tag);
    out.set(b.subarray(18, end), 18);
    out.set(sig, end);
    return out;
  }
  if (type === RRType.NSEC) {
    // RFC 4034 §4.2: next name (as written), then types.
    if (left < 1 || tokens[at]!.quoted) return null;
    const bitmap = bitmapOf(tokens, at + 1);
    if (bitmap === null) return null;
    const end = nameInto(tokens[at]!, st.origin, st.originWire, file, rdataScratch, 0);
    const out = new Uint8Array(end + bitmap.length);
    out.set(rdataScratch.subarray(0, end), 0);
    out.set(bitmap, end);
    return out;
  }
  if (type === RRType.NSEC3) {
    // RFC 5155 §3.3: algorithm flags iterations salt next-hashed types.
    if (left < 5) return null;
    const alg = digits(tokens[at]!, 0xff);
    const flags = digits(tokens[at + 1]!, 0xff);
    const iterations = digits(tokens[at + 2]!, 0xffff);
    const saltToken = tokens[at + 3]!;
    const salt = saltToken.quoted ? null : saltToken.text === '-' ? new Uint8Array(0) : fromHex(saltToken.text);
    const next = tokens[at + 4]!.quoted ? null : fromBase32Hex(tokens[at + 4]!.text);
    const bitmap = bitmapOf(tokens, at + 5);
    if (alg < 0 || flags < 0 || iterations < 0 || salt === null || salt.length > 255 || (saltToken.text !== '-' && salt.length === 0)) return null;
    if (next === null || next.length === 0 || next.length > 255 || bitmap === null) return null;
    const out = new Uint8Array(5 + salt.length + 1 + next.length + bitmap.length);
    out[0] = alg;
    out[1] = flags;
    out[2] = iterations >>> 8;
    out[3] = iterations & 0xff;
    out[4] = salt.length;
    out.set(salt, 5);
    out[5 + salt.length] = next.length;
    out.set(next, 6 + salt.length);
    out.set(bitmap, 6 + salt.length + next.length);
    return out;
  }
  return null;
}

/** Scratch for owner names and name RDATA (each at most 255 octets, plus a preference). */
const ownerScratch = new Uint8Array(256);
const rdataScratch = new Uint8Array(18 + 256);
/** TXT RDATA is at most 65535 octets (RDLENGTH). */
const txtScratch = new Uint8Array(65535);

export type { ReaderState } from './fast-common.ts';

function ttlValue(t: Token): number {
  const v = parseTtlText(t.text, MAX_TTL);
  if (v === null) throw GIVE_UP;
  return v;
}

function directive(st: ReaderState, e: Entry): void {
  const [d, arg, extra] = e.tokens as [Token, Token | undefined, Token | undefined];
  const name = d.text.toUpperCase();
  if (!arg || extra) throw GIVE_UP;
  if (name === '$ORIGIN') {
    // RFC 1035 §5.1: a relative $ORIGIN is relative to the current one.
    st.origin = parseNameToken(arg, st.origin, e.file);
    st.originWire = st.origin.wire;
  } else if (name === '$TTL') {
    st.defaultTtl = ttlValue(arg);
  } else {
    // $INCLUDE (and anything unknown) is the general parser's.
    throw GIVE_UP;
  }
}

/** One record as the fast reader gives it; `rdata` may be a view of scratch (copy it to keep it). */
export interface FastRecord {
  owner: Uint8Array;
  type: number;
  ttl: number;
  rdata: Uint8Array;
}

/** A reader state for `origin` (as at the top of a file), for readRecord. */
export function newReaderState(file: string, origin: Name, zoneClass: number = RRClass.IN): ReaderState {
  return { file, zoneClass, origin, originWire: origin.wire, lastOwner: null, defaultTtl: null, lastTtl: null };
}

/**
 * One lexer entry → one record, as parser.ts would read it; throws when the
 * general parser must speak (any error, or anything the fast reader does
 * not handle). Directives are not records: check for them first.
 */
export function readRecord(st: ReaderState, e: Entry, out: FastRecord): void {
  const tokens = e.tokens;
  let i = 0;
  let owner: Uint8Array;
  if (e.leadingBlank) {
    // RFC 1035 §5.1: a blank owner field means the previous owner.
    if (st.lastOwner === null) throw GIVE_UP;
    owner = st.lastOwner;
  } else {
    const end = nameInto(tokens[0]!, st.origin, st.originWire, e.file, ownerScratch, 0);
    const last = st.lastOwner;
    let same = last !== null && last.length === end;
    for (let k = 0; same && k < end; k++) if (last![k] !== ownerScratch[k]) same = false;
    owner = same ? last! : ownerScratch.slice(0, end);
    st.lastOwner = owner;
    i = 1;
  }
  // RFC 1035 §5.1: [<TTL>] [<class>] or [<class>] [<TTL>], both optional.
  let ttl: number | null = null;
  let cls: number | null = null;
  for (let k = 0; k < 2; k++) {
    const t = tokens[i];
    if (!t || t.quoted) break;
    const c0 = t.text.charCodeAt(0);
    if (ttl === null && c0 >= 0x30 && c0 <= 0x39) {
      ttl = ttlValue(t);
      i++;
      continue;
    }
    if (cls === null && t.text.length >= 2 && 'IiCcHh'.includes(t.text[0]!)) {
      const c = classFromString(t.text);
      if (c !== null) {
        cls = c;
        i++;
        continue;
      }
    }
    break;
  }
  const typeToken = tokens[i];
  if (!typeToken || typeToken.quoted) throw GIVE_UP;
  const type = typeOf(typeToken.text);
  if (type === null || isMetaType(type)) throw GIVE_UP;
  if (cls !== null && cls !== st.zoneClass) throw GIVE_UP;
  const rdata = rdataOf(st, type, tokens, i + 1, e);
  if (ttl === null) {
    ttl = implicitTtl(st, type, rdata);
  } else {
    st.lastTtl = ttl;
  }
  out.owner = owner;
  out.type = type;
  out.ttl = ttl;
  out.rdata = rdata;
}

const fastRecord: FastRecord = { owner: new Uint8Array(0), type: 0, ttl: 0, rdata: new Uint8Array(0) };

/** One entry → one record into the sink. */
function record(st: ReaderState, e: Entry, sink: RecordSink): void {
  readRecord(st, e, fastRecord);
  sink.add(fastRecord.owner, st.zoneClass, fastRecord.type, fastRecord.ttl, fastRecord.rdata, e.file, e.line, e.tokens[0]!.column);
}

function rdataOf(st: ReaderState, type: number, tokens: readonly Token[], at: number, e: Entry): Uint8Array {
  const left = tokens.length - at;
  const t = tokens[at];
  // RFC 3597 §5 generic RDATA (`\# len hex`) is the codecs' business.
  if (t !== undefined && !t.quoted && t.text === '\\#') return parseRdata(type, new RdataCursor(tokens, at, e.file, st.origin, e.end));
  if (type === RRType.RRSIG || type === RRType.NSEC || type === RRType.NSEC3) {
    const d = dnssecRdata(st, type, tokens, at, e.file);
    if (d !== null) return d;
  }
  if (t !== undefined && (type === RRType.TXT || type === RRType.SPF)) {
    // RFC 1035 §3.3.14: each token one <character-string> of at most 255 octets, quoted or not.
    let o = 0;
    for (let k = at; k < tokens.length; k++) {
      const b = decodeCharString(tokens[k]!.text);
      if (b.length > 255 || o + 1 + b.length > txtScratch.length) throw GIVE_UP;
      txtScratch[o++] = b.length;
      txtScratch.set(b, o);
      o += b.length;
    }
    // A view of scratch: the builder copies RDATA at once.
    return txtScratch.subarray(0, o);
  }
  if (t !== undefined && !t.quoted) {
    switch (type) {
      case RRType.A:
        if (left === 1) {
          const b = parseIPv4(t.text);
          if (b === null) throw GIVE_UP;
          return b;
        }
        break;
      case RRType.AAAA:
        if (left === 1) {
          const b = parseIPv6(t.text);
          if (b === null) throw GIVE_UP;
          return b;
        }
        break;
      case RRType.NS: case RRType.CNAME: case RRType.PTR: case RRType.DNAME:
        // A view of scratch: the builder copies RDATA at once.
        if (left === 1) return rdataScratch.subarray(0, nameInto(t, st.origin, st.originWire, e.file, rdataScratch, 0));
        break;
      case RRType.MX: {
        const n = tokens[at + 1];
        if (left === 2 && !n!.quoted && /^\d+$/.test(t.text)) {
          const pref = Number(t.text);
          if (pref > 0xffff) throw GIVE_UP;
          rdataScratch[0] = pref >>> 8;
          rdataScratch[1] = pref;
          return rdataScratch.subarray(0, nameInto(n!, st.origin, st.originWire, e.file, rdataScratch, 2));
        }
        break;
      }
      default:
        break;
    }
  }
  return parseRdata(type, new RdataCursor(tokens, at, e.file, st.origin, e.end));
}

function implicitTtl(st: ReaderState, type: number, rdata: Uint8Array): number {
  if (st.defaultTtl !== null) return st.defaultTtl;
  if (st.lastTtl !== null) return st.lastTtl;
  if (type === RRType.SOA) {
    // RFC 2308 §4 / BIND: with no TTL anywhere, the SOA MINIMUM is used and becomes the default.
    const n = rdata.length;
    const minimum = ((rdata[n - 4]! << 24) >>> 0) + ((rdata[n - 3]! << 16) | (rdata[n - 2]! << 8) | rdata[n - 1]!);
    if (minimum > MAX_TTL) throw GIVE_UP;
    st.defaultTtl = minimum;
    return minimum;
  }
  throw GIVE_UP;
}

/**
 * Reads a zone file in chunks of `chunkSize` bytes, line by line through
 * `lexer`, and hands each complete entry (record or directive) to `onEntry`
 * until it returns true or the file ends. Returns true when stopped early.
 * latin1: one char per byte, as parser.ts reads files (see lexer.ts).
 */
function forEachEntry(handle: FileHandle, lexer: Lexer, chunkSize: number, onEntry: (entry: Entry) => boolean): Promise<boolean> {
  return forEachLine(handle, chunkSize, (buf, start, end, lineNo) => {
    const entry = lexer.pushLine(buf.toString('latin1', start, end), lineNo);
    return entry !== null && onEntry(entry);
  });
}

/** True for a `$` directive line (`$ORIGIN`, `$TTL`, ...). */
function isDirective(entry: Entry): boolean {
  const first = entry.tokens[0]!;
  return !entry.leadingBlank && !first.quoted && first.text.startsWith('$');
}

/** How often (in records) onRecords is called. */
const REPORT_EVERY = 16384;

/**
 * The fast reader's loop: every record of the file at `path` into `sink`,
 * plain lines straight from the bytes (fast-lines.ts), the rest through
 * the lexer. `onRecord` is called after each record with the number of
 * octets read so far. Throws GIVE_UP (or the codecs' errors) where the
 * general reader must take over.
 */
export async function readFastRecords(path: string, st: ReaderState, sink: RecordSink, onRecord: (octets: number) => void): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    throw GIVE_UP;
  }
  try {
    const lines = new FastLineReader(path, st, sink);
    let octets = 0;
    await forEachLine(handle, 1 << 20, (buf, start, end, lineNo) => {
      octets += end - start + 1;
      if (lines.line(buf, start, end, lineNo)) onRecord(octets);
      return false;
    });
    lines.finish();
  } finally {
    await handle.close();
  }
}

/**
 * readFastRecords' work on one line, for a reader that fetches the lines
 * itself (previous-stream.ts reads a file only as far as the signer has
 * got): plain lines straight from the bytes, the rest through the lexer.
 */
export class FastLineReader {
  private readonly lexer: Lexer;
  private readonly plain = new PlainLines();
  private readonly st: ReaderState;
  private readonly sink: RecordSink;

  constructor(path: string, st: ReaderState, sink: RecordSink) {
    this.lexer = new Lexer(path);
    this.st = st;
    this.sink = sink;
  }

  /** Line buf[start..end) (without its newline); true when it gave the sink a record. Throws as readFastRecords does. */
  line(buf: Buffer, start: number, end: number, lineNo: number): boolean {
    const lexer = this.lexer;
    const read = lexer.open ? -1 : this.plain.read(this.st, buf, start, end, lineNo, this.sink);
    if (read === LINE_BLANK) return false;
    if (read !== LINE_RECORD) {
      const entry = lexer.pushLine(buf.toString('latin1', start, end), lineNo);
      if (entry === null) return false;
      if (isDirective(entry)) {
        directive(this.st, entry);
        return false;
      }
      record(this.st, entry, this.sink);
    }
    return true;
  }

  /** After the last line: throws when an entry is left open (parentheses, quotes). */
  finish(): void {
    this.lexer.finish();
  }
}

async function fastLoad(path: string, origin: Name, options: CompactLoadOptions): Promise<CompactZone> {
  const zoneClass = options.class ?? RRClass.IN;
  const defaultTtl = options.defaultTtl ?? null;
  if (defaultTtl !== null && (!Number.isInteger(defaultTtl) || defaultTtl < 0 || defaultTtl > MAX_TTL)) throw GIVE_UP;
  const builder = new CompactZoneBuilder(origin, zoneClass, path);
  const hashing = options.hashOwners ? new OwnerHashing(builder, options.hashOwners) : null;
  const st: ReaderState = { file: path, zoneClass, origin, originWire: origin.wire, lastOwner: null, defaultTtl, lastTtl: null };
  let nextReport = REPORT_EVERY;
  const runs = options.ownerRuns;
  let runOwner = -1;
  let runStart = 0;
  await readFastRecords(path, st, builder, () => {
    if (runs !== undefined && builder.lastOwnerId !== runOwner) {
      const at = builder.records - 1;
      if (runOwner >= 0) runs.run(builder, runOwner, runStart, at);
      runOwner = builder.lastOwnerId;
      runStart = at;
    }
    if (builder.records >= nextReport) {
      options.onRecords?.(builder.records);
      nextReport += REPORT_EVERY;
      hashing?.poll(false);
    }
  });
  if (runs !== undefined && runOwner >= 0) runs.run(builder, runOwner, runStart, builder.records);
  options.onRecords?.(builder.records);
  return finishWithHashes(builder, hashing, options);
}

async function finishWithHashes(builder: CompactZoneBuilder, hashing: OwnerHashing | null, options: CompactLoadOptions): Promise<CompactZone> {
  if (hashing === null || options.hashOwners === undefined) return builder.finish();
  const hashes = await hashing.all();
  const { iterations, salt } = options.hashOwners;
  return { ...builder.finish(hashes), ownerHashParams: { iterations, salt } };
}

/** The general parser's records into the same builder. */
async function generalLoad(path: string, origin: Name, options: CompactLoadOptions): Promise<CompactZone> {
  const zoneClass = options.class ?? RRClass.IN;
  const builder = new CompactZoneBuilder(origin, zoneClass, path);
  const hashing = options.hashOwners ? new OwnerHashing(builder, options.hashOwners) : null;
  const parseOptions = options.defaultTtl === undefined ? { origin, class: zoneClass } : { origin, class: zoneClass, defaultTtl: options.defaultTtl };
  let nextReport = REPORT_EVERY;
  for await (const batch of parseZoneFileBatches(path, parseOptions)) {
    for (const rr of batch) {
      const src = rr.source ?? { file: path, line: 1, column: 1 };
      builder.add(rr.owner.wire, rr.class, rr.type, rr.ttl, rr.rdata, src.file, src.line, src.column);
    }
    if (builder.records >= nextReport) {
      options.onRecords?.(builder.records);
      nextReport += REPORT_EVERY;
      hashing?.poll(false);
    }
  }
  options.onRecords?.(builder.records);
  return finishWithHashes(builder, hashing, options);
}

/** The general reader alone, for tests: the fast reader must build the very same CompactZone. */
export async function loadCompactZoneGeneral(path: string, origin: Name, options: CompactLoadOptions = {}): Promise<CompactZone> {
  return { ...(await generalLoad(path, origin, options)), reader: 'general' };
}

/**
 * Loads a zone file as a CompactZone: the same RRsets, warnings and errors
 * as loadZone (src/zone/load.ts), in a fraction of the memory and time.
 */
export async function loadCompactZone(path: string, origin: Name, options: CompactLoadOptions = {}): Promise<CompactZone> {
  try {
    return { ...(await fastLoad(path, origin, options)), reader: 'fast' };
  } catch {
    // Whatever stopped the fast reader, the general parser reads the file again and reports it as loadZone would.
    options.ownerRuns?.reset();
    return { ...(await generalLoad(path, origin, options)), reader: 'general' };
  }
}

/**
 * The SOA serial of a zone file, reading only as far as its SOA record
 * (RFC 1035 §3.3.13: the first of the five 32-bit fields that end the SOA
 * RDATA). Null when the SOA is not among the first `limit` records or the
 * fast reader cannot read the lines before it (then load the zone).
 */
export async function readSoaSerial(path: string, origin: Name, limit = 1000): Promise<number | null> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return null;
  }
  try {
    const st: ReaderState = newReaderState(path, origin);
    const lexer = new Lexer(path);
    const rec: FastRecord = { owner: new Uint8Array(0), type: 0, ttl: 0, rdata: new Uint8Array(0) };
    let records = 0;
    let serial: number | null = null;
    await forEachEntry(handle, lexer, 1 << 16, (entry) => {
      if (isDirective(entry)) {
        directive(st, entry);
        return false;
      }
      readRecord(st, entry, rec);
      if (rec.type === RRType.SOA) {
        const r = rec.rdata;
        serial = new DataView(r.buffer, r.byteOffset, r.byteLength).getUint32(r.length - 20);
        return true;
      }
      return ++records >= limit;
    });
    return serial;
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}
