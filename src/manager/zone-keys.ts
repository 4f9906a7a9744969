/**
 * Making keys for a zone: generation through node:crypto, stored through
 * the state database with the private key as (optionally encrypted) PKCS#8.
 */
import { SignetError } from '../core/errors.ts';
import type { UnixSeconds } from '../core/time.ts';
import { generateKeyPair } from '../signer/algorithms.ts';
import { newKeyFromPrivateKey } from '../keystore/private-key.ts';
import type { StateDb } from '../keystore/state-db.ts';
import type { KeyRole, KeyRow, KeyTiming } from '../keystore/types.ts';
import type { Policy } from '../rollover/policy.ts';

/**
 * Generates one key and stores it. A key whose tag collides with another key
 * of the zone is discarded and generated again: validators try every key with
 * a matching tag, but operators and registrars identify keys by tag.
 */
export function generateZoneKey(
  db: StateDb, zone: string, role: KeyRole, algorithm: number, now: UnixSeconds,
  passphrase: string | null, timing: Partial<KeyTiming> = {},
): KeyRow {
  const taken = new Set(db.listKeys(zone).map((k) => k.keyTag));
  for (let attempt = 0; attempt < 16; attempt++) {
    const key = newKeyFromPrivateKey(generateKeyPair(algorithm), {
      zone, role, algorithm, createdAt: now, source: 'generated', passphrase, ...timing,
    });
    if (!taken.has(key.keyTag)) return db.addKey(key);
  }
  throw new SignetError('ERR_KEY_TAG_COLLISION', `could not generate a ${role.toUpperCase()} with a key tag unused in ${zone}`);
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
