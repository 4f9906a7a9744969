/**
 * The DS gate as `tick` drives it, against two fake parent servers on
 * loopback: the rollover advances only once every server answers the new DS
 * cleanly. A wrong ID, a question that does not match, truncation without a
 * usable TCP answer, garbage, SERVFAIL or silence from one server never
 * advances it, each on its own tick; status names the server and says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTime } from '../../src/core/time.ts';
import { DnsClient } from '../../src/dns/client.ts';
import type { DecodedMessage } from '../../src/dns/message.ts';
import { openStateDb, type StateDb } from '../../src/keystore/state-db.ts';
import { runTick } from '../../src/manager/tick-run.ts';
import { zoneStatusReport } from '../../src/manager/rollover-status.ts';
import type { Observation } from '../../src/rollover/actions.ts';
import { parseDsLine } from './helpers/ds-line.ts';
import { Name } from '../../src/zone/name.ts';
import type { ResourceRecord } from '../../src/zone/record.ts';
import { RRType } from '../../src/zone/types.ts';
import { ByteWriter } from '../../src/zone/wire.ts';
import { reply, startFakeServer, type FakeServer } from '../dns/helpers/fake-dns-server.ts';
import { makeTempDir, runCli } from '../helpers/cli.ts';

const ZONE = Name.parse('child.test.');
const PARENT = Name.parse('test.');
const T0 = parseTime('2027-01-01T00:00:00Z');
const IPUB = 7500;
const FIRST_DS = 3900;
const CHECK = 900;

const ZONE_TEXT = `$ORIGIN child.test.
$TTL 300
@ SOA ns1 hostmaster 1 3600 600 86400 300
@ NS ns1
ns1 A 192.0.2.1
www A 192.0.2.2
`;

type Mode = 'good' | 'wrong-id' | 'wrong-question' | 'truncated' | 'garbage' | 'servfail' | 'silent';

interface ParentServerState {
  mode: Mode;
  /** DS RDATAs this server holds for the child. */
  ds: Uint8Array[];
}

function soa(owner: Name): ResourceRecord {
  const rdata = new ByteWriter().bytes(Name.parse('ns1.test.').wire).bytes(Name.parse('hostmaster.test.').wire)
    .u32(1).u32(3600).u32(600).u32(86400).u32(300).finish();
  return { owner, type: RRType.SOA, class: 1, ttl: 300, rdata };
}

function answer(s: ParentServerState, q: DecodedMessage): Uint8Array | null {
  const good = () => (s.ds.length === 0
    ? reply(q, { authority: [soa(PARENT)] })
    : reply(q, { answers: s.ds.map((rdata) => ({ owner: ZONE, type: RRType.DS, class: 1, ttl: 3600, rdata })) }));
  switch (s.mode) {
    case 'good': return good();
    case 'wrong-id': return reply(q, { id: (q.id + 1) & 0xffff, answers: s.ds.map((rdata) => ({ owner: ZONE, type: RRType.DS, class: 1, ttl: 3600, rdata })) });
    case 'wrong-question': return reply(q, { questions: [{ name: Name.parse('other.test.'), type: RRType.DS, class: 1 }] });
    case 'truncated': return reply(q, { tc: true });
    case 'garbage': return Uint8Array.of(0x12, 0x34, 0x81);
    case 'servfail': return reply(q, { rcode: 2 });
    case 'silent': return null;
  }
}

describe('tick against two parent servers', () => {
  let tmp: { dir: string; cleanup(): void };
  let db: StateDb;
  const servers: FakeServer[] = [];
  const parent: ParentServerState[] = [{ mode: 'good', ds: [] }, { mode: 'good', ds: [] }];
  const client = new DnsClient({ timeoutMs: 150, tries: 1 });
  const cli = (now: number, ...args: string[]) => runCli(['--db', 'state.db', '--now', String(now), ...args], { cwd: tmp.dir });
  const docPath = () => join(tmp.dir, 'registrar.json');

  /** One tick; afterwards the registrar's request reaches the servers listed in `apply`. */
  async function tick(now: number, apply: number[] = [0, 1], observations: Observation[] = []) {
    const report = await runTick(db, { now, passphrase: null, lockWaitMs: 1000, client, observations, zone: 'child.test.' });
    const z = report.zones[0]!;
    expect(z.error).toBeNull();
    if (existsSync(docPath())) {
      const doc = JSON.parse(readFileSync(docPath(), 'utf8')) as { action: 'add' | 'remove'; ds: string[] };
      rmSync(docPath());
      for (const i of apply) {
        const rdatas = doc.ds.map(parseDsLine);
        if (doc.action === 'add') parent[i]!.ds.push(...rdatas);
        else parent[i]!.ds = parent[i]!.ds.filter((d) => !rdatas.some((r) => Buffer.from(r).equals(Buffer.from(d))));
      }
    }
    return z;
  }

  const status = (now: number) => zoneStatusReport(db, db.requireZone('child.test.'), now);

  beforeAll(async () => {
    tmp = makeTempDir('signet-parent-');
    writeFileSync(join(tmp.dir, 'child.zone'), ZONE_TEXT);
    for (const s of parent) {
      servers.push(await startFakeServer({ udp: (q) => answer(s, q), tcp: (q) => reply(q, { tc: true }) }));
    }
    expect((await cli(T0, 'zone', 'add', 'child.test', '--input', 'child.zone')).status).toBe(0);
    const list = servers.map((s) => `${s.address.host}:${s.address.port}`).join(',');
    const set = await cli(T0, 'zone', 'set', 'child.test', 'registrar=command', `registrar-command=cat > ${docPath()}`, `parent-servers=${list}`);
    expect(set.stderr).toBe('');
    db = openStateDb(join(tmp.dir, 'state.db'));
  });

  afterAll(async () => {
    db?.close();
    await Promise.all(servers.map((s) => s.close()));
    tmp?.cleanup();
  });

  it('finishes the first signing once both servers answer the DS', async () => {
    await tick(T0);
    const submitted = await tick(T0 + FIRST_DS);
    expect(submitted.did.join('\n')).toMatch(/submitted the DS of KSK \d+ through the command registrar \(accepted\)/);
    // Asked in the same pass, after the registrar: the servers did not have it yet.
    expect(submitted.did.join('\n')).toMatch(/asked 2 parent server\(s\) \(parent-servers\) for the DS of KSK \d+: 0 answer it/);
    const seen = await tick(T0 + FIRST_DS + CHECK);
    expect(seen.events.map((e) => e.kind)).toEqual(['ds-seen', 'rollover-finished']);
    expect(status(T0 + FIRST_DS + CHECK).status.state).toBe('idle');
  });

  it('keeps a KSK double-DS waiting while one server lacks the new DS or answers badly, and names that server', async () => {
    const T1 = T0 + 2 * 86400;
    await tick(T1, [], [{ kind: 'start-rollover', role: 'ksk' }]);
    // The parent's first server adds the DS at once; the second one lags.
    const submit = await tick(T1 + IPUB, [0]);
    expect(submit.did.join('\n')).toMatch(/submitted the DS of KSK \d+/);
    let t = T1 + IPUB + CHECK;
    const waiting = await tick(t);
    expect(waiting.events).toEqual([]);
    const s = status(t);
    expect(s.text).toMatch(/^child\.test\.: KSK double-DS, step 2 of 5: submit-ds/);
    const address = (i: number) => `${servers[i]!.address.host}:${servers[i]!.address.port}`;
    expect(s.text).toMatch(new RegExp(`new DS \\d+ answered by 1 of 2 parent servers \\(checked [^)]+\\); ${address(1).replace(/\./g, '\\.')} lacks it`));
    const evidence = (s.json.rollover as { evidence: { waitingFor: string[]; agreeing: number } }).evidence;
    expect(evidence).toMatchObject({ agreeing: 1, waitingFor: [address(1)] });

    // Now the lagging server holds the DS too, but what it sends is never a clean answer.
    parent[1]!.ds = [...parent[0]!.ds];
    const details: Record<string, string> = {};
    for (const mode of ['wrong-id', 'wrong-question', 'truncated', 'garbage', 'servfail', 'silent'] as const) {
      parent[1]!.mode = mode;
      t += CHECK;
      const r = await tick(t);
      expect(r.events, mode).toEqual([]);
      const st = status(t);
      expect(st.status.state === 'rollover' && st.status.stepName, mode).toBe('submit-ds');
      expect(st.status.state === 'rollover' && st.status.gate.kind, mode).toBe('parent-ds');
      const server = (st.json.rollover as { evidence: { servers: Array<{ address: string; outcome: string; detail: string | null }> } }).evidence.servers[1]!;
      expect(server.address).toBe(address(1));
      expect(server.outcome, mode).not.toBe('answer');
      details[mode] = `${server.outcome}: ${server.detail}`;
    }
    expect(details['wrong-id']).toMatch(/^error: .*ID/);
    expect(details['wrong-question']).toMatch(/^error: .*not the question asked/);
    expect(details['truncated']).toMatch(/^error: .*truncated/);
    expect(details['servfail']).toMatch(/^error: SERVFAIL/);
    expect(details['silent']).toMatch(/^timeout/);
    expect(details['garbage']).toMatch(/^error: .*malformed/);
    expect(status(t).text).toMatch(/timed out/);

    // A clean answer with the new DS from both: the gate opens, and the DS TTL wait starts.
    parent[1]!.mode = 'good';
    t += CHECK;
    const open = await tick(t);
    expect(open.events.map((e) => e.kind)).toEqual(['ds-seen']);
    const after = status(t);
    expect(after.status.state === 'rollover' && after.status.earliest).toBe(t + 86400 + 3600);

    // Parent servers found through a resolver that fails: the gate stays closed and status says why.
    const resolver = await startFakeServer({ udp: (q) => reply(q, { rcode: 2, aa: false }) });
    servers.push(resolver);
    const { 'parent-servers': _dropped, ...settings } = db.requireZone('child.test.').settings;
    db.updateZone('child.test.', { settings: { ...settings, resolver: `127.0.0.1:${resolver.address.port}` } });
    expect((await tick(t + 86400 + 3600)).did.join('\n')).toMatch(/KSK double-DS, step 3 of 5: activate/);
    t += 86400 + 3600 + 3900;
    await tick(t);
    const viaResolver = status(t).text;
    expect(viaResolver).toMatch(/KSK double-DS, step 4 of 5: withdraw-ds/);
    expect(viaResolver).toMatch(new RegExp(`resolver 127\\.0\\.0\\.1:${resolver.address.port} failed: cannot find the parent's servers: .*SERVFAIL`));

    // Every answer is in the database, server by server.
    const observed = db.listParentObservations('child.test.');
    expect(observed.filter((o) => o.address === address(1)).map((o) => o.outcome)).toEqual(expect.arrayContaining(['timeout', 'error', 'answer']));
  });
});
