/**
 * CompactZoneBuilder takes records in file order and applies exactly the
 * rules and messages of src/zone/load.ts (loadZone), in the same order, so
 * the same file gives the same RRsets, warnings and first error either way
 * (a differential test holds the two together):
 * - every record in the zone, the SOA at the apex and only one, no CNAME at
 *   the apex (RFC 1035 §5.2, RFC 1034 §3.6.2, §4.2.1);
 * - per name: one CNAME, one DNAME, CNAME alone but for RRSIG and NSEC
 *   (RFC 2181 §10.1, RFC 6672 §2.4, RFC 4035 §2.5);
 * - RRsets with their RDATA sorted on canonical bytes and deduplicated
 *   (RFC 4034 §6.3), the smallest TTL with a warning when they differ
 *   (RFC 2181 §5.2);
 * - NS at the apex.
 * Owners come out in canonical order (RFC 4034 §6.1), RRsets by type.
 */
import { compareBytes } from '../../core/bytes.ts';
import { ZoneParseError } from '../../core/errors.ts';
import type { SourcePosition } from '../../core/errors.ts';
import { canonicalRdata } from '../../zone/canonical.ts';
import { Name } from '../../zone/name.ts';
import { classToString, RRType } from '../../zone/types.ts';
import type { ZoneWarning } from '../../zone/zone.ts';
import { Bytes, IntList } from './arena.ts';
import { isSubdomainWire, OWNER_HASH_LENGTH } from './compact-zone.ts';
import type { CompactZone } from './compact-zone.ts';

/**
 * The sort key of a canonical wire name: its labels from the root down, each
 * label's octets order-preservingly escaped (0x00 → 01 01, 0x01 → 01 02) and
 * ended by 0x00. Comparing keys as byte strings is RFC 4034 §6.1 canonical order.
 */
function writeSortKey(dst: Bytes, name: Uint8Array, start: number, end: number): void {
  const starts: number[] = [];
  let p = start;
  while (p < end && name[p] !== 0) {
    starts.push(p);
    p += name[p]! + 1;
  }
  dst.reserve((end - start) * 2 + 2);
  for (let k = starts.length - 1; k >= 0; k--) {
    const s = starts[k]!;
    const len = name[s]!;
    for (let i = s + 1; i <= s + len; i++) {
      const c = name[i]!;
      if (c < 2) {
        dst.a[dst.n++] = 1;
        dst.a[dst.n++] = c + 1;
      } else {
        dst.a[dst.n++] = c;
      }
    }
    dst.a[dst.n++] = 0;
  }
}

/** Position of record `i` for errors and warnings. */
interface Positions {
  file: IntList;
  line: IntList;
  column: IntList;
  files: string[];
}

/** Collects records (in file order) and builds a CompactZone; see the module header. */
export class CompactZoneBuilder {
  readonly origin: Name;
  readonly zoneClass: number;
  private readonly file: string;
  private readonly originCanon: Uint8Array;
  // Owner names: id → canonical wire (ownerCanon), first spelling (ownerSpell),
  // found again through an open-addressing table on the canonical bytes.
  private table = new Int32Array(1 << 12).fill(-1);
  private readonly ownerHash = new IntList();
  private readonly ownerCanon = new Bytes();
  private readonly ownerCanonStart = new IntList();
  private readonly spelling = new Bytes();
  private readonly ownerSpellStart = new IntList();
  // Records: owner id, type, TTL, RDATA (as written), spelling.
  private readonly recOwner = new IntList(1 << 14);
  private readonly recType = new IntList(1 << 14);
  private readonly recTtl = new IntList(1 << 14);
  private readonly recData = new IntList(1 << 14);
  private readonly recSpell = new IntList(1 << 14);
  private readonly data = new Bytes(1 << 20);
  private readonly pos: Positions = { file: new IntList(1 << 14), line: new IntList(1 << 14), column: new IntList(1 << 14), files: [] };
  private lastFile = '';
  private lastFileId = -1;
  private lastWire: Uint8Array = new Uint8Array(0);
  private lastId = -1;
  private lastSpell = -1;
  private soaRecord = -1;

  constructor(origin: Name, zoneClass: number, file: string) {
    this.origin = origin;
    this.zoneClass = zoneClass;
    this.file = file;
    this.originCanon = origin.canonical;
  }

  get records(): number {
    return this.recType.n;
  }

  /** Owner id of the last record added, or −1. */
  get lastOwnerId(): number {
    return this.recOwner.n === 0 ? -1 : this.recOwner.a[this.recOwner.n - 1]!;
  }

  /** Record i as read: its owner id, type, TTL, RDATA (a view) and owner spelling (a view). */
  recordOwner(i: number): number {
    return this.recOwner.a[i]!;
  }

  recordType(i: number): number {
    return this.recType.a[i]!;
  }

  recordTtl(i: number): number {
    return this.recTtl.a[i]! >>> 0;
  }

  recordRdata(i: number): Uint8Array {
    return this.rdataOf(i);
  }

  recordSpelling(i: number): Uint8Array {
    const s = this.spelling.a;
    const start = this.recSpell.a[i]!;
    let p = start;
    while (s[p] !== 0) p += s[p]! + 1;
    return s.subarray(start, p + 1);
  }

  /** The canonical wire name of owner `id` (a view). */
  ownerCanonical(id: number): Uint8Array {
    const start = this.ownerCanonStart.a[id]!;
    const end = id + 1 < this.ownerCanonStart.n ? this.ownerCanonStart.a[id + 1]! : this.ownerCanon.n;
    return this.ownerCanon.a.subarray(start, end);
  }

  /** Whether owner `id` is the apex. */
  isApex(id: number): boolean {
    return id === this.apexId();
  }

  /** Owner names seen so far (ids 0 .. owners−1, in order of first appearance). */
  get owners(): number {
    return this.ownerCanonStart.n;
  }

  /**
   * The canonical wire names of owners from..to−1, back to back (each name
   * ends at its root octet): for hashing them elsewhere while loading.
   */
  ownerNames(from: number, to: number): Uint8Array {
    const start = this.ownerCanonStart.a[from]!;
    const end = to < this.ownerCanonStart.n ? this.ownerCanonStart.a[to]! : this.ownerCanon.n;
    return this.ownerCanon.a.slice(start, end);
  }

  private position(i: number): SourcePosition {
    return { file: this.pos.files[this.pos.file.a[i]!]!, line: this.pos.line.a[i]!, column: this.pos.column.a[i]! };
  }

  private spellingName(spell: number): Name {
    const s = this.spelling.a;
    return Name.fromWire(s, spell).name;
  }

  /**
   * Adds one record as read: `owner` in uncompressed wire form as written
   * (kept by reference until the next owner: do not change it), its class,
   * and where it came from. The RDATA is copied.
   */
  add(owner: Uint8Array, cls: number, type: number, ttl: number, rdata: Uint8Array, file: string, line: number, column: number): void {
    this.data.reserve(rdata.length + 2);
    this.data.a.set(rdata, this.data.n + 2);
    this.addWritten(owner, cls, type, ttl, rdata.length, file, line, column);
  }

  /**
   * Room for the next record's RDATA, at least `max` octets: write it into
   * the returned array from rdataStart on, then call addWritten. Saves the
   * reader a copy.
   */
  rdataRoom(max: number): Uint8Array {
    this.data.reserve(max + 2);
    return this.data.a;
  }

  /** Where the next record's RDATA goes in the array rdataRoom gives. */
  get rdataStart(): number {
    return this.data.n + 2;
  }

  /** As add, with the `length` octets of RDATA already written at rdataStart (see rdataRoom). */
  addWritten(owner: Uint8Array, cls: number, type: number, ttl: number, length: number, file: string, line: number, column: number): void {
    const i = this.recType.n;
    if (file !== this.lastFile) {
      let id = this.pos.files.indexOf(file);
      if (id < 0) {
        id = this.pos.files.length;
        this.pos.files.push(file);
      }
      this.lastFile = file;
      this.lastFileId = id;
    }
    this.pos.file.push(this.lastFileId);
    this.pos.line.push(line);
    this.pos.column.push(column);
    this.recType.push(type);
    this.recTtl.push(ttl);
    // Same owner spelling as the record before (the usual case): no lookup.
    let id: number;
    let spell: number;
    if (owner === this.lastWire || equalWire(owner, this.lastWire)) {
      id = this.lastId;
      spell = this.lastSpell;
    } else {
      // The canonical name goes where it will stay if it is new (ownerCanon past its end), hashed on the way.
      const len = owner.length;
      this.ownerCanon.reserve(len);
      const arena = this.ownerCanon.a;
      const at = this.ownerCanon.n;
      let h = 0x811c9dc5;
      for (let k = 0; k < len; k++) {
        let c = owner[k]!;
        if (c >= 0x41 && c <= 0x5a) c += 32;
        arena[at + k] = c;
        h = Math.imul(h ^ c, 0x01000193);
      }
      h = (h ^ (h >>> 15)) & 0x7fffffff;
      const known = this.find(arena, at, len, h);
      if (known < 0) {
        // Rule order as in loadZone: out-of-zone first.
        if (!isSubdomainWire(arena, at, at + len, this.originCanon, 0, this.originCanon.length)) {
          this.recOwner.push(-1);
          throw new ZoneParseError('ERR_ZONE_OUT_OF_ZONE', `${Name.fromWire(owner, 0).name.toString()} is not in the zone ${this.origin.toString()}`, this.position(i));
        }
        id = this.ownerCanonStart.n;
        this.ownerCanonStart.push(at);
        this.ownerCanon.n += len;
        this.insert(id, h);
        spell = this.spelling.put(owner);
        this.ownerSpellStart.push(spell);
      } else {
        id = known;
        const first = this.ownerSpellStart.a[id]!;
        spell = equalWire(owner, this.spelling.a.subarray(first, first + len)) ? first : this.spelling.put(owner);
      }
      this.lastWire = owner;
      this.lastId = id;
      this.lastSpell = spell;
    }
    this.recOwner.push(id);
    this.recSpell.push(spell);
    if (cls !== this.zoneClass) {
      throw new ZoneParseError('ERR_ZONE_CLASS_MISMATCH', `class ${classToString(cls)} differs from the zone class ${classToString(this.zoneClass)}`, this.position(i));
    }
    const atApex = id === this.apexId();
    if (type === RRType.SOA) {
      if (!atApex) throw new ZoneParseError('ERR_ZONE_SOA_NOT_AT_APEX', `SOA at ${this.spellingName(spell).toString()}, not at the apex ${this.origin.toString()}`, this.position(i));
      if (this.soaRecord >= 0) {
        const p = this.position(this.soaRecord);
        throw new ZoneParseError('ERR_ZONE_MULTIPLE_SOA', `second SOA record; the first is at ${p.file}:${p.line}:${p.column}`, this.position(i));
      }
      this.soaRecord = i;
    } else if (type === RRType.CNAME && atApex) {
      // RFC 1034 §3.6.2 / §4.2.1: the apex holds SOA and NS, so a CNAME there would have company.
      throw new ZoneParseError('ERR_ZONE_CNAME_AT_APEX', 'CNAME at the zone apex', this.position(i));
    }
    const at = this.data.n;
    this.data.a[at] = length >>> 8;
    this.data.a[at + 1] = length;
    this.data.n += length + 2;
    this.recData.push(at);
  }

  private apexIdCache = -1;
  private apexId(): number {
    if (this.apexIdCache < 0) this.apexIdCache = this.find(this.originCanon, 0, this.originCanon.length, CompactZoneBuilder.hash(this.originCanon));
    return this.apexIdCache;
  }

  private static hash(b: Uint8Array): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
    return (h ^ (h >>> 15)) & 0x7fffffff;
  }

  /** Whether owner `id` is the canonical name b[start .. start+len). */
  private canonEquals(id: number, b: Uint8Array, start: number, len: number): boolean {
    const from = this.ownerCanonStart.a[id]!;
    const end = id + 1 < this.ownerCanonStart.n ? this.ownerCanonStart.a[id + 1]! : this.ownerCanon.n;
    if (end - from !== len) return false;
    const a = this.ownerCanon.a;
    for (let i = 0; i < len; i++) if (a[from + i] !== b[start + i]) return false;
    return true;
  }

  /** The id of the owner with canonical wire b[start .. start+len), whose hash is h, or −1. */
  private find(b: Uint8Array, start: number, len: number, h: number): number {
    const mask = this.table.length - 1;
    const hashes = this.ownerHash.a;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const id = this.table[slot]!;
      if (id < 0) return -1;
      if (hashes[id] === h && this.canonEquals(id, b, start, len)) return id;
    }
  }

  /** Adds owner `id`, whose name hashes to h. */
  private insert(id: number, h: number): void {
    this.ownerHash.push(h);
    if (this.ownerHash.n * 2 > this.table.length) {
      // Grow to keep the load under one half: every owner goes to its slot in the bigger table.
      const bigger = new Int32Array(this.table.length * 2).fill(-1);
      const mask = bigger.length - 1;
      for (let k = 0; k < this.ownerHash.n; k++) {
        let slot = this.ownerHash.a[k]! & mask;
        while (bigger[slot]! >= 0) slot = (slot + 1) & mask;
        bigger[slot] = k;
      }
      this.table = bigger;
      return;
    }
    const mask = this.table.length - 1;
    let slot = h & mask;
    while (this.table[slot]! >= 0) slot = (slot + 1) & mask;
    this.table[slot] = id;
  }

  /** Record `rec`'s RDATA with its length onto `out`. */
  private copyRdata(rec: number, out: Bytes): void {
    const at = this.recData.a[rec]!;
    const len = (this.data.a[at]! << 8) | this.data.a[at + 1]!;
    out.put(this.data.a, at, at + 2 + len);
  }

  /** Whether record `b`'s RDATA starts where record `a`'s ends in the arena. */
  private follows(a: number, b: number): boolean {
    const at = this.recData.a[a]!;
    return this.recData.a[b] === at + 2 + ((this.data.a[at]! << 8) | this.data.a[at + 1]!);
  }

  /** Whether recs[from..to) lie one after the other in the arena, in strictly increasing canonical order (no duplicates). */
  private inPlace(type: number, recs: Int32Array, from: number, to: number): boolean {
    let previous = canonicalOf(type, this.rdataOf(recs[from]!));
    for (let i = from + 1; i < to; i++) {
      if (!this.follows(recs[i - 1]!, recs[i]!)) return false;
      const next = canonicalOf(type, this.rdataOf(recs[i]!));
      if (compareBytes(previous, next) >= 0) return false;
      previous = next;
    }
    return true;
  }

  private rdataOf(rec: number): Uint8Array {
    const at = this.recData.a[rec]!;
    const len = (this.data.a[at]! << 8) | this.data.a[at + 1]!;
    return this.data.a.subarray(at + 2, at + 2 + len);
  }

  /**
   * Sorts, groups and checks; see the module header. Throws ZoneParseError
   * like loadZone. `ownerHashes` (NSEC3 hashes, HASH_LENGTH octets per owner
   * id) come out in canonical owner order as CompactZone.ownerHashes.
   */
  finish(ownerHashes: Uint8Array | null = null): CompactZone {
    const origin = this.origin;
    if (this.soaRecord < 0) throw new ZoneParseError('ERR_ZONE_NO_SOA', `the zone ${origin.toString()} has no SOA record`, { file: this.file, line: 1, column: 1 });
    const owners = this.ownerCanonStart.n;
    const canonArena = this.ownerCanon.a;
    const canonStart = this.ownerCanonStart.a;
    const canonEnd = (id: number) => (id + 1 < owners ? canonStart[id + 1]! : this.ownerCanon.n);

    // Canonical order of the owners (RFC 4034 §6.1) through their sort keys.
    const keys = new Bytes(this.ownerCanon.n * 2 + 16);
    const keyStart = new Int32Array(owners + 1);
    for (let id = 0; id < owners; id++) {
      keyStart[id] = keys.n;
      writeSortKey(keys, canonArena, canonStart[id]!, canonEnd(id));
    }
    keyStart[owners] = keys.n;
    const order = sortKeys(keys.a, keyStart, owners, originKeyLength(this.originCanon));
    const rank = new Int32Array(owners);
    for (let r = 0; r < owners; r++) rank[order[r]!] = r;

    // Records per owner in file order: a counting sort on the owner's rank.
    const n = this.recType.n;
    const counts = new Int32Array(owners + 1);
    for (let i = 0; i < n; i++) counts[rank[this.recOwner.a[i]!]! + 1]!++;
    for (let r = 0; r < owners; r++) counts[r + 1]! += counts[r]!;
    const byOwner = new Int32Array(n);
    const fill = counts.slice(0, owners);
    for (let i = 0; i < n; i++) byOwner[fill[rank[this.recOwner.a[i]!]!]!++] = i;

    const warnings: ZoneWarning[] = [];
    // Made at their final sizes (each owner once; RDATA less any duplicates), so most need no trimming copy.
    const outCanon = new Bytes(Math.max(1, this.ownerCanon.n));
    const outOwnerStart = new IntList(owners + 1);
    const outOwnerRRsets = new IntList(owners + 1);
    const rsType = new IntList(n);
    const rsTtl = new IntList(n);
    const rsSpellStart = new IntList(n);
    const rsRdata = new IntList(n);
    const rsRdataCount = new IntList(n);
    // RRsets whose records already lie in the arena in canonical order (a signed zone written by
    // signet, most single-record RRsets of any zone) stay where they are; the others are appended
    // to the arena in canonical order. No second copy of every RDATA (260 MB for a signed zone of
    // a million names).
    const out = this.data;
    let apexNs = false;
    const apexKey = this.apexId();
    const types = this.recType.a;
    for (let r = 0; r < owners; r++) {
      const id = order[r]!;
      outOwnerStart.push(outCanon.put(canonArena, canonStart[id]!, canonEnd(id)));
      outOwnerRRsets.push(rsType.n);
      // The owner's records by type, each type's records in file order (stable), as loadZone groups them.
      const from = counts[r]!;
      const to = counts[r + 1]!;
      sortByTypeThenIndex(byOwner, from, to, types);
      this.checkOwner(id, byOwner, from, to);
      for (let g = from; g < to;) {
        const type = types[byOwner[g]!]!;
        let e = g + 1;
        while (e < to && types[byOwner[e]!] === type) e++;
        this.buildRRset(type, byOwner, g, e, warnings, out, rsType, rsTtl, rsSpellStart, rsRdata, rsRdataCount);
        if (type === RRType.NS && id === apexKey) apexNs = true;
        g = e;
      }
    }
    outOwnerStart.push(outCanon.n);
    outOwnerRRsets.push(rsType.n);
    if (!apexNs) {
      throw new ZoneParseError('ERR_ZONE_NO_APEX_NS', `the zone ${origin.toString()} has no NS records at its apex`, this.position(this.soaRecord));
    }
    const count = rsType.n;
    const spellStart = rsSpellStart.exact();
    const spellEnd = new Int32Array(count);
    const sp = this.spelling.a;
    for (let i = 0; i < count; i++) {
      let p = spellStart[i]!;
      while (sp[p] !== 0) p += sp[p]! + 1;
      spellEnd[i] = p + 1;
    }
    let hashes: Uint8Array | undefined;
    if (ownerHashes !== null && ownerHashes.length >= owners * OWNER_HASH_LENGTH) {
      hashes = new Uint8Array(owners * OWNER_HASH_LENGTH);
      for (let r = 0; r < owners; r++) {
        const from = order[r]! * OWNER_HASH_LENGTH;
        hashes.set(ownerHashes.subarray(from, from + OWNER_HASH_LENGTH), r * OWNER_HASH_LENGTH);
      }
    }
    return {
      ...(hashes !== undefined ? { ownerHashes: hashes } : {}),
      ownerIds: order,
      origin,
      zoneClass: this.zoneClass,
      ownerCount: owners,
      canon: outCanon.exact(),
      ownerStart: outOwnerStart.exact(),
      ownerRRsets: outOwnerRRsets.exact(),
      rrsetCount: count,
      rsType: new Uint16Array(rsType.a.subarray(0, rsType.n)),
      rsTtl: new Uint32Array(rsTtl.a.subarray(0, rsTtl.n)),
      rsSpellStart: spellStart,
      rsSpellEnd: spellEnd,
      spell: this.spelling.trimmed(),
      rsRdata: rsRdata.exact(),
      rsRdataCount: rsRdataCount.exact(),
      // A view: the arena's unused tail was never written, so it takes no memory.
      rdata: out.a.subarray(0, out.n),
      records: n,
      warnings,
    };
  }

  /** First record of recs[from..to) whose canonical RDATA differs from the first one's, or −1. */
  private secondDistinct(recs: Int32Array, from: number, to: number): number {
    const first = recs[from]!;
    const a = canonicalOf(this.recType.a[first]!, this.rdataOf(first));
    for (let i = from + 1; i < to; i++) {
      const r = recs[i]!;
      if (compareBytes(canonicalOf(this.recType.a[r]!, this.rdataOf(r)), a) !== 0) return r;
    }
    return -1;
  }

  /**
   * loadZone's rules about the RRsets at one name. recs[from..to) are its
   * records sorted by type, then file order; the first of each type is the
   * type's first appearance.
   */
  private checkOwner(id: number, recs: Int32Array, from: number, to: number): void {
    const types = this.recType.a;
    let cnameFirst = -1;
    let otherFirst = -1;
    for (let g = from; g < to;) {
      const type = types[recs[g]!]!;
      let e = g + 1;
      while (e < to && types[recs[e]!] === type) e++;
      if (type === RRType.CNAME || type === RRType.DNAME) {
        // RFC 2181 §10.1: one CNAME per name; RFC 6672 §2.4: one DNAME.
        const second = this.secondDistinct(recs, g, e);
        if (second >= 0) {
          const what = type === RRType.CNAME ? 'CNAME' : 'DNAME';
          throw new ZoneParseError(`ERR_ZONE_MULTIPLE_${what}`, `more than one ${what} at ${this.spellingName(this.ownerSpellStart.a[id]!).toString()}`, this.position(second));
        }
        if (type === RRType.CNAME) cnameFirst = recs[g]!;
      }
      const accompanies = type === RRType.CNAME || type === RRType.RRSIG || type === RRType.NSEC;
      if (!accompanies && (otherFirst < 0 || recs[g]! < otherFirst)) otherFirst = recs[g]!;
      g = e;
    }
    if (cnameFirst >= 0 && otherFirst >= 0) {
      // Reported at whichever of the two came later in the file: that is the record that broke the rule.
      const later = cnameFirst > otherFirst ? cnameFirst : otherFirst;
      throw new ZoneParseError('ERR_ZONE_CNAME_AND_OTHER', `CNAME and other data at ${this.spellingName(this.ownerSpellStart.a[id]!).toString()} (RFC 1034 §3.6.2)`, this.position(later));
    }
  }

  /** One RRset from recs[from..to): smallest TTL (warning per differing record), RDATA sorted on canonical bytes, duplicates dropped. */
  private buildRRset(type: number, recs: Int32Array, from: number, to: number, warnings: ZoneWarning[], out: Bytes, rsType: IntList, rsTtl: IntList, rsSpellStart: IntList, rsRdata: IntList, rsRdataCount: IntList): void {
    const first = recs[from]!;
    let ttl = this.recTtl.a[first]! >>> 0;
    for (let i = from + 1; i < to; i++) {
      const r = recs[i]!;
      const t = this.recTtl.a[r]! >>> 0;
      if (t !== ttl) {
        warnings.push({
          code: 'WARN_TTL_MISMATCH',
          message: `TTL ${t} differs from ${ttl} in the ${this.spellingName(this.recSpell.a[first]!).toString()} RRset; using the smallest`,
          position: this.position(r),
        });
        if (t < ttl) ttl = t;
      }
    }
    rsType.push(type);
    rsTtl.push(ttl);
    rsSpellStart.push(this.recSpell.a[first]!);
    const recData = this.recData.a;
    if (to - from === 1) {
      rsRdata.push(recData[first]!);
      rsRdataCount.push(1);
      return;
    }
    if (to - from === 2) {
      // The commonest multi-record set: one comparison, the earlier record kept when both are the same.
      const second = recs[from + 1]!;
      const order = compareBytes(canonicalOf(type, this.rdataOf(first)), canonicalOf(type, this.rdataOf(second)));
      if (order === 0 || (order < 0 && this.follows(first, second))) {
        rsRdata.push(recData[first]!);
        rsRdataCount.push(order === 0 ? 1 : 2);
        return;
      }
      rsRdata.push(out.n);
      this.copyRdata(order < 0 ? first : second, out);
      this.copyRdata(order < 0 ? second : first, out);
      rsRdataCount.push(2);
      return;
    }
    if (this.inPlace(type, recs, from, to)) {
      rsRdata.push(recData[first]!);
      rsRdataCount.push(to - from);
      return;
    }
    rsRdata.push(out.n);
    const pairs: RdataPair[] = [];
    for (let i = from; i < to; i++) {
      const rdata = this.rdataOf(recs[i]!);
      pairs.push({ rdata, canonical: canonicalOf(type, rdata) });
    }
    // Stable: among equal canonical RDATA the first in the file is kept.
    pairs.sort(comparePairs);
    let kept = 0;
    let last: Uint8Array | null = null;
    for (const p of pairs) {
      if (last !== null && compareBytes(last, p.canonical) === 0) continue;
      last = p.canonical;
      out.reserve(p.rdata.length + 2);
      out.a[out.n] = p.rdata.length >>> 8;
      out.a[out.n + 1] = p.rdata.length;
      out.a.set(p.rdata, out.n + 2);
      out.n += p.rdata.length + 2;
      kept++;
    }
    rsRdataCount.push(kept);
  }
}

/** k[p] inside the key, 0 past its end (a shorter key sorts first). */
function byteAt(k: Uint8Array, p: number, end: number): number {
  return p < end ? k[p]! : 0;
}

/** Length of the sort key of the origin: the part every owner's key starts with. */
function originKeyLength(originCanon: Uint8Array): number {
  const b = new Bytes(originCanon.length * 2 + 2);
  writeSortKey(b, originCanon, 0, originCanon.length);
  return b.n;
}

function compareKeys(k: Uint8Array, keyStart: Int32Array, x: number, y: number): number {
  let a = keyStart[x]!;
  let b = keyStart[y]!;
  const ae = keyStart[x + 1]!;
  const be = keyStart[y + 1]!;
  while (a < ae && b < be) {
    const d = k[a]! - k[b]!;
    if (d !== 0) return d;
    a++;
    b++;
  }
  return (ae - a) - (be - b);
}

/**
 * The owners in canonical order from their sort keys. Every key starts with
 * the origin's (`skip` octets); the next octets, as many as fit beside the
 * owner index in 64 bits, go into one number for a native numeric sort, and
 * runs that share them are finished with a full comparison.
 */
function sortKeys(k: Uint8Array, keyStart: Int32Array, owners: number, skip: number): Int32Array {
  const order = new Int32Array(owners);
  let bits = 1;
  while (2 ** bits < owners) bits++;
  if (bits > 26) {
    for (let i = 0; i < owners; i++) order[i] = i;
    order.sort((x, y) => compareKeys(k, keyStart, x, y));
    return order;
  }
  const values = new BigUint64Array(owners);
  const words = new Uint32Array(values.buffer);
  const mask = 2 ** bits - 1;
  for (let i = 0; i < owners; i++) {
    const start = keyStart[i]! + skip;
    const end = keyStart[i + 1]!;
    words[i * 2 + 1] = ((byteAt(k, start, end) << 24) | (byteAt(k, start + 1, end) << 16) | (byteAt(k, start + 2, end) << 8) | byteAt(k, start + 3, end)) >>> 0;
    words[i * 2] = ((((byteAt(k, start + 4, end) << 24) | (byteAt(k, start + 5, end) << 16) | (byteAt(k, start + 6, end) << 8) | byteAt(k, start + 7, end)) & ~mask) | i) >>> 0;
  }
  values.sort();
  for (let i = 0; i < owners; i++) order[i] = words[i * 2]! & mask;
  // Runs with the same leading octets: order them by the whole key.
  let runStart = 0;
  for (let i = 1; i <= owners; i++) {
    const same = i < owners && words[i * 2 + 1] === words[(i - 1) * 2 + 1] && ((words[i * 2]! & ~mask) >>> 0) === ((words[(i - 1) * 2]! & ~mask) >>> 0);
    if (same) continue;
    if (i - runStart > 1) {
      const run = Array.from(order.subarray(runStart, i));
      run.sort((x, y) => compareKeys(k, keyStart, x, y));
      order.set(run, runStart);
    }
    runStart = i;
  }
  return order;
}

interface RdataPair {
  readonly rdata: Uint8Array;
  readonly canonical: Uint8Array;
}

function comparePairs(a: RdataPair, b: RdataPair): number {
  return compareBytes(a.canonical, b.canonical);
}

/** Sorts a[from..to) by (types[a[i]], a[i]); insertion sort, as an owner has few records. */
function sortByTypeThenIndex(a: Int32Array, from: number, to: number, types: Int32Array): void {
  if (to - from > 64) {
    const part = Array.from(a.subarray(from, to));
    part.sort((x, y) => types[x]! - types[y]! || x - y);
    a.set(part, from);
    return;
  }
  for (let i = from + 1; i < to; i++) {
    const v = a[i]!;
    const tv = types[v]!;
    let j = i - 1;
    while (j >= from && (types[a[j]!]! > tv || (types[a[j]!] === tv && a[j]! > v))) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}

/**
 * canonicalRdata, but for RRSIG without its scan of the whole RDATA:
 * only the Signer's Name can change, and the readers write it lowercased.
 */
function canonicalOf(type: number, rdata: Uint8Array): Uint8Array {
  if (type !== RRType.RRSIG) return canonicalRdata(type, rdata);
  for (let p = 18; p < rdata.length;) {
    const len = rdata[p]!;
    if (len === 0) return rdata;
    if (len > 63 || p + len >= rdata.length) break;
    for (let i = p + 1; i <= p + len; i++) if (rdata[i]! >= 0x41 && rdata[i]! <= 0x5a) return canonicalRdata(type, rdata);
    p += len + 1;
  }
  return canonicalRdata(type, rdata);
}

function equalWire(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
