import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signBatch, signRRset } from '../../src/signer/rrsig.ts';
import { encodeRRsetForSigning } from '../../src/zone/canonical.ts';
import { decodeDnskey, decodeRrsig, encodeRrsigHeader } from '../../src/zone/dnssec-rdata.ts';
import { Name } from '../../src/zone/name.ts';
import type { RRset } from '../../src/zone/record.ts';
import { RRType } from '../../src/zone/types.ts';
import { verifyRrsig } from './helpers/inspect.ts';
import { ed25519Key, KSK_FLAGS, p256Key, ZSK_FLAGS } from './helpers/test-keys.ts';
import { makeZone } from './helpers/zone-builder.ts';

const origin = Name.parse('Example.');
const times = { inception: 1_800_000_000 - 3600, expiration: 1_800_000_000 + 14 * 86400, signerName: origin };

function rrsetOf(lines: string[], type: number): RRset {
  const zone = makeZone('example.', lines);
  return zone.rrsets.find((r) => r.type === type)!;
}

describe('signRRset (RFC 4034 §3, RFC 4035 §2.2)', () => {
  const zsk = ed25519Key(1, ZSK_FLAGS);

  it('fills the RRSIG fields and verifies, independently, with node:crypto', () => {
    const rrset = rrsetOf(['Www 7200 A 192.0.2.1', 'www 7200 A 192.0.2.2'], RRType.A);
    const rdata = signRRset(rrset, zsk, times);
    const sig = decodeRrsig(rdata);
    expect(sig).toMatchObject({
      typeCovered: RRType.A, algorithm: 15, labels: 2, originalTtl: 7200,
      inception: times.inception, expiration: times.expiration, keyTag: zsk.keyTag,
    });
    // RFC 4034 §6.2 / RFC 6840 §5.1: the signer's name is in canonical (lowercase) form.
    expect(sig.signerName.toString()).toBe('example.');
    // Rebuild the signed data by hand: header, then RRs with the lowercased owner.
    const header = rdata.subarray(0, rdata.length - sig.signature.length);
    const body = encodeRRsetForSigning(Name.parse('www.example.').canonical, rrset, 7200);
    const publicKey = createPublicKey({ format: 'jwk', key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(decodeDnskey(zsk.dnskeyRdata).publicKey).toString('base64url') } });
    expect(nodeVerify(null, Buffer.concat([header, body]), publicKey, sig.signature)).toBe(true);
    expect(verifyRrsig(rrset, rdata, [zsk.dnskeyRdata])).toBe(true);
    // Ed25519 is deterministic (RFC 8032): the same input signs the same.
    expect(Buffer.from(signRRset(rrset, zsk, times)).equals(Buffer.from(rdata))).toBe(true);
  });

  it('signs wildcards with Labels not counting the `*` (RFC 4034 §3.1.3) so expansions verify (RFC 4035 §5.3.2)', () => {
    const wildcard = rrsetOf(['*.w MX 1 ai.example.'], RRType.MX);
    const rdata = signRRset(wildcard, zsk, times);
    expect(decodeRrsig(rdata).labels).toBe(2);
    expect(verifyRrsig(wildcard, rdata, [zsk.dnskeyRdata])).toBe(true);
    // A validator sees the expansion a.z.w.example and rebuilds *.w.example from Labels.
    const expanded = { ...wildcard, owner: Name.parse('a.z.w.example.') };
    expect(verifyRrsig(expanded, rdata, [zsk.dnskeyRdata])).toBe(true);
  });

  it('covers RDATA names in canonical form, whatever their case', () => {
    const upper = rrsetOf(['@ NS NS1.EXAMPLE.'], RRType.NS);
    const lower = rrsetOf(['@ NS ns1.example.'], RRType.NS);
    expect(verifyRrsig(lower, signRRset(upper, zsk, times), [zsk.dnskeyRdata])).toBe(true);
  });

  it('never signs an RRSIG RRset (RFC 4035 §2.2)', () => {
    const rrsig = rrsetOf(['www RRSIG \\# 3 000000'], RRType.RRSIG);
    expect(() => signRRset(rrsig, zsk, times)).toThrow(expect.objectContaining({ code: 'ERR_SIGN_RRSIG_RRSET' }));
  });

  it('keeps times as 32-bit serial values (RFC 4034 §3.1.5)', () => {
    const rrset = rrsetOf(['www A 192.0.2.1'], RRType.A);
    const sig = decodeRrsig(signRRset(rrset, zsk, { ...times, inception: 2 ** 32 - 10, expiration: 2 ** 32 + 100 }));
    expect(sig.inception).toBe(2 ** 32 - 10);
    expect(sig.expiration).toBe(100);
  });
});

describe('signed data', () => {
  it('is exactly encodeRrsigHeader + encodeRRsetForSigning, across keys, RRsets and a growing buffer', () => {
    const captured: Uint8Array[] = [];
    const capture = (tag: number, algorithm: number) => ({
      ...ed25519Key(4, ZSK_FLAGS), keyTag: tag, algorithm,
      sign: (d: Uint8Array) => { captured.push(d.slice()); return new Uint8Array(8).fill(tag & 0xff); },
    });
    const keys = [capture(1111, 13), capture(2222, 15)];
    const big = rrsetOf(Array.from({ length: 300 }, (_, i) => `big TXT "${'x'.repeat(20)}${i}"`), RRType.TXT);
    const small = rrsetOf(['Mixed.Case NS NS1.EXAMPLE.', 'mixed.case NS ns2.example.'], RRType.NS);
    const results = signBatch([{ rrset: small, keys, expiration: 2000 }, { rrset: big, keys, expiration: 3000 }, { rrset: small, keys: [keys[0]!], expiration: 4000 }], { inception: 1000, signerName: origin });
    const expected: Uint8Array[] = [];
    const rdatas: Uint8Array[] = [];
    for (const [rrset, ks, expiration] of [[small, keys, 2000], [big, keys, 3000], [small, [keys[0]!], 4000]] as const) {
      for (const k of ks) {
        const header = encodeRrsigHeader({ typeCovered: rrset.type, algorithm: k.algorithm, labels: rrset.owner.rrsigLabels, originalTtl: rrset.ttl, expiration, inception: 1000, keyTag: k.keyTag, signerName: origin });
        expected.push(Buffer.concat([header, encodeRRsetForSigning(rrset.owner.canonical, rrset, rrset.ttl)]));
        rdatas.push(Buffer.concat([header, new Uint8Array(8).fill(k.keyTag & 0xff)]));
      }
    }
    expect(captured.map((c) => Buffer.from(c).toString('hex'))).toEqual(expected.map((c) => Buffer.from(c).toString('hex')));
    expect(results.flat().map((c) => Buffer.from(c).toString('hex'))).toEqual(rdatas.map((c) => Buffer.from(c).toString('hex')));
    expect(big.rdatas.length).toBe(300);
  });
});

describe('signBatch', () => {
  it('signs each item with each of its keys, in key order, with the item expiration', () => {
    const ed = ed25519Key(2, KSK_FLAGS);
    const ec = p256Key(KSK_FLAGS);
    const a = rrsetOf(['www A 192.0.2.1'], RRType.A);
    const txt = rrsetOf(['www TXT "hello"'], RRType.TXT);
    const results = signBatch(
      [{ rrset: a, keys: [ec, ed], expiration: 1_900_000_000 }, { rrset: txt, keys: [ed], expiration: 1_900_000_500 }, { rrset: txt, keys: [], expiration: 1 }],
      { inception: 1_800_000_000, signerName: origin },
    );
    expect(results.map((r) => r.length)).toEqual([2, 1, 0]);
    expect(results[0]!.map((r) => decodeRrsig(r).algorithm)).toEqual([13, 15]);
    expect(decodeRrsig(results[1]![0]!).expiration).toBe(1_900_000_500);
    for (const rdata of results[0]!) expect(verifyRrsig(a, rdata, [ec.dnskeyRdata, ed.dnskeyRdata])).toBe(true);
    expect(verifyRrsig(txt, results[1]![0]!, [ed.dnskeyRdata])).toBe(true);
    // P-256 signatures are r | s, 64 octets (RFC 6605 §4).
    expect(decodeRrsig(results[0]![0]!).signature.length).toBe(64);
  });
});
