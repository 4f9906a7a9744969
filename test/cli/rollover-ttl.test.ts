/**
 * SPEC safety rule 2 through the commands: a TTL raised in the input while a
 * ZSK rollover waits makes the wait longer, whether the new zone was
 * published by `tick` or by `sign`; lowering it again does not shorten the
 * wait, since caches may still hold records with the longer TTL.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseTime } from '../../src/core/time.ts';
import { makeTempDir, runCli } from '../helpers/cli.ts';

const EXAMPLE = resolve(import.meta.dirname, '../../zones/example.com.zone');
const T0 = parseTime('2027-01-01T00:00:00Z');
const T1 = T0 + 86400;
const IPUB = 300 + 3600 + 3600;
const IRET_1H = 300 + 3600 + 3600;
const IRET_1D = 300 + 86400 + 3600;

describe('TTL changes in the middle of a ZSK rollover', () => {
  let tmp: { dir: string; cleanup(): void };
  const cli = (now: number, ...args: string[]) => runCli(['--db', 'state.db', '--now', String(now), ...args], { cwd: tmp.dir });
  const earliest = async (now: number): Promise<number> => {
    const s = JSON.parse((await cli(now, '--json', 'rollover', 'status', 'example.com')).stdout) as { rollover: { earliest: string; stepName: string } };
    expect(s.rollover.stepName).toBe('activate');
    return parseTime(s.rollover.earliest);
  };
  const setWwwTtl = (ttl: string) => {
    const path = join(tmp.dir, 'example.com.zone');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/^www\t(\d+\t)?IN\tA\t/m, `www\t${ttl}\tIN\tA\t`));
  };

  beforeEach(async () => {
    tmp = makeTempDir('signet-ttl-');
    copyFileSync(EXAMPLE, join(tmp.dir, 'example.com.zone'));
    await cli(T0, 'zone', 'add', 'example.com', '--input', 'example.com.zone');
    await cli(T0, 'tick');
    await cli(T0 + 3900, 'tick');
    expect((await cli(T0 + 3960, 'rollover', 'confirm', 'example.com', 'ds-published')).status).toBe(0);
    expect((await cli(T1, 'rollover', 'start', 'example.com', 'zsk')).status).toBe(0);
    expect((await cli(T1 + IPUB, 'tick')).stdout).toMatch(/step 2 of 3: activate/);
  });
  afterEach(() => tmp.cleanup());

  it('waits the longer Iret once `sign` published a larger TTL, and keeps it when the TTL goes back down', async () => {
    const activated = T1 + IPUB;
    expect(await earliest(activated)).toBe(activated + IRET_1H);
    setWwwTtl('1d');
    expect((await cli(activated + 60, 'sign', 'example.com')).status).toBe(0);
    expect(await earliest(activated + 60)).toBe(activated + IRET_1D);
    setWwwTtl('1h');
    expect((await cli(activated + 120, 'sign', 'example.com')).status).toBe(0);
    expect(await earliest(activated + 120)).toBe(activated + IRET_1D);
    // tick does not remove the old ZSK at the short time.
    const early = await cli(activated + IRET_1H, '--json', 'tick');
    expect((JSON.parse(early.stdout) as { zones: Array<{ did: string[] }> }).zones[0]!.did.join('\n')).not.toMatch(/remove/);
    const late = await cli(activated + IRET_1D, 'tick');
    expect(late.stdout).toMatch(/step 3 of 3: remove/);
  });

  it('does the same when tick publishes the larger TTL', async () => {
    const activated = T1 + IPUB;
    setWwwTtl('1d');
    const t = await cli(activated + 60, 'tick');
    expect(t.stdout).toMatch(/signed serial \d+ \(the input, the policy or the key set changed\)/);
    expect(await earliest(activated + 60)).toBe(activated + IRET_1D);
  });
});
