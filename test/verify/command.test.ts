/** `signet verify FILE`: options, output formats and exit codes (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusKeys, dsLine, kskZsk, renderZone, signCorpus, withSet, tampered, name, ipv4 } from './helpers/corpus.ts';
import { runVerifyCli } from './helpers/run.ts';
import { RRType } from '../../src/zone/types.ts';

const NOW = 1_800_000_000;
const keys = corpusKeys();
const dir = mkdtempSync(join(tmpdir(), 'signet-verify-cmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const good = signCorpus({ now: NOW, keys: kskZsk(keys) });
const goodFile = join(dir, 'good.signed');
writeFileSync(goodFile, renderZone(good));
const badFile = join(dir, 'bad.signed');
writeFileSync(badFile, renderZone(withSet(good, name('www'), RRType.A, (s) => tampered(s, [ipv4('192.0.2.99')]))));
const anchorFile = join(dir, 'ksk.ds');
writeFileSync(anchorFile, dsLine(keys.ksk));
const run = (args: string[]) => runVerifyCli(args, { now: NOW, cwd: dir });

describe('text output (default)', () => {
  it('OK: a status line, the horizon and what was checked; exit 0', async () => {
    const r = await run(['verify', 'good.signed']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('OK example.test.: 0 critical findings, 0 warnings; earliest signature expiration 2027-01-29T08:00:00Z (in 14d)');
    expect(lines[1]).toMatch(/^ {2}checked 29 RRsets, 26 signatures, 2 DNSKEYs \(algorithm 13 \(ECDSAP256SHA256\)\), NSEC3$/);
  });

  it('CRITICAL: one line per finding with its code; exit 2', async () => {
    const r = await run(['verify', 'bad.signed']);
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/^CRITICAL example\.test\.: 1 critical finding, 0 warnings;/);
    expect(r.stdout).toContain('  critical SIGNATURE_INVALID: the RRSIG by key');
  });
});

describe('--json and --format', () => {
  it('--json (global) gives the JSON report', async () => {
    const r = await run(['--json', 'verify', 'bad.signed']);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ zone: 'example.test.', status: 'CRITICAL', exitCode: 2, now: '2027-01-15T08:00:00Z', horizon: '2027-01-29T08:00:00Z', horizonSeconds: 14 * 86400 });
    expect(j.findings).toEqual([expect.objectContaining({ code: 'SIGNATURE_INVALID', severity: 'critical', owner: 'www.example.test.', type: 'A' })]);
    expect(j.stats.findings).toEqual({ critical: 1, warning: 0, info: 0 });
    expect(r.status).toBe(2);
  });

  it('--format json is the same as --json', async () => {
    expect((await run(['verify', 'good.signed', '--format', 'json'])).stdout).toBe((await run(['--json', 'verify', 'good.signed'])).stdout);
  });

  it('--format prometheus writes a textfile-collector file', async () => {
    const r = await run(['verify', 'bad.signed', '--format', 'prometheus']);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('# TYPE signet_zone_signature_horizon_seconds gauge\nsignet_zone_signature_horizon_seconds{zone="example.test."} 1209600\n');
    expect(r.stdout).toContain('signet_zone_findings{zone="example.test.",severity="critical"} 1\n');
    expect(r.stdout).toContain('signet_zone_status{zone="example.test."} 2\n');
    expect(r.stdout).toContain(`signet_zone_verify_timestamp_seconds{zone="example.test."} ${NOW}\n`);
    expect(r.stdout).not.toContain('rollover');
  });
});

describe('options', () => {
  it('--anchor: the parent\'s DS; a foreign one is critical', async () => {
    expect((await run(['verify', 'good.signed', '--anchor', 'ksk.ds'])).status).toBe(0);
    const foreign = join(dir, 'foreign.ds');
    writeFileSync(foreign, dsLine(keys.foreign));
    const r = await run(['--json', 'verify', 'good.signed', '--anchor', 'ksk.ds', '--anchor', foreign]);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: { code: string }) => f.code)).toEqual(['DS_MATCHES_NO_DNSKEY', 'MISSING_SEP_FOR_ALG']);
  });

  it('--origin must match the SOA', async () => {
    expect((await run(['verify', 'good.signed', '--origin', 'example.test'])).status).toBe(0);
    const r = await run(['verify', 'good.signed', '--origin', 'other.test.']);
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('not at the origin other.test.');
  });

  it('--origin completes relative names in a file without $ORIGIN', async () => {
    const relative = join(dir, 'relative.signed');
    // A marker no record's text can hold (a lone letter could be part of a signature's base64).
    writeFileSync(relative, renderZone(good).replaceAll('example.test.', '\u00a7').replaceAll('.\u00a7', '').replaceAll('\u00a7', '@'));
    const r = await run(['verify', relative, '--origin', 'example.test.']);
    expect(r.stdout.split('\n')[0]).toMatch(/^OK example\.test\./);
  });
});

describe('UNKNOWN (exit 3): the check could not run', () => {
  it('a missing file', async () => {
    const r = await run(['verify', 'missing.signed']);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/^signet: error: .*missing\.signed.*cannot read/);
    expect(r.stdout).toMatch(/^UNKNOWN /);
  });

  it('a parse error, with file and line', async () => {
    const broken = join(dir, 'broken.signed');
    writeFileSync(broken, 'example.test. 3600 IN SOA ns hm 1 2 3 4 5\nwww.example.test. 3600 IN A 999.1.1.1\n');
    const r = await run(['--json', 'verify', broken]);
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('broken.signed:2:');
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'UNKNOWN', exitCode: 3, error: { code: expect.stringMatching(/^ERR_/) } });
  });

  it('a file with no SOA', async () => {
    const nosoa = join(dir, 'nosoa.signed');
    writeFileSync(nosoa, 'www.example.test. 3600 IN A 192.0.2.1\n');
    const r = await run(['verify', nosoa, '--format', 'prometheus']);
    expect(r.status).toBe(3);
    expect(r.stdout).toContain('signet_zone_status{zone="');
    expect(r.stdout).toMatch(/signet_zone_status\{zone="[^"]*"\} 3\n/);
    expect(r.stdout).not.toContain('signet_zone_findings');
  });

  it('bad --warn, --crit, --format', async () => {
    for (const args of [['--warn', 'soon'], ['--crit', '-1'], ['--format', 'xml']]) {
      const r = await run(['verify', 'good.signed', ...args]);
      expect(r.status, args.join(' ')).toBe(3);
      expect(r.stderr).toMatch(/^signet: error: /);
    }
  });

  it('an anchor file for another zone, or with no DS or DNSKEY', async () => {
    const other = join(dir, 'other.ds');
    writeFileSync(other, 'other.test. 3600 IN DS 1 13 2 00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF\n');
    const r = await run(['verify', 'good.signed', '--anchor', other]);
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('not for the zone example.test.');
    const empty = join(dir, 'empty.ds');
    writeFileSync(empty, '; nothing\n');
    expect((await run(['verify', 'good.signed', '--anchor', empty])).status).toBe(3);
  });
});
