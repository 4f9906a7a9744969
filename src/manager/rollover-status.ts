/**
 * `rollover status` for one zone, as text and as JSON carrying the same:
 * the rollover in progress ("KSK double-DS, step 2 of 5: submit-ds"), its
 * gate with the evidence (which parent servers answered what, which did not
 * answer), the earliest time it can open, the next step, the exact command
 * when the operator must act; with no rollover, the keys and the next
 * rollover. Always: the earliest signature expiration (SPEC safety rule 4:
 * said loudly when it is within signature-refresh), the zone's last error
 * (a registrar that failed, retried on the next tick), a pending post-sign command.
 */
import { formatDuration, formatIso } from '../core/time.ts';
import type { UnixSeconds } from '../core/time.ts';
import type { StateDb } from '../keystore/state-db.ts';
import type { ZoneRow } from '../keystore/types.ts';
import { describeParentCheck, describeStep, explainStatus, operatorAction } from '../rollover/explain.ts';
import type { Policy } from '../rollover/policy.ts';
import type { ZoneState } from '../rollover/state.ts';
import { keyLabel, zoneStatus, type KeySummary, type ZoneStatus } from '../rollover/status.ts';
import { loadZoneState } from './rollover-store.ts';
import { effectivePolicy } from './zone-config.ts';

export interface ZoneStatusReport {
  zone: ZoneRow;
  policy: Policy;
  state: ZoneState;
  status: ZoneStatus;
  text: string;
  json: Record<string, unknown>;
}

const iso = (t: UnixSeconds | null | undefined): string | null => (t === null || t === undefined ? null : formatIso(t));

function zoneArg(name: string): string {
  return name === '.' ? '.' : name.replace(/\.$/, '');
}

function keyJson(state: ZoneState, k: KeySummary): Record<string, unknown> {
  const key = state.keys.find((r) => r.id === k.id);
  return { id: k.id, tag: k.keyTag, role: k.role, algorithm: k.algorithm, state: k.state, ds: k.ds, activeSince: iso(k.activeSince), label: key ? keyLabel(key) : k.id };
}

export function zoneStatusReport(db: StateDb, zone: ZoneRow, now: UnixSeconds): ZoneStatusReport {
  const policy = effectivePolicy(db, zone);
  const loaded = loadZoneState(db, zone, policy);
  const state = loaded.state;
  const status = zoneStatus(state, policy, now);
  const lines = [explainStatus(state, policy, now, status)];
  const json: Record<string, unknown> = { zone: zone.name, state: status.state, keys: status.keys.map((k) => keyJson(state, k)) };

  if (status.state === 'rollover') {
    const gate = status.gate;
    const rollover: Record<string, unknown> = {
      kind: status.kind, title: status.title, reason: status.reason, startedAt: iso(status.startedAt),
      step: status.step, steps: status.steps, stepName: status.stepName,
      headline: `${status.title}, step ${status.step} of ${status.steps}: ${status.stepName}`,
      next: status.next, nextDescription: describeStep(state, policy, now, status.next),
      gate: gate.kind, earliest: iso(status.earliest), oldKeys: status.oldKeyIds, newKeys: status.newKeyIds,
    };
    if (gate.kind === 'time') {
      rollover.waits = gate.waits.map((w) => ({ interval: w.interval, formula: w.formula, seconds: w.seconds, from: iso(w.from), fromFact: w.fromFact, until: iso(w.until) }));
    } else if (gate.kind === 'parent-ds') {
      const check = status.parentCheck;
      const agreeing = check === null ? [] : check.servers.filter((s) => s.outcome === 'answer'
        && gate.keyIds.every((id) => s.keyIds.includes(id) === (gate.expect === 'present')));
      rollover.evidence = {
        expect: gate.expect,
        keys: gate.keyIds,
        description: describeParentCheck(state, check, gate.expect, gate.keyIds),
        checkedAt: iso(check?.at),
        agreeing: agreeing.length,
        servers: (check?.servers ?? []).map((s) => ({
          server: s.server, address: s.address, outcome: s.outcome, detail: s.detail, agrees: agreeing.includes(s),
          keyIds: s.keyIds, unknownDs: s.unknownDs, ttl: s.ttl,
        })),
        // Servers that keep the gate closed, by name and address.
        waitingFor: (check?.servers ?? []).filter((s) => !agreeing.includes(s)).map((s) => (s.server === s.address ? s.address : `${s.server} ${s.address}`)),
        then: gate.then.map((t) => ({ interval: t.interval, seconds: t.seconds, formula: t.formula })),
      };
      const confirm = `signet rollover confirm ${zoneArg(zone.name)} ${gate.expect === 'present' ? 'ds-published' : 'ds-withdrawn'}`;
      const action = operatorAction(state, policy, gate);
      rollover.operator = action === null ? null : { action, command: confirm };
      rollover.override = confirm;
      if (action === null) lines.push(`  override: once the parent is known to ${gate.expect === 'present' ? 'serve the new DS' : 'no longer serve the old DS'} everywhere, \`${confirm}\` records it`);
    }
    json.rollover = rollover;
  } else {
    json.rollover = null;
    json.nextRollover = status.nextRollover === null ? null : { ...status.nextRollover, at: iso(status.nextRollover.at) };
  }

  const expiry = zone.earliestExpiration;
  const withinRefresh = expiry !== null && expiry - now < policy.signatureRefresh;
  json.earliestSignatureExpiration = iso(expiry);
  json.signatureHorizonWarning = withinRefresh;
  if (expiry === null) lines.push('  signatures: the zone has not been signed yet');
  else if (withinRefresh) {
    lines.push(`  WARNING: the earliest signature expires at ${formatIso(expiry)}${expiry > now ? `, in ${formatDuration(expiry - now)}` : ' (expired)'}, within signature-refresh ${formatDuration(policy.signatureRefresh)}: run \`signet tick\``);
  } else lines.push(`  earliest signature expiration: ${formatIso(expiry)}`);
  json.lastError = loaded.lastError === null ? null : { ...loaded.lastError, at: iso(loaded.lastError.at as number) };
  if (loaded.lastError !== null) {
    lines.push(`  last error (${String(loaded.lastError.action)}, ${iso(loaded.lastError.at as number)}): ${String(loaded.lastError.message)}; signet tries again on the next tick`);
  }
  json.postSignPending = loaded.postSignPending;
  if (loaded.postSignPending) lines.push('  the post-sign command has not succeeded for the zone in place; the next tick runs it again');
  json.text = lines.join('\n');
  return { zone, policy, state, status, text: lines.join('\n'), json };
}
