/**
 * The signer's decisions over a CompactZone, made exactly as authority.ts,
 * nsec.ts and nsec3.ts make them over RRset objects (a differential test
 * compares whole signed zones): the input's own DNSSEC data dropped, each
 * owner classified (apex, authoritative, delegation, glue, occluded), and
 * the NSEC chain or the NSEC3 chain with its empty non-terminals.
 *
 * RFC references are at the functions this mirrors; in short: RFC 4035
 * §2.2 (what is signed), §2.3 (NSEC), RFC 4034 §4 and §6.1, RFC 5155 §7.1
 * (NSEC3, Opt-Out, empty non-terminals), RFC 6672 §2.3 (DNAME occlusion).
 */
import { compareBytes } from '../../core/bytes.ts';
import { SignetError } from '../../core/errors.ts';
import { encodeTypeBitmap } from '../../zone/dnssec-rdata.ts';
import { Name } from '../../zone/name.ts';
import { RRType, typeToString } from '../../zone/types.ts';
import type { SignWarning } from '../authority.ts';
import { createNsec3Hasher } from '../nsec3-hash.ts';
import type { Nsec3Hasher } from '../nsec3-hash.ts';
import type { Nsec3Parameters } from '../nsec3.ts';
import { isSubdomainWire, OWNER_HASH_LENGTH } from './compact-zone.ts';
import type { CompactZone } from './compact-zone.ts';

export const KIND_GONE = 0;
export const KIND_APEX = 1;
export const KIND_AUTH = 2;
export const KIND_DELEGATION = 3;
export const KIND_GLUE = 4;
export const KIND_OCCLUDED = 5;

/** Types the signer makes itself; input copies are dropped anywhere. */
function signerMade(type: number): boolean {
  return type === RRType.RRSIG || type === RRType.NSEC || type === RRType.NSEC3 || type === RRType.NSEC3PARAM;
}

/** Types published at the apex from the keys; input copies are dropped there. */
function signerMadeAtApex(type: number): boolean {
  return type === RRType.DNSKEY || type === RRType.CDS || type === RRType.CDNSKEY;
}

export interface Classified {
  readonly zone: CompactZone;
  /** Per RRset: 1 when it stays (not the input's own DNSSEC data). */
  readonly kept: Uint8Array;
  /** Per owner: KIND_*; KIND_GONE when none of its RRsets stays. */
  readonly kind: Uint8Array;
  readonly hasDs: Uint8Array;
  /** Per owner: its first RRset that stays (its spelling names the owner), or −1. */
  readonly first: Int32Array;
  /** RRset index of the apex SOA. */
  readonly soa: number;
  readonly warnings: SignWarning[];
}

/** The owner name of RRset `i` as written, as a Name (for messages). */
export function spelledName(z: CompactZone, i: number): Name {
  return Name.fromWire(z.spell, z.rsSpellStart[i]!).name;
}

/** stripSignerData and classifyZone over a CompactZone. */
export function classifyCompact(z: CompactZone): Classified {
  const warnings: SignWarning[] = [];
  const kept = new Uint8Array(z.rrsetCount);
  const originText = z.origin.toString();
  // Owner 0 is the apex when the apex has data: every owner is the origin or below it.
  const originCanon = z.origin.canonical;
  const isApex = (k: number) => z.ownerStart[k + 1]! - z.ownerStart[k]! === originCanon.length
    && compareBytes(z.canon.subarray(z.ownerStart[k]!, z.ownerStart[k + 1]!), originCanon) === 0;
  for (let k = 0; k < z.ownerCount; k++) {
    const apex = isApex(k);
    for (let i = z.ownerRRsets[k]!; i < z.ownerRRsets[k + 1]!; i++) {
      const type = z.rsType[i]!;
      let reason: string | null = null;
      if (signerMade(type)) reason = 'the signer makes its own';
      else if (apex && signerMadeAtApex(type)) reason = 'the signer publishes the apex key sets from its keys';
      else if (apex && type === RRType.DS) reason = 'a DS at the apex belongs in the parent zone';
      if (reason === null) {
        kept[i] = 1;
        continue;
      }
      warnings.push({ code: 'WARN_SIGN_DROPPED_INPUT', message: `dropped the input ${spelledName(z, i).toString()} ${typeToString(type)} RRset: ${reason}` });
    }
  }

  const kind = new Uint8Array(z.ownerCount);
  const hasDs = new Uint8Array(z.ownerCount);
  const first = new Int32Array(z.ownerCount).fill(-1);
  let soa = -1;
  let seenApex = false;
  let seenAny = false;
  // The closest zone cut or DNAME above the current name: owner index and the kind below it.
  let cut = -1;
  let cutKind = KIND_GLUE;
  const canon = z.canon;
  for (let k = 0; k < z.ownerCount; k++) {
    let f = -1;
    let ns = false;
    let dname = false;
    let ds = false;
    for (let i = z.ownerRRsets[k]!; i < z.ownerRRsets[k + 1]!; i++) {
      if (kept[i] === 0) continue;
      if (f < 0) f = i;
      const type = z.rsType[i]!;
      if (type === RRType.NS) ns = true;
      else if (type === RRType.DNAME) dname = true;
      else if (type === RRType.DS) ds = true;
    }
    if (f < 0) continue;
    first[k] = f;
    hasDs[k] = ds ? 1 : 0;
    if (!seenAny) {
      seenAny = true;
      if (!isApex(k)) throw new SignetError('ERR_SIGN_NO_SOA', `the zone ${originText} has no data at its apex`);
      seenApex = true;
      for (let i = z.ownerRRsets[k]!; i < z.ownerRRsets[k + 1]!; i++) if (kept[i] === 1 && z.rsType[i] === RRType.SOA) soa = i;
      if (soa < 0) throw new SignetError('ERR_SIGN_NO_SOA', `the zone ${originText} has no SOA record`);
      // RFC 1035 §5.2: exactly one SOA, at the top of the zone.
      if (z.rsRdataCount[soa] !== 1) throw new SignetError('ERR_SIGN_MULTIPLE_SOA', `the zone ${originText} has ${z.rsRdataCount[soa]} SOA records`);
    }
    const start = z.ownerStart[k]!;
    const end = z.ownerStart[k + 1]!;
    if (cut >= 0 && isSubdomainWire(canon, start, end, canon, z.ownerStart[cut]!, z.ownerStart[cut + 1]!)) {
      kind[k] = cutKind;
      if (cutKind === KIND_OCCLUDED) {
        // RFC 6672 §2.3: "Resource records MUST NOT exist at any subdomain of the owner of a DNAME RR."
        warnings.push({
          code: 'WARN_SIGN_OCCLUDED',
          message: `${spelledName(z, f).toString()} is below the DNAME at ${spelledName(z, first[cut]!).toString()}: its data is occluded, not served, not signed (RFC 6672 §2.3)`,
        });
      }
      continue;
    }
    cut = -1;
    if (isApex(k)) {
      kind[k] = KIND_APEX;
      // RFC 6672 §2.3: a DNAME at the apex occludes every name below it.
      if (dname) {
        cut = k;
        cutKind = KIND_OCCLUDED;
      }
    } else if (ns) {
      // RFC 4035 §2.2: an NS RRset at a non-apex name marks a zone cut.
      kind[k] = KIND_DELEGATION;
      cut = k;
      cutKind = KIND_GLUE;
    } else {
      kind[k] = KIND_AUTH;
      if (dname) {
        cut = k;
        cutKind = KIND_OCCLUDED;
      }
      if (ds) {
        // RFC 4034 §5: the DS RRset is found at a delegation point only.
        throw new SignetError('ERR_SIGN_DS_NOT_AT_DELEGATION', `${spelledName(z, f).toString()} has a DS record but no NS records: DS belongs at a delegation point`);
      }
    }
  }
  if (!seenApex) throw new SignetError('ERR_SIGN_NO_SOA', `the zone ${originText} has no data at its apex`);
  return { zone: z, kept, kind, hasDs, first, soa, warnings };
}

/** Whether a denial chain covers the owner (glue and occluded names are not in it). */
export function inDenialChain(kind: number): boolean {
  return kind === KIND_APEX || kind === KIND_AUTH || kind === KIND_DELEGATION;
}

/** authoritativeTypes (authority.ts): the types a bitmap lists before the signer's own. */
export function authoritativeTypesOf(c: Classified, k: number, out: number[]): void {
  const kind = c.kind[k]!;
  if (kind === KIND_GLUE || kind === KIND_OCCLUDED || kind === KIND_GONE) return;
  const z = c.zone;
  for (let i = z.ownerRRsets[k]!; i < z.ownerRRsets[k + 1]!; i++) {
    if (c.kept[i] === 0) continue;
    const type = z.rsType[i]!;
    // RFC 4035 §2.3: at a delegation only NS and DS.
    if (kind !== KIND_DELEGATION || type === RRType.NS || type === RRType.DS) out.push(type);
  }
}

/** isSignedType (authority.ts) for an owner kind. */
export function isSignedKind(kind: number, type: number): boolean {
  if (type === RRType.RRSIG) return false;
  if (kind === KIND_APEX || kind === KIND_AUTH) return true;
  if (kind === KIND_DELEGATION) return type === RRType.DS;
  return false;
}

/** Type bitmaps memoized by type list, as nsec.ts's createBitmapCache. */
export class BitmapCache {
  private readonly map = new Map<string, Uint8Array>();
  get(types: readonly number[]): Uint8Array {
    let key = '';
    for (const t of types) key += String.fromCharCode(t);
    let b = this.map.get(key);
    if (b === undefined) {
      b = encodeTypeBitmap(types);
      this.map.set(key, b);
    }
    return b;
  }
}

function ascending(a: number, b: number): number {
  return a - b;
}

/** Per owner in the NSEC chain (RFC 4034 §4, RFC 4035 §2.3): its bitmap; null for owners outside the chain. */
export function nsecBitmaps(c: Classified, apexExtraTypes: readonly number[]): Array<Uint8Array | null> {
  const cache = new BitmapCache();
  const out: Array<Uint8Array | null> = new Array(c.zone.ownerCount).fill(null);
  const types: number[] = [];
  for (let k = 0; k < c.zone.ownerCount; k++) {
    const kind = c.kind[k]!;
    if (!inDenialChain(kind)) continue;
    types.length = 0;
    authoritativeTypesOf(c, k, types);
    if (kind === KIND_APEX) types.push(...apexExtraTypes);
    types.push(RRType.RRSIG, RRType.NSEC);
    types.sort(ascending);
    out[k] = cache.get(types);
  }
  return out;
}

/**
 * The order of `n` 20-octet hashes in raw (entry j at j × 20), ascending
 * and stable. The first 64 − b bits of each hash and its index (b bits) go
 * in one 64-bit number so that a native numeric sort does the work; equal
 * prefixes (rare: hashes are uniform) are put right by comparing whole hashes.
 */
export function sortHashes(raw: Uint8Array, n: number): Int32Array {
  const order = new Int32Array(n);
  let bits = 1;
  while (2 ** bits < n) bits++;
  if (bits > 26) {
    for (let j = 0; j < n; j++) order[j] = j;
    order.sort((x, y) => compareHashes(raw, x, y) || x - y);
    return order;
  }
  const keys = new BigUint64Array(n);
  const words = new Uint32Array(keys.buffer);
  const mask = 2 ** bits - 1;
  for (let j = 0; j < n; j++) {
    const a = j * 20;
    // The first 64 bits of the hash with the lowest `bits` replaced by the index, as two little-endian words.
    words[j * 2 + 1] = ((raw[a]! << 24) | (raw[a + 1]! << 16) | (raw[a + 2]! << 8) | raw[a + 3]!) >>> 0;
    words[j * 2] = ((((raw[a + 4]! << 24) | (raw[a + 5]! << 16) | (raw[a + 6]! << 8) | raw[a + 7]!) & ~mask) | j) >>> 0;
  }
  keys.sort();
  for (let j = 0; j < n; j++) order[j] = words[j * 2]! & mask;
  // Equal prefixes: order those runs by the whole hash (then index, for stability).
  for (let j = 1; j < n; j++) {
    if (compareHashes(raw, order[j - 1]!, order[j]!) <= 0) continue;
    let i = j;
    const v = order[j]!;
    while (i > 0 && (compareHashes(raw, order[i - 1]!, v) > 0)) {
      order[i] = order[i - 1]!;
      i--;
    }
    order[i] = v;
  }
  return order;
}

function compareHashes(raw: Uint8Array, x: number, y: number): number {
  const a = x * 20;
  const b = y * 20;
  for (let i = 0; i < 20; i++) {
    const d = raw[a + i]! - raw[b + i]!;
    if (d !== 0) return d;
  }
  return 0;
}

/** The NSEC3 chain in hash order (RFC 5155 §7.1). */
export interface Nsec3Chain {
  readonly count: number;
  /** Hash j is hashes[j*20 .. j*20+20) — every hash is an SHA-1 digest (RFC 5155 §5). */
  readonly hashes: Uint8Array;
  readonly hashLength: number;
  /** Bitmap of entry j. */
  readonly bitmaps: Uint8Array[];
}

/**
 * buildNsec3Chain (nsec3.ts) over a CompactZone: members are the apex,
 * authoritative names and delegations (without the insecure ones under
 * Opt-Out), plus the empty non-terminals they imply; sorted on their hashes.
 * Throws ERR_NSEC3_HASH_COLLISION when two names hash alike.
 */
export function buildCompactNsec3(c: Classified, apexExtraTypes: readonly number[], params: Nsec3Parameters, hasher: Nsec3Hasher = createNsec3Hasher(params.iterations, params.salt)): Nsec3Chain {
  const z = c.zone;
  const canon = z.canon;
  const originLabels = z.origin.labelCount;
  const cache = new BitmapCache();
  const empty = cache.get([]);
  // Entries: owner index (members) or an empty non-terminal: member owner and label offset into its name.
  const entryOwner: number[] = [];
  const entryOffset: number[] = [];
  const entryBitmap: Uint8Array[] = [];
  const types: number[] = [];
  const members: number[] = [];
  for (let k = 0; k < z.ownerCount; k++) {
    const kind = c.kind[k]!;
    if (!inDenialChain(kind)) continue;
    // RFC 5155 §6, §7.1: Opt-Out leaves insecure delegations out.
    if (params.optOut && kind === KIND_DELEGATION && c.hasDs[k] === 0) continue;
    members.push(k);
    types.length = 0;
    authoritativeTypesOf(c, k, types);
    if (kind === KIND_APEX) types.push(...apexExtraTypes, RRType.NSEC3PARAM);
    // The original name has RRSIGs unless it is an insecure delegation (unsigned NS only).
    if (kind !== KIND_DELEGATION || c.hasDs[k] === 1) types.push(RRType.RRSIG);
    types.sort(ascending);
    entryOwner.push(k);
    entryOffset.push(0);
    entryBitmap.push(cache.get(types));
  }
  // Empty non-terminals (listEmptyNonTerminals in authority.ts), in canonical order.
  let prevStart = z.ownerStart[0]!;
  let prevEnd = z.ownerStart[1]!;
  const originCanon = z.origin.canonical;
  let prevIsOrigin = true;
  const stack: number[] = [];
  for (const k of members) {
    const start = z.ownerStart[k]!;
    const end = z.ownerStart[k + 1]!;
    let labels = 0;
    for (let p = start; canon[p] !== 0; p += canon[p]! + 1) labels++;
    let a = start;
    while (labels > originLabels + 1) {
      a += canon[a]! + 1;
      labels--;
      const under = prevIsOrigin
        ? isSubdomainWire(originCanon, 0, originCanon.length, canon, a, end)
        : isSubdomainWire(canon, prevStart, prevEnd, canon, a, end);
      if (under) break;
      stack.push(a - start);
    }
    while (stack.length > 0) {
      entryOwner.push(k);
      entryOffset.push(stack.pop()!);
      entryBitmap.push(empty);
    }
    prevStart = start;
    prevEnd = end;
    prevIsOrigin = false;
  }
  const n = entryOwner.length;
  const raw = new Uint8Array(n * 20);
  let hashLength = 20;
  // Members' hashes may have been made while the zone was read (fast-load.ts hashOwners).
  const pre = z.ownerHashes !== undefined && z.ownerHashParams !== undefined
    && z.ownerHashParams.iterations === params.iterations && compareBytes(z.ownerHashParams.salt, params.salt) === 0
    && hasher.iterations === params.iterations && compareBytes(hasher.salt, params.salt) === 0 ? z.ownerHashes : null;
  for (let j = 0; j < n; j++) {
    const k = entryOwner[j]!;
    if (pre !== null && entryOffset[j] === 0) {
      raw.set(pre.subarray(k * OWNER_HASH_LENGTH, (k + 1) * OWNER_HASH_LENGTH), j * 20);
      continue;
    }
    const h = hasher.hashWire(canon.subarray(z.ownerStart[k]! + entryOffset[j]!, z.ownerStart[k + 1]!));
    hashLength = h.length;
    raw.set(h, j * 20);
  }
  const order = sortHashes(raw, n);
  const hashes = new Uint8Array(n * 20);
  const bitmaps: Uint8Array[] = new Array(n);
  for (let j = 0; j < n; j++) {
    const from = order[j]!;
    hashes.set(raw.subarray(from * 20, from * 20 + 20), j * 20);
    bitmaps[j] = entryBitmap[from]!;
  }
  for (let j = 0; j + 1 < n; j++) {
    if (compareBytes(hashes.subarray(j * 20, j * 20 + 20), hashes.subarray((j + 1) * 20, (j + 1) * 20 + 20)) === 0) {
      const name = (e: number): string => Name.fromWire(z.spell, z.rsSpellStart[c.first[entryOwner[e]!]!]! + entryOffset[e]!).name.toString();
      throw new SignetError('ERR_NSEC3_HASH_COLLISION', `NSEC3 hash collision between ${name(order[j]!)} and ${name(order[j + 1]!)}; choose another salt`);
    }
  }
  return { count: n, hashes, hashLength, bitmaps };
}
