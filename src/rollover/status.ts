/**
 * Where a zone stands, as data: the rollover in progress (its step, its gate,
 * the earliest time it can open, what comes next), or, with none, when the
 * next one starts. `rollover status --json` prints this; explain.ts words it.
 */
import type { UnixSeconds } from '../core/time.ts';
import type { StepName } from './actions.ts';
import { dsState, keyState } from './key-state.ts';
import type { DsStateName, KeyStateName } from './key-state.ts';
import type { Policy } from './policy.ts';
import type { KeyRecord, KeyRole, ParentCheck, RolloverKind, RolloverReason, ZoneState } from './state.ts';
import { ROLLOVERS, currentStepIndex, evaluateGate, groupKeys } from './steps.ts';
import type { Gate, RolloverContext } from './steps.ts';

/** How often a DS gate asks the parent again, in seconds. */
export const PARENT_CHECK_INTERVAL = 900;

export interface KeySummary {
  id: string;
  role: KeyRole;
  algorithm: number;
  keyTag: number | null;
  state: KeyStateName;
  ds: DsStateName;
  /** When the key became active (signing), or null. */
  activeSince: UnixSeconds | null;
}

export interface PlannedRollover {
  kind: RolloverKind;
  reason: RolloverReason;
  /** The keys it would replace. */
  keyIds: string[];
  at: UnixSeconds;
  why: string;
}

export interface IdleStatus {
  zone: string;
  state: 'idle';
  keys: KeySummary[];
  /** The next rollover, or null when no lifetime is set. */
  nextRollover: PlannedRollover | null;
}

export interface RolloverStatus {
  zone: string;
  state: 'rollover';
  kind: RolloverKind;
  title: string;
  reason: RolloverReason;
  startedAt: UnixSeconds;
  /** Steps taken so far (the current step is the last one taken; 0 before the first). */
  step: number;
  steps: number;
  stepName: StepName | 'start';
  /** The step after the gate, or 'finish'. */
  next: StepName | 'finish';
  gate: Gate;
  /** The earliest time the gate can open; null while it waits for the parent or for key material. */
  earliest: UnixSeconds | null;
  parentCheck: ParentCheck | null;
  oldKeyIds: string[];
  newKeyIds: string[];
  keys: KeySummary[];
}

export type ZoneStatus = IdleStatus | RolloverStatus;

export function summarizeKey(key: KeyRecord, at: UnixSeconds): KeySummary {
  return {
    id: key.id, role: key.role, algorithm: key.algorithm, keyTag: key.keyTag,
    state: keyState(key, at), ds: dsState(key, at), activeSince: key.facts.active?.at ?? null,
  };
}

function roleName(role: KeyRole): string {
  return role.toUpperCase();
}

/** "KSK double-DS", "algorithm rollover 8 → 13", ... */
export function rolloverTitle(state: ZoneState, kind: RolloverKind, oldKeyIds: readonly string[], newKeyIds: readonly string[]): string {
  const keys = (ids: readonly string[]) => state.keys.filter((k) => ids.includes(k.id));
  switch (kind) {
    case 'first-signing': return 'first signing';
    case 'zsk': return 'ZSK pre-publication';
    case 'ksk': return 'KSK double-DS';
    case 'csk': return 'CSK rollover';
    case 'keys': return keys(newKeyIds).some((k) => k.role === 'csk') ? 'switch to CSK' : 'switch to KSK+ZSK';
    case 'algorithm': {
      const from = [...new Set(keys(oldKeyIds).map((k) => k.algorithm))].join('+');
      const to = [...new Set(keys(newKeyIds).map((k) => k.algorithm))].join('+');
      return `algorithm rollover ${from} → ${to}`;
    }
  }
}

/** "KSK 12345", "ZSK k7 (being generated)". */
export function keyLabel(key: KeyRecord): string {
  return key.keyTag === null ? `${roleName(key.role)} ${key.id} (new key)` : `${roleName(key.role)} ${key.keyTag}`;
}

/** Keys that publish or sign now, or are part of the rollover. */
function liveKeys(state: ZoneState, at: UnixSeconds): KeyRecord[] {
  const inRollover = new Set([...(state.rollover?.oldKeyIds ?? []), ...(state.rollover?.newKeyIds ?? [])]);
  return state.keys.filter((k) => inRollover.has(k.id) || !['created', 'pending', 'removed'].includes(keyState(k, at)));
}

/** The keys that publish and sign now (state 'active'). */
export function activeKeys(state: ZoneState, at: UnixSeconds): KeyRecord[] {
  return state.keys.filter((k) => keyState(k, at) === 'active');
}

/** Keys that still publish or sign (not removed), whatever their state. */
export function inUseKeys(state: ZoneState, at: UnixSeconds): KeyRecord[] {
  return state.keys.filter((k) => ['published', 'active', 'retired', 'pre-active', 'post-active'].includes(keyState(k, at)));
}

/**
 * The rollover the zone needs next, when none is in progress: the first
 * signing, a policy change (algorithm, CSK/KSK+ZSK), or a key's lifetime.
 */
export function nextRollover(state: ZoneState, policy: Policy, now: UnixSeconds): PlannedRollover | null {
  const inUse = inUseKeys(state, now);
  if (inUse.length === 0) {
    return { kind: 'first-signing', reason: 'first-signing', keyIds: [], at: now, why: 'the zone has no keys yet' };
  }
  const active = activeKeys(state, now);
  const ids = inUse.map((k) => k.id);
  const algorithms = [...new Set(active.map((k) => k.algorithm))];
  if (algorithms.some((a) => a !== policy.algorithm)) {
    return { kind: 'algorithm', reason: 'policy', keyIds: ids, at: now, why: `the policy asks for algorithm ${policy.algorithm}` };
  }
  const hasCsk = active.some((k) => k.role === 'csk');
  if (hasCsk !== (policy.keys === 'csk')) {
    return { kind: 'keys', reason: 'policy', keyIds: ids, at: now, why: `the policy asks for keys ${policy.keys}` };
  }
  let best: PlannedRollover | null = null;
  for (const key of active) {
    const lifetime = key.role === 'zsk' ? policy.zskLifetime : policy.kskLifetime;
    const since = key.facts.active?.at;
    if (lifetime === 0 || since === undefined) continue;
    const at = since + lifetime;
    // Ties go to the ZSK: its rollover is the shorter one.
    if (best === null || at < best.at || (at === best.at && key.role === 'zsk')) {
      const name = key.role === 'zsk' ? 'zsk-lifetime' : 'ksk-lifetime';
      best = { kind: key.role, reason: 'lifetime', keyIds: [key.id], at, why: `${keyLabel(key)} reaches its ${name}` };
    }
  }
  return best;
}

/** The gate of the rollover in progress, and where it stands. */
export function rolloverGate(ctx: RolloverContext): { index: number; gate: Gate } {
  const def = ROLLOVERS[ctx.rollover.kind];
  const index = currentStepIndex(ctx);
  const parts = index < def.steps.length ? def.steps[index]!.gate : def.finish;
  return { index, gate: evaluateGate(ctx, parts) };
}

export function zoneStatus(state: ZoneState, policy: Policy, now: UnixSeconds): ZoneStatus {
  const rollover = state.rollover;
  if (rollover === null) {
    return { zone: state.zone, state: 'idle', keys: liveKeys(state, now).map((k) => summarizeKey(k, now)), nextRollover: nextRollover(state, policy, now) };
  }
  const ctx: RolloverContext = { state, policy, now, rollover };
  const def = ROLLOVERS[rollover.kind];
  const { index, gate } = rolloverGate(ctx);
  return {
    zone: state.zone,
    state: 'rollover',
    kind: rollover.kind,
    title: rolloverTitle(state, rollover.kind, rollover.oldKeyIds, rollover.newKeyIds),
    reason: rollover.reason,
    startedAt: rollover.startedAt,
    step: index,
    steps: def.steps.length,
    stepName: index === 0 ? 'start' : def.steps[index - 1]!.name,
    next: index < def.steps.length ? def.steps[index]!.name : 'finish',
    gate,
    earliest: gate.kind === 'time' ? gate.until : gate.kind === 'open' ? now : null,
    parentCheck: gate.kind === 'parent-ds' ? rollover.parentCheck : null,
    oldKeyIds: [...rollover.oldKeyIds],
    newKeyIds: [...rollover.newKeyIds],
    keys: liveKeys(state, now).map((k) => summarizeKey(k, now)),
  };
}

/** When the engine next has work: a gate's time, the next parent check, or the next scheduled rollover. */
export function wakeTime(status: ZoneStatus, now: UnixSeconds): UnixSeconds | null {
  if (status.state === 'idle') return status.nextRollover ? Math.max(status.nextRollover.at, now) : null;
  switch (status.gate.kind) {
    case 'time': return status.gate.until;
    case 'parent-ds': return now + PARENT_CHECK_INTERVAL;
    case 'key-material':
    case 'open': return now;
  }
}

/** The keys of a group in the rollover in progress (for messages). */
export function rolloverKeys(state: ZoneState, policy: Policy, now: UnixSeconds, group: 'new' | 'old' | 'new-ds' | 'old-ds'): KeyRecord[] {
  if (!state.rollover) return [];
  return groupKeys({ state, policy, now, rollover: state.rollover }, group);
}
