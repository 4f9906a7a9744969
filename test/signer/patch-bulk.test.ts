/**
 * The patch's bulk copy (src/signer/parallel/patch.ts): with the published
 * file's SHA-256 and the window of its signatures, an unchanged zone whose
 * signatures all reach beyond the refresh horizon is patched by re-signing
 * the apex and copying everything below it as it is. The output must be the
 * one the line-by-line patch writes; a file that is not the one published
 * is not patched; a window that does not reach the horizon means line by line.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublishedOutput } from '../../src/signer/parallel/patch.ts';
import { signZoneFile, type SignFileJob } from '../../src/signer/parallel/sign-file.ts';
import { verifyPatchedZoneFile } from '../../src/verify/patch-gate.ts';
import { Name } from '../../src/zone/name.ts';
import { ed25519Parallel, NOW } from './parallel-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'signet-patch-bulk-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const origin = Name.parse('example.');
const keys = [ed25519Parallel(7, 257, 'ksk'), ed25519Parallel(8, 256, 'zsk')];
const DAY = 86400;
const input = join(dir, 'z.zone');
const first = join(dir, 'first.signed');

function job(output: string, previous: string | null, now: number, published?: PublishedOutput): SignFileJob {
  return {
    input, origin, output, previous, unchanged: previous !== null, now, keys, dnskeyTtl: 3600, validity: 14 * DAY, inceptionOffset: 3600,
    jitter: 12 * 3600, refresh: 5 * DAY, jitterSeed: `example.|${now}`, denial: { kind: 'nsec3', iterations: 0, salt: new Uint8Array(0), optOut: false },
    serialFor: (serial) => serial + Math.floor((now - NOW) / 3600) + 1, workers: 1, ...(published ? { published } : {}),
  };
}

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** What published_files would hold for `path`: its digest and its signatures' window as a gate reads it. */
async function publishedOf(path: string, now: number): Promise<PublishedOutput> {
  const r = await verifyPatchedZoneFile(path, path, origin, { now });
  return { sha256: sha256(path), signaturesValidFrom: r!.signaturesValidFrom, signaturesValidUntil: r!.signaturesValidUntil };
}

beforeAll(async () => {
  const lines = ['$TTL 3600', '@ SOA ns1 hostmaster 2026010101 7200 3600 1209600 300', '@ NS ns1', 'ns1 A 192.0.2.1', 'sub NS ns.sub', 'ns.sub A 192.0.2.9'];
  for (let i = 0; i < 300; i++) lines.push(`h${i} A 10.0.${i >> 8}.${i & 255}`, `h${i} TXT "host ${i}"`);
  writeFileSync(input, lines.join('\n') + '\n');
  expect((await signZoneFile(job(first, null, NOW))).mode).toBe('signed');
});

describe('patch: bulk copy below the apex', () => {
  it('writes what the line-by-line patch writes, and counts the same signatures', async () => {
    const published = await publishedOf(first, NOW + 3600);
    const slow = await signZoneFile(job(join(dir, 'slow.signed'), first, NOW + 3600));
    const bulk = await signZoneFile(job(join(dir, 'bulk.signed'), first, NOW + 3600, published));
    expect(slow.mode).toBe('patched');
    expect(bulk.mode).toBe('patched');
    expect(readFileSync(join(dir, 'bulk.signed')).equals(readFileSync(join(dir, 'slow.signed')))).toBe(true);
    expect(bulk.stats.signatures).toBe(slow.stats.signatures);
    expect(bulk.stats.signaturesCreated).toBe(slow.stats.signaturesCreated);
    expect(bulk.stats.rrsetsSigned).toBe(slow.stats.rrsetsSigned);
    expect(bulk.stats.earliestExpiration).toBeLessThanOrEqual(slow.stats.earliestExpiration);
  });

  it('relies on the window below the apex, and on nothing else than the published file', async () => {
    // A signature below the apex made stale by hand: the line-by-line patch makes it again;
    // the bulk copy, told by the window that every signature is good, copies it.
    const text = readFileSync(first, 'latin1');
    const stale = text.replace(/^(h5\.example\.\t3600\tIN\tRRSIG\tA \d+ \d+ \d+ )\d{14}/m, '$1' + '20200101000000');
    expect(stale).not.toBe(text);
    const edited = join(dir, 'edited.signed');
    writeFileSync(edited, stale, 'latin1');
    const window = await publishedOf(first, NOW + 3600);
    const slow = await signZoneFile(job(join(dir, 'e-slow.signed'), edited, NOW + 3600));
    const bulk = await signZoneFile(job(join(dir, 'e-bulk.signed'), edited, NOW + 3600, { ...window, sha256: sha256(edited) }));
    expect(bulk.stats.signaturesCreated).toBe(slow.stats.signaturesCreated - 1);
    // The same window, but the file is not the one published: signed from the zone instead.
    const other = await signZoneFile(job(join(dir, 'e-other.signed'), edited, NOW + 3600, window));
    expect(other.mode).toBe('signed');
  });

  it('goes line by line when signatures reach the refresh horizon', async () => {
    const published = await publishedOf(first, NOW + 10 * DAY);
    const slow = await signZoneFile(job(join(dir, 'late-slow.signed'), first, NOW + 10 * DAY));
    const bulk = await signZoneFile(job(join(dir, 'late-bulk.signed'), first, NOW + 10 * DAY, published));
    expect(slow.stats.signaturesCreated).toBeGreaterThan(500);
    expect(bulk.stats.signaturesCreated).toBe(slow.stats.signaturesCreated);
    expect(readFileSync(join(dir, 'late-bulk.signed')).equals(readFileSync(join(dir, 'late-slow.signed')))).toBe(true);
  });

  it('writes the same file with a pool of workers as in one thread', async () => {
    const one = await signZoneFile(job(join(dir, 'one.signed'), first, NOW + 10 * DAY));
    const two = await signZoneFile({ ...job(join(dir, 'two.signed'), first, NOW + 10 * DAY), workers: 2, parallelThreshold: 0 });
    expect(two.mode).toBe('patched');
    expect(two.stats.signaturesCreated).toBe(one.stats.signaturesCreated);
    expect(readFileSync(join(dir, 'two.signed')).equals(readFileSync(join(dir, 'one.signed')))).toBe(true);
  });
});
