/**
 * Time as integer Unix seconds. Core logic receives `now` as a value; the
 * only place that reads the real clock is `src/core/clock.ts`, used by the CLI.
 */
import { SignetError } from './errors.ts';

/** Seconds since 1970-01-01T00:00:00Z. */
export type UnixSeconds = number;

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 7 * 86400, y: 365 * 86400 };

/**
 * Parses a duration such as `30s`, `5m`, `1h`, `14d`, `2w`, `1y` (365 days),
 * a combination (`1d12h`) or plain seconds (`3600`). Returns seconds.
 */
export function parseDuration(text: string): number {
  const t = text.trim().toLowerCase();
  if (/^\d+$/.test(t)) return Number(t);
  const re = /(\d+)([smhdwy])/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(t)) !== null) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    matched = re.lastIndex;
  }
  if (t.length === 0 || matched !== t.length) {
    throw new SignetError('ERR_BAD_DURATION', `bad duration "${text}" (use e.g. 30s, 5m, 1h, 14d, 2w, 1y)`);
  }
  return total;
}

/** Formats seconds as the largest exact unit combination, e.g. 90000 → `1d1h`. */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  let rest = seconds;
  let out = '';
  for (const [unit, size] of [['y', UNITS.y!], ['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out;
}

/** Parses `--now`: ISO 8601 (`2027-01-31T12:00:00Z`) or Unix seconds. */
export function parseTime(text: string): UnixSeconds {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t);
  if (/^\d{14}$/.test(t)) return parseRrsigTime(t);
  const ms = Date.parse(t);
  if (!/^\d{4}-\d{2}-\d{2}/.test(t) || Number.isNaN(ms)) {
    throw new SignetError('ERR_BAD_TIME', `bad time "${text}" (use ISO 8601 such as 2027-01-31T12:00:00Z, or Unix seconds)`);
  }
  return Math.floor(ms / 1000);
}

export function formatIso(t: UnixSeconds): string {
  return new Date(t * 1000).toISOString().replace('.000Z', 'Z');
}

/** RRSIG presentation time YYYYMMDDHHmmSS (RFC 4034 §3.2), for times within 1970..2106. */
export function formatRrsigTime(t: UnixSeconds): string {
  const d = new Date(t * 1000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/** Parses YYYYMMDDHHmmSS as UTC; returns the value modulo 2^32 as RRSIG fields hold it. */
export function parseRrsigTime(text: string): UnixSeconds {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) throw new SignetError('ERR_BAD_TIME', `bad RRSIG time "${text}"`);
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return (Math.floor(ms / 1000) % 2 ** 32 + 2 ** 32) % 2 ** 32;
}

/** RFC 1982 serial-number addition for 32-bit serials (n < 2^31). */
export function serialAdd(s: number, n: number): number {
  return (s + n) % 2 ** 32;
}

/** RFC 1982 comparison: negative when a < b, positive when a > b, 0 when equal or undefined. */
export function serialCompare(a: number, b: number): number {
  if (a === b) return 0;
  const half = 2 ** 31;
  if ((a < b && b - a < half) || (a > b && a - b > half)) return -1;
  if ((a < b && b - a > half) || (a > b && a - b < half)) return 1;
  return 0;
}
