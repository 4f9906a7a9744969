/**
 * A year (and more) of a zone's life, with the clock moved from wake-up to
 * wake-up: every rollover step happens at the time the RFC 7583 arithmetic
 * gives (asserted as numbers), and the resolver cache model, fed with what was
 * published when, finds no moment at which any resolver could fail to
 * validate.
 */
import { describe, expect, it } from 'vitest';
import { parseTime } from '../../src/core/time.ts';
import { DEFAULT_POLICY, describePolicyChange, parsePolicyAssignments } from '../../src/rollover/policy.ts';
import type { Policy } from '../../src/rollover/policy.ts';
import { PARENT_CHECK_INTERVAL } from '../../src/rollover/status.ts';
import type { RolloverKind } from '../../src/rollover/state.ts';
import type { StepName } from '../../src/rollover/actions.ts';
import { World } from './simulator.ts';

const T0 = parseTime('2027-01-01T00:00:00Z');
const M = 60;
const H = 3600;
const D = 86400;

// Default policy, a zone whose largest TTL is 1d, a parent that serves DS with TTL 1d.
const IPUB = 5 * M + 1 * H + 1 * H; //              Dprp + TTLkey + publish-safety = 7500
const IRET = 5 * M + 1 * D + 1 * H; //              Dprp + largest TTL + retire-safety = 90300
const FIRST_DS = 5 * M + Math.max(1 * H, 1 * D); // Dprp + max(TTLkey, largest TTL) = 86700
const DS_PUBLISH = 1 * D + 1 * H; //                TTLds + parent-propagation-delay = 90000
const DNSKEY_SWAP = 1 * H + 5 * M; //               TTLkey + Dprp = 3900
const DS_WITHDRAW = 1 * D; //                       TTLds = 86400

/** The parent servers apply a request after 10 and 40 minutes; signet sees it at its next check. */
const PARENT = [{ name: 'ns1.parent.', delay: 10 * M }, { name: 'ns2.parent.', delay: 40 * M }];
const seenAfter = (delay: number) => Math.ceil(delay / PARENT_CHECK_INTERVAL) * PARENT_CHECK_INTERVAL;
const PARENT_SEEN = seenAfter(40 * M); // 2700

type Expected = Array<[number, RolloverKind, StepName]>;

function logOf(w: World): Expected {
  return w.steps.map((s) => [s.at, s.rollover!, s.step]);
}

/** Appends the first signing; returns when its keys became active and when the DS was seen. */
function firstSigning(e: Expected, t: number): { active: number; dsSeen: number } {
  e.push([t, 'first-signing', 'publish']);
  e.push([t + FIRST_DS, 'first-signing', 'submit-ds']);
  return { active: t, dsSeen: t + FIRST_DS + PARENT_SEEN };
}

/** Appends a ZSK pre-publication starting at `t`; returns the new ZSK's activation time. */
function zskRollover(e: Expected, t: number, iret = IRET): { active: number; end: number } {
  e.push([t, 'zsk', 'publish']);
  e.push([t + IPUB, 'zsk', 'activate']);
  e.push([t + IPUB + iret, 'zsk', 'remove']);
  return { active: t + IPUB, end: t + IPUB + iret };
}

/** Appends a KSK double-DS (or CSK rollover) starting at `t`; returns activation and end. */
function kskRollover(e: Expected, t: number, kind: RolloverKind, dsPublish = DS_PUBLISH): { active: number; end: number } {
  const submit = t + IPUB;
  const activate = submit + PARENT_SEEN + dsPublish;
  const withdraw = activate + DNSKEY_SWAP;
  const gone = withdraw + PARENT_SEEN;
  // A CSK also signs the data: the old one stays published until its signatures expired (Iret).
  const remove = kind === 'ksk' ? gone + DS_WITHDRAW : Math.max(gone + DS_WITHDRAW, activate + IRET);
  e.push([t, kind, 'publish'], [submit, kind, 'submit-ds'], [activate, kind, 'activate'], [withdraw, kind, 'withdraw-ds'], [remove, kind, 'remove']);
  return { active: activate, end: remove };
}

function world(policy: Policy, extra: Partial<ConstructorParameters<typeof World>[0]> = {}): World {
  return new World({ policy, start: T0, maxZoneTtl: D, parentServers: PARENT, ...extra });
}

describe('a year of a KSK+ZSK zone (default policy)', () => {
  const w = world(DEFAULT_POLICY);
  w.runUntil(T0 + 400 * D);

  it('passes every step at the RFC 7583 times', () => {
    const e: Expected = [];
    const first = firstSigning(e, T0);
    let zskActive = first.active;
    for (let i = 0; i < 4; i++) zskActive = zskRollover(e, zskActive + 90 * D).active;
    kskRollover(e, first.active + 365 * D, 'ksk');
    expect(logOf(w)).toEqual(e);
    // Spot checks in calendar terms.
    expect(w.stepTimes('ksk', 'publish')).toEqual([parseTime('2028-01-01T00:00:00Z')]);
    expect(w.stepTimes('zsk', 'publish')[0]).toBe(parseTime('2027-04-01T00:00:00Z'));
  });

  it('never leaves a resolver unable to validate (cache model, strict algorithms, lagging parent instances)', () => {
    expect(w.violations()).toEqual([]);
  });

  it('ends with one KSK and one ZSK, both active, and the new DS alone at the parent', () => {
    const active = w.results[w.results.length - 1]!.status.keys.filter((k) => k.state === 'active');
    expect(active.map((k) => k.role).sort()).toEqual(['ksk', 'zsk']);
    expect(active.find((k) => k.role === 'ksk')?.ds).toBe('seen');
    expect(w.parentAnswers().map((a) => a.keyIds)).toEqual([[active.find((k) => k.role === 'ksk')!.id], [active.find((k) => k.role === 'ksk')!.id]]);
  });

  it('wakes up only when there is work: never more often than the parent checks', () => {
    const gaps = w.results.slice(1).map((r, i) => (r.wakeAt ?? Infinity) - (w.results[i]!.wakeAt ?? 0));
    expect(gaps.every((g) => g > 0)).toBe(true);
    expect(w.results.length).toBeLessThan(100);
  });
});

describe('a year of a CSK zone', () => {
  const policy = parsePolicyAssignments(['keys=csk', 'ksk-lifetime=180d']);
  const w = world(policy);
  w.runUntil(T0 + 366 * D);

  it('passes every step at the RFC 7583 times', () => {
    const e: Expected = [];
    const first = firstSigning(e, T0);
    const r1 = kskRollover(e, first.active + 180 * D, 'csk');
    kskRollover(e, r1.active + 180 * D, 'csk');
    expect(logOf(w)).toEqual(e);
  });

  it('never leaves a resolver unable to validate', () => {
    expect(w.violations()).toEqual([]);
  });
});

describe('one rollover per zone at a time', () => {
  it('starts a ZSK rollover that fell due during a KSK rollover when the KSK rollover ends', () => {
    const policy = parsePolicyAssignments(['ksk-lifetime=100d', 'zsk-lifetime=50d']);
    const w = world(policy);
    w.runUntil(T0 + 110 * D);
    const e: Expected = [];
    firstSigning(e, T0);
    const z1 = zskRollover(e, T0 + 50 * D);
    // The second ZSK rollover is due at z1.active + 50d = 100d + 7500s, during the KSK rollover (due at 100d).
    const k = kskRollover(e, T0 + 100 * D, 'ksk');
    expect(z1.active + 50 * D).toBeLessThan(k.end);
    zskRollover(e, k.end);
    expect(logOf(w)).toEqual(e);
    expect(w.violations()).toEqual([]);
  });
});

describe('TTLs lowered in the middle of a rollover never shorten a wait (SPEC safety rule 2)', () => {
  it('ZSK: DNSKEY TTL and largest zone TTL lowered after publish', () => {
    const w = world(DEFAULT_POLICY);
    const publish = T0 + 90 * D;
    w.runUntil(publish + 600);
    expect(w.stepTimes('zsk', 'publish')).toEqual([publish]);
    // The operator lowers the DNSKEY TTL to 5m and the zone's TTLs to 1h.
    w.policy = { ...w.policy, dnskeyTtl: 300 };
    w.maxZoneTtl = H;
    w.tick();
    w.runUntil(publish + 3 * D);
    // With the new TTLs the waits would be 5m+5m+1h and 5m+1h+1h; they stay those of the old TTLs.
    expect(w.stepTimes('zsk', 'activate')).toEqual([publish + IPUB]);
    expect(w.stepTimes('zsk', 'remove')).toEqual([publish + IPUB + IRET]);
    expect(w.violations()).toEqual([]);
  });

  it('ZSK: the largest zone TTL lowered shortly before the rollover still counts while cached', () => {
    const w = world(DEFAULT_POLICY);
    const publish = T0 + 90 * D;
    w.runUntil(publish - 2 * H);
    w.maxZoneTtl = H;
    w.tick();
    w.runUntil(publish + 3 * D);
    // The 1d TTL served until 2h before publish is cached until 22h after it: Iret still uses 1d.
    expect(w.stepTimes('zsk', 'remove')).toEqual([publish + IPUB + IRET]);
    expect(w.violations()).toEqual([]);
  });

  it('ZSK: a TTL that was lowered long before applies in full', () => {
    const w = world(DEFAULT_POLICY, { maxZoneTtl: D });
    w.runUntil(T0 + 10 * D);
    w.maxZoneTtl = H;
    w.tick();
    w.runUntil(T0 + 100 * D);
    const shortIret = 5 * M + H + H;
    expect(w.stepTimes('zsk', 'remove')).toEqual([T0 + 90 * D + IPUB + shortIret]);
    expect(w.violations()).toEqual([]);
  });

  it('KSK: parent-ds-ttl lowered in the policy after the DS was seen', () => {
    const policy = parsePolicyAssignments(['ksk-lifetime=30d', 'zsk-lifetime=0']);
    const w = world(policy, { parentDsTtl: H });
    const publish = T0 + 30 * D;
    const seen = publish + IPUB + PARENT_SEEN;
    w.runUntil(seen + 60);
    w.policy = { ...w.policy, parentDsTtl: H };
    w.tick();
    w.runUntil(publish + 10 * D);
    // The DS TTL in force when the DS was seen: max(policy 1d, observed 1h) = 1d.
    expect(w.stepTimes('ksk', 'activate')).toEqual([seen + DS_PUBLISH]);
    expect(w.violations()).toEqual([]);
  });

  it('KSK: a DS TTL observed at the parent above the configured one lengthens the wait', () => {
    const policy = parsePolicyAssignments(['ksk-lifetime=30d', 'zsk-lifetime=0']);
    const w = world(policy, { parentDsTtl: 2 * D });
    w.runUntil(T0 + 40 * D);
    const e: Expected = [];
    firstSigning(e, T0);
    kskRollover(e, T0 + 30 * D, 'ksk', 2 * D + H);
    // withdraw → remove also waits the observed 2d.
    const last = e.pop()!;
    e.push([last[0] + D, 'ksk', 'remove']);
    expect(logOf(w)).toEqual(e);
    expect(w.violations()).toEqual([]);
  });
});

describe('policy changes that start a rollover', () => {
  it('algorithm 13 → 15: new signatures first, then DNSKEYs, double-DS, old DNSKEYs, old signatures', () => {
    const w = world(DEFAULT_POLICY);
    w.runUntil(T0 + 30 * D);
    const next = parsePolicyAssignments(['algorithm=15'], DEFAULT_POLICY);
    expect(describePolicyChange(w.policy, next).rollover?.kind).toBe('algorithm');
    w.policy = next;
    const t = w.now;
    w.tick();
    w.runUntil(T0 + 40 * D);
    const sign = t;
    const publish = sign + IRET;
    const submit = publish + IPUB;
    const withdraw = submit + PARENT_SEEN + DS_PUBLISH;
    const remove = withdraw + PARENT_SEEN + DS_WITHDRAW + H; // + parent-propagation-delay (strict validators)
    const retire = remove + IPUB;
    expect(logOf(w).filter(([, k]) => k === 'algorithm')).toEqual([
      [sign, 'algorithm', 'sign'], [publish, 'algorithm', 'publish'], [submit, 'algorithm', 'submit-ds'],
      [withdraw, 'algorithm', 'withdraw-ds'], [remove, 'algorithm', 'remove'], [retire, 'algorithm', 'retire'],
    ]);
    const final = w.results[w.results.length - 1]!.status;
    expect(final.state).toBe('idle');
    expect(final.keys.filter((k) => k.state === 'active').map((k) => k.algorithm)).toEqual([15, 15]);
    expect(w.violations({ strictAlgorithms: true })).toEqual([]);
  });

  it('KSK+ZSK → CSK → KSK+ZSK', () => {
    const w = world(DEFAULT_POLICY);
    w.runUntil(T0 + 20 * D);
    w.policy = parsePolicyAssignments(['keys=csk'], DEFAULT_POLICY);
    const t1 = w.now;
    w.tick();
    w.runUntil(T0 + 30 * D);
    w.policy = DEFAULT_POLICY;
    const t2 = w.now;
    w.tick();
    w.runUntil(T0 + 40 * D);
    const e: Expected = [];
    kskRollover(e, t1, 'keys');
    kskRollover(e, t2, 'keys');
    expect(logOf(w).filter(([, k]) => k === 'keys')).toEqual(e);
    const final = w.results[w.results.length - 1]!.status;
    expect(final.keys.filter((k) => k.state === 'active').map((k) => k.role).sort()).toEqual(['ksk', 'zsk']);
    expect(w.violations()).toEqual([]);
  });
});

describe('rollover start by hand', () => {
  it('runs a KSK double-DS at once, then the lifetime counts from the new key', () => {
    const w = world(DEFAULT_POLICY);
    w.runUntil(T0 + 10 * D);
    const t = w.now;
    w.tick([{ kind: 'start-rollover', role: 'ksk' }]);
    w.runUntil(T0 + 20 * D);
    const e: Expected = [];
    const k = kskRollover(e, t, 'ksk');
    expect(logOf(w).filter(([, kind]) => kind === 'ksk')).toEqual(e);
    const status = w.results[w.results.length - 1]!.status;
    expect(status.state === 'idle' && status.nextRollover).toMatchObject({ kind: 'zsk', at: T0 + 90 * D });
    w.runUntil(k.active + 366 * D);
    expect(w.stepTimes('ksk', 'publish')).toEqual([t, k.active + 365 * D]);
    expect(w.violations()).toEqual([]);
  });
});

describe('a registrar that never acts', () => {
  it('waits at the DS gate for ever, checking the parent, and never withdraws the old DS', () => {
    const policy = parsePolicyAssignments(['ksk-lifetime=30d', 'zsk-lifetime=0']);
    const stalled = new World({ policy, start: T0, maxZoneTtl: D, parentServers: PARENT });
    stalled.runUntil(T0 + 2 * D);
    // From now on the parent ignores the registrar.
    stalled.parentActs = false;
    stalled.runUntil(T0 + 33 * D);
    expect(stalled.stepTimes('ksk', 'submit-ds')).toEqual([T0 + 30 * D + IPUB]);
    expect(stalled.stepTimes('ksk', 'activate')).toEqual([]);
    const status = stalled.results[stalled.results.length - 1]!.status;
    expect(status.state === 'rollover' && status.gate.kind).toBe('parent-ds');
    expect(stalled.violations()).toEqual([]);
  });
});
