/** RRSIG checks of the verifier (RFC 4035 §5.3), on zones from the pure signer broken in memory. */
import { describe, expect, it } from 'vitest';
import { createPrivateKey } from 'node:crypto';
import { createSigningKey } from '../../src/signer/algorithms.ts';
import { computeKeyTag } from '../../src/signer/keytag.ts';
import { decodeRrsig, encodeRrsig } from '../../src/zone/dnssec-rdata.ts';
import { Name } from '../../src/zone/name.ts';
import { parseZoneText } from '../../src/zone/parser.ts';
import { RRType } from '../../src/zone/types.ts';
import { verifySignedZone } from '../../src/verify/verify-zone.ts';
import {
  corpusKeys, ed25519Key, findSet, kskZsk, makeSet, name, ORIGIN, p256Key, renderZone, resignedBy, signCorpus, signWith,
  timesOf, withAdded, withSet, without,
} from './helpers/corpus.ts';
import { codes } from './helpers/expect.ts';

const NOW = 1_800_000_000;
const DAY = 86400;
const keys = corpusKeys();
const base = signCorpus({ now: NOW, keys: kskZsk(keys) });
const www = name('www');
const verify = (zone: Parameters<typeof verifySignedZone>[0]) => verifySignedZone(zone, { now: NOW });

describe('a zone straight from the signer', () => {
  it('has no findings, as a SignedZone and as parsed text alike', () => {
    const fromZone = verify(base);
    expect(fromZone.findings).toEqual([]);
    expect(fromZone.status).toBe(0);
    const records = parseZoneText(renderZone(base), { origin: Name.root, file: 'signed' });
    const fromText = verify(records);
    expect(fromText.findings).toEqual([]);
    expect(fromText.origin.toString()).toBe('example.test.');
    expect(fromText.stats).toEqual(fromZone.stats);
    expect(fromText.stats.signatures).toBe(fromText.stats.signaturesVerified);
  });

  it('reports the earliest expiration and where it is', () => {
    const r = verify(base);
    expect(r.horizon).toBe(NOW + 14 * DAY);
    expect(r.horizonRRset).toEqual({ owner: 'example.test.', type: 'DNSKEY' });
    const early = withSet(base, www, RRType.AAAA, (s) => ({ rrset: s.rrset, signatures: signWith(s.rrset, [keys.zsk], { inception: NOW - 3600, expiration: NOW + 9 * DAY }) }));
    const e = verify(early);
    expect(e.horizon).toBe(NOW + 9 * DAY);
    expect(e.horizonRRset).toEqual({ owner: 'www.example.test.', type: 'AAAA' });
  });

  it('handles RRSIG times across the 2^32 wrap (RFC 4034 §3.1.5 serial arithmetic)', () => {
    const now = 2 ** 32 - 3 * DAY;
    const zone = signCorpus({ now, keys: kskZsk(keys) });
    const r = verifySignedZone(zone, { now });
    expect(r.findings).toEqual([]);
    expect(r.horizon).toBe(now + 14 * DAY);
    const later = verifySignedZone(zone, { now: now + 15 * DAY });
    expect(later.findings.some((f) => f.code === 'EXPIRATION_IN_PAST')).toBe(true);
  });
});

describe('per-signature checks', () => {
  const patchLabels = (labels: number) => withSet(base, www, RRType.A, (s) => {
    const r = decodeRrsig(s.signatures[0]!);
    return { rrset: s.rrset, signatures: [encodeRrsig({ ...r, labels })] };
  });

  it('Labels smaller than the owner: RRSIG_BAD_LABELS; larger: RRSIG_LABELS_EXCEED_RRSET_OWNER_LABELS', () => {
    expect(codes(verify(patchLabels(2)))).toEqual(['critical:RRSIG_BAD_LABELS']);
    expect(codes(verify(patchLabels(4)))).toEqual(['critical:RRSIG_LABELS_EXCEED_RRSET_OWNER_LABELS']);
  });

  it('a wildcard owner is signed with the * left out of Labels', () => {
    const set = findSet(base, name('*.wild'), RRType.TXT);
    expect(decodeRrsig(set.signatures[0]!).labels).toBe(3);
    expect(verify(base).findings).toEqual([]);
  });

  it('an RRset TTL above the Original TTL: ORIGINAL_TTL_EXCEEDED (warning, signature still valid)', () => {
    const zone = withSet(base, www, RRType.A, (s) => ({ rrset: makeSet(www, RRType.A, s.rrset.rdatas, 7200), signatures: s.signatures }));
    const r = verify(zone);
    expect(codes(r)).toEqual(['warning:ORIGINAL_TTL_EXCEEDED']);
    expect(r.status).toBe(1);
  });

  it('an Original TTL above the RRset TTL: RRSIG_BAD_ORIGINAL_TTL', () => {
    const zone = withSet(base, www, RRType.A, (s) => ({ rrset: makeSet(www, RRType.A, s.rrset.rdatas, 600), signatures: s.signatures }));
    expect(codes(verify(zone))).toEqual(['warning:RRSIG_BAD_ORIGINAL_TTL']);
  });

  it('an RRSIG record whose TTL differs from the RRset: RRSET_TTL_MISMATCH', () => {
    const text = renderZone(base).replace(/^(www\.example\.test\.\t)3600(\tIN\tRRSIG\tA )/m, '$1600$2');
    const r = verify(parseZoneText(text, { origin: Name.root, file: 'signed' }));
    expect(codes(r)).toEqual(['warning:RRSET_TTL_MISMATCH']);
  });

  it('an RRSIG by a key not in the DNSKEY RRset: a warning beside a good one, MISSING_RRSIG_FOR_ALG_DNSKEY alone', () => {
    const stranger = p256Key(256);
    const both = withSet(base, www, RRType.A, (s) => ({ rrset: s.rrset, signatures: [...s.signatures, ...signWith(s.rrset, [stranger], timesOf(s))] }));
    expect(codes(verify(both))).toEqual(['warning:RRSIG_NO_MATCHING_DNSKEY']);
    const alone = withSet(base, www, RRType.A, (s) => ({ rrset: s.rrset, signatures: signWith(s.rrset, [stranger], timesOf(s)) }));
    expect(codes(verify(alone))).toEqual(['critical:MISSING_RRSIG_FOR_ALG_DNSKEY', 'warning:RRSIG_NO_MATCHING_DNSKEY']);
  });

  it('signatures of an algorithm with no DNSKEY (first step of an algorithm rollover): one info, exit 0', () => {
    let zone = base;
    for (const t of [RRType.A, RRType.AAAA]) {
      zone = withSet(zone, www, t, (s) => ({ rrset: s.rrset, signatures: [...s.signatures, ...signWith(s.rrset, [keys.zsk2], timesOf(s))] }));
    }
    const r = verify(zone);
    expect(codes(r)).toEqual(['info:RRSIG_NO_MATCHING_DNSKEY']);
    expect(r.findings[0]!.details).toMatchObject({ algorithm: 15, signatures: 2 });
    expect(r.status).toBe(0);
  });

  it('an RRset without RRSIG: MISSING_RRSIG', () => {
    const zone = withSet(base, www, RRType.A, (s) => ({ rrset: s.rrset, signatures: [] }));
    const r = verify(zone);
    expect(codes(r)).toEqual(['critical:MISSING_RRSIG']);
    expect(r.findings[0]).toMatchObject({ owner: 'www.example.test.', type: 'A' });
  });

  it('glue, a delegation NS or occluded data with RRSIGs: GLUE_SIGNED', () => {
    const glue = name('ns.sub');
    const zone = withSet(base, glue, RRType.A, (s) => ({ rrset: s.rrset, signatures: signWith(s.rrset, [keys.zsk], timesOf(findSet(base, www, RRType.A))) }));
    expect(codes(verify(zone))).toEqual(['warning:GLUE_SIGNED']);
    const ns = withSet(base, name('insecure'), RRType.NS, (s) => ({ rrset: s.rrset, signatures: signWith(s.rrset, [keys.zsk], timesOf(findSet(base, www, RRType.A))) }));
    const r = verify(ns);
    expect(codes(r)).toEqual(['warning:GLUE_SIGNED']);
    expect(r.findings[0]!.message).toContain('delegation');
  });

  it('a revoked key signing data other than the DNSKEY RRset: DNSKEY_REVOKED_RRSIG', () => {
    const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, 0x44)]);
    const revoked = createSigningKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }), 15, 257 | 0x80);
    const two = signCorpus({ now: NOW, keys: [...kskZsk(keys), { key: keys.ksk2, signs: 'ksk' }, { key: keys.zsk2, signs: 'zsk' }] });
    let zone = withSet(two, ORIGIN, RRType.DNSKEY, (s) => resignedBy(s, [...s.rrset.rdatas, revoked.dnskeyRdata], [keys.ksk, keys.ksk2]));
    zone = withSet(zone, www, RRType.A, (s) => ({ rrset: s.rrset, signatures: [...s.signatures, ...signWith(s.rrset, [revoked], timesOf(s))] }));
    expect(codes(verify(zone))).toEqual(['warning:DNSKEY_REVOKED_RRSIG']);
  });

  it('a DNSKEY that is not a valid key: DNSKEY_MALFORMED', () => {
    const broken = Uint8Array.of(1, 0, 3, 13, ...new Array(10).fill(7));
    const zone = withSet(base, ORIGIN, RRType.DNSKEY, (s) => resignedBy(s, [...s.rrset.rdatas, broken], [keys.ksk]));
    expect(codes(verify(zone))).toEqual(['warning:DNSKEY_MALFORMED']);
  });

  it('signatures of an algorithm signet cannot check: ALGORITHM_NOT_SUPPORTED, once', () => {
    // An algorithm 12 (GOST) key and a (fake) algorithm 12 RRSIG over every signed RRset.
    const gost = Uint8Array.of(1, 0, 3, 12, ...new Array(64).fill(9));
    let zone = withSet(base, ORIGIN, RRType.DNSKEY, (s) => resignedBy(s, [...s.rrset.rdatas, gost], [keys.ksk]));
    const tag = computeKeyTag(gost);
    zone = {
      ...zone,
      rrsets: zone.rrsets.map((s) => {
        if (s.signatures.length === 0) return s;
        const r = decodeRrsig(s.signatures[0]!);
        return { rrset: s.rrset, signatures: [...s.signatures, encodeRrsig({ ...r, algorithm: 12, keyTag: tag, signature: new Uint8Array(64) })] };
      }),
    };
    const r = verify(zone);
    expect(codes(r)).toEqual(['warning:ALGORITHM_NOT_SUPPORTED']);
  });

  it('a DNSKEY RRset below the apex is reported (and is no key of the zone)', () => {
    const zone = signCorpus({ now: NOW, keys: kskZsk(keys), zoneText: zoneWithDnskeyBelowApex() });
    expect(codes(verify(zone))).toEqual(['warning:DNSKEY_NOT_AT_ZONE_APEX']);
  });
});

/** Zone text with a DNSKEY at www (which the signer keeps and signs as ordinary data). */
function zoneWithDnskeyBelowApex(): string {
  return `$ORIGIN example.test.
$TTL 3600
@   IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@   IN NS  ns1
ns1 IN A   192.0.2.1
www IN DNSKEY 256 3 15 ${Buffer.from(ed25519Key(0x55, 256).dnskeyRdata.subarray(4)).toString('base64')}
`;
}

describe('per-zone checks', () => {
  it('no DNSKEY RRset: DNSKEY_MISSING and nothing else', () => {
    const zone = without(base, (s) => s.rrset.type === RRType.DNSKEY);
    const r = verify(zone);
    expect(codes(r)).toEqual(['critical:DNSKEY_MISSING']);
    expect(r.status).toBe(2);
  });

  it('an unsigned zone (no DNSKEY, no RRSIG) is DNSKEY_MISSING', () => {
    const records = parseZoneText('$ORIGIN u.test.\n@ 3600 IN SOA ns hm 1 2 3 4 5\n@ 3600 IN NS ns\nns 3600 IN A 192.0.2.1\n', { origin: Name.root, file: 'u' });
    expect(codes(verify(records))).toEqual(['critical:DNSKEY_MISSING']);
  });

  it('a DS without NS (not a zone the signer accepts): ZONE_STRUCTURE', () => {
    const zone = withAdded(base, { rrset: makeSet(name('nodeleg'), RRType.DS, [findSet(base, name('sub'), RRType.DS).rrset.rdatas[0]!]), signatures: [] });
    const r = verify(zone);
    expect(codes(r)).toEqual(['critical:ZONE_STRUCTURE']);
    expect(r.findings[0]!.details).toEqual({ error: 'ERR_SIGN_DS_NOT_AT_DELEGATION' });
  });

  it('records outside the zone and an RRSIG without its RRset, in a file', () => {
    const text = `${renderZone(base)}other.test. 3600 IN A 192.0.2.9\n${renderZone(base).split('\n').find((l) => l.startsWith('www.example.test.\t3600\tIN\tRRSIG\tA '))!.replace('RRSIG\tA ', 'RRSIG\tMX ')}\n`;
    const r = verify(parseZoneText(text, { origin: Name.root, file: 'signed' }));
    expect(codes(r)).toEqual(['warning:OUT_OF_ZONE_DATA', 'warning:RRSIG_WITHOUT_RRSET']);
  });

  it('keeps at most maxFindingsPerCode findings of a code but counts them all', () => {
    const zone = { ...base, rrsets: base.rrsets.map((s) => (s.rrset.type === RRType.DNSKEY ? s : { rrset: s.rrset, signatures: [] })) };
    const r = verifySignedZone(zone, { now: NOW, maxFindingsPerCode: 3 });
    expect(r.findings.filter((f) => f.code === 'MISSING_RRSIG')).toHaveLength(3);
    expect(r.stats.findingsByCode.MISSING_RRSIG).toBe(25);
    expect(r.stats.findings.critical).toBeGreaterThanOrEqual(25);
    expect(r.stats.findingsNotListed).toBe(22);
  });
});

