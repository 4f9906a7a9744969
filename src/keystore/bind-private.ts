/**
 * BIND's `.private` key file ("Private-key-format: v1.3"): `Name: value`
 * lines. Key material is base64 (PrivateKey for ECDSA/EdDSA; Modulus …
 * Coefficient for RSA); timing metadata is YYYYMMDDHHMMSS in UTC.
 * Lines that start with white space continue the previous value (the RFC 8080
 * examples wrap long keys that way; BIND itself never does).
 */
import { fromBase64, toBase64 } from '../core/bytes.ts';
import { ZoneParseError } from '../core/errors.ts';
import { formatRrsigTime, parseRrsigTime } from '../core/time.ts';
import type { UnixSeconds } from '../core/time.ts';
import { algorithmInfo } from '../signer/algorithms.ts';
import { RSA_FIELDS } from './private-key-material.ts';

/** BIND's timing metadata, in the order it writes them. null when absent. */
export interface BindTiming {
  created: UnixSeconds | null;
  publish: UnixSeconds | null;
  activate: UnixSeconds | null;
  revoke: UnixSeconds | null;
  inactive: UnixSeconds | null;
  delete: UnixSeconds | null;
}

export const EMPTY_BIND_TIMING: Readonly<BindTiming> = Object.freeze({ created: null, publish: null, activate: null, revoke: null, inactive: null, delete: null });

const TIMING_FIELDS: readonly [keyof BindTiming, string][] = [
  ['created', 'Created'], ['publish', 'Publish'], ['activate', 'Activate'],
  ['revoke', 'Revoke'], ['inactive', 'Inactive'], ['delete', 'Delete'],
];

const KEY_FIELDS: ReadonlySet<string> = new Set(['PrivateKey', ...RSA_FIELDS]);

export interface BindPrivateFile {
  /** e.g. "1.3". */
  formatVersion: string;
  algorithm: number;
  /** Key material fields, decoded from base64. */
  fields: Map<string, Uint8Array>;
  timing: BindTiming;
}

/** Parses a `.private` file. `file` names it in errors (ERR_BIND_PRIVATE_SYNTAX). */
export function parseBindPrivate(text: string, file: string): BindPrivateFile {
  const entries: { name: string; value: string; line: number }[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.trimStart().startsWith(';')) return;
    const pos = { file, line: index + 1, column: 1 };
    if (/^[ \t]/.test(line)) {
      const prev = entries[entries.length - 1];
      if (!prev) throw new ZoneParseError('ERR_BIND_PRIVATE_SYNTAX', 'continuation line before any field', pos);
      prev.value += line.trim();
      return;
    }
    const m = /^([A-Za-z0-9-]+):[ \t]*(.*)$/.exec(line);
    if (!m) throw new ZoneParseError('ERR_BIND_PRIVATE_SYNTAX', `expected "Name: value", found "${line.slice(0, 40)}"`, pos);
    if (entries.some((e) => e.name === m[1])) throw new ZoneParseError('ERR_BIND_PRIVATE_SYNTAX', `field ${m[1]} given twice`, pos);
    entries.push({ name: m[1]!, value: m[2]!.trim(), line: index + 1 });
  });
  const get = (name: string) => entries.find((e) => e.name === name);
  const at = (line: number) => ({ file, line, column: 1 });

  const format = get('Private-key-format');
  if (!format) throw new ZoneParseError('ERR_BIND_PRIVATE_SYNTAX', 'no Private-key-format line', at(1));
  const fm = /^v1\.(\d+)$/.exec(format.value);
  // v1.2 and v1.3 differ only in the metadata fields; anything but major 1 is unknown to us.
  if (!fm || Number(fm[1]) < 2) throw new ZoneParseError('ERR_BIND_PRIVATE_FORMAT', `unsupported Private-key-format ${format.value} (v1.2 or later v1.x)`, at(format.line));

  const alg = get('Algorithm');
  if (!alg) throw new ZoneParseError('ERR_BIND_PRIVATE_SYNTAX', 'no Algorithm line', at(1));
  const am = /^(\d{1,3})(?:\s+\(([^)]*)\))?$/.exec(alg.value);
  if (!am) throw new ZoneParseError('ERR_BIND_PRIVATE_SYNTAX', `bad Algorithm "${alg.value}"`, at(alg.line));
  const algorithm = Number(am[1]);

  const fields = new Map<string, Uint8Array>();
  const timing: BindTiming = { ...EMPTY_BIND_TIMING };
  for (const e of entries) {
    if (KEY_FIELDS.has(e.name)) {
      const v = fromBase64(e.value.replace(/[ \t]/g, ''));
      if (!v || v.length === 0) throw new ZoneParseError('ERR_BIND_PRIVATE_SYNTAX', `${e.name} is not valid base64`, at(e.line));
      fields.set(e.name, v);
      continue;
    }
    const t = TIMING_FIELDS.find(([, label]) => label === e.name);
    if (t) {
      if (!/^\d{14}$/.test(e.value)) throw new ZoneParseError('ERR_BIND_PRIVATE_SYNTAX', `${e.name} is not YYYYMMDDHHMMSS`, at(e.line));
      timing[t[0]] = parseRrsigTime(e.value);
    }
    // Other fields (SyncPublish, Successor, GOST, …) do not concern signet.
  }
  return { formatVersion: format.value.slice(1), algorithm, fields, timing };
}

/** Formats a `.private` file as BIND 9.18 writes it. */
export function formatBindPrivate(algorithm: number, fields: readonly [string, Uint8Array][], timing: Partial<BindTiming>): string {
  const info = algorithmInfo(algorithm);
  let out = `Private-key-format: v1.3\nAlgorithm: ${algorithm} (${info.mnemonic})\n`;
  for (const [name, value] of fields) out += `${name}: ${toBase64(value)}\n`;
  for (const [key, label] of TIMING_FIELDS) {
    const t = timing[key];
    if (t !== null && t !== undefined) out += `${label}: ${formatRrsigTime(t)}\n`;
  }
  return out;
}
