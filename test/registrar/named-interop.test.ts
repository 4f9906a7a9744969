/**
 * Against real BIND `named` (Debian package bind9): DS add and remove through
 * the rfc2136 registrar (TSIG hmac-sha256), confirmed by checkParentDs over
 * two parent servers. The second server is updated separately, later, to
 * play a lagging parent server: the gate must wait for it and name it.
 * Server A signs the parent zone (answers carry RRSIGs); server B does not.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64 } from '../../src/core/bytes.ts';
import { DnsClient } from '../../src/dns/client.ts';
import { parseTsigKey } from '../../src/dns/tsig.ts';
import { findParentServers } from '../../src/registrar/find-parent.ts';
import { rfc2136Registrar } from '../../src/registrar/kinds/rfc2136.ts';
import type { DsRequest } from '../../src/registrar/kinds/registrar.ts';
import { checkParentDs, type ParentObservation, type ParentServer } from '../../src/registrar/parent-check.ts';
import { computeDsRdata } from '../../src/signer/ds.ts';
import { Name } from '../../src/zone/name.ts';
import { RRType } from '../../src/zone/types.ts';
import { formatRecord } from '../../src/zone/writer.ts';
import { dnskey } from './helpers/keys.ts';
import { startNamed, type NamedInstance } from './helpers/named.ts';

const ZONE = Name.parse('child.test.');
const OLD = { id: 'old', dnskey: dnskey(1) };
const NEW = { id: 'new', dnskey: dnskey(2) };
const SECRET = toBase64(Uint8Array.from({ length: 32 }, (_, i) => (i * 13 + 5) & 0xff));
const KEY_TEXT = `update-key:hmac-sha256:${SECRET}`;
const NOW = 1_767_225_600;

const PARENT_ZONE = `$TTL 3600
@ IN SOA ns1.test. hostmaster.test. 1 3600 600 86400 300
@ NS ns1.test.
@ NS ns2.test.
ns1 A 127.0.0.1
ns2 A 127.0.0.1
child NS ns.child.test.
ns.child A 127.0.0.1
${formatRecord(ZONE, 7200, 1, RRType.DS, computeDsRdata(ZONE, OLD.dnskey, 2))}
`;

const dir = mkdtempSync(join(tmpdir(), 'signet-named-'));
let a: NamedInstance;
let b: NamedInstance;
let servers: ParentServer[];
const client = new DnsClient({ timeoutMs: 1000, tries: 2 });

beforeAll(async () => {
  const common = { zone: 'test', zoneText: PARENT_ZONE, keyName: 'update-key', keySecret: SECRET };
  [a, b] = await Promise.all([
    startNamed({ ...common, dir: join(dir, 'a'), signed: true }),
    startNamed({ ...common, dir: join(dir, 'b'), signed: false }),
  ]);
  servers = [{ name: Name.parse('ns1.test.'), address: a.address }, { name: Name.parse('ns2.test.'), address: b.address }];
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

function request(key: { dnskey: Uint8Array }): DsRequest {
  return { zone: ZONE, ds: [computeDsRdata(ZONE, key.dnskey, 2)], dnskeys: [key.dnskey], dsTtl: 3600, dnskeyTtl: 3600 };
}

function registrarFor(server: NamedInstance, keyText = KEY_TEXT) {
  return rfc2136Registrar({ server: server.address, key: parseTsigKey(keyText) });
}

/** Inline signing applies an update a moment later: ask again until `done` holds (or give up). */
async function checkUntil(
  keys: { id: string; dnskey: Uint8Array }[], want: 'published' | 'withdrawn', done: (o: ParentObservation) => boolean, otherKeys: { id: string; dnskey: Uint8Array }[] = [],
): Promise<ParentObservation> {
  let o = await checkParentDs({ zone: ZONE, keys, otherKeys, servers, want, client, now: NOW });
  for (let i = 0; i < 50 && !done(o); i++) {
    await new Promise((r) => setTimeout(r, 100));
    o = await checkParentDs({ zone: ZONE, keys, otherKeys, servers, want, client, now: NOW });
  }
  return o;
}

describe('rfc2136 registrar and parent check against BIND', () => {
  it('sees the DS of the zone file on both servers, TTL from the RRSIG on the signed one', async () => {
    const o = await checkParentDs({ zone: ZONE, keys: [OLD], servers, want: 'published', client, now: NOW });
    expect(o.servers.map((s) => s.outcome), a.log()).toEqual(['has-ds', 'has-ds']);
    expect(o.verdict).toBe('published');
    expect(o.servers.map((s) => s.ttl)).toEqual([7200, 7200]);
  });

  it('adds a DS on the primary; the gate waits for the second server and names it; then opens', async () => {
    expect(await registrarFor(a).submit(request(NEW))).toMatchObject({ status: 'accepted' });
    const waiting = await checkUntil([NEW], 'published', (o) => o.servers[0]!.outcome === 'has-ds', [OLD]);
    expect(waiting.servers.map((s) => s.outcome)).toEqual(['has-ds', 'no-ds']);
    expect(waiting.verdict).toBe('waiting');
    expect(waiting.blocking).toEqual([`ns2.test. 127.0.0.1:${b.address.port}: answers without our DS`]);
    // The old DS is still there beside the new one (double-DS), recognized, not "unknown".
    expect(waiting.servers[0]!.warnings).toEqual([]);
    expect(waiting.servers[0]!.otherKeyIds).toEqual(['old']);

    expect(await registrarFor(b).submit(request(NEW))).toMatchObject({ status: 'accepted' });
    const published = await checkUntil([NEW], 'published', (o) => o.verdict === 'published');
    expect(published.verdict).toBe('published');
    expect(published.maxTtl).toBe(3600);
    // Both DS records at once: the double-DS state.
    expect((await checkParentDs({ zone: ZONE, keys: [OLD, NEW], servers, want: 'published', client, now: NOW })).verdict).toBe('published');
  });

  it('adding the same DS again is harmless (a retried tick)', async () => {
    expect(await registrarFor(a).submit(request(NEW))).toMatchObject({ status: 'accepted' });
  });

  it('removes the old DS; withdrawn only once no server answers it', async () => {
    expect(await registrarFor(a).withdraw(request(OLD))).toMatchObject({ status: 'accepted' });
    const waiting = await checkUntil([OLD], 'withdrawn', (o) => o.servers[0]!.outcome === 'no-ds');
    expect(waiting.servers.map((s) => s.outcome)).toEqual(['no-ds', 'has-ds']);
    expect(waiting.verdict).toBe('waiting');
    expect(waiting.blocking).toEqual([`ns2.test. 127.0.0.1:${b.address.port}: still answers our DS`]);

    expect(await registrarFor(b).withdraw(request(OLD))).toMatchObject({ status: 'accepted' });
    const gone = await checkUntil([OLD], 'withdrawn', (o) => o.verdict === 'withdrawn');
    expect(gone.verdict).toBe('withdrawn');
    // The new DS stays.
    const still = await checkParentDs({ zone: ZONE, keys: [NEW], servers, want: 'published', client, now: NOW });
    expect(still.verdict).toBe('published');
    expect((await checkParentDs({ zone: ZONE, keys: [NEW], servers, want: 'published', client, now: NOW })).verdict).toBe('published');
  });

  it('withdrawn after every DS is gone (NODATA, signed with NSEC on server A)', async () => {
    await registrarFor(a).withdraw(request(NEW));
    await registrarFor(b).withdraw(request(NEW));
    const gone = await checkUntil([NEW], 'withdrawn', (o) => o.verdict === 'withdrawn');
    expect(gone.verdict).toBe('withdrawn');
    expect(gone.servers.every((s) => s.rcode === 0 && s.keyIds.length === 0)).toBe(true);
  });

  it('reports a wrong TSIG secret and an unknown key as failures to retry', async () => {
    const wrongSecret = await registrarFor(a, `update-key:hmac-sha256:${toBase64(new Uint8Array(32).fill(7))}`).submit(request(NEW));
    expect(wrongSecret).toMatchObject({ status: 'failed', code: 'ERR_TSIG_REJECTED', retry: true });
    const unknownKey = await registrarFor(a, `other-key:hmac-sha256:${SECRET}`).submit(request(NEW));
    expect(unknownKey).toMatchObject({ status: 'failed', code: 'ERR_TSIG_REJECTED', retry: true });
    // Nothing changed.
    const o = await checkParentDs({ zone: ZONE, keys: [NEW], servers, want: 'withdrawn', client, now: NOW });
    expect(o.verdict).toBe('withdrawn');
  });

  it('reports NOTAUTH for a zone the server does not serve', async () => {
    const r = await rfc2136Registrar({ server: a.address, key: parseTsigKey(KEY_TEXT), parentZone: Name.parse('other.') })
      .submit({ ...request(NEW), zone: Name.parse('child.other.') });
    expect(r).toMatchObject({ status: 'failed', code: 'ERR_RFC2136_RCODE' });
    if (r.status === 'failed') expect(r.message).toContain('NOTAUTH');
  });

  it('finds the parent zone and its servers through a server that answers for it', async () => {
    const found = await findParentServers(ZONE, a.address, client, { port: a.address.port, families: [4] });
    expect(found.parentZone.toString()).toBe('test.');
    expect(found.servers.map((s) => `${s.name?.toString()} ${s.address.host}:${s.address.port}`)).toEqual([`ns1.test. 127.0.0.1:${a.address.port}`]);
    expect(found.unresolved).toEqual([]);
  });
});
