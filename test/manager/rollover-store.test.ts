/**
 * The engine's ZoneState in state.db and back: facts with their TTLs and
 * sources, the rollover record and TTL history, engine key ids; keys made
 * outside the engine adopted as unused keys (or, in a zone signed before
 * facts existed, with facts from their timing); the timing columns as a cache.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStateDb, type StateDb } from '../../src/keystore/state-db.ts';
import { generateZoneKey } from '../../src/manager/zone-keys.ts';
import { loadZoneState, noteServedTtls, saveZoneState } from '../../src/manager/rollover-store.ts';
import { step } from '../../src/rollover/engine.ts';
import { DEFAULT_POLICY } from '../../src/rollover/policy.ts';

const T0 = 1_798_761_600;
const ZONE = 'example.com.';
const policy = { ...DEFAULT_POLICY };

describe('rollover state in the database', () => {
  let db: StateDb;
  beforeEach(() => {
    db = openStateDb(':memory:');
    db.addZone({ name: ZONE, input: '/dev/null', output: '/dev/null', createdAt: T0 });
  });
  afterEach(() => db.close());

  const extras = { signedFingerprint: 'f', postSignPending: true, lastError: null };

  it('round-trips a state after the first signing and a ZSK rollover start', () => {
    generateZoneKey(db, ZONE, 'ksk', 13, T0, null);
    generateZoneKey(db, ZONE, 'zsk', 13, T0, null);
    let loaded = loadZoneState(db, db.requireZone(ZONE), policy);
    // Unused keys, in row order, with engine ids k1 and k2.
    expect(loaded.state.keys.map((k) => [k.id, k.role, Object.keys(k.facts).length])).toEqual([['k1', 'ksk', 0], ['k2', 'zsk', 0]]);
    let state = step(loaded.state, policy, T0, [{ kind: 'zone-ttls', maxZoneTtl: 7200 }]).state;
    state = step(state, policy, T0 + 7500).state;
    state = step(state, policy, T0 + 8000, [{ kind: 'confirm', what: 'ds-published' }]).state;
    expect(state.rollover).toBeNull();
    saveZoneState(db, state, loaded.rows, extras, T0);

    loaded = loadZoneState(db, db.requireZone(ZONE), policy);
    expect(loaded.state).toEqual(state);
    expect(loaded.stored).toBe(true);
    expect(loaded.signedFingerprint).toBe('f');
    expect(loaded.postSignPending).toBe(true);
    // The timing cache follows the facts.
    expect(db.listKeys(ZONE).map((k) => [k.publishedAt, k.activeAt])).toEqual([[T0, T0], [T0, T0]]);
    expect(db.listKeyFacts({ zone: ZONE }).map((f) => f.fact)).toEqual(['published', 'published', 'active', 'active', 'ds-submitted', 'ds-seen']);
    expect(db.listKeyFacts({ zone: ZONE })[0]).toMatchObject({ ttls: { dnskeyTtl: 3600, maxZoneTtl: 7200, dsTtl: 86400 }, details: { source: 'engine' } });
    expect(db.listKeyFacts({ zone: ZONE }).at(-1)).toMatchObject({ fact: 'ds-seen', details: { source: 'operator' } });

    // A key the engine asks for, stored under its id before the state is saved.
    const t1 = T0 + 10 * 86400;
    const r = step(state, policy, t1, [{ kind: 'start-rollover', role: 'zsk' }]);
    const gen = r.actions.find((a) => a.type === 'generate-key');
    expect(gen).toMatchObject({ keyId: 'k3', role: 'zsk' });
    const row = generateZoneKey(db, ZONE, 'zsk', 13, t1, null);
    db.setKeyEngineId(row.id, 'k3');
    // A crash here: the next load finds k3 as an unused key, and the rollover (not saved) starts again with it.
    const again = loadZoneState(db, db.requireZone(ZONE), policy);
    expect(again.state.keys.map((k) => k.id)).toEqual(['k1', 'k2', 'k3']);
    expect(again.state.nextKeyNumber).toBe(4);
    const restarted = step(again.state, policy, t1, [{ kind: 'start-rollover', role: 'zsk' }]);
    expect(restarted.actions.some((a) => a.type === 'generate-key')).toBe(false);
    expect(restarted.state.rollover?.newKeyIds).toEqual(['k3']);
    state = restarted.state;
    saveZoneState(db, state, again.rows, extras, t1);
    expect(loadZoneState(db, db.requireZone(ZONE), policy).state).toEqual(state);
  });

  it('adopts keys of a zone signed before it had facts, from their timing', () => {
    generateZoneKey(db, ZONE, 'ksk', 13, T0, null, { publishedAt: T0, activeAt: T0 });
    generateZoneKey(db, ZONE, 'zsk', 13, T0, null, { publishedAt: T0, activeAt: T0 });
    db.updateZone(ZONE, { lastSignedAt: T0, lastSerial: 1 });
    const loaded = loadZoneState(db, db.requireZone(ZONE), policy);
    expect(loaded.state.keys.map((k) => [k.id, k.facts.published?.at, k.facts.active?.source])).toEqual([['k1', T0, 'operator'], ['k2', T0, 'operator']]);
    // No first signing for a zone already signed: the next rollover is the ZSK's lifetime.
    expect(step(loaded.state, policy, T0 + 86400).status).toMatchObject({ state: 'idle', nextRollover: { kind: 'zsk', at: T0 + 90 * 86400 } });
  });

  it('records served TTLs only when they change, replacing an entry of the same second', () => {
    generateZoneKey(db, ZONE, 'ksk', 13, T0, null);
    const { state } = loadZoneState(db, db.requireZone(ZONE), policy);
    const a = noteServedTtls(state, policy, T0, 300);
    expect(noteServedTtls(a, policy, T0 + 5, 300)).toBe(a);
    const b = noteServedTtls(a, policy, T0 + 10, 86400);
    expect(b.ttlHistory).toEqual([{ at: T0, dnskeyTtl: 3600, maxZoneTtl: 300 }, { at: T0 + 10, dnskeyTtl: 3600, maxZoneTtl: 86400 }]);
    expect(noteServedTtls(b, policy, T0 + 10, 600).ttlHistory.at(-1)).toEqual({ at: T0 + 10, dnskeyTtl: 3600, maxZoneTtl: 600 });
  });

  it('refuses a state whose keys have no stored material', () => {
    generateZoneKey(db, ZONE, 'ksk', 13, T0, null);
    const loaded = loadZoneState(db, db.requireZone(ZONE), policy);
    const r = step(loaded.state, policy, T0);
    expect(() => saveZoneState(db, r.state, loaded.rows, extras, T0)).toThrow(expect.objectContaining({ code: 'ERR_STATE_KEY_WITHOUT_MATERIAL' }));
  });
});
