/**
 * The broken-zone corpus (issue 4): each case is broken in one way, gets its
 * own finding code and exit 2 from `signet verify`, and an independent
 * verifier (ldns-verify-zone, dnssec-verify or named-checkzone) rejects the
 * same file, so the corpus is honest. Valid zones exit 0 and pass the
 * external verifiers; a zone expiring within --warn exits 1.
 *
 * The zones are signed around the wall clock: dnssec-verify and
 * named-checkzone have no clock option.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { wallClockNow } from '../../src/core/clock.ts';
import type { Finding } from '../../src/verify/finding.ts';
import { BROKEN_CASES, VALID_CASES } from './helpers/cases.ts';
import type { BuiltCase } from './helpers/cases.ts';
import { corpusKeys, kskZsk, renderZone, signCorpus } from './helpers/corpus.ts';
import { runExternal, runVerifyCli } from './helpers/run.ts';

const NOW = wallClockNow();
const DAY = 86400;
const keys = corpusKeys();
const dir = mkdtempSync(join(tmpdir(), 'signet-verify-corpus-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function write(built: BuiltCase): { file: string; anchor?: string } {
  const n = ++counter;
  const file = join(dir, `zone-${n}.signed`);
  writeFileSync(file, renderZone(built.zone));
  if (built.anchor === undefined) return { file };
  const anchor = join(dir, `zone-${n}.anchor`);
  writeFileSync(anchor, built.anchor);
  return { file, anchor };
}

async function verifyJson(file: string, anchor: string | undefined, extra: readonly string[] = []) {
  const r = await runVerifyCli(['--json', 'verify', file, ...(anchor ? ['--anchor', anchor] : []), ...extra], { now: NOW });
  return { status: r.status, stderr: r.stderr, report: JSON.parse(r.stdout) as { status: string; findings: Finding[] } };
}

describe('broken zones: one finding code each, exit 2, and an external verifier agrees', () => {
  it('every case has a code of its own', () => {
    const codes = BROKEN_CASES.map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  for (const c of BROKEN_CASES) {
    it(`${c.name}: ${c.code}; ${c.rejectedBy} rejects it too`, async () => {
      const { file, anchor } = write(c.build(NOW, keys));
      const { status, report } = await verifyJson(file, anchor);
      expect(status).toBe(2);
      expect(report.status).toBe('CRITICAL');
      const hit = report.findings.find((f) => f.code === c.code);
      expect(hit, JSON.stringify(report.findings, null, 1)).toBeDefined();
      expect(hit!.severity).toBe('critical');
      expect(hit!.message).toMatch(/: /);
      // No other case's code shows up, unless the failure implies it.
      const others = new Set(BROKEN_CASES.map((x) => x.code).filter((x) => x !== c.code));
      const implied: Record<string, string[]> = { NSEC3_BAD_HASH: ['NSEC3_CHAIN_GAP'] };
      const stray = report.findings.map((f) => f.code).filter((x) => others.has(x) && !(implied[c.code] ?? []).includes(x));
      expect(stray).toEqual([]);

      const ext = runExternal(c.rejectedBy, file, { now: NOW, origin: 'example.test.', ...(anchor ? { anchor } : {}) });
      expect(ext.status, ext.output).not.toBe(0);
    });
  }
});

describe('valid zones: exit 0, and the external verifiers accept them', () => {
  for (const v of VALID_CASES) {
    it(v.name, async () => {
      const { file, anchor } = write(v.build(NOW, keys));
      const { status, report } = await verifyJson(file, anchor);
      expect(report.findings).toEqual([]);
      expect(status).toBe(0);
      const ldns = runExternal('ldns-verify-zone', file, { now: NOW, origin: 'example.test.', ...(anchor ? { anchor } : {}) });
      expect(ldns.status, ldns.output).toBe(0);
      const bind = runExternal('dnssec-verify', file, { now: NOW, origin: 'example.test.', csk: v.csk === true });
      expect(bind.status, bind.output).toBe(0);
      const load = runExternal('named-checkzone', file, { now: NOW, origin: 'example.test.' });
      expect(load.status, load.output).toBe(0);
    });
  }
});

describe('the signature horizon against --warn and --crit', () => {
  it('a zone expiring within --warn (default 5d) exits 1', async () => {
    const { file } = write({ zone: signCorpus({ now: NOW, keys: kskZsk(keys), validity: 4 * DAY }) });
    const { status, report } = await verifyJson(file, undefined);
    expect(status).toBe(1);
    expect(report.status).toBe('WARNING');
    expect(report.findings.map((f) => [f.code, f.severity])).toEqual([['SIGNATURE_EXPIRES_SOON', 'warning']]);
    // Still a valid zone for the external verifiers.
    expect(runExternal('ldns-verify-zone', file, { now: NOW, origin: 'example.test.' }).status).toBe(0);
  });

  it('a zone expiring within --crit (default 2d) exits 2', async () => {
    const { file } = write({ zone: signCorpus({ now: NOW, keys: kskZsk(keys), validity: DAY }) });
    const { status, report } = await verifyJson(file, undefined);
    expect(status).toBe(2);
    expect(report.findings.map((f) => [f.code, f.severity])).toEqual([['SIGNATURE_EXPIRES_SOON', 'critical']]);
  });

  it('--warn and --crit move the thresholds', async () => {
    const { file } = write({ zone: signCorpus({ now: NOW, keys: kskZsk(keys) }) });
    expect((await verifyJson(file, undefined)).status).toBe(0);
    expect((await verifyJson(file, undefined, ['--warn', '20d'])).status).toBe(1);
    expect((await verifyJson(file, undefined, ['--warn', '20d', '--crit', '15d'])).status).toBe(2);
  });
});
