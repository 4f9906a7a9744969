/**
 * The SOA serial of a signed zone, by scheme, in RFC 1982 serial arithmetic.
 *
 * Every scheme but `keep` returns a serial newer than both the input file's
 * serial and the last one published, so secondaries always see a change:
 *
 * - `increment`: the newer of (input, last published) + 1.
 * - `unixtime`: `now` (mod 2^32), unless that is not newer than the newer of
 *   (input, last published): then that + 1.
 * - `dateserial`: YYYYMMDD00 of `now` in UTC, unless that is not newer than
 *   the newer of (input, last published): then that + 1 (so nn counts up
 *   within a day, and a 101st change in a day runs into the next date, as
 *   BIND does).
 * - `keep`: the input's serial, whatever it is; the operator owns it.
 *
 * "Newer" is RFC 1982 §3.2 greater-than. When input and last published are
 * exactly 2^31 apart their order is undefined; the last published one is
 * taken as the base, since secondaries hold that one.
 */
import { SignetError } from '../core/errors.ts';
import { serialAdd, serialCompare } from '../core/time.ts';
import type { UnixSeconds } from '../core/time.ts';

export type SerialScheme = 'increment' | 'unixtime' | 'dateserial' | 'keep';

export const SERIAL_SCHEMES: readonly SerialScheme[] = ['increment', 'unixtime', 'dateserial', 'keep'];

export interface SerialInput {
  readonly scheme: SerialScheme;
  /** The serial in the unsigned input's SOA. */
  readonly inputSerial: number;
  /** The serial of the last signed zone published, or null before the first. */
  readonly lastSerial: number | null;
  readonly now: UnixSeconds;
}

function isSerial(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n < 2 ** 32;
}

/** The newer of input and last published (RFC 1982), the base the schemes count from. */
function baseSerial(input: number, last: number | null): number {
  if (last === null) return input;
  return serialCompare(input, last) > 0 ? input : last;
}

/** YYYYMMDD00 for `now` in UTC. */
export function dateSerial(now: UnixSeconds): number {
  const d = new Date(now * 1000);
  return ((d.getUTCFullYear() * 100 + d.getUTCMonth() + 1) * 100 + d.getUTCDate()) * 100;
}

/** Computes the serial for the signed zone's SOA. */
export function nextSerial(input: SerialInput): number {
  if (!isSerial(input.inputSerial)) throw new SignetError('ERR_SERIAL_RANGE', `SOA serial ${input.inputSerial} is outside 0..4294967295`);
  if (input.lastSerial !== null && !isSerial(input.lastSerial)) {
    throw new SignetError('ERR_SERIAL_RANGE', `last published serial ${input.lastSerial} is outside 0..4294967295`);
  }
  const base = baseSerial(input.inputSerial, input.lastSerial);
  switch (input.scheme) {
    case 'keep':
      return input.inputSerial;
    case 'increment':
      // RFC 1982 §3.1: addition wraps modulo 2^32.
      return serialAdd(base, 1);
    case 'unixtime': {
      const candidate = ((Math.floor(input.now) % 2 ** 32) + 2 ** 32) % 2 ** 32;
      return serialCompare(candidate, base) > 0 ? candidate : serialAdd(base, 1);
    }
    case 'dateserial': {
      const candidate = dateSerial(input.now);
      if (!isSerial(candidate)) throw new SignetError('ERR_SERIAL_RANGE', `date serial ${candidate} does not fit in 32 bits`);
      return serialCompare(candidate, base) > 0 ? candidate : serialAdd(base, 1);
    }
    default:
      throw new SignetError('ERR_SERIAL_SCHEME', `unknown serial scheme "${String(input.scheme)}"`);
  }
}
