/**
 * DNSSEC algorithms on node:crypto: key generation, the DNSKEY public key
 * field in both directions, and SigningKey objects.
 *
 * Signing algorithms: 8 RSASHA256 (RFC 5702), 13 ECDSAP256SHA256 and 14
 * ECDSAP384SHA384 (RFC 6605), 15 Ed25519 and 16 Ed448 (RFC 8080).
 * Verification additionally knows 5 RSASHA1, 7 RSASHA1-NSEC3-SHA1 (RFC 3110,
 * RFC 5155 §2) and 10 RSASHA512 (RFC 5702) so that old zones and the RFC 5155
 * example can be checked; see `verify-signature.ts`.
 * Algorithm 1 (RSAMD5) is rejected everywhere (RFC 6725, RFC 8624 §3.1).
 */
import { createPublicKey, generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { SignetError } from '../core/errors.ts';
import { encodeDnskey } from '../zone/dnssec-rdata.ts';
import { computeKeyTag } from './keytag.ts';
import type { SigningKey } from './signing-key.ts';

/** Algorithm numbers signet signs with (IANA "DNS Security Algorithm Numbers"). */
export const Algorithm = {
  RSASHA1: 5,
  RSASHA1_NSEC3_SHA1: 7,
  RSASHA256: 8,
  RSASHA512: 10,
  ECDSAP256SHA256: 13,
  ECDSAP384SHA384: 14,
  ED25519: 15,
  ED448: 16,
} as const;

/** How one algorithm maps onto node:crypto. */
export interface AlgorithmInfo {
  readonly number: number;
  /** Mnemonic as BIND prints it in `.private` files (`Algorithm: 13 (ECDSAP256SHA256)`). */
  readonly mnemonic: string;
  readonly family: 'rsa' | 'ecdsa' | 'eddsa';
  /** Digest name for `crypto.sign`/`crypto.verify`; null for EdDSA, which signs the message itself (RFC 8080 §4). */
  readonly hash: 'sha1' | 'sha256' | 'sha384' | 'sha512' | null;
  /** node curve name for ECDSA and EdDSA (JWK `crv`), null for RSA. */
  readonly curve: 'P-256' | 'P-384' | 'Ed25519' | 'Ed448' | null;
  /** Length of the DNSKEY public key field for ECDSA/EdDSA; null for RSA (variable). */
  readonly publicKeyLength: number | null;
  /** True when signet may create signatures with it. */
  readonly canSign: boolean;
}

const TABLE: ReadonlyMap<number, AlgorithmInfo> = new Map<number, AlgorithmInfo>([
  [5, { number: 5, mnemonic: 'RSASHA1', family: 'rsa', hash: 'sha1', curve: null, publicKeyLength: null, canSign: false }],
  [7, { number: 7, mnemonic: 'NSEC3RSASHA1', family: 'rsa', hash: 'sha1', curve: null, publicKeyLength: null, canSign: false }],
  [8, { number: 8, mnemonic: 'RSASHA256', family: 'rsa', hash: 'sha256', curve: null, publicKeyLength: null, canSign: true }],
  [10, { number: 10, mnemonic: 'RSASHA512', family: 'rsa', hash: 'sha512', curve: null, publicKeyLength: null, canSign: false }],
  // RFC 6605 §4: Q is X | Y, 64 octets for P-256 and 96 for P-384.
  [13, { number: 13, mnemonic: 'ECDSAP256SHA256', family: 'ecdsa', hash: 'sha256', curve: 'P-256', publicKeyLength: 64, canSign: true }],
  [14, { number: 14, mnemonic: 'ECDSAP384SHA384', family: 'ecdsa', hash: 'sha384', curve: 'P-384', publicKeyLength: 96, canSign: true }],
  // RFC 8080 §3: the public key is the 32 or 57 octet encoding of RFC 8032.
  [15, { number: 15, mnemonic: 'ED25519', family: 'eddsa', hash: null, curve: 'Ed25519', publicKeyLength: 32, canSign: true }],
  [16, { number: 16, mnemonic: 'ED448', family: 'eddsa', hash: null, curve: 'Ed448', publicKeyLength: 57, canSign: true }],
]);

/** The algorithms signet generates keys for and signs with, in policy order. */
export const SIGNING_ALGORITHMS: readonly number[] = [8, 13, 14, 15, 16];

/** RSA modulus size for new algorithm 8 keys (RFC 8624 §3.1 recommends at least 2048 bits). */
export const RSA_DEFAULT_BITS = 2048;

/**
 * Looks an algorithm up for verification. Throws ERR_ALGORITHM_RSAMD5 for 1
 * and ERR_ALGORITHM_UNSUPPORTED for anything not in the table.
 */
export function algorithmInfo(algorithm: number): AlgorithmInfo {
  // RFC 8624 §3.1: RSAMD5 MUST NOT be used for signing or validation; its
  // key tag is also computed differently (RFC 4034 Appendix B.1).
  if (algorithm === 1) throw new SignetError('ERR_ALGORITHM_RSAMD5', 'algorithm 1 (RSAMD5) is not supported (RFC 8624)');
  const info = TABLE.get(algorithm);
  if (!info) throw new SignetError('ERR_ALGORITHM_UNSUPPORTED', `DNSSEC algorithm ${algorithm} is not supported`);
  return info;
}

/** Like `algorithmInfo`, but also refuses algorithms signet only verifies (5, 7, 10). */
export function signingAlgorithmInfo(algorithm: number): AlgorithmInfo {
  const info = algorithmInfo(algorithm);
  if (!info.canSign) {
    throw new SignetError('ERR_ALGORITHM_UNSUPPORTED', `signet verifies but does not sign with algorithm ${algorithm} (${info.mnemonic})`);
  }
  return info;
}

/** True when `algorithm` can be verified by `verifySignature`. */
export function isVerifiableAlgorithm(algorithm: number): boolean {
  return TABLE.has(algorithm);
}

/** Generates a new private key for a signing algorithm (RSA: 2048 bits unless told, e = 65537). */
export function generateKeyPair(algorithm: number, options: { rsaBits?: number } = {}): KeyObject {
  const info = signingAlgorithmInfo(algorithm);
  switch (info.family) {
    case 'rsa': {
      const bits = options.rsaBits ?? RSA_DEFAULT_BITS;
      // RFC 5702 §2.1: 512..4096 bits for RSASHA256; we refuse anything weaker than 1024.
      if (!Number.isInteger(bits) || bits < 1024 || bits > 4096) {
        throw new SignetError('ERR_KEY_SIZE', `RSA key size ${bits} is outside 1024..4096 bits`);
      }
      return generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: 65537 }).privateKey;
    }
    case 'ecdsa':
      return generateKeyPairSync('ec', { namedCurve: info.curve! }).privateKey;
    case 'eddsa':
      return info.curve === 'Ed25519' ? generateKeyPairSync('ed25519').privateKey : generateKeyPairSync('ed448').privateKey;
  }
}

function b64u(text: string | undefined, what: string): Uint8Array {
  if (typeof text !== 'string') throw new SignetError('ERR_KEY_TYPE', `key has no ${what}`);
  return new Uint8Array(Buffer.from(text, 'base64url'));
}

function stripLeadingZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

/** Throws ERR_KEY_TYPE unless `key` (public or private) is of the kind `info` needs. */
export function checkKeyType(info: AlgorithmInfo, key: KeyObject): void {
  const type = key.asymmetricKeyType;
  let ok: boolean;
  switch (info.family) {
    case 'rsa':
      ok = type === 'rsa';
      break;
    case 'ecdsa': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      ok = type === 'ec' && (info.curve === 'P-256' ? curve === 'prime256v1' || curve === 'P-256' : curve === 'secp384r1' || curve === 'P-384');
      break;
    }
    case 'eddsa':
      ok = type === (info.curve === 'Ed25519' ? 'ed25519' : 'ed448');
      break;
  }
  if (!ok) throw new SignetError('ERR_KEY_TYPE', `a ${type ?? 'symmetric'} key cannot be used with algorithm ${info.number} (${info.mnemonic})`);
}

/**
 * The DNSKEY Public Key field for a public (or private) key:
 * RSA per RFC 3110 §2, ECDSA as X | Y (RFC 6605 §4), EdDSA raw (RFC 8080 §3).
 */
export function publicKeyBytes(algorithm: number, key: KeyObject): Uint8Array {
  const info = algorithmInfo(algorithm);
  checkKeyType(info, key);
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const jwk = pub.export({ format: 'jwk' });
  switch (info.family) {
    case 'rsa': {
      // RFC 3110 §2: exponent length in one octet, or a zero octet and two
      // octets when longer than 255; then exponent, then modulus, both
      // without leading zero octets.
      const e = stripLeadingZeros(b64u(jwk.e, 'RSA exponent'));
      const n = stripLeadingZeros(b64u(jwk.n, 'RSA modulus'));
      const head = e.length <= 255 ? 1 : 3;
      const out = new Uint8Array(head + e.length + n.length);
      if (head === 1) out[0] = e.length;
      else {
        out[1] = e.length >> 8;
        out[2] = e.length & 0xff;
      }
      out.set(e, head);
      out.set(n, head + e.length);
      return out;
    }
    case 'ecdsa': {
      // JWK coordinates are full field length already (RFC 7518 §6.2.1.2).
      const x = b64u(jwk.x, 'EC x');
      const y = b64u(jwk.y, 'EC y');
      const out = new Uint8Array(x.length + y.length);
      out.set(x, 0);
      out.set(y, x.length);
      return out;
    }
    case 'eddsa':
      return b64u(jwk.x, 'EdDSA public key');
  }
}

function malformed(algorithm: number, why: string, cause?: unknown): SignetError {
  return new SignetError('ERR_DNSKEY_MALFORMED', `bad algorithm ${algorithm} public key: ${why}`, { cause });
}

/** Reads an RFC 3110 public key field into its exponent and modulus. */
export function splitRsaPublicKey(bytes: Uint8Array): { exponent: Uint8Array; modulus: Uint8Array } {
  if (bytes.length < 3) throw malformed(8, 'RSA key too short');
  let off = 1;
  let elen = bytes[0]!;
  if (elen === 0) {
    elen = (bytes[1]! << 8) | bytes[2]!;
    off = 3;
  }
  if (elen === 0 || off + elen >= bytes.length) throw malformed(8, 'RSA exponent length runs past the key');
  return { exponent: bytes.subarray(off, off + elen), modulus: bytes.subarray(off + elen) };
}

/** Builds a public KeyObject from a DNSKEY Public Key field; ERR_DNSKEY_MALFORMED when it is not a valid key. */
export function publicKeyFromDnskey(algorithm: number, bytes: Uint8Array): KeyObject {
  const info = algorithmInfo(algorithm);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    switch (info.family) {
      case 'rsa': {
        const { exponent, modulus } = splitRsaPublicKey(bytes);
        const n = stripLeadingZeros(modulus);
        return createPublicKey({
          format: 'jwk',
          key: { kty: 'RSA', n: Buffer.from(n).toString('base64url'), e: Buffer.from(stripLeadingZeros(exponent)).toString('base64url') },
        });
      }
      case 'ecdsa': {
        if (bytes.length !== info.publicKeyLength) throw malformed(algorithm, `${bytes.length} octets, expected ${info.publicKeyLength}`);
        const half = info.publicKeyLength / 2;
        return createPublicKey({
          format: 'jwk',
          key: { kty: 'EC', crv: info.curve!, x: buf.subarray(0, half).toString('base64url'), y: buf.subarray(half).toString('base64url') },
        });
      }
      case 'eddsa': {
        if (bytes.length !== info.publicKeyLength) throw malformed(algorithm, `${bytes.length} octets, expected ${info.publicKeyLength}`);
        return createPublicKey({ format: 'jwk', key: { kty: 'OKP', crv: info.curve!, x: buf.toString('base64url') } });
      }
    }
  } catch (e) {
    if (e instanceof SignetError) throw e;
    throw malformed(algorithm, 'not a point on the curve or not a valid key', e);
  }
}

/**
 * Signs with a private key as the algorithm requires, giving DNSSEC's
 * signature field. The Buffer node returns is a Uint8Array already; it is
 * returned as is, without a copy (this runs once per RRset).
 */
function makeSigner(info: AlgorithmInfo, privateKey: KeyObject): (data: Uint8Array) => Uint8Array {
  switch (info.family) {
    // RFC 5702 §3: RSASSA-PKCS1-v1_5 with SHA-256 (node's default RSA padding).
    case 'rsa':
      return (data) => nodeSign(info.hash, data, privateKey);
    // RFC 6605 §4: the signature is r | s, each the field length: IEEE P1363, not DER.
    case 'ecdsa': {
      const keyInput = { key: privateKey, dsaEncoding: 'ieee-p1363' as const };
      return (data) => nodeSign(info.hash, data, keyInput);
    }
    // RFC 8080 §4 and RFC 8032: EdDSA signs the data itself, no pre-hash.
    case 'eddsa':
      return (data) => nodeSign(null, data, privateKey);
  }
}

/**
 * Wraps a private key as a SigningKey. The DNSKEY RDATA and key tag are
 * computed once here. `flags` is the DNSKEY flags field (256 ZSK, 257 KSK/CSK).
 */
export function createSigningKey(privateKey: KeyObject, algorithm: number, flags: number): SigningKey {
  const info = signingAlgorithmInfo(algorithm);
  if (privateKey.type !== 'private') throw new SignetError('ERR_KEY_TYPE', 'a signing key needs a private key');
  checkKeyType(info, privateKey);
  if (!Number.isInteger(flags) || flags < 0 || flags > 0xffff) throw new SignetError('ERR_DNSKEY_FLAGS', `bad DNSKEY flags ${flags}`);
  // RFC 4034 §2.1.2: the Protocol field MUST be 3.
  const dnskeyRdata = encodeDnskey({ flags, protocol: 3, algorithm, publicKey: publicKeyBytes(algorithm, privateKey) });
  const keyTag = computeKeyTag(dnskeyRdata);
  const sign = makeSigner(info, privateKey);
  return Object.freeze({ algorithm, flags, keyTag, dnskeyRdata, sign });
}
