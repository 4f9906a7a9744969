/**
 * Which of a zone's stored keys are published and which sign at a moment.
 *
 * The rollover state's facts decide (selectSigningKeys, over the engine's
 * zoneKeySet). The row functions below read the keys table's timing
 * columns, a cache of those facts that rollover-store.ts rewrites on every
 * save, for commands that only look at rows (`key list`, `ds`, `key import`).
 */
import type { UnixSeconds } from '../core/time.ts';
import type { KeyRow } from '../keystore/types.ts';
import type { ZoneKeySet } from '../rollover/key-state.ts';

function reached(t: UnixSeconds | null, now: UnixSeconds): boolean {
  return t !== null && t <= now;
}

/** In the DNSKEY set: published and not yet removed. */
export function isPublished(key: KeyRow, now: UnixSeconds): boolean {
  return reached(key.publishedAt, now) && !reached(key.removedAt, now);
}

/** Makes signatures: active and not yet retired (and still published). */
export function isSigning(key: KeyRow, now: UnixSeconds): boolean {
  return isPublished(key, now) && reached(key.activeAt, now) && !reached(key.retiredAt, now);
}

/** A word for `key list`: the key's state at `now`. */
export function keyStateWord(key: KeyRow, now: UnixSeconds): string {
  if (reached(key.removedAt, now)) return 'removed';
  if (reached(key.retiredAt, now)) return reached(key.publishedAt, now) ? 'retired' : 'removed';
  if (isSigning(key, now)) return 'active';
  if (isPublished(key, now)) return 'published';
  return 'created';
}

/**
 * What the signer uses at a moment, from the rollover state's facts
 * (zoneKeySet) and the stored key rows: which keys sign what, which DNSKEYs
 * are only published, and whose DS the parent should hold (CDS/CDNSKEY).
 */
export interface SigningSelection<R> {
  signers: Array<{ row: R; signs: 'ksk' | 'zsk' | 'csk' }>;
  publishedOnly: R[];
  dsKeys: R[];
  /** Engine ids, for fingerprints and messages. */
  ids: { dnskeys: string[]; dnskeySigners: string[]; zoneSigners: string[]; dsKeys: string[] };
}

export function selectSigningKeys<R>(set: ZoneKeySet, rowOf: (engineId: string) => R): SigningSelection<R> {
  const zoneSigning = new Set(set.zoneSigners.map((k) => k.id));
  const keySigning = new Set(set.dnskeySigners.map((k) => k.id));
  const signerIds = [...new Set([...set.dnskeySigners, ...set.zoneSigners].map((k) => k.id))];
  const signers = signerIds.map((id) => ({
    row: rowOf(id),
    // RFC 4035 §2.2 and RFC 6781 §3.1: KSKs sign the apex key sets, ZSKs the rest, a CSK both.
    signs: (keySigning.has(id) && zoneSigning.has(id) ? 'csk' : keySigning.has(id) ? 'ksk' : 'zsk') as 'ksk' | 'zsk' | 'csk',
  }));
  const signing = new Set(signerIds);
  return {
    signers,
    publishedOnly: set.dnskeys.filter((k) => !signing.has(k.id)).map((k) => rowOf(k.id)),
    dsKeys: set.dsKeys.map((k) => rowOf(k.id)),
    ids: {
      dnskeys: set.dnskeys.map((k) => k.id), dnskeySigners: [...keySigning], zoneSigners: [...zoneSigning], dsKeys: set.dsKeys.map((k) => k.id),
    },
  };
}
