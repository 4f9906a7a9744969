/**
 * The safety gate for a patched signed zone (src/signer/parallel/patch.ts
 * made it from the published output, re-signing only what nears
 * expiration). Reading the whole zone again (compact-gate.ts) would cost
 * more than the patch itself; what can differ is known, so this gate reads
 * the published file and the patched one side by side, RRset by RRset
 * (an RRset's lines, then its RRSIG lines, as signet writes them):
 *
 * - the apex RRsets of the new file are parsed and verified in full (the
 *   DNSKEY RRset first: verifyApexKeys), as the SOA changes at every patch;
 * - elsewhere the data lines must be the same bytes (else the files do not
 *   line up and null is returned: the caller runs the whole-zone gate);
 * - every RRSIG line, changed or not, is checked from its text: valid at
 *   `now` (inception and expiration, RFC 4034 §3.1.5 serial arithmetic)
 *   and made by a key of the DNSKEY RRset; an RRset with a line that fails
 *   is verified in full, which names the problem with its finding code;
 * - every RRset whose RRSIG lines changed is parsed and its signatures
 *   verified (SignatureChecker, with the reference canonical form) for the
 *   first of each type and then about `sampleSignatures` spread over the zone.
 *
 * Unchanged lines keep the verdict of the gate that let the published file
 * out; the caller makes sure that file is the one signet published (its
 * SHA-256, published_files).
 *
 * Given the window in which every signature of the published file is valid
 * (published_files, as the gate that let it out read it), and `now` inside
 * it, and an apex that publishes the same data but for the serial (the same
 * keys, the same chain parameters), the lines the two files share need no
 * reading at all: they are compared a megabyte at a time
 * (patch-gate-reader.ts), and only the RRsets where the files differ are
 * read as above. The new file's window is then the published one narrowed
 * by the lines read, which keeps it a bound on every signature in the file.
 */
import { createHash, type Hash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import type { UnixSeconds } from '../core/time.ts';
import { decimal, equalCaseless, rrsigTime, serialDiff } from '../signer/parallel/patch-text.ts';
import type { Name } from '../zone/name.ts';
import { parseZoneText } from '../zone/parser.ts';
import { RRType } from '../zone/types.ts';
import { verifyApexKeys } from './apex-keys.ts';
import { FindingCollector, sortFindings, type Finding } from './finding.ts';
import { groupSignedRecords } from './input.ts';
import { LineReader, rrsetStart, skipEqual } from './patch-gate-reader.ts';
import type { SignatureChecker } from './signatures.ts';

export interface PatchGateOptions {
  readonly now: UnixSeconds;
  /** About how many changed signatures to verify cryptographically beyond the apex and the first of each type (default 10,000). */
  readonly sampleSignatures?: number;
  /**
   * The window in which every RRSIG (by a zone key) of `previous` is valid,
   * as the gate that let it out read it (published_files). When `now` is
   * inside it and the apex publishes the same data, lines the two files
   * have in common are taken without being read one by one.
   */
  readonly previousSignatures?: { readonly validFrom: UnixSeconds; readonly validUntil: UnixSeconds } | null;
}

export interface PatchGateResult {
  readonly findings: Finding[];
  /** RRSIG records checked from their text, and verified cryptographically. */
  readonly signatures: number;
  readonly verified: number;
  /** RRsets whose RRSIGs changed. */
  readonly changed: number;
  /** SHA-256 (hex) of the patched file, read on the way (what published_files records). */
  readonly sha256: string;
  /** Octets the two files have in common that were compared in bulk, not read line by line. */
  readonly skipped: number;
  /** The window in which every RRSIG by a zone key of the patched file is valid (for the next patch gate); null when unknown. */
  readonly signaturesValidFrom: UnixSeconds | null;
  readonly signaturesValidUntil: UnixSeconds | null;
}

const NL = 0x0a;
const TAB = 0x09;
const SPACE = 0x20;
/** Octets of signed zone text per RRSIG, roughly (an A RRset, its RRSIG, its NSEC3 and that one's RRSIG): for the sampling rate. */
const BYTES_PER_SIGNATURE = 280;
const MAX_FINDINGS_PER_CODE = 20;
const RRSIG = Buffer.from('RRSIG', 'latin1');

/** Tab positions of a signet line: owner, TTL, class, type, RDATA. Null when it has fewer fields. */
function tabs(b: Buffer, s: number, e: number, out: Int32Array): boolean {
  let p = s;
  for (let f = 0; f < 4; f++) {
    while (p < e && b[p] !== TAB) p++;
    if (p >= e) return false;
    out[f] = p++;
  }
  return true;
}

/** Lines of one RRset of the new file, copied, until it is judged. */
class Block {
  buf = Buffer.allocUnsafe(1 << 16);
  length = 0;
  /** The RRset's owner and type as written (owner octets, then type mnemonic octets). */
  private key = Buffer.allocUnsafe(320);
  private ownerLength = 0;
  private keyLength = 0;
  changed = false;
  /** An RRSIG line whose text does not pass (times, key): the RRset is verified in full for the exact finding. */
  suspect = false;
  signatures = 0;

  append(b: Buffer, s: number, e: number): void {
    const need = this.length + (e - s) + 1;
    if (need > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, this.length);
      this.buf = bigger;
    }
    b.copy(this.buf, this.length, s, e);
    this.length += e - s;
    this.buf[this.length++] = NL;
  }

  /** Whether line bytes b[s, ownerEnd) and b[typeStart, typeEnd) are this RRset's owner and type. */
  isFor(b: Buffer, s: number, ownerEnd: number, typeStart: number, typeEnd: number): boolean {
    return ownerEnd - s === this.ownerLength && this.keyLength - this.ownerLength === typeEnd - typeStart
      && b.compare(this.key, 0, this.ownerLength, s, ownerEnd) === 0
      && b.compare(this.key, this.ownerLength, this.keyLength, typeStart, typeEnd) === 0;
  }

  /** Starts the RRset of that owner and type; false when the owner is too long to hold (the caller gives up). */
  start(b: Buffer, s: number, ownerEnd: number, typeStart: number, typeEnd: number): boolean {
    const length = ownerEnd - s + typeEnd - typeStart;
    if (length > this.key.length) return false;
    b.copy(this.key, 0, s, ownerEnd);
    b.copy(this.key, ownerEnd - s, typeStart, typeEnd);
    this.ownerLength = ownerEnd - s;
    this.keyLength = length;
    this.length = 0;
    this.changed = false;
    this.suspect = false;
    this.signatures = 0;
    return true;
  }

  /** The lines, as text for the zone parser. */
  text(): string {
    return this.buf.toString('latin1', 0, this.length);
  }

  /** The type mnemonic, as written. */
  type(): string {
    return this.key.toString('latin1', this.ownerLength, this.keyLength);
  }
}

/**
 * Checks `patched` against `previous` (see the module header). Null when
 * the two do not line up RRset by RRset, or the apex cannot be read.
 */
export async function verifyPatchedZoneFile(previous: string, patched: string, origin: Name, options: PatchGateOptions): Promise<PatchGateResult | null> {
  const findings = new FindingCollector(MAX_FINDINGS_PER_CODE);
  const originText = Buffer.from(origin.toString(), 'latin1');
  const oldFh = await open(previous, 'r');
  const newFh = await open(patched, 'r');
  try {
    const a = new LineReader(oldFh);
    const hash = createHash('sha256');
    const b = new LineReader(newFh, hash);
    const t = new Int32Array(4);
    const now32 = ((options.now % 2 ** 32) + 2 ** 32) % 2 ** 32;

    // The apex of each file: its lines until the first other owner. The new one is checked in full.
    const apexBlock = new Block();
    let more = await b.next();
    while (more && tabs(b.buf, b.start, b.end, t) && equalCaseless(b.buf, b.start, t[0]!, originText, 0, originText.length)) {
      apexBlock.append(b.buf, b.start, b.end);
      more = await b.next();
    }
    const apex = apexChecker(apexBlock.text(), origin, patched, options.now, findings);
    if (apex === null) return null;
    const { checker, zoneKeys } = apex;
    const oldApex = new Block();
    let moreOld = await a.next();
    while (moreOld && tabs(a.buf, a.start, a.end, t) && equalCaseless(a.buf, a.start, t[0]!, originText, 0, originText.length)) {
      oldApex.append(a.buf, a.start, a.end);
      moreOld = await a.next();
    }
    // Unchanged lines may be skipped unread when the published file's signatures are all valid now
    // and the apex publishes what it did (the same keys, the same chain parameters).
    const window = new ValidityWindow();
    const prior = options.previousSignatures;
    const fast = prior != null && prior.validFrom <= options.now && prior.validUntil > options.now
      && sameApexData(oldApex.text(), apexBlock.text());
    let common = 0;

    const sample = options.sampleSignatures ?? 10_000;
    const estimate = Math.max(1, (await stat(patched)).size / BYTES_PER_SIGNATURE);
    const rate = sample === Infinity ? 1 : !(sample > 0) ? 0 : Math.min(1, sample / estimate);
    let credit = 0;
    const typesVerified = new Set<string>();
    let signatures = 0;
    let changed = 0;
    const block = new Block();
    let inBlock = false;

    const judge = (): void => {
      if (!inBlock || (!block.changed && !block.suspect)) return;
      if (block.changed) {
        changed++;
        credit += block.signatures * rate;
      }
      const type = block.type();
      const first = !typesVerified.has(type);
      if (!block.suspect && !first && credit < 1) return;
      if (!block.suspect && !first) credit -= 1;
      typesVerified.add(type);
      const records = parseZoneText(block.text(), { origin, file: patched });
      for (const set of groupSignedRecords(records, origin).rrsets) checker.check(set, true);
    };

    // Each reader's current line (the first after the apex) is not taken yet: read on from its start.
    a.pos = a.start;
    b.pos = b.start;
    for (;;) {
      if (fast && !inBlock) {
        // At an RRset boundary: skip what both files have in common, then step back to the start of the RRset that differs.
        a.setFloor();
        b.setFloor();
        const skipped = await skipEqual(a, b);
        common += skipped.common;
        if (!skipped.differ) break;
        const back = rrsetStart(b);
        // The RRset's start fell out of a buffer (an RRset of more than 64 KiB of text): judge the whole zone instead.
        if (back < 0 || a.pos - (b.pos - back) < 0) return null;
        a.pos -= b.pos - back;
        b.pos = back;
      }
      more = await b.next();
      moreOld = await a.next();
      if (!more) {
        if (moreOld) return null;
        break;
      }
      if (!moreOld) return null;
      if (!tabs(b.buf, b.start, b.end, t)) return null;
      const typeStart = t[2]! + 1;
      const typeEnd = t[3]!;
      const isSig = typeEnd - typeStart === RRSIG.length && b.buf.compare(RRSIG, 0, RRSIG.length, typeStart, typeEnd) === 0;
      const same = b.end - b.start === a.end - a.start && b.buf.compare(a.buf, a.start, a.end, b.start, b.end) === 0;
      if (!isSig) {
        // A data line: the same bytes as before, in the same place.
        if (!same) return null;
        if (!inBlock || !block.isFor(b.buf, b.start, t[0]!, typeStart, typeEnd)) {
          judge();
          if (fast && inBlock) {
            // The RRset that differed is judged: this line starts the next one, compared in bulk again.
            inBlock = false;
            a.pos = a.start;
            b.pos = b.start;
            continue;
          }
          inBlock = true;
          if (!block.start(b.buf, b.start, t[0]!, typeStart, typeEnd)) return null;
        }
        block.append(b.buf, b.start, b.end);
      } else {
        if (!inBlock) return null;
        signatures++;
        block.signatures++;
        if (!same) {
          // The old line must be an RRSIG of the same owner too (re-made, not moved).
          if (!(a.end - a.start > t[0]! - b.start && a.buf.compare(b.buf, b.start, t[0]!, a.start, a.start + (t[0]! - b.start)) === 0)) return null;
          block.changed = true;
        }
        block.append(b.buf, b.start, b.end);
        if (!checkRrsigText(b.buf, t[3]! + 1, b.end, now32, options.now, zoneKeys, window)) block.suspect = true;
      }
    }
    judge();
    // Lines taken unread keep the published file's window; the checker saw the apex and every RRset verified in full.
    if (common > 0) window.include(prior!.validFrom, prior!.validUntil);
    window.include(checker.latestInception, checker.earliest);
    // The whole new file was read: its digest is complete.
    return {
      findings: sortFindings(findings.findings), signatures: signatures + checker.signatures, verified: checker.verified, changed,
      sha256: hash.digest('hex'), skipped: common,
      signaturesValidFrom: Number.isFinite(window.from) ? window.from : null,
      signaturesValidUntil: Number.isFinite(window.until) ? window.until : null,
    };
  } finally {
    await oldFh.close();
    await newFh.close();
  }
}

/** The latest inception and the earliest expiration seen (absolute Unix seconds). */
class ValidityWindow {
  from = -Infinity;
  until = Infinity;

  include(from: number, until: number): void {
    if (from > this.from) this.from = from;
    if (until < this.until) this.until = until;
  }
}

/**
 * Whether two apexes publish the same data but for the SOA serial (DNSKEY,
 * CDS, CDNSKEY, NSEC3PARAM, the SOA's other fields, the rest): then
 * lines below the apex that did not change mean what they meant.
 */
function sameApexData(before: string, after: string): boolean {
  const data = (text: string): string[] => {
    const out: string[] = [];
    for (const line of text.split('\n')) {
      const f = line.split('\t');
      if (f.length < 5 || f[3] === 'RRSIG') continue;
      if (f[3] === 'SOA') {
        const rdata = f[4]!.split(' ');
        rdata.splice(2, 1);
        f[4] = rdata.join(' ');
      }
      out.push(f.join('\t'));
    }
    return out;
  };
  const x = data(before);
  const y = data(after);
  return x.length === y.length && x.every((line, i) => line === y[i]);
}

/** Field starts of the RRSIG being read, reused line after line. */
const FIELDS = new Int32Array(8);

/** RRSIG RDATA text (TYPE ALG LABELS TTL EXPIRATION INCEPTION TAG SIGNER SIGNATURE): valid at now, by a zone key. */
function checkRrsigText(b: Buffer, s: number, e: number, now32: number, now: UnixSeconds, zoneKeys: ReadonlySet<number>, window: ValidityWindow): boolean {
  const f = FIELDS;
  f[0] = s;
  let p = s;
  for (let i = 1; i < 8; i++) {
    while (p < e && b[p] !== SPACE) p++;
    if (p >= e) return false;
    f[i] = ++p;
  }
  const alg = decimal(b, f[1]!, f[2]! - 1);
  const expiration = timeField(b, f[4]!, f[5]! - 1);
  const inception = timeField(b, f[5]!, f[6]! - 1);
  const tag = decimal(b, f[6]!, f[7]! - 1);
  if (alg < 0 || tag < 0 || expiration < 0 || inception < 0) return false;
  if (!zoneKeys.has(alg * 65536 + tag)) return false;
  const sinceInception = serialDiff(now32, inception);
  const untilExpiration = serialDiff(expiration, now32);
  if (sinceInception < 0 || untilExpiration <= 0) return false;
  window.include(now - sinceInception, now + untilExpiration);
  return true;
}

/** An RRSIG time as written: YYYYMMDDHHmmSS, or a plain number of seconds (RFC 4034 §3.2). */
function timeField(b: Buffer, s: number, e: number): number {
  return e - s === 14 ? rrsigTime(b, s, e) : decimal(b, s, e);
}

/** The apex RRsets of the new file, verified in full; the checker and the keys (algorithm × 65536 + tag) for the rest. */
function apexChecker(text: string, origin: Name, file: string, now: UnixSeconds, findings: FindingCollector): { checker: SignatureChecker; zoneKeys: Set<number> } | null {
  let records;
  try {
    records = parseZoneText(text, { origin, file });
  } catch {
    return null;
  }
  const sets = groupSignedRecords(records, origin).rrsets;
  const dnskey = sets.find((s) => s.rrset.type === RRType.DNSKEY) ?? null;
  const apex = verifyApexKeys(origin, dnskey, { now }, findings);
  if (apex === null) return null;
  const zoneKeys = new Set<number>();
  for (const k of apex.keys.keys) if (k.zoneKey) zoneKeys.add(k.algorithm * 65536 + k.keyTag);
  for (const set of sets) {
    if (set.rrset.type === RRType.DNSKEY) continue;
    // The apex key sets do not count towards the algorithm coverage (as in verify-zone.ts).
    const keySet = set.rrset.type === RRType.CDS || set.rrset.type === RRType.CDNSKEY;
    apex.checker.check(set, true, keySet ? [] : undefined);
  }
  return { checker: apex.checker, zoneKeys };
}
