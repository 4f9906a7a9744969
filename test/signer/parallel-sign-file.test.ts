/** signZoneFile: the manager's one call (full sign, reuse, patch), and readSoaSerial. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { digestZone } from '../../src/manager/rollover-input.ts';
import { readSoaSerial } from '../../src/signer/parallel/fast-load.ts';
import { signZoneFile } from '../../src/signer/parallel/sign-file.ts';
import type { SignFileJob } from '../../src/signer/parallel/sign-file.ts';
import { loadZone } from '../../src/zone/load.ts';
import { Name } from '../../src/zone/name.ts';
import { runLdnsVerifyZone } from '../helpers/interop/validators.ts';
import { ed25519Parallel, NOW } from './parallel-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'signet-sign-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const origin = Name.parse('example.');
const keys = [ed25519Parallel(1, 257, 'ksk'), ed25519Parallel(2, 256, 'zsk')];

function zoneText(extra = ''): string {
  const lines = ['$TTL 3600', '; a comment first', '@ SOA ns1 hostmaster 2024010101 7200 3600 1209600 300', '@ NS ns1', 'ns1 A 192.0.2.1'];
  for (let i = 0; i < 100; i++) lines.push(`h${i} A 10.0.0.${i}`);
  return lines.join('\n') + '\n' + extra;
}

function job(input: string, output: string, now: number, overrides: Partial<SignFileJob> = {}): SignFileJob {
  return {
    input, origin, output, now, keys, dnskeyTtl: 3600, validity: 14 * 86400, inceptionOffset: 3600, jitter: 12 * 3600,
    refresh: 5 * 86400, jitterSeed: `example.|${now}`, denial: { kind: 'nsec3', iterations: 0, salt: new Uint8Array(0), optOut: false },
    serialFor: (input) => input + 1, workers: 1, ...overrides,
  };
}

describe('signZoneFile', () => {
  it('signs, then patches an unchanged zone, then signs a changed one with what it can keep', async () => {
    const input = join(dir, 'a.zone');
    const output = join(dir, 'a.signed');
    writeFileSync(input, zoneText());
    const full = await signZoneFile(job(input, output, NOW));
    expect(full).toMatchObject({ mode: 'signed', serial: 2024010102 });
    expect(full.stats.signaturesReused).toBe(0);
    const zone = await loadZone(input, origin);
    expect({ digest: full.digest, maxTtl: full.maxTtl }).toEqual(digestZone(zone));

    const patched = await signZoneFile(job(input, output, NOW + 3600, { unchanged: true }));
    expect(patched).toMatchObject({ mode: 'patched', serial: 2024010102, digest: null });
    expect(patched.stats.signaturesCreated).toBe(1);
    expect((await runLdnsVerifyZone(output, { at: NOW + 7200 })).ok).toBe(true);

    writeFileSync(input, zoneText('new A 192.0.2.99\n'));
    const changed = await signZoneFile(job(input, output, NOW + 7200, { serialFor: () => 2024010103 }));
    expect(changed.mode).toBe('signed');
    // The new A, its NSEC3 and its predecessor's, the SOA.
    expect(changed.stats.signaturesCreated).toBe(4);
    const v = await runLdnsVerifyZone(output, { at: NOW + 7200 });
    expect(v.ok, v.output).toBe(true);
    expect(readFileSync(output, 'latin1')).toMatch(/^; signed by signet, serial 2024010103\n/);
  });

  it('signs names while the zone is read, in workers, with the same bytes as in this thread', async () => {
    const input = join(dir, 'w.zone');
    // Names in two runs, a delegation with glue, and a name below a DNAME: their early signatures must not be used.
    writeFileSync(input, zoneText('h5 TXT "again"\nh6 A 10.9.9.9\nsub NS ns.sub\nns.sub A 192.0.2.50\nd DNAME x.test.\ny.d A 192.0.2.51\n'));
    const one = await signZoneFile(job(input, join(dir, 'w1.signed'), NOW, { previous: null }));
    const two = await signZoneFile(job(input, join(dir, 'w2.signed'), NOW, { previous: null, workers: 2, parallelThreshold: 0, speculate: true }));
    expect(two.signedWhileReading).toBeGreaterThan(50);
    expect(readFileSync(join(dir, 'w2.signed'), 'latin1')).toBe(readFileSync(join(dir, 'w1.signed'), 'latin1'));
    expect(two.stats).toEqual(one.stats);
  });

  it('signs everything when there is no previous output, even if told the input is unchanged', async () => {
    const input = join(dir, 'b.zone');
    writeFileSync(input, zoneText());
    const r = await signZoneFile(job(input, join(dir, 'b.signed'), NOW, { unchanged: true, previous: join(dir, 'none.signed') }));
    expect(r.mode).toBe('signed');
    expect(r.stats.signaturesReused).toBe(0);
  });
});

describe('readSoaSerial', () => {
  it('reads the serial from the first records only', async () => {
    const path = join(dir, 'c.zone');
    writeFileSync(path, zoneText());
    expect(await readSoaSerial(path, origin)).toBe(2024010101);
    writeFileSync(path, `$TTL 300\n${Array.from({ length: 20 }, (_, i) => `x${i} A 10.0.0.1`).join('\n')}\n@ SOA ns1 hm 7 1 1 1 1\n`);
    expect(await readSoaSerial(path, origin, 10)).toBeNull();
    expect(await readSoaSerial(path, origin)).toBe(7);
    expect(await readSoaSerial(join(dir, 'missing.zone'), origin)).toBeNull();
  });
});
