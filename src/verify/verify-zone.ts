/**
 * verifySignedZone: full RFC 4035 §5 validation of a signed zone, offline.
 *
 * Order of work: classify the names (the signer's own rules), validate the
 * apex DNSKEY RRset and the trust anchors, check every other RRSIG (one
 * pass, canonical order), judge the algorithms across the zone, CDS and
 * CDNSKEY, the denial chain, and finally the signature horizon against
 * --warn / --crit.
 *
 * verifyForPublication is the same run for the signer's safety gate: no
 * horizon judgement (a fresh signature set is judged by the policy, not by
 * monitoring thresholds), criticals only, and optionally a sample of the
 * signature arithmetic.
 */
import type { UnixSeconds } from '../core/time.ts';
import { isSignedType } from '../signer/authority.ts';
import type { OwnerKind } from '../signer/authority.ts';
import { Name } from '../zone/name.ts';
import type { ResourceRecord } from '../zone/record.ts';
import { RRType, typeToString } from '../zone/types.ts';
import { verifyApexKeys } from './apex-keys.ts';
import type { TrustAnchors } from './anchors.ts';
import { checkCds } from './cds.ts';
import { checkNsecChain } from './denial-nsec.ts';
import { checkNsec3Chain } from './denial-nsec3.ts';
import { exitStatusOf, FindingCollector, sortFindings } from './finding.ts';
import type { Finding, SeverityCounts } from './finding.ts';
import { compareSets, groupSignedRecords } from './input.ts';
import type { GroupedZone, SignedSetInput, VerifiableZone } from './input.ts';
import { describeAlgorithm } from './keys.ts';
import type { ZoneKey } from './keys.ts';
import { SignatureChecker } from './signatures.ts';
import { judgeHorizon } from './horizon.ts';
import { buildStructure } from './structure.ts';
import type { ZoneStructure } from './structure.ts';

export { DEFAULT_CRIT_SECONDS, DEFAULT_WARN_SECONDS, judgeHorizon } from './horizon.ts';

export interface VerifyOptions {
  readonly now: UnixSeconds;
  /** The zone apex; for records, defaults to the owner of the SOA. */
  readonly origin?: Name;
  /** The parent's DS set and/or trusted DNSKEYs; without them the SEP-flagged keys stand in. */
  readonly anchors?: TrustAnchors;
  /** Seconds: an earliest expiration closer than this is a WARNING. */
  readonly warn?: number;
  /** Seconds: an earliest expiration closer than this is CRITICAL. */
  readonly crit?: number;
  /**
   * Fraction (0, 1] of RRsets whose signatures get the public-key arithmetic;
   * every other check runs on all of them, and the apex key sets are always
   * verified in full. Default 1.
   */
  readonly sample?: number;
  /** Keep at most this many findings of one code (all are counted). Default 200. */
  readonly maxFindingsPerCode?: number;
}

export interface VerifyStats {
  readonly rrsets: number;
  readonly signedRRsets: number;
  readonly signatures: number;
  /** Signatures whose public-key arithmetic was done (less than `signatures` when sampling, or for signatures already failed on other grounds). */
  readonly signaturesVerified: number;
  /** The fraction of RRsets whose signatures were checked cryptographically (1: all). */
  readonly sample: number;
  readonly keys: number;
  readonly algorithms: readonly number[];
  readonly denial: 'nsec' | 'nsec3' | null;
  readonly findings: SeverityCounts;
  readonly findingsByCode: Readonly<Record<string, number>>;
  /** Findings counted but not listed (over `maxFindingsPerCode`). */
  readonly findingsNotListed: number;
}

export interface VerifyResult {
  readonly origin: Name;
  readonly now: UnixSeconds;
  /** Most severe first. */
  readonly findings: readonly Finding[];
  /** The earliest expiration of an RRSIG made by a zone key, or null when there is none. */
  readonly horizon: UnixSeconds | null;
  /** The RRset whose signature expires first. */
  readonly horizonRRset: { readonly owner: string; readonly type: string } | null;
  /** 0 OK, 1 WARNING, 2 CRITICAL. */
  readonly status: 0 | 1 | 2;
  readonly stats: VerifyStats;
}

/** Verifies a signed zone: the signer's output, any grouped zone, or the records of a zone file. */
export function verifySignedZone(input: VerifiableZone | readonly ResourceRecord[], options: VerifyOptions): VerifyResult {
  const zone = isRecords(input) ? groupRecords(input, options.origin) : withOrigin(input, options.origin);
  return run(zone, options, true);
}

/**
 * The safety gate's check, run on a freshly signed zone before it replaces
 * the published one: the critical findings, empty when the zone may be
 * published. `sample` as in VerifyOptions (default: every signature).
 */
export function verifyForPublication(zone: VerifiableZone, options: { readonly now: UnixSeconds; readonly sample?: number; readonly anchors?: TrustAnchors }): Finding[] {
  const result = run(zone, { ...options, maxFindingsPerCode: 20 }, false);
  return result.findings.filter((f) => f.severity === 'critical');
}

function isRecords(input: VerifiableZone | readonly ResourceRecord[]): input is readonly ResourceRecord[] {
  return Array.isArray(input);
}

function withOrigin(zone: VerifiableZone, origin: Name | undefined): VerifiableZone {
  return origin === undefined || origin.equals(zone.origin) ? zone : { origin, rrsets: zone.rrsets };
}

function groupRecords(records: readonly ResourceRecord[], origin: Name | undefined): GroupedZone {
  // Without an origin the SOA's owner is the apex; with no SOA either, the root, so that the structure check reports it.
  const apex = origin ?? records.find((r) => r.type === RRType.SOA)?.owner ?? Name.root;
  return groupSignedRecords(records, apex);
}

function isSorted(sets: readonly SignedSetInput[]): boolean {
  for (let i = 1; i < sets.length; i++) if (compareSets(sets[i - 1]!, sets[i]!) >= 0) return false;
  return true;
}

function run(input: VerifiableZone, options: VerifyOptions, withHorizon: boolean): VerifyResult {
  const origin = input.origin;
  const now = options.now;
  const findings = new FindingCollector(options.maxFindingsPerCode ?? 200);
  const grouped = input as Partial<GroupedZone>;
  for (const rr of (grouped.outOfZone ?? []).slice(0, 1)) {
    findings.add('OUT_OF_ZONE_DATA', 'warning', rr.owner, rr.type,
      `${grouped.outOfZone!.length} record(s) such as ${rr.owner.toString()} ${typeToString(rr.type)} are outside the zone ${origin.toString()} and were ignored: remove them from the file`);
  }
  let sets = input.rrsets.filter((s) => s.rrset.owner.isSubdomainOf(origin));
  if (sets.length !== input.rrsets.length && grouped.outOfZone === undefined) {
    const first = input.rrsets.find((s) => !s.rrset.owner.isSubdomainOf(origin))!;
    findings.add('OUT_OF_ZONE_DATA', 'warning', first.rrset.owner, first.rrset.type,
      `${input.rrsets.length - sets.length} RRset(s) such as ${first.rrset.owner.toString()} are outside the zone ${origin.toString()} and were ignored: remove them`);
  }
  if (!isSorted(sets)) sets = [...sets].sort(compareSets);

  const sample = options.sample !== undefined && options.sample > 0 && options.sample < 1 ? options.sample : 1;
  const empty = (): VerifyResult => finish(origin, now, findings, null, sets.length, 0, null, [], null, sample);
  const structure = buildStructure(origin, sets, findings);
  if (structure === null) return empty();

  // The apex DNSKEY RRset (RFC 4035 §5.3.1: the only keys that validate RRSIGs of this zone) and the anchors.
  const apex = verifyApexKeys(origin, structure.apex.get(RRType.DNSKEY) ?? null, { now, anchors: options.anchors }, findings);
  if (apex === null) return empty();
  const { keys, checker, ksks } = apex;
  const signers = signaturePass(structure, sets, checker, sample, findings);
  judgeAlgorithms(origin, checker, findings);
  for (const o of (grouped.orphans ?? []).slice(0, 200)) {
    findings.add('RRSIG_WITHOUT_RRSET', 'warning', o.owner, o.typeCovered,
      `an RRSIG covers ${o.owner.toString()} ${typeToString(o.typeCovered)}, which has no records: remove the stale signature`);
  }

  const cds = structure.apex.get(RRType.CDS);
  const cdnskey = structure.apex.get(RRType.CDNSKEY);
  if (cds !== undefined || cdnskey !== undefined) {
    checkCds(origin, keys, {
      cds: cds?.rrset.rdatas ?? null,
      cdnskey: cdnskey?.rrset.rdatas ?? null,
      cdsSigners: signers.cds,
      cdnskeySigners: signers.cdnskey,
    }, apex.dnskeySigners, ksks, findings);
  }

  const denial = checkDenial(structure, findings);

  const horizon = checker.earliest === Infinity ? null : checker.earliest;
  if (withHorizon) judgeHorizon(checker, options, findings);
  const horizonRRset = checker.earliestOwner === null ? null : { owner: checker.earliestOwner.toString(), type: typeToString(checker.earliestType) };
  return finish(origin, now, findings, horizon, sets.length, signers.signedRRsets, checker, keys.algorithms, denial, sample, horizonRRset, keys.keys.length);
}

interface PassResult {
  readonly cds: ZoneKey[];
  readonly cdnskey: ZoneKey[];
  signedRRsets: number;
}

/**
 * One pass over every RRset in canonical order, walking the classified
 * owners alongside to know each owner's kind without a lookup table.
 */
function signaturePass(z: ZoneStructure, sets: readonly SignedSetInput[], checker: SignatureChecker, sample: number, findings: FindingCollector): PassResult {
  // The apex DNSKEY RRset was checked first (verifyApexKeys).
  const out: PassResult = { cds: [], cdnskey: [], signedRRsets: 1 };
  let credit = 1;
  let o = 0;
  // With sampling, the first RRset of every type is still checked in full, so
  // that a canonical-form mistake confined to one type cannot slip through.
  const typesChecked = new Set<number>();
  for (const set of sets) {
    const rrset = set.rrset;
    while (o < z.owners.length && z.owners[o]!.name.compare(rrset.owner) < 0) o++;
    const owner = z.owners[o];
    // Names outside the classification hold only signer data (NSEC3 owners): always signed.
    const kind: OwnerKind = owner !== undefined && owner.name.equals(rrset.owner) ? owner.kind : 'authoritative';
    const atApex = kind === 'apex';
    if (rrset.type === RRType.DNSKEY && !atApex && kind === 'authoritative') {
      findings.add('DNSKEY_NOT_AT_ZONE_APEX', 'warning', rrset.owner, RRType.DNSKEY,
        `a DNSKEY RRset at ${rrset.owner.toString()} is not at the apex, so it is no key of the zone: remove it or move the zone cut`);
    }
    // RFC 4035 §2.3: every NSEC is signed, even at a delegation.
    const mustSign = rrset.type === RRType.NSEC || rrset.type === RRType.NSEC3 || isSignedType(kind, rrset.type);
    if (!mustSign) {
      if (set.signatures.length > 0) {
        const what = kind === 'delegation' ? 'the NS RRset at a delegation' : kind === 'glue' ? 'glue below a delegation' : 'data occluded by a DNAME';
        findings.add('GLUE_SIGNED', 'warning', rrset.owner, rrset.type,
          `${rrset.owner.toString()} ${typeToString(rrset.type)} is ${what} but carries RRSIGs, which RFC 4035 §2.2 forbids: re-sign the zone without them`);
      }
      continue;
    }
    let target: ZoneKey[] | undefined;
    if (atApex) {
      if (rrset.type === RRType.DNSKEY) continue;
      if (rrset.type === RRType.CDS) target = out.cds;
      else if (rrset.type === RRType.CDNSKEY) target = out.cdnskey;
    }
    out.signedRRsets++;
    let crypto = true;
    if (sample < 1 && target === undefined && typesChecked.has(rrset.type)) {
      credit += sample;
      crypto = credit >= 1;
      if (crypto) credit -= 1;
    }
    typesChecked.add(rrset.type);
    checker.check(set, crypto, target);
  }
  return out;
}

/**
 * RFC 4035 §2.2: every RRset carries an RRSIG of each algorithm in the
 * DNSKEY RRset (SignatureChecker.judgeAlgorithms); and RRSIGs of an
 * algorithm the DNSKEY RRset lacks are noted.
 */
function judgeAlgorithms(origin: Name, checker: SignatureChecker, findings: FindingCollector): void {
  checker.judgeAlgorithms("the zone's data");
  for (const [algorithm, count] of checker.foreignAlgorithms) {
    // RFC 6781 §4.1.4: signatures of a new algorithm come before its DNSKEY in an algorithm rollover; harmless.
    findings.add('RRSIG_NO_MATCHING_DNSKEY', 'info', origin, RRType.DNSKEY,
      `${count} RRSIG(s) use algorithm ${describeAlgorithm(algorithm)}, which no key of the DNSKEY RRset has (the first step of an algorithm rollover, or stale signatures): publish that key next, or drop those signatures`,
      { algorithm, signatures: count });
  }
}

/** Picks the chain the zone uses and checks it. */
function checkDenial(z: ZoneStructure, findings: FindingCollector): 'nsec' | 'nsec3' | null {
  const hasNsec3 = z.nsec3.length > 0 || z.apex.has(RRType.NSEC3PARAM);
  const hasNsec = z.nsec.length > 0;
  if (!hasNsec && !hasNsec3) {
    findings.add('DENIAL_MISSING', 'critical', z.origin, null,
      'the zone has neither NSEC nor NSEC3 records, so no denial of existence validates: re-sign the zone');
    return null;
  }
  if (hasNsec && hasNsec3) {
    findings.add('DENIAL_MIXED', 'warning', z.origin, null,
      'the zone has both NSEC and NSEC3 records; only the NSEC3 chain was checked: re-sign with one kind of denial');
  }
  if (hasNsec3) {
    if (z.nsec3.length === 0) {
      findings.add('NSEC3_CHAIN_GAP', 'critical', z.origin, RRType.NSEC3,
        'the zone has an NSEC3PARAM but no NSEC3 records, so no denial of existence validates: re-sign the zone');
      return 'nsec3';
    }
    checkNsec3Chain(z, findings);
    return 'nsec3';
  }
  checkNsecChain(z, findings);
  return 'nsec';
}

function finish(
  origin: Name, now: UnixSeconds, findings: FindingCollector, horizon: UnixSeconds | null, rrsets: number, signedRRsets: number,
  checker: SignatureChecker | null, algorithms: readonly number[], denial: 'nsec' | 'nsec3' | null, sample: number,
  horizonRRset: VerifyResult['horizonRRset'] = null, keyCount = 0,
): VerifyResult {
  const counts = { ...findings.counts };
  return {
    origin,
    now,
    findings: sortFindings(findings.findings),
    horizon,
    horizonRRset,
    status: exitStatusOf(counts) as 0 | 1 | 2,
    stats: {
      rrsets,
      signedRRsets,
      signatures: checker?.signatures ?? 0,
      signaturesVerified: checker?.verified ?? 0,
      sample,
      keys: keyCount,
      algorithms,
      denial,
      findings: counts,
      findingsByCode: Object.fromEntries(findings.byCode),
      findingsNotListed: findings.suppressed,
    },
  };
}
