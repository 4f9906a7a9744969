/** NSEC (RFC 4034 §4, RFC 4035 §2.3) and NSEC3 (RFC 5155 §7, RFC 9276) chain checks. */
import { describe, expect, it } from 'vitest';
import { toBase32Hex } from '../../src/core/bytes.ts';
import { createNsec3Hasher } from '../../src/signer/nsec3-hash.ts';
import { decodeNsec, decodeNsec3, encodeNsec, encodeNsec3, encodeNsec3Param } from '../../src/zone/dnssec-rdata.ts';
import { Name } from '../../src/zone/name.ts';
import { RRType } from '../../src/zone/types.ts';
import { verifySignedZone } from '../../src/verify/verify-zone.ts';
import { OPT_OUT_ZONE_TEXT } from './helpers/cases.ts';
import {
  corpusKeys, findSet, kskZsk, makeSet, name, nsec3For, ORIGIN, resignedBy, signCorpus, signWith, timesOf,
  withAdded, withSet, without, withWrongNsec3Hash,
} from './helpers/corpus.ts';
import { codes, codeSet } from './helpers/expect.ts';

const NOW = 1_800_000_000;
const keys = corpusKeys();
const verify = (zone: Parameters<typeof verifySignedZone>[0]) => verifySignedZone(zone, { now: NOW });
const www = name('www');

describe('NSEC', () => {
  const nsec = signCorpus({ now: NOW, keys: kskZsk(keys), denial: { kind: 'nsec' } });

  it('a valid chain: no findings, denial "nsec"', () => {
    const r = verify(nsec);
    expect(r.findings).toEqual([]);
    expect(r.stats.denial).toBe('nsec');
  });

  it('a missing NSEC: a gap at its name, and no complaint about the pointer that steps over it', () => {
    const r = verify(withSet(nsec, www, RRType.NSEC, () => null));
    expect(codes(r)).toEqual(['critical:NSEC_CHAIN_GAP']);
    expect(r.findings[0]!.owner).toBe('www.example.test.');
  });

  it('a Next Domain Name that skips a name: NSEC_CHAIN_GAP at the pointer', () => {
    const mail = name('mail');
    const zone = withSet(nsec, mail, RRType.NSEC, (s) => {
      const n = decodeNsec(s.rrset.rdatas[0]!);
      return resignedBy(s, [encodeNsec({ ...n, nextName: name('sub') })], [keys.zsk]);
    });
    const r = verify(zone);
    expect(codes(r)).toEqual(['critical:NSEC_CHAIN_GAP']);
    expect(r.findings[0]!.details).toMatchObject({ next: 'sub.example.test.', expected: 'ns1.example.test.' });
  });

  it('the last NSEC not pointing at the apex: LAST_NSEC_NEXT_NOT_ZONE', () => {
    const last = nsec.rrsets.filter((s) => s.rrset.type === RRType.NSEC).at(-1)!;
    const zone = withSet(nsec, last.rrset.owner, RRType.NSEC, (s) => {
      const n = decodeNsec(s.rrset.rdatas[0]!);
      return resignedBy(s, [encodeNsec({ ...n, nextName: name('alias') })], [keys.zsk]);
    });
    expect(codes(verify(zone))).toEqual(['critical:LAST_NSEC_NEXT_NOT_ZONE']);
  });

  it('an NSEC at glue: NSEC_UNEXPECTED_OWNER', () => {
    const glue = name('ns.sub');
    const rrset = makeSet(glue, RRType.NSEC, [encodeNsec({ nextName: name('insecure'), types: [RRType.A, RRType.RRSIG, RRType.NSEC] })], 300);
    const zone = withAdded(nsec, { rrset, signatures: signWith(rrset, [keys.zsk], timesOf(findSet(nsec, www, RRType.A))) });
    const r = verify(zone);
    expect(codeSet(r)).toContain('NSEC_UNEXPECTED_OWNER');
    expect(r.findings.find((f) => f.code === 'NSEC_UNEXPECTED_OWNER')!.message).toContain('glue');
  });

  it('a bitmap listing a type that is not there: NSEC_BAD_BITMAP with the difference', () => {
    const zone = withSet(nsec, www, RRType.NSEC, (s) => {
      const n = decodeNsec(s.rrset.rdatas[0]!);
      return resignedBy(s, [encodeNsec({ ...n, types: [...n.types, RRType.MX] })], [keys.zsk]);
    });
    const r = verify(zone);
    expect(codes(r)).toEqual(['critical:NSEC_BAD_BITMAP']);
    expect(r.findings[0]!.details).toEqual({ missing: '', extra: 'MX' });
  });
});

describe('NSEC3', () => {
  const base = signCorpus({ now: NOW, keys: kskZsk(keys) });

  it('no NSEC3PARAM: NSEC3PARAM_MISSING, the chain still checked with the records\' parameters', () => {
    // The apex bitmap still lists NSEC3PARAM, which is now gone.
    expect(codes(verify(without(base, (s) => s.rrset.type === RRType.NSEC3PARAM)))).toEqual(['critical:NSEC3PARAM_MISSING', 'critical:NSEC3_BAD_BITMAP']);
  });

  it('an NSEC3PARAM with other parameters than the chain: NSEC3PARAM_MISMATCH for every record', () => {
    const zone = withSet(base, ORIGIN, RRType.NSEC3PARAM, (s) =>
      resignedBy(s, [encodeNsec3Param({ hashAlgorithm: 1, flags: 0, iterations: 0, salt: Uint8Array.of(1) })], [keys.zsk]));
    const r = verify(zone);
    expect(codeSet(r)).toEqual(['NONEMPTY_NSEC3_SALT', 'NSEC3PARAM_MISMATCH', 'NSEC3_CHAIN_GAP']);
  });

  it('an unknown hash algorithm: UNSUPPORTED_NSEC3_ALGORITHM, chain not judged', () => {
    const zone = withSet(base, ORIGIN, RRType.NSEC3PARAM, (s) =>
      resignedBy(s, [encodeNsec3Param({ hashAlgorithm: 2, flags: 0, iterations: 0, salt: new Uint8Array(0) })], [keys.zsk]));
    expect(codeSet(verify(zone))).toEqual(['UNSUPPORTED_NSEC3_ALGORITHM']);
  });

  it('RFC 9276: iterations and a salt are warnings (exit 1)', () => {
    const zone = signCorpus({ now: NOW, keys: kskZsk(keys), denial: { kind: 'nsec3', iterations: 10, salt: Uint8Array.of(0xab, 0xcd), optOut: false } });
    const r = verify(zone);
    expect(codes(r)).toEqual(['warning:NONEMPTY_NSEC3_SALT', 'warning:NONZERO_NSEC3_ITERATION_COUNT']);
    expect(r.status).toBe(1);
  });

  it('an owner that is no base32hex hash: INVALID_NSEC3_OWNER_NAME', () => {
    const victim = nsec3For(base, www);
    const rrset = makeSet(Name.parse('not-a-hash.example.test.'), RRType.NSEC3, victim.rrset.rdatas, 300);
    const zone = withAdded(base, { rrset, signatures: signWith(rrset, [keys.zsk], timesOf(victim)) });
    expect(codeSet(verify(zone))).toEqual(['INVALID_NSEC3_OWNER_NAME']);
  });

  it('a Next Hashed Owner Name of the wrong length: INVALID_NSEC3_HASH', () => {
    const victim = nsec3For(base, www);
    const zone = withSet(base, victim.rrset.owner, RRType.NSEC3, (s) => {
      const n = decodeNsec3(s.rrset.rdatas[0]!);
      return resignedBy(s, [encodeNsec3({ ...n, nextHashed: n.nextHashed.subarray(0, 10) })], [keys.zsk]);
    });
    expect(codeSet(verify(zone))).toContain('INVALID_NSEC3_HASH');
  });

  it('a pointer that skips an existing NSEC3: NSEC3_CHAIN_GAP naming it', () => {
    const records = base.rrsets.filter((s) => s.rrset.type === RRType.NSEC3);
    const first = records[0]!;
    const zone = withSet(base, first.rrset.owner, RRType.NSEC3, (s) => {
      const n = decodeNsec3(s.rrset.rdatas[0]!);
      return resignedBy(s, [encodeNsec3({ ...n, nextHashed: decodeNsec3(records[1]!.rrset.rdatas[0]!).nextHashed })], [keys.zsk]);
    });
    const r = verify(zone);
    expect(codes(r)).toEqual(['critical:NSEC3_CHAIN_GAP']);
    expect(r.findings[0]!.message).toContain('skipping');
  });

  it('an NSEC3 at the hash of glue: NSEC3_UNEXPECTED_OWNER', () => {
    const zone = withWrongNsec3Hash(base, www, name('ns.sub'), [keys.zsk]);
    const r = verify(zone);
    expect(codes(r)).toEqual(['critical:NSEC3_CHAIN_GAP', 'warning:NSEC3_UNEXPECTED_OWNER']);
    expect(r.findings.find((f) => f.code === 'NSEC3_UNEXPECTED_OWNER')!.details).toEqual({ name: 'ns.sub.example.test.' });
  });

  it('empty non-terminals need NSEC3 records with empty bitmaps', () => {
    const ent = name('y.deep');
    const set = nsec3For(base, ent);
    expect(decodeNsec3(set.rrset.rdatas[0]!).types).toEqual([]);
    const zone = withSet(base, set.rrset.owner, RRType.NSEC3, () => null);
    const r = verify(zone);
    expect(r.findings.filter((f) => f.owner === 'y.deep.example.test.').map((f) => f.code)).toEqual(['NSEC3_CHAIN_GAP']);
  });

  it('an insecure delegation: "NS" only; a secure one: "NS DS RRSIG"', () => {
    expect(decodeNsec3(nsec3For(base, name('insecure')).rrset.rdatas[0]!).types).toEqual([RRType.NS]);
    expect(decodeNsec3(nsec3For(base, name('sub')).rrset.rdatas[0]!).types).toEqual([RRType.NS, RRType.DS, RRType.RRSIG]);
    const zone = withSet(base, nsec3For(base, name('insecure')).rrset.owner, RRType.NSEC3, (s) => {
      const n = decodeNsec3(s.rrset.rdatas[0]!);
      return resignedBy(s, [encodeNsec3({ ...n, types: [RRType.NS, RRType.RRSIG] })], [keys.zsk]);
    });
    const r = verify(zone);
    expect(codes(r)).toEqual(['critical:NSEC3_BAD_BITMAP']);
    expect(r.findings[0]!.details).toMatchObject({ name: 'insecure.example.test.', extra: 'RRSIG' });
  });
});

describe('NSEC3 with Opt-Out', () => {
  const optOut = { kind: 'nsec3' as const, iterations: 0, salt: new Uint8Array(0), optOut: true };
  const zone = signCorpus({ now: NOW, keys: kskZsk(keys), zoneText: OPT_OUT_ZONE_TEXT, denial: optOut });
  const hasher = createNsec3Hasher(0, new Uint8Array(0));
  const hashOwner = (n: Name) => Name.fromLabels([Buffer.from(toBase32Hex(hasher.hashName(n)), 'latin1'), ...ORIGIN.labels]);

  it('leaves out insecure delegations and the empty non-terminals above only them: no findings', () => {
    expect(verify(zone).findings).toEqual([]);
    const owners = new Set(zone.rrsets.filter((s) => s.rrset.type === RRType.NSEC3).map((s) => s.rrset.owner.toString()));
    for (const out of ['insecure', 'a.b.deeper', 'b.deeper', 'deeper']) expect(owners.has(hashOwner(name(out)).toString()), out).toBe(false);
    for (const inside of ['c.d.secure2', 'd.secure2', 'secure2', 'sub']) expect(owners.has(hashOwner(name(inside)).toString()), inside).toBe(true);
  });

  it('an opted-out delegation whose covering NSEC3 lost the Opt-Out flag: OPT_OUT_FLAG_NOT_SET', () => {
    // The NSEC3 that covers the hash of `insecure.` is the last one before it in hash order.
    const h = hasher.hashName(name('insecure'));
    const records = zone.rrsets.filter((s) => s.rrset.type === RRType.NSEC3);
    const before = records.filter((s) => toBase32Hex(h) > Buffer.from(s.rrset.owner.labels[0]!).toString('latin1'));
    const cover = before.at(-1) ?? records.at(-1)!;
    const broken = withSet(zone, cover.rrset.owner, RRType.NSEC3, (s) => {
      const n = decodeNsec3(s.rrset.rdatas[0]!);
      return resignedBy(s, [encodeNsec3({ ...n, flags: 0 })], [keys.zsk]);
    });
    const r = verify(broken);
    expect(codes(r)).toContain('critical:OPT_OUT_FLAG_NOT_SET');
    expect(codes(r)).toContain('warning:NSEC3_OPT_OUT_INCONSISTENT');
  });
});

describe('which chain', () => {
  const base = signCorpus({ now: NOW, keys: kskZsk(keys) });

  it('no NSEC and no NSEC3: DENIAL_MISSING', () => {
    const zone = without(base, (s) => s.rrset.type === RRType.NSEC3 || s.rrset.type === RRType.NSEC3PARAM);
    const r = verify(zone);
    expect(codes(r)).toEqual(['critical:DENIAL_MISSING']);
    expect(r.stats.denial).toBeNull();
  });

  it('both kinds: DENIAL_MIXED, and the NSEC3 chain is the one judged', () => {
    const nsec = signCorpus({ now: NOW, keys: kskZsk(keys), denial: { kind: 'nsec' } });
    const zone = withAdded(base, findSet(nsec, www, RRType.NSEC));
    const r = verify(zone);
    expect(codes(r)).toEqual(['warning:DENIAL_MIXED']);
    expect(r.stats.denial).toBe('nsec3');
  });
});
