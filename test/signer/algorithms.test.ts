import { describe, expect, it } from 'vitest';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { toHex } from '../../src/core/bytes.ts';
import { decodeDnskey } from '../../src/zone/dnssec-rdata.ts';
import {
  algorithmInfo, createSigningKey, generateKeyPair, isVerifiableAlgorithm, publicKeyBytes,
  publicKeyFromDnskey, SIGNING_ALGORITHMS, splitRsaPublicKey,
} from '../../src/signer/algorithms.ts';
import { computeKeyTag } from '../../src/signer/keytag.ts';
import { clearVerifyKeyCache, verifySignature } from '../../src/signer/verify-signature.ts';

const data = new TextEncoder().encode('signet test data');
const code = (c: string) => expect.objectContaining({ code: c });

// One key per algorithm for the whole file; RSA key generation is the slow part.
const keys = new Map(SIGNING_ALGORITHMS.map((a) => [a, generateKeyPair(a)]));

describe('generateKeyPair / publicKeyBytes', () => {
  it('produces DNSKEY public key fields of the sizes the RFCs give', () => {
    const sizes = SIGNING_ALGORITHMS.map((a) => publicKeyBytes(a, keys.get(a)!).length);
    // RSA 2048 with e = 65537: 1 + 3 + 256 (RFC 3110); ECDSA X|Y 64/96 (RFC 6605); EdDSA 32/57 (RFC 8080).
    expect(sizes).toEqual([260, 64, 96, 32, 57]);
  });

  it('makes 2048-bit RSA keys with exponent 65537, encoded per RFC 3110', () => {
    const k = keys.get(8)!;
    expect(k.asymmetricKeyDetails).toMatchObject({ modulusLength: 2048, publicExponent: 65537n });
    const bytes = publicKeyBytes(8, k);
    expect(toHex(bytes.subarray(0, 4))).toBe('03010001');
    const { exponent, modulus } = splitRsaPublicKey(bytes);
    expect(toHex(exponent)).toBe('010001');
    expect(modulus.length).toBe(256);
    expect(modulus[0]! & 0x80).toBe(0x80);
  });

  it('encodes exponents longer than 255 octets with the three-octet form (RFC 3110 §2)', () => {
    const long = new Uint8Array(3 + 256 + 64);
    long[1] = 0x01; long[2] = 0x00; // exponent length 256
    long[3] = 1;
    const { exponent, modulus } = splitRsaPublicKey(long);
    expect(exponent.length).toBe(256);
    expect(modulus.length).toBe(64);
  });

  it('round-trips public keys through the DNSKEY field for every algorithm', () => {
    for (const a of SIGNING_ALGORITHMS) {
      const bytes = publicKeyBytes(a, keys.get(a)!);
      const pub = publicKeyFromDnskey(a, bytes);
      expect(toHex(publicKeyBytes(a, pub))).toBe(toHex(bytes));
      expect(pub.equals(createPublicKey(keys.get(a)!))).toBe(true);
    }
  });

  it('rejects algorithm 1 and unknown algorithms with coded errors', () => {
    expect(() => generateKeyPair(1)).toThrow(code('ERR_ALGORITHM_RSAMD5'));
    expect(() => generateKeyPair(3)).toThrow(code('ERR_ALGORITHM_UNSUPPORTED'));
    expect(() => generateKeyPair(12)).toThrow(code('ERR_ALGORITHM_UNSUPPORTED'));
    expect(() => generateKeyPair(10)).toThrow(code('ERR_ALGORITHM_UNSUPPORTED'));
    expect(() => publicKeyFromDnskey(1, new Uint8Array(8))).toThrow(code('ERR_ALGORITHM_RSAMD5'));
    expect(() => algorithmInfo(253)).toThrow(code('ERR_ALGORITHM_UNSUPPORTED'));
    expect(() => generateKeyPair(8, { rsaBits: 512 })).toThrow(code('ERR_KEY_SIZE'));
    expect([5, 7, 8, 10, 13, 14, 15, 16].every(isVerifiableAlgorithm)).toBe(true);
    expect(isVerifiableAlgorithm(1)).toBe(false);
  });

  it('rejects a key of the wrong type for the algorithm', () => {
    expect(() => publicKeyBytes(13, keys.get(14)!)).toThrow(code('ERR_KEY_TYPE'));
    expect(() => publicKeyBytes(15, keys.get(16)!)).toThrow(code('ERR_KEY_TYPE'));
    expect(() => createSigningKey(keys.get(13)!, 8, 257)).toThrow(code('ERR_KEY_TYPE'));
    const pub = createPublicKey(keys.get(13)!);
    expect(() => createSigningKey(pub, 13, 257)).toThrow(code('ERR_KEY_TYPE'));
    const secp256k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey;
    expect(() => createSigningKey(secp256k1, 13, 257)).toThrow(code('ERR_KEY_TYPE'));
  });

  it('rejects malformed DNSKEY public key fields with ERR_DNSKEY_MALFORMED', () => {
    const good13 = publicKeyBytes(13, keys.get(13)!);
    expect(() => publicKeyFromDnskey(13, good13.subarray(1))).toThrow(code('ERR_DNSKEY_MALFORMED'));
    const offCurve = good13.slice();
    offCurve[63]! ^= 1;
    expect(() => publicKeyFromDnskey(13, offCurve)).toThrow(code('ERR_DNSKEY_MALFORMED'));
    expect(() => publicKeyFromDnskey(15, new Uint8Array(31))).toThrow(code('ERR_DNSKEY_MALFORMED'));
    expect(() => publicKeyFromDnskey(16, new Uint8Array(32))).toThrow(code('ERR_DNSKEY_MALFORMED'));
    expect(() => publicKeyFromDnskey(8, new Uint8Array([3, 1, 0]))).toThrow(code('ERR_DNSKEY_MALFORMED'));
    expect(() => publicKeyFromDnskey(8, new Uint8Array([9, 1, 0, 1, 5]))).toThrow(code('ERR_DNSKEY_MALFORMED'));
  });
});

describe('createSigningKey', () => {
  it.each(SIGNING_ALGORITHMS)('algorithm %i: DNSKEY RDATA, tag and signatures that verify', (a) => {
    const key = createSigningKey(keys.get(a)!, a, 257);
    const dnskey = decodeDnskey(key.dnskeyRdata);
    expect(dnskey).toMatchObject({ flags: 257, protocol: 3, algorithm: a });
    expect(key.keyTag).toBe(computeKeyTag(key.dnskeyRdata));
    expect(key.algorithm).toBe(a);
    const sig = key.sign(data);
    expect(verifySignature(a, dnskey.publicKey, data, sig)).toBe(true);
    const tampered = sig.slice();
    tampered[5]! ^= 0x40;
    expect(verifySignature(a, dnskey.publicKey, data, tampered)).toBe(false);
    expect(verifySignature(a, dnskey.publicKey, new TextEncoder().encode('other data'), sig)).toBe(false);
  });

  it('gives ECDSA signatures as r|s of 64 and 96 octets, EdDSA of 64 and 114', () => {
    const lengths = [13, 14, 15, 16].map((a) => createSigningKey(keys.get(a)!, a, 256).sign(data).length);
    expect(lengths).toEqual([64, 96, 64, 114]);
  });

  it('uses the flags in the DNSKEY and in the tag', () => {
    const zsk = createSigningKey(keys.get(15)!, 15, 256);
    const ksk = createSigningKey(keys.get(15)!, 15, 257);
    expect(toHex(zsk.dnskeyRdata.subarray(0, 2))).toBe('0100');
    expect(toHex(ksk.dnskeyRdata.subarray(0, 2))).toBe('0101');
    expect(ksk.keyTag).not.toBe(zsk.keyTag);
    expect(ksk.keyTag).toBe(computeKeyTag(ksk.dnskeyRdata));
    expect(() => createSigningKey(keys.get(15)!, 15, 70000)).toThrow(code('ERR_DNSKEY_FLAGS'));
  });
});

describe('verifySignature', () => {
  it('returns false for signatures of the wrong length instead of throwing', () => {
    for (const a of SIGNING_ALGORITHMS) {
      const pub = publicKeyBytes(a, keys.get(a)!);
      expect(verifySignature(a, pub, data, new Uint8Array(3))).toBe(false);
      expect(verifySignature(a, pub, data, new Uint8Array(600))).toBe(false);
    }
  });

  it('throws for algorithms it cannot check and keys that are not keys', () => {
    expect(() => verifySignature(1, new Uint8Array(8), data, new Uint8Array(8))).toThrow(code('ERR_ALGORITHM_RSAMD5'));
    expect(() => verifySignature(6, new Uint8Array(8), data, new Uint8Array(8))).toThrow(code('ERR_ALGORITHM_UNSUPPORTED'));
    expect(() => verifySignature(13, new Uint8Array(64), data, new Uint8Array(64))).toThrow(code('ERR_DNSKEY_MALFORMED'));
  });

  it('gives the same answers with the key cache cleared or warm', () => {
    const key = createSigningKey(keys.get(13)!, 13, 256);
    const pub = key.dnskeyRdata.subarray(4);
    const sig = key.sign(data);
    clearVerifyKeyCache();
    expect(verifySignature(13, pub, data, sig)).toBe(true);
    expect(verifySignature(13, pub, data, sig)).toBe(true);
    // Same bytes in a different buffer hit the same cache entry and still verify.
    expect(verifySignature(13, pub.slice(), data, sig)).toBe(true);
  });
});
