import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/bytes.ts';
import { decodePrivateKey, encodePrivateKey, flagsForRole, generateNewKey, loadSigningKey, newKeyFromPrivateKey } from '../../src/keystore/private-key.ts';
import { openStateDb } from '../../src/keystore/state-db.ts';
import { generateKeyPair, SIGNING_ALGORITHMS } from '../../src/signer/algorithms.ts';
import { verifySignature } from '../../src/signer/verify-signature.ts';

const code = (c: string) => expect.objectContaining({ code: c });
const data = new TextEncoder().encode('data');
const T0 = 1_800_000_000;

describe('private keys at rest', () => {
  it('stores plain PKCS#8 without a passphrase, encrypted PKCS#8 with one', () => {
    const key = generateKeyPair(13);
    const plain = encodePrivateKey(key, null);
    expect(plain.encrypted).toBe(false);
    expect(decodePrivateKey(plain.privateKey, false, null).equals(key)).toBe(true);
    const enc = encodePrivateKey(key, 'correct horse');
    expect(enc.encrypted).toBe(true);
    // The EC scalar must not appear in the encrypted form.
    const d = Buffer.from(key.export({ format: 'jwk' }).d!, 'base64url').toString('hex');
    expect(toHex(enc.privateKey)).not.toContain(d);
    expect(toHex(plain.privateKey)).toContain(d);
    expect(decodePrivateKey(enc.privateKey, true, 'correct horse').equals(key)).toBe(true);
  });

  it('gives coded errors for a missing, wrong or empty passphrase and for garbage', () => {
    const enc = encodePrivateKey(generateKeyPair(15), 'pw');
    expect(() => decodePrivateKey(enc.privateKey, true, null)).toThrow(code('ERR_KEY_PASSPHRASE_REQUIRED'));
    expect(() => decodePrivateKey(enc.privateKey, true, 'wrong')).toThrow(code('ERR_KEY_PASSPHRASE_WRONG'));
    expect(() => decodePrivateKey(enc.privateKey, true, '')).toThrow(code('ERR_KEY_PASSPHRASE_EMPTY'));
    expect(() => encodePrivateKey(generateKeyPair(15), '')).toThrow(code('ERR_KEY_PASSPHRASE_EMPTY'));
    expect(() => decodePrivateKey(new Uint8Array([1, 2, 3]), false, null)).toThrow(code('ERR_KEY_UNREADABLE'));
  });

  it('maps roles to DNSKEY flags', () => {
    expect([flagsForRole('ksk'), flagsForRole('zsk'), flagsForRole('csk')]).toEqual([257, 256, 257]);
  });
});

describe('loadSigningKey', () => {
  it.each(SIGNING_ALGORITHMS)('algorithm %i: round trip through the database, with and without a passphrase', (alg) => {
    const db = openStateDb(':memory:');
    db.addZone({ name: 'example.', input: 'i', output: 'o', createdAt: T0 });
    const key = generateKeyPair(alg);
    const ksk = db.addKey(newKeyFromPrivateKey(key, { zone: 'example.', role: 'ksk', algorithm: alg, createdAt: T0, source: 'generated', passphrase: 'secret' }));
    const signer = loadSigningKey(ksk, 'secret');
    expect(signer.keyTag).toBe(ksk.keyTag);
    expect(signer.flags).toBe(257);
    expect(verifySignature(alg, ksk.publicKey.subarray(4), data, signer.sign(data))).toBe(true);
    expect(() => loadSigningKey(ksk, null)).toThrow(code('ERR_KEY_PASSPHRASE_REQUIRED'));
    db.close();
  });

  it('refuses a row whose private key does not match its DNSKEY', () => {
    const a = newKeyFromPrivateKey(generateKeyPair(13), { zone: 'example.', role: 'zsk', algorithm: 13, createdAt: T0, source: 'generated', passphrase: null });
    const b = newKeyFromPrivateKey(generateKeyPair(13), { zone: 'example.', role: 'zsk', algorithm: 13, createdAt: T0, source: 'generated', passphrase: null });
    expect(() => loadSigningKey({ ...a, privateKey: b.privateKey }, null)).toThrow(code('ERR_KEY_MISMATCH'));
    expect(() => loadSigningKey({ ...a, algorithm: 14 }, null)).toThrow(code('ERR_KEY_TYPE'));
    expect(loadSigningKey(a, null).keyTag).toBe(a.keyTag);
  });
});

describe('generateNewKey', () => {
  it('returns a key whose tag the zone does not use yet', () => {
    const k = generateNewKey({ zone: 'example.', role: 'zsk', algorithm: 15, createdAt: T0, passphrase: null, usedTags: new Set([1, 2, 3]) });
    expect([1, 2, 3]).not.toContain(k.keyTag);
    expect(k).toMatchObject({ source: 'generated', flags: 256, algorithm: 15, encrypted: false });
  });

  it('gives up with ERR_KEY_TAG_COLLISION when no tag is free', () => {
    const all = new Set(Array.from({ length: 65536 }, (_, i) => i));
    expect(() => generateNewKey({ zone: 'example.', role: 'ksk', algorithm: 15, createdAt: T0, passphrase: null, usedTags: all })).toThrow(code('ERR_KEY_TAG_COLLISION'));
  });
});
