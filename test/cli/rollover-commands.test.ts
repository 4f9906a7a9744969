/**
 * The rollover commands and the manager's edges through the CLI: status in
 * words and JSON, plan, start and confirm (and their refusals), the tick lock,
 * registrar failures retried and shown, notifications by webhook and by
 * command, the signature horizon warning, the cds registrar, and `run` as a
 * real foreground process stopped by SIGTERM.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { parseTime } from '../../src/core/time.ts';
import { makeTempDir, runCli, SIGNET_BIN } from '../helpers/cli.ts';
import { inspectSignedZone } from '../manager/helpers/signed-zone.ts';

const EXAMPLE = resolve(import.meta.dirname, '../../zones/example.com.zone');
const T0 = parseTime('2027-01-01T00:00:00Z');
const FIRST_DS = 3900;
const D = 86400;

describe('rollover commands', () => {
  let tmp: { dir: string; cleanup(): void };
  const cli = (now: number, ...args: string[]) => runCli(['--db', 'state.db', '--now', String(now), ...args], { cwd: tmp.dir });
  const json = async <T>(now: number, ...args: string[]): Promise<T> => {
    const r = await cli(now, '--json', ...args);
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout) as T;
  };

  beforeEach(async () => {
    tmp = makeTempDir('signet-rollcmd-');
    copyFileSync(EXAMPLE, join(tmp.dir, 'example.com.zone'));
    expect((await cli(T0, 'zone', 'add', 'example.com', '--input', 'example.com.zone')).status).toBe(0);
  });
  afterEach(() => tmp.cleanup());

  it('says where the first signing stands, what the operator must do, and takes the confirmation', async () => {
    const before = await cli(T0, 'rollover', 'status', 'example.com');
    expect(before.stdout).toMatch(/^example\.com\.: no rollover in progress\n/);
    expect(before.stdout).toMatch(/next rollover: first-signing at 2027-01-01T00:00:00Z \(the zone has no keys yet\)/);
    expect(before.stdout).toMatch(/the zone has not been signed yet/);

    expect((await cli(T0, 'tick')).status).toBe(0);
    expect((await cli(T0 + FIRST_DS, 'tick')).status).toBe(0);
    const text = (await cli(T0 + FIRST_DS, 'rollover', 'status', 'example.com')).stdout;
    expect(text).toMatch(/^example\.com\.: first signing, step 2 of 2: submit-ds \(started 2027-01-01T00:00:00Z, first-signing\)$/m);
    expect(text).toMatch(/waiting for: new DS \d+: no parent servers known/);
    expect(text).toMatch(/operator: add the DS of KSK \d+ at the parent .*`signet rollover confirm example\.com\. ds-published`/);
    expect(text).toMatch(/earliest signature expiration: 2027-01-1\dT/);
    const st = await json<{ rollover: { headline: string; gate: string; operator: { command: string } } }>(T0 + FIRST_DS, 'rollover', 'status', 'example.com');
    expect(st.rollover).toMatchObject({ headline: 'first signing, step 2 of 2: submit-ds', gate: 'parent-ds', operator: { command: 'signet rollover confirm example.com ds-published' } });

    // Nothing to withdraw: refused, nothing changed.
    const wrong = await cli(T0 + FIRST_DS + 60, 'rollover', 'confirm', 'example.com', 'ds-withdrawn');
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(/^signet: error: example\.com\.: nothing waits for ds-withdrawn now/);
    expect((await cli(T0 + FIRST_DS + 60, 'rollover', 'confirm', 'example.com', 'maybe')).status).toBe(2);

    const ok = await cli(T0 + FIRST_DS + 60, 'rollover', 'confirm', 'example.com', 'ds-published');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/operator confirmed ds-published for KSK \d+/);
    expect(ok.stdout).toMatch(/first signing finished/);
    const idle = (await cli(T0 + FIRST_DS + 60, 'rollover', 'status')).stdout;
    expect(idle).toMatch(/KSK \d+ algorithm 13: active since 2027-01-01T00:00:00Z, DS seen/);
    expect(idle).toMatch(/next rollover: zsk at 2027-04-01T00:00:00Z \(ZSK \d+ reaches its zsk-lifetime\)/);

    const events = await json<Array<{ kind: string }>>(T0 + FIRST_DS + 60, 'events', 'example.com');
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(['rollover-started', 'step-advanced', 'operator-action-needed', 'ds-submitted', 'ds-seen', 'rollover-finished', 'signed']));
    // `key list` shows states derived from the facts.
    const keys = await json<Array<{ role: string; state: string }>>(T0 + FIRST_DS + 60, 'key', 'list', 'example.com');
    expect(keys.map((k) => `${k.role}:${k.state}`)).toEqual(['ksk:active', 'zsk:active']);
  });

  it('starts a rollover by hand, one at a time, and plans the year ahead', async () => {
    await cli(T0, 'tick');
    const busy = await cli(T0 + 60, 'rollover', 'start', 'example.com', 'zsk');
    expect(busy.status).toBe(1);
    expect(busy.stderr).toMatch(/a first signing is in progress; one rollover at a time/);
    await cli(T0 + FIRST_DS, 'tick');
    await cli(T0 + FIRST_DS + 60, 'rollover', 'confirm', 'example.com', 'ds-published');

    const plan = await json<{ entries: Array<{ at: string; title: string; name: string | null; event: string }>; violations: unknown[] }>(T0 + 2 * D, 'rollover', 'plan', 'example.com', '--until', '2028-01-10T00:00:00Z');
    expect(plan.violations).toEqual([]);
    const zskPublish = plan.entries.filter((e) => e.title === 'ZSK pre-publication' && e.name === 'publish').map((e) => e.at);
    expect(zskPublish[0]).toBe('2027-04-01T00:00:00Z');
    expect(zskPublish).toHaveLength(4);
    expect(plan.entries.some((e) => e.title === 'KSK double-DS' && e.name === 'submit-ds')).toBe(true);
    const planText = (await cli(T0 + 2 * D, 'rollover', 'plan', 'example.com', '--until', '2028-01-10T00:00:00Z')).stdout;
    expect(planText).toMatch(/2027-04-01T00:00:00Z {2}ZSK pre-publication, step 1 of 3: publish: publish ZSK k\d+ \(new key\) in the DNSKEY RRset/);
    expect(planText).toMatch(/operator: add the DS of KSK k\d+ \(new key\) at the parent/);

    const start = await cli(T0 + 2 * D, 'rollover', 'start', 'example.com', 'zsk');
    expect(start.stderr).toBe('');
    expect(start.status).toBe(0);
    expect(start.stdout).toMatch(/generated ZSK \d+ \(algorithm 13\)/);
    expect(start.stdout).toMatch(/ZSK pre-publication started \(operator\), replacing ZSK \d+/);
    expect(start.stdout).toMatch(/ZSK pre-publication, step 1 of 3: publish/);
    const signed = await inspectSignedZone(join(tmp.dir, 'example.com.zone.signed'), 'example.com.');
    expect(signed.dnskeys).toHaveLength(3);
    expect(signed.zoneSigners).toHaveLength(1);
    expect((await cli(T0 + 2 * D, 'rollover', 'start', 'example.com', 'ksk')).stderr).toMatch(/a ZSK pre-publication is in progress/);
    expect((await cli(T0 + 2 * D, 'rollover', 'start', 'example.com', 'bogus')).status).toBe(2);
  });

  it('retries a failing registrar command on the next tick, and shows the failure in status and events', async () => {
    await cli(T0, 'zone', 'set', 'example.com', 'registrar=command', 'registrar-command=echo registrar down >&2; exit 3');
    await cli(T0, 'tick');
    const fail = await cli(T0 + FIRST_DS, 'tick');
    expect(fail.status).toBe(1);
    expect(fail.stderr).toMatch(/signet: error: example\.com\.: submit-ds: registrar command: registrar command exited with status 3: registrar down/);
    const st = (await cli(T0 + FIRST_DS, 'rollover', 'status', 'example.com')).stdout;
    expect(st).toMatch(/first signing, step 1 of 2: publish/);
    expect(st).toMatch(/last error \(submit-ds, 2027-01-01T01:05:00Z\): registrar command: registrar command exited with status 3/);
    const events = await json<Array<{ kind: string; message: string }>>(T0 + FIRST_DS, 'events', 'example.com');
    expect(events.at(-1)).toMatchObject({ kind: 'error' });

    await cli(T0, 'zone', 'set', 'example.com', `registrar-command=cat > ${join(tmp.dir, 'doc.json')}`);
    const retry = await json<{ zones: Array<{ did: string[]; error: unknown }> }>(T0 + FIRST_DS + 300, 'tick');
    expect(retry.zones[0]!.error).toBeNull();
    expect(JSON.parse(readFileSync(join(tmp.dir, 'doc.json'), 'utf8'))).toMatchObject({ zone: 'example.com.', action: 'add' });
    expect((await cli(T0 + FIRST_DS + 300, 'rollover', 'status', 'example.com')).stdout).not.toMatch(/last error/);
  });

  it('notifies a webhook and a command on every event, errors and the signature horizon included', async () => {
    const received: Array<{ zone: string; event: string; message: string; time: string }> = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString(); });
      req.on('end', () => {
        expect(req.headers['content-type']).toBe('application/json');
        received.push(JSON.parse(body) as (typeof received)[number]);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      await cli(T0, 'zone', 'set', 'example.com', `notify=http://127.0.0.1:${port}/hook`);
      await cli(T0, 'tick');
      expect(received.map((r) => r.event)).toEqual(['rollover-started', 'step-advanced']);
      expect(received[0]).toMatchObject({ zone: 'example.com.', time: '2027-01-01T00:00:00Z' });
      await cli(T0 + FIRST_DS, 'tick');
      expect(received.map((r) => r.event).slice(2)).toEqual(['step-advanced', 'operator-action-needed']);
      await cli(T0 + FIRST_DS + 60, 'rollover', 'confirm', 'example.com', 'ds-published');
      expect(received.map((r) => r.event).slice(4)).toEqual(['ds-seen', 'rollover-finished']);

      // A notify command gets the same document on standard input.
      const log = join(tmp.dir, 'notes.jsonl');
      await cli(T0, 'zone', 'set', 'example.com', `notify=cat >> ${log}`);
      // The input breaks; ten days on, signing fails and the signatures come within refresh.
      writeFileSync(join(tmp.dir, 'example.com.zone'), `${readFileSync(join(tmp.dir, 'example.com.zone'), 'utf8')}\nbad IN A 300.1.1.1\n`);
      const r = await cli(T0 + 10 * D, 'tick');
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/signet: warning: example\.com\.: example\.com\.: the earliest signature expires at 2027-01-1\dT\S+, in \S+, within signature-refresh 5d/);
      const notes = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; message: string });
      expect(notes.map((n) => n.event)).toEqual(['error', 'signature-horizon']);
      expect(notes[0]!.message).toMatch(/load failed: .*example\.com\.zone:\d+:\d+: /);
      expect((await cli(T0 + 10 * D, 'rollover', 'status', 'example.com')).stdout).toMatch(/WARNING: the earliest signature expires at .* within signature-refresh 5d: run `signet tick`/);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('ticks one zone by name or every zone, and reports the earliest next time over all', async () => {
    writeFileSync(join(tmp.dir, 'example.net.zone'), '$ORIGIN example.net.\n$TTL 300\n@ SOA ns1 hostmaster 1 3600 600 86400 300\n@ NS ns1\nns1 A 192.0.2.1\n');
    expect((await cli(T0, 'zone', 'add', 'example.net', '--input', 'example.net.zone')).status).toBe(0);
    const one = await json<{ zones: Array<{ zone: string }> }>(T0, 'tick', 'example.net');
    expect(one.zones.map((z) => z.zone)).toEqual(['example.net.']);
    expect(existsSync(join(tmp.dir, 'example.com.zone.signed'))).toBe(false);
    const all = await json<{ next: string; zones: Array<{ zone: string; next: string; did: string[] }> }>(T0, 'tick');
    expect(all.zones.map((z) => z.zone)).toEqual(['example.com.', 'example.net.']);
    expect(all.zones[1]!.did).toEqual([]);
    // Both zones offer their DS at Dprp + max(dnskey-ttl 1h, largest TTL): 1h5m after the first signing.
    expect(all.zones.map((z) => z.next)).toEqual(['2027-01-01T01:05:00Z', '2027-01-01T01:05:00Z']);
    expect(all.next).toBe('2027-01-01T01:05:00Z');
    expect((await cli(T0, 'tick', 'nonexistent.example')).status).toBe(1);
  });

  it('never makes keys for a zone added with --no-keys, and uses the keys made by hand', async () => {
    writeFileSync(join(tmp.dir, 'example.net.zone'), '$ORIGIN example.net.\n$TTL 300\n@ SOA ns1 hostmaster 1 3600 600 86400 300\n@ NS ns1\nns1 A 192.0.2.1\n');
    expect((await cli(T0, 'zone', 'add', 'example.net', '--input', 'example.net.zone', '--no-keys')).status).toBe(0);
    const refused = await cli(T0, 'tick', 'example.net');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/was added without keys: import them/);
    expect((await json<unknown[]>(T0, 'key', 'list', 'example.net'))).toEqual([]);
    const ksk = await json<{ tag: number }>(T0, 'key', 'generate', 'example.net', '--role', 'ksk');
    const zsk = await json<{ tag: number }>(T0, 'key', 'generate', 'example.net', '--role', 'zsk');
    const ok = await json<{ zones: Array<{ did: string[]; error: unknown }> }>(T0 + 60, 'tick', 'example.net');
    expect(ok.zones[0]!.error).toBeNull();
    expect(ok.zones[0]!.did.join('\n')).not.toMatch(/generated/);
    expect(ok.zones[0]!.did.join('\n')).toMatch(new RegExp(`first signing, step 1 of 2: publish: sign the zone for the first time with KSK ${ksk.tag} and ZSK ${zsk.tag}`));
  });

  it('publishes CDS and CDNSKEY for the keys the parent should hold with the cds registrar', async () => {
    await cli(T0, 'zone', 'set', 'example.com', 'registrar=cds');
    await cli(T0, 'tick');
    const first = await inspectSignedZone(join(tmp.dir, 'example.com.zone.signed'), 'example.com.');
    expect(first.cds).toEqual([]);
    await cli(T0 + FIRST_DS, 'tick');
    const after = await inspectSignedZone(join(tmp.dir, 'example.com.zone.signed'), 'example.com.');
    const ksk = (await json<Array<{ role: string; tag: number }>>(T0 + FIRST_DS, 'key', 'list', 'example.com')).find((k) => k.role === 'ksk')!;
    expect(after.cds).toEqual([ksk.tag]);
    expect(readFileSync(join(tmp.dir, 'example.com.zone.signed'), 'utf8')).toMatch(/\tCDNSKEY\t257 3 13 /);
  });
});

describe('the tick lock', () => {
  let tmp: { dir: string; cleanup(): void };
  const cli = (...args: string[]) => runCli(['--db', 'state.db', '--now', String(T0), ...args], { cwd: tmp.dir });
  beforeEach(async () => {
    tmp = makeTempDir('signet-lock-');
    copyFileSync(EXAMPLE, join(tmp.dir, 'example.com.zone'));
    await cli('zone', 'add', 'example.com', '--input', 'example.com.zone');
  });
  afterEach(() => tmp.cleanup());

  it('leaves cleanly while a live process holds it, waits for it within --lock-wait, and takes over a dead holder\'s', async () => {
    const holder = spawn('sleep', ['30']);
    const lock = join(tmp.dir, 'state.db.lock');
    try {
      writeFileSync(lock, `${holder.pid}\n`);
      const left = await cli('tick', '--lock-wait', '1s');
      expect(left.status).toBe(0);
      expect(left.stderr).toMatch(new RegExp(`^signet: warning: tick: process ${holder.pid} holds .*state\\.db\\.lock; try again once it has finished; nothing done`));
      expect(existsSync(join(tmp.dir, 'example.com.zone.signed'))).toBe(false);
      expect(JSON.parse((await cli('--json', 'tick', '--lock-wait', '0s')).stdout)).toMatchObject({ skipped: 'locked' });

      // The holder finishes while a tick waits: the tick goes on.
      const waiting = cli('tick', '--lock-wait', '20s');
      setTimeout(() => rmSync(lock, { force: true }), 300);
      expect((await waiting).status).toBe(0);
      expect(existsSync(join(tmp.dir, 'example.com.zone.signed'))).toBe(true);
      expect(existsSync(lock)).toBe(false);
    } finally {
      holder.kill('SIGKILL');
    }
    // A lock left by a process that is gone is taken over at once.
    const dead = spawn('true');
    await new Promise((r) => dead.once('exit', r));
    writeFileSync(lock, `${dead.pid}\n`);
    const r = await cli('tick', '--lock-wait', '0s');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('signet run', () => {
  it('passes on a cron schedule in the foreground and exits 0 on SIGTERM', async () => {
    const tmp = makeTempDir('signet-run-');
    try {
      copyFileSync(EXAMPLE, join(tmp.dir, 'example.com.zone'));
      expect((await runCli(['--db', 'state.db', 'zone', 'add', 'example.com', '--input', 'example.com.zone'], { cwd: tmp.dir })).status).toBe(0);
      const child = spawn(process.execPath, [SIGNET_BIN, '--db', 'state.db', 'run', '--schedule', '* * * * * *'], { cwd: tmp.dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
      child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
      const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
      const deadline = performance.now() + 30_000;
      // Two passes: the one at start, and at least one from the schedule.
      while ((stdout.match(/^\S+ example\.com\./gm) ?? []).length < 2) {
        if (child.exitCode !== null) throw new Error(`run exited early: ${stderr}`);
        if (performance.now() > deadline) throw new Error(`no pass seen: ${stdout} ${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      child.kill('SIGTERM');
      expect(await exited).toEqual({ code: 0, signal: null });
      expect(stdout).toMatch(/first signing, step 1 of 2: publish/);
      expect(stderr).toMatch(/running passes on schedule "\* \* \* \* \* \*"/);
      expect(stderr).toMatch(/SIGTERM: stopping/);
      expect(existsSync(join(tmp.dir, 'state.db.lock'))).toBe(false);
    } finally {
      tmp.cleanup();
    }
  }, 60_000);

  it('refuses a bad schedule as bad usage', async () => {
    const tmp = makeTempDir('signet-run-');
    try {
      const r = await runCli(['--db', 'state.db', 'run', '--schedule', 'every so often'], { cwd: tmp.dir });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/bad --schedule/);
    } finally {
      tmp.cleanup();
    }
  });
});
