/**
 * <character-string> presentation (RFC 1035 §5.1): `\X` stands for X and
 * `\DDD` for the octet with decimal value DDD. Text arrives as latin1 (one
 * char per file byte), so every char code is one octet.
 */
import { SignetError } from '../../core/errors.ts';

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Decodes escapes into octets. Throws ERR_ZONE_BAD_ESCAPE on `\DDD` > 255 or a trailing `\`. */
export function decodeCharString(text: string): Uint8Array {
  // Most strings have no escapes: one native copy (chars are octets, see lexer.ts).
  if (text.indexOf('\\') < 0) return Buffer.from(text, 'latin1');
  const out = new Uint8Array(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c === 0x5c) {
      if (i + 1 >= text.length) throw new SignetError('ERR_ZONE_BAD_ESCAPE', 'string ends with a lone backslash');
      const d1 = text.charCodeAt(i + 1);
      if (isDigit(d1)) {
        const d2 = text.charCodeAt(i + 2);
        const d3 = text.charCodeAt(i + 3);
        if (!isDigit(d2) || !isDigit(d3)) throw new SignetError('ERR_ZONE_BAD_ESCAPE', `bad escape "${text.slice(i, i + 4)}": use \\DDD with three digits`);
        c = (d1 - 0x30) * 100 + (d2 - 0x30) * 10 + (d3 - 0x30);
        if (c > 255) throw new SignetError('ERR_ZONE_BAD_ESCAPE', `bad escape "${text.slice(i, i + 4)}": value above 255`);
        i += 3;
      } else {
        c = d1;
        i += 1;
      }
    }
    if (c > 0xff) throw new SignetError('ERR_ZONE_BAD_ESCAPE', 'character outside one octet');
    out[n++] = c;
  }
  return out.subarray(0, n);
}

/** Appends one octet in quoted-string presentation form: `"` and `\` escaped, non-printables as \DDD. */
export function escapeOctet(c: number): string {
  if (c === 0x22 || c === 0x5c) return '\\' + String.fromCharCode(c);
  if (c < 0x20 || c > 0x7e) return '\\' + String(c).padStart(3, '0');
  return String.fromCharCode(c);
}

/** A character-string as a quoted presentation string. */
export function formatCharString(b: Uint8Array): string {
  let s = '"';
  for (let i = 0; i < b.length; i++) s += escapeOctet(b[i]!);
  return s + '"';
}
