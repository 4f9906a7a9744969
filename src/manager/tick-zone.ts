/**
 * One pass of the manager over one zone (what `tick` does per zone):
 *
 *  1. Load the input (its data digest and largest TTL) and the rollover state.
 *  2. Step the engine with the observations (zone TTLs, the operator's
 *     confirm/start), performing at once what it needs to go on: key
 *     material (`generate-key`, stored immediately so that a crash never
 *     loses a key that may be published) and the parent DS check
 *     (`query-parent-ds`, once per pass).
 *  3. Call the registrar for `submit-ds` / `withdraw-ds`.
 *  4. Sign again when the engine changed the key set, the input or policy
 *     changed (fingerprint), signatures come within signature-refresh of
 *     expiry, or there is no signed zone yet; put the new file in place.
 *  5. Save the new state, the events and the parent observations in one
 *     transaction. If anything before this failed, nothing is saved: the
 *     previous state stays and the next tick tries again (an `error` event
 *     and the zone's last error say why).
 *  6. Run the post-sign command when a new signed zone is in place (again on
 *     the next pass if it failed or the process died first), and notify.
 *
 * Ordering and crashes: the signed file is renamed into place before the
 * state that describes it is committed. A crash between the two leaves a zone
 * that is ahead of the database, which is the safe direction: every fact is
 * recorded no earlier than it happened, so every wait computed from the facts
 * is at least as long as it must be, and the next pass takes the step again.
 */
import { existsSync } from 'node:fs';
import { SignetError } from '../core/errors.ts';
import { formatDuration, formatIso } from '../core/time.ts';
import type { UnixSeconds } from '../core/time.ts';
import { DnsClient, type DnsQuerier } from '../dns/client.ts';
import type { StateDb } from '../keystore/state-db.ts';
import type { JsonObject, KeyRow, NewParentObservation, ZoneRow } from '../keystore/types.ts';
import type { Action, Observation } from '../rollover/actions.ts';
import { step, type StepResult } from '../rollover/engine.ts';
import { explainStatus } from '../rollover/explain.ts';
import type { Policy } from '../rollover/policy.ts';
import type { ZoneState } from '../rollover/state.ts';
import { inUseKeys, keyLabel, zoneStatus, type ZoneStatus } from '../rollover/status.ts';
import { NOTIFY_EVENT_KINDS, notifyDocument, sendNotification } from './notify.ts';
import { loadZoneInput } from './rollover-input.ts';
import { queryParentDs } from './rollover-parent.ts';
import { callRegistrar } from './rollover-registrar.ts';
import { loadZoneState, saveZoneState } from './rollover-store.ts';
import { runPostSignCommand } from './post-sign.ts';
import { signAndPublish } from './sign-and-publish.ts';
import { planSigning, recordSigned, type SignOutcome } from './sign-service.ts';
import { generateEngineKey } from './zone-keys.ts';
import { effectivePolicy, zoneSetting } from './zone-config.ts';

/** After a failure, when the next tick should try again. */
export const RETRY_SECONDS = 300;

/** Engine errors that are the operator's mistake in `rollover confirm|start`, not a failure of the zone. */
const USAGE_ERRORS = new Set(['ERR_ROLLOVER_NOTHING_TO_CONFIRM', 'ERR_ROLLOVER_IN_PROGRESS', 'ERR_ROLLOVER_POLICY_PENDING', 'ERR_ROLLOVER_ROLE']);

export interface PassOptions {
  now: UnixSeconds;
  passphrase: string | null;
  /** The operator's word for this pass: `rollover confirm` / `rollover start`. */
  observations?: Observation[];
  /** DNS client for parent checks and resolver lookups (tests give their own). */
  client?: DnsQuerier;
  /** Throw engine usage errors (nothing to confirm, rollover in progress) instead of recording them. */
  strict?: boolean;
  /** Time limit of the post-sign and notify commands, milliseconds. */
  hookTimeoutMs?: number;
  /** Input files from this size sign with the streaming signer (default rollover-input.ts STREAM_ABOVE_BYTES). */
  streamAboveBytes?: number;
  /** Worker threads of the streaming signer (default one per core). */
  workers?: number;
}

export interface PassEvent {
  kind: string;
  message: string;
  details: JsonObject;
}

export interface PassReport {
  zone: string;
  /** What the pass did, in order, in words. */
  did: string[];
  /** Events recorded in the audit log. */
  events: PassEvent[];
  signed: { serial: number; output: string; reason: string; earliestExpiration: UnixSeconds } | null;
  /** The rollover status after the pass (as `rollover status` shows it); null when the pass failed before it. */
  status: ZoneStatus | null;
  summary: string | null;
  /** The earliest time another pass has work to do for this zone. */
  next: UnixSeconds | null;
  error: { code: string; message: string; action: string } | null;
  warnings: string[];
}

class PassFailure extends Error {
  readonly code: string;
  readonly action: string;
  constructor(code: string, message: string, action: string) {
    super(message);
    this.code = code;
    this.action = action;
  }
}

function keysOf(state: ZoneState, ids: readonly string[]): string {
  return state.keys.filter((k) => ids.includes(k.id)).map(keyLabel).join(', ');
}

export async function runZonePass(db: StateDb, zoneName: string, o: PassOptions): Promise<PassReport> {
  const now = o.now;
  const zone: ZoneRow = db.requireZone(zoneName);
  const report: PassReport = { zone: zone.name, did: [], events: [], signed: null, status: null, summary: null, next: null, error: null, warnings: [] };
  const client = o.client ?? new DnsClient();
  let policy: Policy | null = null;
  let action = 'load';
  let wakeAt: UnixSeconds | null = null;
  let postSignPending = false;
  try {
    policy = effectivePolicy(db, zone);
    const published = db.getPublishedFiles(zone.name);
    const input = await loadZoneInput(zone, { published, ...(o.streamAboveBytes === undefined ? {} : { streamAboveBytes: o.streamAboveBytes }) });
    const loaded = loadZoneState(db, zone, policy);
    const rows = new Map<string, KeyRow>(loaded.rows);
    const rowOf = (id: string): KeyRow => {
      const row = rows.get(id);
      // SPEC safety rule 3: never sign or submit for a key whose material is not stored.
      if (!row) throw new SignetError('ERR_KEY_MATERIAL_MISSING', `zone ${zone.name}: key ${id} has no stored key material`);
      return row;
    };

    // 2. The engine, with what it needs at once.
    let state = loaded.state;
    let observations: Observation[] = [{ kind: 'zone-ttls', maxZoneTtl: input.maxTtl }, ...(o.observations ?? [])];
    const actions: Action[] = [];
    const parentRecords: NewParentObservation[] = [];
    const registrarEvents: PassEvent[] = [];
    let asked = false;
    let result: StepResult | null = null;
    for (let round = 0; round < 16; round++) {
      action = 'step';
      result = step(state, policy, now, observations);
      state = result.state;
      observations = [];
      for (const a of result.actions) {
        if (a.type === 'generate-key') {
          action = 'generate-key';
          if (!loaded.stored && loaded.rows.size === 0) {
            // `zone add --no-keys`: the operator brings the keys; never make them behind their back.
            throw new SignetError('ERR_NO_KEYS',
              `zone ${zone.name} was added without keys: import them (\`signet key import\`) or make them (\`signet key generate ${zone.name} --role ...\`)`);
          }
          const row = generateEngineKey(db, zone.name, a.keyId, a.role, a.algorithm, now, o.passphrase);
          rows.set(a.keyId, row);
          observations.push({ kind: 'key-generated', keyId: a.keyId, keyTag: row.keyTag });
          report.did.push(`generated ${a.role.toUpperCase()} ${row.keyTag} (algorithm ${a.algorithm})`);
          report.events.push({ kind: 'key-generated', message: `${a.role.toUpperCase()} ${row.keyTag} generated`, details: { tag: row.keyTag } });
        } else if (a.type === 'submit-ds' || a.type === 'withdraw-ds') {
          // The registrar before the parent check of the same pass, so that the check can see its effect.
          action = a.type;
          actions.push(a);
          const r = await callRegistrar({ zone, policy, action: a.type, keys: a.keyIds.map(rowOf), client });
          if (r.status === 'failed') throw new PassFailure(r.code, `registrar ${policy.registrar}: ${r.message}`, a.type);
          const what = a.type === 'submit-ds' ? 'submitted' : 'withdrew';
          registrarEvents.push({
            kind: a.type === 'submit-ds' ? 'ds-submitted' : 'ds-withdrawn',
            message: `${what} the DS of ${keysOf(state, a.keyIds)} (registrar ${policy.registrar}: ${r.status}): ${r.message}`,
            details: { registrar: policy.registrar, status: r.status, keys: a.keyIds, ...(r.status === 'operator-action' ? { command: r.command } : {}) },
          });
          report.did.push(`${what} the DS of ${keysOf(state, a.keyIds)} through the ${policy.registrar} registrar (${r.status})`);
        } else if (a.type === 'query-parent-ds') {
          // Once per pass; and not again at the same moment (a second tick at the same --now changes nothing).
          if (asked || state.rollover?.parentCheck?.at === now) continue;
          asked = true;
          action = 'query-parent-ds';
          // Every key that can have a DS, so that the old DS beside the new one is ours, not "unknown".
          const dsCapable = state.keys.filter((k) => (k.role === 'ksk' || k.role === 'csk') && rows.has(k.id)).map((k) => k.id);
          const q = await queryParentDs({
            zone, expect: a.expect, now, client, keys: [...new Set([...a.keyIds, ...dsCapable])].map((id) => ({ id, dnskey: rowOf(id).publicKey })),
          });
          observations.push({ kind: 'parent-ds', at: now, servers: q.answers });
          report.warnings.push(...q.warnings);
          for (const s of q.answers) {
            parentRecords.push({
              zone: zone.name, time: now, expect: a.expect, server: s.server, address: s.address, outcome: s.outcome,
              detail: s.detail, keyIds: s.keyIds, unknownDs: s.unknownDs, ttl: s.ttl,
            });
          }
          const agree = q.answers.filter((s) => s.outcome === 'answer' && a.keyIds.every((id) => s.keyIds.includes(id) === (a.expect === 'present'))).length;
          report.did.push(q.answers.length === 0
            ? `no parent servers known to check the DS of ${keysOf(state, a.keyIds)} (set parent-servers or resolver, or confirm by hand)`
            : `asked ${q.answers.length} parent server(s) (${q.source}) for the DS of ${keysOf(state, a.keyIds)}: ${agree} ${a.expect === 'present' ? 'answer it' : 'no longer answer it'}`);
        } else {
          actions.push(a);
        }
      }
      if (observations.length === 0) break;
    }
    wakeAt = result!.wakeAt;
    const engineEvents: PassEvent[] = [];
    for (const a of actions) {
      if (a.type !== 'notify') continue;
      engineEvents.push({ kind: a.event, message: a.message, details: { rollover: a.rollover, step: a.step } });
      report.did.push(a.message);
    }

    // 4. Sign when something calls for it.
    const reasons: string[] = [];
    const resign = actions.find((a) => a.type === 'resign');
    if (resign?.type === 'resign') reasons.push(resign.reason);
    let build: SignOutcome | null = null;
    if (inUseKeys(state, now).length > 0) {
      if (zone.lastSignedAt === null) reasons.push('first signed version');
      else if (!existsSync(zone.output)) reasons.push(`${zone.output} is missing`);
      if (zone.earliestExpiration !== null && zone.earliestExpiration - policy.signatureRefresh <= now) {
        reasons.push(`signatures expire from ${formatIso(zone.earliestExpiration)}, within signature-refresh ${formatDuration(policy.signatureRefresh)}`);
      }
      if (reasons.length === 0 && planSigning({ zone, policy, input, state, now, rowOf }).fingerprint !== loaded.signedFingerprint) {
        reasons.push('the input, the policy or the key set changed');
      }
      if (reasons.length > 0) {
        action = 'sign';
        build = await signAndPublish({ zone, policy, input, state, now, rowOf, passphrase: o.passphrase }, {
          publishedFingerprint: loaded.signedFingerprint, publishedFiles: published, ...(o.workers !== undefined ? { workers: o.workers } : {}),
        });
        report.warnings.push(...build.warnings);
        report.signed = { serial: build.serial, output: zone.output, reason: reasons.join('; '), earliestExpiration: build.earliestExpiration };
        report.did.push(`signed serial ${build.serial} (${reasons.join('; ')}): ${build.keySummary}`);
      }
    }

    // 5. Commit.
    action = 'save';
    const postSign = zoneSetting(zone, 'post-sign-command');
    postSignPending = postSign !== null && (build !== null || loaded.postSignPending);
    const finalState = state;
    const committed = [...engineEvents, ...registrarEvents];
    db.transaction(() => {
      for (const e of committed) db.addEvent({ zone: zone.name, time: now, ...e });
      if (build) recordSigned(db, build, now, reasons.join('; '));
      for (const p of parentRecords) db.addParentObservation(p);
      saveZoneState(db, finalState, rows, {
        signedFingerprint: build?.fingerprint ?? loaded.signedFingerprint,
        postSignPending,
        lastError: null,
      }, now);
    });
    report.events.push(...committed);
    if (build) report.events.push({ kind: 'signed', message: `signed serial ${build.serial}`, details: { serial: build.serial } });

    // 6. The post-sign command, for the signed zone now in place.
    if (postSignPending && postSign !== null) {
      action = 'post-sign-command';
      try {
        await runPostSignCommand(db, zone.name, now, { ...(o.hookTimeoutMs === undefined ? {} : { timeoutMs: o.hookTimeoutMs }), recordFailure: false });
      } catch (e) {
        if (e instanceof SignetError) throw new PassFailure(e.code, e.message, 'post-sign-command');
        throw e;
      }
      postSignPending = false;
      report.did.push('ran the post-sign command');
    }
  } catch (e) {
    if (o.strict === true && e instanceof SignetError && USAGE_ERRORS.has(e.code)) throw e;
    const code = e instanceof PassFailure || e instanceof SignetError ? e.code : 'ERR_INTERNAL';
    const message = e instanceof SignetError ? e.describe() : (e as Error).message;
    report.error = { code, message, action };
    const lastError: JsonObject = { at: now, code, message, action };
    const event: PassEvent = { kind: 'error', message: `${zone.name}: ${action} failed: ${message}`, details: { code, action } };
    try {
      db.transaction(() => {
        db.addEvent({ zone: zone.name, time: now, ...event });
        const stored = db.getZoneState(zone.name);
        // A signed zone already in place still needs its post-sign command.
        if (stored) db.patchZoneState(zone.name, { lastError, postSignPending: postSignPending || stored.postSignPending });
      });
      report.events.push(event);
    } catch (recordError) {
      // The database itself fails (busy, full): say so; the other zones still get their pass.
      report.warnings.push(`could not record the error: ${(recordError as Error).message}`);
    }
    report.did.push(`${action} failed: ${message}`);
  }

  // Safety rule 4: the earliest expiry closer than signature-refresh is always said, and notified.
  const after = db.requireZone(zone.name);
  if (policy !== null && after.earliestExpiration !== null && after.earliestExpiration - now < policy.signatureRefresh) {
    const left = after.earliestExpiration - now;
    const message = left <= 0
      ? `${zone.name}: signatures expired at ${formatIso(after.earliestExpiration)}`
      : `${zone.name}: the earliest signature expires at ${formatIso(after.earliestExpiration)}, in ${formatDuration(left)}, within signature-refresh ${formatDuration(policy.signatureRefresh)}`;
    const event: PassEvent = { kind: 'signature-horizon', message, details: { earliestExpiration: after.earliestExpiration } };
    db.addEvent({ zone: zone.name, time: now, ...event });
    report.events.push(event);
    report.warnings.push(message);
  }

  if (policy !== null) {
    try {
      const loaded = loadZoneState(db, after, policy);
      report.status = zoneStatus(loaded.state, policy, now);
      report.summary = explainStatus(loaded.state, policy, now, report.status);
    } catch (e) {
      if (!(e instanceof SignetError)) throw e;
    }
    const candidates = [wakeAt];
    if (after.earliestExpiration !== null) candidates.push(after.earliestExpiration - policy.signatureRefresh);
    if (report.error !== null) candidates.push(now + RETRY_SECONDS);
    const times = candidates.filter((t): t is number => t !== null);
    let next = times.length === 0 ? null : Math.min(...times);
    if (next !== null && next <= now) next = now + RETRY_SECONDS;
    report.next = next;
    if (after.nextWakeAt !== next) db.updateZone(zone.name, { nextWakeAt: next });
  } else {
    report.next = now + RETRY_SECONDS;
  }

  await notifyEvents(db, after, report, now, o.hookTimeoutMs);
  return report;
}

/** Sends the pass's notifiable events to the zone's `notify` target; failures become warnings and events. */
async function notifyEvents(db: StateDb, zone: ZoneRow, report: PassReport, now: UnixSeconds, timeoutMs: number | undefined): Promise<void> {
  const target = zoneSetting(zone, 'notify');
  if (target === null) return;
  for (const e of report.events) {
    if (!NOTIFY_EVENT_KINDS.includes(e.kind)) continue;
    const outcome = await sendNotification(target, notifyDocument(zone.name, e.kind, now, e.message, e.details), { timeoutMs });
    if (!outcome.ok) {
      const message = `notification of ${e.kind} to ${target} failed: ${outcome.detail}`;
      report.warnings.push(message);
      db.addEvent({ zone: zone.name, time: now, kind: 'notify-failed', message, details: { event: e.kind } });
    }
  }
}
