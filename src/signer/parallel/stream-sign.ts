/**
 * The streaming signer: CompactZone in, master-file bytes out, with the
 * signing and the text formatting done by worker threads.
 *
 *   parse (fast-load.ts) → sort (compact-zone.ts) → classify and chain
 *   (compact-plan.ts) → units in canonical order → batches → workers sign
 *   and format → bytes written in order
 *
 * The output is the file renderSignedZone would write for
 * signZone(compactToZone(zone), options): the same records in the same
 * order and form (a differential test compares them byte for byte with
 * Ed25519). Memory: the CompactZone, the NSEC3 hashes, and a few batches in
 * flight; the signed zone is never held whole.
 */
import { SignetError } from '../../core/errors.ts';
import { AtomicFileWriter } from '../../io/atomic-write.ts';
import type { ProgressHook } from '../../io/progress.ts';
import { buildRRset, canonicalRdata } from '../../zone/canonical.ts';
import { encodeNsec3Param } from '../../zone/dnssec-rdata.ts';
import { Name } from '../../zone/name.ts';
import type { RRset } from '../../zone/record.ts';
import { RRType } from '../../zone/types.ts';
import type { SignWarning } from '../authority.ts';
import { NSEC3_HASH_SHA1 } from '../nsec3-hash.ts';
import { reusableSignatures, rrsigExpiration } from '../reuse.ts';
import type { ReuseOptions } from '../reuse.ts';
import { assignKeyRoles, denialWarnings, isTtl } from '../sign-zone.ts';
import type { SignStats, SignZoneOptions } from '../sign-zone.ts';
import type { SigningKey } from '../signing-key.ts';
import { checkValidityOptions, hashedJitterWire, signatureExpiration, signatureInception } from '../validity.ts';
import type { JitterSource } from '../validity.ts';
import { BATCH_BYTES, BatchWriter, UNIT_KSK, UNIT_REUSED, UNIT_SIGN } from './batch.ts';
import { buildCompactNsec3, classifyCompact, isSignedKind, KIND_APEX, KIND_GONE, nsecBitmaps } from './compact-plan.ts';
import { Nsec3Records, NsecRecords } from './denial-records.ts';
import type { CompactZone } from './compact-zone.ts';
import { rrsetRdatas } from './compact-zone.ts';
import type { ParallelActiveKey } from './keys.ts';
import { defaultWorkerCount, SigningPool } from './pool.ts';
import type { BatchResult } from './pool.ts';
import { createBatchProcessor } from './process-batch.ts';
import type { BatchCounts, WorkerInit } from './process-batch.ts';
import { DEFAULT_PARALLEL_THRESHOLD, workerKeys } from './sign-parallel.ts';

export interface StreamSignOptions extends Omit<SignZoneOptions, 'random' | 'keys'> {
  readonly keys: readonly ParallelActiveKey[];
  /** Jitter as `hashedJitter(jitterSeed)` draws it, computed on wire names (fast). */
  readonly jitterSeed?: string;
  /** Any other jitter source (used when no jitterSeed is given; builds a Name per RRset). */
  readonly random?: JitterSource;
  /** Worker threads (default one per core); 1 signs and formats in this thread. */
  readonly workers?: number;
  /** With fewer signatures to make than this, work in this thread. */
  readonly parallelThreshold?: number;
  /** A pool started beforehand (startStreamPool), e.g. while the zone loads. Closed by the caller. */
  readonly pool?: SigningPool;
  /**
   * Signatures made while the zone was read (speculate.ts, settled), found by
   * the owner's builder id (zone.ownerIds) and type.
   */
  readonly speculation?: { lookup(ownerId: number, type: number): Uint8Array[] | null };
  readonly progress?: ProgressHook;
}

export interface StreamSignResult {
  readonly serial: number;
  readonly warnings: readonly SignWarning[];
  readonly stats: SignStats;
}

const ROLE_NONE = 0;
const ROLE_ZSK = 1;
const ROLE_KSK = 2;

/** Writes the batches' bytes somewhere, in order. */
export type ByteSink = (bytes: Uint8Array) => void;

/** The WorkerInit for a streaming run (text mode). */
function textInit(options: StreamSignOptions, signerCanonical: Uint8Array): WorkerInit | null {
  const roles = assignKeyRoles(options.keys, options.publishedOnly ?? []);
  const table = workerKeys(options.keys, roles.ksk, roles.zsk);
  if (table === null) return null;
  const inception = signatureInception(options.now, options);
  return { mode: 'text', keys: table.material, ksk: table.ksk, zsk: table.zsk, signer: signerCanonical, inception };
}

/**
 * Starts the worker pool for a streaming run ahead of time, so that the
 * workers load while the zone is read. Null when the keys cannot go to
 * workers or `workers` is 1.
 */
export function startStreamPool(options: StreamSignOptions, signerCanonical: Uint8Array): SigningPool | null {
  const workers = options.workers ?? defaultWorkerCount();
  if (workers <= 1) return null;
  const init = textInit(options, signerCanonical);
  return init === null ? null : new SigningPool(workers, init);
}

/**
 * Signs `zone` and gives the signed master file to `sink`, batch by batch in
 * order. Pure but for the crypto: the clock comes in as `now`.
 */
export async function signCompactZone(zone: CompactZone, sink: ByteSink, options: StreamSignOptions): Promise<StreamSignResult> {
  const validity = { validity: options.validity, inceptionOffset: options.inceptionOffset, jitter: options.jitter };
  checkValidityOptions(validity);
  if (!isTtl(options.dnskeyTtl)) throw new SignetError('ERR_SIGN_BAD_TTL', `DNSKEY TTL ${options.dnskeyTtl} is not a TTL`);
  const reuse: ReuseOptions | undefined = options.reuse;
  if (reuse !== undefined && !(Number.isInteger(reuse.refresh) && reuse.refresh >= 0)) {
    throw new SignetError('ERR_SIGN_BAD_VALIDITY', `signature refresh ${reuse.refresh} must be zero or more seconds`);
  }
  const serial = options.serial;
  if (!Number.isInteger(serial) || serial < 0 || serial >= 2 ** 32) throw new SignetError('ERR_SERIAL_RANGE', `SOA serial ${serial} is outside 0..4294967295`);
  const roles = assignKeyRoles(options.keys, options.publishedOnly ?? []);
  const c = classifyCompact(zone);
  const origin = zone.origin;
  const originCanon = origin.canonical;
  const warnings: SignWarning[] = [...c.warnings, ...denialWarnings(options.denial)];
  const now = options.now;
  const inception = signatureInception(now, validity);
  const jitterWire = options.jitterSeed !== undefined ? hashedJitterWire(options.jitterSeed) : null;
  const random = options.random ?? null;
  if (jitterWire === null && random === null) throw new SignetError('ERR_SIGN_BAD_RANDOM', 'give a jitterSeed or a random jitter source');

  // The SOA with its serial (RFC 1035 §3.3.13: the first of the five 32-bit fields ending the RDATA).
  const soaRdata = rrsetRdatas(zone, c.soa)[0]!.slice();
  if (soaRdata.length < 22) throw new SignetError('ERR_SIGN_BAD_SOA', 'SOA RDATA is too short');
  new DataView(soaRdata.buffer).setUint32(soaRdata.length - 20, serial);
  const soaTtl = zone.rsTtl[c.soa]!;
  // RFC 9077 §3.2: denial records take the smaller of the SOA MINIMUM and the SOA TTL.
  const minimum = new DataView(soaRdata.buffer).getUint32(soaRdata.length - 4);
  const denialTtl = Math.min(minimum, soaTtl);

  // Signer-made apex RRsets.
  const cls = zone.zoneClass;
  const apexSet = (type: number, ttl: number, rdatas: readonly Uint8Array[]): RRset => buildRRset(rdatas.map((rdata) => ({ owner: origin, type, class: cls, ttl, rdata })));
  const apexAdded: RRset[] = [apexSet(RRType.DNSKEY, options.dnskeyTtl, roles.dnskeyRdatas)];
  if (options.cds && options.cds.length > 0) apexAdded.push(apexSet(RRType.CDS, options.dnskeyTtl, options.cds));
  if (options.cdnskey && options.cdnskey.length > 0) apexAdded.push(apexSet(RRType.CDNSKEY, options.dnskeyTtl, options.cdnskey));
  const apexExtraTypes = apexAdded.map((r) => r.type);
  let nsec: NsecRecords | null = null;
  let nsec3: Nsec3Records | null = null;
  if (options.denial.kind === 'nsec') {
    nsec = new NsecRecords(zone, nsecBitmaps(c, apexExtraTypes));
  } else {
    const params = options.denial;
    nsec3 = new Nsec3Records(buildCompactNsec3(c, apexExtraTypes, params), params, origin);
    // RFC 5155 §4.1.2: the NSEC3PARAM Flags field is 0.
    apexAdded.push(apexSet(RRType.NSEC3PARAM, denialTtl, [encodeNsec3Param({ hashAlgorithm: NSEC3_HASH_SHA1, flags: 0, iterations: params.iterations, salt: params.salt })]));
  }

  // Count the output and the signatures to make, for progress and the thread decision.
  let total = apexAdded.length;
  let toSign = apexAdded.length;
  for (let k = 0; k < zone.ownerCount; k++) {
    const kind = c.kind[k]!;
    if (kind === KIND_GONE) continue;
    for (let i = zone.ownerRRsets[k]!; i < zone.ownerRRsets[k + 1]!; i++) {
      if (c.kept[i] === 0) continue;
      total++;
      if (isSignedKind(kind, zone.rsType[i]!)) toSign++;
    }
    if (nsec !== null && nsec.has(k)) {
      total++;
      toSign++;
    }
  }
  if (nsec3 !== null) {
    total += nsec3.count;
    toSign += nsec3.count;
  }

  // Where the work runs: a pool given or started here, or this thread.
  let pool = options.pool ?? null;
  let ownPool = false;
  let local: ((b: Uint8Array, counts: BatchCounts) => Uint8Array) | null = null;
  if (pool === null) {
    const workers = options.workers ?? defaultWorkerCount();
    const threshold = options.parallelThreshold ?? DEFAULT_PARALLEL_THRESHOLD;
    const keysPerRRset = Math.max(roles.ksk.length, roles.zsk.length);
    if (workers > 1 && toSign * keysPerRRset >= threshold) {
      pool = startStreamPool(options, originCanon);
      ownPool = pool !== null;
    }
  }
  if (pool === null) {
    const init = textInit(options, originCanon);
    if (init === null) {
      // Keys without worker material: sign with the SigningKeys themselves.
      local = createLocalProcessor(roles.ksk, roles.zsk, originCanon, inception);
    } else {
      local = createBatchProcessor(init);
    }
  }

  const writer = new BatchWriter();
  const queue: Array<{ units: number; result: Promise<BatchResult> }> = [];
  const maxInFlight = pool === null ? 0 : pool.size * 3;
  let unitsDone = 0;
  let created = 0;
  let reusedCount = 0;
  let rrsetsSigned = 0;
  let earliest = Infinity;
  let latest = -Infinity;
  const counts: BatchCounts = { created: 0, reused: 0 };
  const progress = options.progress;

  sink(Buffer.from(`; signed by signet, serial ${serial}\n`, 'latin1'));

  const drain = async (keep: number): Promise<void> => {
    while (queue.length > keep) {
      const head = queue.shift()!;
      const r = await head.result;
      created += r.counts.created;
      sink(r.output);
      unitsDone += head.units;
      progress?.('sign', unitsDone, total);
    }
  };
  const flush = async (): Promise<void> => {
    if (writer.units === 0) return;
    const units = writer.units;
    const batch = writer.finish();
    if (local !== null) {
      counts.created = 0;
      counts.reused = 0;
      const out = local(new Uint8Array(batch), counts);
      created += counts.created;
      sink(out);
      unitsDone += units;
      progress?.('sign', unitsDone, total);
      return;
    }
    queue.push({ units, result: pool!.run(batch) });
    await drain(maxInFlight);
  };

  const signerCanon = originCanon;
  // Signatures made while reading are of no use when the previous zone's are kept instead.
  const ownerIds = zone.ownerIds ?? null;
  const speculation = reuse === undefined && ownerIds !== null ? options.speculation ?? null : null;
  const noteExpiration = (t: number): void => {
    if (t < earliest) earliest = t;
    if (t > latest) latest = t;
  };
  const labelsOf = (b: Uint8Array, start: number, end: number): number => {
    let count = 0;
    for (let p = start; p < end && b[p] !== 0; p += b[p]! + 1) count++;
    if (count > 0 && b[start] === 1 && b[start + 1] === 0x2a) count--;
    return count;
  };

  // Where a unit's RDATA comes from, for the reuse check (which needs it in canonical form).
  const FROM_ZONE = 0;
  const FROM_SOA = 1;
  const FROM_OBJECT = 2;
  const FROM_NSEC = 3;
  const FROM_NSEC3 = 4;
  let objectSource: RRset | null = null;
  const canonicalRdatasOf = (from: number, index: number, type: number): Uint8Array[] => {
    switch (from) {
      case FROM_ZONE: {
        const list = rrsetRdatas(zone, index);
        for (let q = 0; q < list.length; q++) list[q] = canonicalRdata(type, list[q]!);
        return list;
      }
      case FROM_SOA: return [canonicalRdata(type, soaRdata)];
      case FROM_OBJECT: return [...objectSource!.canonicalRdatas];
      case FROM_NSEC: return [nsec!.rdata(index)];
      default: return [nsec3!.rdata(index)];
    }
  };

  /**
   * Starts the unit of one RRset: decides whether it is signed, kept from
   * the previous zone or printed as is, and writes its header. The caller
   * adds the RDATAs, then calls unitDone.
   */
  let pendingReuse: Uint8Array[] | null = null;
  const beginUnit = (
    spelled: Uint8Array, canon: Uint8Array, cs: number, ce: number, type: number, ttl: number,
    role: number, from: number, index: number, ahead: Uint8Array[] | null = null,
  ): void => {
    pendingReuse = null;
    if (role === ROLE_NONE) {
      writer.begin(0, spelled, type, cls, ttl, 0);
      return;
    }
    rrsetsSigned++;
    const fraction = jitterWire !== null ? jitterWire(canon, type, cs, ce) : random!(nameFromWire(spelled), type);
    const expiration = signatureExpiration(now, validity, fraction);
    const kskFlag = role === ROLE_KSK ? UNIT_KSK : 0;
    if (ahead !== null) {
      // Signed while the zone was read: printed like kept signatures, counted as made now.
      writer.begin(UNIT_REUSED | kskFlag, spelled, type, cls, ttl, expiration);
      pendingReuse = ahead;
      created += ahead.length;
      noteExpiration(expiration);
      return;
    }
    if (reuse !== undefined) {
      const owner = cs === 0 && ce === canon.length ? canon : canon.subarray(cs, ce);
      const keys = role === ROLE_KSK ? roles.ksk : roles.zsk;
      const current = { type, ttl, rrsigLabels: labelsOf(canon, cs, ce), canonicalRdatas: canonicalRdatasOf(from, index, type) };
      const kept = reusableSignatures(reuse.previous.find(owner, type), current, keys, signerCanon, now, reuse.refresh);
      if (kept !== null) {
        writer.begin(UNIT_REUSED | kskFlag, spelled, type, cls, ttl, expiration);
        pendingReuse = kept;
        reusedCount += kept.length;
        for (const sig of kept) noteExpiration(now + (((rrsigExpiration(sig) - now) >>> 0) | 0));
        return;
      }
    }
    noteExpiration(expiration);
    writer.begin(UNIT_SIGN | kskFlag, spelled, type, cls, ttl, expiration);
  };
  /** Ends the unit; true when the batch is full and should be flushed. */
  const unitDone = (): boolean => {
    if (pendingReuse !== null) writer.reused(pendingReuse);
    pendingReuse = null;
    return writer.bytes >= BATCH_BYTES;
  };

  // An RRset of the zone (index i, owner k).
  const emitZoneRRset = (k: number, i: number): boolean => {
    const type = zone.rsType[i]!;
    const kind = c.kind[k]!;
    const spelled = zone.spell.subarray(zone.rsSpellStart[i]!, zone.rsSpellEnd[i]!);
    const cs = zone.ownerStart[k]!;
    const ce = zone.ownerStart[k + 1]!;
    const role = !isSignedKind(kind, type) ? ROLE_NONE
      : kind === KIND_APEX && (type === RRType.DNSKEY || type === RRType.CDS || type === RRType.CDNSKEY) ? ROLE_KSK : ROLE_ZSK;
    if (i === c.soa) {
      beginUnit(spelled, zone.canon, cs, ce, type, zone.rsTtl[i]!, role, FROM_SOA, i);
      writer.rdata(soaRdata);
    } else {
      const ahead = speculation !== null && role === ROLE_ZSK ? speculation.lookup(ownerIds![k]!, type) : null;
      beginUnit(spelled, zone.canon, cs, ce, type, zone.rsTtl[i]!, role, FROM_ZONE, i, ahead);
      const from = zone.rsRdata[i]!;
      const count = zone.rsRdataCount[i]!;
      let to = from;
      for (let q = 0; q < count; q++) to += 2 + ((zone.rdata[to]! << 8) | zone.rdata[to + 1]!);
      writer.rdataBlock(zone.rdata, from, to, count);
    }
    return unitDone();
  };

  const emitObjectRRset = (r: RRset, role: number): boolean => {
    const canon = r.owner.canonical;
    objectSource = r;
    beginUnit(r.owner.wire, canon, 0, canon.length, r.type, r.ttl, role, FROM_OBJECT, 0);
    for (const rd of r.rdatas) writer.rdata(rd);
    return unitDone();
  };

  const emitNsec = (k: number): boolean => {
    const f = c.first[k]!;
    const spelled = zone.spell.subarray(zone.rsSpellStart[f]!, zone.rsSpellEnd[f]!);
    beginUnit(spelled, zone.canon, zone.ownerStart[k]!, zone.ownerStart[k + 1]!, RRType.NSEC, denialTtl, ROLE_ZSK, FROM_NSEC, k);
    nsec!.write(k, writer.buffer, writer.reserveRdata(nsec!.length(k)));
    return unitDone();
  };
  const emitNsec3 = (j: number): boolean => {
    const canon = nsec3!.canonicalOwner(j);
    beginUnit(nsec3!.owner(j), canon, 0, canon.length, RRType.NSEC3, denialTtl, ROLE_ZSK, FROM_NSEC3, j);
    nsec3!.write(j, writer.buffer, writer.reserveRdata(nsec3!.length(j)));
    return unitDone();
  };

  // The NSEC3 owners merge into the canonical order of the zone's names (orderRRsets in sign-zone.ts).
  let nextNsec3 = 0;
  const nsec3Count = nsec3 === null ? 0 : nsec3.count;
  const nsec3Before = async (k: number, type: number): Promise<void> => {
    while (nextNsec3 < nsec3Count && nsec3!.sortsBefore(nextNsec3, zone, k, type)) if (emitNsec3(nextNsec3++)) await flush();
  };

  try {
    // Some loaders expect the SOA as the zone's first record (renderSignedZone does the same).
    if (emitZoneRRset(0, c.soa)) await flush();
    for (let k = 0; k < zone.ownerCount; k++) {
      const kind = c.kind[k]!;
      if (kind === KIND_GONE) continue;
      const hasNsec = nsec !== null && nsec.has(k);
      if (kind === KIND_APEX) {
        // The apex: its RRsets and the signer's, by type.
        const here: Array<{ type: number; zone: number; object: RRset | null }> = [];
        for (let i = zone.ownerRRsets[k]!; i < zone.ownerRRsets[k + 1]!; i++) {
          if (c.kept[i] === 0 || i === c.soa) continue;
          here.push({ type: zone.rsType[i]!, zone: i, object: null });
        }
        for (const r of apexAdded) here.push({ type: r.type, zone: -1, object: r });
        if (hasNsec) here.push({ type: RRType.NSEC, zone: -1, object: null });
        here.sort((a, b) => a.type - b.type);
        for (const h of here) {
          const full = h.object !== null ? emitObjectRRset(h.object, h.type === RRType.NSEC3PARAM ? ROLE_ZSK : ROLE_KSK)
            : h.zone >= 0 ? emitZoneRRset(k, h.zone) : emitNsec(k);
          if (full) await flush();
        }
        continue;
      }
      let nsecPending = hasNsec;
      for (let i = zone.ownerRRsets[k]!; i < zone.ownerRRsets[k + 1]!; i++) {
        if (c.kept[i] === 0) continue;
        const type = zone.rsType[i]!;
        if (nsecPending && RRType.NSEC < type) {
          if (nsec3Count > nextNsec3) await nsec3Before(k, RRType.NSEC);
          if (emitNsec(k)) await flush();
          nsecPending = false;
        }
        if (nsec3Count > nextNsec3) await nsec3Before(k, type);
        if (emitZoneRRset(k, i)) await flush();
      }
      if (nsecPending) {
        if (nsec3Count > nextNsec3) await nsec3Before(k, RRType.NSEC);
        if (emitNsec(k)) await flush();
      }
    }
    while (nextNsec3 < nsec3Count) if (emitNsec3(nextNsec3++)) await flush();
    // Before anything is kept: a previous zone read as we went may find here that its answers do not stand (it throws).
    reuse?.previous.settle?.();
    await flush();
    await drain(0);
  } finally {
    if (ownPool) await pool!.close();
  }
  progress?.('done', total, total);
  const signatures = created + reusedCount;
  return {
    serial,
    warnings,
    stats: {
      rrsets: total,
      rrsetsSigned,
      signatures,
      signaturesCreated: created,
      signaturesReused: reusedCount,
      denialRecords: nsec3 !== null ? nsec3.count : nsec !== null ? nsec.count : 0,
      inception,
      earliestExpiration: earliest,
      latestExpiration: latest,
    },
  };
}

function nameFromWire(wire: Uint8Array): Name {
  return Name.fromWire(wire, 0).name;
}

/** A text-mode processor for keys that exist only as SigningKeys in this thread. */
function createLocalProcessor(ksk: readonly SigningKey[], zsk: readonly SigningKey[], signer: Uint8Array, inception: number): (b: Uint8Array, counts: BatchCounts) => Uint8Array {
  return createBatchProcessor({ mode: 'text', keys: [], ksk: [], zsk: [], signer, inception }, { ksk, zsk });
}

/** Signs `zone` into the file `path` atomically (temporary file, fsync, rename). */
export async function signCompactZoneToFile(zone: CompactZone, path: string, options: StreamSignOptions): Promise<StreamSignResult> {
  const out = new AtomicFileWriter(path);
  try {
    const result = await signCompactZone(zone, (b) => out.writeBytes(b), options);
    out.commit();
    return result;
  } catch (e) {
    out.abort();
    throw e;
  }
}
