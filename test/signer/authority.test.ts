import { describe, expect, it } from 'vitest';
import { authoritativeTypes, classifyZone, isSignedType, listEmptyNonTerminals } from '../../src/signer/authority.ts';
import { Name } from '../../src/zone/name.ts';
import { RRType } from '../../src/zone/types.ts';
import type { Zone } from '../../src/zone/zone.ts';
import { makeZone } from './helpers/zone-builder.ts';

const SOA = '@ SOA ns1 hostmaster 1 3600 300 3600000 300';

function kinds(zone: Zone): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of classifyZone(zone).owners) out[o.name.toString()] = o.kind;
  return out;
}

describe('classifyZone', () => {
  it('classifies apex, authoritative names, delegations, glue and occluded names', () => {
    const zone = makeZone('example.', [
      SOA, '@ NS ns1', '@ NS ns.sub', 'ns1 A 192.0.2.1',
      'sub NS ns.sub', 'sub DS 1 13 2 aabbccdd', 'sub A 192.0.2.9', 'ns.sub A 192.0.2.2', 'deep.below.sub NS ns.elsewhere.net.',
      'insecure NS ns.example.net.',
      'dn DNAME target.example.net.', 'x.dn A 192.0.2.3',
      '*.w MX 10 mail', 'mail A 192.0.2.4',
    ]);
    expect(kinds(zone)).toEqual({
      'example.': 'apex',
      'dn.example.': 'authoritative',
      'x.dn.example.': 'occluded',
      'insecure.example.': 'delegation',
      'mail.example.': 'authoritative',
      'ns1.example.': 'authoritative',
      'sub.example.': 'delegation',
      'ns.sub.example.': 'glue',
      'deep.below.sub.example.': 'glue',
      '*.w.example.': 'authoritative',
    });
    const sub = classifyZone(zone).owners.find((o) => o.name.toString() === 'sub.example.')!;
    expect(sub.hasDs).toBe(true);
    // RFC 4035 §2.3: at a delegation only NS and DS are the parent's.
    expect(authoritativeTypes(sub)).toEqual([RRType.NS, RRType.DS]);
  });

  it('treats everything below an apex DNAME as occluded (RFC 6672 §2.3)', () => {
    const zone = makeZone('example.', [SOA, '@ NS ns1.example.net.', '@ DNAME example.net.', 'www A 192.0.2.1']);
    expect(kinds(zone)).toEqual({ 'example.': 'apex', 'www.example.': 'occluded' });
    expect(classifyZone(zone).warnings.map((w) => w.code)).toEqual(['WARN_SIGN_OCCLUDED']);
  });

  it('makes a cut of NS plus DNAME at one non-apex name a delegation', () => {
    const zone = makeZone('example.', [SOA, '@ NS ns1', 'ns1 A 192.0.2.1', 'd NS ns.x.net.', 'd DNAME x.net.', 'a.d A 192.0.2.5']);
    expect(kinds(zone)['d.example.']).toBe('delegation');
    expect(kinds(zone)['a.d.example.']).toBe('glue');
  });

  it('drops the input DNSSEC data the signer replaces, with one warning per RRset', () => {
    const zone = makeZone('example.', [
      SOA, '@ NS ns1', 'ns1 A 192.0.2.1',
      '@ DNSKEY 257 3 13 AAAA', '@ CDS 1 13 2 aa', '@ CDNSKEY 257 3 13 AAAA', '@ DS 1 13 2 aa',
      '@ NSEC3PARAM \\# 5 0100000000', '@ RRSIG \\# 3 000000', 'ns1 NSEC \\# 3 000000',
      '0p9mhaveqvm6t7vbl5lop2u3t2rp3tom NSEC3 \\# 5 0100000000',
      'keys DNSKEY 256 3 13 AAAA',
    ]);
    const c = classifyZone(zone);
    expect(c.warnings).toHaveLength(8);
    expect(c.warnings.every((w) => w.code === 'WARN_SIGN_DROPPED_INPUT')).toBe(true);
    expect(c.owners.map((o) => o.name.toString())).toEqual(['example.', 'keys.example.', 'ns1.example.']);
    expect(c.owners[0]!.rrsets.map((r) => r.type)).toEqual([RRType.NS, RRType.SOA]);
    // A DNSKEY below the apex is ordinary data (RFC 4034 §2.1.1 zone keys live at the apex).
    expect(c.owners[1]!.rrsets.map((r) => r.type)).toEqual([RRType.DNSKEY]);
  });

  it('refuses a DS without NS, out-of-zone data, a missing SOA and unsorted input', () => {
    const code = (z: Zone) => {
      try {
        classifyZone(z);
        return 'ok';
      } catch (e) {
        return (e as { code: string }).code;
      }
    };
    expect(code(makeZone('example.', [SOA, '@ NS ns1', 'x DS 1 13 2 aa']))).toBe('ERR_SIGN_DS_NOT_AT_DELEGATION');
    expect(code(makeZone('example.', [SOA, 'www.example.net. A 192.0.2.1']))).toBe('ERR_SIGN_OUT_OF_ZONE');
    expect(code(makeZone('example.', ['@ NS ns1', 'ns1 A 192.0.2.1']))).toBe('ERR_SIGN_NO_SOA');
    expect(code(makeZone('example.', ['ns1 A 192.0.2.1']))).toBe('ERR_SIGN_NO_SOA');
    const z = makeZone('example.', [SOA, 'a A 192.0.2.1', 'b A 192.0.2.2']);
    expect(code({ ...z, rrsets: [...z.rrsets].reverse() })).toBe('ERR_SIGN_UNSORTED');
  });
});

describe('isSignedType', () => {
  it('signs all authoritative data, only the DS at a delegation, never glue, occluded data or RRSIG', () => {
    expect(isSignedType('apex', RRType.NS)).toBe(true);
    expect(isSignedType('authoritative', RRType.A)).toBe(true);
    expect(isSignedType('delegation', RRType.NS)).toBe(false);
    expect(isSignedType('delegation', RRType.DS)).toBe(true);
    expect(isSignedType('delegation', RRType.A)).toBe(false);
    expect(isSignedType('glue', RRType.A)).toBe(false);
    expect(isSignedType('occluded', RRType.A)).toBe(false);
    expect(isSignedType('authoritative', RRType.RRSIG)).toBe(false);
  });
});

describe('listEmptyNonTerminals', () => {
  it('derives each empty non-terminal once, in canonical order', () => {
    const origin = Name.parse('example.');
    const names = ['example.', 'a.b.c.example.', 'x.b.c.example.', 'c.example.', 'z.y.example.'].map((n) => Name.parse(n)).sort((a, b) => a.compare(b));
    expect(listEmptyNonTerminals(names, origin).map(String)).toEqual(['b.c.example.', 'y.example.']);
    expect(listEmptyNonTerminals([origin, Name.parse('a.example.')], origin)).toEqual([]);
  });
});
