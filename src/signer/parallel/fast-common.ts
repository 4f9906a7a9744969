/**
 * What the fast zone reader's two line paths share (fast-load.ts reads
 * lexer tokens, fast-lines.ts reads plain lines straight from the file's
 * bytes): the reader state, the give-up signal and type names.
 */
import type { Name } from '../../zone/name.ts';
import { Bytes, IntList } from './arena.ts';
import { typeFromString } from '../../zone/types.ts';

/** The fast reader stops here; the general reader takes over. */
export class GiveUp extends Error {}
export const GIVE_UP = new GiveUp('fast zone reader gave up');

/** The fast reader's state across a file: what parser.ts keeps in RecordBuilder and FileContext. */
export interface ReaderState {
  readonly file: string;
  readonly zoneClass: number;
  origin: Name;
  originWire: Uint8Array;
  lastOwner: Uint8Array | null;
  defaultTtl: number | null;
  lastTtl: number | null;
}

/**
 * Where the fast reader puts the records it reads (CompactZoneBuilder, or
 * the streaming gate's owner-by-owner reader): `add` copies the RDATA;
 * the plain-line path writes it straight into `rdataRoom` at `rdataStart`
 * and then calls `addWritten`. `owner` is uncompressed wire as written,
 * kept by reference for as long as the owner does not change.
 */
export interface RecordSink {
  add(owner: Uint8Array, cls: number, type: number, ttl: number, rdata: Uint8Array, file: string, line: number, column: number): void;
  rdataRoom(max: number): Uint8Array;
  readonly rdataStart: number;
  addWritten(owner: Uint8Array, cls: number, type: number, ttl: number, length: number, file: string, line: number, column: number): void;
}

/** RFC 6895 §3.1: meta-types and QTYPEs do not belong in a zone (as parser.ts checks). */
export function isMetaType(type: number): boolean {
  return type === 0 || type === 41 || (type >= 128 && type <= 255);
}

/** typeFromString remembered per spelling: a zone uses a handful of type names. */
const typeNames = new Map<string, number | null>();
export function typeOf(text: string): number | null {
  let t = typeNames.get(text);
  if (t === undefined) {
    t = typeFromString(text);
    if (typeNames.size < 1024) typeNames.set(text, t);
  }
  return t;
}

/**
 * A RecordSink whose RDATA goes into one growing arena (`data`): the
 * readers write a plain line's RDATA there in place (rdataRoom), and `add`
 * copies the rest there too, so that addWritten sees every record the same way.
 */
export abstract class ArenaSink implements RecordSink {
  readonly data = new Bytes(1 << 16);
  // Records kept so far: type, TTL, RDATA at data[start .. start+length).
  readonly recType = new IntList(64);
  readonly recTtl = new IntList(64);
  readonly recStart = new IntList(64);
  readonly recLength = new IntList(64);

  /** Keeps a record whose `length` octets of RDATA were written at data.n (the end of the arena). */
  protected keep(type: number, ttl: number, length: number): void {
    this.recType.push(type);
    this.recTtl.push(ttl);
    this.recStart.push(this.data.n);
    this.recLength.push(length);
    this.data.n += length;
  }

  /** Forgets the records kept (the arena's octets are the subclass's to move or drop). */
  protected forgetRecords(): void {
    this.recType.n = 0;
    this.recTtl.n = 0;
    this.recStart.n = 0;
    this.recLength.n = 0;
  }

  rdataRoom(max: number): Uint8Array {
    this.data.reserve(max);
    return this.data.a;
  }

  get rdataStart(): number {
    return this.data.n;
  }

  add(owner: Uint8Array, cls: number, type: number, ttl: number, rdata: Uint8Array, file: string, line: number, column: number): void {
    this.data.reserve(rdata.length);
    this.data.a.set(rdata, this.data.n);
    this.addWritten(owner, cls, type, ttl, rdata.length, file, line, column);
  }

  abstract addWritten(owner: Uint8Array, cls: number, type: number, ttl: number, length: number, file: string, line: number, column: number): void;
}
