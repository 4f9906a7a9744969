import { describe, expect, it } from 'vitest';
import { fromHex, toBase32Hex } from '../../src/core/bytes.ts';
import { createNsec3Hasher, nsec3Hash } from '../../src/signer/nsec3-hash.ts';
import { Name } from '../../src/zone/name.ts';
import { RFC5155_EXTRA_HASHES, RFC5155_HASHES } from '../fixtures/signer/rfc5155-appendix-a.ts';

const hashText = (name: string, iterations: number, saltHex: string) => toBase32Hex(nsec3Hash(Name.parse(name), iterations, fromHex(saltHex)!));

describe('NSEC3 hash (RFC 5155 §5)', () => {
  it('RFC 9276 defaults: H(example) with empty salt and 0 iterations', () => {
    expect(hashText('example.', 0, '')).toBe('3msev9usmd4br9s97v51r2tdvmr9iqo1');
  });

  it('matches the RFC 5155 Appendix A hashes (salt aabbccdd, 12 iterations)', () => {
    const hasher = createNsec3Hasher(12, fromHex('aabbccdd')!);
    for (const [name, expected] of [...RFC5155_HASHES, ...RFC5155_EXTRA_HASHES]) {
      expect(toBase32Hex(hasher.hashName(Name.parse(name))), name).toBe(expected);
    }
  });

  it('matches the RFC 7129 and miekg/dns vectors (research §6.5)', () => {
    expect(hashText('example.org.', 2, 'dead')).toBe('15bg9l6359f5ch23e34ddua6n1rihl9h');
    expect(hashText('dnsex.nl.', 0, 'dead')).toBe('roccjae8bjju7hn6t7ng3tnm8acrs87j');
    expect(hashText('a.b.c.example.org.', 2, 'dead')).toBe('6lq07oahbtooeu2r9ani2at70k5o0rcg');
  });

  it('hashes the canonical (lowercased) name', () => {
    expect(hashText('EXAMPLE.', 0, '')).toBe(hashText('example.', 0, ''));
    expect(hashText('Ns1.Example.', 12, 'aabbccdd')).toBe('2t7b4g4vsa5smi47k61mv5bv1a22bojr');
  });

  it('reuses its scratch buffer without mixing names up', () => {
    const hasher = createNsec3Hasher(1, fromHex('01')!);
    const long = Name.parse(`${'a'.repeat(60)}.${'b'.repeat(60)}.example.`);
    const a = toBase32Hex(hasher.hashName(long));
    const b = toBase32Hex(hasher.hashName(Name.parse('x.')));
    expect(toBase32Hex(hasher.hashName(long))).toBe(a);
    expect(toBase32Hex(hasher.hashName(Name.parse('x.')))).toBe(b);
  });

  it('rejects parameters that do not fit the wire fields', () => {
    expect(() => createNsec3Hasher(65536, new Uint8Array())).toThrow(expect.objectContaining({ code: 'ERR_NSEC3_ITERATIONS' }));
    expect(() => createNsec3Hasher(-1, new Uint8Array())).toThrow(expect.objectContaining({ code: 'ERR_NSEC3_ITERATIONS' }));
    expect(() => createNsec3Hasher(0, new Uint8Array(256))).toThrow(expect.objectContaining({ code: 'ERR_NSEC3_SALT' }));
  });
});
