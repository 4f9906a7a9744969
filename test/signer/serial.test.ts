import { describe, expect, it } from 'vitest';
import { dateSerial, nextSerial } from '../../src/signer/serial.ts';
import type { SerialScheme } from '../../src/signer/serial.ts';
import { parseTime } from '../../src/core/time.ts';

const now = parseTime('2027-01-31T12:00:00Z'); // 1801396800
const next = (scheme: SerialScheme, inputSerial: number, lastSerial: number | null, at = now) => nextSerial({ scheme, inputSerial, lastSerial, now: at });

describe('nextSerial', () => {
  it('increment: the newer of input and last published, plus one', () => {
    expect(next('increment', 5, null)).toBe(6);
    expect(next('increment', 5, 9)).toBe(10);
    expect(next('increment', 12, 9)).toBe(13);
  });

  it('increment wraps around 2^32 (RFC 1982 §3.1)', () => {
    expect(next('increment', 4294967295, null)).toBe(0);
    // 3 is newer than 4294967290 in serial arithmetic, so it is the base.
    expect(next('increment', 3, 4294967290)).toBe(4);
    expect(next('increment', 4294967290, 3)).toBe(4);
  });

  it('unixtime: now, unless that would not be newer', () => {
    expect(next('unixtime', 1, null)).toBe(1801396800);
    expect(next('unixtime', 1, 1801396700)).toBe(1801396800);
    // Signed twice in one second, or an input serial from the future: count up.
    expect(next('unixtime', 1, 1801396800)).toBe(1801396801);
    expect(next('unixtime', 1801400000, null)).toBe(1801400001);
  });

  it('dateserial: YYYYMMDD00, counting nn up within the day', () => {
    expect(dateSerial(now)).toBe(2027013100);
    expect(next('dateserial', 1, null)).toBe(2027013100);
    expect(next('dateserial', 2027013100, 2027013100)).toBe(2027013101);
    expect(next('dateserial', 2027013000, 2027013005)).toBe(2027013100);
    // The 101st change in a day runs into the next date, as BIND does.
    expect(next('dateserial', 1, 2027013199)).toBe(2027013200);
  });

  it('dateserial from a unixtime-style serial that is numerically larger counts up', () => {
    // 2027013100 - 1801396800 < 2^31, so the date serial is newer: it is used.
    expect(next('dateserial', 1801396800, null)).toBe(2027013100);
    // 4000000000 is newer than 2027013100 (difference < 2^31): keep counting from it.
    expect(next('dateserial', 4000000000, null)).toBe(4000000001);
  });

  it('keep: the input serial as written', () => {
    expect(next('keep', 42, 100)).toBe(42);
    expect(next('keep', 42, null)).toBe(42);
  });

  it('takes the last published serial as the base when the order is undefined (exactly 2^31 apart)', () => {
    expect(next('increment', 0, 2 ** 31)).toBe(2 ** 31 + 1);
  });

  it('rejects serials outside 32 bits and unknown schemes', () => {
    expect(() => next('increment', 2 ** 32, null)).toThrow(expect.objectContaining({ code: 'ERR_SERIAL_RANGE' }));
    expect(() => next('increment', 1, -1)).toThrow(expect.objectContaining({ code: 'ERR_SERIAL_RANGE' }));
    expect(() => next('nope' as SerialScheme, 1, null)).toThrow(expect.objectContaining({ code: 'ERR_SERIAL_SCHEME' }));
  });
});
