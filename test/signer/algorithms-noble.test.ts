/** Independent check: signatures made through node:crypto verify with @noble/curves (no OpenSSL). */
import { describe, expect, it } from 'vitest';
import { p256, p384 } from '@noble/curves/nist.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { ed448 } from '@noble/curves/ed448.js';
import { createSigningKey, generateKeyPair } from '../../src/signer/algorithms.ts';
import { verifySignature } from '../../src/signer/verify-signature.ts';

const messages = Array.from({ length: 8 }, (_, i) => new TextEncoder().encode(`message ${i} for the noble cross-check`));

/** SEC1 uncompressed point from the DNSKEY X|Y field (noble returns false, silently, without the 0x04). */
function sec1(xy: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + xy.length);
  out[0] = 4;
  out.set(xy, 1);
  return out;
}

describe('@noble/curves cross-check of createSigningKey', () => {
  it('P-256 (13): node signatures verify with noble (prehash SHA-256, lowS false)', () => {
    const key = createSigningKey(generateKeyPair(13), 13, 257);
    const pub = sec1(key.dnskeyRdata.subarray(4));
    for (const m of messages) {
      // OpenSSL does not normalise s, so half its signatures are "high S": noble must accept them.
      expect(p256.verify(key.sign(m), m, pub, { lowS: false, prehash: true })).toBe(true);
    }
  });

  it('P-384 (14): node signatures verify with noble (prehash SHA-384)', () => {
    const key = createSigningKey(generateKeyPair(14), 14, 257);
    const pub = sec1(key.dnskeyRdata.subarray(4));
    for (const m of messages.slice(0, 3)) expect(p384.verify(key.sign(m), m, pub, { lowS: false, prehash: true })).toBe(true);
  });

  it('Ed25519 (15): node signatures verify with noble, and noble signatures verify with node', () => {
    const key = createSigningKey(generateKeyPair(15), 15, 257);
    const pub = key.dnskeyRdata.subarray(4);
    for (const m of messages) expect(ed25519.verify(key.sign(m), m, pub)).toBe(true);
    const secret = ed25519.utils.randomSecretKey();
    const noblePub = ed25519.getPublicKey(secret);
    expect(verifySignature(15, noblePub, messages[0]!, ed25519.sign(messages[0]!, secret))).toBe(true);
  });

  it('Ed448 (16): node signatures verify with noble', () => {
    const key = createSigningKey(generateKeyPair(16), 16, 257);
    const pub = key.dnskeyRdata.subarray(4);
    for (const m of messages.slice(0, 3)) expect(ed448.verify(key.sign(m), m, pub)).toBe(true);
  });

  it('noble P-256 signatures verify with verifySignature', () => {
    const secret = p256.utils.randomSecretKey();
    const pubXY = p256.getPublicKey(secret, false).subarray(1);
    const sig = p256.sign(messages[1]!, secret);
    expect(verifySignature(13, pubXY, messages[1]!, sig)).toBe(true);
  });
});
