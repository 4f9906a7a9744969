/**
 * RRSIG generation (RFC 4034 §3, RFC 4035 §2.2).
 *
 * The signed data is the RRSIG RDATA without its signature, then every RR of
 * the RRset in canonical form and order with the Original TTL
 * (RFC 4034 §3.1.8.1). The owner of each RR is the RRset's owner in
 * canonical form: for a wildcard `*.w.example` that is the wildcard name
 * itself, and the Labels field leaves out the `*` label (RFC 4034 §3.1.3,
 * RFC 4035 §2.2), so a validator that reconstructs `*.<labels>` from an
 * expanded answer gets these same bytes (RFC 4035 §5.3.2).
 *
 * `signBatch` is a pure function of its arguments (RRsets, keys, times): no
 * clock, no shared state, no string work, so batches can later be handed to
 * worker threads unchanged in meaning.
 */
import { SignetError } from '../core/errors.ts';
import type { Name } from '../zone/name.ts';
import type { RRset } from '../zone/record.ts';
import { RRType } from '../zone/types.ts';
import type { SigningKey } from './signing-key.ts';

/** The RRSIG fields that are the same for every signature of a run. */
export interface SignatureContext {
  /** RRSIG Signature Inception (RFC 4034 §3.1.5), Unix seconds. */
  readonly inception: number;
  /** RRSIG Signer's Name: the zone apex (RFC 4035 §2.2). */
  readonly signerName: Name;
}

export interface SignatureTimes extends SignatureContext {
  /** RRSIG Signature Expiration (RFC 4034 §3.1.5), Unix seconds. */
  readonly expiration: number;
}

/** RRSIG times are 32-bit serial numbers (RFC 4034 §3.1.5): seconds modulo 2^32. */
function rrsigTime(t: number): number {
  return ((t % 2 ** 32) + 2 ** 32) % 2 ** 32;
}

/** Fixed part of the RRSIG RDATA before the Signer's Name (RFC 4034 §3.1). */
const RRSIG_FIXED = 18;
/** Output RDATAs are carved from slabs of this size, so small signatures cost no allocation of their own. */
const SLAB_SIZE = 64 * 1024;

/**
 * Reusable buffers for one signing run: a growable scratch buffer for the
 * signed data (RRSIG header, then the RRset), and slabs that output RDATAs
 * are cut from. Typed arrays over 64 octets each cost an off-heap
 * allocation in V8, so allocating per RRset would dominate everything but
 * the signature itself. The bytes written are exactly
 * encodeRrsigHeader(...) followed by encodeRRsetForSigning(...) from
 * src/zone (a test pins this).
 */
class RrsigWriter {
  private scratch = new Uint8Array(4096);
  private view = new DataView(this.scratch.buffer);
  private slab = new Uint8Array(SLAB_SIZE);
  private slabUsed = 0;

  private ensure(size: number): void {
    if (size <= this.scratch.length) return;
    let n = this.scratch.length * 2;
    while (n < size) n *= 2;
    this.scratch = new Uint8Array(n);
    this.view = new DataView(this.scratch.buffer);
  }

  /** A fresh region of `size` octets for one output RDATA. */
  private allocate(size: number): Uint8Array {
    if (size > SLAB_SIZE / 4) return new Uint8Array(size);
    if (this.slabUsed + size > SLAB_SIZE) {
      this.slab = new Uint8Array(SLAB_SIZE);
      this.slabUsed = 0;
    }
    const out = this.slab.subarray(this.slabUsed, this.slabUsed + size);
    this.slabUsed += size;
    return out;
  }

  /**
   * Signs one RRset with several keys: the RRset part of the signed data is
   * written once, only the header changes per key. Returns RRSIG RDATAs in
   * the order of `keys`.
   */
  sign(rrset: RRset, keys: readonly SigningKey[], times: SignatureTimes): Uint8Array[] {
    // RFC 4035 §2.2: "An RRSIG RR itself MUST NOT be signed".
    if (rrset.type === RRType.RRSIG) {
      throw new SignetError('ERR_SIGN_RRSIG_RRSET', `refusing to sign the RRSIG RRset at ${rrset.owner.toString()} (RFC 4035 §2.2)`);
    }
    const out: Uint8Array[] = [];
    if (keys.length === 0) return out;
    const signer = times.signerName.canonical;
    const headerLength = RRSIG_FIXED + signer.length;
    // RFC 4034 §3.1.8.1: each RR as owner | type | class | Original TTL |
    // RDLENGTH | RDATA, all canonical, in canonical RDATA order. The owner is
    // the RRset's owner in canonical form; a wildcard owner is signed as
    // written (`*.` + its labels).
    const owner = rrset.owner.canonical;
    const rdatas = rrset.canonicalRdatas;
    let length = headerLength;
    for (const rd of rdatas) length += owner.length + 10 + rd.length;
    this.ensure(length);
    const buf = this.scratch;
    const view = this.view;
    let off = headerLength;
    for (const rd of rdatas) {
      buf.set(owner, off);
      off += owner.length;
      view.setUint16(off, rrset.type);
      view.setUint16(off + 2, rrset.class);
      // RFC 4034 §3.1.4: the Original TTL is the TTL of the covered RRset.
      view.setUint32(off + 4, rrset.ttl);
      view.setUint16(off + 8, rd.length);
      off += 10;
      buf.set(rd, off);
      off += rd.length;
    }
    // The header fields that are the same for every key (RFC 4034 §3.1).
    view.setUint16(0, rrset.type);
    // RFC 4034 §3.1.3: labels in the owner, not counting the root or a leading `*`.
    buf[3] = rrset.owner.rrsigLabels;
    view.setUint32(4, rrset.ttl);
    view.setUint32(8, rrsigTime(times.expiration));
    view.setUint32(12, rrsigTime(times.inception));
    // RFC 4034 §3.1.7, RFC 6840 §5.1: the Signer's Name in canonical form.
    buf.set(signer, RRSIG_FIXED);
    const data = buf.subarray(0, length);
    for (const key of keys) {
      buf[2] = key.algorithm;
      view.setUint16(16, key.keyTag);
      const signature = key.sign(data);
      const rdata = this.allocate(headerLength + signature.length);
      rdata.set(buf.subarray(0, headerLength), 0);
      rdata.set(signature, headerLength);
      out.push(rdata);
    }
    return out;
  }
}

/** Signs one RRset with one key; returns the RRSIG RDATA. */
export function signRRset(rrset: RRset, key: SigningKey, times: SignatureTimes): Uint8Array {
  return new RrsigWriter().sign(rrset, [key], times)[0]!;
}

/** One RRset to sign, the keys that sign it and its own (jittered) expiration. */
export interface SignItem {
  readonly rrset: RRset;
  readonly keys: readonly SigningKey[];
  readonly expiration: number;
}

/**
 * Signs a batch: for each item, the RRSIG RDATAs of its keys, in key order.
 * Pure: the result depends only on the arguments (and, for ECDSA, on the
 * signature randomness inside node:crypto). Returned RDATAs may be views
 * into shared slabs: use their byteOffset/byteLength, never `.buffer` alone.
 */
export function signBatch(items: readonly SignItem[], common: SignatureContext): Uint8Array[][] {
  const writer = new RrsigWriter();
  const results: Uint8Array[][] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    results[i] = writer.sign(item.rrset, item.keys, { inception: common.inception, signerName: common.signerName, expiration: item.expiration });
  }
  return results;
}
