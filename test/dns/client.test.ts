import { afterEach, describe, expect, it } from 'vitest';
import { DnsClient, type QueryResult } from '../../src/dns/client.ts';
import { Rcode } from '../../src/dns/message.ts';
import type { DnsTransport, UdpChannel } from '../../src/dns/transport.ts';
import { Name } from '../../src/zone/name.ts';
import { RRType } from '../../src/zone/types.ts';
import { reply, startFakeServer, type FakeServer } from './helpers/fake-dns-server.ts';

const NAME = Name.parse('child.test.');
const A_RECORD = { owner: NAME, type: RRType.A, class: 1, ttl: 300, rdata: Uint8Array.of(192, 0, 2, 1) };
// Short timeouts keep the failure tests fast; the defaults are checked separately.
const client = new DnsClient({ timeoutMs: 250, tries: 2 });

let servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function serve(o: Parameters<typeof startFakeServer>[0]): Promise<FakeServer> {
  const s = await startFakeServer(o);
  servers.push(s);
  return s;
}

function expectKind<K extends QueryResult['kind']>(r: QueryResult, kind: K): Extract<QueryResult, { kind: K }> {
  expect(r.kind, JSON.stringify(r, (k, v) => (k === 'message' || v instanceof Uint8Array ? undefined : v))).toBe(kind);
  return r as Extract<QueryResult, { kind: K }>;
}

describe('DnsClient over UDP', () => {
  it('accepts a matching answer and asks with RD=0, DO=1 and a random ID', async () => {
    const s = await serve({ udp: (q) => reply(q, { answers: [A_RECORD] }) });
    const r1 = expectKind(await client.query(s.address, { name: NAME, type: RRType.A }), 'answer');
    const r2 = expectKind(await client.query(s.address, { name: NAME, type: RRType.A }), 'answer');
    expect(r1.via).toBe('udp');
    expect(r1.rcode).toBe(Rcode.NOERROR);
    expect(r1.answers).toHaveLength(1);
    expect(s.udpQueries[0]!.flags.rd).toBe(false);
    expect(s.udpQueries[0]!.edns).toMatchObject({ udpSize: 1232, dnssecOk: true });
    expect(r2.answers).toHaveLength(1);
    // Two 16-bit random IDs collide once in 65536 runs; three rarely.
    await client.query(s.address, { name: NAME, type: RRType.A });
    expect(new Set(s.udpQueries.map((q) => q.id)).size).toBeGreaterThan(1);
  });

  it('accepts the question name in another case (RFC 4343)', async () => {
    const s = await serve({ udp: (q) => reply(q, { questions: [{ ...q.questions[0]!, name: Name.parse('CHILD.Test.') }] }) });
    expectKind(await client.query(s.address, { name: NAME, type: RRType.A }), 'answer');
  });

  it('rejects an answer with the wrong ID', async () => {
    const s = await serve({ udp: (q) => reply(q, { id: (q.id + 1) & 0xffff, answers: [A_RECORD] }) });
    const r = expectKind(await client.query(s.address, { name: NAME, type: RRType.A }), 'error');
    expect(r.code).toBe('ERR_DNS_ID_MISMATCH');
    expect(s.udpQueries).toHaveLength(2);
  });

  it('ignores a wrong-ID answer and takes the right one that follows', async () => {
    const s = await serve({ udp: (q) => [reply(q, { id: (q.id + 1) & 0xffff }), reply(q, { answers: [A_RECORD] })] });
    const r = expectKind(await client.query(s.address, { name: NAME, type: RRType.A }), 'answer');
    expect(r.answers).toHaveLength(1);
  });

  it('rejects an answer to another question name', async () => {
    const s = await serve({ udp: (q) => reply(q, { questions: [{ ...q.questions[0]!, name: Name.parse('other.test.') }], answers: [A_RECORD] }) });
    expect(expectKind(await client.query(s.address, { name: NAME, type: RRType.A }), 'error').code).toBe('ERR_DNS_QUESTION_MISMATCH');
  });

  it('rejects an answer to another type, and one without a question', async () => {
    const s = await serve({ udp: (q) => reply(q, { questions: [{ ...q.questions[0]!, type: RRType.AAAA }] }) });
    expect(expectKind(await client.query(s.address, { name: NAME, type: RRType.A }), 'error').code).toBe('ERR_DNS_QUESTION_MISMATCH');
    const s2 = await serve({ udp: (q) => reply(q, { questions: [] }) });
    expect(expectKind(await client.query(s2.address, { name: NAME, type: RRType.A }), 'error').code).toBe('ERR_DNS_QUESTION_MISMATCH');
  });

  it('rejects garbage bytes', async () => {
    const s = await serve({ udp: () => Uint8Array.of(1, 2, 3, 4, 5) });
    expect(expectKind(await client.query(s.address, { name: NAME, type: RRType.A }), 'error').code).toMatch(/^ERR_DNS_MSG_/);
  });

  it('rejects a message that is a query, not a response', async () => {
    const s = await serve({ udp: (_q, raw) => raw });
    expect(expectKind(await client.query(s.address, { name: NAME, type: RRType.A }), 'error').code).toBe('ERR_DNS_NOT_RESPONSE');
  });

  it('returns SERVFAIL as an answer with that RCODE', async () => {
    const s = await serve({ udp: (q) => reply(q, { rcode: Rcode.SERVFAIL, aa: false }) });
    expect(expectKind(await client.query(s.address, { name: NAME, type: RRType.A }), 'answer').rcode).toBe(Rcode.SERVFAIL);
  });

  it('times out after the configured tries when nothing answers', async () => {
    const s = await serve({ udp: () => null });
    const r = expectKind(await client.query(s.address, { name: NAME, type: RRType.A }), 'timeout');
    expect(r.tries).toBe(2);
    expect(s.udpQueries).toHaveLength(2);
    // A new ID on each try.
    expect(s.udpQueries[0]!.id === s.udpQueries[1]!.id).toBe(false);
  });

  it('answers on the second try when the first is lost', async () => {
    let n = 0;
    const s = await serve({ udp: (q) => (n++ === 0 ? null : reply(q, { answers: [A_RECORD] })) });
    expectKind(await client.query(s.address, { name: NAME, type: RRType.A }), 'answer');
  });

  it('reports an error when the port is closed (ICMP unreachable)', async () => {
    const s = await serve({ udp: () => null });
    const address = s.address;
    await s.close();
    servers = [];
    const r = await client.query(address, { name: NAME, type: RRType.A });
    // Linux reports ECONNREFUSED on the connected socket; elsewhere this may only time out.
    expect(['error', 'timeout']).toContain(r.kind);
    if (r.kind === 'error') expect(r.code).toBe('ERR_DNS_UDP_FAILED');
  });

  it('works over IPv6 loopback', async () => {
    const s = await serve({ udp: (q) => reply(q, { answers: [A_RECORD] }), host: '::1' });
    expect(s.address.family).toBe(6);
    expectKind(await client.query(s.address, { name: NAME, type: RRType.A }), 'answer');
  });
});

describe('DnsClient truncation', () => {
  it('retries over TCP after TC=1 and takes the TCP answer', async () => {
    const s = await serve({ udp: (q) => reply(q, { tc: true }), tcp: (q) => reply(q, { answers: [A_RECORD, A_RECORD] }) });
    const r = expectKind(await client.query(s.address, { name: NAME, type: RRType.A }), 'answer');
    expect(r.via).toBe('tcp');
    expect(r.answers).toHaveLength(2);
    expect(s.tcpQueries).toHaveLength(1);
  });

  it('fails, never returning the truncated answer, when TCP is refused', async () => {
    const s = await serve({ udp: (q) => reply(q, { tc: true, answers: [A_RECORD] }), tcp: 'refuse' });
    expect(expectKind(await client.query(s.address, { name: NAME, type: RRType.A }), 'error').code).toBe('ERR_DNS_TCP_FAILED');
  });

  it('fails when the TCP connection closes without an answer', async () => {
    const s = await serve({ udp: (q) => reply(q, { tc: true }), tcp: 'close' });
    expect(expectKind(await client.query(s.address, { name: NAME, type: RRType.A }), 'error').code).toBe('ERR_DNS_TCP_FAILED');
  });

  it('fails when the TCP answer has the wrong ID', async () => {
    const s = await serve({ udp: (q) => reply(q, { tc: true }), tcp: (q) => reply(q, { id: (q.id + 1) & 0xffff }) });
    expect(expectKind(await client.query(s.address, { name: NAME, type: RRType.A }), 'error').code).toBe('ERR_DNS_ID_MISMATCH');
  });

  it('fails when the TCP server never answers', async () => {
    const s = await serve({ udp: (q) => reply(q, { tc: true }), tcp: () => null });
    expect(expectKind(await client.query(s.address, { name: NAME, type: RRType.A }), 'error').code).toBe('ERR_DNS_TCP_FAILED');
  });
});

describe('DnsClient with an injected transport', () => {
  it('uses the transport given, without sockets', async () => {
    let sent: Uint8Array | null = null;
    const transport: DnsTransport = {
      async openUdp(): Promise<UdpChannel> {
        let delivered = false;
        return {
          send(d) { sent = d; },
          async receive() {
            if (delivered || sent === null) return null;
            delivered = true;
            const { decodeMessage } = await import('../../src/dns/message.ts');
            return reply(decodeMessage(sent), { answers: [A_RECORD] });
          },
          close() {},
        };
      },
      tcpExchange: () => Promise.reject(new Error('unused')),
    };
    const c = new DnsClient({ transport, randomId: () => 4242 });
    const r = expectKind(await c.query({ host: '2001:db8::1', port: 53, family: 6 }, { name: NAME, type: RRType.A }), 'answer');
    expect(r.message.id).toBe(4242);
  });

  it('refuses bad options', () => {
    expect(() => new DnsClient({ tries: 0 })).toThrow(expect.objectContaining({ code: 'ERR_DNS_BAD_OPTION' }));
    expect(() => new DnsClient({ timeoutMs: 0 })).toThrow(expect.objectContaining({ code: 'ERR_DNS_BAD_OPTION' }));
  });
});
