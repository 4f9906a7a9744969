/**
 * Structured RDATA of the DNSSEC types (RFC 4034 §2, §3, §4, §5; RFC 5155
 * §3, §4; RFC 7344 for CDS/CDNSKEY, which share DS/DNSKEY RDATA) and the
 * type bitmap (RFC 4034 §4.1.2). Encoders produce uncompressed wire RDATA;
 * decoders read it. Presentation lives in the rdata codecs.
 */
import { SignetError } from '../core/errors.ts';
import { Name } from './name.ts';
import { ByteReader, ByteWriter } from './wire.ts';

export interface DnskeyData {
  flags: number;
  protocol: number;
  algorithm: number;
  publicKey: Uint8Array;
}

export interface DsData {
  keyTag: number;
  algorithm: number;
  digestType: number;
  digest: Uint8Array;
}

export interface RrsigData {
  typeCovered: number;
  algorithm: number;
  labels: number;
  originalTtl: number;
  expiration: number;
  inception: number;
  keyTag: number;
  signerName: Name;
  signature: Uint8Array;
}

export interface NsecData {
  nextName: Name;
  types: readonly number[];
}

export interface Nsec3Data {
  hashAlgorithm: number;
  flags: number;
  iterations: number;
  salt: Uint8Array;
  nextHashed: Uint8Array;
  types: readonly number[];
}

export interface Nsec3ParamData {
  hashAlgorithm: number;
  flags: number;
  iterations: number;
  salt: Uint8Array;
}

/** DNSKEY flag bits (RFC 4034 §2.1.1, RFC 5011 §7). */
export const DNSKEY_FLAG_ZONE = 0x0100;
export const DNSKEY_FLAG_SEP = 0x0001;
export const DNSKEY_FLAG_REVOKE = 0x0080;

export function encodeDnskey(k: DnskeyData): Uint8Array {
  return new ByteWriter(4 + k.publicKey.length).u16(k.flags).u8(k.protocol).u8(k.algorithm).bytes(k.publicKey).finish();
}

export function decodeDnskey(rdata: Uint8Array): DnskeyData {
  const r = new ByteReader(rdata);
  return { flags: r.u16(), protocol: r.u8(), algorithm: r.u8(), publicKey: r.rest().slice() };
}

export function encodeDs(d: DsData): Uint8Array {
  return new ByteWriter(4 + d.digest.length).u16(d.keyTag).u8(d.algorithm).u8(d.digestType).bytes(d.digest).finish();
}

export function decodeDs(rdata: Uint8Array): DsData {
  const r = new ByteReader(rdata);
  return { keyTag: r.u16(), algorithm: r.u8(), digestType: r.u8(), digest: r.rest().slice() };
}

/** RRSIG RDATA without the signature field: the prefix of the data to sign (RFC 4034 §3.1.8.1). */
export function encodeRrsigHeader(s: Omit<RrsigData, 'signature'>): Uint8Array {
  return new ByteWriter(18 + 64)
    .u16(s.typeCovered).u8(s.algorithm).u8(s.labels).u32(s.originalTtl)
    .u32(s.expiration).u32(s.inception).u16(s.keyTag)
    .bytes(s.signerName.canonical)
    .finish();
}

export function encodeRrsig(s: RrsigData): Uint8Array {
  const w = new ByteWriter(18 + 64 + s.signature.length);
  w.u16(s.typeCovered).u8(s.algorithm).u8(s.labels).u32(s.originalTtl)
    .u32(s.expiration).u32(s.inception).u16(s.keyTag)
    .bytes(s.signerName.canonical).bytes(s.signature);
  return w.finish();
}

export function decodeRrsig(rdata: Uint8Array): RrsigData {
  const r = new ByteReader(rdata);
  const typeCovered = r.u16();
  const algorithm = r.u8();
  const labels = r.u8();
  const originalTtl = r.u32();
  const expiration = r.u32();
  const inception = r.u32();
  const keyTag = r.u16();
  const { name, end } = Name.fromWire(rdata, r.offset);
  r.offset = end;
  return { typeCovered, algorithm, labels, originalTtl, expiration, inception, keyTag, signerName: name, signature: r.rest().slice() };
}

/** Type bitmap in windows (RFC 4034 §4.1.2); `types` need not be sorted or unique. */
export function encodeTypeBitmap(types: readonly number[]): Uint8Array {
  const sorted = [...new Set(types)].sort((a, b) => a - b);
  const w = new ByteWriter(32);
  let i = 0;
  while (i < sorted.length) {
    const window = sorted[i]! >> 8;
    const bits = new Uint8Array(32);
    let maxByte = 0;
    while (i < sorted.length && sorted[i]! >> 8 === window) {
      const low = sorted[i]! & 0xff;
      bits[low >> 3]! |= 0x80 >> (low & 7);
      maxByte = low >> 3;
      i++;
    }
    w.u8(window).u8(maxByte + 1).bytes(bits.subarray(0, maxByte + 1));
  }
  return w.finish();
}

export function decodeTypeBitmap(data: Uint8Array): number[] {
  const types: number[] = [];
  const r = new ByteReader(data);
  let lastWindow = -1;
  while (r.remaining > 0) {
    const window = r.u8();
    const len = r.u8();
    if (window <= lastWindow || len < 1 || len > 32) throw new SignetError('ERR_WIRE_BAD_BITMAP', 'malformed type bitmap');
    lastWindow = window;
    const bits = r.bytes(len);
    for (let b = 0; b < len; b++) {
      for (let bit = 0; bit < 8; bit++) {
        if (bits[b]! & (0x80 >> bit)) types.push(window * 256 + b * 8 + bit);
      }
    }
  }
  return types;
}

export function encodeNsec(n: NsecData): Uint8Array {
  return new ByteWriter(64).bytes(n.nextName.wire).bytes(encodeTypeBitmap(n.types)).finish();
}

export function decodeNsec(rdata: Uint8Array): NsecData {
  const { name, end } = Name.fromWire(rdata, 0);
  return { nextName: name, types: decodeTypeBitmap(rdata.subarray(end)) };
}

export function encodeNsec3(n: Nsec3Data): Uint8Array {
  return new ByteWriter(64)
    .u8(n.hashAlgorithm).u8(n.flags).u16(n.iterations)
    .u8(n.salt.length).bytes(n.salt)
    .u8(n.nextHashed.length).bytes(n.nextHashed)
    .bytes(encodeTypeBitmap(n.types))
    .finish();
}

export function decodeNsec3(rdata: Uint8Array): Nsec3Data {
  const r = new ByteReader(rdata);
  const hashAlgorithm = r.u8();
  const flags = r.u8();
  const iterations = r.u16();
  const salt = r.bytes(r.u8()).slice();
  const nextHashed = r.bytes(r.u8()).slice();
  return { hashAlgorithm, flags, iterations, salt, nextHashed, types: decodeTypeBitmap(r.rest()) };
}

export function encodeNsec3Param(p: Nsec3ParamData): Uint8Array {
  return new ByteWriter(8).u8(p.hashAlgorithm).u8(p.flags).u16(p.iterations).u8(p.salt.length).bytes(p.salt).finish();
}

export function decodeNsec3Param(rdata: Uint8Array): Nsec3ParamData {
  const r = new ByteReader(rdata);
  const hashAlgorithm = r.u8();
  const flags = r.u8();
  const iterations = r.u16();
  const salt = r.bytes(r.u8()).slice();
  if (r.remaining !== 0) throw new SignetError('ERR_WIRE_TRAILING', 'NSEC3PARAM RDATA has trailing bytes');
  return { hashAlgorithm, flags, iterations, salt };
}
