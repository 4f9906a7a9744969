/**
 * The streaming gate's reader: the fast zone reader's records
 * (src/signer/parallel/fast-load.ts readFastRecords) gathered owner by
 * owner into OwnerSets and handed on as each owner ends, so that only one
 * owner's records are held at a time.
 *
 * It relies on the file being signet's output, owners in canonical order
 * (RFC 4034 §6.1), each owner's records together, and checks that as it
 * reads: an owner that does not sort after the one before (out of order,
 * or seen twice), data outside the zone or of another class, and whatever
 * the compact load would refuse (src/zone/load.ts's rules: the SOA, once,
 * at the apex, with NS beside it; CNAME alone, not at the apex; one CNAME,
 * one DNAME) throw GIVE_UP, for the caller to fall back to the compact
 * gate, which reads and judges any file.
 *
 * RRsets are built as loadZone builds them: RDATA in canonical order
 * without duplicates (buildRRset, only when a set is not so already), the
 * smallest TTL of their records.
 */
import { compareBytes } from '../core/bytes.ts';
import { compareWire, isSubdomainWire, labelStarts } from '../signer/parallel/compact-zone.ts';
import { ArenaSink, GIVE_UP } from '../signer/parallel/fast-common.ts';
import { buildRRset, canonicalRdata } from '../zone/canonical.ts';
import { Name } from '../zone/name.ts';
import { RRType } from '../zone/types.ts';
import { OwnerSets } from './gate-pass.ts';

/** The longest wire name (RFC 1035 §2.3.4). */
const MAX_WIRE = 255;

/**
 * RDATA in canonical form for ordering. The readers write an RRSIG's
 * Signer's Name in canonical form already, and canonicalRdata would scan
 * (and copy, for a capital in the signature) every one of them.
 */
function canonicalForOrder(type: number, rdata: Uint8Array): Uint8Array {
  return type === RRType.RRSIG ? rdata : canonicalRdata(type, rdata);
}

/** Records of one RRset in canonical order, duplicates dropped; as they are when they already are. */
function canonicalSet(owner: Name, type: number, cls: number, ttl: number, rdatas: Uint8Array[]): Uint8Array[] {
  if (rdatas.length < 2) return rdatas;
  let previous = canonicalForOrder(type, rdatas[0]!);
  for (let i = 1; i < rdatas.length; i++) {
    const next = canonicalForOrder(type, rdatas[i]!);
    if (compareBytes(previous, next) >= 0) return buildRRset(rdatas.map((rdata) => ({ owner, type, class: cls, ttl, rdata }))).rdatas as Uint8Array[];
    previous = next;
  }
  return rdatas;
}

/** A RecordSink that hands each owner on, complete, as the next begins (see the module header). */
export class OwnerReader extends ArenaSink {
  private readonly origin: Name;
  private readonly originCanon: Uint8Array;
  private readonly zoneClass: number;
  private readonly onOwner: (o: OwnerSets) => void;
  // The current owner's records: type, TTL, RDATA at data[start .. start+length) (ArenaSink's arena).
  private order = new Int32Array(64);
  /** The owner as the fast reader last gave it (the same array while the owner does not change). */
  private ownerRef: Uint8Array | null = null;
  private canon = new Uint8Array(MAX_WIRE);
  private canonLength = 0;
  /** The owner before, for the order: its canonical wire. */
  private previous = new Uint8Array(MAX_WIRE);
  // Label starts of the two, for compareWire (a name has at most 127 labels).
  private readonly starts = new Int32Array(128);
  private readonly previousStarts = new Int32Array(128);
  private name: Name | null = null;
  private ordinal = 0;
  private readonly sets = new OwnerSets();
  /** RRsets handed on (RRSIGs not counted). */
  rrsets = 0;

  constructor(origin: Name, zoneClass: number, onOwner: (o: OwnerSets) => void) {
    super();
    this.origin = origin;
    this.originCanon = origin.canonical;
    this.zoneClass = zoneClass;
    this.onOwner = onOwner;
  }

  addWritten(owner: Uint8Array, cls: number, type: number, ttl: number, length: number): void {
    if (cls !== this.zoneClass) throw GIVE_UP;
    if (owner !== this.ownerRef) {
      if (!this.isCurrent(owner)) {
        // The record's RDATA is already at the end of the arena: the owner before is done, then it moves to the front.
        const at = this.data.n;
        this.flush();
        this.data.a.copyWithin(0, at, at + length);
        this.begin(owner);
      }
      this.ownerRef = owner;
    }
    this.keep(type, ttl, length);
  }

  /** Hands on the last owner; GIVE_UP when there was none (no SOA). */
  end(): void {
    if (this.name === null) throw GIVE_UP;
    this.flush();
  }

  /** Whether `owner` (wire as written) is the current owner, letters compared without case. */
  private isCurrent(owner: Uint8Array): boolean {
    if (owner.length !== this.canonLength || this.name === null) return false;
    for (let i = 0; i < owner.length; i++) {
      let c = owner[i]!;
      if (c >= 0x41 && c <= 0x5a) c += 32;
      if (c !== this.canon[i]) return false;
    }
    return true;
  }

  private begin(owner: Uint8Array): void {
    // The current canonical name becomes the previous one.
    const swap = this.previous;
    this.previous = this.canon;
    this.canon = swap;
    const first = this.name === null;
    const len = owner.length;
    for (let i = 0; i < len; i++) {
      const c = owner[i]!;
      this.canon[i] = c >= 0x41 && c <= 0x5a ? c + 32 : c;
    }
    this.canonLength = len;
    if (!isSubdomainWire(this.canon, 0, len, this.originCanon, 0, this.originCanon.length)) throw GIVE_UP;
    // The apex first, then each owner after the one before (RFC 4034 §6.1).
    if (first ? len !== this.originCanon.length : compareWire(this.canon, this.starts, labelStarts(this.canon, this.starts), this.previous, this.previousStarts, labelStarts(this.previous, this.previousStarts)) <= 0) throw GIVE_UP;
    this.name = first ? this.origin : Name.fromWire(this.canon, 0).name;
  }

  /** The current owner's records as OwnerSets, checked by loadZone's rules, to onOwner. */
  private flush(): void {
    const n = this.recType.n;
    if (n === 0) return;
    const types = this.recType.a;
    if (this.order.length < n) this.order = new Int32Array(n * 2);
    const order = this.order;
    // By type, each type's records in file order (insertion sort: an owner has few records).
    for (let i = 0; i < n; i++) {
      let j = i - 1;
      while (j >= 0 && types[order[j]!]! > types[i]!) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = i;
    }
    const apex = this.ordinal === 0;
    const name = this.name!;
    const sets = this.sets;
    sets.clear();
    sets.ordinal = this.ordinal++;
    sets.name = name;
    sets.wire = this.canon.subarray(0, this.canonLength);
    let soa = 0;
    let cname = 0;
    let other = false;
    for (let g = 0; g < n;) {
      const type = types[order[g]!]!;
      let e = g + 1;
      while (e < n && types[order[e]!] === type) e++;
      let ttl = this.recTtl.a[order[g]!]! >>> 0;
      const rdatas: Uint8Array[] = [];
      for (let k = g; k < e; k++) {
        const r = order[k]!;
        const t = this.recTtl.a[r]! >>> 0;
        if (t < ttl) ttl = t;
        const start = this.recStart.a[r]!;
        // The apex's RDATA are copied: the gate keeps some of them (CDS, CDNSKEY, keys) to the end.
        const rdata = this.data.a.subarray(start, start + this.recLength.a[r]!);
        rdatas.push(apex ? rdata.slice() : rdata);
      }
      const set = canonicalSet(name, type, this.zoneClass, ttl, rdatas);
      if (type === RRType.RRSIG) {
        sets.sigs = set;
      } else {
        sets.push(type, ttl, set);
        this.rrsets++;
      }
      if (type === RRType.SOA) soa = e - g;
      else if (type === RRType.CNAME || type === RRType.DNAME) {
        // RFC 2181 §10.1, RFC 6672 §2.4: one of each per name.
        if (set.length > 1) throw GIVE_UP;
        if (type === RRType.CNAME) cname = 1;
        else other = true;
      } else if (type !== RRType.RRSIG && type !== RRType.NSEC) {
        other = true;
      }
      g = e;
    }
    // RFC 1035 §5.2, RFC 1034 §3.6.2: one SOA, at the apex, with NS; a CNAME has no company, and is not at the apex.
    if (apex ? soa !== 1 || sets.indexOf(RRType.NS) < 0 || cname > 0 : soa > 0) throw GIVE_UP;
    if (cname > 0 && other) throw GIVE_UP;
    this.onOwner(sets);
    this.forgetRecords();
    this.data.n = 0;
  }
}
