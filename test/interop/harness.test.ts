/**
 * Proves the interop harness itself, with zones signed by BIND's
 * dnssec-signzone as the producer: the validators accept a good zone and
 * reject a tampered one, time injection works in every validator and in
 * unbound, and NSD/Knot + unbound validate end to end on loopback.
 *
 * signet's own interop tests reuse these helpers with `signet sign` /
 * `signet ds` as the producer.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  MissingToolError,
  bindDs,
  bindKeygen,
  bindSignZone,
  execTool,
  findMissingTools,
  makeTempDir,
  ofType,
  query,
  startAuthServer,
  startUnbound,
  tamperRdata,
  verifyWithAll,
  writeTamperedCopy,
} from '../helpers/interop/index.ts';
import type { AuthServer, BindKey, Denial, DnsResponse, Resolver, TempDir } from '../helpers/interop/index.ts';

const ORIGIN = 'example.test';

const UNSIGNED = `$ORIGIN example.test.
$TTL 3600
@        IN SOA ns1 hostmaster 2024010101 7200 3600 1209600 300
@        NS    ns1
ns1      A     192.0.2.1
www      A     192.0.2.10
         AAAA  2001:db8::10
txt      TXT   "hello interop" "second string"
*.wild   A     192.0.2.20
; a delegation with glue and no DS: insecure child
sub      NS    ns.sub
ns.sub   A     192.0.2.30
`;

/** 2020-01-09T12:00:00Z: a time when the "past" zone below is valid and the real clock is not. */
const PAST = 1578571200;

let tmp: TempDir;
let keys: BindKey[];
let ds: string;
let unsignedFile: string;

beforeAll(async () => {
  tmp = makeTempDir();
  unsignedFile = join(tmp.path, 'example.test.zone');
  writeFileSync(unsignedFile, UNSIGNED);
  keys = await Promise.all([
    bindKeygen(tmp.path, ORIGIN, { ksk: true }),
    bindKeygen(tmp.path, ORIGIN),
  ]);
  ds = await bindDs(keys[0]!);
});

afterAll(() => tmp?.cleanup());

async function sign(denial: Denial, at?: number): Promise<string> {
  const output = join(tmp.path, `${denial}${at === undefined ? '' : `-${at}`}.signed`);
  return bindSignZone({ dir: tmp.path, origin: ORIGIN, zoneFile: unsignedFile, keys, denial, at, output });
}

function tamper(file: string): string {
  const out = `${file}.tampered`;
  writeTamperedCopy(file, out, `www.${ORIGIN}`, 'A', '192.0.2.99');
  return out;
}

const show = (r: DnsResponse, extra = ''): string => `${r.raw}\n${extra}`;

describe.each<Denial>(['nsec3', 'nsec'])('dnssec-signzone output with %s', (denial) => {
  let signed: string;
  let auth: AuthServer | undefined;
  let resolver: Resolver | undefined;

  beforeAll(async () => {
    signed = await sign(denial);
  });

  afterAll(async () => {
    await resolver?.stop();
    await auth?.stop();
  });

  test('all three validators accept it', async () => {
    const all = await verifyWithAll(signed, ORIGIN);
    expect(all.results.map((r) => r.tool)).toEqual(['ldns-verify-zone', 'dnssec-verify', 'kzonecheck']);
    expect(all.ok, all.output).toBe(true);
  });

  test('every validator rejects a copy with one A record changed after signing', async () => {
    const all = await verifyWithAll(tamper(signed), ORIGIN);
    for (const r of all.results) expect(r.ok, `${r.tool} accepted a tampered zone\n${r.output}`).toBe(false);
  });

  test('NSD serves it and unbound validates it with the DS as trust anchor', async () => {
    auth = await startAuthServer('nsd', { zoneFile: signed, origin: ORIGIN });
    resolver = await startUnbound({ stubs: [{ zone: ORIGIN, port: auth.port }], trustAnchor: ds });
    const log = (): string => `${resolver?.log() ?? ''}\n${auth?.log() ?? ''}`;

    // The authoritative side: a referral at the delegation, with glue and the no-DS proof.
    const referral = await query(auth.port, `host.sub.${ORIGIN}`, 'A');
    expect(referral.flags.aa, show(referral)).toBe(false);
    expect(ofType(referral.authority, 'NS').map((r) => r.data), show(referral)).toEqual([`ns.sub.${ORIGIN}.`]);
    expect(ofType(referral.additional, 'A').map((r) => r.data), show(referral)).toEqual(['192.0.2.30']);
    expect(ofType(referral.authority, denial === 'nsec' ? 'NSEC' : 'NSEC3').length, show(referral)).toBeGreaterThan(0);

    const www = await query(resolver.port, `www.${ORIGIN}`, 'A', { recurse: true });
    expect(www.rcodeName, show(www, log())).toBe('NOERROR');
    expect(www.flags.ad, show(www, log())).toBe(true);
    expect(ofType(www.answer, 'A').map((r) => r.data)).toEqual(['192.0.2.10']);

    const txt = await query(resolver.port, `txt.${ORIGIN}`, 'TXT', { recurse: true });
    expect([txt.rcodeName, txt.flags.ad], show(txt, log())).toEqual(['NOERROR', true]);

    // Wildcard expansion needs the proof that the query name itself does not exist.
    const wild = await query(resolver.port, `anything.wild.${ORIGIN}`, 'A', { recurse: true });
    expect([wild.rcodeName, wild.flags.ad], show(wild, log())).toEqual(['NOERROR', true]);
    expect(ofType(wild.answer, 'A').map((r) => r.data)).toEqual(['192.0.2.20']);

    const missing = await query(resolver.port, `missing.${ORIGIN}`, 'A', { recurse: true });
    expect([missing.rcode, missing.flags.ad], show(missing, log())).toEqual([3, true]);
    expect(ofType(missing.authority, denial === 'nsec' ? 'NSEC' : 'NSEC3').length, show(missing)).toBeGreaterThan(0);

    const nodata = await query(resolver.port, `www.${ORIGIN}`, 'MX', { recurse: true });
    expect([nodata.rcodeName, nodata.answer.length, nodata.flags.ad], show(nodata, log())).toEqual(['NOERROR', 0, true]);

    // Insecure delegation: the parent proves there is no DS, and that proof validates.
    const noDs = await query(resolver.port, `sub.${ORIGIN}`, 'DS', { recurse: true });
    expect([noDs.rcodeName, noDs.answer.length, noDs.flags.ad], show(noDs, log())).toEqual(['NOERROR', 0, true]);
  });

  test('unbound answers SERVFAIL once a tampered copy is served', async () => {
    if (auth === undefined || resolver === undefined) throw new Error('previous test did not start the servers');
    await auth.replaceZone(tamper(signed));
    await resolver.restart(); // empty cache: the good answer must not be served from it

    const direct = await query(auth.port, `www.${ORIGIN}`, 'A');
    expect(ofType(direct.answer, 'A').map((r) => r.data), show(direct)).toEqual(['192.0.2.99']);

    const bogus = await query(resolver.port, `www.${ORIGIN}`, 'A', { recurse: true });
    expect(bogus.rcodeName, show(bogus, resolver.log())).toBe('SERVFAIL');
    // Untouched data in the same zone still validates: the failure is the tampered RRset.
    const other = await query(resolver.port, `txt.${ORIGIN}`, 'TXT', { recurse: true });
    expect([other.rcodeName, other.flags.ad], show(other, resolver.log())).toEqual(['NOERROR', true]);
    // With CD set unbound passes the bad data through unvalidated: the SERVFAIL came from validation.
    const cd = await query(resolver.port, `www.${ORIGIN}`, 'A', { recurse: true, checkingDisabled: true });
    expect([cd.rcodeName, cd.flags.ad], show(cd)).toEqual(['NOERROR', false]);
  });
});

describe('time injection', () => {
  let past: string;
  let auth: AuthServer | undefined;
  let resolver: Resolver | undefined;

  beforeAll(async () => {
    past = await sign('nsec3', PAST); // valid 2020-01-09T11:00Z .. 2020-02-08T12:00Z
  });

  afterAll(async () => {
    await resolver?.stop();
    await auth?.stop();
  });

  test('each validator accepts the zone at a time inside its validity', async () => {
    const all = await verifyWithAll(past, ORIGIN, { at: PAST });
    expect(all.ok, all.output).toBe(true);
  });

  test('each validator rejects it at the real time (expired) and before inception', async () => {
    const now = await verifyWithAll(past, ORIGIN);
    for (const r of now.results) expect(r.ok, `${r.tool} ignored expiry\n${r.output}`).toBe(false);
    const early = await verifyWithAll(past, ORIGIN, { at: PAST - 86400 });
    for (const r of early.results) expect(r.ok, `${r.tool} ignored inception\n${r.output}`).toBe(false);
  });

  test('unbound validates with val-override-date and fails without it', async () => {
    auth = await startAuthServer('nsd', { zoneFile: past, origin: ORIGIN });
    resolver = await startUnbound({ stubs: [{ zone: ORIGIN, port: auth.port }], trustAnchor: ds, at: PAST });
    const ok = await query(resolver.port, `www.${ORIGIN}`, 'A', { recurse: true });
    expect([ok.rcodeName, ok.flags.ad], show(ok, resolver.log())).toEqual(['NOERROR', true]);

    await resolver.restart({ at: null });
    const expired = await query(resolver.port, `www.${ORIGIN}`, 'A', { recurse: true });
    expect(expired.rcodeName, show(expired, resolver.log())).toBe('SERVFAIL');
  });
});

describe('Knot as the authoritative server', () => {
  let auth: AuthServer | undefined;
  let resolver: Resolver | undefined;

  afterAll(async () => {
    await resolver?.stop();
    await auth?.stop();
  });

  test('knotd serves the signed zone as it is and unbound validates it', async () => {
    const signed = await sign('nsec3');
    auth = await startAuthServer('knot', { zoneFile: signed, origin: ORIGIN });
    resolver = await startUnbound({ stubs: [{ zone: ORIGIN, port: auth.port }], trustAnchor: ds });
    const www = await query(resolver.port, `www.${ORIGIN}`, 'AAAA', { recurse: true });
    expect([www.rcodeName, www.flags.ad], show(www, `${resolver.log()}\n${auth.log()}`)).toEqual(['NOERROR', true]);
    expect(ofType(www.answer, 'AAAA').map((r) => r.data)).toEqual(['2001:db8::10']);
    const missing = await query(resolver.port, `missing.${ORIGIN}`, 'TXT', { recurse: true });
    expect([missing.rcode, missing.flags.ad], show(missing, resolver.log())).toEqual([3, true]);
  });
});

describe('harness failure modes', () => {
  test('every tool the harness runs is installed (CI must install, never skip)', () => {
    expect(findMissingTools(), 'install the listed Debian packages').toEqual([]);
  });

  test('a missing binary is an error naming it, not a skip', async () => {
    await expect(execTool('signet-interop-no-such-tool', [])).rejects.toBeInstanceOf(MissingToolError);
  });

  test('a server that refuses the zone fails fast with its log', async () => {
    const broken = join(tmp.path, 'broken.zone');
    writeFileSync(broken, `${ORIGIN}. 3600 IN SOA ns1 hostmaster 1 2 3 4 5\n${ORIGIN}. 3600 IN NOSUCHTYPE x\n`);
    const started = performance.now();
    await expect(startAuthServer('nsd', { zoneFile: broken, origin: ORIGIN })).rejects.toThrow(/nsd failed to start[\s\S]*NOSUCHTYPE/);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  test('tampering a record that does not exist throws instead of testing nothing', () => {
    expect(() => tamperRdata(UNSIGNED, `nowhere.${ORIGIN}`, 'A', '192.0.2.1')).toThrow(/no nowhere\.example\.test\. A record/);
  });
});
