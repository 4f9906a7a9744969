/**
 * `signet check` options and exit codes without sockets (the DNS is an
 * in-memory fake): bad arguments are UNKNOWN (3), not the usage status 2
 * that monitoring would read as CRITICAL; the resolver defaults to
 * resolv.conf; formats; and the command is registered in the real CLI.
 */
import { describe, expect, it } from 'vitest';
import { firstNameserver } from '../../src/check/resolv-conf.ts';
import type { ActiveKey } from '../../src/signer/sign-zone.ts';
import { runCli } from '../helpers/cli.ts';
import { FakeDns } from './helpers/fake-dns.ts';
import { runCheckCli } from './helpers/run.ts';
import { dsOf, newKey, NOW, signedChild, signedParent } from './helpers/zones.ts';

const ksk = newKey(13, 257);
const childKeys: ActiveKey[] = [{ key: ksk, signs: 'ksk' }, { key: newKey(13, 256), signs: 'zsk' }];
const dns = new FakeDns()
  .set('127.0.0.1:5301', { zones: [signedParent([dsOf(ksk)], [{ key: newKey(13, 257), signs: 'csk' }])] })
  .set('127.0.0.1:5401', { zones: [signedChild({ keys: childKeys })] });
const deps = { client: () => dns, resolvConf: () => null };
const given = ['--parent-server', '127.0.0.1:5301', '--server', '127.0.0.1:5401'];
const run = (args: string[]) => runCheckCli(['--now', String(NOW), ...args], deps);

describe('signet check: options and exit codes', () => {
  it.each([
    [['check', 'child.test', '--server', 'ns1.example'], /--server: bad server address "ns1.example"/],
    [['check', 'child.test', ...given, '--format', 'xml'], /bad --format "xml"/],
    [['check', 'child.test', ...given, '--warn', 'soon'], /--warn: bad duration "soon"/],
    [['check', 'child.test', ...given, '--timeout', '0'], /bad --timeout "0"/],
    [['check', 'child.test', ...given, '--port', '70000'], /bad --port "70000"/],
    [['check', 'child.test', ...given, '-4', '-6'], /-4 and -6 exclude each other/],
    [['check', 'child..test', ...given], /bad domain "child\.\.test"/],
    [['check', 'child.test', '--server', '127.0.0.1:5401'], /no --resolver given and no nameserver in \/etc\/resolv\.conf/],
  ])('%j: UNKNOWN, exit 3, the reason on standard error', async (args, reason) => {
    const r = await run(args);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(reason);
    expect(r.stdout).toMatch(/^UNKNOWN /);
  });

  it('bad arguments with --json: a JSON document with status UNKNOWN and the error code', async () => {
    const r = await run(['--json', 'check', 'child.test', '--server', 'nowhere']);
    expect(r.status).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ zone: 'child.test.', status: 'UNKNOWN', exitCode: 3, error: { code: 'ERR_CHECK_USAGE' } });
  });

  it('bad arguments with --format prometheus: the status metric alone, 3', async () => {
    const r = await run(['check', 'child.test', '--server', 'nowhere', '--format', 'prometheus']);
    expect(r.stdout).toBe('# HELP signet_check_status Result of the last live check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n# TYPE signet_check_status gauge\nsignet_check_status{zone="child.test."} 3\n');
  });

  it('OK: exit 0; --json is --format json', async () => {
    const text = await run(['check', 'child.test', ...given]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^OK child\.test\.: 0 critical findings, 0 warnings; earliest signature expiration 2027-01-29T08:00:00Z \(in 14d\)\n/);
    expect((await run(['--json', 'check', 'child.test', ...given])).stdout).toBe((await run(['check', 'child.test', ...given, '--format', 'json'])).stdout);
  });

  it('--warn and --crit judge the horizon: 14 days left is a warning within --warn 15d, critical within --crit 15d', async () => {
    expect((await run(['check', 'child.test', ...given, '--warn', '15d'])).status).toBe(1);
    expect((await run(['check', 'child.test', ...given, '--warn', '20d', '--crit', '15d'])).status).toBe(2);
  });

  it('without --resolver, the first nameserver of resolv.conf finds what is not given', async () => {
    const fake = new FakeDns().set('127.0.0.1:5401', { zones: [signedChild({ keys: childKeys })] });
    const r = await runCheckCli(['--now', String(NOW), 'check', 'child.test', '--server', '127.0.0.1:5401', '--timeout', '0.1'],
      { client: () => fake, resolvConf: () => '# generated\nsearch example\nnameserver 192.0.2.53\nnameserver 192.0.2.54\n' });
    expect(r.status).toBe(3);
    expect(fake.asked[0]).toMatchObject({ server: '192.0.2.53:53', name: 'test.', type: 6, rd: true });
    expect(r.stdout).toMatch(/could not find the servers to ask: resolver 192\.0\.2\.53: test\. SOA: timed out/);
  });

  it('is registered in the signet CLI; bad usage there is UNKNOWN too', async () => {
    const r = await runCli(['check', 'child.test', '--server', 'nowhere']);
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('--server: bad server address "nowhere"');
    expect((await runCli(['check', 'child.test', '--no-such-option'])).status).toBe(3);
    expect((await runCli(['check'])).status).toBe(3);
  });
});

describe('resolv.conf', () => {
  it('takes the first usable nameserver, IPv6 too, skipping comments and zone indexes', () => {
    expect(firstNameserver('nameserver 127.0.0.53\nnameserver 192.0.2.1\n')).toEqual({ host: '127.0.0.53', port: 53, family: 4 });
    expect(firstNameserver('; comment\nnameserver fe80::1%eth0\nnameserver 2001:db8::53 # ours\n')).toEqual({ host: '2001:db8::53', port: 53, family: 6 });
    expect(firstNameserver('search example.com\noptions ndots:2\n')).toBeNull();
  });
});
