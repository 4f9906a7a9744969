/**
 * Reading RDATA fields from presentation tokens, with every error carrying
 * the position of the token it is about. Shared by the record parser (owner,
 * TTL) and every RDATA codec.
 */
import { SignetError, ZoneParseError } from '../../core/errors.ts';
import type { SourcePosition } from '../../core/errors.ts';
import { fromBase64, fromHex } from '../../core/bytes.ts';
import { Name } from '../name.ts';
import type { Token } from '../lexer.ts';
import { decodeCharString } from './text.ts';

/** Name errors from `Name.parse` become zone errors with a position. */
const NAME_CODES: Readonly<Record<string, string>> = {
  ERR_NAME_LABEL_TOO_LONG: 'ERR_ZONE_LABEL_TOO_LONG',
  ERR_NAME_TOO_LONG: 'ERR_ZONE_NAME_TOO_LONG',
  ERR_NAME_EMPTY_LABEL: 'ERR_ZONE_BAD_NAME',
  ERR_NAME_EMPTY: 'ERR_ZONE_BAD_NAME',
  ERR_NAME_BAD_ESCAPE: 'ERR_ZONE_BAD_NAME',
  ERR_NAME_BAD_CHAR: 'ERR_ZONE_BAD_NAME',
  ERR_NAME_RELATIVE: 'ERR_ZONE_BAD_NAME',
};

/** Rewraps a SignetError without position as a ZoneParseError at `pos`. */
export function rewrap(err: unknown, pos: SourcePosition, fallbackCode: string): unknown {
  if (err instanceof ZoneParseError || !(err instanceof SignetError)) return err;
  const code = NAME_CODES[err.code] ?? (err.code.startsWith('ERR_ZONE_') ? err.code : fallbackCode);
  return new ZoneParseError(code, err.message, pos);
}

/** Parses a domain name token: `@` is the origin, relative names get the origin appended (RFC 1035 §5.1). */
export function parseNameToken(tok: Token, origin: Name, file: string): Name {
  if (tok.text === '@' && !tok.quoted) return origin;
  try {
    return Name.parse(tok.text, origin);
  } catch (e) {
    throw rewrap(e, { file, line: tok.line, column: tok.column }, 'ERR_ZONE_BAD_NAME');
  }
}

/** Largest TTL (RFC 2181 §8: an unsigned value of at most 2^31 - 1). */
export const MAX_TTL = 0x7fffffff;
const TTL_UNITS: Readonly<Record<string, number>> = { w: 604800, d: 86400, h: 3600, m: 60, s: 1 };

/**
 * A TTL as BIND reads it: plain seconds, or number-unit pairs with units
 * w d h m s in either case (`1h30m`, `2W`); a bare number after a unit is an
 * error. Returns null when the text is not such a value or exceeds `max`.
 */
export function parseTtlText(text: string, max: number): number | null {
  let total: number;
  if (/^\d+$/.test(text)) {
    total = Number(text);
  } else {
    if (!/^(\d+[wdhmsWDHMS])+$/.test(text)) return null;
    total = 0;
    const re = /(\d+)([a-zA-Z])/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) total += Number(m[1]) * TTL_UNITS[m[2]!.toLowerCase()]!;
  }
  return total <= max ? total : null;
}

/** Sequential reader over the RDATA tokens of one entry. */
export class RdataCursor {
  readonly tokens: readonly Token[];
  readonly file: string;
  readonly origin: Name;
  private readonly endPos: SourcePosition;
  index: number;

  constructor(tokens: readonly Token[], start: number, file: string, origin: Name, end: SourcePosition) {
    this.tokens = tokens;
    this.index = start;
    this.file = file;
    this.origin = origin;
    this.endPos = end;
  }

  get atEnd(): boolean {
    return this.index >= this.tokens.length;
  }

  peek(): Token | null {
    return this.tokens[this.index] ?? null;
  }

  position(tok: Token | null): SourcePosition {
    return tok ? { file: this.file, line: tok.line, column: tok.column } : this.endPos;
  }

  error(tok: Token | null, message: string, code = 'ERR_ZONE_BAD_RDATA'): ZoneParseError {
    return new ZoneParseError(code, message, this.position(tok));
  }

  /** The next token; a missing one is an error at the end of the entry. */
  next(what: string): Token {
    const t = this.tokens[this.index];
    if (!t) throw this.error(null, `missing ${what}`);
    this.index++;
    return t;
  }

  /** Fails when tokens are left over. */
  expectEnd(): void {
    const t = this.peek();
    if (t) throw this.error(t, `unexpected "${t.text}" after the RDATA`);
  }

  /** An unsigned decimal integer no larger than `max`. */
  integer(what: string, max: number): number {
    const t = this.next(what);
    if (!/^\d+$/.test(t.text)) throw this.error(t, `bad ${what} "${t.text}": expected a number`);
    const v = Number(t.text);
    if (v > max) throw this.error(t, `${what} ${t.text} is larger than ${max}`);
    return v;
  }

  u8(what: string): number {
    return this.integer(what, 0xff);
  }

  u16(what: string): number {
    return this.integer(what, 0xffff);
  }

  u32(what: string): number {
    return this.integer(what, 0xffffffff);
  }

  /** A 32-bit time interval that may use TTL units (SOA timers, RRSIG original TTL). */
  interval(what: string): number {
    const t = this.next(what);
    const v = parseTtlText(t.text, 0xffffffff);
    if (v === null) throw this.error(t, `bad ${what} "${t.text}"`);
    return v;
  }

  name(what: string): Name {
    return parseNameToken(this.next(what), this.origin, this.file);
  }

  /** One <character-string> (RFC 1035 §3.3), at most 255 octets. */
  charString(what: string, maxLength = 255): Uint8Array {
    const t = this.next(what);
    return this.decodeString(t, maxLength);
  }

  decodeString(t: Token, maxLength = 255): Uint8Array {
    let b: Uint8Array;
    try {
      b = decodeCharString(t.text);
    } catch (e) {
      throw rewrap(e, this.position(t), 'ERR_ZONE_BAD_RDATA');
    }
    if (b.length > maxLength) {
      throw this.error(t, `character-string of ${b.length} octets is longer than ${maxLength}`, 'ERR_ZONE_STRING_TOO_LONG');
    }
    return b;
  }

  /** Joins every remaining token: base64 and hex fields may contain white space (RFC 4034 §2.2, §5.3). */
  private restJoined(what: string, allowEmpty: boolean): { text: string; first: Token | null } {
    const first = this.peek();
    if (!first && !allowEmpty) throw this.error(null, `missing ${what}`);
    let text = '';
    while (this.index < this.tokens.length) text += this.tokens[this.index++]!.text;
    return { text, first };
  }

  hexRest(what: string, allowEmpty = false): Uint8Array {
    const { text, first } = this.restJoined(what, allowEmpty);
    const b = fromHex(text);
    if (!b) throw this.error(first, `bad hex in ${what}`);
    return b;
  }

  base64Rest(what: string, allowEmpty = false): Uint8Array {
    const { text, first } = this.restJoined(what, allowEmpty);
    const b = fromBase64(text);
    if (!b) throw this.error(first, `bad base64 in ${what}`);
    return b;
  }
}
