/**
 * The lean safety gate (SPEC safety rule 1) for zones signed by the
 * streaming signer: the signed file is read back with the compact loader
 * (src/signer/parallel/fast-load.ts) and checked as a validator would see
 * it at `now`, in one pass over the owners, with memory that grows with the
 * compact arrays rather than with one object per record.
 *
 * What it checks (RFC 4035 §2.2, §5.3; RFC 4034 §3, §4; RFC 5155 §7.1):
 * - the apex has one SOA and a DNSKEY RRset whose keys sign it
 *   (verifyApexKeys, as verifySignedZone does);
 * - the owners' authority, by the signer's rules (authority.ts): data at or
 *   below a zone cut is glue (only the DS and the denial records at the cut
 *   are this zone's), delegation NS and glue carry no RRSIG, everything else
 *   carries an RRSIG of every algorithm of the DNSKEY RRset;
 * - every RRSIG field by field (SignatureChecker: signer, labels, original
 *   TTL, key, validity period), and RRSIGs that cover no RRset;
 * - the signature arithmetic over every apex RRset, over the first signed
 *   RRset of each type, and over about `sampleSignatures` more chosen with
 *   a fixed stride, on signed data rebuilt with the general canonical code
 *   (buildRRset, encodeRRsetForSigning), not the streaming signer's;
 * - CDS and CDNSKEY (checkCds);
 * - the NSEC or NSEC3 chain (compact-gate-denial.ts).
 *
 * Per owner it makes the objects SignatureChecker takes (a Name, an RRset
 * view per type); nothing of them outlives the owner.
 */
import { ZoneParseError } from '../core/errors.ts';
import type { UnixSeconds } from '../core/time.ts';
import { isSignedType } from '../signer/authority.ts';
import type { OwnerKind } from '../signer/authority.ts';
import type { CompactZone } from '../signer/parallel/compact-zone.ts';
import { isSubdomainWire, rrsetRdatas } from '../signer/parallel/compact-zone.ts';
import { loadCompactZone } from '../signer/parallel/fast-load.ts';
import { buildRRset } from '../zone/canonical.ts';
import { Name } from '../zone/name.ts';
import type { RRset } from '../zone/record.ts';
import { RRType, typeToString } from '../zone/types.ts';
import { verifyApexKeys } from './apex-keys.ts';
import { checkCds } from './cds.ts';
import { startDenial } from './compact-gate-denial.ts';
import { FindingCollector, sortFindings } from './finding.ts';
import type { Finding } from './finding.ts';
import type { SignedSetInput } from './input.ts';
import { describeAlgorithm } from './keys.ts';
import type { ZoneKey } from './keys.ts';
import type { SignatureChecker } from './signatures.ts';

export interface CompactGateOptions {
  readonly now: UnixSeconds;
  /** How many signatures to verify cryptographically besides those always verified (default 10_000). Infinity = all. */
  readonly sampleSignatures?: number;
}

export interface CompactGateResult {
  /** Every finding (most severe first, at most MAX_FINDINGS_PER_CODE of a code); the gate refuses on any critical one. */
  readonly findings: Finding[];
  /** RRSIGs checked field by field: all of those over RRsets that must be signed. */
  readonly signatures: number;
  /** RRSIGs whose signature arithmetic was done. */
  readonly verified: number;
  /** RRsets in the zone, RRSIGs not counted. */
  readonly rrsets: number;
}

export const DEFAULT_SAMPLE_SIGNATURES = 10_000;
/** As verifyForPublication: enough to explain, few enough to print. */
const MAX_FINDINGS_PER_CODE = 20;

const NO_SIGNATURES: readonly Uint8Array[] = [];

/** Reads a signed zone file with the compact loader and checks it as a validator would see it at `now`. */
export async function verifySignedZoneFile(path: string, origin: Name, options: CompactGateOptions): Promise<CompactGateResult> {
  let zone: CompactZone;
  try {
    zone = await loadCompactZone(path, origin);
  } catch (e) {
    // A file that does not load as a zone (no SOA, out-of-zone data, bad syntax...) is a verdict, not a crash.
    if (!(e instanceof ZoneParseError)) throw e;
    const findings = new FindingCollector(MAX_FINDINGS_PER_CODE);
    findings.add('ZONE_STRUCTURE', 'critical', origin, null, `the signed file does not load as the zone ${origin.toString()} (${e.describe()}): fix the signer's output and sign again`, { error: e.code });
    return { findings: findings.findings, signatures: 0, verified: 0, rrsets: 0 };
  }
  return verifyCompactSignedZone(zone, options);
}

/** The type an RRSIG RDATA covers (RFC 4034 §3.1: its first two octets). */
function covered(rrsig: Uint8Array): number {
  return rrsig.length < 2 ? -1 : (rrsig[0]! << 8) | rrsig[1]!;
}

function covering(sigs: readonly Uint8Array[], type: number): readonly Uint8Array[] {
  if (sigs.length === 0) return NO_SIGNATURES;
  const out: Uint8Array[] = [];
  for (const s of sigs) if (covered(s) === type) out.push(s);
  return out;
}

/**
 * RRset `i` at `owner` as SignatureChecker takes it. For the signature
 * arithmetic it is rebuilt by buildRRset from the records as read (canonical
 * RDATA, sorted, duplicates dropped), independently of the order the loader
 * kept; otherwise the canonical RDATA are not needed and not made.
 */
function rrsetAt(z: CompactZone, owner: Name, i: number, canonical: boolean): RRset {
  const type = z.rsType[i]!;
  const ttl = z.rsTtl[i]!;
  const rdatas = rrsetRdatas(z, i);
  if (canonical) return buildRRset(rdatas.map((rdata) => ({ owner, type, class: z.zoneClass, ttl, rdata })));
  return { owner, type, class: z.zoneClass, ttl, rdatas, canonicalRdatas: rdatas };
}

/** The same on an already loaded CompactZone (for tests). */
export function verifyCompactSignedZone(zone: CompactZone, options: CompactGateOptions): CompactGateResult {
  const z = zone;
  const origin = z.origin;
  const findings = new FindingCollector(MAX_FINDINGS_PER_CODE);
  const canon = z.canon;
  const originWire = origin.canonical;

  // Counts for the sampling stride and the denial kind: one scan of the type array.
  let totalSignatures = 0;
  let nsecSets = 0;
  let nsec3Sets = 0;
  let dataRRsets = 0;
  for (let i = 0; i < z.rrsetCount; i++) {
    const t = z.rsType[i]!;
    if (t === RRType.RRSIG) totalSignatures += z.rsRdataCount[i]!;
    else dataRRsets++;
    if (t === RRType.NSEC) nsecSets++;
    else if (t === RRType.NSEC3) nsec3Sets++;
  }
  const done = (checker: SignatureChecker | null): CompactGateResult => ({
    findings: sortFindings(findings.findings), signatures: checker?.signatures ?? 0, verified: checker?.verified ?? 0, rrsets: dataRRsets,
  });

  // The apex: owner 0 in canonical order, with exactly one SOA (the loader checks most of this; the gate does not rely on it).
  const apex = z.ownerCount > 0 && sameWire(canon, z.ownerStart[0]!, z.ownerStart[1]!, originWire) ? 0 : -1;
  const apexSet = (type: number): number => {
    if (apex < 0) return -1;
    for (let i = z.ownerRRsets[apex]!; i < z.ownerRRsets[apex + 1]!; i++) if (z.rsType[i] === type) return i;
    return -1;
  };
  const soa = apexSet(RRType.SOA);
  if (soa < 0 || z.rsRdataCount[soa] !== 1) {
    const what = soa < 0 ? 'has no SOA record at its apex' : `has ${z.rsRdataCount[soa]} SOA records`;
    findings.add('ZONE_STRUCTURE', 'critical', origin, RRType.SOA, `the zone ${origin.toString()} ${what}: fix the zone's data and sign it again`);
    return done(null);
  }
  const apexRrsig = apexSet(RRType.RRSIG);
  const apexSigs = apexRrsig >= 0 ? rrsetRdatas(z, apexRrsig) : NO_SIGNATURES;
  const dnskey = apexSet(RRType.DNSKEY);
  const dnskeyInput: SignedSetInput | null = dnskey < 0 ? null : { rrset: rrsetAt(z, origin, dnskey, true), signatures: covering(apexSigs, RRType.DNSKEY) };
  const apexKeys = verifyApexKeys(origin, dnskeyInput, { now: options.now }, findings);
  if (apexKeys === null) return done(null);
  const checker = apexKeys.checker;
  const cdsSigners: ZoneKey[] = [];
  const cdnskeySigners: ZoneKey[] = [];

  // The stride: each RRset outside the always-verified ones earns credit for its signatures; verify it when credit reaches one.
  const sample = options.sampleSignatures ?? DEFAULT_SAMPLE_SIGNATURES;
  const rate = sample === Infinity ? 1 : !(sample > 0) || totalSignatures === 0 ? 0 : Math.min(1, sample / totalSignatures);
  let credit = 0;
  const typesVerified = new Set<number>();

  const denial = startDenial(z, apex, { nsec: nsecSets, nsec3: nsec3Sets }, findings);
  // The closest zone cut or DNAME above the current owner (owners come in canonical order: each name before its descendants).
  let cutStart = -1;
  let cutEnd = -1;
  let cutKind: OwnerKind = 'glue';
  const types: number[] = [];
  for (let k = 0; k < z.ownerCount; k++) {
    const first = z.ownerRRsets[k]!;
    const last = z.ownerRRsets[k + 1]!;
    const os = z.ownerStart[k]!;
    const oe = z.ownerStart[k + 1]!;
    const atApex = k === apex;
    let sigSet = -1;
    let nsec = -1;
    let nsec3 = -1;
    let hasNs = false;
    let hasDs = false;
    let hasDname = false;
    let hasData = false;
    types.length = 0;
    for (let i = first; i < last; i++) {
      const t = z.rsType[i]!;
      if (t === RRType.RRSIG) sigSet = i;
      else if (t === RRType.NSEC) nsec = i;
      else if (t === RRType.NSEC3) nsec3 = i;
      else types.push(t);
      if (t === RRType.NS) hasNs = true;
      else if (t === RRType.DS) hasDs = true;
      else if (t === RRType.DNAME) hasDname = true;
      if (t !== RRType.RRSIG && t !== RRType.NSEC && t !== RRType.NSEC3 && t !== RRType.NSEC3PARAM) hasData = true;
    }
    const name = atApex ? origin : Name.fromWire(canon, os).name;

    // Authority as classifyZone decides it. Names holding only denial records (NSEC3 owners) are no
    // owners there: authoritative for their own signatures, outside the chain, no effect on cuts.
    let kind: OwnerKind;
    if (!hasData) {
      kind = 'authoritative';
    } else if (cutStart >= 0 && isSubdomainWire(canon, os, oe, canon, cutStart, cutEnd)) {
      kind = cutKind;
    } else {
      cutStart = -1;
      if (atApex) {
        kind = 'apex';
      } else if (hasNs) {
        // RFC 4035 §2.2: an NS RRset at a non-apex name marks a zone cut.
        kind = 'delegation';
      } else {
        kind = 'authoritative';
        if (hasDs) {
          findings.add('ZONE_STRUCTURE', 'critical', name, RRType.DS,
            `${name.toString()} has a DS record but no NS records: DS belongs at a delegation point; fix the zone's data and sign it again`);
        }
      }
      if (kind === 'delegation' || hasDname) {
        // RFC 6672 §2.3: below a DNAME everything is occluded (a DNAME beside NS is still a cut).
        cutStart = os;
        cutEnd = oe;
        cutKind = kind === 'delegation' ? 'glue' : 'occluded';
      }
    }

    const sigs = sigSet >= 0 ? rrsetRdatas(z, sigSet) : NO_SIGNATURES;
    for (let i = first; i < last; i++) {
      const t = z.rsType[i]!;
      if (t === RRType.RRSIG) continue;
      const mine = covering(sigs, t);
      if (t === RRType.DNSKEY && !atApex && kind === 'authoritative') {
        findings.add('DNSKEY_NOT_AT_ZONE_APEX', 'warning', name, RRType.DNSKEY,
          `a DNSKEY RRset at ${name.toString()} is not at the apex, so it is no key of the zone: remove it or move the zone cut`);
      }
      // RFC 4035 §2.3: every NSEC and NSEC3 is signed, even at a delegation.
      const mustSign = t === RRType.NSEC || t === RRType.NSEC3 || isSignedType(kind, t);
      if (!mustSign) {
        if (mine.length > 0) {
          const what = kind === 'delegation' ? 'the NS RRset at a delegation' : kind === 'glue' ? 'glue below a delegation' : 'data occluded by a DNAME';
          findings.add('GLUE_SIGNED', 'warning', name, t,
            `${name.toString()} ${typeToString(t)} is ${what} but carries RRSIGs, which RFC 4035 §2.2 forbids: re-sign the zone without them`);
        }
        continue;
      }
      // The apex DNSKEY RRset was checked in full by verifyApexKeys.
      if (atApex && t === RRType.DNSKEY) continue;
      const signers = atApex && t === RRType.CDS ? cdsSigners : atApex && t === RRType.CDNSKEY ? cdnskeySigners : undefined;
      let crypto: boolean;
      if (atApex || (mine.length > 0 && !typesVerified.has(t))) {
        crypto = true;
        if (mine.length > 0) typesVerified.add(t);
      } else if (rate >= 1) {
        crypto = true;
      } else {
        credit += rate * mine.length;
        crypto = credit >= 1;
        if (crypto) credit -= mine.length;
      }
      checker.check({ rrset: rrsetAt(z, name, i, crypto), signatures: mine }, crypto, signers);
    }
    // RRSIGs over a type with no RRset at the owner.
    for (const s of sigs) {
      const c = covered(s);
      let found = false;
      for (let i = first; i < last && !found; i++) if (z.rsType[i] === c && c !== RRType.RRSIG) found = true;
      if (!found) {
        findings.add('RRSIG_WITHOUT_RRSET', 'warning', name, c,
          `an RRSIG covers ${name.toString()} ${typeToString(c)}, which has no records: remove the stale signature`);
      }
    }
    const member = hasData && (kind === 'apex' || kind === 'authoritative' || kind === 'delegation');
    denial.owner({ index: k, name, kind, types, hasDs, member, nsec, nsec3 });
  }

  // RFC 4035 §2.2 across the zone, as verifySignedZone judges it.
  checker.judgeAlgorithms("the zone's data");
  for (const [algorithm, count] of checker.foreignAlgorithms) {
    findings.add('RRSIG_NO_MATCHING_DNSKEY', 'info', origin, RRType.DNSKEY,
      `${count} RRSIG(s) use algorithm ${describeAlgorithm(algorithm)}, which no key of the DNSKEY RRset has (the first step of an algorithm rollover, or stale signatures): publish that key next, or drop those signatures`,
      { algorithm, signatures: count });
  }
  const cds = apexSet(RRType.CDS);
  const cdnskey = apexSet(RRType.CDNSKEY);
  if (cds >= 0 || cdnskey >= 0) {
    checkCds(origin, apexKeys.keys, {
      cds: cds < 0 ? null : rrsetRdatas(z, cds),
      cdnskey: cdnskey < 0 ? null : rrsetRdatas(z, cdnskey),
      cdsSigners,
      cdnskeySigners,
    }, apexKeys.dnskeySigners, apexKeys.ksks, findings);
  }
  denial.finish();
  return done(checker);
}

function sameWire(a: Uint8Array, start: number, end: number, b: Uint8Array): boolean {
  if (end - start !== b.length) return false;
  for (let i = 0; i < b.length; i++) if (a[start + i] !== b[i]) return false;
  return true;
}
