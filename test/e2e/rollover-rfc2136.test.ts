/**
 * End to end on loopback (issue 3, "Done when"): a parent zone `example.` on
 * two real BIND servers (a primary that accepts TSIG-signed DNS UPDATE, and a
 * secondary that copies it only when the test lets it), the child
 * `child.example.` signed by signet and served by NSD, and unbound validating
 * the whole chain from the parent's DNSKEY as trust anchor.
 *
 * `tick` with --now advancing drives the first signing and then a full KSK
 * double-DS rollover with the rfc2136 registrar. At every step unbound (its
 * cache emptied, validating at the step's --now) answers with the AD bit.
 * While the secondary still lacks the new DS (or still holds the old one),
 * status names it and the rollover waits; once it has caught up, the
 * rollover advances.
 *
 * --now stays close to the real clock (BIND signs the parent with it), and
 * the policy's TTLs and delays are short, so the whole rollover takes about
 * two hours of --now.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { wallClockNow } from '../../src/core/clock.ts';
import { formatIso } from '../../src/core/time.ts';
import { makeTempDir, runCli } from '../helpers/cli.ts';
import { query } from '../helpers/interop/query.ts';
import { startNsd, startUnbound, type AuthServer, type Resolver } from '../helpers/interop/servers.ts';
import { inspectSignedZone } from '../manager/helpers/signed-zone.ts';
import { startParentPair, type ParentPair } from '../manager/helpers/loopback.ts';

const CHILD = 'child.example.';
const CHILD_ZONE = `$ORIGIN child.example.
$TTL 300
@ SOA ns1 hostmaster 1 3600 600 86400 300
@ NS ns1
ns1 A 127.0.0.1
www A 192.0.2.80
`;
// The policy below: dnskey-ttl 5m, zone-propagation-delay 1m, publish/retire-safety 1m,
// parent-ds-ttl 5m (the parent answers 300 too), parent-propagation-delay 1m.
const FIRST_DS = 60 + 300; //  Dprp + max(TTLkey, largest TTL)
const IPUB = 60 + 300 + 60; // Dprp + TTLkey + publish-safety
const DS_PUBLISH = 300 + 60; // DS TTL + parent-propagation-delay
const DNSKEY_SWAP = 300 + 60; // TTLkey + Dprp
const DS_WITHDRAW = 300; //     DS TTL
const CHECK = 900; //           PARENT_CHECK_INTERVAL

interface TickZone { did: string[]; events: Array<{ kind: string }>; error: { message: string } | null; signed: unknown; next: string | null }

describe('KSK double-DS with the rfc2136 registrar against BIND, validated by unbound', () => {
  let tmp: { dir: string; cleanup(): void };
  let parent: ParentPair;
  let nsd: AuthServer;
  let unbound: Resolver;
  const T = wallClockNow();
  const signedPath = () => join(tmp.dir, 'child.zone.signed');
  const cli = (now: number, ...args: string[]) => runCli(['--db', 'state.db', '--now', String(now), ...args], { cwd: tmp.dir });
  const secondary = () => `127.0.0.1:${parent.secondaryPort}`;
  const adLog: Array<{ at: number; step: string; ad: boolean; rcode: string }> = [];

  async function tick(now: number, ...extra: string[]): Promise<TickZone> {
    const r = await cli(now, '--json', ...(extra.length > 0 ? extra : ['tick']));
    expect(r.stderr, `${extra.join(' ') || 'tick'} at ${formatIso(now)}`).toBe('');
    expect(r.status).toBe(0);
    const parsed = JSON.parse(r.stdout) as { zones: TickZone[] } | TickZone[];
    const z = Array.isArray(parsed) ? parsed[0]! : parsed.zones[0]!;
    if (z.signed) await nsd.replaceZone(signedPath());
    return z;
  }

  async function status(now: number): Promise<{ text: string; json: { rollover: { headline: string; gate: string; earliest: string | null; evidence?: { waitingFor: string[] } } | null } }> {
    const text = (await cli(now, 'rollover', 'status', 'child.example')).stdout;
    const json = JSON.parse((await cli(now, '--json', 'rollover', 'status', 'child.example')).stdout) as { rollover: never };
    return { text, json };
  }

  /** unbound, cache empty, validating at `now`: the child's data and its DNSKEY RRset. */
  async function validate(now: number, step: string): Promise<boolean> {
    await unbound.restart({ at: now });
    const www = await query(unbound.port, `www.${CHILD}`, 'A', { recurse: true });
    const keys = await query(unbound.port, CHILD, 'DNSKEY', { recurse: true });
    const ad = www.flags.ad && keys.flags.ad && www.rcode === 0 && keys.rcode === 0;
    adLog.push({ at: now, step, ad, rcode: `${www.rcodeName}/${keys.rcodeName}` });
    return ad;
  }

  beforeAll(async () => {
    tmp = makeTempDir('signet-e2e-');
    writeFileSync(join(tmp.dir, 'child.zone'), CHILD_ZONE);
    parent = await startParentPair(CHILD);
    expect((await cli(T, 'zone', 'add', 'child.example', '--input', 'child.zone')).status).toBe(0);
    const set = await cli(T, 'zone', 'set', 'child.example',
      'dnskey-ttl=5m', 'zone-propagation-delay=1m', 'publish-safety=1m', 'retire-safety=1m', 'parent-ds-ttl=5m', 'parent-propagation-delay=1m',
      'registrar=rfc2136', `update-server=127.0.0.1:${parent.primaryPort}`, `tsig=${parent.tsig}`,
      `parent-servers=127.0.0.1:${parent.primaryPort},127.0.0.1:${parent.secondaryPort}`);
    expect(set.stderr).toBe('');
    expect((await cli(T, 'tick')).status).toBe(0);
    copyFileSync(signedPath(), join(tmp.dir, 'first.signed'));
    nsd = await startNsd({ zoneFile: signedPath(), origin: CHILD });
    // Stub zones for the parent (both servers) and the child (its NSD): delegations name addresses, not ports.
    unbound = await startUnbound({
      stubs: [{ zone: parent.zone, port: parent.primaryPort }, { zone: parent.zone, port: parent.secondaryPort }, { zone: CHILD, port: nsd.port }],
      trustAnchor: parent.trustAnchor,
      at: T,
    });
  }, 60_000);

  afterAll(async () => {
    await unbound?.stop();
    await nsd?.stop();
    await parent?.stop();
    tmp?.cleanup();
  });

  it('signs the zone first, offers the DS by UPDATE, and waits for the second parent server', async () => {
    // Before the DS is at the parent, the child is provably insecure: an answer, without AD.
    await unbound.restart({ at: T });
    const insecure = await query(unbound.port, `www.${CHILD}`, 'A', { recurse: true });
    expect(insecure.rcode, unbound.log()).toBe(0);
    expect(insecure.flags.ad).toBe(false);

    let t = T + FIRST_DS;
    const submit = await tick(t);
    expect(submit.did.join('\n')).toMatch(/submitted the DS of KSK \d+ through the rfc2136 registrar \(accepted\)/);
    t += CHECK;
    await tick(t);
    const waiting = await status(t);
    expect(waiting.text).toMatch(/first signing, step 2 of 2: submit-ds/);
    expect(waiting.json.rollover!.evidence!.waitingFor).toEqual([secondary()]);
    expect(waiting.text).toContain(`${secondary()} lacks it`);

    await parent.catchUp();
    t += CHECK;
    const done = await tick(t);
    expect(done.events.map((e) => e.kind)).toEqual(['ds-seen', 'rollover-finished']);
    expect(await validate(t, 'first signing done'), unbound.log()).toBe(true);
  }, 120_000);

  it('rolls the KSK by double-DS: AD at every step, waiting while the secondary lags', async () => {
    let t = T + FIRST_DS + 3 * CHECK;
    const start = await tick(t, 'rollover', 'start', 'child.example', 'ksk');
    expect(start.did.join('\n')).toMatch(/KSK double-DS, step 1 of 5: publish/);
    expect((await inspectSignedZone(signedPath(), CHILD)).dnskeys).toHaveLength(3);
    expect(await validate(t, 'publish'), unbound.log()).toBe(true);

    t += IPUB;
    const submit = await tick(t);
    expect(submit.did.join('\n')).toMatch(/KSK double-DS, step 2 of 5: submit-ds/);
    expect(submit.did.join('\n')).toMatch(/through the rfc2136 registrar \(accepted\)/);
    expect(await validate(t, 'submit-ds'), unbound.log()).toBe(true);

    // The primary has the new DS, the secondary does not: the rollover waits and says who lacks it.
    t += CHECK;
    const lag = await tick(t);
    expect(lag.events).toEqual([]);
    let s = await status(t);
    expect(s.json.rollover!.headline).toBe('KSK double-DS, step 2 of 5: submit-ds');
    expect(s.json.rollover!.gate).toBe('parent-ds');
    expect(s.text).toMatch(/new DS \d+ answered by 1 of 2 parent servers/);
    expect(s.text).toContain(`${secondary()} lacks it`);
    expect(s.json.rollover!.evidence!.waitingFor).toEqual([secondary()]);
    expect(await validate(t, 'waiting for the secondary (new DS)'), unbound.log()).toBe(true);

    await parent.catchUp();
    t += CHECK;
    const seen = await tick(t);
    expect(seen.events.map((e) => e.kind)).toEqual(['ds-seen']);
    s = await status(t);
    expect(Date.parse(s.json.rollover!.earliest!) / 1000).toBe(t + DS_PUBLISH);
    expect(await validate(t, 'ds seen'), unbound.log()).toBe(true);

    t += DS_PUBLISH;
    const activate = await tick(t);
    expect(activate.did.join('\n')).toMatch(/KSK double-DS, step 3 of 5: activate/);
    const afterActivate = await inspectSignedZone(signedPath(), CHILD);
    expect(afterActivate.dnskeySigners).toHaveLength(1);
    expect(await validate(t, 'activate'), unbound.log()).toBe(true);

    t += DNSKEY_SWAP;
    const withdraw = await tick(t);
    expect(withdraw.did.join('\n')).toMatch(/KSK double-DS, step 4 of 5: withdraw-ds/);
    expect(withdraw.did.join('\n')).toMatch(/withdrew the DS of KSK \d+ through the rfc2136 registrar \(accepted\)/);
    expect(await validate(t, 'withdraw-ds'), unbound.log()).toBe(true);

    // The secondary still serves the old DS: the rollover waits again.
    t += CHECK;
    await tick(t);
    s = await status(t);
    expect(s.json.rollover!.headline).toBe('KSK double-DS, step 4 of 5: withdraw-ds');
    expect(s.text).toMatch(/old DS \d+ gone from 1 of 2 parent servers/);
    expect(s.text).toContain(`${secondary()} still answers it`);
    expect(await validate(t, 'waiting for the secondary (old DS)'), unbound.log()).toBe(true);

    await parent.catchUp();
    t += CHECK;
    const gone = await tick(t);
    expect(gone.events.map((e) => e.kind)).toEqual(['ds-gone']);
    expect(await validate(t, 'ds gone'), unbound.log()).toBe(true);

    t += DS_WITHDRAW;
    const remove = await tick(t);
    expect(remove.did.join('\n')).toMatch(/KSK double-DS, step 5 of 5: remove/);
    expect(remove.events.map((e) => e.kind)).toContain('rollover-finished');
    const final = await inspectSignedZone(signedPath(), CHILD);
    expect(final.dnskeys).toHaveLength(2);
    expect(final.dnskeySigners).toEqual(afterActivate.dnskeySigners);
    expect(await validate(t, 'remove'), unbound.log()).toBe(true);

    expect(adLog.every((l) => l.ad), JSON.stringify(adLog, null, 1)).toBe(true);
    expect(adLog.map((l) => l.step)).toEqual([
      'first signing done', 'publish', 'submit-ds', 'waiting for the secondary (new DS)', 'ds seen', 'activate', 'withdraw-ds',
      'waiting for the secondary (old DS)', 'ds gone', 'remove',
    ]);
    expect((await status(t)).text).toMatch(/no rollover in progress/);
    // The resolver really checks the chain: the first signed zone (old KSK only) no longer matches the parent's DS.
    await nsd.replaceZone(join(tmp.dir, 'first.signed'));
    await unbound.restart({ at: t });
    expect((await query(unbound.port, `www.${CHILD}`, 'A', { recurse: true })).rcodeName).toBe('SERVFAIL');
  }, 180_000);
});
