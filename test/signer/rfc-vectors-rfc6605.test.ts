/** RFC 6605 §6.1 and §6.2: ECDSA P-256 and P-384. Verify-only (ECDSA signatures are randomized). */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fromBase64, fromHex, toHex } from '../../src/core/bytes.ts';
import { parseRrsigTime } from '../../src/core/time.ts';
import { Name } from '../../src/zone/name.ts';
import { createSigningKey } from '../../src/signer/algorithms.ts';
import { verifySignature } from '../../src/signer/verify-signature.ts';
import { privateKeyFromFields } from '../../src/keystore/private-key-material.ts';
import { signedData } from '../fixtures/rfc/signed-data.ts';

const rfc6605 = JSON.parse(readFileSync(new URL('../fixtures/rfc/rfc6605.json', import.meta.url), 'utf8'));

describe.each(rfc6605.vectors as any[])('RFC 6605 §$section (algorithm $algorithm)', (v) => {
  const owner = Name.parse(v.record.owner);
  const header = {
    typeCovered: v.rrsig.typeCovered,
    algorithm: v.rrsig.algorithm,
    labels: v.rrsig.labels,
    originalTtl: v.rrsig.originalTtl,
    expiration: parseRrsigTime(v.rrsig.expiration),
    inception: parseRrsigTime(v.rrsig.inception),
    keyTag: v.rrsig.keyTag,
    signerName: Name.parse(v.rrsig.signerName),
  };
  const data = signedData(header, owner, v.record.type, [fromHex(v.record.rdata)!], v.record.ttl);
  const publicKey = fromBase64(v.publicKey)!;

  if (v.signedData) {
    it('builds the published signed data', () => {
      expect(toHex(data)).toBe(v.signedData);
    });
  }

  it('verifies the RFC signature, and refuses it over altered data or with labels changed', () => {
    const sig = fromBase64(v.rrsig.signature)!;
    expect(verifySignature(v.algorithm, publicKey, data, sig)).toBe(true);
    const altered = data.slice();
    altered[altered.length - 1]! ^= 1;
    expect(verifySignature(v.algorithm, publicKey, altered, sig)).toBe(false);
    const relabelled = signedData({ ...header, labels: 2 }, owner, v.record.type, [fromHex(v.record.rdata)!], v.record.ttl);
    expect(verifySignature(v.algorithm, publicKey, relabelled, sig)).toBe(false);
  });

  it('loads the RFC private key: same DNSKEY and tag, and a fresh signature verifies', () => {
    const priv = privateKeyFromFields(v.algorithm, new Map([['PrivateKey', fromBase64(v.privateKey)!]]));
    const key = createSigningKey(priv, v.algorithm, v.flags);
    expect(key.keyTag).toBe(v.keyTag);
    expect(toHex(key.dnskeyRdata.subarray(4))).toBe(toHex(publicKey));
    const sig = key.sign(data);
    expect(sig.length).toBe(v.algorithm === 13 ? 64 : 96);
    expect(toHex(sig)).not.toBe(toHex(fromBase64(v.rrsig.signature)!));
    expect(verifySignature(v.algorithm, publicKey, data, sig)).toBe(true);
  });
});
