/**
 * The NSEC3 chain for the lean gate (gate-pass.ts, fed by
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
 *
 * It keeps no owner names, only hashes and owner ordinals (a few tens of
 * octets per name), so that the streaming gate's memory does not grow with
 * the zone's text; the names its findings quote are asked for at the end
 * (OwnerNames), and only for the findings there are.
 */
import { equalBytes, toBase32Hex, toHex } from '../core/bytes.ts';
import { NSEC3_FLAG_OPT_OUT } from '../signer/nsec3.ts';
import { createNsec3Hasher, NSEC3_HASH_LENGTH } from '../signer/nsec3-hash.ts';
import type { Nsec3Hasher } from '../signer/nsec3-hash.ts';
import { Bytes, IntList } from '../signer/parallel/arena.ts';
import { isSubdomainWire } from '../signer/parallel/compact-zone.ts';
import { base32HexAt } from '../signer/parallel/fast-rdata.ts';
import { decodeNsec3, decodeTypeBitmap, encodeTypeBitmap } from '../zone/dnssec-rdata.ts';
import type { Nsec3ParamData } from '../zone/dnssec-rdata.ts';
import { Name } from '../zone/name.ts';
import { RRType, typeToString } from '../zone/types.ts';
import type { DenialPass, GateOwner, OwnerNames } from './compact-gate-denial.ts';
import { describeDiff } from './denial-nsec.ts';
import { FindingCollector } from './finding.ts';
import { diffTypes, expectedBitmap } from './structure.ts';

const H = NSEC3_HASH_LENGTH;
const EMPTY = new Uint8Array(0);
/** The longest wire name (RFC 1035 §2.3.4). */
const MAX_WIRE = 255;

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

/**
 * Indices 0..n−1 of the hashes in `a`, sorted by hash. The leading octets
 * of each hash go into one double beside its index, for a native numeric
 * sort (a comparator called some 40 million times for a zone of a million
 * names is most of the cost); runs that share them are finished with a
 * full comparison.
 */
function sortByHash(a: Uint8Array, n: number): Int32Array {
  const order = new Int32Array(n);
  let bits = 1;
  while (2 ** bits < n) bits++;
  if (bits > 26) {
    for (let i = 0; i < n; i++) order[i] = i;
    return order.sort((x, y) => compareHash(a, x, a, y));
  }
  // 53 bits of a double: the index below, as many leading bits of the hash as fit (27 to 32) above.
  const prefixBits = Math.min(32, 53 - bits);
  const scale = 2 ** bits;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = i * H;
    const prefix = (((a[p]! << 24) | (a[p + 1]! << 16) | (a[p + 2]! << 8) | a[p + 3]!) >>> 0) >>> (32 - prefixBits);
    keys[i] = prefix * scale + i;
  }
  keys.sort();
  for (let i = 0; i < n; i++) order[i] = keys[i]! % scale;
  let runStart = 0;
  for (let i = 1; i <= n; i++) {
    if (i < n && Math.floor(keys[i]! / scale) === Math.floor(keys[i - 1]! / scale)) continue;
    if (i - runStart > 1) order.subarray(runStart, i).sort((x, y) => compareHash(a, x, a, y));
    runStart = i;
  }
  return order;
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

/**
 * Distinct byte strings, each given a small id: the type bitmaps of a zone,
 * of which there are a handful, so that each name and record keeps an id
 * instead of its bitmap (and comparing two is comparing ids).
 */
class ByteStrings {
  private readonly bytes = new Bytes(1024);
  private readonly starts = new IntList(64);
  private readonly hashes = new IntList(64);
  private table = new Int32Array(64).fill(-1);

  constructor() {
    this.starts.push(0);
  }

  get(id: number): Uint8Array {
    return this.bytes.a.subarray(this.starts.a[id]!, this.starts.a[id + 1]!);
  }

  intern(b: Uint8Array): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
    h &= 0x7fffffff;
    const mask = this.table.length - 1;
    let slot = h & mask;
    for (let id = this.table[slot]!; id >= 0; id = this.table[slot]!) {
      if (this.hashes.a[id] === h && equalBytes(this.get(id), b)) return id;
      slot = (slot + 1) & mask;
    }
    const id = this.hashes.n;
    this.bytes.put(b);
    this.starts.push(this.bytes.n);
    this.hashes.push(h);
    this.table[slot] = id;
    if (this.hashes.n * 2 > this.table.length) this.grow();
    return id;
  }

  private grow(): void {
    this.table = new Int32Array(this.table.length * 2).fill(-1);
    const mask = this.table.length - 1;
    for (let id = 0; id < this.hashes.n; id++) {
      let slot = this.hashes.a[id]! & mask;
      while (this.table[slot]! >= 0) slot = (slot + 1) & mask;
      this.table[slot] = id;
    }
  }
}

/** Answers every name with a stand-in and notes which owners were asked for (Nsec3Pass.namesNeeded). */
class NameProbe implements OwnerNames {
  readonly asked = new IntList(64);
  private readonly standIn: Name;

  constructor(standIn: Name) {
    this.standIn = standIn;
  }

  name(ordinal: number): Name {
    this.asked.push(ordinal);
    return this.standIn;
  }
}

/**
 * Where the Next Hashed Owner Name of NSEC3 RDATA starts (RFC 5155 §3.2:
 * algorithm, flags, iterations, salt length and salt, then its length
 * octet), or −1 when the fields before the Type Bit Maps overrun it.
 */
function nextHashedAt(rdata: Uint8Array): number {
  if (rdata.length < 6) return -1;
  const lengthAt = 5 + rdata[4]!;
  if (lengthAt >= rdata.length || lengthAt + 1 + rdata[lengthAt]! > rdata.length) return -1;
  return lengthAt + 1;
}

/**
 * The names the chain must cover (members, and the empty non-terminals
 * between them and the apex) are hashed as they go by into flat arrays
 * (20-octet hash, owner ordinal, labels to strip for an empty
 * non-terminal, expected bitmap); the NSEC3 records likewise. At the end
 * both are sorted by hash and merged, as denial-nsec3.ts does with objects.
 */
export class Nsec3Pass implements DenialPass {
  private readonly origin: Name;
  /** The origin's labels lowercased, for the owners of NSEC3 records (built from their hashes). */
  private readonly originLabels: readonly Uint8Array[];
  private readonly params: Nsec3ParamData;
  /** Where findings go; namesNeeded swaps in one that keeps none for its dry run. */
  private findings: FindingCollector;
  private readonly hasher: Nsec3Hasher;
  private readonly originLength: number;
  // Names the chain covers: hash, owner ordinal, and in covInfo (see info()) the expected bitmap (an id
  // of `bitmaps`), the labels stripped from the owner (0: the owner itself, else an empty non-terminal
  // above it) and whether Opt-Out may leave it out.
  private readonly covHash = new Bytes();
  private readonly covOwner = new IntList();
  private readonly covInfo = new IntList();
  /** Hashes of the empty non-terminals above a name that is not an insecure delegation. */
  private readonly requiredEnts = new Bytes(1024);
  /** Glue and occluded owners (ordinal, 0 glue / 1 occluded), hashed only if some NSEC3 matches no name. */
  private readonly outside = new IntList();
  // The NSEC3 records read: hash, and in recInfo the bitmap (an id of `bitmaps`) above the flags.
  private readonly recHash = new Bytes();
  private readonly recInfo = new IntList();
  private recSorted = true;
  /**
   * Next Hashed Owner Names, kept only where they are not the hash of the
   * record read next (the last record's: of the first): in a chain read in
   * order, only where it is broken. `nextAt` holds the records, ascending.
   */
  private readonly nextAt = new IntList(64);
  private readonly nextHash = new Bytes(1024);
  /** The Next Hashed Owner Name of the last record read, until the next one shows whether it must be kept. */
  private readonly lastNext = new Uint8Array(H);
  private readonly bitmaps = new ByteStrings();
  /** Per bitmap id: 1 well-formed, 0 not, −1 not known yet. */
  private readonly validity = new IntList(64);
  private readonly emptyBitmap: number;
  private readonly hashScratch = new Uint8Array(H);
  /** Expected bitmaps by type list: a zone has a handful of them. */
  private readonly expected = new Map<string, number>();
  // The wire names of the previous member and of the previous member that requires its empty non-terminals.
  private readonly prevMember = new Uint8Array(MAX_WIRE);
  private prevMemberLength = -1;
  private readonly prevRequired = new Uint8Array(MAX_WIRE);
  private prevRequiredLength = -1;
  private sorted: { cov: Int32Array; rec: Int32Array } | null = null;
  /** Set by namesNeeded when its dry run found the chain sound: finish() has nothing left to do. */
  private judged = false;

  constructor(origin: Name, params: Nsec3ParamData, findings: FindingCollector) {
    this.origin = origin;
    this.originLabels = origin.toLowerCase().labels;
    this.params = params;
    this.findings = findings;
    this.hasher = createNsec3Hasher(params.iterations, params.salt);
    this.originLength = origin.canonical.length;
    this.emptyBitmap = this.bitmaps.intern(EMPTY);
  }

  owner(o: GateOwner): void {
    if (o.nsec3 !== null) this.readRecord(o, o.nsec3);
    if (o.member) this.cover(o);
    else if (o.kind === 'glue' || o.kind === 'occluded') {
      this.outside.push(o.ordinal);
      this.outside.push(o.kind === 'glue' ? 0 : 1);
    }
  }

  /**
   * The record's fields are read in place, which is what decodeNsec3 checks
   * but for the type bitmap: that is checked once per distinct bitmap
   * (a zone has a handful), when it is first interned.
   */
  private readRecord(o: GateOwner, rdata: Uint8Array): void {
    const owner = o.name;
    const origin = this.origin;
    const p = this.params;
    const nextAt = nextHashedAt(rdata);
    const nextLength = nextAt < 0 ? 0 : rdata[nextAt - 1]!;
    const bitmap = nextAt < 0 ? -1 : this.bitmaps.intern(rdata.subarray(nextAt + nextLength));
    if (bitmap < 0 || !this.bitmapValid(bitmap)) {
      this.findings.add('INVALID_NSEC3_HASH', 'critical', owner, RRType.NSEC3, `the NSEC3 at ${owner.toString()} is malformed: re-sign the zone`);
      return;
    }
    // RFC 5155 §7.3: every NSEC3 of the chain has the NSEC3PARAM's algorithm, iterations and salt.
    const iterations = (rdata[2]! << 8) | rdata[3]!;
    if (rdata[0] !== p.hashAlgorithm || iterations !== p.iterations || !equalBytes(rdata.subarray(5, 5 + rdata[4]!), p.salt)) {
      const data = decodeNsec3(rdata);
      this.findings.add('NSEC3PARAM_MISMATCH', 'critical', owner, RRType.NSEC3,
        `the NSEC3 at ${owner.toString()} has hash algorithm ${data.hashAlgorithm}, ${data.iterations} iterations and salt ${saltText(data.salt)}, but NSEC3PARAM says ${p.hashAlgorithm}, ${p.iterations} and ${saltText(p.salt)}: re-sign the zone with one set of parameters`);
      return;
    }
    // RFC 5155 §3: the owner is one label, base32hex of the hash, directly below the apex.
    const label = owner.labels[0];
    const hash = this.hashScratch;
    const decoded = owner.labelCount === origin.labelCount + 1 && owner.isSubdomainOf(origin) && label !== undefined && label.length * 5 === H * 8
      && base32HexAt(label, 0, label.length, hash, 0) === H;
    if (!decoded) {
      this.findings.add('INVALID_NSEC3_OWNER_NAME', 'critical', owner, RRType.NSEC3,
        `the NSEC3 owner ${owner.toString()} is not the base32hex form of a hash directly below the apex: re-sign the zone`);
      return;
    }
    if (nextLength !== H) {
      this.findings.add('INVALID_NSEC3_HASH', 'critical', owner, RRType.NSEC3,
        `the NSEC3 at ${owner.toString()} has a Next Hashed Owner Name of ${nextLength} octets, not ${H}: re-sign the zone`);
      return;
    }
    const n = this.recInfo.n;
    this.recHash.put(hash);
    if (n > 0) {
      if (compareHash(this.recHash.a, n - 1, this.recHash.a, n) >= 0) this.recSorted = false;
      if (compareHash(this.lastNext, 0, this.recHash.a, n) !== 0) this.keepNext(n - 1);
    }
    this.lastNext.set(rdata.subarray(nextAt, nextAt + H));
    this.recInfo.push(bitmap * 256 + rdata[1]!);
  }

  /** Whether bitmap `id` is a well-formed Type Bit Maps field (RFC 4034 §4.1.2), decoded the first time it is asked. */
  private bitmapValid(id: number): boolean {
    while (this.validity.n <= id) this.validity.push(-1);
    if (this.validity.a[id] === -1) {
      let valid = 1;
      try {
        decodeTypeBitmap(this.bitmaps.get(id));
      } catch {
        valid = 0;
      }
      this.validity.a[id] = valid;
    }
    return this.validity.a[id] === 1;
  }

  /** The id of the bitmap the owner's NSEC3 must have (expectedBitmap, encoded; remembered per kind and type list). */
  private expectedBitmap(o: GateOwner): number {
    // What expectedBitmap depends on besides the types: a delegation, secure or not.
    const key = `${o.kind === 'delegation' ? (o.hasDs ? 'D' : 'd') : '-'}${o.types.join(' ')}`;
    let id = this.expected.get(key);
    if (id === undefined) {
      id = this.bitmaps.intern(encodeTypeBitmap(expectedBitmap(o, 'nsec3')));
      if (this.expected.size < 4096) this.expected.set(key, id);
    }
    return id;
  }

  private pushCovered(hash: Uint8Array, owner: number, strip: number, optional: boolean, bitmap: number): void {
    this.covHash.put(hash);
    this.covOwner.push(owner);
    // A name has at most 127 labels, so `strip` fits in 7 bits.
    this.covInfo.push(bitmap * 256 + strip * 2 + (optional ? 1 : 0));
  }

  private covStrip(c: number): number {
    return (this.covInfo.a[c]! >> 1) & 127;
  }

  private covOptional(c: number): boolean {
    return (this.covInfo.a[c]! & 1) === 1;
  }

  private recFlags(r: number): number {
    return this.recInfo.a[r]! & 255;
  }

  /** Keeps the Next Hashed Owner Name of record r (in lastNext): it is not the hash of the record after it. */
  private keepNext(r: number): void {
    this.nextAt.push(r);
    this.nextHash.put(this.lastNext);
  }

  /**
   * Where record r's Next Hashed Owner Name is: hash k ≥ 0 of recHash (the
   * record read after it), or the one kept at −k−1 of nextHash.
   */
  private nextRef(r: number): number {
    const at = this.nextAt.a;
    let lo = 0;
    let hi = this.nextAt.n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (at[mid] === r) return -mid - 1;
      if (at[mid]! < r) lo = mid + 1;
      else hi = mid - 1;
    }
    return (r + 1) % this.recInfo.n;
  }

  /**
   * A member and the empty non-terminals it implies (RFC 5155 §7.1): its
   * ancestors below the apex that are not ancestors of the previous member
   * (canonical order puts every name right after its ancestors' earlier
   * descendants, as listEmptyNonTerminals relies on). Those above a name
   * other than an insecure delegation are required even under Opt-Out.
   */
  private cover(o: GateOwner): void {
    const wire = o.wire;
    const optional = o.kind === 'delegation' && !o.hasDs;
    this.pushCovered(this.hasher.hashWire(wire), o.ordinal, 0, optional, this.expectedBitmap(o));
    this.forEachNewAncestor(wire, this.prevMember, this.prevMemberLength, (p, strip) => {
      this.pushCovered(this.hasher.hashWire(wire.subarray(p)), o.ordinal, strip, true, this.emptyBitmap);
    });
    if (!optional) {
      this.forEachNewAncestor(wire, this.prevRequired, this.prevRequiredLength, (p) => {
        this.requiredEnts.put(this.hasher.hashWire(wire.subarray(p)));
      });
      this.prevRequired.set(wire);
      this.prevRequiredLength = wire.length;
    }
    this.prevMember.set(wire);
    this.prevMemberLength = wire.length;
  }

  /** Ancestors of `wire` strictly between it and the apex that the name prev[0..prevLength) (−1: none) is not at or below. */
  private forEachNewAncestor(wire: Uint8Array, prev: Uint8Array, prevLength: number, fn: (start: number, strip: number) => void): void {
    const oe = wire.length;
    let p = wire[0]! + 1;
    let strip = 1;
    while (oe - p > this.originLength) {
      if (prevLength >= 0 && isSubdomainWire(prev, 0, prevLength, wire, p, oe)) break;
      fn(p, strip);
      p += wire[p]! + 1;
      strip++;
    }
  }

  private coveredName(c: number, names: OwnerNames): Name {
    const name = names.name(this.covOwner.a[c]!);
    const strip = this.covStrip(c);
    return strip === 0 ? name : name.parent(strip);
  }

  /** An NSEC3 record's owner, from its hash: base32hex of it, directly below the apex (readRecord checked it is). */
  private recordName(r: number): Name {
    return Name.fromLabels([Buffer.from(hashText(this.recHash.a, r), 'latin1'), ...this.originLabels]);
  }

  /**
   * The owners whose names finish() will quote (or hash), ascending: those
   * of the findings it has to make, found by a dry run that keeps none.
   * The streaming gate reads them from the file again before finish().
   */
  namesNeeded(): Int32Array {
    const probe = new NameProbe(this.origin);
    const findings = this.findings;
    const dry = new FindingCollector(0);
    this.findings = dry;
    try {
      this.finish(probe);
    } finally {
      this.findings = findings;
    }
    // Nothing found and no name asked for: finish() would find nothing either (the usual case: a valid chain).
    this.judged = probe.asked.n === 0 && dry.counts.critical + dry.counts.warning + dry.counts.info === 0;
    const asked = probe.asked.trimmed().sort();
    let n = 0;
    for (let i = 0; i < asked.length; i++) if (n === 0 || asked[i] !== asked[n - 1]) asked[n++] = asked[i]!;
    return asked.subarray(0, n);
  }

  finish(names: OwnerNames): void {
    if (this.judged) return;
    const nCov = this.covOwner.n;
    const nRec = this.recInfo.n;
    const covHash = this.covHash.a;
    const recHash = this.recHash.a;
    const { cov, rec } = this.sortedOnce();
    let optOut = 0;
    for (let r = 0; r < nRec; r++) if ((this.recFlags(r) & NSEC3_FLAG_OPT_OUT) !== 0) optOut++;
    if (optOut > 0 && optOut < nRec) {
      this.findings.add('NSEC3_OPT_OUT_INCONSISTENT', 'warning', this.origin, RRType.NSEC3,
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
        this.checkBitmap(c, rec[r]!, names);
        r++;
        continue;
      }
      if (this.missingName(c, rec, r, optOut > 0, names)) missing.push(c);
    }
    while (r < nRec) unmatched.push(rec[r++]!);
    if (unmatched.length > 0) this.reportUnmatched(unmatched, names);

    // Closed and ordered (RFC 5155 §3.1.7): each Next Hashed Owner Name is the next record present, or
    // the hash of a name whose NSEC3 is missing before it (reported above).
    const missingOrder = missing.trimmed();
    for (let i = 0; i < nRec; i++) {
      const at = rec[i]!;
      const successor = rec[(i + 1) % nRec]!;
      const ref = this.nextRef(at);
      const next = ref >= 0 ? recHash : this.nextHash.a;
      const n = ref >= 0 ? ref : -ref - 1;
      if (compareHash(next, n, recHash, successor) === 0) continue;
      const wraps = i === nRec - 1;
      const afterOwn = compareHash(next, n, recHash, at) > 0;
      const beforeSuccessor = compareHash(next, n, recHash, successor) < 0;
      const between = wraps ? afterOwn || beforeSuccessor : afterOwn && beforeSuccessor;
      if (between && findHash(covHash, missingOrder, next, n) >= 0) continue;
      const owner = this.recordName(at);
      const nextText = hashText(next, n);
      const present = findHash(recHash, rec, next, n) >= 0;
      this.findings.add('NSEC3_CHAIN_GAP', 'critical', owner, RRType.NSEC3,
        present
          ? `the NSEC3 at ${owner.toString()} points to ${nextText}, skipping the NSEC3 at ${hashText(recHash, successor)}, so resolvers get wrong denials: re-sign the zone`
          : `the NSEC3 at ${owner.toString()} points to ${nextText}, where there is no NSEC3, so the chain is broken: re-sign the zone`,
        { next: nextText, expected: hashText(recHash, successor) });
    }
  }

  /**
   * Names and records sorted by hash, once (finish may run twice: see
   * namesNeeded). On the way, the last record's Next Hashed Owner Name is
   * kept if the chain does not close on the first, and empty non-terminals
   * above a name that Opt-Out cannot leave out are marked required.
   */
  private sortedOnce(): { cov: Int32Array; rec: Int32Array } {
    if (this.sorted !== null) return this.sorted;
    const nCov = this.covOwner.n;
    const covHash = this.covHash.a;
    const cov = sortByHash(covHash, nCov);
    const nRec = this.recInfo.n;
    // The last record's Next Hashed Owner Name is kept unless it is the first record's hash (the chain closes).
    if (nRec > 0 && compareHash(this.lastNext, 0, this.recHash.a, 0) !== 0) this.keepNext(nRec - 1);
    const rec = this.recSorted ? identity(nRec) : sortByHash(this.recHash.a, nRec);
    const required = sortByHash(this.requiredEnts.a, this.requiredEnts.n / H);
    for (let c = 0; c < nCov; c++) {
      if (this.covStrip(c) !== 0 && findHash(this.requiredEnts.a, required, covHash, c) >= 0) this.covInfo.a[c] = this.covInfo.a[c]! & ~1;
    }
    this.sorted = { cov, rec };
    return this.sorted;
  }

  /** RFC 5155 §3.2.1: the bitmap lists the types at the original name. Compared as encoded; decoded only to explain. */
  private checkBitmap(c: number, r: number, names: OwnerNames): void {
    const expectedId = this.covInfo.a[c]! >>> 8;
    const actualId = this.recInfo.a[r]! >>> 8;
    if (expectedId === actualId) return;
    const { missing, extra } = diffTypes(decodeTypeBitmap(this.bitmaps.get(expectedId)), decodeTypeBitmap(this.bitmaps.get(actualId)));
    if (missing.length === 0 && extra.length === 0) return;
    const name = this.coveredName(c, names);
    const owner = this.recordName(r);
    this.findings.add('NSEC3_BAD_BITMAP', 'critical', owner, RRType.NSEC3,
      `the NSEC3 for ${name.toString()} (at ${owner.toString()}) ${describeDiff(missing, extra)}, so resolvers can be told that existing data does not exist: re-sign the zone`,
      { name: name.toString(), missing: missing.map(typeToString).join(' '), extra: extra.map(typeToString).join(' ') });
  }

  /** A covered name without an NSEC3 at its hash (`r`: where it would sort). True when that is a fault (reported). */
  private missingName(c: number, rec: Int32Array, r: number, zoneUsesOptOut: boolean, names: OwnerNames): boolean {
    const nRec = rec.length;
    if (this.covOptional(c) && nRec > 0) {
      // The NSEC3 that covers the hash: the last one before it, or the last of the chain when it sorts first.
      const cover = rec[r === 0 ? nRec - 1 : r - 1]!;
      if ((this.recFlags(cover) & NSEC3_FLAG_OPT_OUT) !== 0) return false;
      if (zoneUsesOptOut) {
        const name = this.coveredName(c, names);
        this.findings.add('OPT_OUT_FLAG_NOT_SET', 'critical', name, RRType.NSEC3,
          `${name.toString()} is left out of the chain, but the NSEC3 covering its hash (${this.recordName(cover).toString()}) has no Opt-Out flag, so resolvers are told the delegation does not exist: re-sign the zone`,
          { hash: hashText(this.covHash.a, c) });
        return true;
      }
    }
    const at = hashText(this.covHash.a, c);
    const name = this.coveredName(c, names);
    this.findings.add('NSEC3_CHAIN_GAP', 'critical', name, RRType.NSEC3,
      `${name.toString()} has no NSEC3 (its hash is ${at}), so resolvers can be told it does not exist: re-sign the zone`,
      { hash: at });
    return true;
  }

  /** NSEC3 records at the hash of no covered name: of glue or occluded data (unexpected), or of nothing (bad hash). */
  private reportUnmatched(unmatched: readonly number[], names: OwnerNames): void {
    const n = this.outside.n / 2;
    const hashes = new Uint8Array(n * H);
    for (let i = 0; i < n; i++) hashes.set(this.hasher.hashWire(names.name(this.outside.a[2 * i]!).canonical), i * H);
    const order = sortByHash(hashes, n);
    for (const r of unmatched) {
      const owner = this.recordName(r);
      const hit = findHash(hashes, order, this.recHash.a, r);
      if (hit >= 0) {
        const i = order[hit]!;
        const name = names.name(this.outside.a[2 * i]!);
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
