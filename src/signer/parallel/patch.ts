/**
 * Re-signing an unchanged zone from its previous signed output, without
 * reading the zone again: the previous file is copied line for line, and
 * only the RRsets whose signatures reach the refresh horizon (and the SOA,
 * whose serial changes) are parsed and signed again. The cost is one pass
 * over the file, not a signing of the zone.
 *
 * The caller must know that nothing the output depends on has changed
 * since the previous file was written by signet: the zone data, the keys
 * and every signing parameter (the manager's signing fingerprint, or the
 * input's digest). The file is checked as it is read (signet's own line
 * format, each RRset followed by its RRSIGs, RRSIGs by exactly the keys of
 * the RRset's role); anything else makes the function return null, and the
 * caller signs from the zone file as usual.
 *
 * Which signatures stay follows reuse.ts: made by the key that signs the
 * RRset now, valid now (inception ≤ now), and valid beyond the refresh
 * horizon (expiration − now > refresh), compared as RFC 1982 serial
 * numbers (RFC 4034 §3.1.5).
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { SignetError } from '../../core/errors.ts';
import type { UnixSeconds } from '../../core/time.ts';
import { AtomicFileWriter } from '../../io/atomic-write.ts';
import type { ProgressHook } from '../../io/progress.ts';
import type { Name } from '../../zone/name.ts';
import { RRClass, RRType, typeFromString } from '../../zone/types.ts';
import { buildRRset } from '../../zone/canonical.ts';
import { encodeNsec3Param } from '../../zone/dnssec-rdata.ts';
import { NSEC3_HASH_SHA1 } from '../nsec3-hash.ts';
import { assignKeyRoles } from '../sign-zone.ts';
import type { DenialOptions, SignStats } from '../sign-zone.ts';
import type { SigningKey } from '../signing-key.ts';
import { checkValidityOptions, hashedJitterWire, signatureExpiration, signatureInception } from '../validity.ts';
import { BATCH_BYTES, UNIT_KSK, UNIT_SIGN } from './batch.ts';
import { FastLineReader, newReaderState } from './fast-load.ts';
import type { ParallelActiveKey } from './keys.ts';
import { defaultWorkerCount } from './pool.ts';
import { createBatchProcessor } from './process-batch.ts';
import type { BatchProcessor } from './process-batch.ts';
import { PatchOutput } from './patch-output.ts';
import { DEFAULT_PARALLEL_THRESHOLD, workerKeys } from './sign-parallel.ts';
import type { ByteSink, StreamSignResult } from './stream-sign.ts';
import { decimal, equalCaseless, equalRange, LineList, OneRecord, serialDiff, TimeReader, typeKey } from './patch-text.ts';
import type { Line } from './patch-text.ts';

export interface PatchOptions {
  readonly now: UnixSeconds;
  /** The same keys as when the previous file was made. */
  readonly keys: readonly ParallelActiveKey[];
  readonly validity: number;
  readonly inceptionOffset: number;
  readonly jitter: number;
  /** Jitter as hashedJitter(jitterSeed) draws it (validity.ts). */
  readonly jitterSeed: string;
  /** The new SOA serial. */
  readonly serial: number;
  /** Seconds: signatures expiring within this time of `now` are made again (policy `signature-refresh`). */
  readonly refresh: number;
  /**
   * What the apex must publish, as signZone options say it: checked against
   * the file (DNSKEY, CDS, CDNSKEY, NSEC3PARAM), and null returned when it differs.
   */
  readonly publishedOnly?: readonly Uint8Array[];
  readonly cds?: readonly Uint8Array[];
  readonly cdnskey?: readonly Uint8Array[];
  readonly denial: DenialOptions;
  readonly workers?: number;
  /** Start workers once this many signatures are to be made (default as signZoneParallel). */
  readonly parallelThreshold?: number;
  readonly progress?: ProgressHook;
  /**
   * The previous file as signet published it: its SHA-256, checked on every
   * byte read (a file that differs is not patched), and the window in which
   * every one of its signatures is valid, as the safety gate read it. When
   * that window holds from `now` to beyond the refresh horizon, no signature
   * below the apex can need making again, and the lines below the apex are
   * copied in bulk instead of one by one.
   */
  readonly published?: PublishedOutput;
}

export interface PublishedOutput {
  readonly sha256: string;
  readonly signaturesValidFrom: UnixSeconds | null;
  readonly signaturesValidUntil: UnixSeconds | null;
}

const TAB = 0x09;
const NL = 0x0a;
const SPACE = 0x20;
const HEADER = Buffer.from('; signed by signet, serial ', 'latin1');
const RRSIG_TEXT = Buffer.from('RRSIG', 'latin1');
/** An RRSIG record's type field in signet's lines, counted in copied text. */
const RRSIG_FIELD = Buffer.from('\tRRSIG\t', 'latin1');
const IN_TEXT = Buffer.from('IN', 'latin1');

/** The file is not what this module can patch; the caller signs from the zone. */
class NotPatchable extends Error {}

function bail(why: string): never {
  throw new NotPatchable(why);
}

/**
 * Re-signs from `previousPath` into `sink`. Returns null when the file
 * cannot be patched (then whatever went to the sink must be discarded).
 */
export async function resignUnchanged(previousPath: string, sink: ByteSink, origin: Name, options: PatchOptions): Promise<StreamSignResult | null> {
  const validity = { validity: options.validity, inceptionOffset: options.inceptionOffset, jitter: options.jitter };
  checkValidityOptions(validity);
  if (!Number.isInteger(options.refresh) || options.refresh < 0) throw new SignetError('ERR_SIGN_BAD_VALIDITY', `signature refresh ${options.refresh} must be zero or more seconds`);
  const serial = options.serial;
  if (!Number.isInteger(serial) || serial < 0 || serial >= 2 ** 32) throw new SignetError('ERR_SERIAL_RANGE', `SOA serial ${serial} is outside 0..4294967295`);
  const roles = assignKeyRoles(options.keys, options.publishedOnly ?? []);
  // The apex sets the signer publishes, as signZone would make them (canonical order).
  const expected = new Map<number, Uint8Array[]>();
  const apexSet = (type: number, rdatas: readonly Uint8Array[]): void => {
    if (rdatas.length === 0) return;
    expected.set(type, [...buildRRset(rdatas.map((rdata) => ({ owner: origin, type, class: RRClass.IN, ttl: 0, rdata }))).canonicalRdatas]);
  };
  apexSet(RRType.DNSKEY, roles.dnskeyRdatas);
  apexSet(RRType.CDS, options.cds ?? []);
  apexSet(RRType.CDNSKEY, options.cdnskey ?? []);
  if (options.denial.kind === 'nsec3') {
    apexSet(RRType.NSEC3PARAM, [encodeNsec3Param({ hashAlgorithm: NSEC3_HASH_SHA1, flags: 0, iterations: options.denial.iterations, salt: options.denial.salt })]);
  }
  const seenApexTypes = new Set<number>();
  const now = options.now;
  const nowSerial = now >>> 0;
  const inception = signatureInception(now, validity);
  const jitter = hashedJitterWire(options.jitterSeed);
  const originCanon = origin.canonical;
  const table = workerKeys(options.keys, roles.ksk, roles.zsk);
  const init = { mode: 'text' as const, keys: table?.material ?? [], ksk: table?.ksk ?? [], zsk: table?.zsk ?? [], signer: originCanon, inception };
  const local: BatchProcessor = table === null ? createBatchProcessor(init, { ksk: roles.ksk, zsk: roles.zsk }) : createBatchProcessor(init);
  const out = new PatchOutput({
    sink, local, workerInit: table === null ? null : init,
    workers: options.workers ?? defaultWorkerCount(), threshold: options.parallelThreshold ?? DEFAULT_PARALLEL_THRESHOLD,
  });
  const writer = out.writer;
  let reused = 0;
  let rrsets = 0;
  let rrsetsSigned = 0;
  let denial = 0;
  let earliest = Infinity;
  let latest = -Infinity;
  const note = (t: number): void => {
    if (t < earliest) earliest = t;
    if (t > latest) latest = t;
  };

  // The RRset being read: its lines, then its RRSIG lines.
  const group = new LineList();
  const sigs = new LineList();
  // Lines signed again are read from their bytes, as the fast zone reader reads a zone.
  const rec = new OneRecord();
  const reader = new FastLineReader(previousPath, newReaderState(previousPath, origin), rec);
  const readLine = (l: Line, what: string): void => {
    rec.type = -1;
    try {
      if (!reader.line(l.buf, l.start, l.end, lineNo)) bail(`${what} line that is not a whole record`);
    } catch (e) {
      if (e instanceof NotPatchable) throw e;
      bail(`${what} the fast reader does not read`);
    }
  };
  let apex: Uint8Array | null = null;
  let lineNo = 1;
  let sawSoa = false;

  const typeCache = new Map<number, number>();
  // RRSIG field starts (TYPE ALG LABELS TTL EXPIRATION INCEPTION TAG SIGNER) and expirations, reused.
  const field = new Int32Array(8);
  const expirationTimes = new TimeReader();
  const inceptionTimes = new TimeReader();
  const expirations = new Float64Array(16);

  /** Decides the RRset in `group`/`sigs`: copy it, or parse and sign it again. True when a batch must be flushed (await flushBatch). */
  const finishGroup = (): boolean => {
    if (group.length === 0) {
      if (sigs.length > 0) bail('RRSIG records without their RRset');
      return false;
    }
    rrsets++;
    const first = group.at(0);
    const key = typeKey(first.buf, first.t3 + 1, first.t4);
    let type = key >= 0 ? typeCache.get(key) : undefined;
    if (type === undefined) {
      const typeText = Buffer.from(first.buf.subarray(first.t3 + 1, first.t4)).toString('latin1');
      const t = typeFromString(typeText);
      if (t === null) bail(`unknown type ${typeText}`);
      type = t;
      if (key >= 0) typeCache.set(key, t);
    }
    if (!equalRange(first.buf, first.t2 + 1, first.t3, IN_TEXT, 0, 2)) bail('class other than IN');
    if (type === RRType.NSEC || type === RRType.NSEC3) denial += group.length;
    const atApex = apex !== null && equalCaseless(first.buf, first.start, first.t1, apex, 0, apex.length);
    if (atApex && (expected.has(type) || type === RRType.NSEC3PARAM || type === RRType.DNSKEY || type === RRType.CDS || type === RRType.CDNSKEY)) {
      // The apex key sets must be the ones these options publish.
      const want = expected.get(type);
      if (want === undefined || want.length !== group.length) bail(`the apex ${type} RRset differs`);
      for (let k = 0; k < group.length; k++) {
        readLine(group.at(k), 'apex record');
        if (!equalRange(rec.rdata, 0, rec.rdata.length, want[k]!, 0, want[k]!.length)) bail(`the apex ${type} RRset differs`);
      }
      seenApexTypes.add(type);
    }
    const isSoa = type === RRType.SOA;
    if (isSoa && (!atApex || sawSoa)) bail('SOA out of place');
    const keys: readonly SigningKey[] = atApex && (type === RRType.DNSKEY || type === RRType.CDS || type === RRType.CDNSKEY) ? roles.ksk : roles.zsk;
    let keep = !isSoa;
    if (sigs.length > 0) rrsetsSigned++;
    if (keep && sigs.length > 0) {
      // Every key of the role needs exactly one good signature here.
      if (sigs.length !== keys.length || sigs.length > expirations.length) keep = false;
      for (let k = 0; keep && k < sigs.length; k++) {
        const s = sigs.at(k);
        const b = s.buf;
        // RDATA: TYPE ALG LABELS TTL EXPIRATION INCEPTION TAG SIGNER SIGNATURE, one space apart.
        let p = s.t4 + 1;
        field[0] = p;
        for (let f = 1; f < 8; f++) {
          while (p < s.end && b[p] !== SPACE) p++;
          if (p >= s.end) bail('short RRSIG record');
          field[f] = ++p;
        }
        if (!equalRange(b, field[0]!, field[1]! - 1, first.buf, first.t3 + 1, first.t4)) bail('RRSIG that does not follow its RRset');
        const alg = decimal(b, field[1]!, field[2]! - 1);
        const expiration = expirationTimes.read(b, field[4]!, field[5]! - 1);
        const incept = inceptionTimes.read(b, field[5]!, field[6]! - 1);
        const tag = decimal(b, field[6]!, field[7]! - 1);
        if (alg < 0 || expiration < 0 || incept < 0 || tag < 0) bail('unreadable RRSIG record');
        const key = keys[k];
        if (key === undefined || key.algorithm !== alg || key.keyTag !== tag) keep = false;
        else if (serialDiff(nowSerial, incept) < 0 || serialDiff(expiration, nowSerial) <= options.refresh) keep = false;
        expirations[k] = expiration;
      }
      if (keep) {
        reused += sigs.length;
        for (let k = 0; k < sigs.length; k++) note(now + (((expirations[k]! - now) >>> 0) | 0));
      }
    }
    if (keep || (sigs.length === 0 && !isSoa)) {
      // Copy the RRset and its RRSIGs as they are.
      const mustFlush = out.beforeText();
      for (let k = 0; k < group.length; k++) {
        const l = group.at(k);
        out.verbatim(l.buf, l.start, l.end + 1);
      }
      for (let k = 0; k < sigs.length; k++) {
        const l = sigs.at(k);
        out.verbatim(l.buf, l.start, l.end + 1);
      }
      group.clear();
      sigs.clear();
      return mustFlush;
    }
    // Sign again: read the records as the zone parser would (they are signet's own lines).
    let unitStarted = false;
    for (let k = 0; k < group.length; k++) {
      readLine(group.at(k), 'record');
      if (rec.type !== type) bail('mixed types in one RRset');
      let rdata = rec.rdata;
      if (isSoa) {
        if (!equalRange(rec.owner, 0, rec.owner.length, origin.wire, 0, origin.wire.length) && !sameName(rec.owner, originCanon)) bail('SOA not at the origin');
        rdata = rdata.slice();
        if (rdata.length < 22) bail('short SOA');
        new DataView(rdata.buffer).setUint32(rdata.length - 20, serial);
      }
      if (!unitStarted) {
        out.emitRun();
        const canon = lower(rec.owner);
        const expiration = signatureExpiration(now, validity, jitter(canon, type));
        note(expiration);
        writer.begin(UNIT_SIGN | (keys === roles.ksk ? UNIT_KSK : 0), rec.owner.slice(), type, RRClass.IN, rec.ttl, expiration);
        unitStarted = true;
        out.toSign += keys.length;
      }
      writer.rdata(rdata);
    }
    group.clear();
    sigs.clear();
    return writer.bytes >= BATCH_BYTES;
  };

  const published = options.published ?? null;
  const fileHash = published !== null ? createHash('sha256') : null;
  const from = published?.signaturesValidFrom ?? null;
  const until = published?.signaturesValidUntil ?? null;
  // Every signature of the file valid from now to beyond the horizon: below the apex, nothing to make again.
  let bulk = from !== null && until !== null && from <= now && until - now > options.refresh;
  let copying = false;
  let carry: Uint8Array = new Uint8Array(0);
  let copiedSignatures = 0;
  /** Sends buf[start, end) (whole lines below the apex) out as it is; counts its RRSIG lines. */
  const copy = (buf: Buffer, start: number, end: number): void => {
    for (let i = buf.indexOf(RRSIG_FIELD, start); i >= 0 && i < end; i = buf.indexOf(RRSIG_FIELD, i + RRSIG_FIELD.length)) copiedSignatures++;
    if (end > start) out.write(buf.subarray(start, end));
  };

  /** Copies the whole lines of buf from `start`; the partial last one waits for the next chunk. True at the end of the file. */
  const copyLines = (buf: Buffer, start: number, done: boolean): boolean => {
    if (done) {
      if (buf.length > start && buf[buf.length - 1] !== NL) bail('the file does not end with a newline');
      copy(buf, start, buf.length);
      return true;
    }
    const last = Math.max(start, buf.lastIndexOf(NL) + 1);
    copy(buf, start, last);
    carry = buf.slice(last);
    options.progress?.('sign', rrsets, null);
    return false;
  };

  const handle = await open(previousPath, 'r').catch(() => null);
  if (handle === null) return null;
  try {
    let headerDone = false;
    for (;;) {
      const chunk = Buffer.allocUnsafe(1 << 22);
      chunk.set(carry, 0);
      const { bytesRead } = await handle.read(chunk, carry.length, chunk.length - carry.length, null);
      fileHash?.update(chunk.subarray(carry.length, carry.length + bytesRead));
      const size = carry.length + bytesRead;
      const done = bytesRead === 0;
      const buf = chunk.subarray(0, size);
      let p = 0;
      if (copying) {
        if (copyLines(buf, 0, done)) break;
        continue;
      }
      for (;;) {
        let nl = buf.indexOf(NL, p);
        if (nl < 0) {
          if (!done || p >= size) break;
          bail('the file does not end with a newline');
        }
        const start = p;
        p = nl + 1;
        lineNo++;
        if (!headerDone) {
          // Line 1: "; signed by signet, serial N" — the file must be signet's own.
          if (!equalRange(buf, start, Math.min(nl, start + HEADER.length), HEADER, 0, HEADER.length)) bail('not a file signet signed');
          out.write(Buffer.from(`; signed by signet, serial ${serial}\n`, 'latin1'));
          headerDone = true;
          continue;
        }
        // owner TAB ttl TAB class TAB type TAB rdata: the owner by search, the short fields by a scan.
        const t1 = buf.indexOf(TAB, start);
        if (t1 <= start || t1 >= nl) bail('a line not in signet\'s format');
        let q = t1 + 1;
        while (q < nl && buf[q] !== TAB) q++;
        const t2 = q++;
        while (q < nl && buf[q] !== TAB) q++;
        const t3 = q++;
        while (q < nl && buf[q] !== TAB) q++;
        if (q >= nl) bail('a line not in signet\'s format');
        const t4 = q;
        if (apex === null) apex = buf.slice(start, t1);
        if (equalRange(buf, t3 + 1, t4, RRSIG_TEXT, 0, RRSIG_TEXT.length)) {
          if (group.length === 0) bail('RRSIG records without their RRset');
          const g = group.at(0);
          if (!equalRange(buf, start, t1, g.buf, g.start, g.t1)) bail('RRSIG records without their RRset');
          sigs.push(buf, start, nl, t1, t2, t3, t4);
          continue;
        }
        let same = false;
        if (group.length > 0 && sigs.length === 0) {
          const g = group.at(0);
          same = equalRange(buf, t3 + 1, t4, g.buf, g.t3 + 1, g.t4) && equalRange(buf, start, t1, g.buf, g.start, g.t1);
        }
        if (!same) {
          let wasSoa = false;
          if (group.length > 0) {
            const g = group.at(0);
            wasSoa = equalRange(g.buf, g.t3 + 1, g.t4, SOA_TEXT, 0, SOA_TEXT.length);
          }
          if (finishGroup()) await out.flushBatch();
          if (wasSoa) sawSoa = true;
          if (!sawSoa && !equalRange(buf, t3 + 1, t4, SOA_TEXT, 0, SOA_TEXT.length)) bail('the SOA is not the first record');
          if (bulk && !equalCaseless(buf, start, t1, apex, 0, apex.length)) {
            // Past the apex, with nothing to re-sign below it: the rest of the file goes out as it is.
            bulk = false;
            copying = true;
            await out.finish();
            p = start;
            break;
          }
        }
        group.push(buf, start, nl, t1, t2, t3, t4);
      }
      if (copying) {
        if (copyLines(buf, p, done)) break;
        continue;
      }
      if (done) break;
      // Lines of the RRset being read stay valid in this chunk; the partial last line moves on.
      carry = buf.slice(p);
      options.progress?.('sign', rrsets, null);
    }
    if (finishGroup()) await out.flushBatch();
    for (const type of expected.keys()) if (!seenApexTypes.has(type)) bail(`the apex has no ${type} RRset`);
    if (fileHash !== null && fileHash.digest('hex') !== published!.sha256) bail('the previous output is not the file signet published');
    await out.finish();
  } catch (e) {
    if (e instanceof NotPatchable) return null;
    throw e;
  } finally {
    await handle.close();
    await out.close();
  }
  if (copiedSignatures > 0) {
    // The copied lines keep their signatures, one per ZSK over each RRset; they expire no earlier than the file's window.
    reused += copiedSignatures;
    rrsetsSigned += Math.round(copiedSignatures / Math.max(1, roles.zsk.length));
    rrsets += Math.round(copiedSignatures / Math.max(1, roles.zsk.length));
    note(until!);
  }
  options.progress?.('done', rrsets, rrsets);
  const stats: SignStats = {
    rrsets, rrsetsSigned, signatures: out.created + reused, signaturesCreated: out.created, signaturesReused: reused,
    denialRecords: denial, inception, earliestExpiration: earliest, latestExpiration: latest,
  };
  return { serial, warnings: [], stats };
}

const SOA_TEXT = Buffer.from('SOA', 'latin1');

function lower(wire: Uint8Array): Uint8Array {
  const out = wire.slice();
  for (let i = 0; i < out.length; i++) {
    const c = out[i]!;
    if (c >= 0x41 && c <= 0x5a) out[i] = c + 32;
  }
  return out;
}

function sameName(wire: Uint8Array, canonical: Uint8Array): boolean {
  const l = lower(wire);
  return equalRange(l, 0, l.length, canonical, 0, canonical.length);
}

/** resignUnchanged into a file, atomically; null (and no file written) when the previous file cannot be patched. */
export async function resignUnchangedToFile(previousPath: string, outputPath: string, origin: Name, options: PatchOptions): Promise<StreamSignResult | null> {
  const out = new AtomicFileWriter(outputPath);
  try {
    const result = await resignUnchanged(previousPath, (b) => out.writeBytes(b), origin, options);
    if (result === null) {
      out.abort();
      return null;
    }
    out.commit();
    return result;
  } catch (e) {
    out.abort();
    throw e;
  }
}
