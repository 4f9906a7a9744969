/**
 * The previous signed zone as PreviousSignatures (reuse.ts), read from the
 * signed file as the signer goes instead of loaded whole: memory for one
 * owner's records and a read buffer, whatever the size of the file.
 *
 * signet writes its output in canonical order (RFC 4034 §6.1), each
 * owner's records together, and the streaming signer asks for owners in
 * that same order. So a forward-only cursor answers each find: it reads
 * lines (synchronously, a chunk at a time, through the fast reader's line
 * step) until it holds the first owner that does not sort before the one
 * asked for; that owner's records answer if it is the one, and nothing
 * answers otherwise (a new name, or a lookup behind the cursor: signed
 * anew, which is always safe).
 *
 * The answers are right only if every owner's records are together, which
 * is known for sure only at the end of the file: an owner's line moved
 * far down would show up as disorder long after that owner was answered
 * with part of its records. So the cursor checks the order of every owner
 * it reads, to the end of the file (settle), and when the file is out of
 * order, or has anything the fast reader leaves to the general parser, it
 * throws PreviousUnusable, from the find or settle that finds out; the
 * output made with its answers must then be thrown away whole (sign-file.ts
 * signs again with the compact previous, which reads any file). A file
 * that cannot be opened answers nothing, as there is then nothing to keep.
 *
 * The answers are views of the cursor's buffer, valid until the next find.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { compareBytes } from '../../core/bytes.ts';
import { canonicalRdata } from '../../zone/canonical.ts';
import type { Name } from '../../zone/name.ts';
import { RRClass, RRType } from '../../zone/types.ts';
import type { PreviousRRset, PreviousSignatures } from '../reuse.ts';
import { compareWire, isSubdomainWire, labelStarts } from './compact-zone.ts';
import { ArenaSink, GIVE_UP } from './fast-common.ts';
import { FastLineReader, newReaderState } from './fast-load.ts';

/** The previous file cannot answer soundly: throw away what was made with its answers. */
export class PreviousUnusable extends Error {}

/** Read size: as readFastRecords reads. */
const CHUNK = 1 << 20;
/** The longest wire name (RFC 1035 §2.3.4). */
const MAX_WIRE = 255;
/** A wire name has at most 127 labels. */
const MAX_LABELS = 128;

/**
 * The records of the owner at the cursor, and the first record of the next
 * one once it has been read (which is how the owner is known to be
 * complete). Checks the owners' order as they come.
 */
class OwnerWindow extends ArenaSink {
  /** The owner at the cursor, canonical wire, and its label starts. */
  canon = new Uint8Array(MAX_WIRE);
  canonLength = 0;
  starts = new Int32Array(MAX_LABELS);
  labels = 0;
  /** The owner's records are all read (the next owner has begun, or the file ended). */
  complete = false;
  /** Whether an owner is at the cursor at all. */
  present = false;
  // The next owner's first record, read when the owner at the cursor was complete.
  private next = new Uint8Array(MAX_WIRE);
  private nextLength = 0;
  private nextStarts = new Int32Array(MAX_LABELS);
  private nextLabels = 0;
  private pendingType = -1;
  private pendingTtl = 0;
  private pendingStart = 0;
  private pendingLength = 0;
  /** The owner as the fast reader last gave it (the same array while the owner does not change). */
  private ownerRef: Uint8Array | null = null;
  private readonly originCanon: Uint8Array;
  private readonly zoneClass: number;

  constructor(originCanon: Uint8Array, zoneClass: number) {
    super();
    this.originCanon = originCanon;
    this.zoneClass = zoneClass;
  }

  addWritten(owner: Uint8Array, cls: number, type: number, ttl: number, length: number): void {
    // The reader is asked for no more lines once the owner is complete.
    if (cls !== this.zoneClass || this.complete) throw GIVE_UP;
    if (owner !== this.ownerRef) {
      this.ownerRef = owner;
      if (!this.present) {
        this.canonLength = lowerInto(owner, this.canon);
        this.labels = this.checkedStarts(this.canon, this.canonLength, this.starts);
        this.present = true;
      } else if (!sameCaseless(owner, this.canon, this.canonLength)) {
        // A new owner: it must sort after the one at the cursor (RFC 4034 §6.1), or an owner's records may be apart.
        this.nextLength = lowerInto(owner, this.next);
        this.nextLabels = this.checkedStarts(this.next, this.nextLength, this.nextStarts);
        if (compareWire(this.next, this.nextStarts, this.nextLabels, this.canon, this.starts, this.labels) <= 0) throw GIVE_UP;
        this.pendingType = type;
        this.pendingTtl = ttl;
        this.pendingStart = this.data.n;
        this.pendingLength = length;
        this.data.n += length;
        this.complete = true;
        return;
      }
    }
    this.keep(type, ttl, length);
  }

  /** The file has ended: the owner at the cursor is complete. */
  end(): void {
    this.complete = true;
  }

  /** Moves the cursor to the next owner (whose first record was read), or to none. */
  advance(): void {
    this.forgetRecords();
    if (this.pendingType < 0) {
      this.present = false;
      this.data.n = 0;
      return;
    }
    this.data.a.copyWithin(0, this.pendingStart, this.pendingStart + this.pendingLength);
    this.data.n = this.pendingLength;
    this.recType.push(this.pendingType);
    this.recTtl.push(this.pendingTtl);
    this.recStart.push(0);
    this.recLength.push(this.pendingLength);
    this.pendingType = -1;
    const canon = this.canon;
    this.canon = this.next;
    this.next = canon;
    this.canonLength = this.nextLength;
    const starts = this.starts;
    this.starts = this.nextStarts;
    this.nextStarts = starts;
    this.labels = this.nextLabels;
    this.complete = false;
  }

  /** Label starts of a name read, which must be in the zone (else the file is not the zone's). */
  private checkedStarts(name: Uint8Array, length: number, starts: Int32Array): number {
    if (!isSubdomainWire(name, 0, length, this.originCanon, 0, this.originCanon.length)) throw GIVE_UP;
    return labelStarts(name, starts);
  }
}

function lowerInto(owner: Uint8Array, dst: Uint8Array): number {
  for (let i = 0; i < owner.length; i++) {
    const c = owner[i]!;
    dst[i] = c >= 0x41 && c <= 0x5a ? c + 32 : c;
  }
  return owner.length;
}

function sameCaseless(owner: Uint8Array, canon: Uint8Array, length: number): boolean {
  if (owner.length !== length) return false;
  for (let i = 0; i < length; i++) {
    let c = owner[i]!;
    if (c >= 0x41 && c <= 0x5a) c += 32;
    if (c !== canon[i]) return false;
  }
  return true;
}

/** RDATAs in ascending byte order without duplicates (as the compact loader keeps an RRset); the array itself when it is so already. */
function sortedUnique(list: Uint8Array[]): Uint8Array[] {
  let sorted = true;
  for (let i = 1; sorted && i < list.length; i++) if (compareBytes(list[i - 1]!, list[i]!) >= 0) sorted = false;
  if (sorted) return list;
  list.sort(compareBytes);
  return list.filter((r, i) => i === 0 || compareBytes(list[i - 1]!, r) !== 0);
}

/** The previous signed file read as the signer asks; see the module header. */
export class StreamedPrevious implements PreviousSignatures {
  private fd: number;
  private buf = Buffer.allocUnsafe(CHUNK);
  private length = 0;
  private pos = 0;
  private eof = false;
  private lineNo = 0;
  private readonly window: OwnerWindow;
  private readonly lines: FastLineReader;
  /** Set once the file is found not to answer soundly; every later call throws. */
  private broken = false;
  private readonly askedStarts = new Int32Array(MAX_LABELS);
  private readonly answer: { ttl: number; canonicalRdatas: Uint8Array[]; rrsigs: Uint8Array[] } = { ttl: 0, canonicalRdatas: [], rrsigs: [] };
  private signedRRsets = 0;

  private constructor(fd: number, path: string, origin: Name) {
    this.fd = fd;
    this.window = new OwnerWindow(origin.canonical, RRClass.IN);
    this.lines = new FastLineReader(path, newReaderState(path, origin, RRClass.IN), this.window);
  }

  /** The file at `path` opened for reading; null when there is none to open (nothing to keep). */
  static open(path: string, origin: Name): StreamedPrevious | null {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return null;
    }
    return new StreamedPrevious(fd, path, origin);
  }

  /** RRsets that carried RRSIGs, among the owners passed so far (the whole file once settled). */
  get size(): number {
    return this.signedRRsets;
  }

  find(ownerCanonical: Uint8Array, type: number): PreviousRRset | null {
    const w = this.window;
    let askedLabels = -1;
    for (;;) {
      if (!this.fill()) return null;
      if (sameCaseless(ownerCanonical, w.canon, w.canonLength)) return this.rrset(type);
      if (askedLabels < 0) askedLabels = labelStarts(ownerCanonical, this.askedStarts);
      // Behind the cursor: not in the file, or asked out of order; either way nothing to keep.
      if (compareWire(ownerCanonical, this.askedStarts, askedLabels, w.canon, w.starts, w.labels) < 0) return null;
      this.pass();
    }
  }

  /**
   * Reads the rest of the file, checking its order, once the signer has
   * asked everything: throws PreviousUnusable when the answers given may
   * have been wrong. Closes the file.
   */
  settle(): void {
    while (this.fill()) this.pass();
    this.close();
  }

  /** Closes the file (settle does); later finds answer nothing. */
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  /** Whether a complete owner is at the cursor, reading lines as needed; false at the end of the file. */
  private fill(): boolean {
    const w = this.window;
    if (this.broken) throw new PreviousUnusable('the previous signed file is out of canonical order or not readable as one');
    if (this.fd < 0) return false;
    try {
      while (!w.complete) {
        if (!this.readLine()) {
          this.lines.finish();
          w.end();
        }
      }
    } catch {
      // GIVE_UP from the order check or the fast reader, or a codec's error: the file is not one to stream from.
      this.broken = true;
      this.close();
      throw new PreviousUnusable('the previous signed file is out of canonical order or not readable as one');
    }
    return w.present;
  }

  /** Past the owner at the cursor, counting its signed RRsets. */
  private pass(): void {
    const w = this.window;
    const types = w.recType.a;
    for (let i = 0; i < w.recType.n; i++) {
      if (types[i] !== RRType.RRSIG) continue;
      const covered = this.coveredBy(i);
      let first = true;
      for (let j = 0; first && j < i; j++) if (types[j] === RRType.RRSIG && this.coveredBy(j) === covered) first = false;
      if (first) this.signedRRsets++;
    }
    w.advance();
  }

  private coveredBy(i: number): number {
    const w = this.window;
    const s = w.recStart.a[i]!;
    return w.recLength.a[i]! < 2 ? -1 : (w.data.a[s]! << 8) | w.data.a[s + 1]!;
  }

  /** The RRset of `type` at the cursor with the RRSIGs covering it, as previousFromCompact gives it; null without either. */
  private rrset(type: number): PreviousRRset | null {
    const w = this.window;
    const types = w.recType.a;
    const data = w.data.a;
    // One answer object and its arrays serve every find (answers last until the next): no garbage per RRset but the views.
    const answer = this.answer;
    const rdatas = answer.canonicalRdatas;
    const rrsigs = answer.rrsigs;
    rdatas.length = 0;
    rrsigs.length = 0;
    let ttl = -1;
    for (let i = 0; i < w.recType.n; i++) {
      const t = types[i]!;
      if (t === type) {
        // loadZone's rule: an RRset takes the smallest TTL of its records.
        const r = w.recTtl.a[i]! >>> 0;
        if (ttl < 0 || r < ttl) ttl = r;
        const s = w.recStart.a[i]!;
        rdatas.push(canonicalRdata(type, data.subarray(s, s + w.recLength.a[i]!)));
      } else if (t === RRType.RRSIG && this.coveredBy(i) === type) {
        const s = w.recStart.a[i]!;
        rrsigs.push(data.subarray(s, s + w.recLength.a[i]!));
      }
    }
    if (rdatas.length === 0 || rrsigs.length === 0) return null;
    answer.ttl = ttl;
    answer.canonicalRdatas = sortedUnique(rdatas);
    answer.rrsigs = sortedUnique(rrsigs);
    return answer;
  }

  /** Hands the next line to the reader; false at the end of the file. */
  private readLine(): boolean {
    for (;;) {
      let nl = this.buf.indexOf(10, this.pos);
      if (nl >= this.length) nl = -1;
      if (nl >= 0 || (this.eof && this.pos < this.length)) {
        const end = nl < 0 ? this.length : nl;
        const start = this.pos;
        this.pos = end + 1;
        this.lines.line(this.buf, start, end, ++this.lineNo);
        return true;
      }
      if (this.eof) return false;
      // Keep the partial line, then read on (a line longer than the buffer doubles it).
      this.buf.copy(this.buf, 0, this.pos, this.length);
      this.length -= this.pos;
      this.pos = 0;
      if (this.length === this.buf.length) {
        const bigger = Buffer.allocUnsafe(this.buf.length * 2);
        this.buf.copy(bigger, 0, 0, this.length);
        this.buf = bigger;
      }
      const n = readSync(this.fd, this.buf, this.length, this.buf.length - this.length, null);
      if (n === 0) this.eof = true;
      this.length += n;
    }
  }
}
