import { describe, expect, it } from 'vitest';
import { fromHex } from '../../src/core/bytes.ts';
import { classifyZone } from '../../src/signer/authority.ts';
import { buildNsec3Chain, buildNsec3Param } from '../../src/signer/nsec3.ts';
import { denialTtl } from '../../src/signer/nsec.ts';
import { createNsec3Hasher } from '../../src/signer/nsec3-hash.ts';
import { Name } from '../../src/zone/name.ts';
import { decodeNsec3, decodeNsec3Param } from '../../src/zone/dnssec-rdata.ts';
import { RRType } from '../../src/zone/types.ts';
import { RFC5155_CHAIN, RFC5155_ORIGIN, RFC5155_ZONE } from '../fixtures/signer/rfc5155-appendix-a.ts';
import { presentNsec3 } from './helpers/inspect.ts';
import { makeZone } from './helpers/zone-builder.ts';

const salt = fromHex('aabbccdd')!;

function chainOf(lines: readonly string[], optOut: boolean, iterations = 12, s = salt) {
  const zone = classifyZone(makeZone(RFC5155_ORIGIN, lines));
  return buildNsec3Chain(zone, [RRType.DNSKEY], { iterations, salt: s, optOut }, denialTtl(zone.soa));
}

function present(chain: ReturnType<typeof chainOf>): string[] {
  return chain.map((r) => `${r.owner.labels[0] ? Buffer.from(r.owner.labels[0]).toString('latin1') : ''} ${presentNsec3(r.rdatas[0]!)}`);
}

describe('NSEC3 chain (RFC 5155 §7.1)', () => {
  it('reproduces the RFC 5155 Appendix A chain exactly (opt-out, 12 iterations, salt aabbccdd)', () => {
    const chain = chainOf(RFC5155_ZONE, true);
    expect(present(chain)).toEqual(RFC5155_CHAIN);
    for (const r of chain) {
      expect(r.owner.toString()).toMatch(/^[0-9a-v]{32}\.example\.$/);
      expect(r.ttl).toBe(3600); // RFC 9077: min(SOA MINIMUM 3600, SOA TTL 3600)
      expect(r.type).toBe(RRType.NSEC3);
    }
  });

  it('without opt-out covers the insecure delegation c.example with a bare NS bitmap and clears the flag', () => {
    const chain = chainOf(RFC5155_ZONE, false);
    const lines = present(chain);
    expect(lines).toHaveLength(13);
    // H(c.example) = 4g6p9u5gvfshp30pqecj98b3maqbn1ck (RFC 5155 Appendix B).
    const c = lines.find((l) => l.startsWith('4g6p9u5gvfshp30pqecj98b3maqbn1ck '));
    expect(c).toBe('4g6p9u5gvfshp30pqecj98b3maqbn1ck 1 0 12 aabbccdd b4um86eghhds6nea196smvmlo4ors995 NS');
    expect(lines.find((l) => l.startsWith('35mthgpgcu1qg68fab165klnsnk3dpvl '))).toContain(' 4g6p9u5gvfshp30pqecj98b3maqbn1ck NS DS RRSIG');
    for (const r of chain) expect(decodeNsec3(r.rdatas[0]!).flags).toBe(0);
  });

  it('skips empty non-terminals that exist only because of an opted-out delegation', () => {
    const lines = ['@ SOA ns1.example. h.example. 1 3600 300 3600000 300', '@ NS ns1', 'ns1 A 192.0.2.1', 'd.ent NS ns.d.ent', 's.ent2 NS ns.s.ent2', 's.ent2 DS 1 13 2 aabb', 'a.ent3 NS ns.a.ent3', 'b.ent3 A 192.0.2.3'];
    const hashedOwners = (optOut: boolean) => {
      const zone = classifyZone(makeZone('example.', lines));
      return buildNsec3Chain(zone, [], { iterations: 0, salt: new Uint8Array(), optOut }, 300).length;
    };
    // Without opt-out: apex, ns1, d.ent, ent, s.ent2, ent2, a.ent3, b.ent3, ent3 = 9.
    expect(hashedOwners(false)).toBe(9);
    // With opt-out: d.ent and the ENT ent go; a.ent3 goes but ent3 stays (b.ent3 needs it): 6.
    expect(hashedOwners(true)).toBe(6);
    // The exact chain, as BIND 9.18 `dnssec-signzone -3 - -A` made it for this zone on this machine.
    const zone = classifyZone(makeZone('example.', lines));
    expect(present(buildNsec3Chain(zone, [RRType.DNSKEY], { iterations: 0, salt: new Uint8Array(), optOut: true }, 300))).toEqual([
      '3msev9usmd4br9s97v51r2tdvmr9iqo1 1 1 0 - fpbq332qsrt57059o9c4tqtbm75cn9k6 NS SOA RRSIG DNSKEY NSEC3PARAM',
      'fpbq332qsrt57059o9c4tqtbm75cn9k6 1 1 0 - ibi3njha1i79qf920qc6hruqo3aditpm', // H(ent3.example), ENT
      'ibi3njha1i79qf920qc6hruqo3aditpm 1 1 0 - joc5mrpqk9tsdsoosuifdp40t65f4657 A RRSIG', // H(b.ent3.example)
      'joc5mrpqk9tsdsoosuifdp40t65f4657 1 1 0 - m1o89lfdo9rrf2f8r8ss42d81d09v48m', // H(ent2.example), ENT
      'm1o89lfdo9rrf2f8r8ss42d81d09v48m 1 1 0 - nfngct1nqikfjtvmrp4bsbgovlsgu0cu A RRSIG', // H(ns1.example)
      'nfngct1nqikfjtvmrp4bsbgovlsgu0cu 1 1 0 - 3msev9usmd4br9s97v51r2tdvmr9iqo1 NS DS RRSIG', // H(s.ent2.example)
    ]);
  });

  it('gives empty non-terminals an empty bitmap and uses the RFC 9077 TTL', () => {
    const zone = classifyZone(makeZone('example.', ['@ 7200 SOA ns1 h 1 3600 300 3600000 600', '@ NS ns1', 'ns1 A 192.0.2.1', 'a.b.c A 192.0.2.2']));
    const chain = buildNsec3Chain(zone, [RRType.DNSKEY], { iterations: 0, salt: new Uint8Array(), optOut: false }, denialTtl(zone.soa));
    expect(chain).toHaveLength(5); // apex, ns1, a.b.c, b.c, c
    expect(chain.filter((r) => decodeNsec3(r.rdatas[0]!).types.length === 0)).toHaveLength(2);
    expect(chain.every((r) => r.ttl === 600)).toBe(true);
  });

  it('sorts hash owners canonically and wraps around to the first', () => {
    const chain = chainOf(RFC5155_ZONE, true);
    for (let i = 1; i < chain.length; i++) expect(chain[i - 1]!.owner.compare(chain[i]!.owner)).toBeLessThan(0);
    expect(presentNsec3(chain[chain.length - 1]!.rdatas[0]!).split(' ')[4]).toBe('0p9mhaveqvm6t7vbl5lop2u3t2rp3tom');
  });

  it('refuses a hash collision (RFC 5155 §7.1)', () => {
    const zone = classifyZone(makeZone('example.', ['@ SOA ns1 h 1 3600 300 3600000 300', '@ NS ns1', 'ns1 A 192.0.2.1', 'ns2 A 192.0.2.2']));
    const real = createNsec3Hasher(0, new Uint8Array());
    // A hasher under which ns1 and ns2 collide.
    const colliding = { ...real, hashName: (n: Name) => real.hashName(n.toString().startsWith('ns') ? Name.parse('ns.example.') : n) };
    expect(() => buildNsec3Chain(zone, [], { iterations: 0, salt: new Uint8Array(), optOut: false }, 300, colliding)).toThrow(
      expect.objectContaining({ code: 'ERR_NSEC3_HASH_COLLISION' }),
    );
  });

  it('makes the NSEC3PARAM with flags 0 even under opt-out (RFC 5155 §4.1.2)', () => {
    const zone = classifyZone(makeZone(RFC5155_ORIGIN, RFC5155_ZONE));
    const param = buildNsec3Param(zone, { iterations: 12, salt, optOut: true }, 3600);
    expect(param.owner.toString()).toBe('example.');
    expect(decodeNsec3Param(param.rdatas[0]!)).toEqual({ hashAlgorithm: 1, flags: 0, iterations: 12, salt });
  });
});
