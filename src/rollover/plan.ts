/**
 * `rollover plan`: the future timeline of a zone, every step with its
 * earliest date and what the operator will have to do, assuming the parent
 * acts at once. It runs the real engine forward on a copy of the state, so the
 * plan cannot disagree with what `tick` will do; and it checks the planned
 * timeline against the resolver cache model.
 */
import type { UnixSeconds } from '../core/time.ts';
import type { Observation, StepName } from './actions.ts';
import { checkTimeline } from './cache-model.ts';
import type { KeyRef, Publication, Violation } from './cache-model.ts';
import { step } from './engine.ts';
import { describeStep, operatorAction } from './explain.ts';
import { ttlsInForce, zoneKeySet } from './key-state.ts';
import type { Policy } from './policy.ts';
import type { KeyRecord, RolloverKind, ZoneState } from './state.ts';
import { rolloverGate, rolloverTitle } from './status.ts';
import { ROLLOVERS } from './steps.ts';

export interface PlanEntry {
  at: UnixSeconds;
  event: 'start' | 'step' | 'finish';
  rollover: RolloverKind;
  title: string;
  /** For steps: 1-based position and count. */
  step: number | null;
  steps: number;
  name: StepName | null;
  description: string;
  /** What the operator must do at this point (manual registrar), or null. */
  operatorAction: string | null;
}

export interface Plan {
  entries: PlanEntry[];
  /** Cache-model violations of the planned timeline (empty when every step is safe). */
  violations: Violation[];
}

/** Loop guard: a rollover has at most a handful of steps per day of planning. */
const MAX_TICKS = 20000;

export function planRollovers(
  start: ZoneState, policy: Policy, now: UnixSeconds, until: UnixSeconds, options: { maxZoneTtl?: number } = {},
): Plan {
  const plannedIds = new Set<string>();
  let state = start;
  let t = now;
  let observations: Observation[] = options.maxZoneTtl === undefined ? [] : [{ kind: 'zone-ttls', maxZoneTtl: options.maxZoneTtl }];
  const entries: PlanEntry[] = [];
  const publications: Publication[] = [];
  let lastZone = '';
  let lastDs = '';
  const ref = (k: KeyRecord): KeyRef => ({ id: k.id, algorithm: k.algorithm });
  const record = (at: UnixSeconds = t) => {
    const set = zoneKeySet(state, at);
    const ttls = ttlsInForce(state, policy, at);
    const zone = { dnskeys: set.dnskeys.map(ref), dnskeySigners: set.dnskeySigners.map(ref), zoneSigners: set.zoneSigners.map(ref), dnskeyTtl: policy.dnskeyTtl, maxZoneTtl: ttls.maxZoneTtl };
    const zoneText = JSON.stringify(zone);
    if (zoneText !== lastZone) publications.push({ kind: 'zone', at, ...zone });
    lastZone = zoneText;
    // The parent acts at once: it serves exactly the DS the zone asked for.
    const ds = set.dsKeys.map(ref);
    const dsText = JSON.stringify(ds);
    if (dsText !== lastDs) publications.push({ kind: 'ds', at, server: 'parent', ds, ttl: policy.parentDsTtl });
    lastDs = dsText;
  };
  // The past, replayed from the facts (the zone was unsigned before its first fact), so that the
  // model also sees what caches may still hold from before the plan starts.
  const past = [...new Set(start.keys.flatMap((k) => Object.values(k.facts).map((f) => f!.at)))].filter((at) => at <= now).sort((a, b) => a - b);
  record(Math.min(now, ...past) - 400 * 86400);
  for (const at of past) record(at);

  for (let i = 0; i < MAX_TICKS; i++) {
    const result = step(state, policy, t, observations);
    const previous = state;
    state = result.state;
    observations = [];
    for (const action of result.actions) {
      if (action.type === 'generate-key') {
        plannedIds.add(action.keyId);
        // A stand-in tag; labels show the key id for keys that do not exist yet.
        observations.push({ kind: 'key-generated', keyId: action.keyId, keyTag: 0 });
      } else if (action.type === 'query-parent-ds') {
        const ids = zoneKeySet(state, t).dsKeys.map((k) => k.id);
        observations.push({ kind: 'parent-ds', at: t, servers: [{ server: 'parent', address: 'parent', outcome: 'answer', detail: null, keyIds: ids, unknownDs: 0, ttl: policy.parentDsTtl }] });
      } else if (action.type === 'notify') {
        const entry = toEntry(action.event, action.rollover, action.step, previous, state, policy, t, plannedIds);
        if (entry) entries.push(entry);
        const last = entries[entries.length - 1];
        if (action.event === 'operator-action-needed' && last && state.rollover) {
          const unplanned = withoutStandIns(state, plannedIds);
          last.operatorAction = operatorAction(unplanned, policy, rolloverGate({ state: unplanned, policy, now: t, rollover: state.rollover }).gate);
        }
      }
    }
    record();
    if (observations.length > 0) continue;
    if (result.wakeAt === null || result.wakeAt > until) break;
    t = Math.max(result.wakeAt, t + 1);
  }
  const violations = checkTimeline(publications, {
    zonePropagationDelay: policy.zonePropagationDelay, parentHiddenLag: policy.parentPropagationDelay, strictAlgorithms: true,
  }, now, until);
  return { entries, violations };
}

function toEntry(
  event: string, rollover: RolloverKind | null, stepName: StepName | null, before: ZoneState, after: ZoneState, policy: Policy,
  at: UnixSeconds, planned: ReadonlySet<string>,
): PlanEntry | null {
  const state = after.rollover ? after : before;
  const r = state.rollover;
  if (rollover === null || r === null) return null;
  const unplanned = withoutStandIns(state, planned);
  const title = rolloverTitle(unplanned, rollover, r.oldKeyIds, r.newKeyIds);
  const def = ROLLOVERS[rollover];
  if (event === 'rollover-started') {
    return { at, event: 'start', rollover, title, step: null, steps: def.steps.length, name: null, description: `${title} starts (${r.reason})`, operatorAction: null };
  }
  if (event === 'rollover-finished') {
    return { at, event: 'finish', rollover, title, step: null, steps: def.steps.length, name: null, description: `${title} finished`, operatorAction: null };
  }
  if (event === 'step-advanced' && stepName !== null) {
    const index = def.steps.findIndex((s) => s.name === stepName);
    return {
      at, event: 'step', rollover, title, step: index + 1, steps: def.steps.length, name: stepName,
      description: describeStep(unplanned, policy, at, stepName), operatorAction: null,
    };
  }
  return null;
}

/** The state with planned keys shown as keys that do not exist yet (their stand-in tags hidden). */
function withoutStandIns(state: ZoneState, planned: ReadonlySet<string>): ZoneState {
  return { ...state, keys: state.keys.map((k) => (planned.has(k.id) ? { ...k, keyTag: null } : k)) };
}
