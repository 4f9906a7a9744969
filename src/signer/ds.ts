/**
 * DS (and CDS) RDATA from a DNSKEY (RFC 4034 §5.1.4): digest = H(owner name
 * in canonical wire form | DNSKEY RDATA). Digest types 1 SHA-1 (RFC 4034
 * §5.1.4), 2 SHA-256 (RFC 4509 §2.1), 4 SHA-384 (RFC 6605 §3).
 */
import { createHash } from 'node:crypto';
import { SignetError } from '../core/errors.ts';
import { encodeDs } from '../zone/dnssec-rdata.ts';
import type { DsData } from '../zone/dnssec-rdata.ts';
import type { Name } from '../zone/name.ts';
import { computeKeyTag } from './keytag.ts';

export type DsDigestType = 1 | 2 | 4;

const HASHES: ReadonlyMap<number, { hash: string; length: number }> = new Map([
  [1, { hash: 'sha1', length: 20 }],
  [2, { hash: 'sha256', length: 32 }],
  [4, { hash: 'sha384', length: 48 }],
]);

/**
 * Digest types signet offers for publishing at the parent. SHA-1 (type 1) is
 * only computed to match DS records that already exist: RFC 8624 §3.3 says
 * it MUST NOT be used for new DS records.
 */
export const PUBLISHABLE_DS_DIGEST_TYPES: readonly DsDigestType[] = [2, 4];

/** True for the digest types `computeDs` knows (1, 2, 4). */
export function isSupportedDsDigestType(digestType: number): digestType is DsDigestType {
  return HASHES.has(digestType);
}

/** Digest length in octets for a supported digest type; ERR_DS_DIGEST_UNSUPPORTED otherwise. */
export function dsDigestLength(digestType: number): number {
  const h = HASHES.get(digestType);
  if (!h) throw new SignetError('ERR_DS_DIGEST_UNSUPPORTED', `DS digest type ${digestType} is not supported (use 2 or 4)`);
  return h.length;
}

/**
 * The DS for a DNSKEY at `owner` (the zone apex). The owner is hashed in
 * canonical form whatever case it was written in (RFC 4034 §5.1.4 and §6.2).
 */
export function computeDs(owner: Name, dnskeyRdata: Uint8Array, digestType: DsDigestType): DsData {
  // The type is checked at run time too: values often come from files or the network.
  const h = HASHES.get(digestType);
  if (!h) throw new SignetError('ERR_DS_DIGEST_UNSUPPORTED', `DS digest type ${digestType} is not supported (use 2 or 4)`);
  // computeKeyTag also rejects truncated RDATA and algorithm 1.
  const keyTag = computeKeyTag(dnskeyRdata);
  // RFC 4034 §5.1.4: digest = digest_algorithm( DNSKEY owner name | DNSKEY RDATA ).
  const digest = createHash(h.hash).update(owner.canonical).update(dnskeyRdata).digest();
  return { keyTag, algorithm: dnskeyRdata[3]!, digestType, digest: new Uint8Array(digest) };
}

/** The DS RDATA in wire form: key tag, algorithm, digest type, digest (RFC 4034 §5.1). */
export function computeDsRdata(owner: Name, dnskeyRdata: Uint8Array, digestType: DsDigestType): Uint8Array {
  return encodeDs(computeDs(owner, dnskeyRdata, digestType));
}
