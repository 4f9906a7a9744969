/**
 * The NSEC3 chain for the compact gate (compact-gate.ts, fed by
 * compact-gate-denial.ts), with the rules, codes and messages of
 * denial-nsec3.ts (RFC 5155 §3, §7.1, §7.3; RFC 9276):
 * - every NSEC3 has the NSEC3PARAM's parameters, an owner that is
 *   base32hex(hash) directly below the apex, a 20-octet next hash;
 * - every name that must be covered (the apex, authoritative names,
 *   delegations and the empty non-terminals they imply) has an NSEC3 at its
 *   hash, except, under Opt-Out, insecure delegations and the empty
 *   non-terminals above only those; its bitmap lists the types at the name;
 * - every NSEC3 is the hash of such a name (not of glue, not of nothing);
 * - the chain, sorted by hash, is closed.
 */
import { equalBytes, fromBase32Hex, toBase32Hex, toHex } from '../core/bytes.ts';
import { NSEC3_FLAG_OPT_OUT } from '../signer/nsec3.ts';
import { createNsec3Hasher, NSEC3_HASH_LENGTH } from '../signer/nsec3-hash.ts';
import type { Nsec3Hasher } from '../signer/nsec3-hash.ts';
import { Bytes, IntList } from '../signer/parallel/arena.ts';
import type { CompactZone } from '../signer/parallel/compact-zone.ts';
import { isSubdomainWire, rrsetRdatas } from '../signer/parallel/compact-zone.ts';
import { decodeNsec3, decodeTypeBitmap, encodeTypeBitmap } from '../zone/dnssec-rdata.ts';
import type { Nsec3Data, Nsec3ParamData } from '../zone/dnssec-rdata.ts';
import { Name } from '../zone/name.ts';
import { RRType, typeToString } from '../zone/types.ts';
import type { DenialPass, GateOwner } from './compact-gate-denial.ts';
import { describeDiff } from './denial-nsec.ts';
import type { FindingCollector } from './finding.ts';
import { diffTypes, expectedBitmap } from './structure.ts';


const H = NSEC3_HASH_LENGTH;
const EMPTY = new Uint8Array(0);

/** Compares hash `i` of `a` with hash `j` of `b` (flat arrays of 20-octet hashes). */
function compareHash(a: Uint8Array, i: number, b: Uint8Array, j: number): number {
  const p = i * H;
  const q = j * H;
  for (let k = 0; k < H; k++) {
    const d = a[p + k]! - b[q + k]!;
    if (d !== 0) return d;
  }
  return 0;
}

/** Indices 0..n−1 of the hashes in `a`, sorted by hash. */
function sortByHash(a: Uint8Array, n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order.sort((x, y) => compareHash(a, x, a, y));
}

/** Position in `order` (sorted indices into `a`) of hash `j` of `b`, or −1. */
function findHash(a: Uint8Array, order: Int32Array, b: Uint8Array, j: number): number {
  let lo = 0;
  let hi = order.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareHash(a, order[mid]!, b, j);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function hashText(a: Uint8Array, i: number): string {
  return toBase32Hex(a.subarray(i * H, i * H + H));
}

/** The Type Bit Maps field of NSEC3 RDATA (RFC 5155 §3.2): after the salt and the next hashed owner. */
function nsec3Bitmap(rdata: Uint8Array): Uint8Array {
  const afterSalt = 5 + rdata[4]!;
  return rdata.subarray(afterSalt + 1 + rdata[afterSalt]!);
}

/**
 * The names the chain must cover (members, and the empty non-terminals
 * between them and the apex) are hashed as they go by into flat arrays
 * (20-octet hash, owner index, labels to strip for an empty non-terminal,
 * expected bitmap); the NSEC3 records likewise. At the end both are sorted
 * by hash and merged, as denial-nsec3.ts does with objects.
 */
export class Nsec3Pass implements DenialPass {
  private readonly z: CompactZone;
  private readonly params: Nsec3ParamData;
  private readonly findings: FindingCollector;
  private readonly hasher: Nsec3Hasher;
  private readonly originLength: number;
  // Names the chain covers: hash, owner, labels stripped from it (0: the owner itself, else an empty
  // non-terminal above it), optional under Opt-Out, expected bitmap (bits[bitsAt[c] .. bitsAt[c+1])).
  private readonly covHash = new Bytes();
  private readonly covOwner = new IntList();
  private readonly covStrip = new IntList();
  private readonly covOptional = new IntList();
  private readonly bits = new Bytes();
  private readonly bitsAt = new IntList();
  /** Hashes of the empty non-terminals above a name that is not an insecure delegation. */
  private readonly requiredEnts = new Bytes(1024);
  /** Glue and occluded owners (index, 0 glue / 1 occluded), hashed only if some NSEC3 matches no name. */
  private readonly outside = new IntList();
  // The NSEC3 records read: hash, Next Hashed Owner Name, owner, RRset, flags.
  private readonly recHash = new Bytes();
  private readonly recNext = new Bytes();
  private readonly recOwner = new IntList();
  private readonly recRRset = new IntList();
  private readonly recFlags = new IntList();
  private recSorted = true;
  private readonly bitmaps = new Map<string, Uint8Array>();
  private prevMember = -1;
  private prevRequired = -1;

  constructor(z: CompactZone, params: Nsec3ParamData, findings: FindingCollector) {
    this.z = z;
    this.params = params;
    this.findings = findings;
    this.hasher = createNsec3Hasher(params.iterations, params.salt);
    this.originLength = z.origin.canonical.length;
    this.bitsAt.push(0);
  }

  owner(o: GateOwner): void {
    if (o.nsec3 >= 0) this.readRecord(o);
    if (o.member) this.cover(o);
    else if (o.kind === 'glue' || o.kind === 'occluded') {
      this.outside.push(o.index);
      this.outside.push(o.kind === 'glue' ? 0 : 1);
    }
  }

  private readRecord(o: GateOwner): void {
    const owner = o.name;
    const origin = this.z.origin;
    const p = this.params;
    let data: Nsec3Data;
    try {
      data = decodeNsec3(rrsetRdatas(this.z, o.nsec3)[0]!);
    } catch {
      this.findings.add('INVALID_NSEC3_HASH', 'critical', owner, RRType.NSEC3, `the NSEC3 at ${owner.toString()} is malformed: re-sign the zone`);
      return;
    }
    // RFC 5155 §7.3: every NSEC3 of the chain has the NSEC3PARAM's algorithm, iterations and salt.
    if (data.hashAlgorithm !== p.hashAlgorithm || data.iterations !== p.iterations || !equalBytes(data.salt, p.salt)) {
      this.findings.add('NSEC3PARAM_MISMATCH', 'critical', owner, RRType.NSEC3,
        `the NSEC3 at ${owner.toString()} has hash algorithm ${data.hashAlgorithm}, ${data.iterations} iterations and salt ${saltText(data.salt)}, but NSEC3PARAM says ${p.hashAlgorithm}, ${p.iterations} and ${saltText(p.salt)}: re-sign the zone with one set of parameters`);
      return;
    }
    // RFC 5155 §3: the owner is one label, base32hex of the hash, directly below the apex.
    const label = owner.labels[0];
    const hash = owner.labelCount === origin.labelCount + 1 && owner.isSubdomainOf(origin) && label !== undefined && label.length * 5 === H * 8
      ? fromBase32Hex(Buffer.from(label.buffer, label.byteOffset, label.byteLength).toString('latin1'))
      : null;
    if (hash === null || hash.length !== H) {
      this.findings.add('INVALID_NSEC3_OWNER_NAME', 'critical', owner, RRType.NSEC3,
        `the NSEC3 owner ${owner.toString()} is not the base32hex form of a hash directly below the apex: re-sign the zone`);
      return;
    }
    if (data.nextHashed.length !== H) {
      this.findings.add('INVALID_NSEC3_HASH', 'critical', owner, RRType.NSEC3,
        `the NSEC3 at ${owner.toString()} has a Next Hashed Owner Name of ${data.nextHashed.length} octets, not ${H}: re-sign the zone`);
      return;
    }
    const n = this.recOwner.n;
    this.recHash.put(hash);
    if (n > 0 && compareHash(this.recHash.a, n - 1, this.recHash.a, n) >= 0) this.recSorted = false;
    this.recNext.put(data.nextHashed);
    this.recOwner.push(o.index);
    this.recRRset.push(o.nsec3);
    this.recFlags.push(data.flags);
  }

  /** encodeTypeBitmap, remembered per type list: a zone has a handful of them. */
  private bitmapOf(types: readonly number[]): Uint8Array {
    const key = types.join(' ');
    let b = this.bitmaps.get(key);
    if (b === undefined) {
      b = encodeTypeBitmap(types);
      if (this.bitmaps.size < 4096) this.bitmaps.set(key, b);
    }
    return b;
  }

  private pushCovered(hash: Uint8Array, owner: number, strip: number, optional: boolean, bitmap: Uint8Array): void {
    this.covHash.put(hash);
    this.covOwner.push(owner);
    this.covStrip.push(strip);
    this.covOptional.push(optional ? 1 : 0);
    this.bits.put(bitmap);
    this.bitsAt.push(this.bits.n);
  }

  /**
   * A member and the empty non-terminals it implies (RFC 5155 §7.1): its
   * ancestors below the apex that are not ancestors of the previous member
   * (canonical order puts every name right after its ancestors' earlier
   * descendants, as listEmptyNonTerminals relies on). Those above a name
   * other than an insecure delegation are required even under Opt-Out.
   */
  private cover(o: GateOwner): void {
    const z = this.z;
    const os = z.ownerStart[o.index]!;
    const oe = z.ownerStart[o.index + 1]!;
    const optional = o.kind === 'delegation' && !o.hasDs;
    this.pushCovered(this.hasher.hashWire(z.canon.subarray(os, oe)), o.index, 0, optional, this.bitmapOf(expectedBitmap(o, 'nsec3')));
    this.forEachNewAncestor(os, oe, this.prevMember, (p, strip) => {
      this.pushCovered(this.hasher.hashWire(z.canon.subarray(p, oe)), o.index, strip, true, EMPTY);
    });
    if (!optional) {
      this.forEachNewAncestor(os, oe, this.prevRequired, (p) => {
        this.requiredEnts.put(this.hasher.hashWire(z.canon.subarray(p, oe)));
      });
      this.prevRequired = o.index;
    }
    this.prevMember = o.index;
  }

  /** Ancestors of canon[os..oe) strictly between it and the apex that the owner `prev` (−1: none) is not at or below. */
  private forEachNewAncestor(os: number, oe: number, prev: number, fn: (start: number, strip: number) => void): void {
    const canon = this.z.canon;
    const ps = prev < 0 ? 0 : this.z.ownerStart[prev]!;
    const pe = prev < 0 ? 0 : this.z.ownerStart[prev + 1]!;
    let p = os + canon[os]! + 1;
    let strip = 1;
    while (oe - p > this.originLength) {
      if (prev >= 0 && isSubdomainWire(canon, ps, pe, canon, p, oe)) break;
      fn(p, strip);
      p += canon[p]! + 1;
      strip++;
    }
  }

  private coveredName(c: number): Name {
    const name = Name.fromWire(this.z.canon, this.z.ownerStart[this.covOwner.a[c]!]!).name;
    const strip = this.covStrip.a[c]!;
    return strip === 0 ? name : name.parent(strip);
  }

  private recordName(r: number): Name {
    return Name.fromWire(this.z.canon, this.z.ownerStart[this.recOwner.a[r]!]!).name;
  }

  finish(): void {
    const nCov = this.covOwner.n;
    const nRec = this.recOwner.n;
    const covHash = this.covHash.a;
    const recHash = this.recHash.a;
    const recNext = this.recNext.a;
    const cov = sortByHash(covHash, nCov);
    const rec = this.recSorted ? identity(nRec) : sortByHash(recHash, nRec);
    // Empty non-terminals above a name that Opt-Out cannot leave out are required.
    const required = sortByHash(this.requiredEnts.a, this.requiredEnts.n / H);
    for (let c = 0; c < nCov; c++) {
      if (this.covStrip.a[c] !== 0 && findHash(this.requiredEnts.a, required, covHash, c) >= 0) this.covOptional.a[c] = 0;
    }
    let optOut = 0;
    for (let r = 0; r < nRec; r++) if ((this.recFlags.a[r]! & NSEC3_FLAG_OPT_OUT) !== 0) optOut++;
    if (optOut > 0 && optOut < nRec) {
      this.findings.add('NSEC3_OPT_OUT_INCONSISTENT', 'warning', this.z.origin, RRType.NSEC3,
        `${optOut} of ${nRec} NSEC3 records have the Opt-Out flag: sign with Opt-Out on or off for the whole chain`);
    }

    // Names against records, both by hash.
    const unmatched: number[] = [];
    const missing = new IntList();
    let r = 0;
    for (let i = 0; i < nCov; i++) {
      const c = cov[i]!;
      while (r < nRec && compareHash(recHash, rec[r]!, covHash, c) < 0) unmatched.push(rec[r++]!);
      if (r < nRec && compareHash(recHash, rec[r]!, covHash, c) === 0) {
        this.checkBitmap(c, rec[r]!);
        r++;
        continue;
      }
      if (this.missingName(c, rec, r, optOut > 0)) missing.push(c);
    }
    while (r < nRec) unmatched.push(rec[r++]!);
    if (unmatched.length > 0) this.reportUnmatched(unmatched);

    // Closed and ordered (RFC 5155 §3.1.7): each Next Hashed Owner Name is the next record present, or
    // the hash of a name whose NSEC3 is missing before it (reported above).
    const missingOrder = missing.trimmed();
    for (let i = 0; i < nRec; i++) {
      const at = rec[i]!;
      const successor = rec[(i + 1) % nRec]!;
      if (compareHash(recNext, at, recHash, successor) === 0) continue;
      const wraps = i === nRec - 1;
      const afterOwn = compareHash(recNext, at, recHash, at) > 0;
      const beforeSuccessor = compareHash(recNext, at, recHash, successor) < 0;
      const between = wraps ? afterOwn || beforeSuccessor : afterOwn && beforeSuccessor;
      if (between && findHash(covHash, missingOrder, recNext, at) >= 0) continue;
      const owner = this.recordName(at);
      const nextText = hashText(recNext, at);
      const present = findHash(recHash, rec, recNext, at) >= 0;
      this.findings.add('NSEC3_CHAIN_GAP', 'critical', owner, RRType.NSEC3,
        present
          ? `the NSEC3 at ${owner.toString()} points to ${nextText}, skipping the NSEC3 at ${hashText(recHash, successor)}, so resolvers get wrong denials: re-sign the zone`
          : `the NSEC3 at ${owner.toString()} points to ${nextText}, where there is no NSEC3, so the chain is broken: re-sign the zone`,
        { next: nextText, expected: hashText(recHash, successor) });
    }
  }

  /** RFC 5155 §3.2.1: the bitmap lists the types at the original name. Compared as encoded; decoded only to explain. */
  private checkBitmap(c: number, r: number): void {
    const expected = this.bits.a.subarray(this.bitsAt.a[c]!, this.bitsAt.a[c + 1]!);
    const actual = nsec3Bitmap(rrsetRdatas(this.z, this.recRRset.a[r]!)[0]!);
    if (equalBytes(expected, actual)) return;
    const { missing, extra } = diffTypes(decodeTypeBitmap(expected), decodeTypeBitmap(actual));
    if (missing.length === 0 && extra.length === 0) return;
    const name = this.coveredName(c);
    const owner = this.recordName(r);
    this.findings.add('NSEC3_BAD_BITMAP', 'critical', owner, RRType.NSEC3,
      `the NSEC3 for ${name.toString()} (at ${owner.toString()}) ${describeDiff(missing, extra)}, so resolvers can be told that existing data does not exist: re-sign the zone`,
      { name: name.toString(), missing: missing.map(typeToString).join(' '), extra: extra.map(typeToString).join(' ') });
  }

  /** A covered name without an NSEC3 at its hash (`r`: where it would sort). True when that is a fault (reported). */
  private missingName(c: number, rec: Int32Array, r: number, zoneUsesOptOut: boolean): boolean {
    const nRec = rec.length;
    const at = hashText(this.covHash.a, c);
    const name = this.coveredName(c);
    if (this.covOptional.a[c] === 1 && nRec > 0) {
      // The NSEC3 that covers the hash: the last one before it, or the last of the chain when it sorts first.
      const cover = rec[r === 0 ? nRec - 1 : r - 1]!;
      if ((this.recFlags.a[cover]! & NSEC3_FLAG_OPT_OUT) !== 0) return false;
      if (zoneUsesOptOut) {
        this.findings.add('OPT_OUT_FLAG_NOT_SET', 'critical', name, RRType.NSEC3,
          `${name.toString()} is left out of the chain, but the NSEC3 covering its hash (${this.recordName(cover).toString()}) has no Opt-Out flag, so resolvers are told the delegation does not exist: re-sign the zone`,
          { hash: at });
        return true;
      }
    }
    this.findings.add('NSEC3_CHAIN_GAP', 'critical', name, RRType.NSEC3,
      `${name.toString()} has no NSEC3 (its hash is ${at}), so resolvers can be told it does not exist: re-sign the zone`,
      { hash: at });
    return true;
  }

  /** NSEC3 records at the hash of no covered name: of glue or occluded data (unexpected), or of nothing (bad hash). */
  private reportUnmatched(unmatched: readonly number[]): void {
    const n = this.outside.n / 2;
    const hashes = new Uint8Array(n * H);
    for (let i = 0; i < n; i++) {
      const k = this.outside.a[2 * i]!;
      hashes.set(this.hasher.hashWire(this.z.canon.subarray(this.z.ownerStart[k]!, this.z.ownerStart[k + 1]!)), i * H);
    }
    const order = sortByHash(hashes, n);
    for (const r of unmatched) {
      const owner = this.recordName(r);
      const hit = findHash(hashes, order, this.recHash.a, r);
      if (hit >= 0) {
        const i = order[hit]!;
        const k = this.outside.a[2 * i]!;
        const name = Name.fromWire(this.z.canon, this.z.ownerStart[k]!).name;
        this.findings.add('NSEC3_UNEXPECTED_OWNER', 'warning', owner, RRType.NSEC3,
          `the NSEC3 at ${owner.toString()} stands for ${name.toString()}, which is ${this.outside.a[2 * i + 1] === 0 ? 'glue below a delegation' : 'occluded by a DNAME'} and belongs in no chain (RFC 5155 §7.1): re-sign the zone`,
          { name: name.toString() });
        continue;
      }
      this.findings.add('NSEC3_BAD_HASH', 'critical', owner, RRType.NSEC3,
        `the NSEC3 owner ${owner.toString()} is not the hash of any name in the zone, so the chain denies names wrongly: re-sign the zone`,
        { hash: hashText(this.recHash.a, r) });
    }
  }
}

function identity(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

function saltText(salt: Uint8Array): string {
  return salt.length === 0 ? '-' : toHex(salt);
}
