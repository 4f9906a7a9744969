/**
 * Signing while the zone is still being read. Until the whole file is read
 * nothing is certain (a name may come back later in the file, or turn out to
 * be below a zone cut), but most zone files list each name's records
 * together, and most names hold plain authoritative data. So each time the
 * reader moves past a name, that name's RRsets go to the workers at once, as
 * signZone would sign them if the name is authoritative data; the main
 * thread goes on reading meanwhile, and the cores that would wait for the
 * file sign.
 *
 * A speculative signature is used only when it covers exactly what the
 * final signing would cover:
 * - the name's records came in one run (a name seen in two places of the
 *   file is signed again at the end);
 * - the RRset is signed by the ZSK role at all (glue, occluded data and
 *   delegation NS are not: those signatures are dropped);
 * - the same RRset bytes, TTL, expiration (hashedJitter depends on owner and
 *   type only) and inception — built here exactly as the final signing
 *   builds them.
 * Nothing at the apex is speculated (its SOA serial, DNSKEY and the
 * denial chain come later), nor NS, nor the input's own DNSSEC records.
 *
 * Measured on two cores it gains nothing: the workers then take CPU from
 * the reader, which is the critical path, and the extra bookkeeping costs
 * about what the idle core would have given (see the issue 5 report). So
 * signZoneFile uses it only when asked (`speculate: true`); it is meant for
 * machines with cores to spare while one reads.
 */
import { compareBytes } from '../../core/bytes.ts';
import { canonicalRdata } from '../../zone/canonical.ts';
import { RRType } from '../../zone/types.ts';
import { signatureExpiration } from '../validity.ts';
import type { ValidityOptions } from '../validity.ts';
import { IntList } from './arena.ts';
import { BATCH_BYTES, BatchWriter, UNIT_SIGN } from './batch.ts';
import type { CompactZoneBuilder } from './compact-builder.ts';
import type { SigningPool } from './pool.ts';

/** Owner states: never seen, speculated in its one run, or not usable (seen twice, or skipped). */
const UNSEEN = 0;
const ONCE = 1;
const NO = 2;

export interface SpeculationOptions {
  readonly pool: SigningPool;
  readonly now: number;
  readonly validity: ValidityOptions;
  /** hashedJitterWire(seed) (validity.ts), the draw the final signing makes. */
  readonly jitter: (wire: Uint8Array, type: number, start?: number, end?: number) => number;
  readonly zoneClass: number;
}

/** Types never signed speculatively: NS (a delegation's is not signed) and the signer's own. */
function skipType(type: number): boolean {
  return type === RRType.NS || type === RRType.RRSIG || type === RRType.NSEC || type === RRType.NSEC3 || type === RRType.NSEC3PARAM;
}

interface RdataPair {
  readonly canonical: Uint8Array;
  readonly rec: number;
}

function byCanonical(a: RdataPair, b: RdataPair): number {
  return compareBytes(a.canonical, b.canonical) || a.rec - b.rec;
}

export class Speculator {
  private readonly o: SpeculationOptions;
  private readonly maxInFlight: number;
  private state = new Uint8Array(1 << 16);
  private writer = new BatchWriter();
  private batchEntries: number[] = [];
  private inFlight = 0;
  private generation = 0;
  private readonly pending: Array<Promise<void>> = [];
  // Entries: owner id, type, result buffer and offset, next entry of the same owner.
  private readonly head = new IntList(1 << 16);
  private readonly entType = new IntList(1 << 16);
  private readonly entNext = new IntList(1 << 16);
  private readonly entBuffer = new IntList(1 << 16);
  private readonly entOffset = new IntList(1 << 16);
  private readonly buffers: Uint8Array[] = [];
  /** Signatures made ahead (for reports). */
  made = 0;

  constructor(options: SpeculationOptions) {
    this.o = options;
    this.maxInFlight = options.pool.size * 2;
  }

  private stateOf(id: number): number {
    return id < this.state.length ? this.state[id]! : UNSEEN;
  }

  private setState(id: number, v: number): void {
    if (id >= this.state.length) {
      let n = this.state.length * 2;
      while (n <= id) n *= 2;
      const next = new Uint8Array(n);
      next.set(this.state);
      this.state = next;
    }
    this.state[id] = v;
    while (this.head.n <= id) this.head.push(-1);
  }

  /** The reader moved past owner `id`, whose records are builder records from..to−1. */
  run(b: CompactZoneBuilder, id: number, from: number, to: number): void {
    if (this.stateOf(id) !== UNSEEN) {
      // Seen before: its records are split over the file; sign it at the end.
      this.setState(id, NO);
      return;
    }
    if (b.isApex(id) || this.inFlight >= this.maxInFlight) {
      this.setState(id, NO);
      return;
    }
    this.setState(id, ONCE);
    const owner = b.ownerCanonical(id);
    for (let i = from; i < to; i++) {
      const type = b.recordType(i);
      if (skipType(type)) continue;
      let seenBefore = false;
      for (let j = from; j < i && !seenBefore; j++) if (b.recordType(j) === type) seenBefore = true;
      if (seenBefore) continue;
      this.unit(b, owner, id, type, i, to);
    }
    if (this.writer.bytes >= BATCH_BYTES) this.send();
  }

  /** One RRset (its first record is `first`; the others of its type follow up to `to`), as buildRRset makes it. */
  private unit(b: CompactZoneBuilder, owner: Uint8Array, id: number, type: number, first: number, to: number): void {
    let ttl = b.recordTtl(first);
    let count = 1;
    for (let j = first + 1; j < to; j++) {
      if (b.recordType(j) !== type) continue;
      count++;
      const t = b.recordTtl(j);
      if (t < ttl) ttl = t;
    }
    const expiration = signatureExpiration(this.o.now, this.o.validity, this.o.jitter(owner, type));
    // rdata mode: the owner and the RDATA in canonical form (RFC 4034 §6.2).
    this.writer.begin(UNIT_SIGN, owner, type, this.o.zoneClass, ttl, expiration);
    if (count === 1) {
      this.writer.rdata(canonicalRdata(type, b.recordRdata(first)));
    } else {
      // RFC 4034 §6.3: canonical order, duplicates once (the first in the file stays).
      const pairs: RdataPair[] = [];
      for (let j = first; j < to; j++) if (b.recordType(j) === type) pairs.push({ canonical: canonicalRdata(type, b.recordRdata(j)), rec: j });
      pairs.sort(byCanonical);
      let last: Uint8Array | null = null;
      for (const p of pairs) {
        if (last !== null && compareBytes(last, p.canonical) === 0) continue;
        last = p.canonical;
        this.writer.rdata(p.canonical);
      }
    }
    const entry = this.entType.n;
    this.entType.push(type);
    this.entNext.push(this.head.a[id]!);
    this.entBuffer.push(-1);
    this.entOffset.push(-1);
    this.head.a[id] = entry;
    this.batchEntries.push(entry);
  }

  /** Sends the units written so far to a worker. */
  private send(): void {
    if (this.writer.units === 0) return;
    const entries = this.batchEntries;
    this.batchEntries = [];
    const generation = this.generation;
    this.inFlight++;
    const done = this.o.pool.run(this.writer.finish(), 'rdata').then(({ output, counts }) => {
      this.inFlight--;
      if (generation !== this.generation) return;
      const index = this.buffers.length;
      this.buffers.push(output);
      this.made += counts.created;
      // Per unit: count, then (u16 length, RRSIG RDATA) each.
      let p = 0;
      for (const entry of entries) {
        this.entBuffer.a[entry] = index;
        this.entOffset.a[entry] = p;
        const n = output[p++]!;
        for (let k = 0; k < n; k++) p += 2 + ((output[p]! << 8) | output[p + 1]!);
      }
    }, () => {
      // A failed speculation only means these RRsets are signed at the end.
      this.inFlight--;
    });
    this.pending.push(done);
  }

  /** The reader gave up and starts over with other owner ids: forget everything. */
  reset(): void {
    this.generation++;
    this.state = new Uint8Array(1 << 16);
    this.writer = new BatchWriter();
    this.batchEntries = [];
    this.head.n = 0;
    this.entType.n = 0;
    this.entNext.n = 0;
    this.entBuffer.n = 0;
    this.entOffset.n = 0;
    this.buffers.length = 0;
    this.made = 0;
  }

  /** Sends what is left and waits for every answer. */
  async settle(): Promise<void> {
    this.send();
    await Promise.all(this.pending);
    this.pending.length = 0;
  }

  /**
   * The RRSIG RDATAs made ahead for the RRset of `type` at owner `id`, or
   * null when there are none usable. Valid after settle().
   */
  lookup(id: number, type: number): Uint8Array[] | null {
    if (this.stateOf(id) !== ONCE || id >= this.head.n) return null;
    for (let e = this.head.a[id]!; e >= 0; e = this.entNext.a[e]!) {
      if (this.entType.a[e] !== type) continue;
      const index = this.entBuffer.a[e]!;
      if (index < 0) return null;
      const output = this.buffers[index]!;
      let p = this.entOffset.a[e]!;
      const n = output[p++]!;
      const sigs: Uint8Array[] = new Array(n);
      for (let k = 0; k < n; k++) {
        const len = (output[p]! << 8) | output[p + 1]!;
        sigs[k] = output.subarray(p + 2, p + 2 + len);
        p += 2 + len;
      }
      return sigs;
    }
    return null;
  }
}
