/**
 * Signature validity periods: inception, expiration and per-RRset jitter.
 *
 *   inception  = now − inceptionOffset   (covers resolvers with slow clocks)
 *   expiration = now + validity − j      with j an integer in [0, jitter]
 *
 * Jitter spreads expirations so that a zone's signatures do not all need
 * refreshing in the same second (RFC 6781 §4.4.2.2 calls this out for large
 * zones). Its randomness is injected and deterministic: given the same
 * inputs, signing gives the same times, so tests and an incremental
 * re-signer reproduce a full signing exactly.
 */
import { SignetError } from '../core/errors.ts';
import type { UnixSeconds } from '../core/time.ts';
import type { Name } from '../zone/name.ts';

/**
 * Returns a fraction in [0, 1) for the RRset of `type` at `owner`. Called
 * once per signed RRset, in canonical order.
 */
export type JitterSource = (owner: Name, type: number) => number;

export interface ValidityOptions {
  /** Seconds from `now` to the latest expiration. */
  readonly validity: number;
  /** Seconds the inception is set back from `now`. */
  readonly inceptionOffset: number;
  /** Largest number of seconds taken off an expiration. */
  readonly jitter: number;
}

function isSeconds(n: number): boolean {
  return Number.isInteger(n) && n >= 0;
}

/**
 * Throws ERR_SIGN_BAD_VALIDITY for unusable settings: negative or fractional
 * values, a jitter not smaller than the validity, or a span from inception
 * to expiration of 2^31 seconds or more, which RFC 4034 §3.1.5 serial
 * arithmetic cannot order.
 */
export function checkValidityOptions(v: ValidityOptions): void {
  if (!isSeconds(v.validity) || v.validity === 0) throw new SignetError('ERR_SIGN_BAD_VALIDITY', `signature validity ${v.validity} must be a positive number of seconds`);
  if (!isSeconds(v.inceptionOffset)) throw new SignetError('ERR_SIGN_BAD_VALIDITY', `inception offset ${v.inceptionOffset} must be zero or more seconds`);
  if (!isSeconds(v.jitter) || v.jitter >= v.validity) {
    throw new SignetError('ERR_SIGN_BAD_VALIDITY', `signature jitter ${v.jitter} must be zero or more seconds and less than the validity ${v.validity}`);
  }
  if (v.validity + v.inceptionOffset >= 2 ** 31) {
    throw new SignetError('ERR_SIGN_BAD_VALIDITY', 'signature validity plus inception offset must be under 2^31 seconds (RFC 4034 §3.1.5)');
  }
}

export function signatureInception(now: UnixSeconds, v: ValidityOptions): UnixSeconds {
  return now - v.inceptionOffset;
}

/** The expiration for one RRset; `fraction` in [0, 1) picks the jitter uniformly in [0, jitter]. */
export function signatureExpiration(now: UnixSeconds, v: ValidityOptions, fraction: number): UnixSeconds {
  if (!(fraction >= 0 && fraction < 1)) throw new SignetError('ERR_SIGN_BAD_RANDOM', `jitter source returned ${fraction}, not a number in [0, 1)`);
  const j = Math.min(v.jitter, Math.floor(fraction * (v.jitter + 1)));
  return now + v.validity - j;
}

/** 32-bit FNV-1a step over one octet. */
function fnv(h: number, octet: number): number {
  return Math.imul(h ^ octet, 0x01000193) >>> 0;
}

/** MurmurHash3's 32-bit finalizer: spreads every input bit over the output. */
function fmix32(x: number): number {
  let h = x;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function seedState(seed: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    const c = seed.charCodeAt(i);
    h = fnv(fnv(h, c & 0xff), c >>> 8);
  }
  return h;
}

/**
 * Jitter that depends only on (seed, owner, type): each RRset's draw is
 * independent of every other RRset, so adding or removing one RRset leaves
 * the others' expirations unchanged. This is the one to use for signing;
 * seed it with something stable such as the zone name and `now`.
 * Not cryptographic, and need not be: it only spreads expirations.
 */
export function hashedJitter(seed: string): JitterSource {
  const wire = hashedJitterWire(seed);
  return (owner, type) => wire(owner.canonical, type);
}

/**
 * The same draws as `hashedJitter(seed)`, from the owner's canonical wire
 * form at `wire[start..end)`: for signers that hold names as bytes.
 */
export function hashedJitterWire(seed: string): (wire: Uint8Array, type: number, start?: number, end?: number) => number {
  const base = seedState(seed);
  return (wire, type, start = 0, end = wire.length) => {
    let h = base;
    for (let i = start; i < end; i++) h = fnv(h, wire[i]!);
    h = fnv(fnv(h, type >>> 8), type & 0xff);
    return fmix32(h) / 2 ** 32;
  };
}

/**
 * A seeded sequence (sfc32, seeded through a hash of `seed`) that ignores
 * owner and type: each call gives the next number. Deterministic for a given
 * seed and call order.
 */
export function seededSequence(seed: string): JitterSource {
  let a = fmix32(seedState(seed));
  let b = fmix32(a ^ 0x9e3779b9);
  let c = fmix32(b ^ 0x9e3779b9);
  let d = 1;
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) next();
  return () => next() / 2 ** 32;
}
