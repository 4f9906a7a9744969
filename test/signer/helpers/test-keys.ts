/**
 * Test signing keys: deterministic Ed25519 keys from a seed octet, and fresh
 * P-256 keys, wrapped by the project's createSigningKey.
 */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { createSigningKey } from '../../../src/signer/algorithms.ts';
import type { SigningKey } from '../../../src/signer/signing-key.ts';

export const ZSK_FLAGS = 256;
export const KSK_FLAGS = 257;

// PKCS#8 prefix of an Ed25519 private key (RFC 8410 §7): the 32-octet seed follows.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** A deterministic Ed25519 (algorithm 15) key: the seed is 32 copies of `seedOctet`. */
export function ed25519Key(seedOctet: number, flags: number): SigningKey {
  const der = Buffer.concat([ED25519_PKCS8_PREFIX, Buffer.alloc(32, seedOctet)]);
  return createSigningKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }), 15, flags);
}

/** A fresh ECDSA P-256 (algorithm 13) key. */
export function p256Key(flags: number): SigningKey {
  return createSigningKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, 13, flags);
}
