/**
 * The rollover engine's ZoneState in the state database, and back.
 *
 * - Keys: one `keys` row per engine key; the row's `engine_id` column holds
 *   the engine's id (`k1`, `k2`, ...). Key material exists for every key
 *   the state holds (the shell generates it before it saves a state).
 * - Facts: one `key_facts` row per fact, with the TTLs in force when it was
 *   recorded (`ttls`: dnskeyTtl, maxZoneTtl, dsTtl) and `details.source`.
 * - The rest (rollover record, TTL history, next key number) in `zone_state`.
 * - The keys table's published/active/retired/removed columns are a cache
 *   derived from the facts on every save, for readers that only see rows
 *   (`key list`, `ds`, BIND export). The facts are the truth.
 *
 * Keys that have no engine id yet (made by `key generate` or `key import`)
 * are adopted when the state is loaded: as unused keys that a rollover may
 * take, or, in a zone signed before signet kept facts, with facts taken from
 * the row's timing (recorded as the operator's).
 */
import { SignetError } from '../core/errors.ts';
import type { UnixSeconds } from '../core/time.ts';
import type { StateDb } from '../keystore/state-db.ts';
import type { JsonObject, KeyRow, ZoneRow } from '../keystore/types.ts';
import { ttlsInForce } from '../rollover/key-state.ts';
import type { Policy } from '../rollover/policy.ts';
import { FACT_NAMES, factRows, withFactRows, zoneStateFromJson, ZONE_STATE_VERSION } from '../rollover/state.ts';
import type { FactName, FactRow, FactSource, KeyRecord, ZoneState } from '../rollover/state.ts';

export interface LoadedZoneState {
  state: ZoneState;
  /** Engine key id → the key's row. */
  rows: Map<string, KeyRow>;
  /** True when the zone already had a zone_state row. */
  stored: boolean;
  /** What the zone_state row holds beside the engine state. */
  signedFingerprint: string | null;
  postSignPending: boolean;
  lastError: JsonObject | null;
}

const TIMING_FACTS: ReadonlyArray<[keyof Pick<KeyRow, 'publishedAt' | 'activeAt' | 'retiredAt' | 'removedAt'>, FactName]> = [
  ['publishedAt', 'published'], ['activeAt', 'active'], ['retiredAt', 'retired'], ['removedAt', 'removed'],
];

const SOURCES: readonly FactSource[] = ['engine', 'parent-check', 'operator'];

function keyNumber(id: string): number | null {
  const m = /^k(\d+)$/.exec(id);
  return m ? Number(m[1]) : null;
}

function ttlNumber(ttls: JsonObject, name: string, where: string): number {
  const v = ttls[name];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new SignetError('ERR_STATE_CORRUPT', `${where}: TTL ${name} is missing or bad`);
  return v;
}

/** Reads the zone's rollover state (adopting keys made outside the engine). */
export function loadZoneState(db: StateDb, zone: ZoneRow, policy: Policy): LoadedZoneState {
  const stored = db.getZoneState(zone.name);
  const keyRows = db.listKeys(zone.name);
  const engineIds = db.listKeyEngineIds(zone.name);
  let nextKeyNumber = stored?.nextKeyNumber ?? 1;
  for (const id of engineIds.values()) {
    const n = id === null ? null : keyNumber(id);
    if (n !== null && n >= nextKeyNumber) nextKeyNumber = n + 1;
  }
  // Checked as a whole (zoneStateFromJson) once the keys are in.
  const base = {
    version: ZONE_STATE_VERSION as typeof ZONE_STATE_VERSION,
    zone: zone.name,
    rollover: (stored?.rollover ?? null) as ZoneState['rollover'],
    ttlHistory: (stored?.ttlHistory ?? []) as ZoneState['ttlHistory'],
  };

  const rows = new Map<string, KeyRow>();
  const keys: KeyRecord[] = [];
  const adopted: Array<{ id: string; row: KeyRow }> = [];
  for (const row of keyRows) {
    let id = engineIds.get(row.id) ?? null;
    if (id === null) {
      id = `k${nextKeyNumber}`;
      nextKeyNumber += 1;
      adopted.push({ id, row });
    }
    rows.set(id, row);
    keys.push({ id, role: row.role, algorithm: row.algorithm, keyTag: row.keyTag, createdAt: row.createdAt, facts: {} });
  }
  const rowIdToEngine = new Map([...rows].map(([id, row]) => [row.id, id]));
  const facts: FactRow[] = [];
  for (const f of db.listKeyFacts({ zone: zone.name })) {
    const keyId = rowIdToEngine.get(f.keyId);
    if (keyId === undefined) continue;
    const where = `fact ${f.fact} of key ${keyId} of ${zone.name}`;
    if (!(FACT_NAMES as readonly string[]).includes(f.fact)) throw new SignetError('ERR_STATE_CORRUPT', `${where}: unknown fact`);
    const source = f.details.source;
    facts.push({
      keyId, fact: f.fact as FactName, at: f.time,
      dnskeyTtl: ttlNumber(f.ttls, 'dnskeyTtl', where), maxZoneTtl: ttlNumber(f.ttls, 'maxZoneTtl', where), dsTtl: ttlNumber(f.ttls, 'dsTtl', where),
      source: SOURCES.includes(source as FactSource) ? (source as FactSource) : 'engine',
    });
  }
  let state = withFactRows({ ...base, keys, nextKeyNumber }, facts);

  // A zone signed before its keys had facts: the rows' timing is what was served.
  if (zone.lastSignedAt !== null) {
    const adoptedIds = new Set(adopted.map((a) => a.id));
    state = {
      ...state,
      keys: state.keys.map((k) => {
        if (!adoptedIds.has(k.id)) return k;
        const row = rows.get(k.id)!;
        const keyFacts = { ...k.facts };
        for (const [field, fact] of TIMING_FACTS) {
          const at = row[field];
          if (at !== null) keyFacts[fact] = { at, ttls: ttlsInForce(state, policy, at), source: 'operator' };
        }
        return { ...k, facts: keyFacts };
      }),
    };
  }
  return {
    state: zoneStateFromJson(state),
    rows,
    stored: stored !== null,
    signedFingerprint: stored?.signedFingerprint ?? null,
    postSignPending: stored?.postSignPending ?? false,
    lastError: stored?.lastError ?? null,
  };
}

export interface SaveExtras {
  signedFingerprint: string | null;
  postSignPending: boolean;
  lastError: JsonObject | null;
}

/**
 * Writes the state: engine ids of the keys, their facts, the timing cache and
 * the zone_state row. Call it inside a transaction. Every key of the state
 * must have a row in `rows` (ERR_STATE_KEY_WITHOUT_MATERIAL otherwise).
 */
export function saveZoneState(db: StateDb, state: ZoneState, rows: ReadonlyMap<string, Pick<KeyRow, 'id'>>, extras: SaveExtras, now: UnixSeconds): void {
  const engineIds = db.listKeyEngineIds(state.zone);
  const rowIds: number[] = [];
  for (const key of state.keys) {
    const row = rows.get(key.id);
    if (!row) throw new SignetError('ERR_STATE_KEY_WITHOUT_MATERIAL', `${state.zone}: key ${key.id} has no stored key material`);
    if (engineIds.get(row.id) !== key.id) db.setKeyEngineId(row.id, key.id);
    rowIds.push(row.id);
  }
  const byId = new Map(state.keys.map((k) => [k.id, rows.get(k.id)!.id]));
  db.syncKeyFacts(rowIds, factRows(state).map((f) => ({
    keyId: byId.get(f.keyId)!,
    fact: f.fact,
    time: f.at,
    ttls: { dnskeyTtl: f.dnskeyTtl, maxZoneTtl: f.maxZoneTtl, dsTtl: f.dsTtl },
    details: { source: f.source },
  })));
  for (const key of state.keys) {
    db.updateKeyTiming(byId.get(key.id)!, {
      publishedAt: key.facts.published?.at ?? null,
      activeAt: key.facts.active?.at ?? null,
      retiredAt: key.facts.retired?.at ?? null,
      removedAt: key.facts.removed?.at ?? null,
    });
  }
  db.putZoneState(state.zone, {
    rollover: state.rollover === null ? null : (JSON.parse(JSON.stringify(state.rollover)) as JsonObject),
    ttlHistory: state.ttlHistory.map((t) => ({ ...t })),
    nextKeyNumber: state.nextKeyNumber,
    signedFingerprint: extras.signedFingerprint,
    postSignPending: extras.postSignPending,
    lastError: extras.lastError,
    updatedAt: now,
  });
}

/**
 * Records the TTLs a newly signed zone serves, as the engine does at every
 * step (for commands that sign without stepping the engine, such as `sign`):
 * a new history entry when the DNSKEY TTL or the largest zone TTL changed.
 * Waits use the largest TTL any cache may still hold (SPEC safety rule 2).
 */
export function noteServedTtls(state: ZoneState, policy: Policy, now: UnixSeconds, maxZoneTtl: number): ZoneState {
  const history = state.ttlHistory;
  const last = history[history.length - 1];
  if (last && last.dnskeyTtl === policy.dnskeyTtl && last.maxZoneTtl === maxZoneTtl) return state;
  const kept = last && last.at === now ? history.slice(0, -1) : history;
  return { ...state, ttlHistory: [...kept, { at: now, dnskeyTtl: policy.dnskeyTtl, maxZoneTtl }] };
}
