/**
 * The rollover state of one zone: a plain, JSON-serializable object. Keys
 * carry timestamped facts (what happened to them, and when, with the TTLs in
 * force at that moment); key states are derived from the facts
 * (key-state.ts), never stored beside them.
 *
 * The shell persists this object (for example one row per key plus one row
 * per fact in `key_facts`; see factRows/withFactRows) and hands it back to
 * `step()` on the next tick.
 */
import { SignetError } from '../core/errors.ts';
import type { UnixSeconds } from '../core/time.ts';
import type { TtlsInForce } from './timing.ts';

export const ZONE_STATE_VERSION = 1;

export type KeyRole = 'ksk' | 'zsk' | 'csk';

/** The facts of a key's life, in the order they normally happen. */
export const FACT_NAMES = [
  'published', 'active', 'retired', 'removed', 'ds-submitted', 'ds-seen', 'ds-withdrawn', 'ds-gone',
] as const;
export type FactName = typeof FACT_NAMES[number];

/** Who established a fact. */
export type FactSource = 'engine' | 'parent-check' | 'operator';

export interface Fact {
  at: UnixSeconds;
  /** The TTLs in force when the fact was recorded; every wait that starts here uses them (SPEC safety rule 2). */
  ttls: TtlsInForce;
  source: FactSource;
}

export type KeyFacts = { [F in FactName]?: Fact };

export interface KeyRecord {
  /** Stable id within the zone, chosen by the engine (`k1`, `k2`, ...) or by whoever added the key. */
  id: string;
  role: KeyRole;
  algorithm: number;
  /** RFC 4034 Appendix B key tag; null until the key material exists. */
  keyTag: number | null;
  createdAt: UnixSeconds;
  facts: KeyFacts;
}

export type RolloverKind = 'first-signing' | 'zsk' | 'ksk' | 'csk' | 'keys' | 'algorithm';
export type RolloverReason = 'first-signing' | 'lifetime' | 'operator' | 'policy';

/** One parent server's answer to our DS query, as the shell's parent check reports it. */
export interface ParentServerAnswer {
  /** The server's name when known (`ns1.example.net.`), else its address. */
  server: string;
  /** `ADDR[:PORT]` that was asked. */
  address: string;
  /** 'answer': a clean DS answer (possibly empty). Anything else keeps the gate closed. */
  outcome: 'answer' | 'timeout' | 'error';
  /** Why it failed ('SERVFAIL', 'ID mismatch', ...); null for an answer. */
  detail: string | null;
  /** Ids of our keys whose DS, recomputed from the DNSKEY, the answer holds. */
  keyIds: string[];
  /** DS records in the answer that match none of our keys (a warning, not a stall). */
  unknownDs: number;
  /** TTL of the DS RRset (the RRSIG's original TTL when there is one), or null. */
  ttl: number | null;
}

/** The latest parent check made for the DS gate in progress (for status and events). */
export interface ParentCheck {
  at: UnixSeconds;
  expect: 'present' | 'absent';
  keyIds: string[];
  servers: ParentServerAnswer[];
}

export interface RolloverRecord {
  kind: RolloverKind;
  reason: RolloverReason;
  startedAt: UnixSeconds;
  /** Keys being replaced (empty for a first signing). */
  oldKeyIds: string[];
  /** Keys replacing them. */
  newKeyIds: string[];
  /** The latest parent DS check that concerned this rollover's DS gate, or null. */
  parentCheck: ParentCheck | null;
}

/** The TTLs the zone served from `at` on (until the next entry). */
export interface TtlRecord {
  at: UnixSeconds;
  dnskeyTtl: number;
  /** Largest TTL of any signed RRset in the zone, including NSEC/NSEC3 and DNSKEY. */
  maxZoneTtl: number;
}

export interface ZoneState {
  version: typeof ZONE_STATE_VERSION;
  /** Zone origin, absolute (`example.com.`). */
  zone: string;
  keys: KeyRecord[];
  rollover: RolloverRecord | null;
  ttlHistory: TtlRecord[];
  /** Counter for engine-chosen key ids. */
  nextKeyNumber: number;
}

/** A zone that has no keys yet; the first `step()` starts its first signing. */
export function createZoneState(zone: string): ZoneState {
  return { version: ZONE_STATE_VERSION, zone, keys: [], rollover: null, ttlHistory: [], nextKeyNumber: 1 };
}

/**
 * Adds a key that exists but has never been used (`key generate`, `key
 * import`). The next rollover that needs a key of its role and algorithm
 * takes it instead of generating one.
 */
export function addKey(
  state: ZoneState,
  key: { id?: string; role: KeyRole; algorithm: number; keyTag: number; createdAt: UnixSeconds },
): { state: ZoneState; keyId: string } {
  const id = key.id ?? `k${state.nextKeyNumber}`;
  if (state.keys.some((k) => k.id === id)) {
    throw new SignetError('ERR_KEY_EXISTS', `zone ${state.zone} already has a key with id ${id}`);
  }
  const record: KeyRecord = { id, role: key.role, algorithm: key.algorithm, keyTag: key.keyTag, createdAt: key.createdAt, facts: {} };
  const nextKeyNumber = key.id === undefined ? state.nextKeyNumber + 1 : state.nextKeyNumber;
  return { state: { ...state, keys: [...state.keys, record], nextKeyNumber }, keyId: id };
}

export function findKey(state: ZoneState, id: string): KeyRecord {
  const key = state.keys.find((k) => k.id === id);
  if (!key) throw new SignetError('ERR_ROLLOVER_UNKNOWN_KEY', `zone ${state.zone} has no key with id ${id}`);
  return key;
}

/** One fact as a flat row, as a `key_facts` table holds it. */
export interface FactRow {
  keyId: string;
  fact: FactName;
  at: UnixSeconds;
  dnskeyTtl: number;
  maxZoneTtl: number;
  dsTtl: number;
  source: FactSource;
}

/** Every fact of every key, as rows in time order. */
export function factRows(state: ZoneState): FactRow[] {
  const rows: FactRow[] = [];
  for (const key of state.keys) {
    for (const name of FACT_NAMES) {
      const f = key.facts[name];
      if (f) rows.push({ keyId: key.id, fact: name, at: f.at, ...f.ttls, source: f.source });
    }
  }
  return rows.sort((a, b) => a.at - b.at || FACT_NAMES.indexOf(a.fact) - FACT_NAMES.indexOf(b.fact));
}

/** Rebuilds the facts of `state`'s keys from rows (the inverse of factRows). */
export function withFactRows(state: ZoneState, rows: readonly FactRow[]): ZoneState {
  const byKey = new Map<string, KeyFacts>(state.keys.map((k) => [k.id, {}]));
  for (const r of rows) {
    const facts = byKey.get(r.keyId);
    if (!facts) throw new SignetError('ERR_ROLLOVER_UNKNOWN_KEY', `fact ${r.fact} for unknown key ${r.keyId}`);
    if (!(FACT_NAMES as readonly string[]).includes(r.fact)) throw new SignetError('ERR_STATE_CORRUPT', `unknown fact "${r.fact}"`);
    facts[r.fact] = { at: r.at, ttls: { dnskeyTtl: r.dnskeyTtl, maxZoneTtl: r.maxZoneTtl, dsTtl: r.dsTtl }, source: r.source };
  }
  return { ...state, keys: state.keys.map((k) => ({ ...k, facts: byKey.get(k.id) ?? {} })) };
}

/**
 * Reads a state back from JSON (the database). Checks the version and the
 * shape enough that a damaged row stops the zone (ERR_STATE_CORRUPT) instead
 * of driving a rollover from garbage (SPEC safety rule 3).
 */
export function zoneStateFromJson(json: unknown): ZoneState {
  const fail = (what: string): never => {
    throw new SignetError('ERR_STATE_CORRUPT', `rollover state is damaged: ${what}`);
  };
  if (json === null || typeof json !== 'object') return fail('not an object');
  const s = json as Partial<ZoneState>;
  if (s.version !== ZONE_STATE_VERSION) return fail(`unknown version ${String(s.version)}`);
  if (typeof s.zone !== 'string' || !Array.isArray(s.keys) || !Array.isArray(s.ttlHistory) || typeof s.nextKeyNumber !== 'number') {
    return fail('missing fields');
  }
  const ids = new Set<string>();
  for (const k of s.keys) {
    if (typeof k?.id !== 'string' || !['ksk', 'zsk', 'csk'].includes(k.role) || typeof k.algorithm !== 'number' || typeof k.facts !== 'object') {
      return fail(`bad key ${JSON.stringify(k?.id)}`);
    }
    if (ids.has(k.id)) return fail(`duplicate key id ${k.id}`);
    ids.add(k.id);
    for (const [name, f] of Object.entries(k.facts as Record<string, Fact | undefined>)) {
      if (!(FACT_NAMES as readonly string[]).includes(name) || typeof f?.at !== 'number' || typeof f.ttls?.dnskeyTtl !== 'number') {
        return fail(`bad fact ${name} of key ${k.id}`);
      }
    }
  }
  const r = s.rollover;
  if (r !== null && r !== undefined) {
    for (const id of [...r.oldKeyIds, ...r.newKeyIds]) if (!ids.has(id)) return fail(`rollover names unknown key ${id}`);
  }
  return { ...(s as ZoneState), rollover: r ?? null };
}
