import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsClient } from '../../src/dns/client.ts';
import { Rcode, type DecodedMessage } from '../../src/dns/message.ts';
import {
  checkParentDs, classifyDsAnswer, parseParentServers, summarizeObservations, toParentServerAnswers,
  type ParentObservation, type ParentServer,
} from '../../src/registrar/parent-check.ts';
import { encodeRrsig } from '../../src/zone/dnssec-rdata.ts';
import { Name } from '../../src/zone/name.ts';
import type { ResourceRecord } from '../../src/zone/record.ts';
import { RRType } from '../../src/zone/types.ts';
import { ByteWriter } from '../../src/zone/wire.ts';
import { reply, startFakeServer, type FakeServer, type FakeServerOptions } from '../dns/helpers/fake-dns-server.ts';
import { dnskey, dsRecord } from './helpers/keys.ts';

const ZONE = Name.parse('child.test.');
const PARENT = Name.parse('test.');
const KEY = { id: 'ksk-new', dnskey: dnskey(2) };
const OTHER = { id: 'ksk-old', dnskey: dnskey(1) };
const NOW = 1_767_225_600;
const client = new DnsClient({ timeoutMs: 200, tries: 2 });

function soa(owner: Name): ResourceRecord {
  const rdata = new ByteWriter().bytes(Name.parse('ns1.test.').wire).bytes(Name.parse('hostmaster.test.').wire)
    .u32(1).u32(3600).u32(600).u32(86400).u32(300).finish();
  return { owner, type: RRType.SOA, class: 1, ttl: 300, rdata };
}

function rrsigOverDs(originalTtl: number): ResourceRecord {
  return {
    owner: ZONE, type: RRType.RRSIG, class: 1, ttl: 60,
    rdata: encodeRrsig({ typeCovered: RRType.DS, algorithm: 13, labels: 2, originalTtl, expiration: 2, inception: 1, keyTag: 7, signerName: PARENT, signature: new Uint8Array(64) }),
  };
}

/** A parent server that answers our DS (signed, Original TTL 86400, the record TTL decremented to 60). */
const hasDs = (q: DecodedMessage): Uint8Array => reply(q, { answers: [dsRecord(ZONE, KEY.dnskey, 2, 60), rrsigOverDs(86400)] });
/** A parent server that has no DS for the child (NODATA with the parent's SOA). */
const noDs = (q: DecodedMessage): Uint8Array => reply(q, { authority: [soa(PARENT)] });

const started: FakeServer[] = [];
async function server(o: FakeServerOptions, name: string | null = null): Promise<ParentServer> {
  const s = await startFakeServer(o);
  started.push(s);
  return { name: name === null ? null : Name.parse(name), address: s.address };
}
afterAll(async () => {
  await Promise.all(started.map((s) => s.close()));
});

let goodHas: ParentServer;
let goodNone: ParentServer;
beforeAll(async () => {
  goodHas = await server({ udp: hasDs }, 'ns1.test.');
  goodNone = await server({ udp: noDs }, 'ns1.test.');
});

async function check(bad: ParentServer, want: 'published' | 'withdrawn'): Promise<ParentObservation> {
  const good = want === 'published' ? goodHas : goodNone;
  return checkParentDs({ zone: ZONE, keys: [KEY], servers: [good, bad], want, client, now: NOW });
}

/** Every failing server must keep both gates closed and be named. */
async function expectBlocked(bad: ParentServer, outcome: string, code: string | RegExp): Promise<void> {
  for (const want of ['published', 'withdrawn'] as const) {
    const o = await check(bad, want);
    expect(o.verdict, want).toBe('waiting');
    const obs = o.servers[1]!;
    expect(obs.outcome).toBe(outcome);
    expect(obs.code).toMatch(code);
    expect(o.blocking).toHaveLength(1);
    expect(o.blocking[0]).toContain(obs.address);
  }
}

describe('checkParentDs: clean answers', () => {
  it('is published when every server answers our DS, with the DS TTL from the RRSIG', async () => {
    const o = await checkParentDs({ zone: ZONE, keys: [KEY], servers: [goodHas, await server({ udp: hasDs })], want: 'published', client, now: NOW });
    expect(o.verdict).toBe('published');
    expect(o.servers.map((s) => s.outcome)).toEqual(['has-ds', 'has-ds']);
    expect(o.servers[0]!.ttl).toBe(86400);
    expect(o.maxTtl).toBe(86400);
    expect(o.blocking).toEqual([]);
    expect(o.servers[0]!.at).toBe(NOW);
    expect(o.servers[0]!.server).toBe('ns1.test.');
  });

  it('is withdrawn when every server answers NODATA or NXDOMAIN from the parent zone', async () => {
    const nx = await server({ udp: (q) => reply(q, { rcode: Rcode.NXDOMAIN, authority: [soa(PARENT)] }) });
    const o = await checkParentDs({ zone: ZONE, keys: [KEY], servers: [goodNone, nx], want: 'withdrawn', client, now: NOW });
    expect(o.verdict).toBe('withdrawn');
    expect(o.servers.map((s) => s.outcome)).toEqual(['no-ds', 'no-ds']);
  });

  it('is withdrawn when the servers answer only the DS of other keys, and warns about them', async () => {
    const onlyOld = await server({ udp: (q) => reply(q, { answers: [dsRecord(ZONE, OTHER.dnskey)] }) });
    const o = await checkParentDs({ zone: ZONE, keys: [KEY], servers: [onlyOld], want: 'withdrawn', client, now: NOW });
    expect(o.verdict).toBe('withdrawn');
    expect(o.servers[0]!.unknownDs).toBe(1);
    expect(o.warnings).toHaveLength(1);
  });

  it('counts an unknown extra DS as a warning, not a stall', async () => {
    const extra = await server({ udp: (q) => reply(q, { answers: [dsRecord(ZONE, KEY.dnskey), dsRecord(ZONE, dnskey(77))] }) });
    const o = await checkParentDs({ zone: ZONE, keys: [KEY], servers: [goodHas, extra], want: 'published', client, now: NOW });
    expect(o.verdict).toBe('published');
    expect(o.warnings).toHaveLength(1);
  });

  it('recognizes the DS of our other keys (the old KSK) without a warning, and leaves them out of the verdict', async () => {
    const both = await server({ udp: (q) => reply(q, { answers: [dsRecord(ZONE, KEY.dnskey), dsRecord(ZONE, OTHER.dnskey)] }) });
    const o = await checkParentDs({ zone: ZONE, keys: [KEY], otherKeys: [OTHER], servers: [both], want: 'published', client, now: NOW });
    expect(o.verdict).toBe('published');
    expect(o.servers[0]!.otherKeyIds).toEqual(['ksk-old']);
    expect(o.servers[0]!.keyIds).toEqual(['ksk-new']);
    expect(o.warnings).toEqual([]);
    const old = await checkParentDs({ zone: ZONE, keys: [OTHER], otherKeys: [KEY], servers: [goodHas], want: 'withdrawn', client, now: NOW });
    expect(old.verdict).toBe('withdrawn');
  });

  it('waits while one server lags behind, and names it', async () => {
    const o = await checkParentDs({ zone: ZONE, keys: [KEY], servers: [goodHas, goodNone], want: 'published', client, now: NOW });
    expect(o.verdict).toBe('waiting');
    expect(o.blocking).toEqual([`ns1.test. ${goodNone.address.host}:${goodNone.address.port}: answers without our DS`]);
    const back = await checkParentDs({ zone: ZONE, keys: [KEY], servers: [goodHas, goodNone], want: 'withdrawn', client, now: NOW });
    expect(back.verdict).toBe('waiting');
  });

  it('needs the DS of every key asked about (partial sets keep both gates closed)', async () => {
    const both = [KEY, OTHER];
    for (const want of ['published', 'withdrawn'] as const) {
      const o = await checkParentDs({ zone: ZONE, keys: both, servers: [goodHas], want, client, now: NOW });
      expect(o.servers[0]!.outcome).toBe('partial-ds');
      expect(o.servers[0]!.keyIds).toEqual(['ksk-new']);
      expect(o.verdict).toBe('waiting');
    }
  });

  it('never opens a gate with no servers', async () => {
    for (const want of ['published', 'withdrawn'] as const) {
      const o = await checkParentDs({ zone: ZONE, keys: [KEY], servers: [], want, client, now: NOW });
      expect(o.verdict).toBe('waiting');
      expect(o.blocking[0]).toContain('no parent servers');
    }
  });

  it('asks with RD=0 and the DO bit', async () => {
    const s = await startFakeServer({ udp: hasDs });
    started.push(s);
    await checkParentDs({ zone: ZONE, keys: [KEY], servers: [{ name: null, address: s.address }], want: 'published', client, now: NOW });
    expect(s.udpQueries[0]!.flags.rd).toBe(false);
    expect(s.udpQueries[0]!.edns?.dnssecOk).toBe(true);
    expect(s.udpQueries[0]!.questions[0]!.type).toBe(RRType.DS);
  });
});

// Each failure has its own test; every answer below carries our DS where it can, so
// that accepting it by mistake would open the 'published' gate.
describe('checkParentDs: answers that never advance a rollover', () => {
  it('a wrong ID', async () => {
    await expectBlocked(await server({ udp: (q) => reply(q, { id: (q.id + 1) & 0xffff, answers: [dsRecord(ZONE, KEY.dnskey)] }) }), 'error', 'ERR_DNS_ID_MISMATCH');
  });

  it('a question that does not match', async () => {
    await expectBlocked(await server({
      udp: (q) => reply(q, { questions: [{ name: Name.parse('other.test.'), type: RRType.DS, class: 1 }], answers: [dsRecord(ZONE, KEY.dnskey)] }),
    }), 'error', 'ERR_DNS_QUESTION_MISMATCH');
  });

  it('a question of another type', async () => {
    await expectBlocked(await server({
      udp: (q) => reply(q, { questions: [{ name: ZONE, type: RRType.DNSKEY, class: 1 }], answers: [dsRecord(ZONE, KEY.dnskey)] }),
    }), 'error', 'ERR_DNS_QUESTION_MISMATCH');
  });

  it('truncation with TCP refused', async () => {
    await expectBlocked(await server({ udp: (q) => reply(q, { tc: true, answers: [dsRecord(ZONE, KEY.dnskey)] }), tcp: 'refuse' }), 'error', 'ERR_DNS_TCP_FAILED');
  });

  it('truncation: the TCP answer decides, not the truncated UDP one', async () => {
    const s = await server({ udp: (q) => reply(q, { tc: true, answers: [dsRecord(ZONE, KEY.dnskey)] }), tcp: noDs });
    const o = await check(s, 'published');
    expect(o.verdict).toBe('waiting');
    expect(o.servers[1]!.outcome).toBe('no-ds');
    const ok = await server({ udp: (q) => reply(q, { tc: true }), tcp: hasDs });
    expect((await check(ok, 'published')).verdict).toBe('published');
  });

  it('garbage bytes', async () => {
    await expectBlocked(await server({ udp: () => Uint8Array.from({ length: 40 }, (_, i) => (i * 37) & 0xff) }), 'error', /^ERR_DNS_MSG_/);
  });

  it('SERVFAIL', async () => {
    await expectBlocked(await server({ udp: (q) => reply(q, { rcode: Rcode.SERVFAIL, aa: false }) }), 'error', 'ERR_PARENT_RCODE');
  });

  it('REFUSED', async () => {
    await expectBlocked(await server({ udp: (q) => reply(q, { rcode: Rcode.REFUSED, aa: false }) }), 'error', 'ERR_PARENT_RCODE');
  });

  it('no answer at all', async () => {
    await expectBlocked(await server({ udp: () => null }), 'timeout', 'ERR_DNS_TIMEOUT');
  });

  it('an answer without the AA bit (a cache, not the parent)', async () => {
    await expectBlocked(await server({ udp: (q) => reply(q, { aa: false, answers: [dsRecord(ZONE, KEY.dnskey)] }) }), 'error', 'ERR_PARENT_NOT_AUTHORITATIVE');
  });

  it('a NODATA from the child zone itself (a child-only server)', async () => {
    const s = await server({ udp: (q) => reply(q, { authority: [soa(ZONE)] }) });
    const o = await check(s, 'withdrawn');
    expect(o.verdict).toBe('waiting');
    expect(o.servers[1]!.code).toBe('ERR_PARENT_WRONG_ZONE');
  });

  it('a negative answer without an SOA', async () => {
    const s = await server({ udp: (q) => reply(q) });
    const o = await check(s, 'withdrawn');
    expect(o.verdict).toBe('waiting');
    expect(o.servers[1]!.code).toBe('ERR_PARENT_NEGATIVE_WITHOUT_SOA');
  });
});

describe('helpers', () => {
  it('classifyDsAnswer names the server by address when its name is unknown', () => {
    const o = classifyDsAnswer(ZONE, [KEY], { name: null, address: { host: '::1', port: 5300, family: 6 } }, { kind: 'timeout', server: { host: '::1', port: 5300, family: 6 }, tries: 2 }, NOW);
    expect(o.server).toBe('[::1]:5300');
    expect(o.detail).toBe('timed out (2 tries)');
  });

  it('toParentServerAnswers gives the engine its shape', () => {
    const obs = summarizeObservations(ZONE, [KEY], 'published', NOW, [
      classifyDsAnswer(ZONE, [KEY], goodHas, { kind: 'timeout', server: goodHas.address, tries: 2 }, NOW),
    ]);
    expect(toParentServerAnswers(obs)).toEqual([{
      server: 'ns1.test.', address: `${goodHas.address.host}:${goodHas.address.port}`, outcome: 'timeout',
      detail: 'timed out (2 tries)', keyIds: [], unknownDs: 0, ttl: null,
    }]);
  });

  it('parseParentServers reads the setting', () => {
    expect(parseParentServers('127.0.0.1:5301,[::1]:5302').map((s) => [s.name, s.address.port])).toEqual([[null, 5301], [null, 5302]]);
    expect(parseParentServers('')).toEqual([]);
    expect(() => parseParentServers('ns1.test')).toThrow(expect.objectContaining({ code: 'ERR_PARENT_SERVERS_BAD' }));
  });
});
