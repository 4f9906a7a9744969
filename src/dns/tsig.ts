/**
 * TSIG (RFC 8945): HMAC transaction signatures on a request and a check of
 * the signed response.
 *
 * The MAC covers (RFC 8945 §4.3.3): for a response, the request's MAC
 * (length-prefixed); the message as it was before the TSIG record was added
 * (original ID, ARCOUNT without the TSIG); then the "TSIG variables": key
 * name and algorithm name in canonical wire form, class ANY, TTL 0, time
 * signed (48 bits), fudge, error, other length and other data.
 *
 * The secret lives in a private field: a TsigKey prints, logs and serializes
 * without it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { fromBase64 } from '../core/bytes.ts';
import { SignetError } from '../core/errors.ts';
import type { UnixSeconds } from '../core/time.ts';
import { Name } from '../zone/name.ts';
import { RRType } from '../zone/types.ts';
import { ByteReader, ByteWriter } from '../zone/wire.ts';
import { CLASS_ANY, TsigError, type DecodedMessage } from './message.ts';

/** RFC 8945 §6 algorithm names and their node:crypto hash. hmac-md5 is not offered (RFC 8945 §6: optional, weak). */
const ALGORITHMS: ReadonlyMap<string, string> = new Map([
  ['hmac-sha1.', 'sha1'],
  ['hmac-sha224.', 'sha224'],
  ['hmac-sha256.', 'sha256'],
  ['hmac-sha384.', 'sha384'],
  ['hmac-sha512.', 'sha512'],
]);

/** RFC 8945 §10 recommends 300 seconds. */
export const DEFAULT_FUDGE = 300;

export class TsigKey {
  readonly name: Name;
  readonly algorithm: Name;
  private readonly hash: string;
  readonly #secret: Uint8Array;

  constructor(name: Name, algorithm: Name, secret: Uint8Array) {
    const hash = ALGORITHMS.get(algorithm.toLowerCase().toString());
    if (!hash) throw new SignetError('ERR_TSIG_ALGORITHM_UNSUPPORTED', `TSIG algorithm ${algorithm.toString()} is not supported (use hmac-sha256)`);
    if (secret.length === 0) throw new SignetError('ERR_TSIG_KEY_BAD', 'TSIG secret is empty');
    this.name = name;
    this.algorithm = algorithm.toLowerCase();
    this.hash = hash;
    this.#secret = secret;
  }

  /** HMAC of `parts` under the secret. */
  mac(parts: readonly Uint8Array[]): Uint8Array {
    const h = createHmac(this.hash, this.#secret);
    for (const p of parts) h.update(p);
    return new Uint8Array(h.digest());
  }

  toString(): string {
    return `TSIG key ${this.name.toString()} (${this.algorithm.toString()})`;
  }

  toJSON(): { name: string; algorithm: string } {
    return { name: this.name.toString(), algorithm: this.algorithm.toString() };
  }
}

/**
 * Parses the `tsig` zone setting `NAME:ALGORITHM:BASE64SECRET`, for example
 * `update-key:hmac-sha256:c2VjcmV0…` (the name and algorithm may omit the
 * trailing dot). ERR_TSIG_KEY_BAD; the message never repeats the secret.
 */
export function parseTsigKey(text: string): TsigKey {
  const last = text.lastIndexOf(':');
  const first = text.indexOf(':');
  if (first < 0 || last === first) throw new SignetError('ERR_TSIG_KEY_BAD', 'tsig must be NAME:ALGORITHM:BASE64SECRET');
  const nameText = text.slice(0, first).trim();
  const algText = text.slice(first + 1, last).trim();
  const secret = fromBase64(text.slice(last + 1).trim());
  if (secret === null || secret.length === 0) throw new SignetError('ERR_TSIG_KEY_BAD', 'tsig: the secret is not valid base64');
  const absolute = (t: string): Name => {
    try {
      return Name.parse(t.endsWith('.') ? t : `${t}.`);
    } catch (e) {
      throw new SignetError('ERR_TSIG_KEY_BAD', `tsig: "${t}" is not a valid name`, { cause: e });
    }
  };
  if (nameText === '' || algText === '') throw new SignetError('ERR_TSIG_KEY_BAD', 'tsig must be NAME:ALGORITHM:BASE64SECRET');
  return new TsigKey(absolute(nameText), absolute(algText), secret);
}

interface TsigFields {
  readonly algorithm: Name;
  readonly timeSigned: UnixSeconds;
  readonly fudge: number;
  readonly mac: Uint8Array;
  readonly originalId: number;
  readonly error: number;
  readonly other: Uint8Array;
}

function writeU48(w: ByteWriter, v: number): void {
  w.u16(Math.floor(v / 0x100000000) & 0xffff).u32(v >>> 0);
}

/** The TSIG variables of RFC 8945 §4.3.3.1 (the record without MAC, ID). */
function tsigVariables(key: TsigKey, timeSigned: UnixSeconds, fudge: number, error: number, other: Uint8Array): Uint8Array {
  const w = new ByteWriter(64 + other.length);
  w.bytes(key.name.canonical).u16(CLASS_ANY).u32(0).bytes(key.algorithm.canonical);
  writeU48(w, timeSigned);
  w.u16(fudge).u16(error).u16(other.length).bytes(other);
  return w.finish();
}

/** The request MAC as it prefixes the response's MAC input (RFC 8945 §4.3.3: "Request MAC"). */
function lengthPrefixed(mac: Uint8Array): Uint8Array {
  return new ByteWriter(2 + mac.length).u16(mac.length).bytes(mac).finish();
}

/**
 * Appends a TSIG record to an encoded message (which must not have one) and
 * returns the signed message and its MAC (needed to check the response).
 * `timeSigned` must come from the real clock: servers refuse a time more
 * than `fudge` seconds away from theirs (BADTIME), whatever `--now` says.
 */
export function signMessage(message: Uint8Array, key: TsigKey, timeSigned: UnixSeconds, fudge = DEFAULT_FUDGE): { wire: Uint8Array; mac: Uint8Array } {
  if (message.length < 12) throw new SignetError('ERR_DNS_MSG_TRUNCATED', 'message shorter than a DNS header');
  const originalId = (message[0]! << 8) | message[1]!;
  const mac = key.mac([message, tsigVariables(key, timeSigned, fudge, 0, new Uint8Array(0))]);
  const rdata = new ByteWriter(64 + mac.length);
  rdata.bytes(key.algorithm.canonical);
  writeU48(rdata, timeSigned);
  rdata.u16(fudge).u16(mac.length).bytes(mac).u16(originalId).u16(0).u16(0);
  const r = rdata.finish();
  const w = new ByteWriter(message.length + key.name.wire.length + 10 + r.length);
  w.bytes(message);
  // RFC 8945 §4.2: NAME = key name, TYPE TSIG, CLASS ANY, TTL 0.
  w.bytes(key.name.canonical).u16(RRType.TSIG).u16(CLASS_ANY).u32(0).u16(r.length).bytes(r);
  const wire = w.finish();
  const arcount = ((wire[10]! << 8) | wire[11]!) + 1;
  wire[10] = arcount >> 8;
  wire[11] = arcount & 0xff;
  return { wire, mac };
}

function parseTsigRdata(rdata: Uint8Array): TsigFields {
  try {
    const { name: algorithm, end } = Name.fromWire(rdata, 0);
    const r = new ByteReader(rdata, end);
    const timeSigned = r.u16() * 0x100000000 + r.u32();
    const fudge = r.u16();
    const mac = r.bytes(r.u16()).slice();
    const originalId = r.u16();
    const error = r.u16();
    const other = r.bytes(r.u16()).slice();
    if (r.remaining !== 0) throw new SignetError('ERR_TSIG_MALFORMED', 'TSIG RDATA longer than its fields');
    return { algorithm, timeSigned, fudge, mac, originalId, error, other };
  } catch (e) {
    if (e instanceof SignetError && e.code === 'ERR_TSIG_MALFORMED') throw e;
    throw new SignetError('ERR_TSIG_MALFORMED', 'malformed TSIG record in the response', { cause: e });
  }
}

const TSIG_ERROR_NAMES = new Map<number, string>(Object.entries(TsigError).map(([k, v]) => [v, k]));

/**
 * Checks the TSIG of a response to a request signed with `key` whose MAC was
 * `requestMac` (RFC 8945 §5.3.2, §5.4). `raw` is the response as received,
 * `decoded` its decoding. Throws:
 * ERR_TSIG_RESPONSE_UNSIGNED, ERR_TSIG_MALFORMED, ERR_TSIG_WRONG_KEY,
 * ERR_TSIG_REJECTED (the server's TSIG error: BADSIG, BADKEY, BADTIME…),
 * ERR_TSIG_BAD_MAC, ERR_TSIG_BAD_TIME.
 */
export function verifyResponse(raw: Uint8Array, decoded: DecodedMessage, key: TsigKey, requestMac: Uint8Array, now: UnixSeconds): void {
  const t = decoded.tsig;
  if (t === null) throw new SignetError('ERR_TSIG_RESPONSE_UNSIGNED', 'the response carries no TSIG record');
  const f = parseTsigRdata(t.record.rdata);
  if (!t.record.owner.equals(key.name) || !f.algorithm.equals(key.algorithm)) {
    throw new SignetError('ERR_TSIG_WRONG_KEY', `the response is signed with key ${t.record.owner.toString()} (${f.algorithm.toString()}), not ours`);
  }
  if (f.error !== 0) {
    // RFC 8945 §5.3.2: the server could not check our request; its reply is unsigned or signed without our MAC.
    throw new SignetError('ERR_TSIG_REJECTED', `the server rejected our TSIG: ${TSIG_ERROR_NAMES.get(f.error) ?? `error ${f.error}`}`);
  }
  // RFC 8945 §4.3.3 / §5.3.1: the message without the TSIG record, ARCOUNT decremented, original ID restored.
  const body = raw.slice(0, t.offset);
  body[0] = f.originalId >> 8;
  body[1] = f.originalId & 0xff;
  const arcount = ((body[10]! << 8) | body[11]!) - 1;
  body[10] = arcount >> 8;
  body[11] = arcount & 0xff;
  const variables = new ByteWriter(64 + f.other.length);
  variables.bytes(key.name.canonical).u16(CLASS_ANY).u32(0).bytes(key.algorithm.canonical);
  writeU48(variables, f.timeSigned);
  variables.u16(f.fudge).u16(f.error).u16(f.other.length).bytes(f.other);
  const expected = key.mac([lengthPrefixed(requestMac), body, variables.finish()]);
  // RFC 8945 §5.2.2.1 allows truncated MACs; signet sends full ones and accepts only full ones back.
  if (f.mac.length !== expected.length || !timingSafeEqual(f.mac, expected)) {
    throw new SignetError('ERR_TSIG_BAD_MAC', 'the response TSIG MAC does not verify');
  }
  // RFC 8945 §5.4.3: the response's time must be within its fudge of ours.
  if (Math.abs(f.timeSigned - now) > f.fudge) {
    throw new SignetError('ERR_TSIG_BAD_TIME', `the response was signed at ${f.timeSigned}, more than ${f.fudge} s from our clock (${now})`);
  }
}
