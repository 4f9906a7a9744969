/** RFC 3597 §5 generic RDATA: `\# <length> <hex>`, usable for any type. */
import type { ByteWriter } from '../wire.ts';
import type { RdataCursor } from './cursor.ts';
import { hexUpper } from './fields.ts';

/** True when the RDATA starts with the `\#` token (unquoted). */
export function isGenericForm(c: RdataCursor): boolean {
  const t = c.peek();
  return t !== null && !t.quoted && t.text === '\\#';
}

/** Parses `\# len hex…` (the hex may be split over tokens) and appends the octets. */
export function parseGeneric(c: RdataCursor, w: ByteWriter): void {
  c.next('\\#');
  const lenTok = c.peek();
  const len = c.u16('RDATA length');
  const data = c.hexRest('RDATA hex', len === 0);
  // RFC 3597 §5: the length must match the data given.
  if (data.length !== len) throw c.error(lenTok, `\\# length ${len} does not match the ${data.length} octets given`);
  w.bytes(data);
}

export function formatGeneric(rdata: Uint8Array): string {
  return rdata.length === 0 ? '\\# 0' : `\\# ${rdata.length} ${hexUpper(rdata)}`;
}
