import { describe, expect, it } from 'vitest';
import { checkValidityOptions, hashedJitter, seededSequence, signatureExpiration, signatureInception } from '../../src/signer/validity.ts';
import { Name } from '../../src/zone/name.ts';

const v = { validity: 14 * 86400, inceptionOffset: 3600, jitter: 12 * 3600 };
const now = 1_800_000_000;

describe('signature validity', () => {
  it('sets inception back by the offset and expiration to now + validity − jitter', () => {
    expect(signatureInception(now, v)).toBe(now - 3600);
    expect(signatureExpiration(now, v, 0)).toBe(now + v.validity);
    expect(signatureExpiration(now, v, 0.999999999)).toBe(now + v.validity - v.jitter);
    expect(signatureExpiration(now, { ...v, jitter: 0 }, 0.7)).toBe(now + v.validity);
  });

  it('draws the jitter uniformly over [0, jitter]', () => {
    const small = { ...v, jitter: 3 };
    const seen = new Set<number>();
    const random = seededSequence('uniform');
    for (let i = 0; i < 200; i++) seen.add(now + small.validity - signatureExpiration(now, small, random(Name.root, 1)));
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
  });

  it('rejects bad settings and bad random values', () => {
    const code = (f: () => unknown) => {
      try {
        f();
        return 'ok';
      } catch (e) {
        return (e as { code: string }).code;
      }
    };
    expect(code(() => checkValidityOptions(v))).toBe('ok');
    expect(code(() => checkValidityOptions({ ...v, validity: 0 }))).toBe('ERR_SIGN_BAD_VALIDITY');
    expect(code(() => checkValidityOptions({ ...v, jitter: v.validity }))).toBe('ERR_SIGN_BAD_VALIDITY');
    expect(code(() => checkValidityOptions({ ...v, inceptionOffset: -1 }))).toBe('ERR_SIGN_BAD_VALIDITY');
    expect(code(() => checkValidityOptions({ ...v, validity: 1.5 }))).toBe('ERR_SIGN_BAD_VALIDITY');
    expect(code(() => checkValidityOptions({ ...v, validity: 2 ** 31 }))).toBe('ERR_SIGN_BAD_VALIDITY');
    expect(code(() => signatureExpiration(now, v, 1))).toBe('ERR_SIGN_BAD_RANDOM');
    expect(code(() => signatureExpiration(now, v, Number.NaN))).toBe('ERR_SIGN_BAD_RANDOM');
  });
});

describe('jitter sources', () => {
  const a = Name.parse('a.example.');
  const b = Name.parse('b.example.');

  it('hashedJitter depends only on seed, owner (case-insensitively) and type', () => {
    const j = hashedJitter('example./1800000000');
    const again = hashedJitter('example./1800000000');
    expect(j(a, 1)).toBe(again(a, 1));
    expect(j(Name.parse('A.EXAMPLE.'), 1)).toBe(j(a, 1));
    expect(j(a, 1)).not.toBe(j(a, 28));
    expect(j(a, 1)).not.toBe(j(b, 1));
    expect(hashedJitter('other')(a, 1)).not.toBe(j(a, 1));
    // Call order does not matter.
    const first = j(b, 1);
    j(a, 1);
    expect(j(b, 1)).toBe(first);
  });

  it('both sources stay in [0, 1) and spread out', () => {
    const h = hashedJitter('spread');
    const s = seededSequence('spread');
    const hv: number[] = [];
    const sv: number[] = [];
    for (let i = 0; i < 1000; i++) {
      hv.push(h(Name.parse(`n${i}.example.`), 1));
      sv.push(s(a, 1));
    }
    for (const values of [hv, sv]) {
      expect(values.every((x) => x >= 0 && x < 1)).toBe(true);
      const mean = values.reduce((x, y) => x + y, 0) / values.length;
      expect(mean).toBeGreaterThan(0.45);
      expect(mean).toBeLessThan(0.55);
    }
  });

  it('seededSequence repeats for the same seed', () => {
    const x = seededSequence('seed');
    const y = seededSequence('seed');
    for (let i = 0; i < 5; i++) expect(x(a, 1)).toBe(y(a, 1));
    expect(seededSequence('other')(a, 1)).not.toBe(seededSequence('seed')(a, 1));
  });
});
