/**
 * The rollover engine: a pure function
 *   step(zone state, policy, now, observations) → { state, actions, wakeAt, status }
 * It never reads the clock, the network or the disk. It takes every step
 * whose gate is open at `now` (possibly several, when waits are zero), records
 * the facts, and returns what the shell must do. Calling it again with the
 * same `now` and no new observations changes nothing (idempotent tick).
 *
 * Observations are what the shell saw since the last call: key material it
 * generated, the zone's largest TTL, the parent servers' DS answers, and the
 * operator's `rollover confirm` / `rollover start`.
 */
import { SignetError } from '../core/errors.ts';
import { formatIso } from '../core/time.ts';
import type { UnixSeconds } from '../core/time.ts';
import type { Action, NotifyEvent, Observation, StepName } from './actions.ts';
import { describeParentCheck, describeStep, operatorAction } from './explain.ts';
import { ttlsInForce } from './key-state.ts';
import type { Policy } from './policy.ts';
import type { Fact, FactName, KeyRecord, KeyRole, ParentServerAnswer, RolloverKind, RolloverReason, ZoneState } from './state.ts';
import { activeKeys, inUseKeys, keyLabel, nextRollover, rolloverGate, rolloverTitle, wakeTime, zoneStatus } from './status.ts';
import type { ZoneStatus } from './status.ts';
import { ROLLOVERS, groupFact, groupKeys } from './steps.ts';
import type { Gate, RolloverContext, StepDefinition } from './steps.ts';

export interface StepResult {
  state: ZoneState;
  actions: Action[];
  /** When the engine next has work (a wait ends, a parent check is due, a rollover is scheduled); null for never. */
  wakeAt: UnixSeconds | null;
  status: ZoneStatus;
}

/** Steps taken in one call at most; a procedure has at most 7 transitions. */
const MAX_PASSES = 32;

const FACT_ACTIONS: Partial<Record<FactName, 'publish' | 'activate' | 'retire' | 'remove' | 'submit-ds' | 'withdraw-ds'>> = {
  published: 'publish', active: 'activate', retired: 'retire', removed: 'remove', 'ds-submitted': 'submit-ds', 'ds-withdrawn': 'withdraw-ds',
};

/** Mutable working set of one step() call. */
interface Run {
  state: ZoneState;
  policy: Policy;
  now: UnixSeconds;
  actions: Action[];
  resign: string[];
  parent: { at: UnixSeconds; servers: ParentServerAnswer[] } | null;
  confirm: 'ds-published' | 'ds-withdrawn' | null;
  start: KeyRole | null;
}

export function step(input: ZoneState, policy: Policy, now: UnixSeconds, observations: readonly Observation[] = []): StepResult {
  checkClock(input, now);
  const run: Run = { state: structuredClone(input), policy, now, actions: [], resign: [], parent: null, confirm: null, start: null };
  let maxZoneTtl: number | null = null;
  for (const o of observations) {
    switch (o.kind) {
      case 'key-generated': recordKeyMaterial(run.state, o.keyId, o.keyTag); break;
      case 'zone-ttls': maxZoneTtl = o.maxZoneTtl; break;
      case 'parent-ds': if (run.parent === null || o.at >= run.parent.at) run.parent = { at: o.at, servers: o.servers }; break;
      case 'confirm': run.confirm = o.what; break;
      case 'start-rollover': run.start = o.role; break;
    }
  }
  recordTtls(run, maxZoneTtl);
  if (run.start !== null) startByOperator(run, run.start);

  for (let pass = 0; pass < MAX_PASSES; pass++) {
    if (!advance(run)) break;
  }
  if (run.confirm !== null) {
    throw new SignetError('ERR_ROLLOVER_NOTHING_TO_CONFIRM',
      `${run.state.zone}: nothing waits for ${run.confirm} now (see \`signet rollover status ${run.state.zone}\`)`);
  }
  if (run.resign.length > 0) run.actions.push({ type: 'resign', reason: [...new Set(run.resign)].join('; ') });
  const status = zoneStatus(run.state, policy, now);
  return { state: run.state, actions: run.actions, wakeAt: wakeTime(status, now), status };
}

/** A step back in time would make recorded facts look undone; refuse it. */
function checkClock(state: ZoneState, now: UnixSeconds): void {
  let latest = state.rollover?.startedAt ?? Number.NEGATIVE_INFINITY;
  for (const k of state.keys) for (const f of Object.values(k.facts)) if (f && f.at > latest) latest = f.at;
  if (now < latest) {
    throw new SignetError('ERR_ROLLOVER_CLOCK_BEHIND',
      `${state.zone}: the rollover state already holds events at ${formatIso(latest)}, after the time given (${formatIso(now)})`);
  }
}

function recordKeyMaterial(state: ZoneState, keyId: string, keyTag: number): void {
  const key = state.keys.find((k) => k.id === keyId);
  if (!key) throw new SignetError('ERR_ROLLOVER_UNKNOWN_KEY', `${state.zone}: no key with id ${keyId}`);
  if (!Number.isInteger(keyTag) || keyTag < 0 || keyTag > 0xffff) throw new SignetError('ERR_ROLLOVER_BAD_KEY_TAG', `bad key tag ${keyTag}`);
  if (key.keyTag !== null && key.keyTag !== keyTag) {
    // SPEC safety rule 3: key material is never replaced silently.
    throw new SignetError('ERR_ROLLOVER_KEY_EXISTS', `${state.zone}: key ${keyId} already has material (tag ${key.keyTag})`);
  }
  key.keyTag = keyTag;
}

/** Appends to the TTL history when what the zone serves changes. */
function recordTtls(run: Run, maxZoneTtl: number | null): void {
  const history = run.state.ttlHistory;
  const last = history[history.length - 1];
  const entry = { at: run.now, dnskeyTtl: run.policy.dnskeyTtl, maxZoneTtl: maxZoneTtl ?? last?.maxZoneTtl ?? null };
  if (entry.maxZoneTtl === null) return;
  if (last && last.dnskeyTtl === entry.dnskeyTtl && last.maxZoneTtl === entry.maxZoneTtl) return;
  if (last && last.at === run.now) history.pop();
  history.push({ at: entry.at, dnskeyTtl: entry.dnskeyTtl, maxZoneTtl: entry.maxZoneTtl });
  if (last && last.dnskeyTtl !== entry.dnskeyTtl && inUseKeys(run.state, run.now).length > 0) run.resign.push('dnskey-ttl changed');
}

function notify(run: Run, event: NotifyEvent, message: string, stepName: StepName | null = null): void {
  run.actions.push({ type: 'notify', event, message: `${run.state.zone}: ${message}`, rollover: run.state.rollover?.kind ?? null, step: stepName });
}

function currentTtlFact(run: Run, source: Fact['source'], at: UnixSeconds = run.now, dsTtl: number | null = null): Fact {
  const ttls = ttlsInForce(run.state, run.policy, at);
  return { at, ttls: dsTtl === null ? ttls : { ...ttls, dsTtl: Math.max(ttls.dsTtl, dsTtl) }, source };
}

/** `rollover start NAME zsk|ksk|csk`. */
function startByOperator(run: Run, role: KeyRole): void {
  const { state, policy, now } = run;
  if (state.rollover !== null) {
    throw new SignetError('ERR_ROLLOVER_IN_PROGRESS',
      `${state.zone}: a ${rolloverTitle(state, state.rollover.kind, state.rollover.oldKeyIds, state.rollover.newKeyIds)} is in progress; one rollover at a time`);
  }
  const planned = nextRollover(state, policy, now);
  if (planned !== null && planned.reason !== 'lifetime') {
    throw new SignetError('ERR_ROLLOVER_POLICY_PENDING', `${state.zone}: ${planned.why}; the next tick starts that rollover (${planned.kind}) first`);
  }
  const old = activeKeys(state, now).filter((k) => k.role === role);
  if (old.length === 0) {
    throw new SignetError('ERR_ROLLOVER_ROLE', `${state.zone}: no active ${role.toUpperCase()} to roll (the zone uses keys ${policy.keys})`);
  }
  beginRollover(run, role, 'operator', old, [role]);
}

/** Starts a rollover: takes unused keys of the right role and algorithm, or asks for new ones. */
function beginRollover(run: Run, kind: RolloverKind, reason: RolloverReason, old: readonly KeyRecord[], newRoles: readonly KeyRole[]): void {
  const { state, policy, now } = run;
  const newIds: string[] = [];
  for (const role of newRoles) {
    const spare = state.keys.find((k) => k.role === role && k.algorithm === policy.algorithm && k.keyTag !== null
      && Object.keys(k.facts).length === 0 && !newIds.includes(k.id));
    if (spare) {
      newIds.push(spare.id);
      continue;
    }
    const id = `k${state.nextKeyNumber}`;
    state.nextKeyNumber += 1;
    state.keys.push({ id, role, algorithm: policy.algorithm, keyTag: null, createdAt: now, facts: {} });
    newIds.push(id);
  }
  state.rollover = { kind, reason, startedAt: now, oldKeyIds: old.map((k) => k.id), newKeyIds: newIds, parentCheck: null };
  const title = rolloverTitle(state, kind, state.rollover.oldKeyIds, newIds);
  const replacing = old.length > 0 ? `, replacing ${old.map(keyLabel).join(' and ')}` : '';
  notify(run, 'rollover-started', `${title} started (${reason})${replacing}`);
}

function newRolesFor(policy: Policy): KeyRole[] {
  return policy.keys === 'csk' ? ['csk'] : ['ksk', 'zsk'];
}

/** One transition: start, evidence, step or finish. Returns false when nothing more can happen now. */
function advance(run: Run): boolean {
  const { state, policy, now } = run;
  const rollover = state.rollover;
  if (rollover === null) {
    const planned = nextRollover(state, policy, now);
    if (planned === null || planned.at > now) return false;
    const old = planned.kind === 'first-signing' ? [] : state.keys.filter((k) => planned.keyIds.includes(k.id));
    const roles = planned.reason === 'lifetime' ? old.map((k) => k.role) : newRolesFor(policy);
    beginRollover(run, planned.kind, planned.reason, old, roles);
    return true;
  }
  const ctx: RolloverContext = { state, policy, now, rollover };
  const def = ROLLOVERS[rollover.kind];
  const { index, gate } = rolloverGate(ctx);
  switch (gate.kind) {
    case 'key-material':
      for (const id of gate.keyIds) {
        const key = state.keys.find((k) => k.id === id)!;
        run.actions.push({ type: 'generate-key', keyId: id, role: key.role, algorithm: key.algorithm });
      }
      return false;
    case 'parent-ds':
      if (takeEvidence(run, ctx, gate)) return true;
      run.actions.push({ type: 'query-parent-ds', keyIds: gate.keyIds, expect: gate.expect });
      return false;
    case 'time':
      return false;
    case 'open':
      if (index === def.steps.length) {
        notify(run, 'rollover-finished', `${rolloverTitle(state, rollover.kind, rollover.oldKeyIds, rollover.newKeyIds)} finished`);
        state.rollover = null;
        return true;
      }
      takeStep(run, ctx, def.steps[index]!, index);
      return true;
  }
}

function takeStep(run: Run, ctx: RolloverContext, definition: StepDefinition, index: number): void {
  const fact = currentTtlFact(run, 'engine');
  for (const mark of definition.marks) {
    const keys = groupKeys(ctx, mark.group).filter((k) => k.facts[mark.fact] === undefined);
    if (keys.length === 0) continue;
    for (const k of keys) k.facts[mark.fact] = { ...fact, ttls: { ...fact.ttls } };
    const keyIds = keys.map((k) => k.id);
    const type = FACT_ACTIONS[mark.fact];
    if (type === 'submit-ds') run.actions.push({ type, keyIds, digest: run.policy.dsDigest });
    else if (type !== undefined) run.actions.push({ type, keyIds });
    const zoneSide = type === 'publish' || type === 'activate' || type === 'retire' || type === 'remove';
    // RFC 7344: with the `cds` registrar the request to the parent is the CDS/CDNSKEY RRset in the zone.
    if (zoneSide || run.policy.registrar === 'cds') run.resign.push(`${definition.name} ${keys.map(keyLabel).join(', ')}`);
  }
  const def = ROLLOVERS[ctx.rollover.kind];
  const title = rolloverTitle(ctx.state, ctx.rollover.kind, ctx.rollover.oldKeyIds, ctx.rollover.newKeyIds);
  notify(run, 'step-advanced', `${title}, step ${index + 1} of ${def.steps.length}: ${definition.name}: ${describeStep(ctx.state, run.policy, run.now, definition.name)}`, definition.name);
  const { gate } = rolloverGate(ctx);
  const action = operatorAction(ctx.state, run.policy, gate);
  if (action !== null) notify(run, 'operator-action-needed', action, definition.name);
}

/**
 * The DS gate: the operator's confirmation, or a parent check made after the
 * request in which every server gave a clean answer that agrees. Records
 * ds-seen / ds-gone with the DS TTL in force: max(parent-ds-ttl, observed).
 */
function takeEvidence(run: Run, ctx: RolloverContext, gate: Extract<Gate, { kind: 'parent-ds' }>): boolean {
  const { state } = run;
  const fact: FactName = gate.expect === 'present' ? 'ds-seen' : 'ds-gone';
  const keys = state.keys.filter((k) => gate.keyIds.includes(k.id));
  const wanted = gate.expect === 'present' ? 'ds-published' : 'ds-withdrawn';
  if (run.confirm === wanted) {
    run.confirm = null;
    for (const k of keys) k.facts[fact] = currentTtlFact(run, 'operator');
    notify(run, gate.expect === 'present' ? 'ds-seen' : 'ds-gone', `operator confirmed ${wanted} for ${keys.map(keyLabel).join(', ')}`);
    return true;
  }
  const parent = run.parent;
  if (parent === null) return false;
  // Only a check made after the registrar was asked counts.
  const request = groupFact(ctx, gate.group, gate.expect === 'present' ? 'ds-submitted' : 'ds-withdrawn');
  if (request !== null && parent.at < request.at) return false;
  ctx.rollover.parentCheck = { at: parent.at, expect: gate.expect, keyIds: [...gate.keyIds], servers: parent.servers };
  run.parent = null;
  const agree = parent.servers.length > 0 && parent.servers.every((s) => s.outcome === 'answer' && (gate.expect === 'present'
    ? gate.keyIds.every((id) => s.keyIds.includes(id))
    : gate.keyIds.every((id) => !s.keyIds.includes(id))));
  if (!agree) return false;
  const observedTtl = Math.max(0, ...parent.servers.map((s) => s.ttl ?? 0));
  for (const k of keys) k.facts[fact] = currentTtlFact(run, 'parent-check', parent.at, observedTtl);
  notify(run, gate.expect === 'present' ? 'ds-seen' : 'ds-gone', describeParentCheck(state, ctx.rollover.parentCheck, gate.expect, gate.keyIds));
  return true;
}
