/**
 * SIGKILL in the middle of a tick (issue 3, "Done when"): the process is a
 * real `bin/signet.js tick`, killed while it waits on an operator's program
 * (a registrar command, a post-sign command) that sleeps. Afterwards the
 * database is consistent, the signed zone on disk is a complete one that
 * matches the database, and the next tick finishes the work.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { parseTime } from '../../src/core/time.ts';
import { makeTempDir, runCli, SIGNET_BIN } from '../helpers/cli.ts';
import { runLdnsVerifyZone } from '../helpers/interop/validators.ts';
import { dbSnapshot, factList } from '../manager/helpers/db-snapshot.ts';

const EXAMPLE = resolve(import.meta.dirname, '../../zones/example.com.zone');
const T0 = parseTime('2027-01-01T00:00:00Z');
const FIRST_DS = 3900;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForFile(path: string, child: ChildProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!existsSync(path) || readFileSync(path, 'utf8').trim() === '') {
    if (child.exitCode !== null) throw new Error(`signet exited (${child.exitCode}) before ${path} appeared`);
    if (performance.now() > deadline) throw new Error(`${path} did not appear`);
    await sleep(20);
  }
}

function killPidFile(path: string): void {
  try {
    process.kill(Number(readFileSync(path, 'utf8').trim()), 'SIGKILL');
  } catch {
    // already gone
  }
}

describe('a tick killed with SIGKILL', () => {
  let tmp: { dir: string; cleanup(): void };
  let child: ChildProcess | null = null;
  const cli = (now: number, ...args: string[]) => runCli(['--db', 'state.db', '--now', String(now), ...args], { cwd: tmp.dir });
  const dbPath = () => join(tmp.dir, 'state.db');
  const signed = () => join(tmp.dir, 'example.com.zone.signed');
  const marker = () => join(tmp.dir, 'started.pid');

  function spawnTick(now: number): { child: ChildProcess; exited: Promise<NodeJS.Signals | number | null> } {
    const c = spawn(process.execPath, [SIGNET_BIN, '--db', 'state.db', '--now', String(now), 'tick'], { cwd: tmp.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    const exited = new Promise<NodeJS.Signals | number | null>((r) => c.once('exit', (code, signal) => r(signal ?? code)));
    return { child: c, exited };
  }

  function integrity(): string {
    const db = new Database(dbPath(), { readonly: true });
    try {
      return String(db.pragma('integrity_check', { simple: true }));
    } finally {
      db.close();
    }
  }

  beforeEach(async () => {
    tmp = makeTempDir('signet-kill-');
    copyFileSync(EXAMPLE, join(tmp.dir, 'example.com.zone'));
    expect((await cli(T0, 'zone', 'add', 'example.com', '--input', 'example.com.zone')).status).toBe(0);
  });

  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    killPidFile(marker());
    tmp.cleanup();
  });

  it('while the registrar command runs: nothing changed, the previous signed zone stays, the next tick submits', async () => {
    expect((await cli(T0, 'tick')).status).toBe(0);
    const before = readFileSync(signed());
    // `exec` makes the recorded pid the sleeping program's, so the test can stop it afterwards.
    expect((await cli(T0, 'zone', 'set', 'example.com', 'registrar=command', `registrar-command=echo $$ > ${marker()}; exec sleep 60`)).status).toBe(0);
    const snapshot = dbSnapshot(dbPath(), 'example.com.');

    const t = spawnTick(T0 + FIRST_DS);
    await waitForFile(marker(), t.child);
    t.child.kill('SIGKILL');
    expect(await t.exited).toBe('SIGKILL');
    killPidFile(marker());

    expect(integrity()).toBe('ok');
    expect(dbSnapshot(dbPath(), 'example.com.')).toBe(snapshot);
    expect(readFileSync(signed())).toEqual(before);
    expect(readdirSync(tmp.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // The dead process's lock is still there; the next tick takes it over.
    expect(existsSync(`${dbPath()}.lock`)).toBe(true);

    expect((await cli(T0, 'zone', 'set', 'example.com', `registrar-command=cat > ${join(tmp.dir, 'doc.json')}`)).status).toBe(0);
    const next = await cli(T0 + FIRST_DS, '--json', 'tick');
    expect(next.stderr).toBe('');
    expect(next.status).toBe(0);
    const doc = JSON.parse(readFileSync(join(tmp.dir, 'doc.json'), 'utf8')) as { zone: string; action: string; ds: string[] };
    expect(doc).toMatchObject({ zone: 'example.com.', action: 'add' });
    expect(doc.ds).toHaveLength(1);
    expect(factList(dbPath(), 'example.com.').some((f) => f.endsWith(' ds-submitted'))).toBe(true);
    expect(existsSync(`${dbPath()}.lock`)).toBe(false);
  }, 60_000);

  it('between putting the signed zone in place and committing: the zone is ahead of the database, and the next tick catches up', async () => {
    // Hold SQLite's write lock from here, so that the tick blocks at its commit, after the file is renamed in place.
    const holder = new Database(dbPath());
    holder.pragma('busy_timeout = 5000');
    const snapshot = dbSnapshot(dbPath(), 'example.com.');
    holder.prepare('BEGIN IMMEDIATE').run();
    try {
      const t = spawnTick(T0);
      const deadline = performance.now() + 20_000;
      while (!existsSync(signed())) {
        if (t.child.exitCode !== null || performance.now() > deadline) throw new Error('the tick did not write the signed zone');
        await sleep(10);
      }
      t.child.kill('SIGKILL');
      expect(await t.exited).toBe('SIGKILL');
    } finally {
      holder.prepare('ROLLBACK').run();
      holder.close();
    }
    expect(integrity()).toBe('ok');
    expect(dbSnapshot(dbPath(), 'example.com.')).toBe(snapshot);
    // A complete signed zone, published before the database recorded it: facts will be recorded later
    // than what happened, never earlier, so no wait is ever too short.
    const verify = await runLdnsVerifyZone(signed(), { at: T0 });
    expect(verify.ok, verify.output).toBe(true);

    const next = await cli(T0 + 60, '--json', 'tick');
    expect(next.status).toBe(0);
    expect(factList(dbPath(), 'example.com.').sort()).toEqual(expect.arrayContaining([expect.stringMatching(/ published$/), expect.stringMatching(/ active$/)]));
    const status = JSON.parse((await cli(T0 + 60, '--json', 'rollover', 'status', 'example.com')).stdout) as { rollover: { headline: string; earliest: string } };
    expect(status.rollover.headline).toBe('first signing, step 1 of 2: publish');
    // The wait counts from the recorded publication, a minute after the file really changed.
    expect(parseTime(status.rollover.earliest)).toBe(T0 + 60 + FIRST_DS);
    expect((await runLdnsVerifyZone(signed(), { at: T0 + 60 })).ok).toBe(true);
  }, 60_000);

  it('while the post-sign command runs: the new zone is in place and recorded, and the next tick runs the command again', async () => {
    expect((await cli(T0, 'zone', 'set', 'example.com', `post-sign-command=echo $$ > ${marker()}; exec sleep 60`)).status).toBe(0);
    const t = spawnTick(T0);
    await waitForFile(marker(), t.child);
    t.child.kill('SIGKILL');
    expect(await t.exited).toBe('SIGKILL');
    killPidFile(marker());

    expect(integrity()).toBe('ok');
    // The signed zone was put in place, complete, before its state was committed.
    const verify = await runLdnsVerifyZone(signed(), { at: T0 });
    expect(verify.ok, verify.output).toBe(true);
    const status = JSON.parse((await cli(T0, '--json', 'rollover', 'status', 'example.com')).stdout) as { postSignPending: boolean; rollover: { headline: string } };
    expect(status.postSignPending).toBe(true);
    expect(status.rollover.headline).toBe('first signing, step 1 of 2: publish');

    const reloaded = join(tmp.dir, 'reloaded');
    expect((await cli(T0, 'zone', 'set', 'example.com', `post-sign-command=echo "$SIGNET_ZONE $SIGNET_SERIAL" > ${reloaded}`)).status).toBe(0);
    const before = readFileSync(signed());
    const next = await cli(T0, '--json', 'tick');
    expect(next.status).toBe(0);
    expect(readFileSync(reloaded, 'utf8')).toMatch(/^example\.com\. \d+\n$/);
    // Nothing else needed doing: the zone on disk is the one the database describes.
    expect(readFileSync(signed())).toEqual(before);
    const after = JSON.parse((await cli(T0, '--json', 'rollover', 'status', 'example.com')).stdout) as { postSignPending: boolean };
    expect(after.postSignPending).toBe(false);
  }, 60_000);
});
