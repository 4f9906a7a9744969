import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStateDb, normalizeZoneName, StateDb } from '../../src/keystore/state-db.ts';
import { SCHEMA_VERSION } from '../../src/keystore/schema.ts';
import { newKeyFromPrivateKey } from '../../src/keystore/private-key.ts';
import { generateKeyPair } from '../../src/signer/algorithms.ts';

const code = (c: string) => expect.objectContaining({ code: c });
const T0 = 1_800_000_000;

let dir: string;
let db: StateDb;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'signet-db-'));
  // In memory unless a test needs the file: fsync-heavy files slow the suite down.
  db = openStateDb(':memory:');
});

/** Replaces the in-memory database with one in a file. */
function useFileDb(): string {
  db.close();
  const path = join(dir, 'state.db');
  db = openStateDb(path);
  return path;
}
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function newKey(zone: string, role: 'ksk' | 'zsk' | 'csk' = 'zsk') {
  return newKeyFromPrivateKey(generateKeyPair(13), { zone, role, algorithm: 13, createdAt: T0, source: 'generated', passphrase: null });
}

describe('openStateDb', () => {
  it('creates the file with mode 0600, in WAL mode, at the current schema version', () => {
    const path = useFileDb();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    db.addZone({ name: 'example.com.', input: 'in', output: 'out', createdAt: T0 });
    // SQLite gives the WAL file the database file's permissions.
    expect(existsSync(`${path}-wal`)).toBe(true);
    expect(statSync(`${path}-wal`).mode & 0o777).toBe(0o600);
    expect(db.schemaVersion).toBe(SCHEMA_VERSION);
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('keeps an existing database and its data; migrations run once', () => {
    useFileDb();
    db.addZone({ name: 'example.com.', input: 'in', output: 'out', createdAt: T0 });
    db.close();
    db = openStateDb(join(dir, 'state.db'));
    expect(db.listZones().map((z) => z.name)).toEqual(['example.com.']);
    expect(db.listPolicies().map((p) => p.name)).toEqual(['default']);
  });

  it('refuses a database from a newer signet', () => {
    useFileDb();
    db.close();
    const raw = new Database(join(dir, 'state.db'));
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => openStateDb(join(dir, 'state.db'))).toThrow(code('ERR_STATE_DB_TOO_NEW'));
    db = openStateDb(':memory:');
  });

  it('refuses a file that is not a database, and a path it cannot create', () => {
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'this is not sqlite, not even close, but it is long enough to have a header'.repeat(10));
    expect(() => openStateDb(junk)).toThrow(code('ERR_STATE_DB_OPEN'));
    expect(() => openStateDb(join(dir, 'missing', 'state.db'))).toThrow(code('ERR_STATE_DB_OPEN'));
  });

  it('always has the default policy, which cannot be removed', () => {
    expect(db.getPolicy('default')).toEqual({ name: 'default', params: {}, updatedAt: null });
    expect(() => db.removePolicy('default')).toThrow(code('ERR_POLICY_DEFAULT'));
  });
});

describe('zones', () => {
  it('normalizes names to lowercase with a trailing dot', () => {
    expect(normalizeZoneName('Example.COM')).toBe('example.com.');
    db.addZone({ name: 'Example.COM', input: 'zones/example.com.zone', output: 'zones/example.com.zone.signed', createdAt: T0 });
    const z = db.getZone('example.com.')!;
    expect(z).toEqual({
      name: 'example.com.', input: 'zones/example.com.zone', output: 'zones/example.com.zone.signed', policy: 'default',
      settings: {}, createdAt: T0, lastSerial: null, lastSignedAt: null, earliestExpiration: null, nextWakeAt: null, haltedReason: null,
    });
    expect(db.getZone('EXAMPLE.com.')).toEqual(z);
    expect(db.getZone('other.')).toBeNull();
  });

  it('refuses duplicates and unknown policies', () => {
    db.addZone({ name: 'a.example.', input: 'i', output: 'o', createdAt: T0 });
    expect(() => db.addZone({ name: 'A.example', input: 'i', output: 'o', createdAt: T0 })).toThrow(code('ERR_ZONE_EXISTS'));
    expect(() => db.addZone({ name: 'b.example.', input: 'i', output: 'o', policy: 'nope', createdAt: T0 })).toThrow(code('ERR_POLICY_NOT_FOUND'));
  });

  it('updates fields, clears them with null, and keeps settings as JSON', () => {
    db.addZone({ name: 'example.', input: 'i', output: 'o', createdAt: T0 });
    db.setPolicy('fast', { 'zsk-lifetime': '30d' }, T0);
    const z = db.updateZone('example.', { policy: 'fast', settings: { registrar: 'manual', 'parent-servers': ['192.0.2.1'] }, lastSerial: 7, lastSignedAt: T0 + 5, haltedReason: 'no key' });
    expect(z).toMatchObject({ policy: 'fast', settings: { registrar: 'manual', 'parent-servers': ['192.0.2.1'] }, lastSerial: 7, lastSignedAt: T0 + 5, haltedReason: 'no key' });
    expect(db.updateZone('example.', { haltedReason: null }).haltedReason).toBeNull();
    expect(() => db.updateZone('example.', { policy: 'missing' })).toThrow(code('ERR_POLICY_NOT_FOUND'));
    expect(() => db.updateZone('nothere.', { lastSerial: 1 })).toThrow(code('ERR_ZONE_NOT_FOUND'));
    expect(() => db.updateZone('example.', { lastSignedAt: 1.5 })).toThrow(code('ERR_STATE_BAD_VALUE'));
    expect(() => db.updateZone('example.', { name: 'x.' } as never)).toThrow(code('ERR_STATE_BAD_VALUE'));
  });

  it('removes a zone with its keys and facts but keeps its events', () => {
    db.addZone({ name: 'example.', input: 'i', output: 'o', createdAt: T0 });
    const k = db.addKey(newKey('example.'));
    db.addKeyFact({ keyId: k.id, fact: 'published', time: T0 });
    db.addEvent({ zone: 'example.', time: T0, kind: 'zone-add', message: 'added' });
    db.removeZone('example.');
    expect(db.getZone('example.')).toBeNull();
    expect(db.getKeyById(k.id)).toBeNull();
    expect(db.listKeyFacts({ keyId: k.id })).toEqual([]);
    expect(db.listEvents({ zone: 'example.' })).toHaveLength(1);
    expect(() => db.removeZone('example.')).toThrow(code('ERR_ZONE_NOT_FOUND'));
  });

  it('lists zones by name', () => {
    for (const n of ['b.example.', 'a.example.', 'c.example.']) db.addZone({ name: n, input: 'i', output: 'o', createdAt: T0 });
    expect(db.listZones().map((z) => z.name)).toEqual(['a.example.', 'b.example.', 'c.example.']);
  });
});

describe('policies', () => {
  it('stores parameters as JSON without interpreting them', () => {
    db.setPolicy('default', { algorithm: 15 }, T0);
    db.setPolicy('rsa', { algorithm: 8, keys: 'csk' }, T0 + 1);
    expect(db.getPolicy('default')!.params).toEqual({ algorithm: 15 });
    expect(db.listPolicies().map((p) => p.name)).toEqual(['default', 'rsa']);
    expect(db.setPolicy('rsa', { algorithm: 13 }, T0 + 2)).toEqual({ name: 'rsa', params: { algorithm: 13 }, updatedAt: T0 + 2 });
    expect(() => db.setPolicy('bad name', {})).toThrow(code('ERR_POLICY_BAD_NAME'));
  });

  it('refuses to remove a policy a zone uses', () => {
    db.setPolicy('p', {});
    db.addZone({ name: 'example.', input: 'i', output: 'o', policy: 'p', createdAt: T0 });
    expect(() => db.removePolicy('p')).toThrow(code('ERR_POLICY_IN_USE'));
    db.updateZone('example.', { policy: 'default' });
    db.removePolicy('p');
    expect(db.getPolicy('p')).toBeNull();
    expect(() => db.removePolicy('p')).toThrow(code('ERR_POLICY_NOT_FOUND'));
  });
});

describe('keys', () => {
  beforeEach(() => {
    db.addZone({ name: 'example.', input: 'i', output: 'o', createdAt: T0 });
  });

  it('stores and reads back a key with its DNSKEY RDATA and private key', () => {
    const nk = newKey('example.', 'ksk');
    const k = db.addKey(nk);
    expect(k).toMatchObject({ zone: 'example.', role: 'ksk', algorithm: 13, keyTag: nk.keyTag, flags: 257, encrypted: false, source: 'generated', createdAt: T0, publishedAt: null, activeAt: null, retiredAt: null, removedAt: null });
    expect(Buffer.from(k.publicKey).equals(Buffer.from(nk.publicKey))).toBe(true);
    expect(Buffer.from(k.privateKey).equals(Buffer.from(nk.privateKey))).toBe(true);
    expect(db.getKey('EXAMPLE.', nk.keyTag)).toEqual(k);
    expect(db.getKey('example.', (nk.keyTag + 1) & 0xffff)).toBeNull();
    expect(db.listKeys('example.')).toEqual([k]);
  });

  it('refuses a key whose fields disagree with its RDATA, a tag collision, or an unknown zone', () => {
    const nk = newKey('example.');
    expect(() => db.addKey({ ...nk, keyTag: (nk.keyTag + 1) & 0xffff })).toThrow(code('ERR_KEY_INCONSISTENT'));
    expect(() => db.addKey({ ...nk, flags: 257 })).toThrow(code('ERR_KEY_INCONSISTENT'));
    expect(() => db.addKey({ ...nk, algorithm: 14 })).toThrow(code('ERR_KEY_INCONSISTENT'));
    db.addKey(nk);
    expect(() => db.addKey(nk)).toThrow(code('ERR_KEY_TAG_COLLISION'));
    expect(() => db.addKey({ ...nk, zone: 'other.' })).toThrow(code('ERR_ZONE_NOT_FOUND'));
  });

  it('updates timing fields one at a time and clears them with null', () => {
    const k = db.addKey(newKey('example.'));
    db.updateKeyTiming(k.id, { publishedAt: T0 + 10 });
    const k2 = db.updateKeyTiming(k.id, { activeAt: T0 + 20 });
    expect(k2).toMatchObject({ publishedAt: T0 + 10, activeAt: T0 + 20, retiredAt: null, removedAt: null });
    expect(db.updateKeyTiming(k.id, { activeAt: null }).activeAt).toBeNull();
    expect(() => db.updateKeyTiming(999, { retiredAt: T0 })).toThrow(code('ERR_KEY_NOT_FOUND'));
    expect(() => db.updateKeyTiming(k.id, { retiredAt: -0.5 })).toThrow(code('ERR_STATE_BAD_VALUE'));
    expect(db.updateKeyRole(k.id, 'csk').role).toBe('csk');
  });

  it('keeps several keys in creation order', () => {
    const a = db.addKey(newKey('example.', 'ksk'));
    const b = db.addKey(newKey('example.', 'zsk'));
    expect(db.listKeys('example.').map((k) => k.id)).toEqual([a.id, b.id]);
  });
});

describe('events and key facts', () => {
  it('appends events and filters them by zone, time, kind and limit', () => {
    db.addZone({ name: 'example.', input: 'i', output: 'o', createdAt: T0 });
    db.addEvent({ zone: null, time: T0, kind: 'policy-set', message: 'policy default changed', details: { algorithm: 13 } });
    db.addEvent({ zone: 'Example.', time: T0 + 1, kind: 'key-publish', message: 'published ZSK 1' });
    db.addEvent({ zone: 'example.', time: T0 + 2, kind: 'key-activate', message: 'activated ZSK 1' });
    db.addEvent({ zone: 'other.', time: T0 + 3, kind: 'zone-add', message: 'x' });
    expect(db.listEvents().map((e) => e.time)).toEqual([T0, T0 + 1, T0 + 2, T0 + 3]);
    expect(db.listEvents()[0]).toMatchObject({ zone: null, details: { algorithm: 13 } });
    expect(db.listEvents({ zone: 'example.' }).map((e) => e.kind)).toEqual(['key-publish', 'key-activate']);
    expect(db.listEvents({ since: T0 + 1, until: T0 + 2 }).map((e) => e.time)).toEqual([T0 + 1, T0 + 2]);
    expect(db.listEvents({ kind: 'zone-add' })).toHaveLength(1);
    expect(db.listEvents({ limit: 2 }).map((e) => e.time)).toEqual([T0 + 2, T0 + 3]);
  });

  it('records facts with the TTLs in force, per key and per zone', () => {
    db.addZone({ name: 'example.', input: 'i', output: 'o', createdAt: T0 });
    const a = db.addKey(newKey('example.', 'ksk'));
    const b = db.addKey(newKey('example.', 'zsk'));
    db.addKeyFact({ keyId: a.id, fact: 'ds-seen', time: T0 + 50, ttls: { ds: 86400 }, details: { servers: ['192.0.2.53'] } });
    db.addKeyFact({ keyId: b.id, fact: 'published', time: T0 + 10, ttls: { dnskey: 3600 } });
    db.addKeyFact({ keyId: a.id, fact: 'published', time: T0 + 10, ttls: { dnskey: 3600 } });
    expect(db.listKeyFacts({ keyId: a.id }).map((f) => f.fact)).toEqual(['published', 'ds-seen']);
    expect(db.listKeyFacts({ keyId: a.id })[1]).toMatchObject({ keyId: a.id, time: T0 + 50, ttls: { ds: 86400 }, details: { servers: ['192.0.2.53'] } });
    expect(db.listKeyFacts({ zone: 'example.' }).map((f) => [f.keyId, f.fact])).toEqual([[b.id, 'published'], [a.id, 'published'], [a.id, 'ds-seen']]);
    expect(() => db.addKeyFact({ keyId: 12345, fact: 'x', time: T0 })).toThrow(code('ERR_KEY_NOT_FOUND'));
  });
});

describe('transaction', () => {
  it('rolls everything back when the function throws', () => {
    expect(() => db.transaction(() => {
      db.addZone({ name: 'example.', input: 'i', output: 'o', createdAt: T0 });
      db.addEvent({ zone: 'example.', time: T0, kind: 'zone-add', message: 'added' });
      throw new Error('boom');
    })).toThrow('boom');
    expect(db.listZones()).toEqual([]);
    expect(db.listEvents()).toEqual([]);
  });

  it('commits and returns the value; nested transactions work', () => {
    const n = db.transaction(() => {
      db.addZone({ name: 'example.', input: 'i', output: 'o', createdAt: T0 });
      try {
        db.transaction(() => {
          db.addZone({ name: 'inner.', input: 'i', output: 'o', createdAt: T0 });
          throw new Error('inner');
        });
      } catch { /* the inner savepoint is rolled back alone */ }
      return db.listZones().length;
    });
    expect(n).toBe(1);
    expect(db.listZones().map((z) => z.name)).toEqual(['example.']);
  });

  it('is seen by a second connection once committed', () => {
    useFileDb();
    const other = openStateDb(join(dir, 'state.db'));
    try {
      db.addZone({ name: 'example.', input: 'i', output: 'o', createdAt: T0 });
      expect(other.getZone('example.')).not.toBeNull();
    } finally {
      other.close();
    }
  });
});
