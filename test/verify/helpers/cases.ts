/**
 * The corpus cases: each builds one signed zone (and, where the case needs
 * it, a trust anchor file) broken in exactly one way, names the finding code
 * signet must report, and names an independent verifier that rejects the
 * same file.
 */
import type { SignedZone } from '../../../src/signer/sign-zone.ts';
import { decodeRrsig } from '../../../src/zone/dnssec-rdata.ts';
import { RRType } from '../../../src/zone/types.ts';
import type { FindingCode } from '../../../src/verify/codes.ts';
import {
  dsLine, dsRdata, ipv4, kskZsk, name, nsec3For, ORIGIN, resignedBy, signCorpus, signWith,
  tampered, timesOf, withNsec3Types, withNsecTypes, withSet, withWrongNsec3Hash,
} from './corpus.ts';
import type { CorpusKeys } from './corpus.ts';
import { CORPUS_ZONE_TEXT } from './corpus.ts';

const DAY = 86400;

/**
 * ldns-verify-zone (with -t NOW and, for anchor cases, -k), dnssec-verify
 * (wall clock), or named-checkzone (BIND's loader: the only one of the three
 * that checks CDS/CDNSKEY against the DNSKEY RRset).
 */
export type ExternalVerifier = 'ldns-verify-zone' | 'dnssec-verify' | 'named-checkzone';

export interface BuiltCase {
  readonly zone: SignedZone;
  /** Trust anchor file content (zone-file DS or DNSKEY lines), when the case needs one. */
  readonly anchor?: string;
}

export interface CorpusCase {
  readonly name: string;
  readonly code: FindingCode;
  readonly rejectedBy: ExternalVerifier;
  build(now: number, keys: CorpusKeys): BuiltCase;
}

const www = name('www');

export const BROKEN_CASES: readonly CorpusCase[] = [
  {
    name: 'expired RRSIG',
    code: 'EXPIRATION_IN_PAST',
    rejectedBy: 'ldns-verify-zone',
    build(now, keys) {
      const zone = signCorpus({ now, keys: kskZsk(keys) });
      return { zone: withSet(zone, www, RRType.A, (s) => ({ rrset: s.rrset, signatures: signWith(s.rrset, [keys.zsk], { inception: now - 20 * DAY, expiration: now - DAY }) })) };
    },
  },
  {
    name: 'inception in the future',
    code: 'INCEPTION_IN_FUTURE',
    rejectedBy: 'ldns-verify-zone',
    build(now, keys) {
      const zone = signCorpus({ now, keys: kskZsk(keys) });
      return { zone: withSet(zone, www, RRType.A, (s) => ({ rrset: s.rrset, signatures: signWith(s.rrset, [keys.zsk], { inception: now + DAY, expiration: now + 15 * DAY }) })) };
    },
  },
  {
    name: 'tampered RDATA',
    code: 'SIGNATURE_INVALID',
    rejectedBy: 'ldns-verify-zone',
    build(now, keys) {
      const zone = signCorpus({ now, keys: kskZsk(keys) });
      return { zone: withSet(zone, www, RRType.A, (s) => tampered(s, [ipv4('198.51.100.66')])) };
    },
  },
  {
    name: 'wrong signer name',
    code: 'SIGNER_NOT_ZONE',
    rejectedBy: 'dnssec-verify',
    build(now, keys) {
      const zone = signCorpus({ now, keys: kskZsk(keys) });
      return {
        zone: withSet(zone, www, RRType.A, (s) => ({ rrset: s.rrset, signatures: signWith(s.rrset, [keys.zsk], { ...timesOf(s), signerName: name('other.test.') }) })),
      };
    },
  },
  {
    name: 'RRset missing the signature of one algorithm',
    code: 'MISSING_RRSIG_FOR_ALG_DNSKEY',
    rejectedBy: 'dnssec-verify',
    build(now, keys) {
      const zone = signCorpus({
        now,
        keys: [{ key: keys.ksk, signs: 'ksk' }, { key: keys.zsk, signs: 'zsk' }, { key: keys.ksk2, signs: 'ksk' }, { key: keys.zsk2, signs: 'zsk' }],
      });
      return { zone: withSet(zone, www, RRType.A, (s) => ({ rrset: s.rrset, signatures: s.signatures.filter((r) => decodeRrsig(r).algorithm !== keys.zsk2.algorithm) })) };
    },
  },
  {
    name: 'DS matching no DNSKEY',
    code: 'DS_MATCHES_NO_DNSKEY',
    rejectedBy: 'ldns-verify-zone',
    build(now, keys) {
      return { zone: signCorpus({ now, keys: kskZsk(keys) }), anchor: dsLine(keys.foreign) };
    },
  },
  {
    name: 'algorithm mismatch',
    code: 'ALGORITHM_MISMATCH',
    rejectedBy: 'dnssec-verify',
    build(now, keys) {
      // A half-done algorithm rollover: an algorithm 15 KSK joins the DNSKEY RRset and signs it,
      // but the zone's data is signed with algorithm 13 only.
      const zone = signCorpus({ now, keys: kskZsk(keys) });
      return { zone: withSet(zone, ORIGIN, RRType.DNSKEY, (s) => resignedBy(s, [...s.rrset.rdatas, keys.ksk2.dnskeyRdata], [keys.ksk, keys.ksk2])) };
    },
  },
  {
    name: 'gap in the NSEC3 chain',
    code: 'NSEC3_CHAIN_GAP',
    rejectedBy: 'ldns-verify-zone',
    build(now, keys) {
      const zone = signCorpus({ now, keys: kskZsk(keys) });
      const victim = nsec3For(zone, www);
      return { zone: withSet(zone, victim.rrset.owner, RRType.NSEC3, () => null) };
    },
  },
  {
    name: 'wrong NSEC3 bitmap',
    code: 'NSEC3_BAD_BITMAP',
    rejectedBy: 'dnssec-verify',
    build(now, keys) {
      const zone = signCorpus({ now, keys: kskZsk(keys) });
      return { zone: withNsec3Types(zone, www, (t) => t.filter((x) => x !== RRType.AAAA), [keys.zsk]) };
    },
  },
  {
    name: 'wrong NSEC bitmap',
    code: 'NSEC_BAD_BITMAP',
    rejectedBy: 'dnssec-verify',
    build(now, keys) {
      const zone = signCorpus({ now, keys: kskZsk(keys), denial: { kind: 'nsec' } });
      return { zone: withNsecTypes(zone, www, (t) => t.filter((x) => x !== RRType.AAAA), [keys.zsk]) };
    },
  },
  {
    name: 'wrong NSEC3 hash',
    code: 'NSEC3_BAD_HASH',
    rejectedBy: 'ldns-verify-zone',
    build(now, keys) {
      const zone = signCorpus({ now, keys: kskZsk(keys) });
      return { zone: withWrongNsec3Hash(zone, www, name('nonexistent'), [keys.zsk]) };
    },
  },
  {
    name: 'CDS that disagrees with the DNSKEY set',
    code: 'CDS_MISMATCH',
    rejectedBy: 'named-checkzone',
    build(now, keys) {
      return { zone: signCorpus({ now, keys: kskZsk(keys), cds: [dsRdata(keys.foreign)] }) };
    },
  },
  {
    name: 'CDNSKEY that disagrees with the DNSKEY set',
    code: 'CDNSKEY_MISMATCH',
    rejectedBy: 'named-checkzone',
    build(now, keys) {
      return { zone: signCorpus({ now, keys: kskZsk(keys), cdnskey: [keys.foreign.dnskeyRdata] }) };
    },
  },
];

/** Zone text with Opt-Out material: an insecure delegation below empty non-terminals, and a secure one. */
export const OPT_OUT_ZONE_TEXT = `${CORPUS_ZONE_TEXT}a.b.deeper IN NS ns.example.net.
c.d.secure2 IN NS ns.example.net.
c.d.secure2 IN DS 12345 13 2 8E2A9E1A1C4C7C6B1E5E1B6B1E3C9F1B2A3C4D5E6F708192A3B4C5D6E7F80912
`;

export interface ValidCase {
  readonly name: string;
  /** dnssec-verify needs -z for a CSK (no KSK/ZSK split). */
  readonly csk?: boolean;
  build(now: number, keys: CorpusKeys): BuiltCase;
}

/** Valid zones: signet must exit 0 on each, and the external verifiers accept them. */
export const VALID_CASES: readonly ValidCase[] = [
  { name: 'NSEC3, KSK + ZSK, with its DS as anchor', build: (now, keys) => ({ zone: signCorpus({ now, keys: kskZsk(keys) }), anchor: dsLine(keys.ksk) }) },
  { name: 'NSEC', build: (now, keys) => ({ zone: signCorpus({ now, keys: kskZsk(keys), denial: { kind: 'nsec' } }) }) },
  {
    name: 'NSEC3 with Opt-Out',
    build: (now, keys) => ({ zone: signCorpus({ now, keys: kskZsk(keys), zoneText: OPT_OUT_ZONE_TEXT, denial: { kind: 'nsec3', iterations: 0, salt: new Uint8Array(0), optOut: true } }) }),
  },
  {
    name: 'two algorithms, CDS and CDNSKEY, both DS as anchor',
    build: (now, keys) => ({
      zone: signCorpus({
        now,
        keys: [{ key: keys.ksk, signs: 'ksk' }, { key: keys.zsk, signs: 'zsk' }, { key: keys.ksk2, signs: 'ksk' }, { key: keys.zsk2, signs: 'zsk' }],
        cds: [dsRdata(keys.ksk), dsRdata(keys.ksk2)],
        cdnskey: [keys.ksk.dnskeyRdata, keys.ksk2.dnskeyRdata],
      }),
      anchor: dsLine(keys.ksk) + dsLine(keys.ksk2),
    }),
  },
  { name: 'CSK', csk: true, build: (now, keys) => ({ zone: signCorpus({ now, keys: [{ key: keys.ksk, signs: 'csk' }] }) }) },
];
