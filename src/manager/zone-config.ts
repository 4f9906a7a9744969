/**
 * A zone's configuration as the commands see it: its name in canonical text
 * form, its settings (SPEC "Zone settings") and its effective policy (the
 * named policy with the zone's per-zone overrides applied).
 */
import { SignetError } from '../core/errors.ts';
import {
  DEFAULT_POLICY, findPolicyParameter, policyFromJson, type Policy,
} from '../rollover/policy.ts';
import { normalizeZoneName, type StateDb } from '../keystore/state-db.ts';
import type { JsonObject, ZoneRow } from '../keystore/types.ts';

/** Zone settings that are not policy parameters (SPEC "Zone settings"). */
export const ZONE_SETTING_KEYS = [
  'policy', 'input', 'output', 'registrar-command', 'parent-servers', 'resolver',
  'update-server', 'tsig', 'post-sign-command', 'notify',
] as const;

export { normalizeZoneName };

/** The zone row, or a clear error naming the zone. */
export function requireZone(db: StateDb, name: string): ZoneRow {
  const zone = db.getZone(normalizeZoneName(name));
  if (!zone) throw new SignetError('ERR_ZONE_UNKNOWN', `no zone ${normalizeZoneName(name)} (see: signet zone list)`);
  return zone;
}

/** The named policy as stored, or DEFAULT_POLICY for `default` when unset. */
export function loadPolicy(db: StateDb, name: string): Policy {
  const row = db.getPolicy(name);
  if (!row) {
    if (name === 'default') return { ...DEFAULT_POLICY };
    throw new SignetError('ERR_POLICY_UNKNOWN', `no policy "${name}" (see: signet policy list)`);
  }
  return policyFromJson(row.params);
}

/** The per-zone policy overrides held in the zone's settings. */
export function policyOverrides(settings: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(settings)) if (findPolicyParameter(k)) out[k] = v;
  return out;
}

/** The policy in force for a zone: its named policy, then its own overrides. */
export function effectivePolicy(db: StateDb, zone: ZoneRow): Policy {
  return policyFromJson(policyOverrides(zone.settings), loadPolicy(db, zone.policy));
}

/** A string setting of the zone, or null. */
export function zoneSetting(zone: ZoneRow, key: (typeof ZONE_SETTING_KEYS)[number]): string | null {
  const v = zone.settings[key];
  return typeof v === 'string' && v !== '' ? v : null;
}
