/**
 * checkZone against an in-memory DNS (no sockets): the findings that need
 * server behaviour hard to stage on loopback (REFUSED, lame answers, an
 * NXDOMAIN at the parent, parent servers that disagree), the delegation's
 * state without DS, and what is asked of whom.
 */
import { describe, expect, it } from 'vitest';
import { checkZone } from '../../src/check/check-zone.ts';
import type { CheckOptions } from '../../src/check/check-zone.ts';
import type { CheckServer } from '../../src/check/probe.ts';
import type { ActiveKey } from '../../src/signer/sign-zone.ts';
import { Name } from '../../src/zone/name.ts';
import { FakeDns } from './helpers/fake-dns.ts';
import { CHILD, childText, DAY, dsOf, newKey, NOW, signedChild, signedParent } from './helpers/zones.ts';

const ksk = newKey(13, 257);
const oldKsk = newKey(13, 257);
const childKeys: ActiveKey[] = [{ key: ksk, signs: 'ksk' }, { key: newKey(13, 256), signs: 'zsk' }];
const parentKeys: ActiveKey[] = [{ key: newKey(13, 257), signs: 'csk' }];
const CHILD_ZONE = signedChild({ keys: childKeys });
const PARENT_ZONE = signedParent([dsOf(ksk)], parentKeys);

const server = (port: number, name: string | null = null): CheckServer => ({ name: name === null ? null : Name.parse(name), address: { host: '127.0.0.1', port, family: 4 } });
const P1 = server(5301);
const P2 = server(5302);
const C1 = server(5401);
const C2 = server(5402);

function run(dns: FakeDns, o: Partial<CheckOptions> = {}) {
  return checkZone({ zone: CHILD, now: NOW, warn: 5 * DAY, crit: 2 * DAY, client: dns, parentServers: [P1], servers: [C1], ...o });
}

const codes = (r: { findings: readonly { code: string }[] }): string[] => r.findings.map((f) => f.code);

describe('checkZone', () => {
  it('healthy: OK, the DS and keys reported, each server asked for DS, SOA, DNSKEY, NSEC3PARAM with RD=0', async () => {
    const dns = new FakeDns().set('127.0.0.1:5301', { zones: [PARENT_ZONE] }).set('127.0.0.1:5401', { zones: [CHILD_ZONE] });
    const r = await run(dns);
    expect(r.findings).toEqual([]);
    expect([r.status, r.unknown, r.parentZone, r.ds]).toEqual([0, null, 'test.', [`${ksk.keyTag}/13`]]);
    expect(r.horizon).toBe(NOW + 14 * DAY);
    expect(dns.asked.map((a) => `${a.server} ${a.name} ${a.type} rd=${a.rd}`).sort()).toEqual([
      '127.0.0.1:5301 child.test. 43 rd=false',
      '127.0.0.1:5401 child.test. 48 rd=false',
      '127.0.0.1:5401 child.test. 51 rd=false',
      '127.0.0.1:5401 child.test. 6 rd=false',
    ]);
  });

  it('a zone server that answers REFUSED: INVALID_RCODE naming it', async () => {
    const dns = new FakeDns().set('127.0.0.1:5301', { zones: [PARENT_ZONE] }).set('127.0.0.1:5401', { zones: [CHILD_ZONE] }).set('127.0.0.1:5402', 'refused');
    const r = await run(dns, { servers: [C1, C2] });
    expect([r.status, codes(r)]).toEqual([1, ['INVALID_RCODE']]);
    expect(r.findings[0]).toMatchObject({ severity: 'warning', servers: ['127.0.0.1:5402'] });
    expect(r.findings[0]!.message).toBe('server 127.0.0.1:5402 answered REFUSED to SOA, DNSKEY, NSEC3PARAM queries: it is in the zone\'s NS set but does not serve the zone properly; load the zone on it or take it out of the NS set');
  });

  it('a lame zone server (answers without AA): SERVER_NOT_AUTHORITATIVE', async () => {
    const dns = new FakeDns().set('127.0.0.1:5301', { zones: [PARENT_ZONE] }).set('127.0.0.1:5401', { zones: [CHILD_ZONE] }).set('127.0.0.1:5402', 'not-authoritative');
    const r = await run(dns, { servers: [C1, C2] });
    expect([r.status, codes(r)]).toEqual([1, ['SERVER_NOT_AUTHORITATIVE']]);
    expect(r.findings[0]!.message).toContain('server 127.0.0.1:5402 answered NOERROR without the AA bit');
  });

  it('a parent server asked as a zone server (a referral, no AA): SERVER_NOT_AUTHORITATIVE; only it: UNKNOWN', async () => {
    const dns = new FakeDns().set('127.0.0.1:5301', { zones: [PARENT_ZONE] });
    const r = await run(dns, { servers: [P1] });
    expect(r.status).toBe(3);
    expect(codes(r)).toEqual(['SERVER_NOT_AUTHORITATIVE']);
    expect(r.unknown).toMatch(/^none of the zone's 1 server\(s\) answered/);
  });

  it('NXDOMAIN at the parent: NO_NS_IN_PARENT, critical', async () => {
    const parentWithout = '$ORIGIN test.\n@ 300 SOA ns1 h 1 2 3 4 5\n@ 300 NS ns1\nns1 300 A 127.0.0.1\n';
    const dns = new FakeDns().set('127.0.0.1:5301', { zones: [parentWithout] }).set('127.0.0.1:5401', { zones: [CHILD_ZONE] });
    const r = await run(dns);
    expect(r.status).toBe(2);
    expect(codes(r)).toContain('NO_NS_IN_PARENT');
    expect(r.findings[0]!.message).toBe('parent server 127.0.0.1:5301 answers that child.test. does not exist (NXDOMAIN in test.), so the zone cannot be reached through its parent: restore the delegation (NS records) at the registrar');
  });

  it('parent servers with different DS sets: PARENT_DS_MISMATCH, and the chain is judged with each', async () => {
    const dns = new FakeDns()
      .set('127.0.0.1:5301', { zones: [PARENT_ZONE] })
      .set('127.0.0.1:5302', { zones: [signedParent([dsOf(oldKsk)], parentKeys)] })
      .set('127.0.0.1:5401', { zones: [CHILD_ZONE] });
    const r = await run(dns, { parentServers: [P1, P2] });
    expect(r.status).toBe(2);
    expect(codes(r)).toEqual(['DS_MATCHES_NO_DNSKEY', 'NO_SEP', 'PARENT_DS_MISMATCH']);
    // The stale set's findings name the zone server and the parent server that serves that set.
    expect(r.findings[0]!.servers).toEqual(['127.0.0.1:5401', '127.0.0.1:5302']);
    expect(r.findings[2]!.message).toBe(`the parent's servers answer different DS RRsets (DS ${ksk.keyTag}/13 on 127.0.0.1:5301; DS ${oldKsk.keyTag}/13 on 127.0.0.1:5302), so resolvers see one or the other: if a DS change was just made, wait for the parent's secondaries; otherwise ask the registry`);
  });

  it('a signed zone without DS at the parent: INSECURE_DELEGATION warning', async () => {
    const dns = new FakeDns().set('127.0.0.1:5301', { zones: [signedParent([], parentKeys)] }).set('127.0.0.1:5401', { zones: [CHILD_ZONE] });
    const r = await run(dns);
    expect([r.status, codes(r)]).toEqual([1, ['INSECURE_DELEGATION']]);
  });

  it('an unsigned zone without DS: ZONE_UNSIGNED, info only, OK', async () => {
    const dns = new FakeDns().set('127.0.0.1:5301', { zones: [signedParent([], parentKeys)] }).set('127.0.0.1:5401', { zones: [childText()] });
    const r = await run(dns);
    expect([r.status, codes(r)]).toEqual([0, ['ZONE_UNSIGNED']]);
    expect(r.horizon).toBeNull();
  });

  it('the DNSKEY RRset without RRSIGs while the parent holds the DS: MISSING_RRSIG and NO_SEP, critical', async () => {
    const stripped = CHILD_ZONE.split('\n').filter((l) => !/\sRRSIG\s+(DNSKEY|SOA|NSEC3PARAM)\s/.test(l)).join('\n');
    const dns = new FakeDns().set('127.0.0.1:5301', { zones: [PARENT_ZONE] }).set('127.0.0.1:5401', { zones: [stripped] });
    const r = await run(dns);
    expect(r.status).toBe(2);
    expect(codes(r)).toEqual(['MISSING_RRSIG', 'MISSING_RRSIG', 'MISSING_RRSIG', 'NO_SEP']);
  });

  it('a signature not yet valid: INCEPTION_IN_FUTURE', async () => {
    const dns = new FakeDns().set('127.0.0.1:5301', { zones: [PARENT_ZONE] }).set('127.0.0.1:5401', { zones: [signedChild({ keys: childKeys, signedAt: NOW + 2 * DAY })] });
    const r = await run(dns);
    expect(r.status).toBe(2);
    expect(codes(r)).toContain('INCEPTION_IN_FUTURE');
  });

  it('the same finding on two servers is one finding naming both', async () => {
    const expired = signedChild({ keys: childKeys, signedAt: NOW - 30 * DAY });
    const dns = new FakeDns().set('127.0.0.1:5301', { zones: [PARENT_ZONE] }).set('127.0.0.1:5401', { zones: [expired] }).set('127.0.0.1:5402', { zones: [expired] });
    const r = await run(dns, { servers: [C1, C2] });
    const soa = r.findings.filter((f) => f.code === 'EXPIRATION_IN_PAST' && f.type === 'SOA');
    expect(soa).toHaveLength(1);
    expect(soa[0]!.servers).toEqual(['127.0.0.1:5401', '127.0.0.1:5402']);
  });

  it('through a resolver: the zone\'s NS and addresses asked with RD=1 and CD=1, servers named; an NS name without address is a finding', async () => {
    const resolverZone = `$ORIGIN test.
$TTL 300
@ SOA ns1 h 1 2 3 4 5
@ NS ns1
ns1 A 127.0.0.1
child NS ns1.child
child NS ns2.child
ns1.child A 127.0.0.1
`;
    const dns = new FakeDns()
      .set('127.0.0.1:53', { zones: [resolverZone], resolver: true })
      .set('127.0.0.1:5301', { zones: [PARENT_ZONE] }) // unused: the parent is given
      .set('127.0.0.1:5400', { zones: [CHILD_ZONE] });
    const r = await run(dns, { servers: undefined, resolver: { host: '127.0.0.1', port: 53, family: 4 }, port: 5400, families: [4] } as Partial<CheckOptions>);
    expect(r.servers.map((s) => s.label)).toEqual(['ns1.child.test. 127.0.0.1:5400']);
    expect(codes(r)).toEqual(['NO_ADDRESS_FOR_NS_NAME']);
    expect(r.findings[0]!.message).toContain('ns2.child.test. has no address of IPv4');
    const viaResolver = dns.asked.filter((a) => a.server === '127.0.0.1:53');
    expect(viaResolver.every((a) => a.rd && a.cd)).toBe(true);
    expect(viaResolver.map((a) => `${a.name} ${a.type}`)).toEqual(['child.test. 2', 'ns1.child.test. 1', 'ns2.child.test. 1']);
  });
});

