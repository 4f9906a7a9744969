/**
 * No false alarms: zones signed by BIND (dnssec-signzone) and ldns
 * (ldns-signzone), with NSEC, NSEC3 and NSEC3 Opt-Out, verify without
 * findings, with the DS that dnssec-dsfromkey prints as the anchor.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { wallClockNow } from '../../src/core/clock.ts';
import { OPT_OUT_ZONE_TEXT } from './helpers/cases.ts';
import { runVerifyCli } from './helpers/run.ts';

const dir = mkdtempSync(join(tmpdir(), 'signet-verify-interop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const zoneFile = join(dir, 'example.test.zone');
writeFileSync(zoneFile, OPT_OUT_ZONE_TEXT);

function tool(cmd: string, args: readonly string[]): string {
  return execFileSync(cmd, args, { cwd: dir, encoding: 'utf8', timeout: 60_000 }).trim();
}

async function verify(file: string, anchor: string) {
  // ldns-signzone puts the inception at the second it signs: judge at a time after that.
  const r = await runVerifyCli(['--json', 'verify', file, '--anchor', anchor], { now: wallClockNow() + 1 });
  return { status: r.status, findings: (JSON.parse(r.stdout) as { findings: { code: string }[] }).findings.map((f) => f.code) };
}

describe('zones signed by BIND', () => {
  const ksk = tool('dnssec-keygen', ['-q', '-K', dir, '-a', 'ECDSAP256SHA256', '-f', 'KSK', 'example.test.']);
  const zsk = tool('dnssec-keygen', ['-q', '-K', dir, '-a', 'ECDSAP256SHA256', 'example.test.']);
  const withKeys = join(dir, 'bind.zone');
  writeFileSync(withKeys, OPT_OUT_ZONE_TEXT + readFileSync(join(dir, `${ksk}.key`), 'utf8') + readFileSync(join(dir, `${zsk}.key`), 'utf8'));
  const anchor = join(dir, 'bind.ds');
  writeFileSync(anchor, tool('dnssec-dsfromkey', ['-2', join(dir, `${ksk}.key`)]) + '\n');

  for (const [label, args] of [['NSEC', []], ['NSEC3', ['-3', '-']], ['NSEC3 Opt-Out', ['-3', '-', '-A']]] as const) {
    it(label, async () => {
      const out = join(dir, `bind-${label.replace(/\W/g, '')}.signed`);
      tool('dnssec-signzone', ['-q', '-K', dir, '-d', dir, '-o', 'example.test.', ...args, '-f', out, withKeys]);
      expect(await verify(out, anchor)).toEqual({ status: 0, findings: [] });
    });
  }
});

describe('zones signed by ldns', () => {
  const ksk = tool('ldns-keygen', ['-a', 'ECDSAP256SHA256', '-k', 'example.test.']);
  const zsk = tool('ldns-keygen', ['-a', 'ECDSAP256SHA256', 'example.test.']);
  for (const [label, args] of [['NSEC', []], ['NSEC3', ['-n', '-t', '0']], ['NSEC3 Opt-Out', ['-n', '-t', '0', '-p']]] as const) {
    it(label, async () => {
      const out = join(dir, `ldns-${label.replace(/\W/g, '')}.signed`);
      tool('ldns-signzone', [...args, '-o', 'example.test.', '-f', out, zoneFile, join(dir, ksk), join(dir, zsk)]);
      expect(await verify(out, join(dir, `${ksk}.ds`))).toEqual({ status: 0, findings: [] });
    });
  }
});
