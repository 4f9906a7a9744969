/**
 * RFC 5155 Appendix A/B: algorithm 7 (RSASHA1-NSEC3-SHA1) signatures by
 * 512-bit keys, verify-only. Exercises RSA verification and canonical form
 * (name compression off, lowercase, wildcard owner, canonical RDATA order).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { fromBase32Hex, fromBase64, fromHex } from '../../src/core/bytes.ts';
import { parseRrsigTime } from '../../src/core/time.ts';
import { Name } from '../../src/zone/name.ts';
import { encodeDnskey, encodeNsec3, encodeNsec3Param } from '../../src/zone/dnssec-rdata.ts';
import { typeFromString } from '../../src/zone/types.ts';
import { ByteWriter } from '../../src/zone/wire.ts';
import { computeKeyTag } from '../../src/signer/keytag.ts';
import { createSigningKey, generateKeyPair } from '../../src/signer/algorithms.ts';
import { verifySignature } from '../../src/signer/verify-signature.ts';
import { signedData } from '../fixtures/rfc/signed-data.ts';

const f = JSON.parse(readFileSync(new URL('../fixtures/rfc/rfc5155.json', import.meta.url), 'utf8'));
type KeyFixture = { flags: number; algorithm: number; publicKey: string; keyTag: number };
const keys: Record<string, KeyFixture> = f.keys;
const dnskeyRdata = (k: KeyFixture) => encodeDnskey({ flags: k.flags, protocol: 3, algorithm: k.algorithm, publicKey: fromBase64(k.publicKey)! });

function ipv6(text: string): Uint8Array {
  expect(isIP(text)).toBe(6);
  const [head, tail] = text.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const w = new ByteWriter(16);
  for (const g of groups) w.u16(parseInt(g, 16));
  return w.finish();
}

/** Encodes the few RDATA shapes of the fixture (no zone parser). */
function rdataFor(type: string, v: any[]): Uint8Array {
  const name = (s: string) => Name.parse(s).wire;
  switch (type) {
    case 'SOA': {
      const w = new ByteWriter(64).bytes(name(v[0])).bytes(name(v[1]));
      for (const n of v.slice(2)) w.u32(n);
      return w.finish();
    }
    case 'NS': return name(v[0]);
    case 'MX': return new ByteWriter(32).u16(v[0]).bytes(name(v[1])).finish();
    case 'A': return Uint8Array.from(String(v[0]).split('.').map(Number));
    case 'AAAA': return ipv6(v[0]);
    case 'DNSKEY': return dnskeyRdata(keys[v[0]]!);
    case 'NSEC3PARAM': return encodeNsec3Param({ hashAlgorithm: v[0], flags: v[1], iterations: v[2], salt: fromHex(v[3])! });
    case 'NSEC3':
      return encodeNsec3({
        hashAlgorithm: v[0], flags: v[1], iterations: v[2], salt: fromHex(v[3])!,
        nextHashed: fromBase32Hex(v[4])!, types: (v[5] as string[]).map((t) => typeFromString(t)!),
      });
    default: throw new Error(`fixture type ${type}`);
  }
}

describe('RFC 5155 Appendix A/B (algorithm 7, verify only)', () => {
  it('computes the published key tags 40430 and 12708', () => {
    expect(computeKeyTag(dnskeyRdata(keys.zsk!))).toBe(40430);
    expect(computeKeyTag(dnskeyRdata(keys.ksk!))).toBe(12708);
  });

  const cases: [string, any][] = f.rrsets.map((r: any) => [`${r.owner} ${r.type}`, r]);
  it.each(cases)('verifies the RRSIG over %s', (_label, r) => {
    const type = typeFromString(r.type)!;
    const signer = keys[r.signedBy]!;
    const header = {
      typeCovered: type, algorithm: 7, labels: r.labels, originalTtl: f.originalTtl,
      expiration: parseRrsigTime(f.expiration), inception: parseRrsigTime(f.inception),
      keyTag: signer.keyTag, signerName: Name.parse(f.signer),
    };
    // Reverse the RDATA order: canonical ordering must not depend on input order.
    const rdatas = (r.rdatas as any[][]).map((v) => rdataFor(r.type, v)).reverse();
    const data = signedData(header, Name.parse(r.owner), type, rdatas, f.originalTtl);
    const sig = fromBase64(r.signature)!;
    expect(verifySignature(7, fromBase64(signer.publicKey)!, data, sig)).toBe(true);
    // The same signature checked against the other key must fail.
    const other = r.signedBy === 'zsk' ? keys.ksk! : keys.zsk!;
    expect(verifySignature(7, fromBase64(other.publicKey)!, data, sig)).toBe(false);
  });

  it('refuses to sign with algorithm 7 (verify only)', () => {
    expect(() => generateKeyPair(7)).toThrow(expect.objectContaining({ code: 'ERR_ALGORITHM_UNSUPPORTED' }));
    const rsa = generateKeyPair(8, { rsaBits: 1024 });
    expect(() => createSigningKey(rsa, 7, 256)).toThrow(expect.objectContaining({ code: 'ERR_ALGORITHM_UNSUPPORTED' }));
  });
});
