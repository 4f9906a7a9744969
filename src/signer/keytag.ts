/**
 * Key tag of a DNSKEY (RFC 4034 Appendix B), computed over the DNSKEY RDATA.
 */
import { SignetError } from '../core/errors.ts';

/**
 * The key tag of a DNSKEY RDATA (flags, protocol, algorithm, public key).
 * Throws ERR_DNSKEY_MALFORMED when the RDATA is too short to hold a key and
 * ERR_ALGORITHM_RSAMD5 for algorithm 1, whose tag follows another rule
 * (RFC 4034 Appendix B.1) and which signet does not support.
 */
export function computeKeyTag(rdata: Uint8Array): number {
  // Four fixed octets (RFC 4034 §2.1) plus at least one octet of key.
  if (rdata.length < 5) throw new SignetError('ERR_DNSKEY_MALFORMED', `DNSKEY RDATA of ${rdata.length} octets has no public key`);
  if (rdata[3] === 1) throw new SignetError('ERR_ALGORITHM_RSAMD5', 'algorithm 1 (RSAMD5) is not supported (RFC 8624)');
  // RFC 4034 Appendix B: sum the RDATA as 16-bit big-endian words (odd
  // octets are the low byte), fold the carry in once, keep 16 bits.
  let ac = 0;
  for (let i = 0; i < rdata.length; i++) ac += i & 1 ? rdata[i]! : rdata[i]! << 8;
  ac += (ac >>> 16) & 0xffff;
  return ac & 0xffff;
}
