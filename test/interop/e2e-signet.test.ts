/**
 * Issue 2, "Done when", end to end on loopback: a zone signed by signet,
 * served by a real authoritative server (NSD, and Knot), and a validating
 * unbound whose trust anchor is the DS that `signet ds` prints. Names that
 * exist validate (AD), names that don't are proven not to exist (NXDOMAIN
 * with AD), and a tampered copy gives SERVFAIL.
 */
import { copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseTime } from '../../src/core/time.ts';
import { runCli } from '../helpers/cli.ts';
import {
  makeTempDir, ofType, query, startAuthServer, startUnbound, writeTamperedCopy,
} from '../helpers/interop/index.ts';
import type { AuthKind, AuthServer, DnsResponse, Resolver, TempDir } from '../helpers/interop/index.ts';

const ORIGIN = 'example.com';
const NOW = '2026-11-25T12:00:00Z';
const AT = parseTime(NOW) + 600;
const show = (r: DnsResponse, extra = ''): string => `${r.raw}\n${extra}`;

describe.each<[AuthKind, string]>([['nsd', 'nsec3'], ['nsd', 'nsec'], ['knot', 'nsec3']])('signet-signed zone on %s with %s', (kind, denial) => {
  let tmp: TempDir;
  let signed: string;
  let ds: string;
  let auth: AuthServer | undefined;
  let resolver: Resolver | undefined;

  beforeAll(async () => {
    tmp = makeTempDir();
    const input = join(tmp.path, 'example.com.zone');
    copyFileSync(resolve(import.meta.dirname, '../../zones/example.com.zone'), input);
    const cli = (...args: string[]) => runCli(['--db', join(tmp.path, 'state.db'), '--now', NOW, ...args], { cwd: tmp.path });
    expect((await cli('policy', 'set', 'p', `denial=${denial}`)).status).toBe(0);
    expect((await cli('zone', 'add', ORIGIN, '--input', input, '--policy', 'p')).status).toBe(0);
    const sign = await cli('sign', ORIGIN);
    expect(sign.status, sign.stderr).toBe(0);
    signed = `${input}.signed`;
    const out = await cli('--json', 'ds', ORIGIN);
    ds = (JSON.parse(out.stdout) as { ds: string }[]).map((d) => d.ds).join('\n');
    auth = await startAuthServer(kind, { zoneFile: signed, origin: ORIGIN });
    resolver = await startUnbound({ stubs: [{ zone: ORIGIN, port: auth.port }], trustAnchor: ds, at: AT });
  });

  afterAll(async () => {
    await resolver?.stop();
    await auth?.stop();
    tmp?.cleanup();
  });

  test('existing names validate with the AD bit, missing ones are proven absent', async () => {
    const r = resolver!;
    const log = (): string => `${r.log()}\n${auth?.log() ?? ''}`;
    for (const [name, type] of [['www', 'A'], ['www', 'AAAA'], ['@', 'MX'], ['@', 'CAA'], ['blog', 'CNAME'], ['_imaps._tcp', 'SRV'], ['x.apps', 'A']] as const) {
      const qname = name === '@' ? `${ORIGIN}.` : `${name}.${ORIGIN}.`;
      const a = await query(r.port, qname, type, { recurse: true });
      expect([a.rcodeName, a.flags.ad], show(a, log())).toEqual(['NOERROR', true]);
      expect(a.answer.length, show(a)).toBeGreaterThan(0);
    }
    const missing = await query(r.port, `missing.${ORIGIN}.`, 'A', { recurse: true });
    expect([missing.rcode, missing.flags.ad], show(missing, log())).toEqual([3, true]);
    const nodata = await query(r.port, `www.${ORIGIN}.`, 'TXT', { recurse: true });
    expect([nodata.rcodeName, nodata.answer.length, nodata.flags.ad], show(nodata, log())).toEqual(['NOERROR', 0, true]);
    // The insecure delegation is proven to have no DS.
    const noDs = await query(r.port, `legacy.${ORIGIN}.`, 'DS', { recurse: true });
    expect([noDs.rcodeName, noDs.answer.length, noDs.flags.ad], show(noDs, log())).toEqual(['NOERROR', 0, true]);
  });

  test('a tampered copy gives SERVFAIL', async () => {
    const tampered = `${signed}.tampered`;
    writeTamperedCopy(signed, tampered, `www.${ORIGIN}`, 'A', '192.0.2.99');
    await auth!.replaceZone(tampered);
    await resolver!.restart();
    const bogus = await query(resolver!.port, `www.${ORIGIN}.`, 'A', { recurse: true });
    expect(bogus.rcodeName, show(bogus, resolver!.log())).toBe('SERVFAIL');
    const other = await query(resolver!.port, `mail.${ORIGIN}.`, 'A', { recurse: true });
    expect([other.rcodeName, other.flags.ad], show(other, resolver!.log())).toEqual(['NOERROR', true]);
  });
});
