/**
 * What the fast zone reader's two line paths share (fast-load.ts reads
 * lexer tokens, fast-lines.ts reads plain lines straight from the file's
 * bytes): the reader state, the give-up signal and type names.
 */
import type { Name } from '../../zone/name.ts';
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
