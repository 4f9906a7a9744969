/**
 * LOC RDATA (RFC 1876 §2, §3): latitude, longitude, altitude, and size and
 * precisions as a mantissa/exponent of centimetres.
 * Text: `d1 [m1 [s1]] N|S d2 [m2 [s2]] E|W alt[m] [siz[m] [hp[m] [vp[m]]]]`.
 */
import type { ByteReader, ByteWriter } from '../wire.ts';
import type { RdataCodec } from './codec.ts';
import { malformed } from './codec.ts';
import type { RdataCursor } from './cursor.ts';

/** 2^31: the equator and the prime meridian (RFC 1876 §2). */
const EQUATOR = 0x80000000;
/** Altitudes count from 100000 m below the WGS 84 spheroid, in centimetres. */
const ALTITUDE_BASE = 10000000;
const MAX_ALTITUDE_CM = 4284967295; // 2^32 - 1 - ALTITUDE_BASE
const MAX_PRECISION_CM = 9000000000; // 9e9 cm: mantissa 9, exponent 9
const MS_PER_DEGREE = 3600000;

/** Decimal with up to `places` fraction digits, as an integer scaled by 10^places; null when malformed. */
function scaled(text: string, places: number, allowSign: boolean): number | null {
  const m = new RegExp(`^(${allowSign ? '-?' : ''})(\\d+)(?:\\.(\\d{1,${places}}))?$`).exec(text);
  if (!m) return null;
  const value = Number(m[2]) * 10 ** places + Number((m[3] ?? '').padEnd(places, '0') || '0');
  return m[1] === '-' ? -value : value;
}

/** Degrees, optional minutes and seconds, then the hemisphere letter: thousandths of an arc second from 2^31. */
function coordinate(c: RdataCursor, what: string, maxDegrees: number, positive: string, negative: string): number {
  const degTok = c.next(`${what} degrees`);
  if (!/^\d{1,3}$/.test(degTok.text) || Number(degTok.text) > maxDegrees) throw c.error(degTok, `bad ${what} degrees "${degTok.text}"`);
  let ms = Number(degTok.text) * MS_PER_DEGREE;
  let part = 0;
  for (;;) {
    const t = c.next(`${what} hemisphere`);
    const upper = t.text.toUpperCase();
    if (upper === positive || upper === negative) {
      if (ms > maxDegrees * MS_PER_DEGREE) throw c.error(t, `${what} out of range`);
      return upper === positive ? EQUATOR + ms : EQUATOR - ms;
    }
    if (part === 0 && /^\d{1,2}$/.test(t.text) && Number(t.text) < 60) {
      ms += Number(t.text) * 60000;
    } else if (part === 1) {
      const s = scaled(t.text, 3, false);
      if (s === null || s >= 60000) throw c.error(t, `bad ${what} seconds "${t.text}"`);
      ms += s;
    } else {
      throw c.error(t, `expected ${what} minutes, seconds or ${positive}/${negative}, not "${t.text}"`);
    }
    part++;
  }
}

/** A length in metres with an optional `m`, as centimetres. */
function metres(c: RdataCursor, what: string, allowSign: boolean, max: number, min = 0): number {
  const t = c.next(what);
  const text = t.text.endsWith('m') || t.text.endsWith('M') ? t.text.slice(0, -1) : t.text;
  const cm = scaled(text, 2, allowSign);
  if (cm === null || cm > max || cm < min) throw c.error(t, `bad ${what} "${t.text}"`);
  return cm;
}

/** RFC 1876 §2: size and precisions as a digit times a power of ten centimetres (truncated, as BIND does). */
function precisionByte(cm: number): number {
  let exponent = 0;
  while (exponent < 9 && cm >= 10 ** (exponent + 1)) exponent++;
  return (Math.floor(cm / 10 ** exponent) << 4) | exponent;
}

function parseLoc(c: RdataCursor, w: ByteWriter): void {
  const latitude = coordinate(c, 'latitude', 90, 'N', 'S');
  const longitude = coordinate(c, 'longitude', 180, 'E', 'W');
  const altitude = metres(c, 'altitude', true, MAX_ALTITUDE_CM, -ALTITUDE_BASE) + ALTITUDE_BASE;
  // RFC 1876 §3: defaults 1 m, 10000 m and 10 m.
  const size = c.atEnd ? 100 : metres(c, 'size', false, MAX_PRECISION_CM);
  const horizontal = c.atEnd ? 1000000 : metres(c, 'horizontal precision', false, MAX_PRECISION_CM);
  const vertical = c.atEnd ? 1000 : metres(c, 'vertical precision', false, MAX_PRECISION_CM);
  w.u8(0).u8(precisionByte(size)).u8(precisionByte(horizontal)).u8(precisionByte(vertical));
  w.u32(latitude).u32(longitude).u32(altitude);
}

function formatCoordinate(v: number, positive: string, negative: string, maxDegrees: number): string {
  const ms = Math.abs(v - EQUATOR);
  if (ms > maxDegrees * MS_PER_DEGREE) throw malformed('LOC (coordinate out of range)');
  const deg = Math.floor(ms / MS_PER_DEGREE);
  const min = Math.floor((ms % MS_PER_DEGREE) / 60000);
  const sec = ms % 60000;
  return `${deg} ${min} ${Math.floor(sec / 1000)}.${String(sec % 1000).padStart(3, '0')} ${v >= EQUATOR ? positive : negative}`;
}

function formatCm(cm: number): string {
  const abs = Math.abs(cm);
  return `${cm < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}m`;
}

function formatPrecision(b: number): string {
  const mantissa = b >> 4;
  const exponent = b & 15;
  if (mantissa > 9 || exponent > 9) throw malformed('LOC (bad precision)');
  return formatCm(mantissa * 10 ** exponent);
}

function formatLoc(r: ByteReader): string {
  // RFC 1876 §2: only version 0 is defined.
  if (r.u8() !== 0) throw malformed('LOC (unknown version)');
  const size = formatPrecision(r.u8());
  const horizontal = formatPrecision(r.u8());
  const vertical = formatPrecision(r.u8());
  const latitude = formatCoordinate(r.u32(), 'N', 'S', 90);
  const longitude = formatCoordinate(r.u32(), 'E', 'W', 180);
  const altitude = formatCm(r.u32() - ALTITUDE_BASE);
  return `${latitude} ${longitude} ${altitude} ${size} ${horizontal} ${vertical}`;
}

export const LOC: RdataCodec = { parse: parseLoc, format: formatLoc };
