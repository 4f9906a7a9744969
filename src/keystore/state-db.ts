/**
 * The state database (SQLite through better-sqlite3 12): zones, policies,
 * keys with their private material, rollover facts and the audit log.
 * This is the only module that talks SQL. Every method is synchronous;
 * `transaction(fn)` groups a command's changes so that a failed command
 * changes nothing.
 */
import { chmodSync, closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { SignetError } from '../core/errors.ts';
import { Name } from '../zone/name.ts';
import { computeKeyTag } from '../signer/keytag.ts';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.ts';
import type {
  EventFilter, EventRow, JsonObject, KeyFactInput, KeyFactRow, KeyRow, KeyTiming, NewEvent, NewKey, NewKeyFact,
  NewParentObservation, NewZone, NewZoneState, ParentObservationRow, PolicyRow, PublishedFilesRow, ZonePatch, ZoneRow, ZoneStateRow,
} from './types.ts';

type Db = Database.Database;
type SqlRow = Record<string, unknown>;

/** The name every zone's default policy has; that row always exists. */
export const DEFAULT_POLICY = 'default';

/**
 * Zone names as the database keys them: lowercase, absolute, trailing dot.
 * A name typed without the trailing dot is taken as absolute.
 */
export function normalizeZoneName(name: string | Name): string {
  const n = typeof name === 'string' ? Name.parse(name, Name.root) : name;
  return n.toLowerCase().toString();
}

function sqliteCode(e: unknown): string {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : '';
}

/** ON DELETE RESTRICT reports SQLITE_CONSTRAINT_TRIGGER, other foreign key failures _FOREIGNKEY. */
function isForeignKeyError(e: unknown): boolean {
  const c = sqliteCode(e);
  return c === 'SQLITE_CONSTRAINT_FOREIGNKEY' || (c === 'SQLITE_CONSTRAINT_TRIGGER' && /FOREIGN KEY/.test((e as Error).message));
}

function parseJson(text: unknown, what: string): JsonObject {
  try {
    const v: unknown = JSON.parse(String(text));
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as JsonObject;
  } catch {
    // fall through to the error below
  }
  throw new SignetError('ERR_STATE_DB_CORRUPT', `${what} in the state database is not a JSON object`);
}

function toJson(value: JsonObject | undefined): string {
  return JSON.stringify(value ?? {});
}

function nullableInt(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

function bytes(v: unknown): Uint8Array {
  const b = v as Buffer;
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function zoneFromRow(r: SqlRow): ZoneRow {
  return {
    name: String(r.name),
    input: String(r.input),
    output: String(r.output),
    policy: String(r.policy),
    settings: parseJson(r.settings, `settings of zone ${String(r.name)}`),
    createdAt: Number(r.created_at),
    lastSerial: nullableInt(r.last_serial),
    lastSignedAt: nullableInt(r.last_signed_at),
    earliestExpiration: nullableInt(r.earliest_expiration),
    nextWakeAt: nullableInt(r.next_wake_at),
    haltedReason: r.halted_reason === null ? null : String(r.halted_reason),
  };
}

function keyFromRow(r: SqlRow): KeyRow {
  return {
    id: Number(r.id),
    zone: String(r.zone),
    role: r.role as KeyRow['role'],
    algorithm: Number(r.algorithm),
    keyTag: Number(r.key_tag),
    flags: Number(r.flags),
    publicKey: bytes(r.public_key),
    privateKey: bytes(r.private_key),
    encrypted: Number(r.encrypted) === 1,
    source: r.source as KeyRow['source'],
    createdAt: Number(r.created_at),
    publishedAt: nullableInt(r.published_at),
    activeAt: nullableInt(r.active_at),
    retiredAt: nullableInt(r.retired_at),
    removedAt: nullableInt(r.removed_at),
  };
}

function eventFromRow(r: SqlRow): EventRow {
  return {
    id: Number(r.id),
    zone: r.zone === null ? null : String(r.zone),
    time: Number(r.time),
    kind: String(r.kind),
    message: String(r.message),
    details: parseJson(r.details, `details of event ${String(r.id)}`),
  };
}

function factFromRow(r: SqlRow): KeyFactRow {
  return {
    id: Number(r.id),
    keyId: Number(r.key_id),
    fact: String(r.fact),
    time: Number(r.time),
    ttls: parseJson(r.ttls, `TTLs of key fact ${String(r.id)}`),
    details: parseJson(r.details, `details of key fact ${String(r.id)}`),
  };
}

/** ZonePatch field → column. Only these can be updated. */
const ZONE_COLUMNS: Record<keyof ZonePatch, string> = {
  input: 'input',
  output: 'output',
  policy: 'policy',
  settings: 'settings',
  lastSerial: 'last_serial',
  lastSignedAt: 'last_signed_at',
  earliestExpiration: 'earliest_expiration',
  nextWakeAt: 'next_wake_at',
  haltedReason: 'halted_reason',
};

const TIMING_COLUMNS: Record<keyof KeyTiming, string> = {
  publishedAt: 'published_at',
  activeAt: 'active_at',
  retiredAt: 'retired_at',
  removedAt: 'removed_at',
};

function checkTime(v: unknown, what: string): void {
  if (v !== null && (typeof v !== 'number' || !Number.isSafeInteger(v))) {
    throw new SignetError('ERR_STATE_BAD_VALUE', `${what} must be integer Unix seconds or null`);
  }
}

/** A typed view of one open state database. */
export class StateDb {
  readonly path: string;
  private readonly db: Db;

  constructor(db: Db, path: string) {
    this.db = db;
    this.path = path;
  }

  /** Runs `fn` in one write transaction (nested calls become savepoints); all or nothing. */
  transaction<T>(fn: () => T): T {
    // IMMEDIATE takes the write lock up front, so two processes cannot both
    // read and then fail to upgrade (SQLITE_BUSY in the middle of a command).
    return this.db.transaction(fn).immediate();
  }

  close(): void {
    this.db.close();
  }

  // ----------- zones ---------------------------------------------------------

  addZone(zone: NewZone): ZoneRow {
    const name = normalizeZoneName(zone.name);
    checkTime(zone.createdAt, 'createdAt');
    try {
      this.db.prepare('INSERT INTO zones (name, input, output, policy, settings, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(name, zone.input, zone.output, zone.policy ?? DEFAULT_POLICY, toJson(zone.settings), zone.createdAt);
    } catch (e) {
      const c = sqliteCode(e);
      if (c === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new SignetError('ERR_ZONE_EXISTS', `zone ${name} already exists`);
      if (isForeignKeyError(e)) throw new SignetError('ERR_POLICY_NOT_FOUND', `no policy named ${zone.policy ?? DEFAULT_POLICY}`);
      throw e;
    }
    return this.requireZone(name);
  }

  getZone(name: string | Name): ZoneRow | null {
    const r = this.db.prepare('SELECT * FROM zones WHERE name = ?').get(normalizeZoneName(name)) as SqlRow | undefined;
    return r ? zoneFromRow(r) : null;
  }

  /** Like getZone, but ERR_ZONE_NOT_FOUND when there is no such zone. */
  requireZone(name: string | Name): ZoneRow {
    const z = this.getZone(name);
    if (!z) throw new SignetError('ERR_ZONE_NOT_FOUND', `no zone named ${normalizeZoneName(name)}`);
    return z;
  }

  /** All zones, ordered by name. */
  listZones(): ZoneRow[] {
    return (this.db.prepare('SELECT * FROM zones ORDER BY name').all() as SqlRow[]).map(zoneFromRow);
  }

  updateZone(name: string | Name, patch: ZonePatch): ZoneRow {
    const key = normalizeZoneName(name);
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [field, value] of Object.entries(patch) as [keyof ZonePatch, unknown][]) {
      const column = ZONE_COLUMNS[field];
      if (column === undefined) throw new SignetError('ERR_STATE_BAD_VALUE', `zone field ${String(field)} cannot be changed`);
      if (value === undefined) continue;
      if (field === 'lastSignedAt' || field === 'earliestExpiration' || field === 'nextWakeAt') checkTime(value, field);
      sets.push(`${column} = ?`);
      values.push(field === 'settings' ? toJson(value as JsonObject) : value);
    }
    if (sets.length > 0) {
      let changes: number;
      try {
        changes = this.db.prepare(`UPDATE zones SET ${sets.join(', ')} WHERE name = ?`).run(...values, key).changes;
      } catch (e) {
        if (isForeignKeyError(e)) throw new SignetError('ERR_POLICY_NOT_FOUND', `no policy named ${String(patch.policy)}`);
        throw e;
      }
      if (changes === 0) throw new SignetError('ERR_ZONE_NOT_FOUND', `no zone named ${key}`);
    }
    return this.requireZone(key);
  }

  /** Removes a zone with its keys and key facts; its events stay in the audit log. */
  removeZone(name: string | Name): void {
    const key = normalizeZoneName(name);
    const changes = this.db.prepare('DELETE FROM zones WHERE name = ?').run(key).changes;
    if (changes === 0) throw new SignetError('ERR_ZONE_NOT_FOUND', `no zone named ${key}`);
  }

  // ----------- policies ------------------------------------------------------

  getPolicy(name: string): PolicyRow | null {
    const r = this.db.prepare('SELECT * FROM policies WHERE name = ?').get(name) as SqlRow | undefined;
    return r ? { name: String(r.name), params: parseJson(r.params, `policy ${name}`), updatedAt: nullableInt(r.updated_at) } : null;
  }

  /** Creates or replaces a policy's stored parameters (the caller merges and validates them). */
  setPolicy(name: string, params: JsonObject, now: number | null = null): PolicyRow {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
      throw new SignetError('ERR_POLICY_BAD_NAME', `bad policy name "${name}" (letters, digits, '.', '_', '-')`);
    }
    checkTime(now, 'now');
    this.db.prepare('INSERT INTO policies (name, params, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET params = excluded.params, updated_at = excluded.updated_at')
      .run(name, toJson(params), now);
    return this.getPolicy(name)!;
  }

  /** All policies, `default` first, then by name. */
  listPolicies(): PolicyRow[] {
    return (this.db.prepare("SELECT * FROM policies ORDER BY name <> 'default', name").all() as SqlRow[])
      .map((r) => ({ name: String(r.name), params: parseJson(r.params, `policy ${String(r.name)}`), updatedAt: nullableInt(r.updated_at) }));
  }

  /** Removes a policy no zone uses. `default` cannot be removed. */
  removePolicy(name: string): void {
    if (name === DEFAULT_POLICY) throw new SignetError('ERR_POLICY_DEFAULT', 'the default policy cannot be removed');
    let changes: number;
    try {
      changes = this.db.prepare('DELETE FROM policies WHERE name = ?').run(name).changes;
    } catch (e) {
      if (isForeignKeyError(e)) throw new SignetError('ERR_POLICY_IN_USE', `policy ${name} is used by a zone`);
      throw e;
    }
    if (changes === 0) throw new SignetError('ERR_POLICY_NOT_FOUND', `no policy named ${name}`);
  }

  // ----------- keys ----------------------------------------------------------

  /**
   * Stores a key. The tag, flags and algorithm must agree with the DNSKEY
   * RDATA (ERR_KEY_INCONSISTENT); a tag already used in the zone is
   * ERR_KEY_TAG_COLLISION (generate another key).
   */
  addKey(key: NewKey): KeyRow {
    const zone = normalizeZoneName(key.zone);
    const rdata = key.publicKey;
    const tag = computeKeyTag(rdata);
    const flags = (rdata[0]! << 8) | rdata[1]!;
    if (tag !== key.keyTag || flags !== key.flags || rdata[3] !== key.algorithm || rdata[2] !== 3) {
      throw new SignetError('ERR_KEY_INCONSISTENT', `key ${key.keyTag}: tag, flags or algorithm do not match its DNSKEY RDATA`);
    }
    if (key.privateKey.length === 0) throw new SignetError('ERR_KEY_INCONSISTENT', `key ${key.keyTag} has no private key`);
    checkTime(key.createdAt, 'createdAt');
    for (const f of Object.keys(TIMING_COLUMNS) as (keyof KeyTiming)[]) checkTime(key[f] ?? null, f);
    let id: number;
    try {
      id = Number(this.db.prepare(`INSERT INTO keys (zone, role, algorithm, key_tag, flags, public_key, private_key, encrypted, source,
          created_at, published_at, active_at, retired_at, removed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(zone, key.role, key.algorithm, key.keyTag, key.flags, Buffer.from(rdata), Buffer.from(key.privateKey), key.encrypted ? 1 : 0,
          key.source, key.createdAt, key.publishedAt ?? null, key.activeAt ?? null, key.retiredAt ?? null, key.removedAt ?? null)
        .lastInsertRowid);
    } catch (e) {
      const c = sqliteCode(e);
      if (isForeignKeyError(e)) throw new SignetError('ERR_ZONE_NOT_FOUND', `no zone named ${zone}`);
      if (c === 'SQLITE_CONSTRAINT_UNIQUE') throw new SignetError('ERR_KEY_TAG_COLLISION', `zone ${zone} already has a key with tag ${key.keyTag}`);
      throw e;
    }
    return this.getKeyById(id)!;
  }

  /** The zone's keys, oldest first (removed keys included; filter on removedAt). */
  listKeys(zone: string | Name): KeyRow[] {
    return (this.db.prepare('SELECT * FROM keys WHERE zone = ? ORDER BY id').all(normalizeZoneName(zone)) as SqlRow[]).map(keyFromRow);
  }

  getKey(zone: string | Name, keyTag: number): KeyRow | null {
    const r = this.db.prepare('SELECT * FROM keys WHERE zone = ? AND key_tag = ?').get(normalizeZoneName(zone), keyTag) as SqlRow | undefined;
    return r ? keyFromRow(r) : null;
  }

  getKeyById(id: number): KeyRow | null {
    const r = this.db.prepare('SELECT * FROM keys WHERE id = ?').get(id) as SqlRow | undefined;
    return r ? keyFromRow(r) : null;
  }

  /** Sets (or with null clears) timing fields of a key; fields left out are kept. */
  updateKeyTiming(id: number, timing: Partial<KeyTiming>): KeyRow {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [field, value] of Object.entries(timing) as [keyof KeyTiming, number | null | undefined][]) {
      const column = TIMING_COLUMNS[field];
      if (column === undefined) throw new SignetError('ERR_STATE_BAD_VALUE', `key field ${String(field)} is not a timing field`);
      if (value === undefined) continue;
      checkTime(value, field);
      sets.push(`${column} = ?`);
      values.push(value);
    }
    if (sets.length > 0 && this.db.prepare(`UPDATE keys SET ${sets.join(', ')} WHERE id = ?`).run(...values, id).changes === 0) {
      throw new SignetError('ERR_KEY_NOT_FOUND', `no key with id ${id}`);
    }
    const row = this.getKeyById(id);
    if (!row) throw new SignetError('ERR_KEY_NOT_FOUND', `no key with id ${id}`);
    return row;
  }

  /** Changes a key's role (e.g. when an imported key is assigned one). The flags stay in the DNSKEY. */
  updateKeyRole(id: number, role: KeyRow['role']): KeyRow {
    if (this.db.prepare('UPDATE keys SET role = ? WHERE id = ?').run(role, id).changes === 0) {
      throw new SignetError('ERR_KEY_NOT_FOUND', `no key with id ${id}`);
    }
    return this.getKeyById(id)!;
  }

  // ----------- audit log -----------------------------------------------------

  addEvent(event: NewEvent): EventRow {
    checkTime(event.time, 'time');
    const zone = event.zone === null ? null : normalizeZoneName(event.zone);
    const id = Number(this.db.prepare('INSERT INTO events (zone, time, kind, message, details) VALUES (?, ?, ?, ?, ?)')
      .run(zone, event.time, event.kind, event.message, toJson(event.details)).lastInsertRowid);
    return eventFromRow(this.db.prepare('SELECT * FROM events WHERE id = ?').get(id) as SqlRow);
  }

  /** Events in time order (oldest first), filtered. */
  listEvents(filter: EventFilter = {}): EventRow[] {
    const where: string[] = [];
    const values: unknown[] = [];
    if (filter.zone !== undefined) { where.push('zone = ?'); values.push(normalizeZoneName(filter.zone)); }
    if (filter.since !== undefined) { where.push('time >= ?'); values.push(filter.since); }
    if (filter.until !== undefined) { where.push('time <= ?'); values.push(filter.until); }
    if (filter.kind !== undefined) { where.push('kind = ?'); values.push(filter.kind); }
    const cond = where.length ? `WHERE ${where.join(' AND ')}` : '';
    let sql = `SELECT * FROM events ${cond} ORDER BY time, id`;
    if (filter.limit !== undefined) {
      if (!Number.isSafeInteger(filter.limit) || filter.limit < 0) throw new SignetError('ERR_STATE_BAD_VALUE', 'event limit must be a non-negative integer');
      sql = `SELECT * FROM (SELECT * FROM events ${cond} ORDER BY time DESC, id DESC LIMIT ?) ORDER BY time, id`;
      values.push(filter.limit);
    }
    return (this.db.prepare(sql).all(...values) as SqlRow[]).map(eventFromRow);
  }

  // ----------- rollover facts ------------------------------------------------

  addKeyFact(fact: NewKeyFact): KeyFactRow {
    checkTime(fact.time, 'time');
    let id: number;
    try {
      id = Number(this.db.prepare('INSERT INTO key_facts (key_id, fact, time, ttls, details) VALUES (?, ?, ?, ?, ?)')
        .run(fact.keyId, fact.fact, fact.time, toJson(fact.ttls), toJson(fact.details)).lastInsertRowid);
    } catch (e) {
      if (isForeignKeyError(e)) throw new SignetError('ERR_KEY_NOT_FOUND', `no key with id ${fact.keyId}`);
      throw e;
    }
    return factFromRow(this.db.prepare('SELECT * FROM key_facts WHERE id = ?').get(id) as SqlRow);
  }

  /** Facts of one key, or of every key of a zone, in time order. */
  listKeyFacts(filter: { keyId: number } | { zone: string | Name }): KeyFactRow[] {
    const rows = 'keyId' in filter
      ? this.db.prepare('SELECT * FROM key_facts WHERE key_id = ? ORDER BY time, id').all(filter.keyId)
      : this.db.prepare('SELECT f.* FROM key_facts f JOIN keys k ON k.id = f.key_id WHERE k.zone = ? ORDER BY f.time, f.id')
        .all(normalizeZoneName(filter.zone));
    return (rows as SqlRow[]).map(factFromRow);
  }

  // ----------- rollover engine state (schema 2) -----------------------------

  getZoneState(zone: string | Name): ZoneStateRow | null {
    const r = this.db.prepare('SELECT * FROM zone_state WHERE zone = ?').get(normalizeZoneName(zone)) as SqlRow | undefined;
    if (!r) return null;
    const what = `rollover state of zone ${String(r.zone)}`;
    let history: unknown;
    try {
      history = JSON.parse(String(r.ttl_history));
    } catch {
      history = null;
    }
    if (!Array.isArray(history)) throw new SignetError('ERR_STATE_DB_CORRUPT', `${what}: TTL history is not a JSON array`);
    return {
      zone: String(r.zone),
      rollover: r.rollover === null ? null : parseJson(r.rollover, what),
      ttlHistory: history as unknown[],
      nextKeyNumber: Number(r.next_key_number),
      signedFingerprint: r.signed_fingerprint === null ? null : String(r.signed_fingerprint),
      postSignPending: Number(r.post_sign_pending) === 1,
      lastError: r.last_error === null ? null : parseJson(r.last_error, what),
      updatedAt: Number(r.updated_at),
    };
  }

  // ----------- published files (schema 3) ----------------------------------

  getPublishedFiles(zone: string | Name): PublishedFilesRow | null {
    const r = this.db.prepare('SELECT * FROM published_files WHERE zone = ?').get(normalizeZoneName(zone)) as SqlRow | undefined;
    if (!r) return null;
    return {
      inputSha256: r.input_sha256 === null ? null : String(r.input_sha256),
      inputDigest: String(r.input_digest),
      maxTtl: Number(r.max_ttl),
      inputSerial: Number(r.input_serial),
      outputSha256: String(r.output_sha256),
      signaturesValidFrom: nullableInt(r.signatures_valid_from),
      signaturesValidUntil: nullableInt(r.signatures_valid_until),
      updatedAt: Number(r.updated_at),
    };
  }

  /** Records (row) or forgets (null) the files behind the zone's published signed zone. */
  setPublishedFiles(zone: string | Name, row: PublishedFilesRow | null): void {
    const name = normalizeZoneName(zone);
    if (row === null) {
      this.db.prepare('DELETE FROM published_files WHERE zone = ?').run(name);
      return;
    }
    checkTime(row.updatedAt, 'updatedAt');
    checkTime(row.signaturesValidFrom, 'signaturesValidFrom');
    checkTime(row.signaturesValidUntil, 'signaturesValidUntil');
    this.db.prepare(`INSERT INTO published_files (zone, input_sha256, input_digest, max_ttl, input_serial, output_sha256,
          signatures_valid_from, signatures_valid_until, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (zone) DO UPDATE SET input_sha256 = excluded.input_sha256, input_digest = excluded.input_digest,
          max_ttl = excluded.max_ttl, input_serial = excluded.input_serial, output_sha256 = excluded.output_sha256,
          signatures_valid_from = excluded.signatures_valid_from, signatures_valid_until = excluded.signatures_valid_until,
          updated_at = excluded.updated_at`)
      .run(name, row.inputSha256, row.inputDigest, row.maxTtl, row.inputSerial, row.outputSha256,
        row.signaturesValidFrom, row.signaturesValidUntil, row.updatedAt);
  }

  /** Creates or replaces the zone's rollover state row. */
  putZoneState(zone: string | Name, row: NewZoneState): ZoneStateRow {
    const name = normalizeZoneName(zone);
    checkTime(row.updatedAt, 'updatedAt');
    if (!Number.isSafeInteger(row.nextKeyNumber) || row.nextKeyNumber < 1) throw new SignetError('ERR_STATE_BAD_VALUE', 'nextKeyNumber must be a positive integer');
    try {
      this.db.prepare(`INSERT INTO zone_state (zone, rollover, ttl_history, next_key_number, signed_fingerprint, post_sign_pending, last_error, updated_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (zone) DO UPDATE SET rollover = excluded.rollover, ttl_history = excluded.ttl_history,
            next_key_number = excluded.next_key_number, signed_fingerprint = excluded.signed_fingerprint,
            post_sign_pending = excluded.post_sign_pending, last_error = excluded.last_error, updated_at = excluded.updated_at`)
        .run(name, row.rollover === null ? null : JSON.stringify(row.rollover), JSON.stringify(row.ttlHistory), row.nextKeyNumber,
          row.signedFingerprint, row.postSignPending ? 1 : 0, row.lastError === null ? null : JSON.stringify(row.lastError), row.updatedAt);
    } catch (e) {
      if (isForeignKeyError(e)) throw new SignetError('ERR_ZONE_NOT_FOUND', `no zone named ${name}`);
      throw e;
    }
    return this.getZoneState(name)!;
  }

  /** Changes some fields of an existing zone state row (ERR_ZONE_STATE_MISSING when there is none). */
  patchZoneState(zone: string | Name, patch: Partial<NewZoneState>): ZoneStateRow {
    const current = this.getZoneState(zone);
    if (!current) throw new SignetError('ERR_ZONE_STATE_MISSING', `zone ${normalizeZoneName(zone)} has no rollover state yet`);
    const { zone: _zone, ...rest } = current;
    return this.putZoneState(zone, { ...rest, ...patch });
  }

  /** Row id → the engine's id of each key of the zone (null: not adopted yet). */
  listKeyEngineIds(zone: string | Name): Map<number, string | null> {
    const rows = this.db.prepare('SELECT id, engine_id FROM keys WHERE zone = ? ORDER BY id').all(normalizeZoneName(zone)) as SqlRow[];
    return new Map(rows.map((r) => [Number(r.id), r.engine_id === null ? null : String(r.engine_id)]));
  }

  setKeyEngineId(keyId: number, engineId: string): void {
    try {
      if (this.db.prepare('UPDATE keys SET engine_id = ? WHERE id = ?').run(engineId, keyId).changes === 0) {
        throw new SignetError('ERR_KEY_NOT_FOUND', `no key with id ${keyId}`);
      }
    } catch (e) {
      if (sqliteCode(e) === 'SQLITE_CONSTRAINT_UNIQUE') throw new SignetError('ERR_KEY_ENGINE_ID_TAKEN', `another key of the zone already has engine id ${engineId}`);
      throw e;
    }
  }

  /**
   * Makes the facts of the given keys exactly `facts` (one per key and fact
   * name): inserts the new ones, updates changed ones, deletes the others.
   * Facts that did not change keep their row (and id).
   */
  syncKeyFacts(keyIds: readonly number[], facts: readonly KeyFactInput[]): void {
    const wanted = new Map(facts.map((f) => [`${f.keyId}/${f.fact}`, f]));
    if (wanted.size !== facts.length) throw new SignetError('ERR_STATE_BAD_VALUE', 'two facts of the same name for one key');
    for (const f of facts) {
      checkTime(f.time, 'time');
      if (!keyIds.includes(f.keyId)) throw new SignetError('ERR_STATE_BAD_VALUE', `fact ${f.fact} for key ${f.keyId}, which is not being synced`);
    }
    const select = this.db.prepare('SELECT * FROM key_facts WHERE key_id = ? ORDER BY time, id');
    const remove = this.db.prepare('DELETE FROM key_facts WHERE id = ?');
    const update = this.db.prepare('UPDATE key_facts SET time = ?, ttls = ?, details = ? WHERE id = ?');
    const seen = new Set<string>();
    for (const keyId of keyIds) {
      for (const row of (select.all(keyId) as SqlRow[]).map(factFromRow)) {
        const key = `${row.keyId}/${row.fact}`;
        const want = wanted.get(key);
        if (!want || seen.has(key)) {
          remove.run(row.id);
          continue;
        }
        seen.add(key);
        const ttls = toJson(want.ttls);
        const details = toJson(want.details);
        if (row.time !== want.time || JSON.stringify(row.ttls) !== ttls || JSON.stringify(row.details) !== details) update.run(want.time, ttls, details, row.id);
      }
    }
    for (const f of facts) {
      if (!seen.has(`${f.keyId}/${f.fact}`)) this.addKeyFact({ keyId: f.keyId, fact: f.fact, time: f.time, ttls: f.ttls, details: f.details });
    }
  }

  addParentObservation(o: NewParentObservation): ParentObservationRow {
    checkTime(o.time, 'time');
    const id = Number(this.db.prepare(`INSERT INTO parent_observations (zone, time, expect, server, address, outcome, detail, key_ids, unknown_ds, ttl)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(normalizeZoneName(o.zone), o.time, o.expect, o.server, o.address, o.outcome, o.detail, JSON.stringify(o.keyIds), o.unknownDs, o.ttl).lastInsertRowid);
    return this.listParentObservations(o.zone).find((r) => r.id === id)!;
  }

  /** Parent observations of a zone, oldest first; the newest `limit` when given. */
  listParentObservations(zone: string | Name, limit?: number): ParentObservationRow[] {
    const name = normalizeZoneName(zone);
    const rows = limit === undefined
      ? this.db.prepare('SELECT * FROM parent_observations WHERE zone = ? ORDER BY time, id').all(name)
      : this.db.prepare('SELECT * FROM (SELECT * FROM parent_observations WHERE zone = ? ORDER BY time DESC, id DESC LIMIT ?) ORDER BY time, id').all(name, limit);
    return (rows as SqlRow[]).map((r) => ({
      id: Number(r.id),
      zone: String(r.zone),
      time: Number(r.time),
      expect: r.expect === 'absent' ? 'absent' : 'present',
      server: String(r.server),
      address: String(r.address),
      outcome: String(r.outcome),
      detail: r.detail === null ? null : String(r.detail),
      keyIds: JSON.parse(String(r.key_ids)) as string[],
      unknownDs: Number(r.unknown_ds),
      ttl: nullableInt(r.ttl),
    }));
  }

  /** The schema version of the open database. */
  get schemaVersion(): number {
    return Number(this.db.pragma('user_version', { simple: true }));
  }
}

function migrate(db: Db, path: string): void {
  const version = Number(db.pragma('user_version', { simple: true }));
  if (version > SCHEMA_VERSION) {
    throw new SignetError('ERR_STATE_DB_TOO_NEW', `${path} has schema version ${version}; this signet knows up to ${SCHEMA_VERSION}`);
  }
  for (let v = version; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}

/**
 * Opens (creating it when missing) the state database at `path`, or an
 * in-memory one for `:memory:`. A new file is created with mode 0600: it
 * holds private keys. WAL journal, foreign keys on, migrations applied.
 */
export function openStateDb(path: string): StateDb {
  if (path !== ':memory:') {
    let fd: number | null = null;
    try {
      // 'wx' creates only when missing, so an existing database keeps its mode.
      fd = openSync(path, 'wx', 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new SignetError('ERR_STATE_DB_OPEN', `cannot create ${path}: ${(e as Error).message}`, { cause: e });
      }
    }
    if (fd !== null) {
      closeSync(fd);
      // The umask may have cleared bits, never added them; chmod makes the mode exact.
      chmodSync(path, 0o600);
    }
  }
  let db: Db;
  try {
    db = new Database(path, { timeout: 5000 });
  } catch (e) {
    throw new SignetError('ERR_STATE_DB_OPEN', `cannot open ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    db.pragma('journal_mode = WAL');
    // FULL: a key generated (and perhaps already published) must survive a power cut.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db, path);
  } catch (e) {
    db.close();
    if (e instanceof SignetError) throw e;
    const c = sqliteCode(e);
    if (c === 'SQLITE_NOTADB' || c === 'SQLITE_CORRUPT') {
      throw new SignetError('ERR_STATE_DB_OPEN', `${path} is not a signet state database: ${(e as Error).message}`, { cause: e });
    }
    throw e;
  }
  return new StateDb(db, path);
}
