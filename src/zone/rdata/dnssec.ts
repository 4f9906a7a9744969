/**
 * DNSSEC RDATA presentation: DNSKEY/CDNSKEY (RFC 4034 §2.2, RFC 7344 §3.2),
 * DS/CDS (RFC 4034 §5.3, RFC 7344 §3.1), RRSIG (RFC 4034 §3.2), NSEC
 * (RFC 4034 §4.2), NSEC3 and NSEC3PARAM (RFC 5155 §3.3, §4.3). The wire
 * layout comes from src/zone/dnssec-rdata.ts; this file only does text.
 */
import { fromBase32Hex, fromHex, toBase32Hex, toBase64, toHex } from '../../core/bytes.ts';
import { formatRrsigTime, parseRrsigTime } from '../../core/time.ts';
import {
  decodeDnskey, decodeDs, decodeNsec, decodeNsec3, decodeNsec3Param, decodeRrsig,
  encodeDnskey, encodeDs, encodeNsec, encodeNsec3, encodeNsec3Param, encodeRrsig,
} from '../dnssec-rdata.ts';
import { typeFromString, typeToString } from '../types.ts';
import type { ByteReader } from '../wire.ts';
import type { RdataCodec } from './codec.ts';
import { malformed } from './codec.ts';
import { algorithmField, hexUpper } from './fields.ts';
import type { RdataCursor } from './cursor.ts';

/** The whole remaining RDATA, for decoders that take a complete buffer. */
function all(r: ByteReader): Uint8Array {
  return r.rest();
}

export const DNSKEY: RdataCodec = {
  parse(c, w) {
    const flags = c.u16('flags');
    const protocol = c.u8('protocol');
    const alg = algorithmField(c);
    // An empty key is allowed: the CDNSKEY delete form still carries one octet, others may not.
    w.bytes(encodeDnskey({ flags, protocol, algorithm: alg, publicKey: c.base64Rest('public key', true) }));
  },
  format(r) {
    const k = decodeDnskey(all(r));
    return `${k.flags} ${k.protocol} ${k.algorithm} ${toBase64(k.publicKey)}`.trimEnd();
  },
};

export const DS: RdataCodec = {
  parse(c, w) {
    const keyTag = c.u16('key tag');
    const alg = algorithmField(c);
    const digestType = c.u8('digest type');
    w.bytes(encodeDs({ keyTag, algorithm: alg, digestType, digest: c.hexRest('digest') }));
  },
  format(r) {
    const d = decodeDs(all(r));
    if (d.digest.length === 0) throw malformed('DS (empty digest)');
    return `${d.keyTag} ${d.algorithm} ${d.digestType} ${hexUpper(d.digest)}`;
  },
};

/** RFC 4034 §3.2: YYYYMMDDHHmmSS, or plain seconds since the epoch. */
function signatureTime(c: RdataCursor, what: string): number {
  const t = c.next(what);
  if (/^\d{14}$/.test(t.text)) return parseRrsigTime(t.text);
  if (/^\d{1,10}$/.test(t.text) && Number(t.text) <= 0xffffffff) return Number(t.text);
  throw c.error(t, `bad ${what} "${t.text}": use YYYYMMDDHHmmSS`);
}

function typeNumber(c: RdataCursor, what: string): number {
  const t = c.next(what);
  const v = typeFromString(t.text);
  if (v === null) throw c.error(t, `unknown type "${t.text}" in ${what}`, 'ERR_ZONE_UNKNOWN_TYPE');
  return v;
}

function typeList(c: RdataCursor): number[] {
  const types: number[] = [];
  while (!c.atEnd) types.push(typeNumber(c, 'type bitmap'));
  return types;
}

function formatTypes(types: readonly number[]): string {
  return types.map(typeToString).join(' ');
}

export const RRSIG: RdataCodec = {
  parse(c, w) {
    const typeCovered = typeNumber(c, 'type covered');
    const alg = algorithmField(c);
    const labels = c.u8('labels');
    const originalTtl = c.interval('original TTL');
    const expiration = signatureTime(c, 'signature expiration');
    const inception = signatureTime(c, 'signature inception');
    const keyTag = c.u16('key tag');
    const signerName = c.name('signer name');
    const signature = c.base64Rest('signature');
    w.bytes(encodeRrsig({ typeCovered, algorithm: alg, labels, originalTtl, expiration, inception, keyTag, signerName, signature }));
  },
  format(r) {
    const s = decodeRrsig(all(r));
    if (s.signature.length === 0) throw malformed('RRSIG (empty signature)');
    return `${typeToString(s.typeCovered)} ${s.algorithm} ${s.labels} ${s.originalTtl} ${formatRrsigTime(s.expiration)} ${formatRrsigTime(s.inception)} ${s.keyTag} ${s.signerName.toString()} ${toBase64(s.signature)}`;
  },
};

export const NSEC: RdataCodec = {
  parse(c, w) {
    const nextName = c.name('next domain name');
    w.bytes(encodeNsec({ nextName, types: typeList(c) }));
  },
  format(r) {
    const n = decodeNsec(all(r));
    return `${n.nextName.toString()} ${formatTypes(n.types)}`.trimEnd();
  },
};

/** RFC 5155 §3.3: the salt is hex, or `-` when empty; at most 255 octets. */
function salt(c: RdataCursor): Uint8Array {
  const t = c.next('salt');
  if (t.text === '-') return new Uint8Array(0);
  const b = fromHex(t.text);
  if (!b || b.length === 0 || b.length > 255) throw c.error(t, `bad salt "${t.text}": hex of 1 to 255 octets, or -`);
  return b;
}

function formatSalt(b: Uint8Array): string {
  return b.length === 0 ? '-' : toHex(b).toUpperCase();
}

export const NSEC3: RdataCodec = {
  parse(c, w) {
    const hashAlgorithm = c.u8('hash algorithm');
    const flags = c.u8('flags');
    const iterations = c.u16('iterations');
    const s = salt(c);
    const t = c.next('next hashed owner name');
    // RFC 5155 §3.3: base32hex without padding; the wire field holds 1 to 255 octets.
    const nextHashed = fromBase32Hex(t.text);
    if (!nextHashed || nextHashed.length === 0 || nextHashed.length > 255) throw c.error(t, `bad next hashed owner name "${t.text}"`);
    w.bytes(encodeNsec3({ hashAlgorithm, flags, iterations, salt: s, nextHashed, types: typeList(c) }));
  },
  format(r) {
    const n = decodeNsec3(all(r));
    if (n.nextHashed.length === 0) throw malformed('NSEC3 (empty next hashed owner name)');
    return `${n.hashAlgorithm} ${n.flags} ${n.iterations} ${formatSalt(n.salt)} ${toBase32Hex(n.nextHashed)} ${formatTypes(n.types)}`.trimEnd();
  },
};

export const NSEC3PARAM: RdataCodec = {
  parse(c, w) {
    const hashAlgorithm = c.u8('hash algorithm');
    const flags = c.u8('flags');
    const iterations = c.u16('iterations');
    w.bytes(encodeNsec3Param({ hashAlgorithm, flags, iterations, salt: salt(c) }));
  },
  format(r) {
    const p = decodeNsec3Param(all(r));
    return `${p.hashAlgorithm} ${p.flags} ${p.iterations} ${formatSalt(p.salt)}`;
  },
};
