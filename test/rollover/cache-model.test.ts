/**
 * The resolver cache model can fail: fed with a timeline in which one step
 * comes too early, it finds the resolvers that cannot validate. Without this,
 * "no violations" in the simulation tests would prove nothing.
 */
import { describe, expect, it } from 'vitest';
import { parseTime } from '../../src/core/time.ts';
import { buildHistories, checkAt, checkTimeline, validateCombination } from '../../src/rollover/cache-model.ts';
import type { CacheModelOptions, KeyRef, Publication, ZonePublication } from '../../src/rollover/cache-model.ts';
import { DEFAULT_POLICY, parsePolicyAssignments } from '../../src/rollover/policy.ts';
import { World } from './simulator.ts';

const T0 = parseTime('2027-01-01T00:00:00Z');
const D = 86400;
const H = 3600;

const k = (id: string, algorithm = 13): KeyRef => ({ id, algorithm });
const dnskey = (keys: KeyRef[], signers: KeyRef[]) => ({ keys, signers, version: 1 });

describe('validateCombination (RFC 4035 §5)', () => {
  const ksk = k('ksk');
  const zsk = k('zsk');
  it('accepts a chain DS → KSK → DNSKEY RRset → ZSK → data', () => {
    expect(validateCombination([ksk], dnskey([ksk, zsk], [ksk]), [zsk], true)).toBeNull();
  });
  it('treats an empty DS RRset as insecure: nothing to fail', () => {
    expect(validateCombination([], dnskey([], []), [], true)).toBeNull();
  });
  it('fails when no key the DS points to signs the DNSKEY RRset', () => {
    expect(validateCombination([ksk], dnskey([ksk, zsk, k('new')], [k('new')]), [zsk], false)).toMatch(/DNSKEY/);
    expect(validateCombination([k('other')], dnskey([ksk, zsk], [ksk]), [zsk], false)).toMatch(/DNSKEY/);
  });
  it('fails when the data is signed by no key of the DNSKEY RRset', () => {
    expect(validateCombination([ksk], dnskey([ksk, zsk], [ksk]), [k('new-zsk')], false)).toMatch(/data/);
    expect(validateCombination([ksk], dnskey([ksk, zsk], [ksk]), [], false)).toMatch(/data/);
  });
  it('in strict mode wants every algorithm the DS RRset signals', () => {
    const ed = k('ed', 15);
    expect(validateCombination([ksk, ed], dnskey([ksk, zsk, ed], [ksk]), [zsk], false)).toBeNull();
    expect(validateCombination([ksk, ed], dnskey([ksk, zsk, ed], [ksk]), [zsk], true)).toMatch(/algorithm 15/);
    expect(validateCombination([ksk, ed], dnskey([ksk, zsk, ed], [ksk, ed]), [zsk], true)).toMatch(/data lacks a signature of algorithm 15/);
    expect(validateCombination([ksk, ed], dnskey([ksk, zsk, ed], [ksk, ed]), [zsk, ed], true)).toBeNull();
  });
});

describe('what a cache can hold', () => {
  const options: CacheModelOptions = { zonePropagationDelay: 300, parentHiddenLag: 0, strictAlgorithms: false };
  const zone = (at: number, signers: string[], keys: string[], ttl = H): ZonePublication => ({
    kind: 'zone', at, dnskeys: keys.map((id) => k(id)), dnskeySigners: [k('ksk')], zoneSigners: signers.map((id) => k(id)), dnskeyTtl: ttl, maxZoneTtl: D,
  });
  const ds: Publication = { kind: 'ds', at: 0, server: 'p', ds: [k('ksk')], ttl: D };

  it('keeps a version for Dprp after the next one is published, then for its TTL', () => {
    const h = buildHistories([ds, zone(0, ['a'], ['ksk', 'a']), zone(1000, ['a'], ['ksk', 'a', 'b'])], options);
    expect(h.dnskey.map((v) => [v.from, v.until, v.ttl])).toEqual([[0, 1300, H], [1000, null, H]]);
  });

  // ZSK pre-publication by hand: b published at 1000; b replaces a as signer at `activate`.
  // The DNSKEY RRset without b is served until 1000 + Dprp and cached for TTLkey after that.
  const timeline = (activate: number): Publication[] => [
    ds, zone(0, ['a'], ['ksk', 'a']), zone(1000, ['a'], ['ksk', 'a', 'b']), zone(activate, ['b'], ['ksk', 'a', 'b']),
  ];

  it('fails exactly when activation comes before publish + Dprp + TTLkey', () => {
    const safe = 1000 + 300 + H;
    expect(checkTimeline(timeline(safe), options, 0, 10 * D)).toEqual([]);
    const early = checkTimeline(timeline(safe - 1), options, 0, 10 * D);
    expect(early.length).toBeGreaterThan(0);
    expect(early[0]).toMatchObject({ at: safe - 1, dnskeys: ['ksk', 'a'], dataSigners: ['b'] });
  });

  it('lets a resolver hold any mix of versions: checkAt looks at each combination', () => {
    const h = buildHistories(timeline(2000), options);
    expect(checkAt(h, 1999, false)).toEqual([]);
    expect(checkAt(h, 2000, false).map((v) => v.reason)).toEqual(['the cached data is signed by no key of the cached DNSKEY RRset']);
  });
});

/** A copy of the timeline with the matching publications moved to `at(p)`. */
function moved(pubs: readonly Publication[], match: (p: Publication) => boolean, at: (p: Publication) => number): Publication[] {
  return pubs.map((p) => (match(p) ? { ...p, at: at(p) } : p));
}

const isZoneAt = (t: number) => (p: Publication) => p.kind === 'zone' && p.at === t;

describe('the model fed with a deliberately early step fails', () => {
  const w = new World({ policy: DEFAULT_POLICY, start: T0, maxZoneTtl: D });
  w.runUntil(T0 + 400 * D);
  const [zskPublish] = w.stepTimes('zsk', 'publish');
  const [zskActivate] = w.stepTimes('zsk', 'activate');
  const [zskRemove] = w.stepTimes('zsk', 'remove');
  const [kskSubmit] = w.stepTimes('ksk', 'submit-ds');
  const [kskActivate] = w.stepTimes('ksk', 'activate');
  const [kskWithdraw] = w.stepTimes('ksk', 'withdraw-ds');
  const [firstSubmit] = w.stepTimes('first-signing', 'submit-ds');

  it('is clean as the engine ran it', () => {
    expect(w.violations()).toEqual([]);
  });

  it('first signing: the DS at the parent before the signed zone has propagated', () => {
    const early = moved(w.publications, (p) => p.kind === 'ds' && p.ds.length > 0 && p.at > firstSubmit! && p.at < firstSubmit! + H, (p) => p.at - firstSubmit! + T0 + 600);
    const v = w.violations({}, early);
    expect(v.length).toBeGreaterThan(0);
    expect(v[0]!.dataSigners).toEqual([]); // unsigned data still cached, with the DS: bogus
  });

  it('ZSK: activate before Ipub', () => {
    const v = w.violations({}, moved(w.publications, isZoneAt(zskActivate!), () => zskPublish! + 600));
    expect(v.length).toBeGreaterThan(0);
    expect(v[0]!.reason).toMatch(/data is signed by no key/);
  });

  it('ZSK: activate within the publish-safety margin is still safe; one second before Dprp + TTLkey is not', () => {
    const edge = zskPublish! + 300 + H;
    expect(w.violations({}, moved(w.publications, isZoneAt(zskActivate!), () => edge))).toEqual([]);
    expect(w.violations({}, moved(w.publications, isZoneAt(zskActivate!), () => edge - 1)).length).toBeGreaterThan(0);
  });

  it('ZSK: remove the old key before Iret', () => {
    const v = w.violations({}, moved(w.publications, isZoneAt(zskRemove!), () => zskActivate! + 600));
    expect(v.length).toBeGreaterThan(0);
    expect(v[0]!.reason).toMatch(/data is signed by no key/);
  });

  it('KSK: activate before the new DS is in every cache', () => {
    const v = w.violations({}, moved(w.publications, isZoneAt(kskActivate!), () => kskSubmit! + 600));
    expect(v.length).toBeGreaterThan(0);
    expect(v[0]!.reason).toMatch(/DNSKEY/);
  });

  it('KSK: withdraw the old DS before the DNSKEY RRset signed by the old KSK has expired', () => {
    const early = moved(w.publications, (p) => p.kind === 'ds' && p.at > kskWithdraw! && p.at < kskWithdraw! + H, (p) => p.at - kskWithdraw! + kskActivate! + 60);
    const v = w.violations({}, early);
    expect(v.length).toBeGreaterThan(0);
    expect(v[0]!.reason).toMatch(/DNSKEY/);
  });

  it('CSK: remove the old CSK while data signed by it is still cached', () => {
    const csk = new World({ policy: parsePolicyAssignments(['keys=csk', 'ksk-lifetime=30d']), start: T0, maxZoneTtl: D });
    csk.runUntil(T0 + 40 * D);
    expect(csk.violations()).toEqual([]);
    const [activate] = csk.stepTimes('csk', 'activate');
    const [remove] = csk.stepTimes('csk', 'remove');
    const v = csk.violations({}, moved(csk.publications, isZoneAt(remove!), () => activate! + 3 * H));
    expect(v.length).toBeGreaterThan(0);
  });
});
