import { describe, expect, it } from 'vitest';
import { parseTime } from '../../src/core/time.ts';
import { planRollovers } from '../../src/rollover/plan.ts';
import { DEFAULT_POLICY, parsePolicyAssignments } from '../../src/rollover/policy.ts';
import { createZoneState } from '../../src/rollover/state.ts';
import { World } from './simulator.ts';

const T0 = parseTime('2027-01-01T00:00:00Z');
const D = 86400;

describe('rollover plan', () => {
  const plan = planRollovers(createZoneState('example.com.'), DEFAULT_POLICY, T0, T0 + 400 * D, { maxZoneTtl: D });
  const steps = plan.entries.filter((e) => e.event === 'step').map((e) => [e.at - T0, e.rollover, e.name]);

  it('lists every step with its earliest time, the parent acting at once', () => {
    expect(steps.slice(0, 5)).toEqual([
      [0, 'first-signing', 'publish'],
      [86700, 'first-signing', 'submit-ds'],
      [90 * D, 'zsk', 'publish'],
      [90 * D + 7500, 'zsk', 'activate'],
      [90 * D + 7500 + 90300, 'zsk', 'remove'],
    ]);
    const ksk = 365 * D;
    expect(steps.filter(([, kind]) => kind === 'ksk')).toEqual([
      [ksk, 'ksk', 'publish'],
      [ksk + 7500, 'ksk', 'submit-ds'],
      [ksk + 7500 + 90000, 'ksk', 'activate'],
      [ksk + 7500 + 90000 + 3900, 'ksk', 'withdraw-ds'],
      [ksk + 7500 + 90000 + 3900 + 86400, 'ksk', 'remove'],
    ]);
  });

  it('says what the operator must do, for keys that do not exist yet', () => {
    const submit = plan.entries.find((e) => e.rollover === 'ksk' && e.name === 'submit-ds')!;
    expect(submit.operatorAction).toMatch(/^add the DS of KSK k\d+ \(new key\) at the parent .*signet rollover confirm example\.com\. ds-published/);
    expect(submit.description).toMatch(/^submit the DS of KSK k\d+ \(new key\) to the parent \(registrar: manual\)$/);
    const withdraw = plan.entries.find((e) => e.rollover === 'ksk' && e.name === 'withdraw-ds')!;
    expect(withdraw.operatorAction).toMatch(/^remove the DS of KSK k1 \(new key\)/);
  });

  it('has start and finish entries, and a timeline the cache model finds safe', () => {
    expect(plan.entries.filter((e) => e.event === 'start').map((e) => e.rollover)).toEqual(['first-signing', 'zsk', 'zsk', 'zsk', 'zsk', 'ksk']);
    expect(plan.violations).toEqual([]);
  });

  it('agrees with what the engine then does for an existing zone', () => {
    const w = new World({ policy: parsePolicyAssignments(['keys=csk', 'ksk-lifetime=60d']), start: T0, maxZoneTtl: D, parentServers: [{ name: 'p', delay: 0 }] });
    w.runUntil(T0 + 10 * D);
    const p = planRollovers(w.state, w.policy, w.now, T0 + 70 * D, { maxZoneTtl: D });
    w.runUntil(T0 + 70 * D);
    const planned = p.entries.filter((e) => e.event === 'step').map((e) => [e.at, e.name]);
    expect(planned).toEqual(w.steps.filter((s) => s.at > T0 + 10 * D).map((s) => [s.at, s.step]));
    expect(p.violations).toEqual([]);
  });

  it('plans from the middle of a rollover, with the past replayed for the cache model', () => {
    const w = new World({ policy: DEFAULT_POLICY, start: T0, maxZoneTtl: D });
    w.runUntil(T0 + 90 * D + 3600);
    const p = planRollovers(w.state, w.policy, w.now, T0 + 100 * D, { maxZoneTtl: D });
    expect(p.entries.slice(0, 3).map((e) => [e.at - T0, e.event, e.name])).toEqual([
      [90 * D + 7500, 'step', 'activate'], [90 * D + 7500 + 90300, 'step', 'remove'], [90 * D + 7500 + 90300, 'finish', null],
    ]);
    expect(p.violations).toEqual([]);
  });

  it('does not change the state it plans from', () => {
    const state = createZoneState('example.com.');
    planRollovers(state, DEFAULT_POLICY, T0, T0 + 100 * D);
    expect(state).toEqual(createZoneState('example.com.'));
  });
});
