/**
 * What the pure engine asks the shell to do (actions) and what the shell
 * tells the engine it saw (observations). Both are plain data.
 *
 * Contract with the shell: `step()` records facts at `now` for the zone-side
 * actions it returns (publish, activate, retire, remove, submit-ds,
 * withdraw-ds). The shell performs the actions and persists the new state in
 * the same transaction; when an action fails (the zone does not verify, the
 * registrar command exits non-zero) it keeps the previous state, so the step
 * is retried on the next tick.
 */
import type { UnixSeconds } from '../core/time.ts';
import type { KeyRole, ParentServerAnswer, RolloverKind } from './state.ts';

export type StepName =
  | 'sign' | 'publish' | 'submit-ds' | 'activate' | 'withdraw-ds' | 'remove' | 'retire';

export type NotifyEvent =
  | 'rollover-started' | 'step-advanced' | 'operator-action-needed' | 'ds-seen' | 'ds-gone' | 'rollover-finished';

export type Action =
  /** Create key material for a key the state already lists with keyTag null; answer with 'key-generated'. */
  | { type: 'generate-key'; keyId: string; role: KeyRole; algorithm: number }
  /** Put these DNSKEYs into the apex DNSKEY RRset. */
  | { type: 'publish'; keyIds: string[] }
  /** These keys start signing (see zoneKeySet for what each one signs). */
  | { type: 'activate'; keyIds: string[] }
  /** These keys stop signing. */
  | { type: 'retire'; keyIds: string[] }
  /** Take these DNSKEYs out of the zone. */
  | { type: 'remove'; keyIds: string[] }
  /** Ask the registrar to add the DS of these keys beside the current ones. */
  | { type: 'submit-ds'; keyIds: string[]; digest: number }
  /** Ask the registrar to remove the DS of these keys. */
  | { type: 'withdraw-ds'; keyIds: string[] }
  /** Sign the zone again with zoneKeySet(state, now), and publish it. */
  | { type: 'resign'; reason: string }
  /** Ask every parent server for our DS; answer with a 'parent-ds' observation. */
  | { type: 'query-parent-ds'; keyIds: string[]; expect: 'present' | 'absent' }
  /** Record an event and send it to the zone's `notify` target. */
  | { type: 'notify'; event: NotifyEvent; message: string; rollover: RolloverKind | null; step: StepName | null };

export type ActionType = Action['type'];

export type Observation =
  /** The shell created the material of a key the engine asked for. */
  | { kind: 'key-generated'; keyId: string; keyTag: number }
  /**
   * The largest TTL of any RRset the zone signs (including NSEC/NSEC3 at the
   * SOA minimum), from the current input. Report it with every step.
   */
  | { kind: 'zone-ttls'; maxZoneTtl: number }
  /** The answers of every parent server to a DS query, made at `at`. */
  | { kind: 'parent-ds'; at: UnixSeconds; servers: ParentServerAnswer[] }
  /** `rollover confirm NAME ds-published|ds-withdrawn`: the operator's word. */
  | { kind: 'confirm'; what: 'ds-published' | 'ds-withdrawn' }
  /** `rollover start NAME zsk|ksk|csk`. */
  | { kind: 'start-rollover'; role: KeyRole };
