/** Trust anchors (RFC 4035 §5.2, RFC 6840 §5.11) and CDS/CDNSKEY (RFC 7344, RFC 8078). */
import { describe, expect, it } from 'vitest';
import { encodeDs, decodeDs } from '../../src/zone/dnssec-rdata.ts';
import { RRType } from '../../src/zone/types.ts';
import { verifySignedZone } from '../../src/verify/verify-zone.ts';
import type { TrustAnchors } from '../../src/verify/anchors.ts';
import { corpusKeys, dsRdata, kskZsk, ORIGIN, resignedBy, signCorpus, withSet } from './helpers/corpus.ts';
import { codes } from './helpers/expect.ts';

const NOW = 1_800_000_000;
const keys = corpusKeys();
const base = signCorpus({ now: NOW, keys: kskZsk(keys) });
const verify = (anchors?: TrustAnchors, zone = base) => verifySignedZone(zone, { now: NOW, ...(anchors ? { anchors } : {}) });

describe('DS anchors', () => {
  it('the KSK\'s DS: no findings', () => {
    expect(verify({ ds: [dsRdata(keys.ksk)] }).findings).toEqual([]);
  });

  it('only a foreign DS: DS_MATCHES_NO_DNSKEY and NO_SEP, critical', () => {
    const r = verify({ ds: [dsRdata(keys.foreign)] });
    expect(codes(r)).toEqual(['critical:DS_MATCHES_NO_DNSKEY', 'critical:NO_SEP']);
    const f = r.findings.find((x) => x.code === 'DS_MATCHES_NO_DNSKEY')!;
    expect(f.message).toMatch(/^the DS at the parent \(tag \d+, algorithm 15 \(ED25519\)\) matches no DNSKEY in the zone.*: publish the key or replace the DS$/);
    expect(f.details).toEqual({ keyTag: keys.foreign.keyTag, algorithm: 15, digestType: 2 });
  });

  it('a stale DS beside a good one: a warning only (RFC 6840 §5.11)', () => {
    const sameAlgorithm = signCorpus({ now: NOW, keys: kskZsk(keys) });
    const staleOf13 = { ...decodeDs(dsRdata(keys.ksk)), keyTag: (keys.ksk.keyTag + 1) & 0xffff };
    expect(codes(verify({ ds: [dsRdata(keys.ksk), encodeDs(staleOf13)] }, sameAlgorithm))).toEqual(['warning:DS_MATCHES_NO_DNSKEY']);
  });

  it('a DS of another algorithm beside a good one: also MISSING_SEP_FOR_ALG, a warning', () => {
    const r = verify({ ds: [dsRdata(keys.ksk), dsRdata(keys.foreign)] });
    expect(codes(r)).toEqual(['warning:DS_MATCHES_NO_DNSKEY', 'warning:MISSING_SEP_FOR_ALG']);
    expect(r.status).toBe(1);
  });

  it('a DS naming the KSK with a wrong digest: DIGEST_INVALID', () => {
    const ds = decodeDs(dsRdata(keys.ksk));
    const wrong = encodeDs({ ...ds, digest: ds.digest.map((b) => b ^ 1) });
    expect(codes(verify({ ds: [wrong] }))).toEqual(['critical:DIGEST_INVALID', 'critical:NO_SEP']);
  });

  it('the DS of a key that does not sign the DNSKEY RRset (the ZSK): NO_SEP', () => {
    expect(codes(verify({ ds: [dsRdata(keys.zsk)] }))).toEqual(['critical:NO_SEP']);
  });

  it('a DS digest type signet cannot compute: DIGEST_ALGORITHM_NOT_SUPPORTED', () => {
    const odd = encodeDs({ ...decodeDs(dsRdata(keys.ksk)), digestType: 3 });
    expect(codes(verify({ ds: [dsRdata(keys.ksk), odd] }))).toEqual(['warning:DIGEST_ALGORITHM_NOT_SUPPORTED']);
  });

  it('an expired RRSIG over the DNSKEY RRset leaves no secure entry point', () => {
    const later = NOW + 15 * 86400;
    const r = verifySignedZone(base, { now: later, anchors: { ds: [dsRdata(keys.ksk)] } });
    expect(r.findings.map((f) => f.code)).toContain('NO_SEP');
  });
});

describe('DNSKEY anchors', () => {
  it('the KSK itself: no findings', () => {
    expect(verify({ dnskey: [keys.ksk.dnskeyRdata] }).findings).toEqual([]);
  });

  it('a key not in the set: TRUST_ANCHOR_NOT_IN_DNSKEY_SET and NO_TRUST_ANCHOR_SIGNING', () => {
    expect(codes(verify({ dnskey: [keys.foreign.dnskeyRdata] }))).toEqual(['critical:NO_TRUST_ANCHOR_SIGNING', 'critical:TRUST_ANCHOR_NOT_IN_DNSKEY_SET']);
  });
});

describe('without anchors', () => {
  it('a DNSKEY RRset signed only by a key without the SEP flag: NO_SEP as a warning', () => {
    const zone = withSet(base, ORIGIN, RRType.DNSKEY, (s) => resignedBy(s, s.rrset.rdatas, [keys.zsk]));
    const r = verify(undefined, zone);
    expect(codes(r)).toEqual(['warning:NO_SEP']);
  });
});

describe('CDS and CDNSKEY', () => {
  const withCds = (cds?: Uint8Array[], cdnskey?: Uint8Array[], k = kskZsk(keys)) =>
    signCorpus({ now: NOW, keys: k, ...(cds ? { cds } : {}), ...(cdnskey ? { cdnskey } : {}) });

  it('matching CDS and CDNSKEY for the KSK: no findings', () => {
    expect(verify(undefined, withCds([dsRdata(keys.ksk)], [keys.ksk.dnskeyRdata])).findings).toEqual([]);
  });

  it('the delete form alone is fine; mixed with other records it is not (RFC 8078 §4)', () => {
    const del = Uint8Array.of(0, 0, 0, 0, 0);
    expect(verify(undefined, withCds([del], [Uint8Array.of(0, 0, 3, 0, 0)])).findings).toEqual([]);
    expect(codes(verify(undefined, withCds([del, dsRdata(keys.ksk)])))).toEqual(['critical:CDS_MISMATCH']);
  });

  it('CDS and CDNSKEY naming only the ZSK, which does not sign the DNSKEY RRset: CDS_MISMATCH and CDNSKEY_MISMATCH', () => {
    expect(codes(verify(undefined, withCds([dsRdata(keys.zsk)], [keys.zsk.dnskeyRdata])))).toEqual(['critical:CDNSKEY_MISMATCH', 'critical:CDS_MISMATCH']);
  });

  it('CDS and CDNSKEY naming different keys: CDS_CDNSKEY_INCONSISTENT', () => {
    const r = verify(undefined, withCds([dsRdata(keys.ksk), dsRdata(keys.zsk)], [keys.ksk.dnskeyRdata]));
    expect(codes(r)).toEqual(['warning:CDS_CDNSKEY_INCONSISTENT']);
  });

  it('a CDS RRset signed by the ZSK only: CDS_NOT_SIGNED_BY_KSK', () => {
    const zone = withSet(withCds([dsRdata(keys.ksk)]), ORIGIN, RRType.CDS, (s) => resignedBy(s, s.rrset.rdatas, [keys.zsk]));
    expect(codes(verify(undefined, zone))).toEqual(['warning:CDS_NOT_SIGNED_BY_KSK']);
    // With the parent's DS as anchor, "KSK" means the key that DS names.
    expect(codes(verify({ ds: [dsRdata(keys.ksk)] }, zone))).toEqual(['warning:CDS_NOT_SIGNED_BY_KSK']);
  });
});
