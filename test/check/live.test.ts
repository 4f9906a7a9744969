/**
 * `signet check` against real nameservers on loopback (issue 4, "Done
 * when"): the parent zone test. on NSD, the child zone child.test. on NSD
 * and on Knot, each signed by signet's signer, the parent's DS set built
 * from the child's keys. One test per failure the check names; each asserts
 * the finding code, the exit status and that the text names it (and the
 * server, where one is concerned).
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ActiveKey } from '../../src/signer/sign-zone.ts';
import { makeTempDir, startAuthServer } from '../helpers/interop/index.ts';
import type { AuthServer } from '../helpers/interop/index.ts';
import { runCheckCli } from './helpers/run.ts';
import type { RunResult } from './helpers/run.ts';
import { childText, DAY, dsOf, newKey, NOW, signedChild, signedParent, writeZone } from './helpers/zones.ts';

const tmp = makeTempDir('signet-check-');
const ksk = newKey(13, 257);
const zsk = newKey(13, 256);
/** The KSK of the previous DNS provider: its DS is what a provider move leaves behind. */
const oldKsk = newKey(13, 257);
/** An algorithm 15 key the child never publishes: a DS of another algorithm. */
const ed25519 = newKey(15, 257);
const parentKeys: ActiveKey[] = [{ key: newKey(13, 257), signs: 'ksk' }, { key: newKey(13, 256), signs: 'zsk' }];
const childKeys: ActiveKey[] = [{ key: ksk, signs: 'ksk' }, { key: zsk, signs: 'zsk' }];

const HEALTHY_CHILD = signedChild({ keys: childKeys });
const HEALTHY_PARENT = signedParent([dsOf(ksk)], parentKeys);

let parent: AuthServer;
let childNsd: AuthServer;
let childKnot: AuthServer;
/** A UDP socket that reads queries and never answers: a dead server. */
let silent: Socket;
let silentPort = 0;
const served = new Map<AuthServer, string>();

const addr = (s: AuthServer): string => `127.0.0.1:${s.port}`;
const silentAddr = (): string => `127.0.0.1:${silentPort}`;

/** Serves `text` on `server`, restarting it only when the zone changes. */
async function serve(server: AuthServer, text: string): Promise<void> {
  if (served.get(server) === text) return;
  const file = writeZone(tmp.path, `${server.kind}-${server.port}.zone`, text);
  await server.replaceZone(file);
  served.set(server, text);
}

async function check(args: readonly string[], servers: readonly string[] = [addr(childNsd)]): Promise<RunResult> {
  return runCheckCli(['--now', String(NOW), 'check', 'child.test', '--parent-server', addr(parent), ...servers.flatMap((s) => ['--server', s]), '--timeout', '0.3', ...args]);
}

function codes(r: RunResult): string[] {
  const j = JSON.parse(r.stdout) as { findings: { code: string }[] };
  return j.findings.map((f) => f.code);
}

beforeAll(async () => {
  const start = async (kind: 'nsd' | 'knot', origin: string, text: string): Promise<AuthServer> => {
    const server = await startAuthServer(kind, { zoneFile: writeZone(tmp.path, `initial-${kind}-${origin}`, text), origin });
    served.set(server, text);
    return server;
  };
  [parent, childNsd, childKnot] = await Promise.all([
    start('nsd', 'test', HEALTHY_PARENT),
    start('nsd', 'child.test', HEALTHY_CHILD),
    start('knot', 'child.test', HEALTHY_CHILD),
  ]);
  silent = createSocket('udp4');
  await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
  silentPort = silent.address().port;
});

afterAll(async () => {
  silent?.close();
  await Promise.all([parent?.stop(), childNsd?.stop(), childKnot?.stop()]);
  tmp.cleanup();
});

describe('signet check on loopback', () => {
  test('healthy: DS → DNSKEY → SOA validates on NSD and Knot; exit 0', async () => {
    await serve(parent, HEALTHY_PARENT);
    await serve(childNsd, HEALTHY_CHILD);
    await serve(childKnot, HEALTHY_CHILD);
    const r = await check([], [addr(childNsd), addr(childKnot)]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('OK child.test.: 0 critical findings, 0 warnings; earliest signature expiration 2027-01-29T08:00:00Z (in 14d)');
    expect(r.stdout).toContain(`parent test.: ${addr(parent)}: DS ${ksk.keyTag}/13`);
    expect(r.stdout).toContain(`${addr(childKnot)}: serial 2024010101, DNSKEY`);

    const json = await check(['--format', 'json'], [addr(childNsd), addr(childKnot)]);
    expect(JSON.parse(json.stdout)).toMatchObject({ zone: 'child.test.', status: 'OK', exitCode: 0, findings: [], parent: { zone: 'test.', ds: [`${ksk.keyTag}/13`] } });
    const prom = await check(['--format', 'prometheus'], [addr(childNsd), addr(childKnot)]);
    expect(prom.stdout).toContain('signet_check_status{zone="child.test."} 0\n');
    expect(prom.stdout).toContain('signet_check_signature_horizon_seconds{zone="child.test."} 1209600\n');
    expect(prom.stdout).toContain('signet_check_servers{zone="child.test.",role="zone",state="answered"} 2\n');
  });

  test('DS at the parent but the zone unsigned: DNSKEY_MISSING, exit 2', async () => {
    await serve(parent, HEALTHY_PARENT);
    await serve(childNsd, childText());
    const r = await check([]);
    expect(r.status, r.stdout).toBe(2);
    expect(r.stdout).toMatch(/^CRITICAL child\.test\.: 1 critical finding/);
    expect(r.stdout).toContain(`critical DNSKEY_MISSING: the parent holds a DS for child.test. but server ${addr(childNsd)} serves no DNSKEY RRset`);
    expect(codes(await check(['--format', 'json']))).toEqual(['DNSKEY_MISSING']);
  });

  test('stale DS after a provider move (no DS matches): DS_MATCHES_NO_DNSKEY critical, exit 2', async () => {
    await serve(parent, signedParent([dsOf(oldKsk)], parentKeys));
    await serve(childNsd, HEALTHY_CHILD);
    const r = await check([]);
    expect(r.status, r.stdout).toBe(2);
    expect(r.stdout).toContain(`critical DS_MATCHES_NO_DNSKEY: the DS at the parent (tag ${oldKsk.keyTag}, algorithm 13 (ECDSAP256SHA256)) matches no DNSKEY in the zone, so validating resolvers fail on the whole zone`);
    expect(r.stdout).toContain(`[${addr(childNsd)}]`);
    expect(codes(await check(['--format', 'json']))).toEqual(['DS_MATCHES_NO_DNSKEY', 'NO_SEP']);
  });

  test('a stale DS beside one that matches: DS_MATCHES_NO_DNSKEY warning, exit 1', async () => {
    await serve(parent, signedParent([dsOf(ksk), dsOf(oldKsk)], parentKeys));
    await serve(childNsd, HEALTHY_CHILD);
    const r = await check([]);
    expect(r.status, r.stdout).toBe(1);
    expect(r.stdout).toContain(`warning  DS_MATCHES_NO_DNSKEY: the DS at the parent (tag ${oldKsk.keyTag}, algorithm 13 (ECDSAP256SHA256)) matches no DNSKEY in the zone: publish the key or replace the DS`);
  });

  test('an algorithm in the DS set with no DNSKEY signature of it: MISSING_SEP_FOR_ALG critical, exit 2', async () => {
    await serve(parent, signedParent([dsOf(ksk), dsOf(ed25519)], parentKeys));
    await serve(childNsd, HEALTHY_CHILD);
    const r = await check([]);
    expect(r.status, r.stdout).toBe(2);
    expect(r.stdout).toContain('critical MISSING_SEP_FOR_ALG: the DS set has algorithm 15 (ED25519) but no DS of it leads to a key of that algorithm that signs the DNSKEY RRset');
    expect(codes(await check(['--format', 'json']))).toEqual(['MISSING_SEP_FOR_ALG', 'DS_MATCHES_NO_DNSKEY']);
  });

  test('expired signatures: EXPIRATION_IN_PAST, exit 2', async () => {
    await serve(parent, HEALTHY_PARENT);
    await serve(childNsd, signedChild({ keys: childKeys, signedAt: NOW - 30 * DAY }));
    const r = await check([]);
    expect(r.status, r.stdout).toBe(2);
    expect(r.stdout).toMatch(/critical EXPIRATION_IN_PAST: the RRSIG by key \d+ over child\.test\. (SOA|DNSKEY|NSEC3PARAM) expired at 2026-12-30T08:00:00Z \(16d ago\)/);
    expect(r.stdout).toContain(`[${addr(childNsd)}]`);
    expect(new Set(codes(await check(['--format', 'json'])))).toContain('EXPIRATION_IN_PAST');
  });

  test('signatures expiring within --warn: SIGNATURE_EXPIRES_SOON warning, exit 1 (and 2 within --crit)', async () => {
    await serve(parent, HEALTHY_PARENT);
    await serve(childNsd, signedChild({ keys: childKeys, signedAt: NOW - 10 * DAY }));
    const r = await check(['--warn', '5d']);
    expect(r.status, r.stdout).toBe(1);
    expect(r.stdout).toContain('warning  SIGNATURE_EXPIRES_SOON: the earliest signature (child.test. DNSKEY) expires at 2027-01-19T08:00:00Z, in 4d, within the --warn 5d');
    expect(r.stdout).toContain(`[${addr(childNsd)}]`);
    const crit = await check(['--warn', '7d', '--crit', '5d']);
    expect(crit.status, crit.stdout).toBe(2);
    expect(crit.stdout).toContain('critical SIGNATURE_EXPIRES_SOON:');
  });

  test('servers that disagree on the serial: SOA_SERIAL_MISMATCH warning naming both, exit 1', async () => {
    await serve(parent, HEALTHY_PARENT);
    await serve(childNsd, signedChild({ keys: childKeys, serial: 2024010102 }));
    await serve(childKnot, HEALTHY_CHILD);
    const r = await check([], [addr(childNsd), addr(childKnot)]);
    expect(r.status, r.stdout).toBe(1);
    expect(r.stdout).toContain(`warning  SOA_SERIAL_MISMATCH: the zone's servers serve different SOA serials (2024010102 on ${addr(childNsd)}; 2024010101 on ${addr(childKnot)})`);
  });

  test('servers that disagree on the DNSKEY set: DNSKEY_MISSING_FROM_SERVERS warning, exit 1', async () => {
    const extra = newKey(13, 256);
    await serve(parent, HEALTHY_PARENT);
    await serve(childNsd, signedChild({ keys: childKeys, publishedOnly: [extra.dnskeyRdata] }));
    await serve(childKnot, HEALTHY_CHILD);
    const r = await check([], [addr(childNsd), addr(childKnot)]);
    expect(r.status, r.stdout).toBe(1);
    expect(r.stdout).toContain(`warning  DNSKEY_MISSING_FROM_SERVERS: the DNSKEY with tag ${extra.keyTag} is served by ${addr(childNsd)} but not by ${addr(childKnot)}`);
  });

  test('NSEC3 with iterations and a salt: NONZERO_NSEC3_ITERATION_COUNT and NONEMPTY_NSEC3_SALT warnings, exit 1', async () => {
    await serve(parent, HEALTHY_PARENT);
    await serve(childNsd, signedChild({ keys: childKeys, denial: { kind: 'nsec3', iterations: 10, salt: new Uint8Array([0xab, 0xcd]), optOut: false } }));
    const r = await check([]);
    expect(r.status, r.stdout).toBe(1);
    expect(r.stdout).toContain('warning  NONZERO_NSEC3_ITERATION_COUNT: NSEC3 uses 10 extra iterations');
    expect(r.stdout).toContain('warning  NONEMPTY_NSEC3_SALT: NSEC3 uses a salt (abcd)');
    expect(r.stdout).toContain(`[${addr(childNsd)}]`);
  });

  test('a server of the zone that does not answer: SERVER_UNRESPONSIVE_UDP warning, exit 1; none answering: exit 3', async () => {
    await serve(parent, HEALTHY_PARENT);
    await serve(childNsd, HEALTHY_CHILD);
    const r = await check([], [addr(childNsd), silentAddr()]);
    expect(r.status, r.stdout).toBe(1);
    expect(r.stdout).toContain(`warning  SERVER_UNRESPONSIVE_UDP: server ${silentAddr()} did not answer (timed out, 2 tries) to SOA, DNSKEY, NSEC3PARAM queries`);

    const none = await check([], [silentAddr()]);
    expect(none.status, none.stdout).toBe(3);
    expect(none.stdout).toMatch(/^UNKNOWN child\.test\.: could not check in full: none of the zone's 1 server\(s\) answered/);
  });

  test('a parent server that does not answer: the others decide; none answering: exit 3', async () => {
    await serve(parent, HEALTHY_PARENT);
    await serve(childNsd, HEALTHY_CHILD);
    const r = await check(['--parent-server', silentAddr()]);
    expect(r.status, r.stdout).toBe(1);
    expect(r.stdout).toContain(`warning  SERVER_UNRESPONSIVE_UDP: parent server ${silentAddr()} did not answer (timed out, 2 tries)`);
    const none = await runCheckCli(['--now', String(NOW), 'check', 'child.test', '--parent-server', silentAddr(), '--server', addr(childNsd), '--timeout', '0.3']);
    expect(none.status, none.stdout).toBe(3);
    expect(none.stdout).toContain('no parent server answered the DS question');
  });

  test('a zone server given as the parent is named as not serving the parent zone', async () => {
    await serve(childNsd, HEALTHY_CHILD);
    const r = await runCheckCli(['--now', String(NOW), 'check', 'child.test', '--parent-server', addr(childNsd), '--parent-server', addr(parent), '--server', addr(childNsd)]);
    expect(r.status, r.stdout).toBe(1);
    expect(r.stdout).toContain(`warning  SERVER_NOT_AUTHORITATIVE: parent server ${addr(childNsd)} answers from the zone child.test., not from a parent of child.test.`);
  });
});

