import { describe, expect, it } from 'vitest';
import { parseTime } from '../../src/core/time.ts';
import { explainStatus } from '../../src/rollover/explain.ts';
import { DEFAULT_POLICY, parsePolicyAssignments } from '../../src/rollover/policy.ts';
import { zoneStatus } from '../../src/rollover/status.ts';
import { World } from './simulator.ts';

const T0 = parseTime('2027-01-01T00:00:00Z');
const D = 86400;
const H = 3600;

describe('rollover status in words', () => {
  const policy = parsePolicyAssignments(['ksk-lifetime=30d', 'zsk-lifetime=0']);
  const servers = [
    { name: 'ns1.parent.', delay: 600 },
    { name: 'ns2.parent.', delay: 600 },
    // ns3 stops answering from the day of the KSK rollover on.
    { name: 'ns3.parent.', delay: 600, down: [[T0 + 30 * D, T0 + 31 * D]] as Array<[number, number]> },
  ];
  const w = new World({ policy, start: T0, maxZoneTtl: D, parentServers: servers });
  const submit = T0 + 30 * D + 7500;
  w.runUntil(submit + H);
  const ksk = w.state.keys.find((k) => k.role === 'ksk' && k.facts['ds-submitted']?.at === submit)!;
  const old = w.state.keys.find((k) => k.role === 'ksk' && k !== ksk)!;

  it('names the rollover, its step, the gate with its evidence, the next step and the operator command', () => {
    const text = explainStatus(w.state, w.policy, w.now);
    const lines = text.split('\n');
    expect(lines[0]).toBe(`example.com.: KSK double-DS, step 2 of 5: submit-ds (started 2027-01-31T00:00:00Z, lifetime)`);
    expect(lines[1]).toBe(`  waiting for: new DS ${ksk.keyTag} answered by 2 of 3 parent servers (checked 2027-01-31T03:05:00Z); `
      + `ns3.parent. 192.0.2.3 timed out; then DS TTL 1d + parent-propagation-delay 1h = 1d1h`);
    expect(lines[2]).toMatch(/^ {2}earliest: once every parent server agrees/);
    expect(lines[3]).toBe(`  next: activate: KSK ${ksk.keyTag} take over signing from KSK ${old.keyTag}`);
    expect(lines[4]).toBe(`  operator: add the DS of KSK ${ksk.keyTag} at the parent (\`signet ds example.com.\` prints it), `
      + 'then run `signet rollover confirm example.com. ds-published` unless the parent\'s servers can be checked');
  });

  it('carries the same in the JSON status', () => {
    const status = JSON.parse(JSON.stringify(zoneStatus(w.state, w.policy, w.now)));
    expect(status).toMatchObject({
      state: 'rollover', kind: 'ksk', title: 'KSK double-DS', step: 2, steps: 5, stepName: 'submit-ds', next: 'activate', earliest: null,
      gate: { kind: 'parent-ds', expect: 'present', keyIds: [ksk.id] },
      parentCheck: { servers: [{ outcome: 'answer' }, { outcome: 'answer' }, { server: 'ns3.parent.', outcome: 'timeout' }] },
    });
  });

  it('once ns3 answers again, the rollover advances, and the wait is shown with its earliest time', () => {
    const w2 = new World({ policy, start: T0, maxZoneTtl: D, parentServers: servers });
    w2.runUntil(T0 + 31 * D + H);
    const seen = T0 + 31 * D + 300; // first check after ns3 is back: checks run every 15m from submit-ds at 02:05
    const text = explainStatus(w2.state, w2.policy, w2.now).split('\n');
    expect(text[0]).toMatch(/KSK double-DS, step 2 of 5: submit-ds/);
    expect(text[1]).toBe('  waiting for: DS TTL 1d + parent-propagation-delay 1h = 1d1h after ds-seen at 2027-02-01T00:05:00Z');
    expect(text[2]).toBe(`  earliest: 2027-02-02T01:05:00Z`);
    expect(seen + D + H).toBe(parseTime('2027-02-02T01:05:00Z'));
    expect(text.some((l) => l.startsWith('  operator:'))).toBe(false);
  });

  it('with no rollover: the keys, their states and the next rollover', () => {
    const idle = new World({ policy: DEFAULT_POLICY, start: T0, maxZoneTtl: D });
    idle.runUntil(T0 + 2 * D);
    const [kskKey, zskKey] = idle.state.keys;
    expect(explainStatus(idle.state, idle.policy, idle.now)).toBe([
      'example.com.: no rollover in progress',
      `  KSK ${kskKey!.keyTag} algorithm 13: active since 2027-01-01T00:00:00Z, DS seen`,
      `  ZSK ${zskKey!.keyTag} algorithm 13: active since 2027-01-01T00:00:00Z`,
      `  next rollover: zsk at 2027-04-01T00:00:00Z (ZSK ${zskKey!.keyTag} reaches its zsk-lifetime)`,
    ].join('\n'));
  });

  it('shows a time wait with the RFC 7583 formula', () => {
    const z = new World({ policy: DEFAULT_POLICY, start: T0, maxZoneTtl: D });
    z.runUntil(T0 + 90 * D + 60);
    const text = explainStatus(z.state, z.policy, z.now).split('\n');
    expect(text[0]).toBe('example.com.: ZSK pre-publication, step 1 of 3: publish (started 2027-04-01T00:00:00Z, lifetime)');
    expect(text[1]).toBe('  waiting for: Ipub = zone-propagation-delay 5m + dnskey-ttl 1h + publish-safety 1h = 2h5m after published at 2027-04-01T00:00:00Z');
    expect(text[2]).toBe('  earliest: 2027-04-01T02:05:00Z');
  });
});
