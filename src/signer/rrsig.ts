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
 * Receives each RRSIG made by `RrsigWriter.signWith`: `header` is the RRSIG
 * RDATA up to and including the Signer's Name, `signature` the signature
 * field. Both are only valid during the call (the header is scratch).
 */
export type RrsigSink = (header: Uint8Array, signature: Uint8Array) => void;

/**
 * Reusable buffers for one signing run: a growable scratch buffer for the
 * signed data (RRSIG header, then the RRset), and slabs that output RDATAs
 * are cut from. Typed arrays over 64 octets each cost an off-heap
 * allocation in V8, so allocating per RRset would dominate everything but
 * the signature itself. The bytes written are exactly
 * encodeRrsigHeader(...) followed by encodeRRsetForSigning(...) from
 * src/zone (a test pins this).
 *
 * Two ways in: `sign(rrset, ...)` for RRset objects, and the wire-level
 * `begin` / `addRecord` / `signWith` used by the worker threads, which read
 * RRsets from batch buffers and never build objects for them.
 */
export class RrsigWriter {
  private scratch = new Uint8Array(4096);
  private view = new DataView(this.scratch.buffer);
  private slab = new Uint8Array(SLAB_SIZE);
  private slabUsed = 0;
  private readonly signer: Uint8Array;
  private readonly inception: number;
  private readonly headerLength: number;
  // The RRset being written by begin/addRecord.
  private owner: Uint8Array = new Uint8Array(0);
  private type = 0;
  private cls = 0;
  private ttl = 0;
  private length = 0;

  /** `signerCanonical`: the zone apex in canonical wire form (RFC 4034 §3.1.7, RFC 6840 §5.1). */
  constructor(signerCanonical: Uint8Array, inception: number) {
    this.signer = signerCanonical;
    this.inception = inception;
    this.headerLength = RRSIG_FIXED + signerCanonical.length;
  }

  private ensure(size: number): void {
    if (size <= this.scratch.length) return;
    let n = this.scratch.length * 2;
    while (n < size) n *= 2;
    const next = new Uint8Array(n);
    next.set(this.scratch.subarray(0, this.length));
    this.scratch = next;
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
   * Starts an RRset: `ownerCanonical` is the owner in canonical wire form
   * (a wildcard owner as written, `*.` and its labels), `rrsigLabels` its
   * RRSIG Labels value (RFC 4034 §3.1.3: not counting the root or a leading `*`).
   */
  begin(ownerCanonical: Uint8Array, rrsigLabels: number, type: number, cls: number, ttl: number): void {
    // RFC 4035 §2.2: "An RRSIG RR itself MUST NOT be signed".
    if (type === RRType.RRSIG) {
      throw new SignetError('ERR_SIGN_RRSIG_RRSET', 'refusing to sign an RRSIG RRset (RFC 4035 §2.2)');
    }
    this.owner = ownerCanonical;
    this.type = type;
    this.cls = cls;
    this.ttl = ttl;
    this.length = this.headerLength;
    this.scratch[3] = rrsigLabels;
  }

  /**
   * Appends one RR of the RRset (RFC 4034 §3.1.8.1: owner | type | class |
   * Original TTL | RDLENGTH | RDATA). `rdata[start..end)` must already be
   * canonical (RFC 4034 §6.2), and RDATAs must come in canonical order
   * (RFC 4034 §6.3).
   */
  addRecord(rdata: Uint8Array, start: number, end: number): void {
    const owner = this.owner;
    const rdLength = end - start;
    this.ensure(this.length + owner.length + 10 + rdLength);
    const buf = this.scratch;
    const view = this.view;
    let off = this.length;
    buf.set(owner, off);
    off += owner.length;
    view.setUint16(off, this.type);
    view.setUint16(off + 2, this.cls);
    // RFC 4034 §3.1.4: the Original TTL is the TTL of the covered RRset.
    view.setUint32(off + 4, this.ttl);
    view.setUint16(off + 8, rdLength);
    off += 10;
    buf.set(start === 0 && end === rdata.length ? rdata : rdata.subarray(start, end), off);
    this.length = off + rdLength;
  }

  /**
   * Signs the RRset written since `begin` with each key in turn, giving each
   * RRSIG to `sink`. Only the algorithm and key tag differ between keys; the
   * RRset part of the signed data is written once.
   */
  signWith(keys: readonly SigningKey[], expiration: number, sink: RrsigSink): void {
    const buf = this.scratch;
    const view = this.view;
    // The header fields that are the same for every key (RFC 4034 §3.1).
    view.setUint16(0, this.type);
    view.setUint32(4, this.ttl);
    view.setUint32(8, rrsigTime(expiration));
    view.setUint32(12, rrsigTime(this.inception));
    // RFC 4034 §3.1.7, RFC 6840 §5.1: the Signer's Name in canonical form.
    buf.set(this.signer, RRSIG_FIXED);
    const data = buf.subarray(0, this.length);
    const header = buf.subarray(0, this.headerLength);
    for (const key of keys) {
      buf[2] = key.algorithm;
      view.setUint16(16, key.keyTag);
      sink(header, key.sign(data));
    }
  }

  /**
   * Signs one RRset with several keys. Returns RRSIG RDATAs in the order of
   * `keys`, carved from the writer's slabs.
   */
  sign(rrset: RRset, keys: readonly SigningKey[], expiration: number): Uint8Array[] {
    if (rrset.type === RRType.RRSIG) {
      throw new SignetError('ERR_SIGN_RRSIG_RRSET', `refusing to sign the RRSIG RRset at ${rrset.owner.toString()} (RFC 4035 §2.2)`);
    }
    const out: Uint8Array[] = [];
    if (keys.length === 0) return out;
    // RFC 4034 §3.1.8.1: the owner is the RRset's owner in canonical form; a
    // wildcard owner is signed as written (`*.` + its labels).
    this.begin(rrset.owner.canonical, rrset.owner.rrsigLabels, rrset.type, rrset.class, rrset.ttl);
    for (const rd of rrset.canonicalRdatas) this.addRecord(rd, 0, rd.length);
    this.signWith(keys, expiration, (header, signature) => {
      const rdata = this.allocate(header.length + signature.length);
      rdata.set(header, 0);
      rdata.set(signature, header.length);
      out.push(rdata);
    });
    return out;
  }
}

/** Signs one RRset with one key; returns the RRSIG RDATA. */
export function signRRset(rrset: RRset, key: SigningKey, times: SignatureTimes): Uint8Array {
  return new RrsigWriter(times.signerName.canonical, times.inception).sign(rrset, [key], times.expiration)[0]!;
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
  const writer = new RrsigWriter(common.signerName.canonical, common.inception);
  const results: Uint8Array[][] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    results[i] = writer.sign(item.rrset, item.keys, item.expiration);
  }
  return results;
}
