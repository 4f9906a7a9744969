/** The shape of one RDATA presentation codec, and wire helpers the codecs share. */
import { SignetError } from '../../core/errors.ts';
import { Name } from '../name.ts';
import type { ByteReader, ByteWriter } from '../wire.ts';
import type { RdataCursor } from './cursor.ts';

export interface RdataCodec {
  /** Presentation tokens → uncompressed wire RDATA, appended to `w`. Names keep their case. */
  parse(c: RdataCursor, w: ByteWriter): void;
  /** Wire RDATA → presentation text; must consume the reader to its end or throw. */
  format(r: ByteReader): string;
}

/** Reads an uncompressed name from the RDATA (compression is not allowed in stored RDATA, RFC 3597 §4). */
export function readName(r: ByteReader): Name {
  const { name, end } = Name.fromWire(r.buf.subarray(0, r.end), r.offset);
  r.offset = end;
  return name;
}

/** Reads one length-prefixed <character-string>. */
export function readCharString(r: ByteReader): Uint8Array {
  return r.bytes(r.u8());
}

/** Appends one length-prefixed <character-string> (the length was checked by the cursor). */
export function writeCharString(w: ByteWriter, b: Uint8Array): void {
  w.u8(b.length).bytes(b);
}

export function malformed(what: string): SignetError {
  return new SignetError('ERR_RDATA_MALFORMED', `malformed ${what} RDATA`);
}
