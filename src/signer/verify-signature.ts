/**
 * Signature verification against a DNSKEY public key field, for the
 * verifier, the signer's self-check and tests. Knows algorithms 5, 7, 8, 10
 * (RSA, RFC 3110 and RFC 5702), 13, 14 (ECDSA, RFC 6605) and 15, 16 (EdDSA,
 * RFC 8080). Public KeyObjects are cached per (algorithm, key bytes), since a
 * zone is verified with a handful of keys many thousands of times.
 */
import { verify as nodeVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { algorithmInfo, publicKeyFromDnskey } from './algorithms.ts';
import type { AlgorithmInfo } from './algorithms.ts';

interface CachedKey {
  readonly info: AlgorithmInfo;
  readonly key: KeyObject;
  /** What node:crypto's verify takes: the KeyObject, with dsaEncoding for ECDSA. */
  readonly input: KeyObject | { key: KeyObject; dsaEncoding: 'ieee-p1363' };
}

/** Bounded so a verifier fed hostile input cannot grow it without limit. */
const CACHE_LIMIT = 256;
const cache = new Map<string, CachedKey>();

function cachedKey(algorithm: number, publicKey: Uint8Array): CachedKey {
  const id = `${algorithm}/${Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('base64')}`;
  const hit = cache.get(id);
  if (hit) return hit;
  const info = algorithmInfo(algorithm);
  const key = publicKeyFromDnskey(algorithm, publicKey);
  // RFC 6605 §4: ECDSA signatures are r | s (IEEE P1363), not DER.
  const entry: CachedKey = { info, key, input: info.family === 'ecdsa' ? { key, dsaEncoding: 'ieee-p1363' } : key };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(id, entry);
  return entry;
}

/**
 * True when `signature` is a valid signature of `data` by the key whose
 * DNSKEY Public Key field is `publicKey`. A signature that is malformed (for
 * example of the wrong length) is simply not valid: false. Throws
 * ERR_ALGORITHM_RSAMD5 / ERR_ALGORITHM_UNSUPPORTED for algorithms it cannot
 * check and ERR_DNSKEY_MALFORMED when the public key is not a key, so that a
 * caller can tell "bad signature" from "cannot check" (RFC 4035 §5.2 treats
 * unsupported algorithms as insecure, not bogus).
 */
export function verifySignature(algorithm: number, publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  const k = cachedKey(algorithm, publicKey);
  // ECDSA r | s must be exactly twice the field length (RFC 6605 §4).
  if (k.info.family === 'ecdsa' && signature.length !== k.info.publicKeyLength) return false;
  try {
    // EdDSA verifies the message itself (hash null); RSA and ECDSA hash it first.
    return nodeVerify(k.info.hash, data, k.input, signature);
  } catch {
    // OpenSSL rejects some malformed signatures (e.g. an RSA signature longer than the modulus) by throwing.
    return false;
  }
}

/** Drops cached public keys (for tests and long-running processes that rotate many keys). */
export function clearVerifyKeyCache(): void {
  cache.clear();
}
