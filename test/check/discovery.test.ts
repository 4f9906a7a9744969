/**
 * `signet check DOMAIN --resolver`: the parent and the zone's servers found
 * through a resolver, then asked by address. One NSD serves test. and
 * child.test. on one loopback port (--port, since a resolver hands out
 * addresses, not ports); unbound, stubbed to it, validates with the parent's
 * DS as trust anchor, with a stub-zone for each zone (the delegation names
 * an address, not a port). Findings name each server by its NS name and
 * address.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { computeDsRdata } from '../../src/signer/ds.ts';
import type { ActiveKey } from '../../src/signer/sign-zone.ts';
import { makeTempDir, startAuthServer, startUnbound } from '../helpers/interop/index.ts';
import type { AuthServer, Resolver } from '../helpers/interop/index.ts';
import { runCheckCli } from './helpers/run.ts';
import { dsOf, newKey, NOW, PARENT, signedChild, signedParent, writeZone } from './helpers/zones.ts';

const parentKsk = newKey(13, 257);
const parentKeys: ActiveKey[] = [{ key: parentKsk, signs: 'ksk' }, { key: newKey(13, 256), signs: 'zsk' }];
const ksk = newKey(13, 257);
const childKeys: ActiveKey[] = [{ key: ksk, signs: 'ksk' }, { key: newKey(13, 256), signs: 'zsk' }];
const staleKsk = newKey(13, 257);

function anchorFor(): string {
  const ds = computeDsRdata(PARENT, parentKsk.dnskeyRdata, 2);
  return `test. 3600 IN DS ${(ds[0]! << 8) | ds[1]!} ${ds[2]} ${ds[3]} ${Buffer.from(ds.subarray(4)).toString('hex').toUpperCase()}`;
}

const tmp = makeTempDir('signet-check-discovery-');

interface Setup {
  auth: AuthServer;
  resolver: Resolver;
}

async function setUp(name: string, childText: string, ds: readonly Uint8Array[]): Promise<Setup> {
  const auth = await startAuthServer('nsd', {
    zones: [
      { origin: 'test.', zoneFile: writeZone(tmp.path, `${name}-parent.zone`, signedParent(ds, parentKeys)) },
      { origin: 'child.test.', zoneFile: writeZone(tmp.path, `${name}-child.zone`, childText) },
    ],
  });
  try {
    const stubs = ['test.', 'child.test.'].map((zone) => ({ zone, port: auth.port }));
    const resolver = await startUnbound({ stubs, trustAnchor: anchorFor(), at: NOW });
    return { auth, resolver };
  } catch (e) {
    await auth.stop();
    throw e;
  }
}

const check = (s: Setup, args: readonly string[] = []) =>
  runCheckCli(['--now', String(NOW), 'check', 'child.test.', '--resolver', `127.0.0.1:${s.resolver.port}`, '--port', String(s.auth.port), '-4', ...args]);

describe('discovery through --resolver', () => {
  let healthy: Setup;
  let broken: Setup;

  beforeAll(async () => {
    [healthy, broken] = await Promise.all([
      setUp('healthy', signedChild({ keys: childKeys, denial: { kind: 'nsec3', iterations: 5, salt: new Uint8Array(0), optOut: false } }), [dsOf(ksk)]),
      setUp('broken', signedChild({ keys: childKeys }), [dsOf(staleKsk)]),
    ]);
  });

  afterAll(async () => {
    for (const s of [healthy, broken]) {
      await s?.resolver.stop();
      await s?.auth.stop();
    }
    tmp.cleanup();
  });

  test('finds the parent test., its NS and the NS of the zone NS; findings name the server by name and address', async () => {
    const a = `127.0.0.1:${healthy.auth.port}`;
    const r = await check(healthy);
    expect(r.status, `${r.stdout}${r.stderr}\n${healthy.resolver.log()}`).toBe(1);
    expect(r.stdout).toContain(`parent test.: ns1.test. ${a}: DS ${ksk.keyTag}/13`);
    expect(r.stdout).toContain(`servers: ns1.child.test. ${a}: serial 2024010101`);
    expect(r.stdout).toContain(`warning  NONZERO_NSEC3_ITERATION_COUNT: NSEC3 uses 5 extra iterations, which cost resolvers work and add no protection: re-sign with nsec3-iterations 0 (RFC 9276) [ns1.child.test. ${a}]`);
    const j = JSON.parse((await check(healthy, ['--format', 'json'])).stdout);
    expect(j.parent.zone).toBe('test.');
    expect(j.parent.servers).toEqual([expect.objectContaining({ name: 'ns1.test.', address: '127.0.0.1', port: healthy.auth.port })]);
    expect(j.servers).toEqual([expect.objectContaining({ name: 'ns1.child.test.', answered: true })]);
  });

  test('a zone the resolver calls bogus (stale DS) is still reached (CD=1) and named: exit 2', async () => {
    const r = await check(broken);
    expect(r.status, `${r.stdout}${r.stderr}\n${broken.resolver.log()}`).toBe(2);
    expect(r.stdout).toContain(`critical DS_MATCHES_NO_DNSKEY: the DS at the parent (tag ${staleKsk.keyTag}, algorithm 13 (ECDSAP256SHA256)) matches no DNSKEY in the zone`);
    expect(r.stdout).toContain(`[ns1.child.test. 127.0.0.1:${broken.auth.port}]`);
  });

  test('a resolver that does not answer: UNKNOWN, exit 3', async () => {
    const r = await runCheckCli(['--now', String(NOW), 'check', 'child.test.', '--resolver', '127.0.0.1:9', '--timeout', '0.2']);
    expect(r.status).toBe(3);
    expect(r.stdout).toMatch(/^UNKNOWN child\.test\.: could not check in full: could not find the servers to ask: resolver 127\.0\.0\.1:9/);
  });
});

