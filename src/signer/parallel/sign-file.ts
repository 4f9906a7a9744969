/**
 * One call for the manager: sign a zone file into its output file with the
 * streaming signer, reusing what the previous output allows.
 *
 *   unchanged input and parameters, previous output present
 *       → patch the previous output (patch.ts): one pass over the file,
 *         which must be the file signet published (its SHA-256)
 *   otherwise
 *       → read the zone (fast-load.ts, NSEC3 hashes made by the workers
 *         meanwhile), keep the previous output's signatures that are still
 *         good (reuse.ts; the previous output read alongside the signing,
 *         previous-stream.ts), sign the rest (stream-sign.ts)
 *
 * The workers start first, so they load while the zone is read. The output
 * is written atomically (temporary file, fsync, rename). Whether the input
 * is unchanged is the caller's knowledge (the manager's signing
 * fingerprint, or a digest of the input file): `unchanged: true` only
 * allows the patch, which still checks the file and falls back when it
 * cannot be used.
 */
import { existsSync, statSync } from 'node:fs';
import type { UnixSeconds } from '../../core/time.ts';
import type { ProgressHook } from '../../io/progress.ts';
import type { Name } from '../../zone/name.ts';
import { RRClass } from '../../zone/types.ts';
import { hashedJitterWire } from '../validity.ts';
import type { ZoneWarning } from '../../zone/zone.ts';
import type { SignWarning } from '../authority.ts';
import type { DenialOptions, SignStats } from '../sign-zone.ts';
import { compactSoaSerial, digestCompactZone, type CompactZone } from './compact-zone.ts';
import { loadCompactZone, readSoaSerial } from './fast-load.ts';
import type { ParallelActiveKey } from './keys.ts';
import { resignUnchangedToFile, type PublishedOutput } from './patch.ts';
import { loadPreviousSignatures } from './previous.ts';
import { PreviousUnusable, StreamedPrevious } from './previous-stream.ts';
import type { PreviousSignatures } from '../reuse.ts';
import { Speculator } from './speculate.ts';
import { DEFAULT_PARALLEL_THRESHOLD } from './sign-parallel.ts';
import { signCompactZoneToFile, startStreamPool } from './stream-sign.ts';
import type { StreamSignOptions, StreamSignResult } from './stream-sign.ts';

export interface SignFileJob {
  /** The unsigned zone file and its origin. */
  readonly input: string;
  readonly origin: Name;
  /** The input already loaded (the manager reads it first to digest it); the file is then not read again. */
  readonly zone?: CompactZone;
  /** Where the signed zone goes; the previous signed zone is read from here too (unless `previous`). */
  readonly output: string;
  /** The previous signed output to reuse (default `output`); null to sign everything anew. */
  readonly previous?: string | null;
  /** The caller knows the input and every signing parameter are as they were for `previous`. */
  readonly unchanged?: boolean;
  /** What is known of `previous` as signet published it (patch.ts: checked as it is read, and its signatures' window). */
  readonly published?: PublishedOutput;
  readonly now: UnixSeconds;
  readonly keys: readonly ParallelActiveKey[];
  readonly publishedOnly?: readonly Uint8Array[];
  readonly cds?: readonly Uint8Array[];
  readonly cdnskey?: readonly Uint8Array[];
  readonly dnskeyTtl: number;
  readonly validity: number;
  readonly inceptionOffset: number;
  readonly jitter: number;
  /** Signatures expiring within this many seconds are made again (policy `signature-refresh`). */
  readonly refresh: number;
  /** Seed of hashedJitter (validity.ts), e.g. `${zone}|${now}`. */
  readonly jitterSeed: string;
  readonly denial: DenialOptions;
  /** The new SOA serial from the input's (serial.ts nextSerial). */
  readonly serialFor: (inputSerial: number) => number;
  readonly workers?: number;
  /**
   * Below about this many signatures (estimated from the input file's size)
   * everything runs in this thread: starting workers costs more than it saves.
   */
  readonly parallelThreshold?: number;
  /** Sign names while the zone is read (speculate.ts); off unless asked: it does not pay on two cores. */
  readonly speculate?: boolean;
  readonly progress?: ProgressHook;
}

/** Octets of zone text per signature, roughly, for the estimate above (a name with an A record and its NSEC3). */
const BYTES_PER_SIGNATURE = 15;

export interface SignFileResult {
  /** How the output was made. */
  readonly mode: 'patched' | 'signed';
  readonly serial: number;
  readonly stats: SignStats;
  readonly warnings: readonly SignWarning[];
  /** Warnings about the input (TTL mismatches), with positions. Empty when patched. */
  readonly zoneWarnings: readonly ZoneWarning[];
  /** The input digest and largest TTL (rollover-input.ts digestZone); null when patched (the input was not read) or when the caller gave the loaded zone. */
  readonly digest: string | null;
  readonly maxTtl: number | null;
  /** Signatures the workers made while the zone was being read (speculate.ts) and that were used or not. */
  readonly signedWhileReading: number;
}

/**
 * Signs with the previous output read as the signer goes (previous-stream.ts:
 * memory for one owner, not for the file). When that file turns out not to
 * be in canonical order (not signet's own output, or edited), the output
 * made is thrown away and the zone signed again with the previous output
 * loaded whole (previous.ts), which reads any file.
 */
async function signReusing(previous: string, origin: Name, signWith: (prev: PreviousSignatures | null) => Promise<StreamSignResult>): Promise<StreamSignResult> {
  const streamed = StreamedPrevious.open(previous, origin);
  try {
    return await signWith(streamed);
  } catch (e) {
    if (!(e instanceof PreviousUnusable)) throw e;
  } finally {
    streamed?.close();
  }
  return signWith(await loadPreviousSignatures(previous, origin));
}

/** Signs `job.input` into `job.output`; see the module header. */
export async function signZoneFile(job: SignFileJob): Promise<SignFileResult> {
  const previous = job.previous === undefined ? job.output : job.previous;
  const base = {
    now: job.now, keys: job.keys, dnskeyTtl: job.dnskeyTtl, validity: job.validity, inceptionOffset: job.inceptionOffset,
    jitter: job.jitter, jitterSeed: job.jitterSeed, denial: job.denial,
    ...(job.publishedOnly ? { publishedOnly: job.publishedOnly } : {}),
    ...(job.cds ? { cds: job.cds } : {}),
    ...(job.cdnskey ? { cdnskey: job.cdnskey } : {}),
    ...(job.workers !== undefined ? { workers: job.workers } : {}),
    ...(job.progress ? { progress: job.progress } : {}),
  };
  const inputSerial = job.unchanged === true && previous !== null && existsSync(previous)
    ? (job.zone !== undefined ? compactSoaSerial(job.zone) : await readSoaSerial(job.input, job.origin))
    : null;
  if (inputSerial !== null && previous !== null) {
    const serial = job.serialFor(inputSerial);
    const patched = await resignUnchangedToFile(previous, job.output, job.origin, {
      ...base, serial, refresh: job.refresh, ...(job.published ? { published: job.published } : {}),
      ...(job.parallelThreshold !== undefined ? { parallelThreshold: job.parallelThreshold } : {}),
    });
    if (patched !== null) return { mode: 'patched', serial, stats: patched.stats, warnings: patched.warnings, zoneWarnings: [], digest: null, maxTtl: null, signedWhileReading: 0 };
  }
  const threshold = job.parallelThreshold ?? DEFAULT_PARALLEL_THRESHOLD;
  const small = statSync(job.input, { throwIfNoEntry: false })?.size ?? 0;
  const streamBase: StreamSignOptions = { ...base, serial: 0, ...(small < threshold * BYTES_PER_SIGNATURE ? { workers: 1 } : {}) };
  // The workers load while this thread reads the zone, and hash its owner names for NSEC3 meanwhile.
  const pool = startStreamPool(streamBase, job.origin.canonical);
  try {
    const denial = job.denial;
    const hashOwners = pool !== null && denial.kind === 'nsec3'
      ? { iterations: denial.iterations, salt: denial.salt, hash: (names: Uint8Array, count: number) => pool.hashNames(names, count, denial.iterations, denial.salt) }
      : undefined;
    // When asked, and with nothing to reuse, the workers sign each name's RRsets as soon as the reader has moved past it.
    const fresh = previous === null || !existsSync(previous);
    const speculator = job.zone === undefined && pool !== null && fresh && job.speculate === true
      ? new Speculator({ pool, now: job.now, validity: job, jitter: hashedJitterWire(job.jitterSeed), zoneClass: RRClass.IN })
      : null;
    const zone = job.zone ?? await loadCompactZone(job.input, job.origin, {
      ...(hashOwners ? { hashOwners } : {}),
      ...(speculator !== null ? { ownerRuns: speculator } : {}),
      ...(job.progress ? { onRecords: (n: number) => job.progress!('parse', n, null) } : {}),
    });
    await speculator?.settle();
    const serial = job.serialFor(compactSoaSerial(zone));
    const signWith = (prev: PreviousSignatures | null): Promise<StreamSignResult> => signCompactZoneToFile(zone, job.output, {
      ...streamBase, serial,
      ...(pool !== null ? { pool } : {}),
      ...(prev !== null ? { reuse: { previous: prev, refresh: job.refresh } } : {}),
      ...(speculator !== null ? { speculation: speculator } : {}),
    });
    const result = fresh ? await signWith(null) : await signReusing(previous!, job.origin, signWith);
    // A caller that loaded the zone has digested it already.
    const { digest, maxTtl } = job.zone === undefined ? digestCompactZone(zone) : { digest: null, maxTtl: null };
    return { mode: 'signed', serial, stats: result.stats, warnings: result.warnings, zoneWarnings: zone.warnings, digest, maxTtl, signedWhileReading: speculator?.made ?? 0 };
  } finally {
    await pool?.close();
  }
}
