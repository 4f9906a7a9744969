/**
 * Incremental re-signing: which signatures of the previous signed zone can
 * stay.
 *
 * An RRSIG stays valid for as long as the bytes it covers stay the same
 * (RFC 4034 §3.1.8.1): its own RDATA up to the signature, and the RRset in
 * canonical form with the Original TTL. So a previous signature is kept when
 * - the RRset is unchanged: same owner and type (the lookup key), same TTL,
 *   same canonical RDATA set (RFC 4034 §6.2, §6.3);
 * - it was made by a key that signs this RRset now (same algorithm and key
 *   tag, and the key's role covers the RRset), with the same Signer's Name
 *   and Labels and Original TTL equal to the RRset's TTL;
 * - it is already valid (inception ≤ now) and stays valid beyond the refresh
 *   horizon: expiration − now > refresh (SPEC safety rule 4). RRSIG times are
 *   serial numbers (RFC 4034 §3.1.5), compared with RFC 1982 arithmetic.
 * Every key that signs the RRset needs such a signature; otherwise the whole
 * RRset is signed afresh with every key (no mixing of old and new).
 *
 * Because the previous signatures carry their own jittered expirations, the
 * RRsets that reach the refresh horizon in one run are the ones whose
 * expirations fell in that stretch of the jitter window: each routine run
 * re-signs its share, not the whole zone.
 */
import type { UnixSeconds } from '../core/time.ts';
import { canonicalRdata } from '../zone/canonical.ts';
import type { RRset } from '../zone/record.ts';
import { RRType } from '../zone/types.ts';
import type { Zone } from '../zone/zone.ts';
import type { SigningKey } from './signing-key.ts';

/** An RRset of the previous signed zone and the RRSIGs that covered it. */
export interface PreviousRRset {
  readonly ttl: number;
  /** Canonical RDATA (RFC 4034 §6.2), in canonical order, without duplicates. */
  readonly canonicalRdatas: readonly Uint8Array[];
  /** RRSIG RDATAs whose Type Covered is this RRset's type. */
  readonly rrsigs: readonly Uint8Array[];
}

/** The previous signed zone, looked up by owner (canonical wire form) and type. */
export interface PreviousSignatures {
  /**
   * The RRset and its RRSIGs, or null. A previous zone read as the signer
   * goes (previous-stream.ts) answers lookups in canonical order only (null
   * for one behind the last), gives answers valid until the next lookup,
   * and may throw PreviousUnusable: see settle.
   */
  find(ownerCanonical: Uint8Array, type: number): PreviousRRset | null;
  /** Number of RRsets that carried RRSIGs, for reports. */
  readonly size: number;
  /**
   * Called once the last lookup is made, before the output is kept. A
   * previous zone read as the signer goes reads the rest of its file here
   * and throws PreviousUnusable when its answers may have been wrong (the
   * file was not in canonical order): the output must then be thrown away.
   */
  settle?(): void;
}

/** What a signer needs to decide about reuse. */
export interface ReuseOptions {
  readonly previous: PreviousSignatures;
  /** Seconds: a signature expiring within this time of `now` is made again (policy `signature-refresh`). */
  readonly refresh: number;
}

/** Fixed part of the RRSIG RDATA before the Signer's Name (RFC 4034 §3.1). */
const RRSIG_FIXED = 18;

function u16(b: Uint8Array, off: number): number {
  return (b[off]! << 8) | b[off + 1]!;
}

function u32(b: Uint8Array, off: number): number {
  return ((b[off]! << 24) >>> 0) + ((b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!);
}

/** RFC 1982 difference a − b of two 32-bit serial numbers, in −2^31..2^31. */
function serialDiff(a: number, b: number): number {
  const d = (a - b) >>> 0;
  return d >= 2 ** 31 ? d - 2 ** 32 : d;
}

/** The RRSIG Signature Expiration (RFC 4034 §3.1.5) of an RDATA, as a 32-bit value. */
export function rrsigExpiration(rdata: Uint8Array): number {
  return u32(rdata, 8);
}

/** Whether the RRSIG's Signer's Name equals `signerCanonical` (compared in canonical form, RFC 6840 §5.1). */
function sameSigner(rdata: Uint8Array, signerCanonical: Uint8Array): boolean {
  if (rdata.length < RRSIG_FIXED + signerCanonical.length) return false;
  for (let i = 0; i < signerCanonical.length; i++) {
    let c = rdata[RRSIG_FIXED + i]!;
    if (c >= 0x41 && c <= 0x5a) c += 32;
    if (c !== signerCanonical[i]) return false;
  }
  return true;
}

/** Data of the RRset being signed now, as the reuse check needs it. */
export interface CurrentRRset {
  readonly type: number;
  readonly ttl: number;
  /** RRSIG Labels for the owner (RFC 4034 §3.1.3). */
  readonly rrsigLabels: number;
  readonly canonicalRdatas: readonly Uint8Array[];
}

function sameRdatas(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.length !== y.length) return false;
    for (let j = 0; j < x.length; j++) if (x[j] !== y[j]) return false;
  }
  return true;
}

/**
 * The previous RRSIGs to keep for `current`, one per key of `keys` in key
 * order, or null when the RRset must be signed again (see the header).
 */
export function reusableSignatures(
  previous: PreviousRRset | null, current: CurrentRRset, keys: readonly SigningKey[],
  signerCanonical: Uint8Array, now: UnixSeconds, refresh: number,
): Uint8Array[] | null {
  if (previous === null || keys.length === 0) return null;
  if (previous.ttl !== current.ttl || !sameRdatas(previous.canonicalRdatas, current.canonicalRdatas)) return null;
  const nowSerial = now >>> 0;
  const out: Uint8Array[] = [];
  for (const key of keys) {
    let found: Uint8Array | null = null;
    for (const sig of previous.rrsigs) {
      if (sig.length <= RRSIG_FIXED) continue;
      if (u16(sig, 0) !== current.type || sig[2] !== key.algorithm || sig[3] !== current.rrsigLabels) continue;
      if (u32(sig, 4) !== current.ttl || u16(sig, 16) !== key.keyTag) continue;
      if (!sameSigner(sig, signerCanonical)) continue;
      // RFC 4034 §3.1.5: valid from inception to expiration, serial arithmetic.
      if (serialDiff(nowSerial, u32(sig, 12)) < 0) continue;
      if (serialDiff(u32(sig, 8), nowSerial) <= refresh) continue;
      // Several candidates (the same key signed twice): keep the one that lasts longest.
      if (found === null || serialDiff(u32(sig, 8), u32(found, 8)) > 0) found = sig;
    }
    if (found === null) return null;
    out.push(found);
  }
  return out;
}

/** Owner (canonical wire, as latin1) and type as one map key. */
function key(ownerCanonical: Uint8Array, type: number): string {
  return Buffer.from(ownerCanonical.buffer, ownerCanonical.byteOffset, ownerCanonical.byteLength).toString('latin1') + String.fromCharCode(type >>> 8, type & 0xff);
}

/**
 * Indexes a previous signed zone (as loaded by loadZone, RRSIG RRsets and
 * all): each RRset with the RRSIGs that cover it. RRsets without RRSIGs are
 * left out, since there is nothing to keep.
 */
export function previousFromZone(zone: Zone): PreviousSignatures {
  const map = new Map<string, PreviousRRset>();
  let i = 0;
  const rrsets = zone.rrsets;
  while (i < rrsets.length) {
    // One owner at a time: its RRSIG RRset (if any) holds the signatures of all its RRsets.
    let j = i;
    let rrsig: RRset | null = null;
    const owner = rrsets[i]!.owner;
    while (j < rrsets.length && (rrsets[j]!.owner === owner || rrsets[j]!.owner.equals(owner))) {
      if (rrsets[j]!.type === RRType.RRSIG) rrsig = rrsets[j]!;
      j++;
    }
    if (rrsig !== null) {
      const canonical = owner.canonical;
      for (let k = i; k < j; k++) {
        const r = rrsets[k]!;
        if (r.type === RRType.RRSIG) continue;
        const sigs = rrsig.rdatas.filter((s) => s.length >= 2 && u16(s, 0) === r.type);
        if (sigs.length === 0) continue;
        map.set(key(canonical, r.type), {
          ttl: r.ttl,
          canonicalRdatas: r.canonicalRdatas.length === r.rdatas.length ? r.canonicalRdatas : r.rdatas.map((d) => canonicalRdata(r.type, d)),
          rrsigs: sigs,
        });
      }
    }
    i = j;
  }
  return {
    size: map.size,
    find: (ownerCanonical, type) => map.get(key(ownerCanonical, type)) ?? null,
  };
}
