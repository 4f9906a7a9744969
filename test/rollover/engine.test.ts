import { describe, expect, it } from 'vitest';
import { SignetError } from '../../src/core/errors.ts';
import { parseTime } from '../../src/core/time.ts';
import type { Action, Observation } from '../../src/rollover/actions.ts';
import { step } from '../../src/rollover/engine.ts';
import type { StepResult } from '../../src/rollover/engine.ts';
import { DEFAULT_POLICY, parsePolicyAssignments } from '../../src/rollover/policy.ts';
import type { Policy } from '../../src/rollover/policy.ts';
import { addKey, createZoneState, factRows, withFactRows, zoneStateFromJson } from '../../src/rollover/state.ts';
import type { ParentServerAnswer, ZoneState } from '../../src/rollover/state.ts';
import { PARENT_CHECK_INTERVAL } from '../../src/rollover/status.ts';

const T0 = parseTime('2027-01-01T00:00:00Z');
const D = 86400;
const FIRST_DS = 300 + D; // Dprp + max(1h, largest zone TTL 1d)
const TTLS: Observation = { kind: 'zone-ttls', maxZoneTtl: D };

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof SignetError) return e.code;
    throw e;
  }
  return 'no error';
}

const types = (actions: readonly Action[]) => actions.map((a) => a.type);

/** Runs step and answers generate-key at once, as the shell does within one tick. */
function tick(state: ZoneState, policy: Policy, now: number, obs: Observation[] = []): StepResult {
  let r = step(state, policy, now, [TTLS, ...obs]);
  const generated = r.actions.flatMap((a) => (a.type === 'generate-key' ? [{ kind: 'key-generated' as const, keyId: a.keyId, keyTag: 40000 + Number(a.keyId.slice(1)) }] : []));
  if (generated.length > 0) {
    const again = step(r.state, policy, now, generated);
    r = { ...again, actions: [...r.actions, ...again.actions] };
  }
  return r;
}

function answer(server: string, keyIds: string[], extra: Partial<ParentServerAnswer> = {}): ParentServerAnswer {
  return { server, address: `192.0.2.${server.length}`, outcome: 'answer', detail: null, keyIds, unknownDs: 0, ttl: D, ...extra };
}

/** A zone signed at T0 whose first DS was just submitted (k1 = KSK, k2 = ZSK). */
function atFirstDsGate(policy: Policy = DEFAULT_POLICY): { state: ZoneState; now: number } {
  let r = tick(createZoneState('example.com.'), policy, T0);
  r = tick(r.state, policy, T0 + FIRST_DS);
  expect(types(r.actions)).toContain('submit-ds');
  return { state: r.state, now: T0 + FIRST_DS };
}

describe('first signing', () => {
  it('asks for a KSK and a ZSK of the policy algorithm, then publishes and activates both at once', () => {
    const first = step(createZoneState('example.com.'), DEFAULT_POLICY, T0, [TTLS]);
    expect(first.actions.filter((a) => a.type === 'generate-key')).toEqual([
      { type: 'generate-key', keyId: 'k1', role: 'ksk', algorithm: 13 },
      { type: 'generate-key', keyId: 'k2', role: 'zsk', algorithm: 13 },
    ]);
    expect(first.wakeAt).toBe(T0);
    const r = step(first.state, DEFAULT_POLICY, T0, [{ kind: 'key-generated', keyId: 'k1', keyTag: 1 }, { kind: 'key-generated', keyId: 'k2', keyTag: 2 }]);
    expect(types(r.actions)).toEqual(['publish', 'activate', 'notify', 'resign']);
    expect(r.wakeAt).toBe(T0 + FIRST_DS);
    expect(r.status).toMatchObject({ state: 'rollover', kind: 'first-signing', step: 1, stepName: 'publish', next: 'submit-ds', earliest: T0 + FIRST_DS });
  });

  it('asks for one CSK under keys=csk', () => {
    const r = step(createZoneState('example.com.'), parsePolicyAssignments(['keys=csk', 'algorithm=15']), T0, [TTLS]);
    expect(r.actions.filter((a) => a.type === 'generate-key')).toEqual([{ type: 'generate-key', keyId: 'k1', role: 'csk', algorithm: 15 }]);
  });

  it('offers the DS only after Dprp + max(DNSKEY TTL, largest zone TTL)', () => {
    const r = tick(createZoneState('example.com.'), DEFAULT_POLICY, T0);
    expect(types(tick(r.state, DEFAULT_POLICY, T0 + FIRST_DS - 1).actions)).toEqual([]);
    const at = tick(r.state, DEFAULT_POLICY, T0 + FIRST_DS);
    expect(at.actions.find((a) => a.type === 'submit-ds')).toEqual({ type: 'submit-ds', keyIds: ['k1'], digest: 2 });
    expect(at.actions.find((a) => a.type === 'query-parent-ds')).toEqual({ type: 'query-parent-ds', keyIds: ['k1'], expect: 'present' });
    expect(at.wakeAt).toBe(T0 + FIRST_DS + PARENT_CHECK_INTERVAL);
  });

  it('finishes when every parent server answers the DS', () => {
    const { state, now } = atFirstDsGate();
    const r = step(state, DEFAULT_POLICY, now + 900, [{ kind: 'parent-ds', at: now + 900, servers: [answer('ns1', ['k1']), answer('ns2', ['k1'])] }]);
    expect(r.actions.filter((a) => a.type === 'notify').map((a) => a.type === 'notify' && a.event)).toEqual(['ds-seen', 'rollover-finished']);
    expect(r.state.keys.find((k) => k.id === 'k1')!.facts['ds-seen']).toEqual({ at: now + 900, ttls: { dnskeyTtl: 3600, maxZoneTtl: D, dsTtl: D }, source: 'parent-check' });
    expect(r.status.state).toBe('idle');
    expect(r.wakeAt).toBe(T0 + 90 * D);
  });
});

describe('the DS gate never opens on bad or partial parent answers', () => {
  const cases: Array<[string, ParentServerAnswer[]]> = [
    ['a server timed out', [answer('ns1', ['k1']), answer('ns2', [], { outcome: 'timeout', ttl: null })]],
    ['a server failed (SERVFAIL, wrong ID, garbage...)', [answer('ns1', ['k1']), answer('ns2', [], { outcome: 'error', detail: 'SERVFAIL', ttl: null })]],
    ['a server does not answer our DS yet', [answer('ns1', ['k1']), answer('ns2', [])]],
    ['no parent server is known', []],
  ];
  for (const [name, servers] of cases) {
    it(name, () => {
      const { state, now } = atFirstDsGate();
      const r = step(state, DEFAULT_POLICY, now + 900, [{ kind: 'parent-ds', at: now + 900, servers }]);
      expect(r.state.keys.find((k) => k.id === 'k1')!.facts['ds-seen']).toBeUndefined();
      expect(r.status).toMatchObject({ state: 'rollover', gate: { kind: 'parent-ds', expect: 'present' } });
      expect(r.status.state === 'rollover' && r.status.parentCheck?.servers).toEqual(servers);
      expect(types(r.actions)).toEqual(['query-parent-ds']);
    });
  }

  it('ignores a parent check made before the DS was submitted', () => {
    const { state, now } = atFirstDsGate();
    const r = step(state, DEFAULT_POLICY, now + 900, [{ kind: 'parent-ds', at: now - 1, servers: [answer('ns1', ['k1'])] }]);
    expect(r.status.state).toBe('rollover');
  });

  it('opens despite unknown extra DS records at the parent (a warning, not a stall)', () => {
    const { state, now } = atFirstDsGate();
    const r = step(state, DEFAULT_POLICY, now, [{ kind: 'parent-ds', at: now, servers: [answer('ns1', ['k1'], { unknownDs: 2 })] }]);
    expect(r.status.state).toBe('idle');
  });
});

describe('rollover confirm', () => {
  it('ds-published records the operator\'s word at the DS gate', () => {
    const { state, now } = atFirstDsGate();
    const r = step(state, DEFAULT_POLICY, now + 60, [{ kind: 'confirm', what: 'ds-published' }]);
    expect(r.state.keys.find((k) => k.id === 'k1')!.facts['ds-seen']).toMatchObject({ at: now + 60, source: 'operator' });
    expect(r.status.state).toBe('idle');
  });

  it('is refused when nothing waits for it', () => {
    const { state, now } = atFirstDsGate();
    expect(codeOf(() => step(state, DEFAULT_POLICY, now, [{ kind: 'confirm', what: 'ds-withdrawn' }]))).toBe('ERR_ROLLOVER_NOTHING_TO_CONFIRM');
    const early = tick(createZoneState('example.com.'), DEFAULT_POLICY, T0).state;
    expect(codeOf(() => step(early, DEFAULT_POLICY, T0 + 60, [{ kind: 'confirm', what: 'ds-published' }]))).toBe('ERR_ROLLOVER_NOTHING_TO_CONFIRM');
  });

  it('does not skip the wait after the DS: KSK activates DS TTL + parent-propagation-delay later', () => {
    const { state, now } = atFirstDsGate();
    let s = step(state, DEFAULT_POLICY, now, [{ kind: 'confirm', what: 'ds-published' }]).state;
    const start = now + 10;
    let r = step(s, DEFAULT_POLICY, start, [{ kind: 'start-rollover', role: 'ksk' }]);
    r = tick(r.state, DEFAULT_POLICY, start);
    s = tick(r.state, DEFAULT_POLICY, start + 7500).state; // submit-ds
    const confirmed = start + 7500 + 100;
    r = step(s, DEFAULT_POLICY, confirmed, [{ kind: 'confirm', what: 'ds-published' }]);
    expect(r.status).toMatchObject({ next: 'activate', earliest: confirmed + D + 3600 });
    expect(types(step(r.state, DEFAULT_POLICY, confirmed + D + 3599).actions)).toEqual([]);
    expect(types(step(r.state, DEFAULT_POLICY, confirmed + D + 3600).actions)).toEqual(['activate', 'retire', 'notify', 'resign']);
  });
});

describe('rollover start', () => {
  const signed = (policy: Policy = DEFAULT_POLICY) => {
    const { state, now } = atFirstDsGate(policy);
    return { state: step(state, policy, now, [{ kind: 'confirm', what: 'ds-published' }]).state, now };
  };

  it('publishes a new ZSK at once', () => {
    const { state, now } = signed();
    const r = tick(state, DEFAULT_POLICY, now + 5, [{ kind: 'start-rollover', role: 'zsk' }]);
    expect(types(r.actions)).toEqual(['notify', 'generate-key', 'publish', 'notify', 'resign']);
    expect(r.status).toMatchObject({ kind: 'zsk', reason: 'operator', step: 1, steps: 3, stepName: 'publish', next: 'activate', earliest: now + 5 + 7500 });
  });

  it('refuses a second rollover while one is in progress', () => {
    const { state, now } = signed();
    const r = tick(state, DEFAULT_POLICY, now + 5, [{ kind: 'start-rollover', role: 'zsk' }]);
    expect(codeOf(() => step(r.state, DEFAULT_POLICY, now + 6, [{ kind: 'start-rollover', role: 'ksk' }]))).toBe('ERR_ROLLOVER_IN_PROGRESS');
    const { state: first } = atFirstDsGate();
    expect(codeOf(() => step(first, DEFAULT_POLICY, now + 6, [{ kind: 'start-rollover', role: 'zsk' }]))).toBe('ERR_ROLLOVER_IN_PROGRESS');
  });

  it('refuses a role the zone does not use', () => {
    const { state, now } = signed();
    expect(codeOf(() => step(state, DEFAULT_POLICY, now + 5, [{ kind: 'start-rollover', role: 'csk' }]))).toBe('ERR_ROLLOVER_ROLE');
  });

  it('refuses while a policy change waits to start its own rollover', () => {
    const { state, now } = signed();
    const ed = parsePolicyAssignments(['algorithm=15']);
    expect(codeOf(() => step(state, ed, now + 5, [{ kind: 'start-rollover', role: 'zsk' }]))).toBe('ERR_ROLLOVER_POLICY_PENDING');
  });

  it('uses a key generated or imported beforehand instead of generating one', () => {
    const { state, now } = signed();
    const added = addKey(state, { role: 'zsk', algorithm: 13, keyTag: 777, createdAt: now });
    const r = step(added.state, DEFAULT_POLICY, now + 5, [{ kind: 'start-rollover', role: 'zsk' }]);
    expect(types(r.actions)).not.toContain('generate-key');
    expect(r.actions.find((a) => a.type === 'publish')).toEqual({ type: 'publish', keyIds: [added.keyId] });
  });
});

describe('purity and idempotence', () => {
  it('does not modify its input', () => {
    const { state, now } = atFirstDsGate();
    const before = JSON.stringify(state);
    step(state, DEFAULT_POLICY, now + 900, [{ kind: 'parent-ds', at: now + 900, servers: [answer('ns1', ['k1'])] }]);
    expect(JSON.stringify(state)).toBe(before);
  });

  it('changes nothing when called again at the same time with nothing new', () => {
    let r = tick(createZoneState('example.com.'), DEFAULT_POLICY, T0);
    r = tick(r.state, DEFAULT_POLICY, T0 + FIRST_DS);
    const again = step(r.state, DEFAULT_POLICY, T0 + FIRST_DS, [TTLS]);
    expect(again.state).toEqual(r.state);
    expect(types(again.actions)).toEqual(['query-parent-ds']);
  });

  it('refuses a time before events already recorded', () => {
    const { state, now } = atFirstDsGate();
    expect(codeOf(() => step(state, DEFAULT_POLICY, now - 1))).toBe('ERR_ROLLOVER_CLOCK_BEHIND');
  });

  it('never replaces key material silently', () => {
    const first = step(createZoneState('example.com.'), DEFAULT_POLICY, T0, [TTLS]);
    const r = step(first.state, DEFAULT_POLICY, T0, [{ kind: 'key-generated', keyId: 'k1', keyTag: 1 }]);
    expect(codeOf(() => step(r.state, DEFAULT_POLICY, T0, [{ kind: 'key-generated', keyId: 'k1', keyTag: 2 }]))).toBe('ERR_ROLLOVER_KEY_EXISTS');
    expect(codeOf(() => step(r.state, DEFAULT_POLICY, T0, [{ kind: 'key-generated', keyId: 'k9', keyTag: 2 }]))).toBe('ERR_ROLLOVER_UNKNOWN_KEY');
  });

  it('schedules nothing when lifetimes are 0', () => {
    const policy = parsePolicyAssignments(['ksk-lifetime=0', 'zsk-lifetime=0']);
    const { state, now } = atFirstDsGate(policy);
    const r = step(state, policy, now, [{ kind: 'confirm', what: 'ds-published' }]);
    expect(r.status).toMatchObject({ state: 'idle', nextRollover: null });
    expect(r.wakeAt).toBeNull();
  });

  it('re-signs on submit-ds and withdraw-ds with the cds registrar (CDS/CDNSKEY live in the zone)', () => {
    const policy = parsePolicyAssignments(['registrar=cds']);
    const r = tick(createZoneState('example.com.'), policy, T0);
    expect(types(tick(r.state, policy, T0 + FIRST_DS).actions)).toContain('resign');
    expect(types(tick(r.state, DEFAULT_POLICY, T0 + FIRST_DS).actions)).not.toContain('resign');
  });
});

describe('the state is plain data', () => {
  it('survives JSON and gives the same step results', () => {
    const { state, now } = atFirstDsGate();
    const copy = zoneStateFromJson(JSON.parse(JSON.stringify(state)));
    expect(copy).toEqual(state);
    const obs: Observation[] = [{ kind: 'parent-ds', at: now, servers: [answer('ns1', ['k1'])] }];
    expect(step(copy, DEFAULT_POLICY, now + 1, obs)).toEqual(step(state, DEFAULT_POLICY, now + 1, obs));
  });

  it('round-trips its facts through flat key_facts rows', () => {
    const { state } = atFirstDsGate();
    const rows = factRows(state);
    expect(rows.map((r) => [r.keyId, r.fact])).toEqual([['k1', 'published'], ['k2', 'published'], ['k1', 'active'], ['k2', 'active'], ['k1', 'ds-submitted']]);
    const bare = { ...state, keys: state.keys.map((k) => ({ ...k, facts: {} })) };
    expect(withFactRows(bare, rows)).toEqual(state);
  });

  it('refuses damaged state', () => {
    expect(codeOf(() => zoneStateFromJson({ version: 2 }))).toBe('ERR_STATE_CORRUPT');
    expect(codeOf(() => zoneStateFromJson({ ...createZoneState('x.'), keys: [{ id: 'k1', role: 'boss', algorithm: 13, facts: {} }] }))).toBe('ERR_STATE_CORRUPT');
    const { state } = atFirstDsGate();
    expect(codeOf(() => zoneStateFromJson({ ...state, rollover: { ...state.rollover!, newKeyIds: ['k99'] } }))).toBe('ERR_STATE_CORRUPT');
  });
});
