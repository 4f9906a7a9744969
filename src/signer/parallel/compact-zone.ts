/**
 * A zone held in a few large byte arrays instead of one object per record,
 * RRset and name: the streaming signer's input (built by
 * compact-builder.ts from what fast-load.ts reads). Memory grows with the
 * number of RRsets (about 20 octets each plus the RDATA and owner bytes),
 * not with the zone text and not with V8 object overheads.
 */
import { createHash } from 'node:crypto';
import { SignetError } from '../../core/errors.ts';
import { canonicalRdata } from '../../zone/canonical.ts';
import { Name } from '../../zone/name.ts';
import type { RRset } from '../../zone/record.ts';
import { RRType } from '../../zone/types.ts';
import type { Zone, ZoneWarning } from '../../zone/zone.ts';

/** Whether wire name `a` (canonical) is `b` (canonical) or below it; both whole names ending in the root. */
export function isSubdomainWire(a: Uint8Array, aStart: number, aEnd: number, b: Uint8Array, bStart: number, bEnd: number): boolean {
  const bl = bEnd - bStart;
  const al = aEnd - aStart;
  if (al < bl) return false;
  // The suffix must start at a label boundary of `a`.
  let p = aStart;
  while (aEnd - p > bl) p += a[p]! + 1;
  if (aEnd - p !== bl) return false;
  for (let i = 0; i < bl; i++) if (a[p + i] !== b[bStart + i]) return false;
  return true;
}

/**
 * The finished zone. Owners (`owner*`) in canonical order; RRsets (`rs*`) in
 * canonical order (owner, then type), owner `k` holding RRsets
 * ownerRRsets[k] .. ownerRRsets[k+1]−1.
 */
export interface CompactZone {
  readonly origin: Name;
  readonly zoneClass: number;
  readonly ownerCount: number;
  /** Canonical (lowercase) wire owner names: owner k is canon[ownerStart[k] .. ownerStart[k+1]). */
  readonly canon: Uint8Array;
  readonly ownerStart: Int32Array;
  readonly ownerRRsets: Int32Array;
  readonly rrsetCount: number;
  readonly rsType: Uint16Array;
  readonly rsTtl: Uint32Array;
  /** Owner as written for this RRset (the spelling of its first record): spell[rsSpell[i] .. + spell[rsSpell[i]] ...] see spelling(). */
  readonly rsSpellStart: Int32Array;
  readonly rsSpellEnd: Int32Array;
  readonly spell: Uint8Array;
  /**
   * RDATA as written: RRset i's at rsRdata[i], rsRdataCount[i] times (u16
   * length, octets), in canonical order. RRsets need not follow one another
   * here, and some bytes may belong to no RRset (records moved or dropped).
   */
  readonly rsRdata: Int32Array;
  readonly rsRdataCount: Int32Array;
  readonly rdata: Uint8Array;
  /** Number of records read (before duplicates were dropped). */
  readonly records: number;
  readonly warnings: readonly ZoneWarning[];
  /** Which reader produced it (fast-load.ts), for tests and reports. */
  readonly reader?: 'fast' | 'general';
  /**
   * NSEC3 hashes of the owners (OWNER_HASH_LENGTH octets each, owner k at
   * k × OWNER_HASH_LENGTH) when the loader was asked to make them (with
   * the parameters of `ownerHashParams`).
   */
  readonly ownerHashes?: Uint8Array;
  /** For owner k (canonical order), the id the builder gave it (order of first appearance in the file). */
  readonly ownerIds?: Int32Array;
  readonly ownerHashParams?: { readonly iterations: number; readonly salt: Uint8Array };
}

/** SHA-1 (RFC 5155 §5): the only NSEC3 hash, 20 octets. */
export const OWNER_HASH_LENGTH = 20;

/** The RDATAs of RRset `i` as views into the zone's arena (as written, canonical order). */
export function rrsetRdatas(z: CompactZone, i: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let p = z.rsRdata[i]!;
  for (let k = 0; k < z.rsRdataCount[i]!; k++) {
    const len = (z.rdata[p]! << 8) | z.rdata[p + 1]!;
    out.push(z.rdata.subarray(p + 2, p + 2 + len));
    p += 2 + len;
  }
  return out;
}

/**
 * The same zone as a Zone of RRset objects (what loadZone returns), for
 * signZone and for tests. Costs the objects the compact form avoids.
 */
export function compactToZone(z: CompactZone): Zone {
  const rrsets: RRset[] = [];
  const names = new Map<number, Name>();
  for (let k = 0; k < z.ownerCount; k++) {
    for (let i = z.ownerRRsets[k]!; i < z.ownerRRsets[k + 1]!; i++) {
      const at = z.rsSpellStart[i]!;
      let owner = names.get(at);
      if (owner === undefined) {
        owner = Name.fromWire(z.spell, at).name;
        names.set(at, owner);
      }
      const type = z.rsType[i]!;
      const rdatas = rrsetRdatas(z, i).map((r) => r.slice());
      rrsets.push({ owner, type, class: z.zoneClass, ttl: z.rsTtl[i]!, rdatas, canonicalRdatas: rdatas.map((r) => canonicalRdata(type, r)) });
    }
  }
  return { origin: z.origin, rrsets, warnings: z.warnings };
}

/**
 * The input digest and largest TTL exactly as src/manager/rollover-input.ts
 * digestZone computes them from a Zone (SHA-256 over every RRset: canonical
 * owner, type, class, TTL, RDATA count, then each canonical RDATA with its
 * length), so the manager can tell whether a zone changed without the
 * object model.
 */
export function digestCompactZone(z: CompactZone): { digest: string; maxTtl: number } {
  const hash = createHash('sha256');
  const header = Buffer.alloc(10);
  let maxTtl = 0;
  for (let k = 0; k < z.ownerCount; k++) {
    const owner = z.canon.subarray(z.ownerStart[k]!, z.ownerStart[k + 1]!);
    for (let i = z.ownerRRsets[k]!; i < z.ownerRRsets[k + 1]!; i++) {
      const ttl = z.rsTtl[i]!;
      if (ttl > maxTtl) maxTtl = ttl;
      const type = z.rsType[i]!;
      hash.update(owner);
      header.writeUInt16BE(type, 0);
      header.writeUInt16BE(z.zoneClass, 2);
      header.writeUInt32BE(ttl, 4);
      header.writeUInt16BE(z.rsRdataCount[i]!, 8);
      hash.update(header);
      for (const rdata of rrsetRdatas(z, i)) {
        header.writeUInt16BE(rdata.length, 0);
        hash.update(header.subarray(0, 2));
        hash.update(canonicalRdata(type, rdata));
      }
    }
  }
  return { digest: hash.digest('hex'), maxTtl };
}

/** The SOA serial of the input (RFC 1035 §3.3.13: the first of the five 32-bit fields that end the SOA RDATA). */
export function compactSoaSerial(z: CompactZone): number {
  const k = 0;
  for (let i = z.ownerRRsets[k]!; i < z.ownerRRsets[k + 1]!; i++) {
    if (z.rsType[i] !== RRType.SOA) continue;
    const rdata = rrsetRdatas(z, i)[0]!;
    return new DataView(rdata.buffer, rdata.byteOffset, rdata.byteLength).getUint32(rdata.length - 20);
  }
  throw new SignetError('ERR_ZONE_NO_SOA', 'the zone has no SOA record');
}

/** Starts of the labels of the wire name w[0..) into `starts`; returns how many (the root not counted). */
export function labelStarts(w: Uint8Array, starts: Int32Array): number {
  let n = 0;
  for (let p = 0; w[p] !== 0; p += w[p]! + 1) starts[n++] = p;
  return n;
}

/**
 * Canonical order (RFC 4034 §6.1) of two canonical wire names given with
 * their label starts: labels compared from the rightmost, as octet strings.
 */
export function compareWire(a: Uint8Array, aStarts: Int32Array, aLabels: number, b: Uint8Array, bStarts: Int32Array, bLabels: number): number {
  for (let i = aLabels - 1, j = bLabels - 1; i >= 0 && j >= 0; i--, j--) {
    const p = aStarts[i]!;
    const q = bStarts[j]!;
    const la = a[p]!;
    const lb = b[q]!;
    for (let k = 1; k <= la && k <= lb; k++) {
      const d = a[p + k]! - b[q + k]!;
      if (d !== 0) return d;
    }
    if (la !== lb) return la - lb;
  }
  return aLabels - bLabels;
}
