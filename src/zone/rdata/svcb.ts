/**
 * SVCB and HTTPS RDATA (RFC 9460 §2.1, §2.2, §7, Appendix A): priority,
 * target, then SvcParams as `key=value`, `key="value"` or `key`. Keys may be
 * written in any order; the wire form holds them in increasing key order
 * (RFC 9460 §2.2), each at most once.
 */
import { fromBase64, toBase64 } from '../../core/bytes.ts';
import { SignetError } from '../../core/errors.ts';
import type { ByteReader, ByteWriter } from '../wire.ts';
import type { RdataCodec } from './codec.ts';
import { malformed, readName } from './codec.ts';
import type { RdataCursor } from './cursor.ts';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from './ip.ts';
import { escapeOctet, formatCharString } from './text.ts';
import type { Token } from '../lexer.ts';

/** RFC 9460 §14.3.2 registry; dohpath (RFC 9461) and ohttp (RFC 9540) are read but printed as keyNNNNN. */
const KEY_NAMES: readonly string[] = ['mandatory', 'alpn', 'no-default-alpn', 'port', 'ipv4hint', 'ech', 'ipv6hint'];
const EXTRA_KEY_NAMES: Readonly<Record<string, number>> = { dohpath: 7, ohttp: 8 };
const KEY_MANDATORY = 0;
const KEY_ALPN = 1;
const KEY_NO_DEFAULT_ALPN = 2;
const KEY_PORT = 3;
const KEY_IPV4HINT = 4;
const KEY_ECH = 5;
const KEY_IPV6HINT = 6;
const KEY_OHTTP = 8;
/** RFC 9460 §14.3.2: 65535 is reserved ("Invalid key"). */
const KEY_INVALID = 65535;

function keyFromName(name: string): number | null {
  const lower = name.toLowerCase();
  const i = KEY_NAMES.indexOf(lower);
  if (i >= 0) return i;
  const extra = EXTRA_KEY_NAMES[lower];
  if (extra !== undefined) return extra;
  const m = /^key(\d{1,5})$/.exec(lower);
  if (m) {
    const v = Number(m[1]);
    if (v < KEY_INVALID) return v;
  }
  return null;
}

function keyToName(key: number): string {
  return KEY_NAMES[key] ?? `key${key}`;
}

/**
 * Splits a decoded value into a value-list (RFC 9460 Appendix A.1): items
 * separated by `,`, with `\,` and `\\` standing for a literal comma and backslash.
 */
function splitValueList(b: Uint8Array): Uint8Array[] {
  const items: Uint8Array[] = [];
  let cur: number[] = [];
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === 0x5c && i + 1 < b.length) {
      cur.push(b[++i]!);
    } else if (c === 0x2c) {
      items.push(Uint8Array.from(cur));
      cur = [];
    } else {
      cur.push(c);
    }
  }
  items.push(Uint8Array.from(cur));
  return items;
}

function latin1(b: Uint8Array): string {
  return String.fromCharCode(...b);
}

interface Param {
  key: number;
  value: Uint8Array;
}

function encodeValue(c: RdataCursor, key: number, tok: Token, raw: Uint8Array | null): Uint8Array {
  const need = (): Uint8Array => {
    if (raw === null || raw.length === 0) throw c.error(tok, `SvcParam ${keyToName(key)} needs a value`);
    return raw;
  };
  const out: number[] = [];
  switch (key) {
    case KEY_MANDATORY: {
      const keys = new Set<number>();
      for (const item of splitValueList(need())) {
        const k = keyFromName(latin1(item));
        if (k === null) throw c.error(tok, `unknown key "${latin1(item)}" in mandatory`);
        // RFC 9460 §8: "mandatory" must not list itself, and no key twice.
        if (k === KEY_MANDATORY || keys.has(k)) throw c.error(tok, `bad mandatory list: ${keyToName(k)} listed twice or names mandatory itself`);
        keys.add(k);
      }
      for (const k of [...keys].sort((a, b) => a - b)) out.push(k >> 8, k & 0xff);
      break;
    }
    case KEY_ALPN:
      for (const item of splitValueList(need())) {
        if (item.length === 0 || item.length > 255) throw c.error(tok, 'alpn ids must be 1 to 255 octets');
        out.push(item.length, ...item);
      }
      break;
    case KEY_NO_DEFAULT_ALPN:
    case KEY_OHTTP:
      if (raw !== null) throw c.error(tok, `SvcParam ${keyToName(key)} takes no value`);
      break;
    case KEY_PORT: {
      const text = latin1(need());
      if (!/^\d{1,5}$/.test(text) || Number(text) > 0xffff) throw c.error(tok, `bad port "${text}"`);
      const v = Number(text);
      out.push(v >> 8, v & 0xff);
      break;
    }
    case KEY_IPV4HINT:
    case KEY_IPV6HINT:
      for (const item of latin1(need()).split(',')) {
        const a = key === KEY_IPV4HINT ? parseIPv4(item) : parseIPv6(item);
        if (!a) throw c.error(tok, `bad address "${item}" in ${keyToName(key)}`);
        out.push(...a);
      }
      break;
    case KEY_ECH: {
      const b = fromBase64(latin1(need()));
      if (!b) throw c.error(tok, 'bad base64 in ech');
      return b;
    }
    default:
      // keyNNNNN and dohpath: the value octets as written (RFC 9460 §2.1, "opaque").
      return raw ?? new Uint8Array(0);
  }
  return Uint8Array.from(out);
}

/** Reads one SvcParam: `key`, `key=value`, or `key=` followed directly by a quoted value. */
function readParam(c: RdataCursor): Param {
  const tok = c.next('SvcParam');
  if (tok.quoted) throw c.error(tok, 'a SvcParam must start with its key, not a quoted string');
  const eq = tok.text.indexOf('=');
  const keyText = eq < 0 ? tok.text : tok.text.slice(0, eq);
  const key = keyFromName(keyText);
  if (key === null) throw c.error(tok, `unknown SvcParam key "${keyText}"`);
  let raw: Uint8Array | null = null;
  if (eq >= 0) {
    const after = c.peek();
    if (eq === tok.text.length - 1 && after && after.quoted && after.joined) {
      c.index++;
      raw = c.decodeString(after, 0xffff);
    } else {
      raw = c.decodeString({ ...tok, text: tok.text.slice(eq + 1) }, 0xffff);
    }
  }
  return { key, value: encodeValue(c, key, tok, raw) };
}

function parseSvcb(c: RdataCursor, w: ByteWriter): void {
  w.u16(c.u16('priority'));
  w.bytes(c.name('target name').wire);
  const params: Param[] = [];
  const firstTok = c.peek();
  while (!c.atEnd) {
    const at = c.peek();
    const p = readParam(c);
    if (params.some((q) => q.key === p.key)) throw c.error(at, `SvcParam ${keyToName(p.key)} appears twice`);
    params.push(p);
  }
  // RFC 9460 §2.2: keys in strictly increasing order on the wire.
  params.sort((a, b) => a.key - b.key);
  const mandatory = params.find((p) => p.key === KEY_MANDATORY);
  if (mandatory) {
    for (let i = 0; i < mandatory.value.length; i += 2) {
      const k = (mandatory.value[i]! << 8) | mandatory.value[i + 1]!;
      // RFC 9460 §8: every mandatory key must be present.
      if (!params.some((p) => p.key === k)) throw c.error(firstTok, `mandatory key ${keyToName(k)} is missing`);
    }
  }
  for (const p of params) {
    if (p.value.length > 0xffff) throw c.error(firstTok, `SvcParam ${keyToName(p.key)} is too long`);
    w.u16(p.key).u16(p.value.length).bytes(p.value);
  }
}

function formatAlpnItem(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    // Value-list escape first (`\,` `\\`), then the char-string escape of that backslash.
    if (c === 0x2c) s += '\\\\,';
    else if (c === 0x5c) s += '\\\\\\\\';
    else s += escapeOctet(c);
  }
  return s;
}

function formatValue(key: number, v: Uint8Array): string {
  const bad = (): SignetError => malformed(`SVCB (${keyToName(key)})`);
  switch (key) {
    case KEY_MANDATORY: {
      if (v.length === 0 || v.length % 2 !== 0) throw bad();
      const keys: string[] = [];
      for (let i = 0; i < v.length; i += 2) keys.push(keyToName((v[i]! << 8) | v[i + 1]!));
      return keys.join(',');
    }
    case KEY_ALPN: {
      const items: string[] = [];
      for (let i = 0; i < v.length;) {
        const len = v[i]!;
        if (len === 0 || i + 1 + len > v.length) throw bad();
        items.push(formatAlpnItem(v.subarray(i + 1, i + 1 + len)));
        i += 1 + len;
      }
      if (items.length === 0) throw bad();
      return `"${items.join(',')}"`;
    }
    case KEY_NO_DEFAULT_ALPN:
    case KEY_OHTTP:
      if (v.length !== 0) throw bad();
      return '';
    case KEY_PORT:
      if (v.length !== 2) throw bad();
      return String((v[0]! << 8) | v[1]!);
    case KEY_IPV4HINT:
    case KEY_IPV6HINT: {
      const size = key === KEY_IPV4HINT ? 4 : 16;
      if (v.length === 0 || v.length % size !== 0) throw bad();
      const out: string[] = [];
      for (let i = 0; i < v.length; i += size) out.push(size === 4 ? formatIPv4(v, i) : formatIPv6(v, i));
      return out.join(',');
    }
    case KEY_ECH:
      if (v.length === 0) throw bad();
      return toBase64(v);
    default:
      return v.length === 0 ? '' : formatCharString(v);
  }
}

function formatSvcb(r: ByteReader): string {
  const priority = r.u16();
  const target = readName(r);
  let out = `${priority} ${target.toString()}`;
  let last = -1;
  while (r.remaining > 0) {
    const key = r.u16();
    const value = r.bytes(r.u16());
    // RFC 9460 §2.2: keys must increase strictly; anything else is malformed.
    if (key <= last || key === KEY_INVALID) throw malformed('SVCB (keys out of order)');
    last = key;
    const v = formatValue(key, value);
    out += v === '' ? ` ${keyToName(key)}` : ` ${keyToName(key)}=${v}`;
  }
  return out;
}

export const SVCB: RdataCodec = { parse: parseSvcb, format: formatSvcb };
