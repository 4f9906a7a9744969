import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fromBase64, toHex } from '../../src/core/bytes.ts';
import { encodeDnskey } from '../../src/zone/dnssec-rdata.ts';
import { Name } from '../../src/zone/name.ts';
import { computeDs, computeDsRdata, dsDigestLength, isSupportedDsDigestType, PUBLISHABLE_DS_DIGEST_TYPES } from '../../src/signer/ds.ts';
import type { DsDigestType } from '../../src/signer/ds.ts';

const rfc4034 = JSON.parse(readFileSync(new URL('../fixtures/rfc/rfc4034.json', import.meta.url), 'utf8'));
const rfc6605 = JSON.parse(readFileSync(new URL('../fixtures/rfc/rfc6605.json', import.meta.url), 'utf8'));
const rfc8080 = JSON.parse(readFileSync(new URL('../fixtures/rfc/rfc8080.json', import.meta.url), 'utf8'));

function rdataOf(v: { flags: number; algorithm: number; publicKey: string }): Uint8Array {
  return encodeDnskey({ flags: v.flags, protocol: 3, algorithm: v.algorithm, publicKey: fromBase64(v.publicKey)! });
}

describe('computeDs (RFC 4034 §5.1.4, RFC 4509, RFC 6605)', () => {
  const v = rfc4034.dsExample;
  const rdata = rdataOf(v);

  it('reproduces the RFC 4034 §5.4 SHA-1 DS and its RDATA', () => {
    const ds = computeDs(Name.parse(v.owner), rdata, 1);
    expect(ds.keyTag).toBe(60485);
    expect(ds.algorithm).toBe(5);
    expect(ds.digestType).toBe(1);
    expect(toHex(ds.digest)).toBe(v.dsSha1);
    expect(toHex(computeDsRdata(Name.parse(v.owner), rdata, 1))).toBe(v.dsSha1Rdata);
  });

  it('reproduces the RFC 4509 §2.3 SHA-256 DS of the same key', () => {
    expect(toHex(computeDs(Name.parse(v.owner), rdata, 2).digest)).toBe(v.dsSha256);
  });

  it('hashes the owner in canonical (lowercase) form whatever its case', () => {
    const upper = Name.parse(v.uncanonicalOwner);
    expect(toHex(computeDs(upper, rdata, 1).digest)).toBe(v.dsSha1);
    // The wrong answer a signer gets when it hashes the name as written.
    const wrong = createHash('sha1').update(upper.wire).update(rdata).digest('hex');
    expect(wrong).toBe(v.uncanonicalOwnerSha1);
    expect(wrong).not.toBe(v.dsSha1);
  });

  it('reproduces the RFC 6605 DS records (SHA-256 for P-256, SHA-384 for P-384)', () => {
    for (const e of rfc6605.vectors) {
      const ds = computeDs(Name.parse(e.zone), rdataOf(e), e.dsDigestType);
      expect([ds.keyTag, ds.algorithm, ds.digestType, toHex(ds.digest)]).toEqual([e.keyTag, e.algorithm, e.dsDigestType, e.dsDigest]);
    }
  });

  it('reproduces the RFC 8080 DS records', () => {
    for (const e of rfc8080.vectors) {
      const ds = computeDs(Name.parse('example.com.'), rdataOf(e), 2);
      expect([ds.keyTag, toHex(ds.digest)]).toEqual([e.keyTag, e.dsDigest]);
    }
  });

  it('refuses digest types it does not implement', () => {
    expect(() => computeDs(Name.parse('example.'), rdata, 3 as DsDigestType)).toThrow(expect.objectContaining({ code: 'ERR_DS_DIGEST_UNSUPPORTED' }));
    expect(isSupportedDsDigestType(3)).toBe(false);
    expect(isSupportedDsDigestType(4)).toBe(true);
    expect(() => dsDigestLength(0)).toThrow(expect.objectContaining({ code: 'ERR_DS_DIGEST_UNSUPPORTED' }));
    expect([1, 2, 4].map(dsDigestLength)).toEqual([20, 32, 48]);
  });

  it('does not offer SHA-1 for publishing (RFC 8624 §3.3)', () => {
    expect(PUBLISHABLE_DS_DIGEST_TYPES).toEqual([2, 4]);
  });

  it('refuses malformed DNSKEY RDATA and algorithm 1', () => {
    expect(() => computeDs(Name.parse('example.'), new Uint8Array(3), 2)).toThrow(expect.objectContaining({ code: 'ERR_DNSKEY_MALFORMED' }));
    const md5 = encodeDnskey({ flags: 257, protocol: 3, algorithm: 1, publicKey: new Uint8Array([3, 1, 0, 1, 9]) });
    expect(() => computeDs(Name.parse('example.'), md5, 2)).toThrow(expect.objectContaining({ code: 'ERR_ALGORITHM_RSAMD5' }));
  });
});
