/**
 * `rollover status` in words: the rollover in progress as "KSK double-DS,
 * step 2 of 5: submit-ds", what it waits for and the evidence, the earliest
 * time it can go on, what happens next, and the exact command when the
 * operator must act.
 */
import { formatDuration, formatIso } from '../core/time.ts';
import type { UnixSeconds } from '../core/time.ts';
import type { StepName } from './actions.ts';
import type { Policy } from './policy.ts';
import type { KeyRecord, ParentCheck, ZoneState } from './state.ts';
import { PARENT_CHECK_INTERVAL, keyLabel, rolloverKeys, zoneStatus } from './status.ts';
import type { RolloverStatus, ZoneStatus } from './status.ts';
import type { Gate } from './steps.ts';

const labels = (keys: readonly KeyRecord[]): string => keys.map(keyLabel).join(' and ') || 'no key';

/** What the step does, in a sentence. */
export function describeStep(state: ZoneState, policy: Policy, now: UnixSeconds, name: StepName | 'finish'): string {
  const keys = (g: 'new' | 'old' | 'new-ds' | 'old-ds') => labels(rolloverKeys(state, policy, now, g));
  const kind = state.rollover?.kind;
  switch (name) {
    case 'publish':
      return kind === 'first-signing'
        ? `sign the zone for the first time with ${keys('new')}`
        : `publish ${keys('new')} in the DNSKEY RRset`;
    case 'sign': return `${keys('new')} start signing beside ${keys('old')}, before their DNSKEYs are published`;
    case 'submit-ds': return `submit the DS of ${keys('new-ds')} to the parent (registrar: ${policy.registrar})`;
    case 'activate': return `${keys('new')} take over signing from ${keys('old')}`;
    case 'withdraw-ds': return `withdraw the DS of ${keys('old-ds')} from the parent (registrar: ${policy.registrar})`;
    case 'remove': return `remove ${keys('old')} from the DNSKEY RRset`;
    case 'retire': return `${keys('old')} stop signing`;
    case 'finish':
      return kind === 'first-signing'
        ? 'the zone is secure once every parent server answers its DS'
        : 'the rollover is finished';
  }
}

/** "new DS 12345 answered by 2 of 3 parent servers; ns3.example. 192.0.2.3 timed out at 14:02Z". */
export function describeParentCheck(state: ZoneState, check: ParentCheck | null, expect: 'present' | 'absent', keyIds: readonly string[]): string {
  const tags = state.keys.filter((k) => keyIds.includes(k.id)).map((k) => k.keyTag ?? k.id).join(', ');
  const what = expect === 'present' ? `new DS ${tags}` : `old DS ${tags}`;
  if (check === null) return `${what}: no parent check yet`;
  if (check.servers.length === 0) return `${what}: no parent servers known (set parent-servers, or confirm by hand)`;
  const agreeing = check.servers.filter((s) => s.outcome === 'answer' && (expect === 'present'
    ? keyIds.every((id) => s.keyIds.includes(id))
    : keyIds.every((id) => !s.keyIds.includes(id))));
  const verb = expect === 'present' ? 'answered by' : 'gone from';
  const parts = [`${what} ${verb} ${agreeing.length} of ${check.servers.length} parent servers (checked ${formatIso(check.at)})`];
  for (const s of check.servers) {
    const where = s.server === s.address ? s.address : `${s.server} ${s.address}`;
    if (s.outcome === 'timeout') parts.push(`${where} timed out`);
    else if (s.outcome === 'error') parts.push(`${where} failed: ${s.detail ?? 'error'}`);
    else if (!agreeing.includes(s)) parts.push(`${where} ${expect === 'present' ? 'lacks it' : 'still answers it'}`);
    if (s.outcome === 'answer' && s.unknownDs > 0) parts.push(`${where} also answers ${s.unknownDs} DS we do not know (warning)`);
  }
  return parts.join('; ');
}

/** The exact commands the operator must run at this gate, or null when signet acts alone. */
export function operatorAction(state: ZoneState, policy: Policy, gate: Gate): string | null {
  if (gate.kind !== 'parent-ds' || policy.registrar !== 'manual') return null;
  const keys = labels(state.keys.filter((k) => gate.keyIds.includes(k.id)));
  const zone = state.zone;
  return gate.expect === 'present'
    ? `add the DS of ${keys} at the parent (\`signet ds ${zone}\` prints it), then run \`signet rollover confirm ${zone} ds-published\` unless the parent's servers can be checked`
    : `remove the DS of ${keys} at the parent, then run \`signet rollover confirm ${zone} ds-withdrawn\` unless the parent's servers can be checked`;
}

function describeGate(state: ZoneState, gate: Gate, parentCheck: ParentCheck | null): string {
  switch (gate.kind) {
    case 'open': return 'nothing (the next tick takes the step)';
    case 'key-material': return `key material for ${labels(state.keys.filter((k) => gate.keyIds.includes(k.id)))}`;
    case 'parent-ds': {
      const then = gate.then.map((t) => `${t.formula} = ${formatDuration(t.seconds)}`).join(' and ');
      return describeParentCheck(state, parentCheck, gate.expect, gate.keyIds) + (then ? `; then ${then}` : '');
    }
    case 'time':
      return gate.waits.map((w) => `${w.formula} = ${formatDuration(w.seconds)} after ${w.fromFact} at ${formatIso(w.from)}`).join('; and ');
  }
}

function explainRollover(state: ZoneState, policy: Policy, now: UnixSeconds, s: RolloverStatus): string[] {
  const lines = [
    `${s.zone}: ${s.title}, step ${s.step} of ${s.steps}: ${s.stepName} (started ${formatIso(s.startedAt)}, ${s.reason})`,
    `  waiting for: ${describeGate(state, s.gate, s.parentCheck)}`,
  ];
  if (s.gate.kind === 'time') lines.push(`  earliest: ${formatIso(s.gate.until)}`);
  else if (s.gate.kind === 'parent-ds') lines.push(`  earliest: once every parent server agrees (checked every ${formatDuration(PARENT_CHECK_INTERVAL)} while signet runs)`);
  lines.push(`  next: ${s.next}: ${describeStep(state, policy, now, s.next)}`);
  const action = operatorAction(state, policy, s.gate);
  if (action) lines.push(`  operator: ${action}`);
  return lines;
}

/** The status of one zone as text, as `rollover status NAME` prints it. */
export function explainStatus(state: ZoneState, policy: Policy, now: UnixSeconds, status: ZoneStatus = zoneStatus(state, policy, now)): string {
  if (status.state === 'rollover') return explainRollover(state, policy, now, status).join('\n');
  const lines = [`${status.zone}: no rollover in progress`];
  for (const k of status.keys) {
    const tag = k.keyTag ?? k.id;
    const since = k.activeSince === null ? '' : ` since ${formatIso(k.activeSince)}`;
    const ds = k.role === 'zsk' ? '' : `, DS ${k.ds}`;
    lines.push(`  ${k.role.toUpperCase()} ${tag} algorithm ${k.algorithm}: ${k.state}${since}${ds}`);
  }
  const next = status.nextRollover;
  lines.push(next === null
    ? '  next rollover: none scheduled (lifetimes are 0)'
    : `  next rollover: ${next.kind} at ${formatIso(next.at)} (${next.why})`);
  return lines.join('\n');
}
