/**
 * The rollover procedures as data: for each kind, its steps in order, what
 * each step records (facts, from which the shell's actions follow) and what
 * must hold before it (its gate). Step names are the SPEC's words.
 *
 *   ZSK pre-publication (RFC 6781 §4.1.1.1, RFC 7583 §3.2.1):
 *     publish → Ipub → activate → Iret → remove
 *   KSK double-DS (RFC 6781 §4.1.2, RFC 7583 §3.3.2, SPEC "Rollovers"):
 *     publish → Ipub → submit-ds → DS seen at every parent server, then
 *     parent-ds-ttl + parent-propagation-delay → activate → dnskey-ttl +
 *     zone-propagation-delay → withdraw-ds → DS gone at every parent server,
 *     then parent-ds-ttl → remove
 *   CSK, and a switch between CSK and KSK+ZSK: the KSK steps, and remove also
 *     waits Iret after activate (the old key's signatures).
 *   Algorithm rollover (RFC 6781 §4.1.4, with a double-DS at the parent):
 *     sign → Iret → publish → Ipub → submit-ds → DS seen, then DS TTL +
 *     parent-propagation-delay → withdraw-ds → DS gone, then DS TTL +
 *     parent-propagation-delay → remove → Ipub → retire. While a DNSKEY of an algorithm is published, every
 *     RRset carries a signature of that algorithm (RFC 4035 §2.2).
 *   First signing: publish (and sign) → Dprp + max(TTLkey, largest TTL) →
 *     submit-ds → finished once the DS is seen at every parent server.
 */
import { formatDuration } from '../core/time.ts';
import type { UnixSeconds } from '../core/time.ts';
import type { StepName } from './actions.ts';
import { isKeySigningRole, ttlsInForce } from './key-state.ts';
import type { Policy } from './policy.ts';
import type { Fact, FactName, KeyRecord, RolloverKind, RolloverRecord, ZoneState } from './state.ts';
import {
  algorithmDsWithdrawWait, dnskeySwapWait, dsPublishWait, dsWithdrawWait, firstSigningDsDelay, maxTtls, publishInterval, retireInterval,
} from './timing.ts';
import type { TtlsInForce } from './timing.ts';

/** Which keys of the rollover a mark or gate part is about. */
export type KeyGroup = 'new' | 'old' | 'new-ds' | 'old-ds';

export type IntervalName = 'Ipub' | 'Iret' | 'ds-publish' | 'dnskey-swap' | 'ds-withdraw' | 'ds-withdraw-algorithm' | 'first-ds';

export type GatePart =
  /** Every key of the group has its key material. */
  | { type: 'material'; group: KeyGroup }
  /** Every parent server answers (or no longer answers) the group's DS: records ds-seen / ds-gone. */
  | { type: 'evidence'; group: KeyGroup; expect: 'present' | 'absent' }
  /** The interval has passed since the group's fact, computed from the TTLs recorded with the fact. */
  | { type: 'wait'; group: KeyGroup; fact: FactName; interval: IntervalName };

export interface StepDefinition {
  name: StepName;
  gate: GatePart[];
  /** The facts the step records; the step is done when they all exist. */
  marks: Array<{ group: KeyGroup; fact: FactName }>;
}

export interface RolloverDefinition {
  kind: RolloverKind;
  steps: StepDefinition[];
  /** What must hold, after the last step, for the rollover to be finished. */
  finish: GatePart[];
}

const publishStep: StepDefinition = { name: 'publish', gate: [{ type: 'material', group: 'new' }], marks: [{ group: 'new', fact: 'published' }] };

const kskLikeSteps = (removeGate: GatePart[]): StepDefinition[] => [
  publishStep,
  { name: 'submit-ds', gate: [{ type: 'wait', group: 'new', fact: 'published', interval: 'Ipub' }], marks: [{ group: 'new-ds', fact: 'ds-submitted' }] },
  {
    name: 'activate',
    gate: [{ type: 'evidence', group: 'new-ds', expect: 'present' }, { type: 'wait', group: 'new-ds', fact: 'ds-seen', interval: 'ds-publish' }],
    marks: [{ group: 'new', fact: 'active' }, { group: 'old', fact: 'retired' }],
  },
  { name: 'withdraw-ds', gate: [{ type: 'wait', group: 'new', fact: 'active', interval: 'dnskey-swap' }], marks: [{ group: 'old-ds', fact: 'ds-withdrawn' }] },
  { name: 'remove', gate: removeGate, marks: [{ group: 'old', fact: 'removed' }] },
];

const dsGoneGate: GatePart[] = [
  { type: 'evidence', group: 'old-ds', expect: 'absent' },
  { type: 'wait', group: 'old-ds', fact: 'ds-gone', interval: 'ds-withdraw' },
];

export const ROLLOVERS: Record<RolloverKind, RolloverDefinition> = {
  'first-signing': {
    kind: 'first-signing',
    steps: [
      // The zone goes from unsigned to signed in one version: nothing can be cached that the keys break.
      { name: 'publish', gate: [{ type: 'material', group: 'new' }], marks: [{ group: 'new', fact: 'published' }, { group: 'new', fact: 'active' }] },
      { name: 'submit-ds', gate: [{ type: 'wait', group: 'new', fact: 'published', interval: 'first-ds' }], marks: [{ group: 'new-ds', fact: 'ds-submitted' }] },
    ],
    finish: [{ type: 'evidence', group: 'new-ds', expect: 'present' }],
  },
  zsk: {
    kind: 'zsk',
    steps: [
      publishStep,
      { name: 'activate', gate: [{ type: 'wait', group: 'new', fact: 'published', interval: 'Ipub' }], marks: [{ group: 'new', fact: 'active' }, { group: 'old', fact: 'retired' }] },
      { name: 'remove', gate: [{ type: 'wait', group: 'new', fact: 'active', interval: 'Iret' }], marks: [{ group: 'old', fact: 'removed' }] },
    ],
    finish: [],
  },
  ksk: { kind: 'ksk', steps: kskLikeSteps(dsGoneGate), finish: [] },
  csk: { kind: 'csk', steps: kskLikeSteps([...dsGoneGate, { type: 'wait', group: 'new', fact: 'active', interval: 'Iret' }]), finish: [] },
  keys: { kind: 'keys', steps: kskLikeSteps([...dsGoneGate, { type: 'wait', group: 'new', fact: 'active', interval: 'Iret' }]), finish: [] },
  algorithm: {
    kind: 'algorithm',
    steps: [
      // RFC 6781 §4.1.4: signatures of the new algorithm first, so that no resolver sees a DNSKEY
      // of an algorithm the data it holds is not signed with.
      { name: 'sign', gate: [{ type: 'material', group: 'new' }], marks: [{ group: 'new', fact: 'active' }] },
      { name: 'publish', gate: [{ type: 'wait', group: 'new', fact: 'active', interval: 'Iret' }], marks: [{ group: 'new', fact: 'published' }] },
      { name: 'submit-ds', gate: [{ type: 'wait', group: 'new', fact: 'published', interval: 'Ipub' }], marks: [{ group: 'new-ds', fact: 'ds-submitted' }] },
      {
        name: 'withdraw-ds',
        gate: [{ type: 'evidence', group: 'new-ds', expect: 'present' }, { type: 'wait', group: 'new-ds', fact: 'ds-seen', interval: 'ds-publish' }],
        marks: [{ group: 'old-ds', fact: 'ds-withdrawn' }],
      },
      {
        name: 'remove',
        gate: [{ type: 'evidence', group: 'old-ds', expect: 'absent' }, { type: 'wait', group: 'old-ds', fact: 'ds-gone', interval: 'ds-withdraw-algorithm' }],
        marks: [{ group: 'old', fact: 'removed' }],
      },
      // The old signatures go last, once no resolver can hold a DNSKEY RRset with the old algorithm.
      { name: 'retire', gate: [{ type: 'wait', group: 'old', fact: 'removed', interval: 'Ipub' }], marks: [{ group: 'old', fact: 'retired' }] },
    ],
    finish: [],
  },
};

/** Everything a gate needs to be evaluated. */
export interface RolloverContext {
  state: ZoneState;
  policy: Policy;
  now: UnixSeconds;
  rollover: RolloverRecord;
}

export function groupKeys(ctx: RolloverContext, group: KeyGroup): KeyRecord[] {
  const ids = group === 'new' || group === 'new-ds' ? ctx.rollover.newKeyIds : ctx.rollover.oldKeyIds;
  const keys = ctx.state.keys.filter((k) => ids.includes(k.id));
  return group === 'new-ds' || group === 'old-ds' ? keys.filter(isKeySigningRole) : keys;
}

/** The latest of a fact among the group's keys, or null when any key lacks it. */
export function groupFact(ctx: RolloverContext, group: KeyGroup, fact: FactName): Fact | null {
  let latest: Fact | null = null;
  for (const k of groupKeys(ctx, group)) {
    const f = k.facts[fact];
    if (!f) return null;
    if (!latest || f.at > latest.at) latest = f;
  }
  return latest;
}

export function stepDone(ctx: RolloverContext, step: StepDefinition): boolean {
  return step.marks.every((m) => groupKeys(ctx, m.group).every((k) => k.facts[m.fact] !== undefined));
}

/** Index of the first step not yet taken, or steps.length when all are. */
export function currentStepIndex(ctx: RolloverContext): number {
  const steps = ROLLOVERS[ctx.rollover.kind].steps;
  const i = steps.findIndex((s) => !stepDone(ctx, s));
  return i === -1 ? steps.length : i;
}

/** One wait, explained: `seconds` after `from` (the fact `fromFact` of the group's keys). */
export interface WaitSpec {
  interval: IntervalName;
  from: UnixSeconds;
  fromFact: FactName;
  seconds: number;
  until: UnixSeconds;
  formula: string;
}

export type Gate =
  | { kind: 'open' }
  | { kind: 'key-material'; keyIds: string[] }
  | { kind: 'parent-ds'; expect: 'present' | 'absent'; keyIds: string[]; group: KeyGroup; then: Array<{ interval: IntervalName; seconds: number; formula: string }> }
  | { kind: 'time'; until: UnixSeconds; waits: WaitSpec[] };

const d = formatDuration;

/** Seconds of an interval and how they add up, from the TTLs in force. */
export function intervalSeconds(policy: Policy, ttls: TtlsInForce, interval: IntervalName): { seconds: number; formula: string } {
  switch (interval) {
    case 'Ipub':
      return { seconds: publishInterval(policy, ttls), formula: `Ipub = zone-propagation-delay ${d(policy.zonePropagationDelay)} + dnskey-ttl ${d(ttls.dnskeyTtl)} + publish-safety ${d(policy.publishSafety)}` };
    case 'Iret':
      return { seconds: retireInterval(policy, ttls), formula: `Iret = zone-propagation-delay ${d(policy.zonePropagationDelay)} + largest zone TTL ${d(ttls.maxZoneTtl)} + retire-safety ${d(policy.retireSafety)}` };
    case 'ds-publish':
      return { seconds: dsPublishWait(policy, ttls), formula: `DS TTL ${d(ttls.dsTtl)} + parent-propagation-delay ${d(policy.parentPropagationDelay)}` };
    case 'dnskey-swap':
      return { seconds: dnskeySwapWait(policy, ttls), formula: `dnskey-ttl ${d(ttls.dnskeyTtl)} + zone-propagation-delay ${d(policy.zonePropagationDelay)}` };
    case 'ds-withdraw':
      return { seconds: dsWithdrawWait(policy, ttls), formula: `DS TTL ${d(ttls.dsTtl)}` };
    case 'ds-withdraw-algorithm':
      return { seconds: algorithmDsWithdrawWait(policy, ttls), formula: `DS TTL ${d(ttls.dsTtl)} + parent-propagation-delay ${d(policy.parentPropagationDelay)}` };
    case 'first-ds':
      return { seconds: firstSigningDsDelay(policy, ttls), formula: `zone-propagation-delay ${d(policy.zonePropagationDelay)} + max(dnskey-ttl ${d(ttls.dnskeyTtl)}, largest zone TTL ${d(ttls.maxZoneTtl)})` };
  }
}

/**
 * The TTLs a wait that began with `fact` uses: those recorded with the fact,
 * raised (never lowered) to the ones in force now. SPEC safety rule 2.
 */
export function waitTtls(ctx: RolloverContext, fact: Fact): TtlsInForce {
  return maxTtls(fact.ttls, ttlsInForce(ctx.state, ctx.policy, ctx.now));
}

/** Evaluates gate parts in order: the first unmet condition is the gate. */
export function evaluateGate(ctx: RolloverContext, parts: readonly GatePart[]): Gate {
  const waits: WaitSpec[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part.type === 'material') {
      const pending = groupKeys(ctx, part.group).filter((k) => k.keyTag === null).map((k) => k.id);
      if (pending.length > 0) return { kind: 'key-material', keyIds: pending };
    } else if (part.type === 'evidence') {
      const fact: FactName = part.expect === 'present' ? 'ds-seen' : 'ds-gone';
      if (groupKeys(ctx, part.group).length === 0) continue;
      if (groupFact(ctx, part.group, fact) === null) {
        const ttls = ttlsInForce(ctx.state, ctx.policy, ctx.now);
        const then = parts.slice(i + 1).filter((p) => p.type === 'wait').map((p) => ({ interval: p.interval, ...intervalSeconds(ctx.policy, ttls, p.interval) }));
        const keyIds = groupKeys(ctx, part.group).filter((k) => !k.facts[fact]).map((k) => k.id);
        return { kind: 'parent-ds', expect: part.expect, keyIds, group: part.group, then };
      }
    } else {
      if (groupKeys(ctx, part.group).length === 0) continue;
      const fact = groupFact(ctx, part.group, part.fact);
      if (fact === null) continue; // cannot happen for a well-formed procedure: earlier steps record it
      const { seconds, formula } = intervalSeconds(ctx.policy, waitTtls(ctx, fact), part.interval);
      waits.push({ interval: part.interval, from: fact.at, fromFact: part.fact, seconds, until: fact.at + seconds, formula });
    }
  }
  const until = Math.max(...waits.map((w) => w.until));
  return waits.length === 0 || until <= ctx.now ? { kind: 'open' } : { kind: 'time', until, waits };
}
