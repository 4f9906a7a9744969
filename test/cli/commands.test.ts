import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeTempDir, runCli } from '../helpers/cli.ts';

const EXAMPLE = resolve(import.meta.dirname, '../../zones/example.com.zone');
const NOW = '2026-11-25T00:00:00Z';

describe('signet commands on a fresh database', () => {
  let tmp: { dir: string; cleanup(): void };
  const cli = (...args: string[]) => runCli(['--db', 'state.db', '--now', NOW, ...args], { cwd: tmp.dir });

  beforeEach(() => {
    tmp = makeTempDir();
    copyFileSync(EXAMPLE, join(tmp.dir, 'example.com.zone'));
  });
  afterEach(() => tmp.cleanup());

  it('adds a zone with KSK and ZSK, signs it and prints the DS', async () => {
    const add = await cli('zone', 'add', 'example.com', '--input', 'example.com.zone');
    expect(add.stderr).toBe('');
    expect(add.status).toBe(0);
    expect(add.stdout).toMatch(/KSK \d+ algorithm 13/);
    expect(add.stdout).toMatch(/ZSK \d+ algorithm 13/);
    // SPEC: the database file is created with mode 0600.
    expect(statSync(join(tmp.dir, 'state.db')).mode & 0o777).toBe(0o600);

    const sign = await cli('sign', 'example.com');
    expect(sign.status).toBe(0);
    const signed = readFileSync(join(tmp.dir, 'example.com.zone.signed'), 'utf8');
    expect(signed).toMatch(/\tRRSIG\tSOA 13 2 /);
    expect(signed).toMatch(/\tNSEC3PARAM\t1 0 0 -/);

    const ds = await cli('--json', 'ds', 'example.com');
    expect(ds.status).toBe(0);
    const entries = JSON.parse(ds.stdout) as { keyTag: number; digestType: number; role: string }[];
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ digestType: 2, role: 'ksk' });

    const keys = JSON.parse((await cli('--json', 'key', 'list', 'example.com')).stdout) as { role: string; state: string }[];
    expect(keys.map((k) => `${k.role}:${k.state}`).sort()).toEqual(['ksk:active', 'zsk:active']);
  });

  it('follows a policy with a CSK, Ed25519 and NSEC', async () => {
    expect((await cli('policy', 'set', 'small', 'keys=csk', 'algorithm=15', 'denial=nsec')).status).toBe(0);
    expect((await cli('zone', 'add', 'example.com', '--input', 'example.com.zone', '--policy', 'small')).status).toBe(0);
    expect((await cli('sign', 'example.com')).status).toBe(0);
    const signed = readFileSync(join(tmp.dir, 'example.com.zone.signed'), 'utf8');
    expect(signed).toMatch(/\tDNSKEY\t257 3 15 /);
    expect(signed).not.toMatch(/\tDNSKEY\t256 /);
    expect(signed).toMatch(/\tNSEC\t/);
    expect(signed).not.toMatch(/\tNSEC3/);
  });

  it('rejects an unsafe policy with a coded error and exit 1, and bad usage with exit 2', async () => {
    const bad = await cli('policy', 'set', 'p', 'signature-refresh=20d');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^signet: error: signature-refresh/);
    expect((await cli('policy', 'set', 'p', 'nsec3-iterations=10')).stderr).toMatch(/RFC 9276/);
    expect((await cli('zone', 'frobnicate')).status).toBe(2);
  });

  it('changes per-zone settings and shows the effective policy', async () => {
    await cli('zone', 'add', 'example.com', '--input', 'example.com.zone');
    expect((await cli('zone', 'set', 'example.com', 'serial=unixtime', 'dnskey-ttl=2h', 'notify=https://hooks.example/x')).status).toBe(0);
    const show = JSON.parse((await cli('--json', 'zone', 'show', 'example.com')).stdout) as { effectivePolicy: Record<string, unknown>; settings: Record<string, unknown> };
    expect(show.effectivePolicy['serial']).toBe('unixtime');
    expect(show.effectivePolicy['dnskey-ttl']).toBe('2h');
    expect(show.settings['notify']).toBe('https://hooks.example/x');
    const switchAlg = await cli('zone', 'set', 'example.com', 'algorithm=15');
    expect(switchAlg.status).toBe(1);
    expect(switchAlg.stderr).toMatch(/--accept/);
  });

  it('refuses a broken input file with FILE:LINE, exit 1, and writes no output', async () => {
    writeFileSync(join(tmp.dir, 'bad.zone'), '$ORIGIN bad.test.\n$TTL 300\n@ SOA ns hm 1 2 3 4 5\n@ NS ns\nns A 192.0.2.300\n');
    const r = await cli('zone', 'add', 'bad.test', '--input', 'bad.zone');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^signet: error: .*bad\.zone:5:\d+: /);
    expect(existsSync(join(tmp.dir, 'bad.zone.signed'))).toBe(false);
    expect((await cli('zone', 'list')).stdout).toMatch(/no zones/);
  });

  it('keeps the previous signed zone when signing fails', async () => {
    await cli('zone', 'add', 'example.com', '--input', 'example.com.zone');
    await cli('sign', 'example.com');
    const before = readFileSync(join(tmp.dir, 'example.com.zone.signed'), 'utf8');
    writeFileSync(join(tmp.dir, 'example.com.zone'), readFileSync(join(tmp.dir, 'example.com.zone'), 'utf8') + '\nbroken IN A not-an-address\n');
    const r = await cli('sign', 'example.com');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/example\.com\.zone:\d+:\d+: /);
    expect(readFileSync(join(tmp.dir, 'example.com.zone.signed'), 'utf8')).toBe(before);
  });
});

describe('BIND key files', () => {
  it('imports dnssec-keygen keys that then sign, and exports keys BIND reads back', async () => {
    const { execFileSync } = await import('node:child_process');
    const tmp = makeTempDir();
    try {
      copyFileSync(EXAMPLE, join(tmp.dir, 'example.com.zone'));
      const keygen = (...args: string[]) => execFileSync('dnssec-keygen', ['-q', '-K', tmp.dir, ...args, 'example.com'], { encoding: 'utf8' }).trim();
      const ksk = keygen('-a', 'ECDSAP256SHA256', '-f', 'KSK');
      const zsk = keygen('-a', 'ECDSAP256SHA256');
      const cli = (...args: string[]) => runCli(['--db', 'state.db', '--now', NOW, ...args], { cwd: tmp.dir });
      expect((await cli('zone', 'add', 'example.com', '--input', 'example.com.zone', '--no-keys')).status).toBe(0);
      const imp = await cli('--json', 'key', 'import', 'example.com', `${ksk}.key`, `${ksk}.private`, `${zsk}.private`);
      expect(imp.stderr).toBe('');
      const rows = JSON.parse(imp.stdout) as { tag: number; role: string; state: string }[];
      expect(rows.map((r) => `${r.role}:${r.state}`).sort()).toEqual(['ksk:active', 'zsk:active']);
      expect(rows.map((r) => r.tag).sort()).toEqual([ksk, zsk].map((b) => Number(/\+(\d+)$/.exec(b)![1])).sort());
      expect((await cli('sign', 'example.com')).status).toBe(0);
      expect(readFileSync(join(tmp.dir, 'example.com.zone.signed'), 'utf8')).toContain(` ${rows[0]!.tag} example.com. `);

      const exp = await cli('key', 'export', 'example.com', String(rows[0]!.tag), '--dir', 'out');
      expect(exp.status).toBe(0);
      const privatePath = exp.stdout.trim().split('\n').find((l) => l.endsWith('.private'))!;
      expect(statSync(privatePath).mode & 0o777).toBe(0o600);
      // BIND reads the exported pair: dnssec-dsfromkey recomputes our DS from it.
      const ds = execFileSync('dnssec-dsfromkey', ['-2', privatePath.replace(/\.private$/, '.key')], { encoding: 'utf8' });
      const ours = JSON.parse((await cli('--json', 'ds', 'example.com')).stdout) as { keyTag: number; digest: string }[];
      expect(ds.replace(/\s+/g, ' ')).toContain(ours.find((d) => d.keyTag === rows[0]!.tag)!.digest);
    } finally {
      tmp.cleanup();
    }
  });
});

describe('signet ds follows the rollover state', () => {
  it('offers the first DS as pending until the zone has propagated, then as current once submitted', async () => {
    const tmp = makeTempDir();
    try {
      copyFileSync(EXAMPLE, join(tmp.dir, 'example.com.zone'));
      const at = (now: string) => (...args: string[]) => runCli(['--db', 'state.db', '--now', now, ...args], { cwd: tmp.dir });
      await at(NOW)('zone', 'add', 'example.com', '--input', 'example.com.zone');
      await at(NOW)('sign', 'example.com');
      const early = JSON.parse((await at('2026-11-25T00:10:00Z')('--json', 'ds', 'example.com')).stdout) as { state: string; submitAfter: string | null }[];
      // Dprp (5m) + max(DNSKEY TTL, largest zone TTL) (1h) after the first signing (RFC 7583 §3.3.1 for the first DS).
      expect(early).toEqual([expect.objectContaining({ state: 'pending', submitAfter: '2026-11-25T01:05:00Z' })]);
      expect((await at('2026-11-25T01:10:00Z')('tick')).status).toBe(0);
      const later = JSON.parse((await at('2026-11-25T01:10:00Z')('--json', 'ds', 'example.com')).stdout) as { state: string }[];
      expect(later.map((d) => d.state)).toEqual(['current']);
    } finally {
      tmp.cleanup();
    }
  });
});

describe('signet sign and the post-sign command', () => {
  it('runs the post-sign command after the new zone is in place, and leaves it pending when it fails', async () => {
    const tmp = makeTempDir();
    try {
      copyFileSync(EXAMPLE, join(tmp.dir, 'example.com.zone'));
      const cli = (...args: string[]) => runCli(['--db', 'state.db', '--now', NOW, ...args], { cwd: tmp.dir });
      await cli('zone', 'add', 'example.com', '--input', 'example.com.zone');
      await cli('zone', 'set', 'example.com', `post-sign-command=echo "$SIGNET_ZONE $SIGNET_SERIAL" > ${join(tmp.dir, 'reloaded')}`);
      expect((await cli('sign', 'example.com')).status).toBe(0);
      expect(readFileSync(join(tmp.dir, 'reloaded'), 'utf8')).toMatch(/^example\.com\. \d+\n$/);
      await cli('zone', 'set', 'example.com', 'post-sign-command=exit 7');
      const failed = await cli('sign', 'example.com');
      expect(failed.status).toBe(1);
      expect(failed.stderr).toMatch(/post-sign-command/);
      expect(existsSync(join(tmp.dir, 'example.com.zone.signed'))).toBe(true);
      const status = await cli('rollover', 'status', 'example.com');
      expect(status.stdout).toMatch(/post-sign/i);
    } finally {
      tmp.cleanup();
    }
  });
});
