/**
 * signZone: a Zone and keys in, a signed zone out, in memory and pure (the
 * clock comes in as `now`, randomness as `random`; writing a file is the
 * caller's job).
 *
 * Steps: drop the input's own DNSSEC data and classify names (authority.ts);
 * put the given serial in the SOA; publish DNSKEY (and CDS/CDNSKEY when
 * given) at the apex; build the NSEC or NSEC3 chain; sign every
 * authoritative RRset (rrsig.ts) with a jittered expiration (validity.ts);
 * return every RRset in canonical order, each with its RRSIGs.
 *
 * Key roles (RFC 4035 §2.2, RFC 6781 §3.1): the apex DNSKEY, CDS and CDNSKEY
 * RRsets are signed by the KSKs (and CSKs), every other RRset by the ZSKs
 * (and CSKs). RFC 4035 §2.2: "There MUST be an RRSIG for each RRset using at
 * least one DNSKEY of each algorithm in the zone apex DNSKEY RRset", so each
 * role must hold a key of every algorithm that the DNSKEY RRset contains.
 */
import { SignetError } from '../core/errors.ts';
import type { UnixSeconds } from '../core/time.ts';
import { buildRRset } from '../zone/canonical.ts';
import { decodeDnskey, DNSKEY_FLAG_ZONE } from '../zone/dnssec-rdata.ts';
import type { Name } from '../zone/name.ts';
import type { RRset } from '../zone/record.ts';
import { RRType } from '../zone/types.ts';
import type { Zone } from '../zone/zone.ts';
import { classifyZone, isSignedType } from './authority.ts';
import type { ClassifiedZone, SignWarning, ZoneOwner } from './authority.ts';
import { buildNsecChain, denialTtl, isInDenialChain } from './nsec.ts';
import { buildNsec3Chain, buildNsec3Param } from './nsec3.ts';
import type { Nsec3Parameters } from './nsec3.ts';
import { reusableSignatures, rrsigExpiration } from './reuse.ts';
import type { ReuseOptions } from './reuse.ts';
import { signBatch } from './rrsig.ts';
import type { SignItem } from './rrsig.ts';
import type { SigningKey } from './signing-key.ts';
import { checkValidityOptions, signatureExpiration, signatureInception } from './validity.ts';
import type { JitterSource } from './validity.ts';

export type { SignWarning } from './authority.ts';

/** An active key and what it signs: `ksk` the apex key sets, `zsk` everything else, `csk` both. */
export interface ActiveKey {
  readonly key: SigningKey;
  readonly signs: 'ksk' | 'zsk' | 'csk';
}

export type DenialOptions = { readonly kind: 'nsec' } | ({ readonly kind: 'nsec3' } & Nsec3Parameters);

export interface SignZoneOptions {
  readonly now: UnixSeconds;
  /** The keys that sign. Their DNSKEYs are published. */
  readonly keys: readonly ActiveKey[];
  /** DNSKEY RDATAs published without signing (keys being introduced or retired). */
  readonly publishedOnly?: readonly Uint8Array[];
  /** TTL of the DNSKEY RRset, and of CDS and CDNSKEY. */
  readonly dnskeyTtl: number;
  /** Seconds from `now` to the latest expiration. */
  readonly validity: number;
  /** Seconds the inception is set back from `now`. */
  readonly inceptionOffset: number;
  /** Largest number of seconds taken off an RRset's expiration. */
  readonly jitter: number;
  /** Deterministic randomness for the jitter (see `hashedJitter`). */
  readonly random: JitterSource;
  readonly denial: DenialOptions;
  /** The serial to put in the SOA (computed beforehand, see serial.ts). */
  readonly serial: number;
  /** CDS RDATAs to publish at the apex (RFC 7344); none when absent or empty. */
  readonly cds?: readonly Uint8Array[];
  /** CDNSKEY RDATAs to publish at the apex (RFC 7344); none when absent or empty. */
  readonly cdnskey?: readonly Uint8Array[];
  /**
   * Incremental re-signing: signatures of the previous signed zone to keep
   * where they are still good (see reuse.ts). Without it, everything is signed.
   */
  readonly reuse?: ReuseOptions;
}

/** An RRset and the RRSIG RDATAs over it (empty when it is not signed: delegation NS, glue, occluded data). */
export interface SignedRRset {
  readonly rrset: RRset;
  /**
   * RRSIG RDATAs covering `rrset`. Each RRSIG RR has the RRset's owner,
   * class and TTL (RFC 4034 §3: the RRSIG TTL equals the covered RRset's).
   */
  readonly signatures: readonly Uint8Array[];
}

export interface SignStats {
  /** RRsets in the output, signer-made ones included. */
  readonly rrsets: number;
  /** RRsets that got signatures. */
  readonly rrsetsSigned: number;
  /** RRSIG records in the output: made now plus kept from the previous zone. */
  readonly signatures: number;
  /** RRSIG records made by this run (crypto operations). */
  readonly signaturesCreated: number;
  /** RRSIG records kept from the previous signed zone (`reuse`). */
  readonly signaturesReused: number;
  /** NSEC or NSEC3 records made. */
  readonly denialRecords: number;
  /** The inception of every signature made by this run. */
  readonly inception: UnixSeconds;
  /** The earliest and latest signature expiration, kept ones included (refresh planning). */
  readonly earliestExpiration: UnixSeconds;
  readonly latestExpiration: UnixSeconds;
}

export interface SignedZone {
  readonly origin: Name;
  /** The SOA serial of the signed zone. */
  readonly serial: number;
  /**
   * Every RRset of the signed zone in canonical order (RFC 4034 §6.1 for
   * owners, then type number), NSEC3 owners interleaved where they sort.
   * A writer prints each RRset, then its signatures as RRSIG records.
   */
  readonly rrsets: readonly SignedRRset[];
  readonly warnings: readonly SignWarning[];
  readonly stats: SignStats;
}

export interface KeyRoles {
  readonly dnskeyRdatas: Uint8Array[];
  readonly ksk: SigningKey[];
  readonly zsk: SigningKey[];
}

export function isTtl(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 0x7fffffff;
}

/** Splits keys by role and checks every role covers every published algorithm. */
export function assignKeyRoles(keys: readonly ActiveKey[], publishedOnly: readonly Uint8Array[]): KeyRoles {
  if (keys.length === 0) throw new SignetError('ERR_SIGN_NO_KEYS', 'no active signing keys');
  const byAlgorithmAndTag = (a: SigningKey, b: SigningKey) => a.algorithm - b.algorithm || a.keyTag - b.keyTag;
  const ksk = keys.filter((k) => k.signs !== 'zsk').map((k) => k.key).sort(byAlgorithmAndTag);
  const zsk = keys.filter((k) => k.signs !== 'ksk').map((k) => k.key).sort(byAlgorithmAndTag);
  const dnskeyRdatas = [...keys.map((k) => k.key.dnskeyRdata), ...publishedOnly];
  const algorithms = new Set<number>();
  for (const rdata of dnskeyRdatas) {
    const dnskey = decodeDnskey(rdata);
    // RFC 4034 §2.1.1: a key that signs zone data has the Zone Key flag; §2.1.2: protocol 3.
    if ((dnskey.flags & DNSKEY_FLAG_ZONE) === 0 || dnskey.protocol !== 3) {
      throw new SignetError('ERR_SIGN_NOT_ZONE_KEY', `DNSKEY with flags ${dnskey.flags}, protocol ${dnskey.protocol} is not a DNSSEC zone key`);
    }
    algorithms.add(dnskey.algorithm);
  }
  for (const algorithm of algorithms) {
    for (const [role, list] of [['KSK or CSK', ksk], ['ZSK or CSK', zsk]] as const) {
      if (!list.some((k) => k.algorithm === algorithm)) {
        throw new SignetError(
          'ERR_SIGN_ALGORITHM_NOT_COVERED',
          `the DNSKEY set has algorithm ${algorithm} but no active ${role} of that algorithm; every RRset must be signed with every algorithm (RFC 4035 §2.2)`,
        );
      }
    }
  }
  return { dnskeyRdatas, ksk, zsk };
}

/** The SOA with its serial replaced; the serial is the first of the five 32-bit fields ending the RDATA (RFC 1035 §3.3.13). */
function soaWithSerial(soa: RRset, serial: number): RRset {
  if (!Number.isInteger(serial) || serial < 0 || serial >= 2 ** 32) throw new SignetError('ERR_SERIAL_RANGE', `SOA serial ${serial} is outside 0..4294967295`);
  const rdata = soa.rdatas[0]!.slice();
  if (rdata.length < 22) throw new SignetError('ERR_SIGN_BAD_SOA', 'SOA RDATA is too short');
  new DataView(rdata.buffer).setUint32(rdata.length - 20, serial);
  return buildRRset([{ owner: soa.owner, type: RRType.SOA, class: soa.class, ttl: soa.ttl, rdata }]);
}

function apexRRset(zone: ClassifiedZone, type: number, ttl: number, rdatas: readonly Uint8Array[]): RRset {
  return buildRRset(rdatas.map((rdata) => ({ owner: zone.origin, type, class: zone.soa.class, ttl, rdata })));
}

/** Canonical RRset order: owner (RFC 4034 §6.1), then type number. */
function compareRRsets(a: RRset, b: RRset): number {
  return a.owner.compare(b.owner) || a.type - b.type;
}

/** Denial-chain warnings for parameters RFC 9276 advises against. */
export function denialWarnings(denial: DenialOptions): SignWarning[] {
  const out: SignWarning[] = [];
  if (denial.kind !== 'nsec3') return out;
  if (denial.iterations > 0) {
    out.push({ code: 'WARN_NSEC3_ITERATIONS', message: `NSEC3 iterations ${denial.iterations}: RFC 9276 §3.1 says to use 0; some resolvers treat high counts as insecure` });
  }
  if (denial.salt.length > 0) out.push({ code: 'WARN_NSEC3_SALT', message: 'NSEC3 salt is not empty: RFC 9276 §3.1 says operators SHOULD NOT use a salt' });
  return out;
}

/**
 * Everything decided before the crypto: the output RRsets in order, which
 * of them are signed by which keys with which expiration, and what the
 * previous zone lets us keep. `signZone` signs `items` in this thread;
 * `signZoneParallel` hands them to worker threads; `assembleSignedZone`
 * puts the result together either way.
 */
export interface SigningPlan {
  readonly origin: Name;
  readonly serial: number;
  readonly ordered: readonly OrderedRRset[];
  /** The RRsets to sign now, in canonical order. */
  readonly items: readonly SignItem[];
  readonly inception: UnixSeconds;
  readonly warnings: readonly SignWarning[];
  readonly denialRecords: number;
  /** Earliest and latest expiration over new and kept signatures (Infinity/−Infinity when none). */
  readonly earliest: number;
  readonly latest: number;
  readonly reusedCount: number;
  /** The key lists of the two roles; each item's `keys` is one of these arrays. */
  readonly ksk: readonly SigningKey[];
  readonly zsk: readonly SigningKey[];
}

/** Plans the signing of a zone (see SigningPlan). Pure. */
export function planSignZone(zone: Zone, options: SignZoneOptions): SigningPlan {
  const validity = { validity: options.validity, inceptionOffset: options.inceptionOffset, jitter: options.jitter };
  checkValidityOptions(validity);
  if (!isTtl(options.dnskeyTtl)) throw new SignetError('ERR_SIGN_BAD_TTL', `DNSKEY TTL ${options.dnskeyTtl} is not a TTL`);
  if (options.reuse !== undefined && !(Number.isInteger(options.reuse.refresh) && options.reuse.refresh >= 0)) {
    throw new SignetError('ERR_SIGN_BAD_VALIDITY', `signature refresh ${options.reuse.refresh} must be zero or more seconds`);
  }
  const roles = assignKeyRoles(options.keys, options.publishedOnly ?? []);
  const classified = classifyZone(zone);
  const origin = classified.origin;
  const soa = soaWithSerial(classified.soa, options.serial);
  const warnings: SignWarning[] = [...classified.warnings, ...denialWarnings(options.denial)];

  // Signer-made apex RRsets.
  const apexAdded: RRset[] = [apexRRset(classified, RRType.DNSKEY, options.dnskeyTtl, roles.dnskeyRdatas)];
  if (options.cds && options.cds.length > 0) apexAdded.push(apexRRset(classified, RRType.CDS, options.dnskeyTtl, options.cds));
  if (options.cdnskey && options.cdnskey.length > 0) apexAdded.push(apexRRset(classified, RRType.CDNSKEY, options.dnskeyTtl, options.cdnskey));
  const apexExtraTypes = apexAdded.map((r) => r.type);

  // The denial chain (RFC 9077: TTL from the SOA).
  const ttl = denialTtl(soa);
  const zoneWithSoa: ClassifiedZone = { ...classified, soa };
  let nsec: RRset[] = [];
  let nsec3: RRset[] = [];
  if (options.denial.kind === 'nsec') {
    nsec = buildNsecChain(zoneWithSoa, apexExtraTypes, ttl);
  } else {
    nsec3 = buildNsec3Chain(zoneWithSoa, apexExtraTypes, options.denial, ttl);
    apexAdded.push(buildNsec3Param(zoneWithSoa, options.denial, ttl));
  }

  const ordered = orderRRsets(classified, soa, apexAdded, nsec, nsec3);

  // Sign, each RRset with its own jittered expiration; keep what the previous zone allows.
  const now = options.now;
  const inception = signatureInception(now, validity);
  const reuse = options.reuse;
  const signer = origin.canonical;
  const items: SignItem[] = [];
  let earliest = Infinity;
  let latest = -Infinity;
  let reusedCount = 0;
  for (const entry of ordered) {
    if (entry.sign === null) continue;
    const expiration = signatureExpiration(now, validity, options.random(entry.rrset.owner, entry.rrset.type));
    const keys = entry.sign === 'ksk' ? roles.ksk : roles.zsk;
    if (reuse !== undefined) {
      const rrset = entry.rrset;
      const kept = reusableSignatures(
        reuse.previous.find(rrset.owner.canonical, rrset.type),
        { type: rrset.type, ttl: rrset.ttl, rrsigLabels: rrset.owner.rrsigLabels, canonicalRdatas: rrset.canonicalRdatas },
        keys, signer, now, reuse.refresh,
      );
      if (kept !== null) {
        entry.reused = kept;
        reusedCount += kept.length;
        for (const sig of kept) {
          // Back from the 32-bit field to Unix seconds near `now` (RFC 4034 §3.1.5 serial arithmetic).
          const t = now + (((rrsigExpiration(sig) - now) >>> 0) | 0);
          if (t < earliest) earliest = t;
          if (t > latest) latest = t;
        }
        continue;
      }
    }
    if (expiration < earliest) earliest = expiration;
    if (expiration > latest) latest = expiration;
    entry.item = items.length;
    items.push({ rrset: entry.rrset, keys, expiration });
  }
  return { origin, serial: options.serial, ordered, items, inception, warnings, denialRecords: nsec.length + nsec3.length, earliest, latest, reusedCount, ksk: roles.ksk, zsk: roles.zsk };
}

/** The signed zone from a plan and the signatures of its items (in item order, as signBatch returns them). */
export function assembleSignedZone(plan: SigningPlan, signatures: readonly (readonly Uint8Array[])[]): SignedZone {
  const none: readonly Uint8Array[] = [];
  let signatureCount = 0;
  let created = 0;
  let rrsetsSigned = 0;
  const rrsets: SignedRRset[] = plan.ordered.map((entry) => {
    let sigs = none;
    if (entry.item !== null) {
      sigs = signatures[entry.item]!;
      created += sigs.length;
    } else if (entry.reused !== null) {
      sigs = entry.reused;
    }
    if (entry.sign !== null) rrsetsSigned++;
    signatureCount += sigs.length;
    return { rrset: entry.rrset, signatures: sigs };
  });
  return {
    origin: plan.origin,
    serial: plan.serial,
    rrsets,
    warnings: plan.warnings,
    stats: {
      rrsets: rrsets.length,
      rrsetsSigned,
      signatures: signatureCount,
      signaturesCreated: created,
      signaturesReused: signatureCount - created,
      denialRecords: plan.denialRecords,
      inception: plan.inception,
      earliestExpiration: plan.earliest,
      latestExpiration: plan.latest,
    },
  };
}

/** Signs a zone. Pure: the same zone, keys and options give the same output (ECDSA signature values aside). */
export function signZone(zone: Zone, options: SignZoneOptions): SignedZone {
  const plan = planSignZone(zone, options);
  return assembleSignedZone(plan, signBatch(plan.items, { inception: plan.inception, signerName: plan.origin }));
}

export interface OrderedRRset {
  readonly rrset: RRset;
  /** The key role that signs it, or null when it is not signed. */
  readonly sign: 'ksk' | 'zsk' | null;
  /** Index of its item in the signing batch, once it has one. */
  item: number | null;
  /** Signatures kept from the previous zone instead of an item, once decided. */
  reused: readonly Uint8Array[] | null;
}

/**
 * Every RRset of the signed zone in canonical order: the zone's own (SOA
 * replaced), the signer-made apex sets, NSEC at its owner in type order, and
 * NSEC3 owners merged in where their names sort.
 */
function orderRRsets(classified: ClassifiedZone, soa: RRset, apexAdded: readonly RRset[], nsec: readonly RRset[], nsec3: readonly RRset[]): OrderedRRset[] {
  const ordered: OrderedRRset[] = [];
  let nsecIndex = 0;
  let nsec3Index = 0;
  const pushNsec3Before = (rrset: RRset | null) => {
    while (nsec3Index < nsec3.length && (rrset === null || compareRRsets(nsec3[nsec3Index]!, rrset) < 0)) {
      ordered.push({ rrset: nsec3[nsec3Index++]!, sign: 'zsk', item: null, reused: null });
    }
  };
  const push = (owner: ZoneOwner, rrset: RRset) => {
    pushNsec3Before(rrset);
    ordered.push({ rrset, sign: signRole(owner, rrset), item: null, reused: null });
  };
  for (const owner of classified.owners) {
    const denial = isInDenialChain(owner) && nsec.length > 0 ? nsec[nsecIndex++]! : null;
    if (owner.kind === 'apex') {
      const here = [...owner.rrsets.map((r) => (r.type === RRType.SOA ? soa : r)), ...apexAdded];
      if (denial !== null) here.push(denial);
      for (const rrset of here.sort((a, b) => a.type - b.type)) push(owner, rrset);
      continue;
    }
    // owner.rrsets are in type order already; the NSEC goes where its type number sorts.
    let pending = denial;
    for (const rrset of owner.rrsets) {
      if (pending !== null && pending.type < rrset.type) {
        push(owner, pending);
        pending = null;
      }
      push(owner, rrset);
    }
    if (pending !== null) push(owner, pending);
  }
  pushNsec3Before(null);
  return ordered;
}

/** Which role signs an RRset at an owner, or null when it is not signed. */
function signRole(owner: ZoneOwner, rrset: RRset): 'ksk' | 'zsk' | null {
  // NSEC records are signed at every name that has one, delegations included (RFC 4035 §2.3).
  if (rrset.type === RRType.NSEC) return 'zsk';
  if (!isSignedType(owner.kind, rrset.type)) return null;
  if (owner.kind === 'apex' && (rrset.type === RRType.DNSKEY || rrset.type === RRType.CDS || rrset.type === RRType.CDNSKEY)) return 'ksk';
  return 'zsk';
}
