/**
 * Making keys for a zone: generation through node:crypto, stored through
 * the state database with the private key as (optionally encrypted) PKCS#8.
 */
import type { UnixSeconds } from '../core/time.ts';
import { generateNewKey } from '../keystore/private-key.ts';
import type { StateDb } from '../keystore/state-db.ts';
import type { KeyRole, KeyRow, KeyTiming } from '../keystore/types.ts';
import type { Policy } from '../rollover/policy.ts';

/** Generates one key with a tag unused in the zone (operators and registrars name keys by tag) and stores it. */
export function generateZoneKey(
  db: StateDb, zone: string, role: KeyRole, algorithm: number, now: UnixSeconds,
  passphrase: string | null, timing: Partial<KeyTiming> = {},
): KeyRow {
  const usedTags = new Set(db.listKeys(zone).map((k) => k.keyTag));
  return db.addKey(generateNewKey({ zone, role, algorithm, createdAt: now, passphrase, usedTags, ...timing }));
}

/**
 * The first keys of a new zone, per the policy's `keys` (KSK + ZSK, or one
 * CSK), published and active from `now`. The DS is offered to the parent
 * only once the signed zone has propagated (rollover rules, SPEC).
 */
export function generateInitialKeys(db: StateDb, zone: string, policy: Policy, now: UnixSeconds, passphrase: string | null): KeyRow[] {
  const roles: KeyRole[] = policy.keys === 'csk' ? ['csk'] : ['ksk', 'zsk'];
  return roles.map((role) => generateZoneKey(db, zone, role, policy.algorithm, now, passphrase, { publishedAt: now, activeAt: now }));
}
