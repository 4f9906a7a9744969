import { afterAll, describe, expect, it } from 'vitest';
import { toBase64 } from '../../src/core/bytes.ts';
import { CLASS_NONE, decodeMessage, encodeMessage, NO_FLAGS, Opcode, Rcode, type DecodedMessage } from '../../src/dns/message.ts';
import { parseTsigKey } from '../../src/dns/tsig.ts';
import { rfc2136Registrar } from '../../src/registrar/kinds/rfc2136.ts';
import { encodeDsUpdate, sendDsUpdate } from '../../src/registrar/rfc2136.ts';
import { computeDsRdata } from '../../src/signer/ds.ts';
import { Name } from '../../src/zone/name.ts';
import { RRType } from '../../src/zone/types.ts';
import { startFakeServer, type FakeServer } from '../dns/helpers/fake-dns-server.ts';
import { dnskey } from './helpers/keys.ts';

const ZONE = Name.parse('child.test.');
const PARENT = Name.parse('test.');
const NEW = computeDsRdata(ZONE, dnskey(2), 2);
const OLD = computeDsRdata(ZONE, dnskey(1), 2);
const KEY = parseTsigKey(`update-key:hmac-sha256:${toBase64(Uint8Array.from({ length: 32 }, (_, i) => i))}`);

const started: FakeServer[] = [];
afterAll(async () => {
  await Promise.all(started.map((s) => s.close()));
});

/** A TCP-only fake primary that answers every UPDATE with `answer(query)`. */
async function primary(answer: (q: DecodedMessage) => Uint8Array | null): Promise<FakeServer> {
  const s = await startFakeServer({ udp: () => null, tcp: (q) => answer(q) });
  started.push(s);
  return s;
}

function response(q: DecodedMessage, o: { id?: number; rcode?: number; opcode?: number } = {}): Uint8Array {
  return encodeMessage({
    id: o.id ?? q.id, opcode: o.opcode ?? Opcode.UPDATE, rcode: o.rcode ?? 0, flags: { ...NO_FLAGS, qr: true },
    questions: q.questions, answers: [], authority: [], additional: [], edns: null,
  });
}

describe('encodeDsUpdate (RFC 2136 §2)', () => {
  it('writes the zone section, no prerequisites, deletes (class NONE, TTL 0) then adds', () => {
    const m = decodeMessage(encodeDsUpdate({ zone: ZONE, parentZone: PARENT, add: [NEW], remove: [OLD], ttl: 3600 }, 99));
    expect(m.opcode).toBe(Opcode.UPDATE);
    expect(m.questions.map((q) => [q.name.toString(), q.type, q.class])).toEqual([['test.', RRType.SOA, 1]]);
    expect(m.answers).toEqual([]);
    expect(m.authority.map((r) => [r.owner.toString(), r.type, r.class, r.ttl])).toEqual([
      ['child.test.', RRType.DS, CLASS_NONE, 0],
      ['child.test.', RRType.DS, 1, 3600],
    ]);
    expect(m.authority[0]!.rdata).toEqual(OLD);
    expect(m.authority[1]!.rdata).toEqual(NEW);
  });

  it('refuses a child that is not below the parent zone', () => {
    expect(() => encodeDsUpdate({ zone: ZONE, parentZone: Name.parse('other.'), add: [NEW], remove: [], ttl: 1 }, 1))
      .toThrow(expect.objectContaining({ code: 'ERR_RFC2136_NOT_IN_ZONE' }));
    expect(() => encodeDsUpdate({ zone: PARENT, parentZone: PARENT, add: [NEW], remove: [], ttl: 1 }, 1))
      .toThrow(expect.objectContaining({ code: 'ERR_RFC2136_NOT_IN_ZONE' }));
  });
});

describe('sendDsUpdate failures', () => {
  const update = { zone: ZONE, parentZone: PARENT, add: [NEW], remove: [], ttl: 3600 };

  it('signs the request with TSIG and refuses an unsigned answer', async () => {
    const s = await primary((q) => response(q));
    await expect(sendDsUpdate(update, { server: s.address, key: KEY })).rejects.toMatchObject({ code: 'ERR_TSIG_RESPONSE_UNSIGNED' });
    expect(s.tcpQueries[0]!.tsig?.record.owner.toString()).toBe('update-key.');
  });

  it('reports the server RCODE (unsigned update)', async () => {
    const s = await primary((q) => response(q, { rcode: Rcode.REFUSED }));
    await expect(sendDsUpdate(update, { server: s.address, key: null })).rejects.toMatchObject({ code: 'ERR_RFC2136_RCODE' });
  });

  it('accepts NOERROR for an unsigned update, with or without the zone section echoed', async () => {
    const s = await primary((q) => response(q));
    await expect(sendDsUpdate(update, { server: s.address, key: null })).resolves.toBeUndefined();
    const bare = await primary((q) => encodeMessage({ id: q.id, opcode: Opcode.UPDATE, rcode: 0, flags: { ...NO_FLAGS, qr: true }, questions: [], answers: [], authority: [], additional: [], edns: null }));
    await expect(sendDsUpdate(update, { server: bare.address, key: null })).resolves.toBeUndefined();
  });

  it('refuses an answer with the wrong ID or opcode', async () => {
    const s = await primary((q) => response(q, { id: (q.id + 1) & 0xffff }));
    await expect(sendDsUpdate(update, { server: s.address, key: null })).rejects.toMatchObject({ code: 'ERR_RFC2136_BAD_RESPONSE' });
    const s2 = await primary((q) => response(q, { opcode: Opcode.QUERY }));
    await expect(sendDsUpdate(update, { server: s2.address, key: null })).rejects.toMatchObject({ code: 'ERR_RFC2136_BAD_RESPONSE' });
  });

  it('refuses garbage', async () => {
    const s = await primary(() => Uint8Array.of(0, 1, 2));
    await expect(sendDsUpdate(update, { server: s.address, key: null })).rejects.toMatchObject({ code: 'ERR_RFC2136_BAD_RESPONSE' });
  });

  it('times out', async () => {
    const s = await primary(() => null);
    await expect(sendDsUpdate(update, { server: s.address, key: KEY, timeoutMs: 200 })).rejects.toMatchObject({ code: 'ERR_RFC2136_TIMEOUT' });
  });

  it('reports a refused connection, and the registrar turns it into a retryable failure', async () => {
    const s = await startFakeServer({ udp: () => null, tcp: 'refuse' });
    await s.close();
    await expect(sendDsUpdate(update, { server: s.address, key: KEY })).rejects.toMatchObject({ code: 'ERR_RFC2136_FAILED' });
    const r = await rfc2136Registrar({ server: s.address, key: KEY }).submit({ zone: ZONE, ds: [NEW], dnskeys: [dnskey(2)], dsTtl: 3600, dnskeyTtl: 600 });
    expect(r).toMatchObject({ status: 'failed', code: 'ERR_RFC2136_FAILED', retry: true });
  });
});
