/**
 * The checks of the lean safety gate (SPEC safety rule 1), owner by owner,
 * for both of its readers: the streaming gate (stream-gate.ts, owners as
 * they are read from the signed file) and the compact gate
 * (compact-gate.ts, owners of a loaded CompactZone). Owners come in
 * canonical order, the apex first, each as an OwnerSets that lives for the
 * call only; nothing of it is kept but what the checks need at the end.
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
 *   RRset of each type, and over about `sampleSignatures` more spread over
 *   the zone (SignatureSample), on signed data rebuilt with the general
 *   canonical code (buildRRset, encodeRRsetForSigning), not the streaming
 *   signer's;
 * - CDS and CDNSKEY (checkCds);
 * - the NSEC or NSEC3 chain (compact-gate-denial.ts).
 */
import type { UnixSeconds } from '../core/time.ts';
import { isSignedType } from '../signer/authority.ts';
import type { OwnerKind } from '../signer/authority.ts';
import { isSubdomainWire } from '../signer/parallel/compact-zone.ts';
import { buildRRset } from '../zone/canonical.ts';
import { Name } from '../zone/name.ts';
import type { RRset } from '../zone/record.ts';
import { RRType, typeToString } from '../zone/types.ts';
import { verifyApexKeys } from './apex-keys.ts';
import type { ApexKeys } from './apex-keys.ts';
import { checkCds } from './cds.ts';
import { startDenial } from './compact-gate-denial.ts';
import type { DenialPass, DenialStart, OwnerNames } from './compact-gate-denial.ts';
import { FindingCollector, sortFindings } from './finding.ts';
import type { Finding } from './finding.ts';
import type { SignedSetInput } from './input.ts';
import { describeAlgorithm } from './keys.ts';
import type { ZoneKey } from './keys.ts';

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
  /** Which reader gave the owners: the streaming one, or the compact load it falls back to. */
  readonly mode: 'streaming' | 'compact';
  /**
   * The latest inception and the earliest expiration (absolute Unix seconds)
   * of the RRSIGs by a zone key, every one of which was read: the window in
   * which all of them are valid, which a later patch gate may rely on for
   * lines it finds unchanged. Null when there were none.
   */
  readonly signaturesValidFrom: UnixSeconds | null;
  readonly signaturesValidUntil: UnixSeconds | null;
}

export const DEFAULT_SAMPLE_SIGNATURES = 10_000;
/** As verifyForPublication: enough to explain, few enough to print. */
const MAX_FINDINGS_PER_CODE = 20;

const NO_SIGNATURES: readonly Uint8Array[] = [];
const EMPTY = new Uint8Array(0);
/** The longest wire name (RFC 1035 §2.3.4). */
const MAX_WIRE = 255;

/**
 * One owner's RRsets as a reader hands them over: types ascending, RRSIG
 * apart (`sigs`, the owner's RRSIG RDATA in canonical order), each RRset's
 * RDATA in canonical order without duplicates, the TTL the smallest of its
 * records' (as loadZone builds RRsets). Reused from owner to owner.
 */
export class OwnerSets {
  /** Position in canonical order, from 0 (the apex). */
  ordinal = 0;
  name: Name = Name.root;
  /** The name in canonical wire form. */
  wire: Uint8Array = EMPTY;
  types: number[] = [];
  ttls: number[] = [];
  rdatas: Uint8Array[][] = [];
  sigs: readonly Uint8Array[] = NO_SIGNATURES;

  /** Empty for the next owner (new arrays: cheaper than truncating the old ones, a million times over). */
  clear(): void {
    this.types = [];
    this.ttls = [];
    this.rdatas = [];
    this.sigs = NO_SIGNATURES;
  }

  push(type: number, ttl: number, rdatas: Uint8Array[]): void {
    this.types.push(type);
    this.ttls.push(ttl);
    this.rdatas.push(rdatas);
  }

  /** The RRset of `type`, or −1. */
  indexOf(type: number): number {
    return this.types.indexOf(type);
  }
}

/**
 * Which RRsets get their signature arithmetic done, besides those always
 * verified: each earns credit for its signatures at the rate that spreads
 * what is left of the budget over the signatures still to come, and is
 * verified when its credit reaches one. `remaining(seen)` tells (or, for
 * the streaming reader, estimates) how many signatures follow the owners
 * seen so far, which held `seen`. Deterministic for a given file.
 */
export class SignatureSample {
  private readonly budget: number;
  private readonly remaining: (seen: number) => number;
  private credit = 0;
  private spent = 0;

  constructor(budget: number, remaining: (seen: number) => number) {
    this.budget = budget;
    this.remaining = remaining;
  }

  take(signatures: number, seen: number): boolean {
    if (this.budget === Infinity) return true;
    const left = this.budget - this.spent;
    if (!(left > 0)) return false;
    const rate = Math.min(1, left / (signatures + Math.max(0, this.remaining(seen))));
    this.credit += rate * signatures;
    if (rate < 1 && this.credit < 1) return false;
    this.credit -= signatures;
    this.spent += signatures;
    return true;
  }
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

/** The checks, fed owner by owner: start (the apex), owner (every owner, the apex again first), finish. */
export class GatePass {
  readonly findings = new FindingCollector(MAX_FINDINGS_PER_CODE);
  private readonly origin: Name;
  private readonly zoneClass: number;
  private readonly now: UnixSeconds;
  private readonly sample: SignatureSample;
  private apexKeys: ApexKeys | null = null;
  private denial: DenialPass | null = null;
  private readonly typesVerified = new Set<number>();
  private readonly cdsSigners: ZoneKey[] = [];
  private readonly cdnskeySigners: ZoneKey[] = [];
  private cds: Uint8Array[] | null = null;
  private cdnskey: Uint8Array[] | null = null;
  // The closest zone cut or DNAME above the current owner (owners come in canonical order: each name before its descendants).
  private readonly cut = new Uint8Array(MAX_WIRE);
  private cutLength = -1;
  private cutKind: OwnerKind = 'glue';
  /** RRSIGs at the owners seen so far (for the sample's rate). */
  private seen = 0;

  constructor(origin: Name, zoneClass: number, options: { readonly now: UnixSeconds; readonly sampleSignatures?: number | undefined }, remaining: (seen: number) => number) {
    this.origin = origin;
    this.zoneClass = zoneClass;
    this.now = options.now;
    this.sample = new SignatureSample(options.sampleSignatures ?? DEFAULT_SAMPLE_SIGNATURES, remaining);
  }

  /**
   * The apex (null: the zone has none): its SOA, the DNSKEY RRset and its
   * keys, and the denial chain to check. False when nothing else can be
   * checked (reported); owner() then does nothing.
   */
  start(apex: OwnerSets | null, denial: Omit<DenialStart, 'param'>): boolean {
    const origin = this.origin;
    const soa = apex === null ? -1 : apex.indexOf(RRType.SOA);
    if (apex === null || soa < 0 || apex.rdatas[soa]!.length !== 1) {
      const what = soa < 0 ? 'has no SOA record at its apex' : `has ${apex!.rdatas[soa]!.length} SOA records`;
      this.findings.add('ZONE_STRUCTURE', 'critical', origin, RRType.SOA, `the zone ${origin.toString()} ${what}: fix the zone's data and sign it again`);
      return false;
    }
    const dnskey = apex.indexOf(RRType.DNSKEY);
    const dnskeyInput: SignedSetInput | null = dnskey < 0 ? null : { rrset: this.rrset(apex, dnskey, true), signatures: covering(apex.sigs, RRType.DNSKEY) };
    this.apexKeys = verifyApexKeys(origin, dnskeyInput, { now: this.now }, this.findings);
    if (this.apexKeys === null) return false;
    // Kept for checkCds at the end: copies, as a reader may reuse its buffers.
    const cds = apex.indexOf(RRType.CDS);
    const cdnskey = apex.indexOf(RRType.CDNSKEY);
    if (cds >= 0) this.cds = apex.rdatas[cds]!.map((r) => r.slice());
    if (cdnskey >= 0) this.cdnskey = apex.rdatas[cdnskey]!.map((r) => r.slice());
    const param = apex.indexOf(RRType.NSEC3PARAM);
    this.denial = startDenial(origin, {
      param: param < 0 ? null : apex.rdatas[param]![0]!,
      nsec: denial.nsec,
      nsec3: denial.nsec3,
      nsec3Rdatas: () => denial.nsec3Rdatas(),
    }, this.findings);
    return true;
  }

  /**
   * RRset `i` of `o` as SignatureChecker takes it. For the signature
   * arithmetic it is rebuilt by buildRRset from the records as read
   * (canonical RDATA, sorted, duplicates dropped), independently of the
   * reader's order; otherwise the canonical RDATA are not needed and not made.
   */
  private rrset(o: OwnerSets, i: number, canonical: boolean): RRset {
    const owner = o.name;
    const type = o.types[i]!;
    const ttl = o.ttls[i]!;
    const rdatas = o.rdatas[i]!;
    if (canonical) return buildRRset(rdatas.map((rdata) => ({ owner, type, class: this.zoneClass, ttl, rdata })));
    return { owner, type, class: this.zoneClass, ttl, rdatas, canonicalRdatas: rdatas };
  }

  owner(o: OwnerSets): void {
    this.seen += o.sigs.length;
    const apexKeys = this.apexKeys;
    const denial = this.denial;
    if (apexKeys === null || denial === null) return;
    const checker = apexKeys.checker;
    const findings = this.findings;
    const name = o.name;
    const wire = o.wire;
    const atApex = o.ordinal === 0;
    let nsec: Uint8Array | null = null;
    let nsec3: Uint8Array | null = null;
    let hasNs = false;
    let hasDs = false;
    let hasDname = false;
    let hasData = false;
    const types: number[] = [];
    for (let i = 0; i < o.types.length; i++) {
      const t = o.types[i]!;
      if (t === RRType.NSEC) nsec = o.rdatas[i]![0]!;
      else if (t === RRType.NSEC3) nsec3 = o.rdatas[i]![0]!;
      else types.push(t);
      if (t === RRType.NS) hasNs = true;
      else if (t === RRType.DS) hasDs = true;
      else if (t === RRType.DNAME) hasDname = true;
      if (t !== RRType.NSEC && t !== RRType.NSEC3 && t !== RRType.NSEC3PARAM) hasData = true;
    }

    // Authority as classifyZone decides it. Names holding only denial records (NSEC3 owners) are no
    // owners there: authoritative for their own signatures, outside the chain, no effect on cuts.
    let kind: OwnerKind;
    if (!hasData) {
      kind = 'authoritative';
    } else if (this.cutLength >= 0 && isSubdomainWire(wire, 0, wire.length, this.cut, 0, this.cutLength)) {
      kind = this.cutKind;
    } else {
      this.cutLength = -1;
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
        this.cut.set(wire);
        this.cutLength = wire.length;
        this.cutKind = kind === 'delegation' ? 'glue' : 'occluded';
      }
    }

    for (let i = 0; i < o.types.length; i++) {
      const t = o.types[i]!;
      const mine = covering(o.sigs, t);
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
      const signers = atApex && t === RRType.CDS ? this.cdsSigners : atApex && t === RRType.CDNSKEY ? this.cdnskeySigners : undefined;
      let crypto: boolean;
      if (atApex || (mine.length > 0 && !this.typesVerified.has(t))) {
        crypto = true;
        if (mine.length > 0) this.typesVerified.add(t);
      } else {
        crypto = mine.length > 0 && this.sample.take(mine.length, this.seen);
      }
      checker.check({ rrset: this.rrset(o, i, crypto), signatures: mine }, crypto, signers);
    }
    // RRSIGs over a type with no RRset at the owner.
    for (const s of o.sigs) {
      const c = covered(s);
      if (!o.types.includes(c)) {
        findings.add('RRSIG_WITHOUT_RRSET', 'warning', name, c,
          `an RRSIG covers ${name.toString()} ${typeToString(c)}, which has no records: remove the stale signature`);
      }
    }
    const member = hasData && (kind === 'apex' || kind === 'authoritative' || kind === 'delegation');
    denial.owner({ ordinal: o.ordinal, name, wire, kind, types, hasDs, member, nsec, nsec3 });
  }

  /** The ordinals (ascending) of the owners whose names finish() needs (see OwnerNames). */
  namesNeeded(): Int32Array {
    return this.denial?.namesNeeded() ?? new Int32Array(0);
  }

  /** What is judged across the zone, once every owner has gone by. */
  finish(names: OwnerNames): void {
    const apexKeys = this.apexKeys;
    const denial = this.denial;
    if (apexKeys === null || denial === null) return;
    const checker = apexKeys.checker;
    // RFC 4035 §2.2 across the zone, as verifySignedZone judges it.
    checker.judgeAlgorithms("the zone's data");
    for (const [algorithm, count] of checker.foreignAlgorithms) {
      this.findings.add('RRSIG_NO_MATCHING_DNSKEY', 'info', this.origin, RRType.DNSKEY,
        `${count} RRSIG(s) use algorithm ${describeAlgorithm(algorithm)}, which no key of the DNSKEY RRset has (the first step of an algorithm rollover, or stale signatures): publish that key next, or drop those signatures`,
        { algorithm, signatures: count });
    }
    if (this.cds !== null || this.cdnskey !== null) {
      checkCds(this.origin, apexKeys.keys, {
        cds: this.cds,
        cdnskey: this.cdnskey,
        cdsSigners: this.cdsSigners,
        cdnskeySigners: this.cdnskeySigners,
      }, apexKeys.dnskeySigners, apexKeys.ksks, this.findings);
    }
    denial.finish(names);
  }

  result(rrsets: number, mode: CompactGateResult['mode']): CompactGateResult {
    const checker = this.apexKeys?.checker;
    const from = checker?.latestInception ?? -Infinity;
    const until = checker?.earliest ?? Infinity;
    return {
      findings: sortFindings(this.findings.findings), signatures: checker?.signatures ?? 0, verified: checker?.verified ?? 0, rrsets, mode,
      signaturesValidFrom: Number.isFinite(from) ? from : null, signaturesValidUntil: Number.isFinite(until) ? until : null,
    };
  }
}
