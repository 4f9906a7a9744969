/**
 * RFC 8080 §6 with errata EID 4935: Ed25519 and Ed448. EdDSA is
 * deterministic, so re-signing must reproduce the errata signatures exactly.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fromBase64, fromHex, toBase64, toHex } from '../../src/core/bytes.ts';
import { Name } from '../../src/zone/name.ts';
import { createSigningKey } from '../../src/signer/algorithms.ts';
import { verifySignature } from '../../src/signer/verify-signature.ts';
import { privateKeyFromFields } from '../../src/keystore/private-key-material.ts';
import { signedData } from '../fixtures/rfc/signed-data.ts';

const rfc8080 = JSON.parse(readFileSync(new URL('../fixtures/rfc/rfc8080.json', import.meta.url), 'utf8'));

describe.each(rfc8080.vectors as any[])('RFC 8080 §$section (errata 4935)', (v) => {
  const c = rfc8080.rrsigCommon;
  const owner = Name.parse(rfc8080.record.owner);
  const rdata = fromHex(rfc8080.record.rdata)!;
  const header = (labels: number) => ({
    typeCovered: c.typeCovered, algorithm: v.algorithm, labels, originalTtl: c.originalTtl,
    expiration: c.expiration, inception: c.inception, keyTag: v.keyTag, signerName: Name.parse(c.signerName),
  });
  const data = signedData(header(c.labels), owner, rfc8080.record.type, [rdata], rfc8080.record.ttl);
  const publicKey = fromBase64(v.publicKey)!;

  it('builds the signed data (checked against the published hex for example 1)', () => {
    if (v.algorithm === 15 && v.keyTag === 3613) expect(toHex(data)).toBe(rfc8080.signedDataExample1);
    expect(data[3]).toBe(2);
  });

  it('verifies the errata signature with Labels = 2', () => {
    expect(verifySignature(v.algorithm, publicKey, data, fromBase64(v.signature)!)).toBe(true);
  });

  it('re-signs byte for byte the errata signature from the RFC private key', () => {
    const priv = privateKeyFromFields(v.algorithm, new Map([['PrivateKey', fromBase64(v.privateKey)!]]));
    const key = createSigningKey(priv, v.algorithm, v.flags);
    expect(key.keyTag).toBe(v.keyTag);
    expect(toBase64(key.dnskeyRdata.subarray(4))).toBe(v.publicKey);
    expect(toBase64(key.sign(data))).toBe(v.signature);
  });

  it('rejects the as-published signature over correct data; it only fits Labels = 3 (root counted)', () => {
    const published = fromBase64(v.publishedSignature)!;
    expect(verifySignature(v.algorithm, publicKey, data, published)).toBe(false);
    const rootCounted = signedData(header(3), owner, rfc8080.record.type, [rdata], rfc8080.record.ttl);
    expect(verifySignature(v.algorithm, publicKey, rootCounted, published)).toBe(true);
  });
});
