/**
 * Issue 2, "Done when": the signed output of every test zone, for every
 * algorithm and every denial, passes ldns-verify-zone, dnssec-verify and
 * kzonecheck. Zones are signed through the real CLI (in-process).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseTime } from '../../src/core/time.ts';
import { makeTempDir, runCli } from '../helpers/cli.ts';
import { verifyWithAll } from '../helpers/interop/validators.ts';

const ZONES = [
  { file: 'zones/example.com.zone', origin: 'example.com.' },
  { file: 'zones/test/varied.zone', origin: 'varied.example.' },
  { file: 'zones/test/rfc5155.zone', origin: 'example.' },
];
const ALGORITHMS = [8, 13, 14, 15, 16];
const DENIALS = [
  { name: 'nsec', settings: ['denial=nsec'] },
  { name: 'nsec3', settings: ['denial=nsec3'] },
  { name: 'nsec3-opt-out', settings: ['denial=nsec3', 'nsec3-opt-out=true'] },
];
const NOW = '2026-11-25T12:00:00Z';

describe('signed zones pass three independent validators', () => {
  let tmp: { dir: string; cleanup(): void };
  beforeAll(() => { tmp = makeTempDir('signet-matrix-'); });
  afterAll(() => tmp.cleanup());

  for (const zone of ZONES) {
    for (const algorithm of ALGORITHMS) {
      for (const denial of DENIALS) {
        it(`${zone.origin} algorithm ${algorithm} ${denial.name}`, async () => {
          const tag = `${zone.origin.replace(/\.$/, '')}-${algorithm}-${denial.name}`;
          const input = join(tmp.dir, `${tag}.zone`);
          copyFileSync(resolve(import.meta.dirname, '../..', zone.file), input);
          const cli = (...args: string[]) => runCli(['--db', join(tmp.dir, `${tag}.db`), '--now', NOW, ...args], { cwd: tmp.dir });
          const policy = await cli('policy', 'set', 'p', `algorithm=${algorithm}`, ...denial.settings);
          expect(policy.stderr).toBe('');
          expect((await cli('zone', 'add', zone.origin, '--input', input, '--policy', 'p')).status).toBe(0);
          const sign = await cli('sign', zone.origin);
          expect(sign.status, sign.stderr).toBe(0);
          const result = await verifyWithAll(`${input}.signed`, zone.origin, { at: parseTime(NOW) + 3600 });
          for (const r of result.results) expect(r.ok, r.output).toBe(true);
          // BIND (dnssec-verify) and Knot (kzonecheck) loaded it above; NSD must load it as it is too.
          const nsd = spawnSync('nsd-checkzone', [zone.origin, `${input}.signed`], { encoding: 'utf8' });
          expect(nsd.status, `${nsd.stdout}${nsd.stderr}`).toBe(0);
        });
      }
    }
  }
});
