/**
 * The previous signed zone as PreviousSignatures (reuse.ts), read from the
 * signed file with the compact loader: for each owner and type, the RRset as
 * it was and the RRSIGs whose Type Covered is that type. Owners are found
 * through a hash table on their canonical names, so a lookup costs the same
 * in any order.
 *
 * It holds the whole file (about 1.1 GB for a 660 MB signed zone), so
 * signZoneFile reads the previous output with previous-stream.ts instead,
 * and comes here only for a file that is not in canonical order.
 */
import { canonicalRdata } from '../../zone/canonical.ts';
import type { Name } from '../../zone/name.ts';
import { RRType } from '../../zone/types.ts';
import type { PreviousRRset, PreviousSignatures } from '../reuse.ts';
import type { CompactZone } from './compact-zone.ts';
import { rrsetRdatas } from './compact-zone.ts';
import { loadCompactZone } from './fast-load.ts';

function hash(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return (h ^ (h >>> 15)) >>> 0;
}

/** PreviousSignatures over a loaded signed zone. */
export function previousFromCompact(z: CompactZone): PreviousSignatures {
  const canon = z.canon;
  const starts = z.ownerStart;
  let size = 1;
  while (size < z.ownerCount * 2) size *= 2;
  const table = new Int32Array(size).fill(-1);
  const mask = size - 1;
  let signedRRsets = 0;
  for (let k = 0; k < z.ownerCount; k++) {
    let slot = hash(canon, starts[k]!, starts[k + 1]!) & mask;
    while (table[slot]! >= 0) slot = (slot + 1) & mask;
    table[slot] = k;
    for (let i = z.ownerRRsets[k]!; i < z.ownerRRsets[k + 1]!; i++) if (z.rsType[i] === RRType.RRSIG) signedRRsets += z.rsRdataCount[i]!;
  }
  const ownerOf = (owner: Uint8Array): number => {
    for (let slot = hash(owner, 0, owner.length) & mask; ; slot = (slot + 1) & mask) {
      const k = table[slot]!;
      if (k < 0) return -1;
      const s = starts[k]!;
      const e = starts[k + 1]!;
      if (e - s !== owner.length) continue;
      let same = true;
      for (let i = 0; same && i < owner.length; i++) if (canon[s + i] !== owner[i]) same = false;
      if (same) return k;
    }
  };
  return {
    size: signedRRsets,
    find(ownerCanonical: Uint8Array, type: number): PreviousRRset | null {
      const k = ownerOf(ownerCanonical);
      if (k < 0) return null;
      let data = -1;
      let sigs = -1;
      for (let i = z.ownerRRsets[k]!; i < z.ownerRRsets[k + 1]!; i++) {
        const t = z.rsType[i]!;
        if (t === type) data = i;
        else if (t === RRType.RRSIG) sigs = i;
      }
      if (data < 0 || sigs < 0) return null;
      const rrsigs = rrsetRdatas(z, sigs).filter((s) => s.length >= 2 && ((s[0]! << 8) | s[1]!) === type);
      if (rrsigs.length === 0) return null;
      return { ttl: z.rsTtl[data]!, canonicalRdatas: rrsetRdatas(z, data).map((r) => canonicalRdata(type, r)), rrsigs };
    },
  };
}

/**
 * Reads the previous signed file at `path` for reuse. Null when there is no
 * such file or it does not load as a zone: then everything is signed anew,
 * which is always safe.
 */
export async function loadPreviousSignatures(path: string, origin: Name): Promise<PreviousSignatures | null> {
  try {
    return previousFromCompact(await loadCompactZone(path, origin));
  } catch {
    return null;
  }
}
