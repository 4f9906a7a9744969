import { afterAll, describe, expect, it } from 'vitest';
import { DnsClient } from '../../src/dns/client.ts';
import { Rcode, type DecodedMessage } from '../../src/dns/message.ts';
import { findParentServers, findParentZone } from '../../src/registrar/find-parent.ts';
import { Name } from '../../src/zone/name.ts';
import type { ResourceRecord } from '../../src/zone/record.ts';
import { RRType } from '../../src/zone/types.ts';
import { ByteWriter } from '../../src/zone/wire.ts';
import { reply, startFakeServer, type FakeServer } from '../dns/helpers/fake-dns-server.ts';

const client = new DnsClient({ timeoutMs: 200, tries: 1 });
const n = (t: string): Name => Name.parse(t);
const rr = (owner: string, type: number, rdata: Uint8Array): ResourceRecord => ({ owner: n(owner), type, class: 1, ttl: 300, rdata });
const soa = (owner: string): ResourceRecord => rr(owner, RRType.SOA, new ByteWriter().bytes(n('ns1.test.').wire).bytes(n('h.test.').wire).u32(1).u32(2).u32(3).u32(4).u32(5).finish());

/** A resolver that knows the zone `test.` with ns1 (v4+v6), ns2 (v4 only) and ns3 (no address). */
function resolver(q: DecodedMessage): Uint8Array {
  const { name, type } = q.questions[0]!;
  const t = name.toString().toLowerCase();
  if (t === 'test.' && type === RRType.SOA) return reply(q, { aa: false, answers: [soa('test.')] });
  if (t === 'test.' && type === RRType.NS) {
    return reply(q, { aa: false, answers: ['ns1.test.', 'ns2.test.', 'ns3.test.', 'NS1.test.'].map((x) => rr('test.', RRType.NS, n(x).wire)) });
  }
  if (t === 'ns1.test.' && type === RRType.A) return reply(q, { answers: [rr('ns1.test.', RRType.A, Uint8Array.of(127, 0, 0, 1))] });
  if (t === 'ns1.test.' && type === RRType.AAAA) return reply(q, { answers: [rr('ns1.test.', RRType.AAAA, Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1))] });
  if (t === 'ns2.test.' && type === RRType.A) return reply(q, { answers: [rr('ns2.test.', RRType.A, Uint8Array.of(127, 0, 0, 2))] });
  if (t.endsWith('test.')) return reply(q, { aa: false, authority: [soa('test.')] });
  return reply(q, { rcode: Rcode.NXDOMAIN, aa: false, authority: [soa('.')] });
}

const started: FakeServer[] = [];
afterAll(async () => {
  await Promise.all(started.map((s) => s.close()));
});
async function start(handler: (q: DecodedMessage) => Uint8Array | null): Promise<FakeServer> {
  const s = await startFakeServer({ udp: handler });
  started.push(s);
  return s;
}

describe('findParentZone', () => {
  it('walks up past names that are not zone apexes, asking with RD=1', async () => {
    const s = await start(resolver);
    expect((await findParentZone(n('a.b.test.'), s.address, client)).toString()).toBe('test.');
    expect(s.udpQueries.map((q) => q.questions[0]!.name.toString())).toEqual(['b.test.', 'test.']);
    expect(s.udpQueries.every((q) => q.flags.rd)).toBe(true);
  });

  it('refuses the root', async () => {
    const s = await start(resolver);
    await expect(findParentZone(Name.root, s.address, client)).rejects.toMatchObject({ code: 'ERR_PARENT_NOT_FOUND' });
  });

  it('fails with the resolver named when it does not answer or fails', async () => {
    const silent = await start(() => null);
    await expect(findParentZone(n('child.test.'), silent.address, client)).rejects.toMatchObject({ code: 'ERR_PARENT_RESOLVER_FAILED' });
    const failing = await start((q) => reply(q, { rcode: Rcode.SERVFAIL }));
    await expect(findParentZone(n('child.test.'), failing.address, client)).rejects.toMatchObject({ code: 'ERR_PARENT_RESOLVER_FAILED' });
  });
});

describe('findParentServers', () => {
  it('returns every address of every NS name, and the names without one', async () => {
    const s = await start(resolver);
    const found = await findParentServers(n('child.test.'), s.address, client, { port: 5353 });
    expect(found.parentZone.toString()).toBe('test.');
    expect(found.servers.map((x) => `${x.name?.toString()} ${x.address.host} ${x.address.port} ${x.address.family}`)).toEqual([
      'ns1.test. 127.0.0.1 5353 4', 'ns1.test. ::1 5353 6', 'ns2.test. 127.0.0.2 5353 4',
    ]);
    expect(found.unresolved).toEqual(['ns3.test.']);
  });

  it('can ask for IPv4 only', async () => {
    const s = await start(resolver);
    const found = await findParentServers(n('child.test.'), s.address, client, { families: [4] });
    expect(found.servers.map((x) => x.address.host)).toEqual(['127.0.0.1', '127.0.0.2']);
    expect(found.servers[0]!.address.port).toBe(53);
  });

  it('fails when the parent has no NS records', async () => {
    const s = await start((q) => (q.questions[0]!.type === RRType.NS ? reply(q, { authority: [soa('test.')] }) : resolver(q)));
    await expect(findParentServers(n('child.test.'), s.address, client)).rejects.toMatchObject({ code: 'ERR_PARENT_NO_NS' });
  });
});
