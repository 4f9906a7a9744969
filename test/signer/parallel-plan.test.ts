import { describe, expect, it } from 'vitest';
import { sortHashes } from '../../src/signer/parallel/compact-plan.ts';

function reference(raw: Uint8Array, n: number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  return idx.sort((x, y) => Buffer.compare(raw.subarray(x * 20, x * 20 + 20), raw.subarray(y * 20, y * 20 + 20)) || x - y);
}

describe('sortHashes', () => {
  it('orders 20-octet hashes like a byte comparison, stable, also when their first 64 bits agree', () => {
    const n = 5000;
    const raw = new Uint8Array(n * 20);
    let x = 12345;
    for (let i = 0; i < raw.length; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      raw[i] = x >>> 24;
    }
    // Hashes that share their first 8 octets, or all 20, with others.
    for (let j = 1; j < 300; j++) raw.copyWithin(j * 20, 0, 8);
    for (let j = 300; j < 320; j++) raw.copyWithin(j * 20, 400 * 20, 401 * 20);
    expect(Array.from(sortHashes(raw, n))).toEqual(reference(raw, n));
    expect(Array.from(sortHashes(raw.subarray(0, 20), 1))).toEqual([0]);
  });
});
