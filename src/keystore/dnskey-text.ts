/**
 * A minimal reader for the one DNSKEY record in a BIND `.key` file:
 * `owner [ttl] [class] DNSKEY flags protocol algorithm base64…`, with `;`
 * comments and parentheses that continue the record over several lines
 * (RFC 1035 §5.1), and white space allowed inside the base64 (RFC 4034 §2.2).
 * It is deliberately not the zone parser: no directives, no relative names.
 */
import { fromBase64 } from '../core/bytes.ts';
import { ZoneParseError } from '../core/errors.ts';
import { parseDuration } from '../core/time.ts';
import { encodeDnskey } from '../zone/dnssec-rdata.ts';
import { Name } from '../zone/name.ts';
import { classFromString } from '../zone/types.ts';

export interface DnskeyText {
  owner: Name;
  /** The TTL when the file gives one (dnssec-keygen -L), else null. */
  ttl: number | null;
  class: number;
  flags: number;
  protocol: number;
  algorithm: number;
  publicKey: Uint8Array;
  /** DNSKEY RDATA built from the fields above. */
  rdata: Uint8Array;
}

interface Token {
  text: string;
  line: number;
  column: number;
}

/** Splits the text into records (lists of tokens); a newline ends a record unless inside parentheses. */
function records(text: string, file: string): Token[][] {
  const out: Token[][] = [];
  let current: Token[] = [];
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  let open: { line: number; column: number } | null = null;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      if (depth === 0 && current.length > 0) {
        out.push(current);
        current = [];
      }
      line++;
      lineStart = i + 1;
      i++;
    } else if (c === ';') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '(') {
      if (depth === 0) open = { line, column: i - lineStart + 1 };
      depth++;
      i++;
    } else if (c === ')') {
      if (depth === 0) throw new ZoneParseError('ERR_BIND_KEY_SYNTAX', "')' without '('", { file, line, column: i - lineStart + 1 });
      depth--;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '"') {
      throw new ZoneParseError('ERR_BIND_KEY_SYNTAX', 'quoted text in a DNSKEY record', { file, line, column: i - lineStart + 1 });
    } else {
      const start = i;
      while (i < text.length && !' \t\r\n;()"'.includes(text[i]!)) i++;
      current.push({ text: text.slice(start, i), line, column: start - lineStart + 1 });
    }
  }
  if (depth > 0) throw new ZoneParseError('ERR_BIND_KEY_SYNTAX', "'(' is never closed", { file, ...open! });
  if (current.length > 0) out.push(current);
  return out;
}

function integer(t: Token | undefined, max: number, what: string, file: string, end: { line: number; column: number }): number {
  if (!t) throw new ZoneParseError('ERR_BIND_KEY_SYNTAX', `missing ${what}`, { file, ...end });
  if (!/^\d+$/.test(t.text) || Number(t.text) > max) {
    throw new ZoneParseError('ERR_BIND_KEY_SYNTAX', `bad ${what} "${t.text}"`, { file, line: t.line, column: t.column });
  }
  return Number(t.text);
}

/** Reads the single DNSKEY record of a `.key` file. `file` names it in errors. */
export function parseDnskeyText(text: string, file: string): DnskeyText {
  const recs = records(text, file);
  if (recs.length === 0) throw new ZoneParseError('ERR_BIND_KEY_SYNTAX', 'no DNSKEY record', { file, line: 1, column: 1 });
  if (recs.length > 1) {
    const t = recs[1]![0]!;
    throw new ZoneParseError('ERR_BIND_KEY_SYNTAX', 'more than one record in a key file', { file, line: t.line, column: t.column });
  }
  const tokens = recs[0]!;
  const last = tokens[tokens.length - 1]!;
  const end = { line: last.line, column: last.column + last.text.length };
  const first = tokens[0]!;
  const at = (t: Token) => ({ file, line: t.line, column: t.column });
  if (first.text.startsWith('$')) throw new ZoneParseError('ERR_BIND_KEY_SYNTAX', `directive ${first.text} in a key file`, at(first));
  if (!first.text.endsWith('.')) throw new ZoneParseError('ERR_BIND_KEY_SYNTAX', `owner "${first.text}" is not an absolute name`, at(first));
  let owner: Name;
  try {
    owner = Name.parse(first.text);
  } catch (e) {
    throw new ZoneParseError('ERR_BIND_KEY_SYNTAX', `bad owner name "${first.text}": ${(e as Error).message}`, at(first));
  }
  // RFC 1035 §5.1: TTL and class may come in either order, both optional.
  let ttl: number | null = null;
  let cls: number | null = null;
  let i = 1;
  for (; i < tokens.length && i <= 2; i++) {
    const t = tokens[i]!;
    if (ttl === null && /^\d/.test(t.text)) {
      try {
        ttl = parseDuration(t.text);
      } catch {
        throw new ZoneParseError('ERR_BIND_KEY_SYNTAX', `bad TTL "${t.text}"`, at(t));
      }
      continue;
    }
    const c: number | null = cls === null ? classFromString(t.text) : null;
    if (c !== null) {
      cls = c;
      continue;
    }
    break;
  }
  const type = tokens[i];
  if (!type || type.text.toUpperCase() !== 'DNSKEY') {
    throw new ZoneParseError('ERR_BIND_KEY_SYNTAX', `expected DNSKEY, found ${type ? `"${type.text}"` : 'end of record'}`, type ? at(type) : { file, ...end });
  }
  const flags = integer(tokens[i + 1], 0xffff, 'flags', file, end);
  const protocol = integer(tokens[i + 2], 0xff, 'protocol', file, end);
  const algorithm = integer(tokens[i + 3], 0xff, 'algorithm', file, end);
  const keyTokens = tokens.slice(i + 4);
  if (keyTokens.length === 0) throw new ZoneParseError('ERR_BIND_KEY_SYNTAX', 'missing public key', { file, ...end });
  const publicKey = fromBase64(keyTokens.map((t) => t.text).join(''));
  if (!publicKey || publicKey.length === 0) throw new ZoneParseError('ERR_BIND_KEY_SYNTAX', 'public key is not valid base64', at(keyTokens[0]!));
  return {
    owner, ttl, class: cls ?? 1, flags, protocol, algorithm, publicKey,
    rdata: encodeDnskey({ flags, protocol, algorithm, publicKey }),
  };
}
