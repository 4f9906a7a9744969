/**
 * What the signer needs of a key: its DNSKEY RDATA, tag and a sign function.
 * Implementations live in `algorithms.ts` (node:crypto); tests may provide
 * their own. Private key material never leaves the object.
 */
export interface SigningKey {
  /** DNSSEC algorithm number (8, 13, 14, 15, 16). */
  readonly algorithm: number;
  /** DNSKEY flags: 257 for a KSK or CSK (SEP), 256 for a ZSK. */
  readonly flags: number;
  /** Key tag (RFC 4034 Appendix B). */
  readonly keyTag: number;
  /** DNSKEY RDATA: flags, protocol 3, algorithm, public key. */
  readonly dnskeyRdata: Uint8Array;
  /** Signs `data` as the algorithm requires (RFC 5702, 6605, 8080 formats). */
  sign(data: Uint8Array): Uint8Array;
}
