/**
 * Making keys for a zone: generation through node:crypto, stored through
 * the state database with the private key as (optionally encrypted) PKCS#8.
 * Keys are only ever made here, on an explicit request (`zone add`, `key
 * generate`, or the rollover engine's `generate-key` action): material is
 * never regenerated silently (SPEC safety rule 3).
 */
import type { UnixSeconds } from '../core/time.ts';
import { generateNewKey } from '../keystore/private-key.ts';
import type { StateDb } from '../keystore/state-db.ts';
import type { KeyRole, KeyRow, KeyTiming, ZoneRow } from '../keystore/types.ts';
import type { Policy } from '../rollover/policy.ts';
import { loadZoneState, saveZoneState } from './rollover-store.ts';

/** Generates one key with a tag unused in the zone (operators and registrars name keys by tag) and stores it. */
export function generateZoneKey(
  db: StateDb, zone: string, role: KeyRole, algorithm: number, now: UnixSeconds,
  passphrase: string | null, timing: Partial<KeyTiming> = {},
): KeyRow {
  const usedTags = new Set(db.listKeys(zone).map((k) => k.keyTag));
  return db.addKey(generateNewKey({ zone, role, algorithm, createdAt: now, passphrase, usedTags, ...timing }));
}

/**
 * The material for a key the rollover engine asked for (`generate-key`),
 * stored at once under the engine's id in its own transaction, so that a key
 * that may soon be published survives a crash of the rest of the pass (the
 * next pass finds it and uses it instead of making another).
 */
export function generateEngineKey(
  db: StateDb, zone: string, engineId: string, role: KeyRole, algorithm: number, now: UnixSeconds, passphrase: string | null,
): KeyRow {
  return db.transaction(() => {
    const row = generateZoneKey(db, zone, role, algorithm, now, passphrase);
    db.setKeyEngineId(row.id, engineId);
    db.addEvent({
      zone, time: now, kind: 'key-generated',
      message: `${role.toUpperCase()} ${row.keyTag} (algorithm ${algorithm}) generated for a rollover`,
      details: { tag: row.keyTag, role, algorithm, keyId: engineId },
    });
    return row;
  });
}

/**
 * The first keys of a new zone, per the policy's `keys` (KSK + ZSK, or one
 * CSK). They enter the rollover state as keys not used yet: the engine's
 * first-signing procedure publishes them with the first signed zone (`sign`
 * or `tick`), and offers the DS only once that zone has propagated (RFC 7583,
 * SPEC "Rollovers"). Call inside the transaction that adds the zone.
 */
export function generateInitialKeys(db: StateDb, zone: string, policy: Policy, now: UnixSeconds, passphrase: string | null): KeyRow[] {
  const roles: KeyRole[] = policy.keys === 'csk' ? ['csk'] : ['ksk', 'zsk'];
  const made = roles.map((role) => generateZoneKey(db, zone, role, policy.algorithm, now, passphrase));
  const zoneRow: ZoneRow = db.requireZone(zone);
  // loadZoneState adopts the new rows as unused keys; saving gives them their engine ids.
  const loaded = loadZoneState(db, zoneRow, policy);
  saveZoneState(db, loaded.state, loaded.rows, { signedFingerprint: null, postSignPending: false, lastError: null }, now);
  return made;
}
