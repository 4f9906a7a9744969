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
import { encodeRRsetForSigning } from '../zone/canonical.ts';
import { encodeRrsigHeader } from '../zone/dnssec-rdata.ts';
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

/**
 * Signs one RRset with several keys, reusing one buffer for the signed data:
 * the RRset part is encoded once and only the RRSIG header is rewritten per
 * key. Returns RRSIG RDATAs in the order of `keys`.
 */
function signWithKeys(rrset: RRset, keys: readonly SigningKey[], times: SignatureTimes): Uint8Array[] {
  // RFC 4035 §2.2: "An RRSIG RR itself MUST NOT be signed".
  if (rrset.type === RRType.RRSIG) {
    throw new SignetError('ERR_SIGN_RRSIG_RRSET', `refusing to sign the RRSIG RRset at ${rrset.owner.toString()} (RFC 4035 §2.2)`);
  }
  const out: Uint8Array[] = [];
  if (keys.length === 0) return out;
  // RFC 4034 §3.1.8.1: owner in canonical form; the wildcard owner is signed as written (`*.` + its labels).
  const body = encodeRRsetForSigning(rrset.owner.canonical, rrset, rrset.ttl);
  const expiration = rrsigTime(times.expiration);
  const inception = rrsigTime(times.inception);
  let buffer: Uint8Array | null = null;
  for (const key of keys) {
    const header = encodeRrsigHeader({
      typeCovered: rrset.type,
      algorithm: key.algorithm,
      // RFC 4034 §3.1.3: labels in the owner, not counting the root or a leading `*`.
      labels: rrset.owner.rrsigLabels,
      // RFC 4034 §3.1.4: the Original TTL is the TTL of the covered RRset.
      originalTtl: rrset.ttl,
      expiration,
      inception,
      keyTag: key.keyTag,
      signerName: times.signerName,
    });
    if (buffer === null || buffer.length !== header.length + body.length) {
      buffer = new Uint8Array(header.length + body.length);
      buffer.set(body, header.length);
    }
    buffer.set(header, 0);
    const signature = key.sign(buffer);
    const rdata = new Uint8Array(header.length + signature.length);
    rdata.set(header, 0);
    rdata.set(signature, header.length);
    out.push(rdata);
  }
  return out;
}

/** Signs one RRset with one key; returns the RRSIG RDATA. */
export function signRRset(rrset: RRset, key: SigningKey, times: SignatureTimes): Uint8Array {
  return signWithKeys(rrset, [key], times)[0]!;
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
 * signature randomness inside node:crypto).
 */
export function signBatch(items: readonly SignItem[], common: SignatureContext): Uint8Array[][] {
  const results: Uint8Array[][] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    results[i] = signWithKeys(item.rrset, item.keys, { inception: common.inception, signerName: common.signerName, expiration: item.expiration });
  }
  return results;
}
