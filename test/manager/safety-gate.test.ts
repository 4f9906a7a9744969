/**
 * Issue 4 item 3 / SPEC safety rule 1: `signet sign` refuses to publish a
 * signed zone that fails verification; the previous one stays in place, the
 * error says why and an event is recorded.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseTime } from '../../src/core/time.ts';
import { openStateDb } from '../../src/keystore/state-db.ts';
import { signZoneToFile } from '../../src/manager/sign-and-publish.ts';
import { SignetError } from '../../src/core/errors.ts';
import { RRType } from '../../src/zone/types.ts';
import { makeTempDir, runCli } from '../helpers/cli.ts';

const NOW = '2026-11-25T00:00:00Z';

describe('the safety gate', () => {
  let tmp: { dir: string; cleanup(): void };
  beforeEach(async () => {
    tmp = makeTempDir();
    copyFileSync(resolve(import.meta.dirname, '../../zones/example.com.zone'), join(tmp.dir, 'example.com.zone'));
    const cli = (...args: string[]) => runCli(['--db', 'state.db', '--now', NOW, ...args], { cwd: tmp.dir });
    expect((await cli('zone', 'add', 'example.com', '--input', 'example.com.zone')).status).toBe(0);
    expect((await cli('sign', 'example.com')).status).toBe(0);
  });
  afterEach(() => tmp.cleanup());

  it('refuses a zone with a broken signature and keeps the previous output', async () => {
    const output = join(tmp.dir, 'example.com.zone.signed');
    const before = readFileSync(output, 'utf8');
    const db = openStateDb(join(tmp.dir, 'state.db'));
    try {
      const zone = db.requireZone('example.com.');
      // Break signing on purpose: flip one bit of the signature over www's A RRset.
      const attempt = signZoneToFile(db, zone, parseTime(NOW) + 3600, null, {
        beforePublish: (signed) => {
          const set = signed.rrsets.find((s) => s.rrset.type === RRType.A && s.rrset.owner.toString() === 'www.example.com.');
          const sig = set!.signatures[0]!;
          sig[sig.length - 1]! ^= 1;
        },
      });
      await expect(attempt).rejects.toThrow(expect.objectContaining({ code: 'ERR_SAFETY_GATE' }));
      const error = (await attempt.then(() => null, (e: unknown) => e)) as SignetError;
      expect(error.message).toMatch(/www\.example\.com\. A/);
      expect(readFileSync(output, 'utf8')).toBe(before);
      expect(readdirSync(tmp.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      const refused = db.listEvents({ zone: 'example.com.', kind: 'publish-refused' });
      expect(refused).toHaveLength(1);
      expect(db.requireZone('example.com.').lastSerial).toBe(zone.lastSerial);
    } finally {
      db.close();
    }
  });

  it('publishes an intact zone through the same path', async () => {
    const db = openStateDb(join(tmp.dir, 'state.db'));
    try {
      const result = await signZoneToFile(db, db.requireZone('example.com.'), parseTime(NOW) + 3600, null);
      expect(result.signatures).toBeGreaterThan(10);
    } finally {
      db.close();
    }
  });
});
