import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/rollover/policy.ts';
import { ASSUMED_MAX_ZONE_TTL, dsState, keyState, ttlsInForce, zoneKeySet } from '../../src/rollover/key-state.ts';
import { createZoneState } from '../../src/rollover/state.ts';
import type { Fact, FactName, KeyRecord, ZoneState } from '../../src/rollover/state.ts';

const fact = (at: number): Fact => ({ at, ttls: { dnskeyTtl: 3600, maxZoneTtl: 86400, dsTtl: 86400 }, source: 'engine' });
const key = (role: KeyRecord['role'], facts: Partial<Record<FactName, number>>, keyTag: number | null = 1): KeyRecord => ({
  id: `${role}-${Object.keys(facts).join('-')}`, role, algorithm: 13, keyTag, createdAt: 0,
  facts: Object.fromEntries(Object.entries(facts).map(([n, at]) => [n, fact(at!)])),
});

describe('keyState: derived from facts at a moment', () => {
  it('walks a ZSK through its life', () => {
    const k = key('zsk', { published: 10, active: 20, retired: 30, removed: 40 });
    expect([5, 10, 20, 30, 40].map((t) => keyState(k, t))).toEqual(['created', 'published', 'active', 'retired', 'removed']);
  });
  it('knows keys without material, and the algorithm-rollover states', () => {
    expect(keyState(key('zsk', {}, null), 0)).toBe('pending');
    const k = key('zsk', { active: 10, published: 20, removed: 30, retired: 40 });
    expect([10, 20, 30, 40].map((t) => keyState(k, t))).toEqual(['pre-active', 'active', 'post-active', 'removed']);
  });
  it('follows the DS', () => {
    const k = key('ksk', { 'ds-submitted': 10, 'ds-seen': 20, 'ds-withdrawn': 30, 'ds-gone': 40 });
    expect([0, 10, 20, 30, 40].map((t) => dsState(k, t))).toEqual(['none', 'submitted', 'seen', 'withdrawn', 'gone']);
  });
});

describe('zoneKeySet: what the signer uses', () => {
  it('publishes, signs and asks for DS by role', () => {
    const ksk = key('ksk', { published: 0, active: 0, 'ds-submitted': 5 });
    const newKsk = key('ksk', { published: 10 });
    const zsk = key('zsk', { published: 0, active: 0 });
    const oldZsk = key('zsk', { published: 0, active: 0, retired: 10 });
    const state: ZoneState = { ...createZoneState('example.com.'), keys: [ksk, newKsk, zsk, oldZsk] };
    const set = zoneKeySet(state, 10);
    expect(set.dnskeys).toEqual([ksk, newKsk, zsk, oldZsk]);
    expect(set.dnskeySigners).toEqual([ksk]);
    expect(set.zoneSigners).toEqual([zsk]);
    expect(set.dsKeys).toEqual([ksk]);
  });
});

describe('ttlsInForce: a lowered TTL counts until copies with the old one have expired', () => {
  const state = (history: ZoneState['ttlHistory']): ZoneState => ({ ...createZoneState('example.com.'), ttlHistory: history });

  it('assumes one day for a zone that never reported its TTLs', () => {
    expect(ttlsInForce(state([]), DEFAULT_POLICY, 0)).toEqual({ dnskeyTtl: 3600, maxZoneTtl: ASSUMED_MAX_ZONE_TTL, dsTtl: 86400 });
  });

  it('keeps the old, larger TTL in force for that TTL after the change', () => {
    const s = state([{ at: 0, dnskeyTtl: 7200, maxZoneTtl: 86400 }, { at: 1000, dnskeyTtl: 300, maxZoneTtl: 600 }]);
    const policy = { ...DEFAULT_POLICY, dnskeyTtl: 300 };
    expect(ttlsInForce(s, policy, 1000 + 7199)).toMatchObject({ dnskeyTtl: 7200, maxZoneTtl: 86400 });
    expect(ttlsInForce(s, policy, 1000 + 7200)).toMatchObject({ dnskeyTtl: 300, maxZoneTtl: 86400 });
    expect(ttlsInForce(s, policy, 1000 + 86400)).toMatchObject({ dnskeyTtl: 300, maxZoneTtl: 600 });
  });

  it('takes a raised TTL at once, and never less than the DNSKEY TTL for the largest signed TTL', () => {
    const s = state([{ at: 0, dnskeyTtl: 300, maxZoneTtl: 60 }, { at: 1000, dnskeyTtl: 300, maxZoneTtl: 86400 }]);
    expect(ttlsInForce(s, { ...DEFAULT_POLICY, dnskeyTtl: 300 }, 500).maxZoneTtl).toBe(300);
    expect(ttlsInForce(s, { ...DEFAULT_POLICY, dnskeyTtl: 300 }, 1000).maxZoneTtl).toBe(86400);
  });
});
