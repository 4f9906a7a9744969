/** verifyApexKeys and judgeHorizon: the pieces `signet check` reuses on answers fetched from servers. */
import { describe, expect, it } from 'vitest';
import { RRType } from '../../src/zone/types.ts';
import { verifyApexKeys } from '../../src/verify/apex-keys.ts';
import { FindingCollector } from '../../src/verify/finding.ts';
import { judgeHorizon } from '../../src/verify/verify-zone.ts';
import { corpusKeys, dsRdata, findSet, kskZsk, ORIGIN, signCorpus, tampered } from './helpers/corpus.ts';

const NOW = 1_800_000_000;
const DAY = 86400;
const keys = corpusKeys();
const zone = signCorpus({ now: NOW, keys: kskZsk(keys) });
const dnskey = findSet(zone, ORIGIN, RRType.DNSKEY);
const soa = findSet(zone, ORIGIN, RRType.SOA);

describe('DS -> DNSKEY -> SOA, as check does it', () => {
  it('validates the key set with the parent\'s DS, then the SOA with the returned checker', () => {
    const findings = new FindingCollector();
    const apex = verifyApexKeys(ORIGIN, dnskey, { now: NOW, anchors: { ds: [dsRdata(keys.ksk)] } }, findings);
    expect(apex!.ksks.map((k) => k.keyTag)).toEqual([keys.ksk.keyTag]);
    apex!.checker.check(soa, true);
    judgeHorizon(apex!.checker, { now: NOW }, findings);
    expect(findings.findings).toEqual([]);
    expect(apex!.checker.earliest).toBe(NOW + 14 * DAY);
  });

  it('names each failure: a stale DS, a tampered SOA, an expiry within --warn', () => {
    const findings = new FindingCollector();
    const apex = verifyApexKeys(ORIGIN, dnskey, { now: NOW + 10 * DAY, anchors: { ds: [dsRdata(keys.foreign)] } }, findings);
    apex!.checker.check(tampered(soa, [soa.rrset.rdatas[0]!.map((b, i) => (i === 0 ? b ^ 0x20 : b))]), true);
    judgeHorizon(apex!.checker, { now: NOW + 10 * DAY }, findings);
    expect(findings.findings.map((f) => `${f.severity}:${f.code}`).sort()).toEqual([
      'critical:DS_MATCHES_NO_DNSKEY', 'critical:NO_SEP', 'critical:SIGNATURE_INVALID', 'warning:SIGNATURE_EXPIRES_SOON',
    ]);
  });

  it('no DNSKEY RRset (the zone is not signed): DNSKEY_MISSING and null', () => {
    const findings = new FindingCollector();
    expect(verifyApexKeys(ORIGIN, null, { now: NOW }, findings)).toBeNull();
    expect(findings.findings.map((f) => f.code)).toEqual(['DNSKEY_MISSING']);
  });
});

