/**
 * RRSIG validation, RRset by RRset (RFC 4035 §5.3): for each RRSIG, the
 * Signer's Name is the zone (§5.3.1), the Labels field fits the owner
 * (RFC 4034 §3.1.3), a zone key of the DNSKEY RRset has its algorithm and
 * tag, inception <= now <= expiration in serial arithmetic (RFC 4034
 * §3.1.5), and the signature verifies over the RRset in canonical form
 * with the Original TTL (§5.3.2). Across the zone it records which
 * algorithms each RRset is signed with (RFC 4035 §2.2) and the earliest
 * expiration.
 *
 * This is the verifier's hot loop (the safety gate runs it on every
 * signing), so it reads RRSIG fields in place instead of decoding them,
 * encodes each RRset once, and assembles the signed data in one scratch
 * buffer reused across RRsets: no allocation per signature beyond what
 * node:crypto does.
 */
import { formatIso, serialCompare } from '../core/time.ts';
import type { UnixSeconds } from '../core/time.ts';
import { verifySignature } from '../signer/verify-signature.ts';
import { encodeRRsetForSigning } from '../zone/canonical.ts';
import { Name } from '../zone/name.ts';
import type { RRset } from '../zone/record.ts';
import { RRType, typeToString } from '../zone/types.ts';
import { roughDuration } from './finding.ts';
import type { FindingCollector } from './finding.ts';
import type { SignedSetInput } from './input.ts';
import { describeAlgorithm } from './keys.ts';
import type { KeySet, ZoneKey } from './keys.ts';

/** RRSIG RDATA: 18 fixed octets before the Signer's Name (RFC 4034 §3.1). */
const FIXED = 18;

/** An RRset that lacks the RRSIG of one algorithm of the DNSKEY RRset. */
export interface MissingAlgorithm {
  readonly owner: Name;
  readonly type: number;
  readonly algorithm: number;
}

export class SignatureChecker {
  private readonly origin: Name;
  private readonly originWire: Uint8Array;
  private readonly now: UnixSeconds;
  private readonly now32: number;
  private readonly keys: KeySet;
  private readonly findings: FindingCollector;
  private scratch = new Uint8Array(4096);
  /** TTL of the RRset body now in `scratch`, or -1 when none is. */
  private bodyTtl = -1;
  private bodyLength = 0;
  private readonly covered: number[] = [];
  private readonly unsupportedReported = new Set<number>();

  /**
   * For each algorithm of the DNSKEY RRset, how many RRsets carry an RRSIG of
   * it, not counting the apex key sets (DNSKEY, CDS, CDNSKEY): a KSK that
   * signs only those does not make the zone signed with its algorithm.
   */
  readonly coverage = new Map<number, number>();
  /** RRsets missing an algorithm; judged once the whole zone is seen. */
  readonly missing: MissingAlgorithm[] = [];
  /** RRSIGs whose algorithm has no key in the DNSKEY RRset, by algorithm. */
  readonly foreignAlgorithms = new Map<number, number>();
  /** Earliest expiration (absolute Unix seconds) among RRSIGs made by a zone key. */
  earliest = Infinity;
  earliestOwner: Name | null = null;
  earliestType = 0;
  /**
   * Latest inception (absolute Unix seconds) among RRSIGs made by a zone key:
   * with `earliest`, the window in which every one of them is valid (what a
   * later patch gate may rely on for the lines it finds unchanged).
   */
  latestInception = -Infinity;
  signatures = 0;
  verified = 0;

  constructor(origin: Name, now: UnixSeconds, keys: KeySet, findings: FindingCollector) {
    this.origin = origin;
    this.originWire = origin.canonical;
    this.now = now;
    this.now32 = ((now % 2 ** 32) + 2 ** 32) % 2 ** 32;
    this.keys = keys;
    this.findings = findings;
    for (const a of keys.algorithms) this.coverage.set(a, 0);
  }

  /** An RRSIG time field as absolute Unix seconds: the value within 2^31 of now (RFC 4034 §3.1.5). */
  absolute(t: number): UnixSeconds {
    return this.now + ((t - this.now32) | 0);
  }

  /**
   * Checks the RRSIGs of an RRset that must be signed. `crypto` false skips
   * the signature arithmetic (sampling) but keeps every other check.
   * `signers`, when given, receives the keys whose signatures are valid now;
   * it is given for the apex key sets, which do not count towards `coverage`.
   */
  check(set: SignedSetInput, crypto: boolean, signers?: ZoneKey[]): void {
    const rrset = set.rrset;
    const sigs = set.signatures;
    if (sigs.length === 0) {
      this.findings.add('MISSING_RRSIG', 'critical', rrset.owner, rrset.type,
        `${rrset.owner.toString()} ${typeToString(rrset.type)} has no RRSIG, so validating resolvers reject it: re-sign the zone`);
      return;
    }
    this.covered.length = 0;
    this.bodyTtl = -1;
    for (let i = 0; i < sigs.length; i++) {
      this.signatures++;
      this.checkOne(set, sigs[i]!, set.signatureTtls?.[i], crypto, signers);
    }
    for (const algorithm of this.keys.algorithms) {
      if (!this.covered.includes(algorithm)) this.missing.push({ owner: rrset.owner, type: rrset.type, algorithm });
      else if (signers === undefined) this.coverage.set(algorithm, this.coverage.get(algorithm)! + 1);
    }
  }

  /**
   * RFC 4035 §2.2, once every RRset to judge has been checked: every RRset
   * carries an RRSIG of each algorithm in the DNSKEY RRset. An algorithm that
   * signs none of them (at most the apex key sets: a KSK of a new algorithm
   * without its ZSK, or a key published before its signatures, against
   * RFC 6781 §4.1.4) is one finding for the zone; an algorithm some RRsets
   * lack is one finding per RRset. `data` says what was checked, for the
   * message: "the zone's data" (verify), "the SOA" (the live check).
   */
  judgeAlgorithms(data: string): void {
    for (const algorithm of this.keys.algorithms) {
      if (this.coverage.get(algorithm) !== 0) continue;
      const tags = this.keys.keys.filter((k) => k.zoneKey && k.algorithm === algorithm).map((k) => k.keyTag).join(', ');
      this.findings.add('ALGORITHM_MISMATCH', 'critical', this.origin, RRType.DNSKEY,
        `the DNSKEY RRset has a key of algorithm ${describeAlgorithm(algorithm)} (tag ${tags}) but ${data} is not signed with that algorithm, which validators may reject (RFC 4035 §2.2, RFC 6781 §4.1.4): sign the zone with that algorithm too, or remove its keys`,
        { algorithm });
    }
    for (const m of this.missing) {
      if (this.coverage.get(m.algorithm) === 0) continue;
      this.findings.add('MISSING_RRSIG_FOR_ALG_DNSKEY', 'critical', m.owner, m.type,
        `${m.owner.toString()} ${typeToString(m.type)} has no RRSIG of algorithm ${describeAlgorithm(m.algorithm)}, which the DNSKEY RRset has: re-sign the zone with every algorithm`,
        { algorithm: m.algorithm });
    }
  }

  private checkOne(set: SignedSetInput, rdata: Uint8Array, sigTtl: number | undefined, crypto: boolean, signers: ZoneKey[] | undefined): void {
    const rrset = set.rrset;
    const owner = rrset.owner;
    const type = rrset.type;
    if (rdata.length <= FIXED + 1) {
      this.findings.add('SIGNATURE_INVALID', 'critical', owner, type, `an RRSIG over ${owner.toString()} ${typeToString(type)} is truncated: re-sign the zone`);
      return;
    }
    const algorithm = rdata[2]!;
    const labels = rdata[3]!;
    const originalTtl = u32(rdata, 4);
    const expiration = u32(rdata, 8);
    const inception = u32(rdata, 12);
    const keyTag = (rdata[16]! << 8) | rdata[17]!;
    // Built only when a finding needs it: this runs once per signature.
    const what = (): string => `the RRSIG by key ${keyTag} over ${owner.toString()} ${typeToString(type)}`;

    // An RRSIG of a zone algorithm counts as that algorithm's signature even when it is broken below:
    // its own finding says what is wrong, and "missing algorithm" would only repeat it. One that names
    // no key of the zone is the exception (a warning alone would hide that the algorithm is missing).
    const knownKey = this.keys.lookup(algorithm, keyTag);
    if (knownKey !== undefined && !this.covered.includes(algorithm)) this.covered.push(algorithm);
    // RFC 4035 §5.3.1: the Signer's Name is the name of the zone that holds the RRset.
    if (!this.signerIsOrigin(rdata)) {
      let signer = '(unreadable)';
      try {
        signer = Name.fromWire(rdata, FIXED).name.toString();
      } catch {
        // keep the placeholder: the finding is the same
      }
      this.findings.add('SIGNER_NOT_ZONE', 'critical', owner, type,
        `${what()} names the signer ${signer}, not the zone ${this.origin.toString()}: re-sign the RRset with the zone's own keys`,
        { keyTag, algorithm, signer });
      return;
    }
    // RFC 4034 §3.1.3: Labels counts the owner's labels, root and a leading `*` excluded.
    if (labels > owner.labelCount) {
      this.findings.add('RRSIG_LABELS_EXCEED_RRSET_OWNER_LABELS', 'critical', owner, type,
        `${what()} has Labels ${labels} but the owner has only ${owner.labelCount}: re-sign the RRset`, { keyTag, labels });
      return;
    }
    if (labels !== owner.rrsigLabels) {
      this.findings.add('RRSIG_BAD_LABELS', 'critical', owner, type,
        `${what()} has Labels ${labels} where the owner needs ${owner.rrsigLabels}: re-sign the RRset`, { keyTag, labels });
      return;
    }
    // RFC 4034 §3: the RRSIG's TTL equals the TTL of the RRset it covers.
    if (sigTtl !== undefined && sigTtl !== rrset.ttl) {
      this.findings.add('RRSET_TTL_MISMATCH', 'warning', owner, type,
        `${what()} has TTL ${sigTtl} but the RRset has ${rrset.ttl}: give the RRSIG the RRset's TTL`, { keyTag, rrsigTtl: sigTtl, rrsetTtl: rrset.ttl });
    }

    const candidates = knownKey;
    if (candidates === undefined) {
      if (this.keys.hasAlgorithm(algorithm)) {
        this.findings.add('RRSIG_NO_MATCHING_DNSKEY', 'warning', owner, type,
          `${what()} names a key (algorithm ${describeAlgorithm(algorithm)}) that is not a zone key of the DNSKEY RRset: publish the key or drop the signature`,
          { keyTag, algorithm });
      } else {
        this.foreignAlgorithms.set(algorithm, (this.foreignAlgorithms.get(algorithm) ?? 0) + 1);
      }
      return;
    }

    const expiresAt = this.absolute(expiration);
    if (expiresAt < this.earliest) {
      this.earliest = expiresAt;
      this.earliestOwner = owner;
      this.earliestType = type;
    }
    const incepted = this.absolute(inception);
    if (incepted > this.latestInception) this.latestInception = incepted;
    // RFC 4035 §5.3.1: inception <= now <= expiration, in serial number arithmetic.
    if (serialCompare(inception, this.now32) > 0) {
      const at = this.absolute(inception);
      this.findings.add('INCEPTION_IN_FUTURE', 'critical', owner, type,
        `${what()} is valid only from ${formatIso(at)} (in ${roughDuration(at - this.now)}): check the signer's clock and re-sign with an inception in the past`,
        { keyTag, algorithm, inception: formatIso(at) });
      return;
    }
    if (serialCompare(expiration, this.now32) < 0) {
      this.findings.add('EXPIRATION_IN_PAST', 'critical', owner, type,
        `${what()} expired at ${formatIso(expiresAt)} (${roughDuration(this.now - expiresAt)} ago): re-sign the zone now and find out why re-signing stopped`,
        { keyTag, algorithm, expiration: formatIso(expiresAt) });
      return;
    }
    // RFC 4034 §3.1.4: the Original TTL is the RRset's TTL as it appears in the zone.
    if (originalTtl < rrset.ttl) {
      this.findings.add('ORIGINAL_TTL_EXCEEDED', 'warning', owner, type,
        `the RRset's TTL ${rrset.ttl} exceeds the Original TTL ${originalTtl} of ${what()}, so resolvers cut it: re-sign after changing a TTL`,
        { keyTag, originalTtl, rrsetTtl: rrset.ttl });
    } else if (originalTtl > rrset.ttl) {
      this.findings.add('RRSIG_BAD_ORIGINAL_TTL', 'warning', owner, type,
        `${what()} has Original TTL ${originalTtl} but the RRset's TTL is ${rrset.ttl}: re-sign after changing a TTL`,
        { keyTag, originalTtl, rrsetTtl: rrset.ttl });
    }
    // RFC 5011 §2.1: a revoked key signs only the DNSKEY RRset.
    if (type !== RRType.DNSKEY && candidates.every((k) => k.revoked)) {
      this.findings.add('DNSKEY_REVOKED_RRSIG', 'warning', owner, type,
        `${what()} was made with a revoked key: re-sign the RRset with an active key`, { keyTag, algorithm });
    }
    if (!crypto && signers === undefined) return;
    if (!candidates.some((k) => k.verifiable)) {
      if (!this.unsupportedReported.has(algorithm)) {
        this.unsupportedReported.add(algorithm);
        this.findings.add('ALGORITHM_NOT_SUPPORTED', 'warning', null, null,
          `signet cannot check algorithm ${describeAlgorithm(algorithm)} signatures, so they were not verified: move to an algorithm RFC 8624 recommends (13 or 15)`,
          { algorithm });
      }
      return;
    }
    const signatureStart = this.prepare(rdata, rrset, originalTtl);
    const data = this.scratch.subarray(0, FIXED + this.originWire.length + this.bodyLength);
    const signature = rdata.subarray(signatureStart);
    this.verified++;
    for (const k of candidates) {
      if (k.verifiable && verifySignature(algorithm, k.publicKey, data, signature)) {
        signers?.push(k);
        return;
      }
    }
    this.findings.add('SIGNATURE_INVALID', 'critical', owner, type,
      `${what()} does not validate, so resolvers reject the RRset: the data changed after signing or the signature is corrupt; re-sign the zone`,
      { keyTag, algorithm });
  }

  /** True when the Signer's Name in `rdata` is the origin, compared case-insensitively in place. */
  private signerIsOrigin(rdata: Uint8Array): boolean {
    const o = this.originWire;
    if (rdata.length < FIXED + o.length) return false;
    for (let i = 0; i < o.length; i++) {
      let c = rdata[FIXED + i]!;
      if (c >= 0x41 && c <= 0x5a) c += 32;
      if (c !== o[i]) return false;
    }
    return true;
  }

  /**
   * Puts the signed data of RFC 4034 §3.1.8.1 in `scratch`: the RRSIG RDATA
   * up to the signature with the Signer's Name in canonical form, then the
   * RRset (encoded once per RRset and Original TTL). Returns where the
   * signature starts in `rdata`.
   */
  private prepare(rdata: Uint8Array, rrset: RRset, originalTtl: number): number {
    const header = FIXED + this.originWire.length;
    if (this.bodyTtl !== originalTtl) {
      // The owner is the RRset's owner in canonical form; a wildcard owner is signed as written (Labels checked above).
      const body = encodeRRsetForSigning(rrset.owner.canonical, rrset, originalTtl);
      if (this.scratch.length < header + body.length) this.scratch = new Uint8Array(Math.max(header + body.length, this.scratch.length * 2));
      this.scratch.set(body, header);
      this.bodyLength = body.length;
      this.bodyTtl = originalTtl;
    }
    this.scratch.set(rdata.subarray(0, FIXED), 0);
    this.scratch.set(this.originWire, FIXED);
    return header;
  }
}

function u32(b: Uint8Array, off: number): number {
  return ((b[off]! << 24) >>> 0) + (b[off + 1]! << 16) + (b[off + 2]! << 8) + b[off + 3]!;
}
