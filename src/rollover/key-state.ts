/**
 * Key states derived from facts at a moment (the facts are the truth; a key
 * state is never stored), the key set the signer must use, and the TTLs in
 * force at a moment.
 */
import type { UnixSeconds } from '../core/time.ts';
import type { Policy } from './policy.ts';
import type { Fact, FactName, KeyRecord, TtlRecord, ZoneState } from './state.ts';
import type { TtlsInForce } from './timing.ts';

export type KeyStateName =
  | 'pending'      // no key material yet (generation requested)
  | 'created'      // material exists, never used
  | 'pre-active'   // signs, but its DNSKEY is not published yet (algorithm rollover)
  | 'published'    // DNSKEY published, not signing yet
  | 'active'       // published and signing
  | 'retired'      // published, no longer signing
  | 'post-active'  // DNSKEY removed, its signatures still published (algorithm rollover)
  | 'removed';     // gone from the zone

export type DsStateName = 'none' | 'submitted' | 'seen' | 'withdrawn' | 'gone';

/** A fact counts at `at` only when it happened at or before `at`. */
export function factAt(key: KeyRecord, name: FactName, at: UnixSeconds): Fact | null {
  const f = key.facts[name];
  return f !== undefined && f.at <= at ? f : null;
}

export function isPublished(key: KeyRecord, at: UnixSeconds): boolean {
  return factAt(key, 'published', at) !== null && factAt(key, 'removed', at) === null;
}

export function isSigning(key: KeyRecord, at: UnixSeconds): boolean {
  return factAt(key, 'active', at) !== null && factAt(key, 'retired', at) === null;
}

/** Derives a key's state at `at` from its facts (like Knot's get_key_state). */
export function keyState(key: KeyRecord, at: UnixSeconds): KeyStateName {
  if (key.keyTag === null) return 'pending';
  const published = isPublished(key, at);
  const signing = isSigning(key, at);
  const everPublished = factAt(key, 'published', at) !== null;
  if (published && signing) return 'active';
  if (published) return factAt(key, 'active', at) !== null ? 'retired' : 'published';
  if (signing) return everPublished ? 'post-active' : 'pre-active';
  if (everPublished || factAt(key, 'active', at) !== null) return 'removed';
  return 'created';
}

/** Where the key's DS stands at the parent, as far as we know at `at`. */
export function dsState(key: KeyRecord, at: UnixSeconds): DsStateName {
  if (factAt(key, 'ds-gone', at)) return 'gone';
  if (factAt(key, 'ds-withdrawn', at)) return 'withdrawn';
  if (factAt(key, 'ds-seen', at)) return 'seen';
  if (factAt(key, 'ds-submitted', at)) return 'submitted';
  return 'none';
}

/** True for the roles that sign the DNSKEY RRset and have a DS at the parent. */
export function isKeySigningRole(key: KeyRecord): boolean {
  return key.role === 'ksk' || key.role === 'csk';
}

/** True for the roles that sign the zone's other RRsets. */
export function isZoneSigningRole(key: KeyRecord): boolean {
  return key.role === 'zsk' || key.role === 'csk';
}

/** What the signer must do at `at`: which DNSKEYs to publish and which keys sign what. */
export interface ZoneKeySet {
  /** Keys whose DNSKEY is in the apex DNSKEY RRset. */
  dnskeys: KeyRecord[];
  /** Keys that sign the DNSKEY RRset (and CDS/CDNSKEY). */
  dnskeySigners: KeyRecord[];
  /** Keys that sign every other RRset. */
  zoneSigners: KeyRecord[];
  /** Keys whose DS the parent should hold (submitted and not withdrawn): CDS/CDNSKEY content, `signet ds`. */
  dsKeys: KeyRecord[];
}

export function zoneKeySet(state: ZoneState, at: UnixSeconds): ZoneKeySet {
  const dnskeys: KeyRecord[] = [];
  const dnskeySigners: KeyRecord[] = [];
  const zoneSigners: KeyRecord[] = [];
  const dsKeys: KeyRecord[] = [];
  for (const key of state.keys) {
    if (isPublished(key, at)) dnskeys.push(key);
    if (isSigning(key, at)) {
      if (isKeySigningRole(key)) dnskeySigners.push(key);
      if (isZoneSigningRole(key)) zoneSigners.push(key);
    }
    if (isKeySigningRole(key) && factAt(key, 'ds-submitted', at) && !factAt(key, 'ds-withdrawn', at)) dsKeys.push(key);
  }
  return { dnskeys, dnskeySigners, zoneSigners, dsKeys };
}

/**
 * The largest zone TTL assumed before the shell has ever reported one: one
 * day, the usual ceiling for zone data. Only a zone that was never signed can
 * be in that situation; the shell reports the real value with every step.
 */
export const ASSUMED_MAX_ZONE_TTL = 86400;

/**
 * The TTLs in force at `at`: for each, the largest TTL of any zone version
 * that a resolver may still hold in its cache at `at`. A version served from
 * e.at until the next entry (or now) can be cached until its end + its TTL.
 * Lowering a TTL therefore takes effect only once the old TTL has run out.
 */
export function ttlsInForce(state: ZoneState, policy: Policy, at: UnixSeconds): TtlsInForce {
  let dnskeyTtl = policy.dnskeyTtl;
  let maxZoneTtl: number | null = null;
  const history: readonly TtlRecord[] = state.ttlHistory;
  for (let i = 0; i < history.length; i++) {
    const e = history[i]!;
    if (e.at > at) break;
    const next = history[i + 1];
    const end = next !== undefined && next.at <= at ? next.at : at;
    if (end + e.dnskeyTtl > at || next === undefined || next.at > at) dnskeyTtl = Math.max(dnskeyTtl, e.dnskeyTtl);
    if (end + e.maxZoneTtl > at || next === undefined || next.at > at) maxZoneTtl = Math.max(maxZoneTtl ?? 0, e.maxZoneTtl);
  }
  return {
    dnskeyTtl,
    // The DNSKEY RRset is signed too, so the largest signed TTL is at least its TTL.
    maxZoneTtl: Math.max(maxZoneTtl ?? ASSUMED_MAX_ZONE_TTL, dnskeyTtl),
    dsTtl: policy.parentDsTtl,
  };
}
