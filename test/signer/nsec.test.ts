import { describe, expect, it } from 'vitest';
import { classifyZone } from '../../src/signer/authority.ts';
import { buildNsecChain, denialTtl } from '../../src/signer/nsec.ts';
import { decodeNsec } from '../../src/zone/dnssec-rdata.ts';
import { RRType } from '../../src/zone/types.ts';
import { RFC4035_NSEC_CHAIN, RFC4035_ORIGIN, RFC4035_ZONE } from '../fixtures/signer/rfc4035-appendix-a.ts';
import { presentNsec } from './helpers/inspect.ts';
import { makeZone } from './helpers/zone-builder.ts';

describe('NSEC chain (RFC 4034 §4, RFC 4035 §2.3)', () => {
  it('reproduces the RFC 4035 Appendix A chain: order, next names, delegation bitmaps, no glue', () => {
    const zone = classifyZone(makeZone(RFC4035_ORIGIN, RFC4035_ZONE));
    const chain = buildNsecChain(zone, [RRType.DNSKEY], denialTtl(zone.soa));
    expect(chain.map((r) => `${r.owner.toString()} ${presentNsec(r.rdatas[0]!)}`)).toEqual(RFC4035_NSEC_CHAIN);
    expect(chain.every((r) => r.ttl === 3600 && r.type === RRType.NSEC)).toBe(true);
  });

  it('writes next names in lowercase whatever the zone file spelled', () => {
    const zone = classifyZone(makeZone('Example.', ['@ SOA ns1 h 1 3600 300 3600000 300', '@ NS NS1', 'NS1 A 192.0.2.1', 'WWW A 192.0.2.2']));
    const chain = buildNsecChain(zone, [], 300);
    expect(chain.map((r) => decodeNsec(r.rdatas[0]!).nextName.toString())).toEqual(['ns1.example.', 'www.example.', 'example.']);
    // The owner keeps the zone's spelling.
    expect(chain[1]!.owner.toString()).toBe('NS1.Example.');
  });

  it('takes the TTL from min(SOA MINIMUM, SOA TTL) (RFC 9077)', () => {
    expect(denialTtl(classifyZone(makeZone('example.', ['@ 3600 SOA ns1 h 1 3600 300 3600000 1800'])).soa)).toBe(1800);
    expect(denialTtl(classifyZone(makeZone('example.', ['@ 600 SOA ns1 h 1 3600 300 3600000 1800'])).soa)).toBe(600);
  });

  it('leaves empty non-terminals out and closes a one-name zone on itself', () => {
    const zone = classifyZone(makeZone('example.', ['@ SOA ns1.example.net. h 1 3600 300 3600000 300', '@ NS ns1.example.net.', 'a.b.c TXT x']));
    expect(buildNsecChain(zone, [], 300).map((r) => presentNsec(r.rdatas[0]!))).toEqual([
      'a.b.c.example. NS SOA RRSIG NSEC',
      'example. TXT RRSIG NSEC',
    ]);
    const lonely = classifyZone(makeZone('example.', ['@ SOA ns1.example.net. h 1 3600 300 3600000 300']));
    expect(buildNsecChain(lonely, [RRType.DNSKEY], 300).map((r) => presentNsec(r.rdatas[0]!))).toEqual(['example. SOA RRSIG NSEC DNSKEY']);
  });
});
