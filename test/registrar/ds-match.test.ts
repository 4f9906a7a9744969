import { describe, expect, it } from 'vitest';
import { computeDsRdata } from '../../src/signer/ds.ts';
import { dsRdatasAt, dsTtl, matchDs } from '../../src/registrar/ds-match.ts';
import { encodeDs, encodeRrsig } from '../../src/zone/dnssec-rdata.ts';
import { Name } from '../../src/zone/name.ts';
import { RRType } from '../../src/zone/types.ts';
import { dnskey, dsRecord } from './helpers/keys.ts';

const ZONE = Name.parse('child.test.');
const OLD = { id: 'old', dnskey: dnskey(1) };
const NEW = { id: 'new', dnskey: dnskey(2) };

describe('matchDs', () => {
  it('finds each key whose recomputed DS is in the set, whatever the digest type', () => {
    const set = [computeDsRdata(ZONE, OLD.dnskey, 2), computeDsRdata(ZONE, NEW.dnskey, 4), computeDsRdata(ZONE, NEW.dnskey, 2)];
    const m = matchDs(ZONE, [OLD, NEW], set);
    expect(m.present).toEqual(['old', 'new']);
    expect(m.digestTypes.get('new')).toEqual([4, 2]);
    expect(m.unknown).toEqual([]);
    expect(m.warnings).toEqual([]);
  });

  it('matches a SHA-1 DS that is already at the parent', () => {
    expect(matchDs(ZONE, [OLD], [computeDsRdata(ZONE, OLD.dnskey, 1)]).present).toEqual(['old']);
  });

  it('matches the owner case-insensitively (the digest hashes the canonical name)', () => {
    expect(matchDs(Name.parse('CHILD.Test.'), [OLD], [computeDsRdata(ZONE, OLD.dnskey, 2)]).present).toEqual(['old']);
  });

  it('does not take a DS with our key tag and algorithm but another digest as ours', () => {
    const real = computeDsRdata(ZONE, OLD.dnskey, 2);
    const forged = real.slice();
    forged[10]! ^= 0xff;
    const m = matchDs(ZONE, [OLD], [forged]);
    expect(m.present).toEqual([]);
    expect(m.unknown.map((u) => u.reason)).toEqual(['digest-mismatch']);
    expect(m.warnings[0]).toContain('does not match');
  });

  it('does not take the DS of the same key at another owner as ours', () => {
    const m = matchDs(ZONE, [OLD], [computeDsRdata(Name.parse('other.test.'), OLD.dnskey, 2)]);
    expect(m.present).toEqual([]);
    expect(m.unknown[0]!.reason).toBe('digest-mismatch');
  });

  it('reports DS records of unknown keys, unsupported digests and malformed RDATA as warnings', () => {
    const stranger = computeDsRdata(ZONE, dnskey(99), 2);
    const gost = encodeDs({ keyTag: 1, algorithm: 13, digestType: 3, digest: new Uint8Array(32) });
    const m = matchDs(ZONE, [OLD], [stranger, gost, Uint8Array.of(1, 2)]);
    expect(m.present).toEqual([]);
    expect(m.unknown.map((u) => u.reason)).toEqual(['no-matching-key', 'unsupported-digest', 'malformed']);
    expect(m.warnings).toHaveLength(3);
  });
});

describe('dsTtl and dsRdatasAt', () => {
  const sig = (originalTtl: number, typeCovered: number = RRType.DS) => ({
    owner: ZONE, type: RRType.RRSIG, class: 1, ttl: 100,
    rdata: encodeRrsig({ typeCovered, algorithm: 13, labels: 2, originalTtl, expiration: 2, inception: 1, keyTag: 1, signerName: Name.parse('test.'), signature: new Uint8Array(64) }),
  });

  it('takes the RRSIG Original TTL over the (decremented) record TTL', () => {
    expect(dsTtl(ZONE, [dsRecord(ZONE, OLD.dnskey, 2, 100), sig(86400)])).toBe(86400);
  });

  it('ignores RRSIGs over other types and falls back to the record TTL', () => {
    expect(dsTtl(ZONE, [dsRecord(ZONE, OLD.dnskey, 2, 3600), sig(99999, RRType.NS)])).toBe(3600);
  });

  it('is null without DS records', () => {
    expect(dsTtl(ZONE, [sig(86400)])).toBeNull();
  });

  it('collects the DS at the owner only', () => {
    const recs = [dsRecord(ZONE, OLD.dnskey), dsRecord(Name.parse('other.test.'), NEW.dnskey), sig(1)];
    expect(dsRdatasAt(Name.parse('CHILD.test.'), recs)).toHaveLength(1);
  });
});
