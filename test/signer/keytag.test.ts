import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fromBase64, fromHex, toHex } from '../../src/core/bytes.ts';
import { encodeDnskey } from '../../src/zone/dnssec-rdata.ts';
import { computeKeyTag } from '../../src/signer/keytag.ts';

const rfc4034 = JSON.parse(readFileSync(new URL('../fixtures/rfc/rfc4034.json', import.meta.url), 'utf8'));
const rfc6605 = JSON.parse(readFileSync(new URL('../fixtures/rfc/rfc6605.json', import.meta.url), 'utf8'));
const rfc8080 = JSON.parse(readFileSync(new URL('../fixtures/rfc/rfc8080.json', import.meta.url), 'utf8'));
const rfc5155 = JSON.parse(readFileSync(new URL('../fixtures/rfc/rfc5155.json', import.meta.url), 'utf8'));

function rdataOf(v: { flags: number; algorithm: number; publicKey: string }): Uint8Array {
  return encodeDnskey({ flags: v.flags, protocol: 3, algorithm: v.algorithm, publicKey: fromBase64(v.publicKey)! });
}

describe('computeKeyTag (RFC 4034 Appendix B)', () => {
  it('gives 2642 for the RFC 4034 §2.3 DNSKEY, whose RDATA is the published wire', () => {
    const v = rfc4034.dnskeyExample;
    const rdata = rdataOf(v);
    expect(toHex(rdata)).toBe(v.rdata);
    expect(computeKeyTag(rdata)).toBe(2642);
  });

  it('gives 60485 for the RFC 4034 §5.4 DS example key', () => {
    expect(computeKeyTag(rdataOf(rfc4034.dsExample))).toBe(60485);
  });

  it('matches every published tag of RFC 6605, RFC 8080 and RFC 5155', () => {
    const cases = [
      ...rfc6605.vectors,
      ...rfc8080.vectors,
      rfc5155.keys.zsk,
      rfc5155.keys.ksk,
    ] as { flags: number; algorithm: number; publicKey: string; keyTag: number }[];
    expect(cases.map((v) => computeKeyTag(rdataOf(v)))).toEqual(cases.map((v) => v.keyTag));
    expect(cases.map((v) => v.keyTag)).toEqual([55648, 10771, 3613, 35217, 9713, 38353, 40430, 12708]);
  });

  it('folds the carry when the sum exceeds 16 bits', () => {
    // 0xffff + 0xffff + 0x0100 = 0x200fe, folded: 0x00fe + 0x2 = 0x0100.
    const rdata = fromHex('ffffffff0100')!;
    expect(computeKeyTag(rdata)).toBe(0x0100);
  });

  it('throws ERR_DNSKEY_MALFORMED for RDATA without a public key, never returning 0', () => {
    expect(() => computeKeyTag(new Uint8Array(0))).toThrow(expect.objectContaining({ code: 'ERR_DNSKEY_MALFORMED' }));
    expect(() => computeKeyTag(fromHex('01010308')!)).toThrow(expect.objectContaining({ code: 'ERR_DNSKEY_MALFORMED' }));
  });

  it('rejects algorithm 1 (RSAMD5), whose tag uses another rule (Appendix B.1)', () => {
    expect(() => computeKeyTag(fromHex('0101030103010001')!)).toThrow(expect.objectContaining({ code: 'ERR_ALGORITHM_RSAMD5' }));
  });
});
