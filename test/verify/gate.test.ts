/** verifyForPublication: the signer's safety gate (criticals only, no horizon judgement, optional sampling). */
import { describe, expect, it } from 'vitest';
import { RRType } from '../../src/zone/types.ts';
import { verifyForPublication, verifySignedZone } from '../../src/verify/verify-zone.ts';
import { corpusKeys, ipv4, kskZsk, name, ORIGIN, signCorpus, tampered, withSet } from './helpers/corpus.ts';

const NOW = 1_800_000_000;
const keys = corpusKeys();
const base = signCorpus({ now: NOW, keys: kskZsk(keys) });
const www = name('www');

describe('verifyForPublication', () => {
  it('passes a freshly signed zone: no findings', () => {
    expect(verifyForPublication(base, { now: NOW })).toEqual([]);
  });

  it('returns the critical findings of a broken zone', () => {
    const broken = withSet(base, www, RRType.A, (s) => tampered(s, [ipv4('192.0.2.200')]));
    const findings = verifyForPublication(broken, { now: NOW });
    expect(findings.map((f) => f.code)).toEqual(['SIGNATURE_INVALID']);
    expect(findings[0]!.severity).toBe('critical');
  });

  it('ignores warnings (RFC 9276 advice) and does not judge the horizon', () => {
    const salted = signCorpus({ now: NOW, keys: kskZsk(keys), validity: 86400, denial: { kind: 'nsec3', iterations: 3, salt: Uint8Array.of(1), optOut: false } });
    expect(verifySignedZone(salted, { now: NOW }).status).toBe(2);
    expect(verifyForPublication(salted, { now: NOW })).toEqual([]);
  });

  it('checks the chain of trust when given the parent\'s DS', () => {
    const findings = verifyForPublication(base, { now: NOW, anchors: { ds: [Uint8Array.of(0, 1, 13, 2, ...new Array(32).fill(0))] } });
    expect(findings.map((f) => f.code).sort()).toEqual(['DS_MATCHES_NO_DNSKEY', 'NO_SEP']);
  });
});

describe('sampling the signature arithmetic', () => {
  const big = signCorpus({
    now: NOW,
    keys: kskZsk(keys),
    zoneText: `$ORIGIN example.test.\n$TTL 3600\n@ IN SOA ns1 hm 1 7200 3600 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n${Array.from({ length: 200 }, (_, i) => `h${i} IN A 192.0.2.${i % 250}`).join('\n')}\n`,
  });

  it('checks about the given fraction, always the apex key sets, and every other rule on all', () => {
    const all = verifySignedZone(big, { now: NOW });
    const tenth = verifySignedZone(big, { now: NOW, sample: 0.1 });
    expect(all.stats.signaturesVerified).toBe(all.stats.signatures);
    expect(tenth.stats.signatures).toBe(all.stats.signatures);
    expect(tenth.stats.signaturesVerified).toBeGreaterThan(all.stats.signatures * 0.08);
    expect(tenth.stats.signaturesVerified).toBeLessThan(all.stats.signatures * 0.14);
    expect(tenth.findings).toEqual([]);
  });

  it('a sample still catches broken keys: the DNSKEY RRset is always verified', () => {
    const broken = withSet(big, ORIGIN, RRType.DNSKEY, (s) => ({ rrset: s.rrset, signatures: s.signatures.map((sig) => sig.map((b, i) => (i === sig.length - 1 ? b ^ 1 : b))) }));
    const findings = verifyForPublication(broken, { now: NOW, sample: 0.01 });
    expect(findings.map((f) => [f.code, f.owner, f.type])).toEqual([['SIGNATURE_INVALID', 'example.test.', 'DNSKEY']]);
  });
});
