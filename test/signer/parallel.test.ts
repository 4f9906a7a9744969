import { describe, expect, it } from 'vitest';
import { BatchWriter, UNIT_SIGN } from '../../src/signer/parallel/batch.ts';
import { nsec3Hash } from '../../src/signer/nsec3-hash.ts';
import { SigningPool } from '../../src/signer/parallel/pool.ts';
import { signZoneParallel } from '../../src/signer/parallel/sign-parallel.ts';
import { signZone } from '../../src/signer/sign-zone.ts';
import { decodeRrsig } from '../../src/zone/dnssec-rdata.ts';
import { Name } from '../../src/zone/name.ts';
import { RRType } from '../../src/zone/types.ts';
import { verifyRrsig } from './helpers/inspect.ts';
import { baseOptions, describeSigned, ed25519Parallel, p256Parallel, variedZone } from './parallel-helpers.ts';

const zone = variedZone(250);

describe('signZoneParallel', () => {
  it('gives byte for byte what signZone gives, with Ed25519 in two workers', async () => {
    const keys = [ed25519Parallel(1, 257, 'ksk'), ed25519Parallel(2, 256, 'zsk')];
    const options = baseOptions(keys);
    const single = signZone(zone, options);
    const parallel = await signZoneParallel(zone, { ...options, workers: 2, parallelThreshold: 0 });
    expect(describeSigned(parallel)).toEqual(describeSigned(single));
    expect(parallel.stats).toEqual(single.stats);
    expect(parallel.stats.signaturesCreated).toBeGreaterThan(500);
  });

  it('with ECDSA P-256, has the same structure and every signature verifies', async () => {
    const keys = [p256Parallel(257, 'ksk'), p256Parallel(256, 'zsk')];
    const options = baseOptions(keys, { denial: { kind: 'nsec' } });
    const single = signZone(zone, options);
    const parallel = await signZoneParallel(zone, { ...options, workers: 3, parallelThreshold: 0 });
    expect(describeSigned(parallel, false)).toEqual(describeSigned(single, false));
    const dnskeys = parallel.rrsets.find((s) => s.rrset.type === RRType.DNSKEY)!.rrset.rdatas;
    for (const { rrset, signatures } of parallel.rrsets) {
      for (const sig of signatures) expect(verifyRrsig(rrset, sig, dnskeys)).toBe(true);
    }
  });

  it('signs small zones, and keys without worker material, in this thread with the same result', async () => {
    const keys = [ed25519Parallel(1, 257, 'ksk'), ed25519Parallel(2, 256, 'zsk')];
    const options = baseOptions(keys);
    const single = describeSigned(signZone(zone, options));
    expect(describeSigned(await signZoneParallel(zone, { ...options, workers: 2 }))).toEqual(single);
    const bare = keys.map((k) => ({ key: k.key, signs: k.signs }));
    expect(describeSigned(await signZoneParallel(zone, { ...options, keys: bare, workers: 2, parallelThreshold: 0 }))).toEqual(single);
  });

  it('reports progress up to the number of RRsets signed', async () => {
    const keys = [ed25519Parallel(1, 257, 'ksk'), ed25519Parallel(2, 256, 'zsk')];
    const seen: Array<[string, number, number | null]> = [];
    const signed = await signZoneParallel(zone, { ...baseOptions(keys), workers: 2, parallelThreshold: 0, progress: (p, d, t) => seen.push([p, d, t]) });
    expect(seen.at(-1)).toEqual(['done', signed.stats.rrsetsSigned, signed.stats.rrsetsSigned]);
    expect(seen.filter(([p]) => p === 'sign').map(([, d]) => d)).toEqual([...seen.filter(([p]) => p === 'sign').map(([, d]) => d)].sort((a, b) => a - b));
  });
});

describe('SigningPool', () => {
  it('passes a worker error back with its code', async () => {
    const key = ed25519Parallel(1, 257, 'csk');
    const pool = new SigningPool(1, { mode: 'rdata', keys: [key.material!], ksk: [0], zsk: [0], signer: Name.parse('example.').canonical, inception: 1 });
    try {
      const w = new BatchWriter();
      w.begin(UNIT_SIGN, Name.parse('example.').canonical, RRType.RRSIG, 1, 300, 2);
      w.rdata(new Uint8Array(20));
      await expect(pool.run(w.finish())).rejects.toMatchObject({ code: 'ERR_SIGN_RRSIG_RRSET' });
      // The worker survives a failed batch.
      w.begin(UNIT_SIGN, Name.parse('example.').canonical, RRType.A, 1, 300, 2);
      w.rdata(Uint8Array.of(192, 0, 2, 1));
      const { output, counts } = await pool.run(w.finish());
      expect(counts.created).toBe(1);
      expect(decodeRrsig(output.subarray(3)).keyTag).toBe(key.key.keyTag);
    } finally {
      await pool.close();
    }
  });

  it('also runs workers through the tsx loader (the fallback when esbuild cannot bundle)', async () => {
    const key = ed25519Parallel(1, 257, 'csk');
    const pool = new SigningPool(1, { mode: 'rdata', keys: [key.material!], ksk: [0], zsk: [0], signer: Name.parse('example.').canonical, inception: 1 }, 'tsx');
    try {
      const w = new BatchWriter();
      w.begin(UNIT_SIGN, Name.parse('example.').canonical, RRType.A, 1, 300, 2);
      w.rdata(Uint8Array.of(192, 0, 2, 1));
      expect((await pool.run(w.finish())).counts.created).toBe(1);
      expect(Buffer.from(await pool.hashNames(Name.parse('example.').canonical, 1, 0, new Uint8Array(0)))).toEqual(Buffer.from(nsec3Hash(Name.parse('example.'), 0, new Uint8Array(0))));
    } finally {
      await pool.close();
    }
  });

  it('refuses bad worker counts', () => {
    expect(() => new SigningPool(0, { mode: 'rdata', keys: [], ksk: [], zsk: [], signer: new Uint8Array(1), inception: 0 })).toThrow(expect.objectContaining({ code: 'ERR_SIGN_WORKERS' }));
  });
});
