/**
 * The patched-zone gate (src/verify/patch-gate.ts): a patched file passes;
 * a broken re-made signature, a stale one, a broken apex and a moved or
 * changed data line are each caught, or make the gate hand over to the
 * whole-zone gate (null). With the window of the published file's
 * signatures, the lines both files share are compared in bulk, and the same
 * breakage is still caught.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signZoneFile, type SignFileJob } from '../../src/signer/parallel/sign-file.ts';
import { verifyPatchedZoneFile } from '../../src/verify/patch-gate.ts';
import { Name } from '../../src/zone/name.ts';
import { ed25519Parallel, NOW } from '../signer/parallel-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'signet-patch-gate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const origin = Name.parse('example.');
const keys = [ed25519Parallel(7, 257, 'ksk'), ed25519Parallel(8, 256, 'zsk')];
const DAY = 86400;

function job(input: string, output: string, previous: string | null, now: number): SignFileJob {
  return {
    input, origin, output, previous, unchanged: previous !== null, now, keys, dnskeyTtl: 3600, validity: 14 * DAY, inceptionOffset: 3600,
    jitter: 12 * 3600, refresh: 5 * DAY, jitterSeed: `example.|${now}`, denial: { kind: 'nsec3', iterations: 0, salt: new Uint8Array(0), optOut: false },
    serialFor: (serial) => serial + Math.floor((now - NOW) / 3600) + 1, workers: 1,
  };
}

const input = join(dir, 'z.zone');
const first = join(dir, 'first.signed');
const hourLater = join(dir, 'hour.signed');
const tenDaysLater = join(dir, 'ten-days.signed');

beforeAll(async () => {
  const lines = ['$TTL 3600', '@ SOA ns1 hostmaster 2026010101 7200 3600 1209600 300', '@ NS ns1', 'ns1 A 192.0.2.1', 'sub NS ns.sub', 'ns.sub A 192.0.2.9'];
  for (let i = 0; i < 300; i++) lines.push(`h${i} A 10.0.${i >> 8}.${i & 255}`, `h${i} TXT "host ${i}"`);
  // An RRset of several records in the middle of the zone: a change in its RRSIG must bring its data lines along.
  lines.push('multi A 10.1.0.1', 'multi A 10.1.0.2', 'multi A 10.1.0.3');
  writeFileSync(input, lines.join('\n') + '\n');
  expect((await signZoneFile(job(input, first, null, NOW))).mode).toBe('signed');
  expect((await signZoneFile(job(input, hourLater, first, NOW + 3600))).mode).toBe('patched');
  const r = await signZoneFile(job(input, tenDaysLater, hourLater, NOW + 10 * DAY));
  expect(r.mode).toBe('patched');
  expect(r.stats.signaturesCreated).toBeGreaterThan(500);
});

/** The file with `line` (matched by a regexp) replaced. */
function tampered(path: string, name: string, find: RegExp, replace: (line: string) => string): string {
  const text = readFileSync(path, 'latin1');
  const m = find.exec(text);
  expect(m, String(find)).not.toBeNull();
  const out = join(dir, name);
  writeFileSync(out, text.slice(0, m!.index) + replace(m![0]) + text.slice(m!.index + m![0].length));
  return out;
}

const flipLastChar = (line: string): string => line.slice(0, -2) + (line.at(-2) === 'A' ? 'B' : 'A') + line.at(-1);

describe('verifyPatchedZoneFile', () => {
  it('passes a patched file: only the apex changed an hour later, most RRsets ten days later', async () => {
    const hour = await verifyPatchedZoneFile(first, hourLater, origin, { now: NOW + 3600 });
    expect(hour).not.toBeNull();
    expect(hour!.findings.filter((f) => f.severity === 'critical')).toEqual([]);
    expect(hour!.changed).toBe(0);
    expect(hour!.sha256).toBe(createHash('sha256').update(readFileSync(hourLater)).digest('hex'));
    const ten = await verifyPatchedZoneFile(hourLater, tenDaysLater, origin, { now: NOW + 10 * DAY, sampleSignatures: Infinity });
    expect(ten!.findings.filter((f) => f.severity === 'critical')).toEqual([]);
    expect(ten!.changed).toBeGreaterThan(500);
    expect(ten!.verified).toBeGreaterThanOrEqual(ten!.changed);
  });

  it('verifies only a sample of the re-made signatures when asked for few, and the first of each type', async () => {
    const r = await verifyPatchedZoneFile(hourLater, tenDaysLater, origin, { now: NOW + 10 * DAY, sampleSignatures: 50 });
    expect(r!.verified).toBeGreaterThan(10);
    expect(r!.verified).toBeLessThan(200);
  });

  it('finds a broken re-made signature', async () => {
    const bad = tampered(tenDaysLater, 'bad-sig.signed', /^h123\.example\.\t3600\tIN\tRRSIG\tA .*$/m, flipLastChar);
    const r = await verifyPatchedZoneFile(hourLater, bad, origin, { now: NOW + 10 * DAY, sampleSignatures: Infinity });
    expect(r!.findings.map((f) => `${f.code} ${f.owner} ${f.type}`)).toContain('SIGNATURE_INVALID h123.example. A');
  });

  it('finds a signature that is no longer valid, changed or not', async () => {
    // Checked at a time past the hour-later file's expirations: every unchanged line is stale.
    const r = await verifyPatchedZoneFile(first, hourLater, origin, { now: NOW + 20 * DAY });
    expect(r!.findings.some((f) => f.code === 'EXPIRATION_IN_PAST' && f.severity === 'critical')).toBe(true);
  });

  it('finds a broken apex signature', async () => {
    const bad = tampered(hourLater, 'bad-soa.signed', /^example\.\t\d+\tIN\tRRSIG\tSOA .*$/m, flipLastChar);
    const r = await verifyPatchedZoneFile(first, bad, origin, { now: NOW + 3600 });
    expect(r!.findings.map((f) => `${f.code} ${f.type}`)).toContain('SIGNATURE_INVALID SOA');
  });

  it('hands over (null) when a data line changed or the files do not line up', async () => {
    const changedData = tampered(hourLater, 'data.signed', /^h7\.example\.\t3600\tIN\tA\t10\.0\.0\.7$/m, (l) => l.replace('10.0.0.7', '10.0.0.8'));
    expect(await verifyPatchedZoneFile(first, changedData, origin, { now: NOW + 3600 })).toBeNull();
    const dropped = tampered(hourLater, 'dropped.signed', /^h8\.example\.\t3600\tIN\tTXT\t.*\n/m, () => '');
    expect(await verifyPatchedZoneFile(first, dropped, origin, { now: NOW + 3600 })).toBeNull();
  });
});

describe('verifyPatchedZoneFile with the published file\'s signature window (bulk comparison)', () => {
  /** The exact window of a file's signatures: the gate reading every line of the file against itself. */
  async function windowOf(path: string, now: number): Promise<{ validFrom: number; validUntil: number }> {
    const r = await verifyPatchedZoneFile(path, path, origin, { now });
    expect(r!.skipped).toBe(0);
    return { validFrom: r!.signaturesValidFrom!, validUntil: r!.signaturesValidUntil! };
  }

  it('skips the lines both files share and still reports the new file\'s window and digest', async () => {
    const previousSignatures = await windowOf(first, NOW + 3600);
    expect(previousSignatures.validFrom).toBeLessThanOrEqual(NOW);
    expect(previousSignatures.validUntil).toBeGreaterThan(NOW + 13 * DAY);
    const fast = await verifyPatchedZoneFile(first, hourLater, origin, { now: NOW + 3600, previousSignatures });
    const slow = await verifyPatchedZoneFile(first, hourLater, origin, { now: NOW + 3600 });
    expect(fast!.findings.filter((f) => f.severity === 'critical')).toEqual([]);
    expect(fast!.skipped).toBeGreaterThan(readFileSync(hourLater).length * 0.9);
    expect(fast!.signatures).toBeLessThan(slow!.signatures / 10);
    expect(fast!.sha256).toBe(slow!.sha256);
    // The window stays within what every signature allows.
    expect(fast!.signaturesValidFrom!).toBeGreaterThanOrEqual(slow!.signaturesValidFrom!);
    expect(fast!.signaturesValidUntil!).toBeLessThanOrEqual(slow!.signaturesValidUntil!);
  });

  it('re-made RRsets between shared regions are judged as before', async () => {
    const previousSignatures = await windowOf(hourLater, NOW + 10 * DAY);
    const fast = await verifyPatchedZoneFile(hourLater, tenDaysLater, origin, { now: NOW + 10 * DAY, sampleSignatures: Infinity, previousSignatures });
    const slow = await verifyPatchedZoneFile(hourLater, tenDaysLater, origin, { now: NOW + 10 * DAY, sampleSignatures: Infinity });
    expect(fast!.findings.filter((f) => f.severity === 'critical')).toEqual([]);
    expect(fast!.changed).toBe(slow!.changed);
    expect(fast!.verified).toBe(slow!.verified);
    const bad = tampered(tenDaysLater, 'bad-sig-fast.signed', /^h123\.example\.\t3600\tIN\tRRSIG\tA .*$/m, flipLastChar);
    const r = await verifyPatchedZoneFile(hourLater, bad, origin, { now: NOW + 10 * DAY, previousSignatures });
    expect(r!.findings.map((f) => `${f.code} ${f.owner} ${f.type}`)).toContain('SIGNATURE_INVALID h123.example. A');
  });

  it('steps back to the start of an RRset whose RRSIG differs, and verifies it whole', async () => {
    const previousSignatures = await windowOf(first, NOW + 3600);
    const bad = tampered(hourLater, 'bad-multi.signed', /^multi\.example\.\t3600\tIN\tRRSIG\tA .*$/m, flipLastChar);
    const r = await verifyPatchedZoneFile(first, bad, origin, { now: NOW + 3600, previousSignatures });
    expect(r).not.toBeNull();
    expect(r!.skipped).toBeGreaterThan(0);
    expect(r!.findings.map((f) => `${f.code} ${f.owner} ${f.type}`)).toContain('SIGNATURE_INVALID multi.example. A');
  });

  it('hands over (null) on a changed data line in a shared region', async () => {
    const previousSignatures = await windowOf(first, NOW + 3600);
    const changedData = tampered(hourLater, 'data-fast.signed', /^h7\.example\.\t3600\tIN\tA\t10\.0\.0\.7$/m, (l) => l.replace('10.0.0.7', '10.0.0.8'));
    expect(await verifyPatchedZoneFile(first, changedData, origin, { now: NOW + 3600, previousSignatures })).toBeNull();
    const dropped = tampered(hourLater, 'dropped-fast.signed', /^h8\.example\.\t3600\tIN\tTXT\t.*\n/m, () => '');
    expect(await verifyPatchedZoneFile(first, dropped, origin, { now: NOW + 3600, previousSignatures })).toBeNull();
  });

  it('reads every line when now is outside the window or the apex publishes something else', async () => {
    const previousSignatures = await windowOf(first, NOW + 3600);
    const late = await verifyPatchedZoneFile(first, hourLater, origin, { now: NOW + 20 * DAY, previousSignatures });
    expect(late!.skipped).toBe(0);
    expect(late!.findings.some((f) => f.code === 'EXPIRATION_IN_PAST' && f.severity === 'critical')).toBe(true);
    const otherSoa = tampered(hourLater, 'soa-refresh.signed', /^example\.\t\d+\tIN\tSOA\t.*$/m, (l) => l.replace(' 7200 ', ' 7201 '));
    const r = await verifyPatchedZoneFile(first, otherSoa, origin, { now: NOW + 3600, previousSignatures });
    expect(r!.skipped).toBe(0);
  });
});
