/**
 * Finding codes. Stable: monitoring rules, tests and `signet check` match on
 * them. Where DNSViz (dnsviz/analysis/errors.py) names the same error, the
 * code is DNSViz's, so that operators who know one tool can read the other;
 * the others are signet's own and say so below.
 *
 * Each entry: the code, its usual severity, and the RFC rule it enforces.
 */
export const FindingCode = {
  // ---- RRSIG, per signature (RFC 4035 §5.3.1, §5.3.3) ----------------------
  /** critical. DNSViz. The signature does not validate with the key it names (tampered data, wrong key). */
  SIGNATURE_INVALID: 'SIGNATURE_INVALID',
  /** critical. DNSViz. Signature Expiration is before now. */
  EXPIRATION_IN_PAST: 'EXPIRATION_IN_PAST',
  /** critical. DNSViz. Signature Inception is after now. */
  INCEPTION_IN_FUTURE: 'INCEPTION_IN_FUTURE',
  /** critical. DNSViz. Signer's Name is not the zone apex. */
  SIGNER_NOT_ZONE: 'SIGNER_NOT_ZONE',
  /** critical. DNSViz. Labels field larger than the owner's label count. */
  RRSIG_LABELS_EXCEED_RRSET_OWNER_LABELS: 'RRSIG_LABELS_EXCEED_RRSET_OWNER_LABELS',
  /** critical. signet. Labels field smaller than the owner's (RFC 4034 §3.1.3): a zone file holds no wildcard expansions. */
  RRSIG_BAD_LABELS: 'RRSIG_BAD_LABELS',
  /** warning. DNSViz. The RRset TTL exceeds the RRSIG Original TTL (resolvers cap the TTL). */
  ORIGINAL_TTL_EXCEEDED: 'ORIGINAL_TTL_EXCEEDED',
  /** warning. signet. Original TTL larger than the RRset TTL (RFC 4034 §3.1.4: it is the TTL in the zone). */
  RRSIG_BAD_ORIGINAL_TTL: 'RRSIG_BAD_ORIGINAL_TTL',
  /** warning. DNSViz. The RRSIG record's TTL differs from the RRset's (RFC 4034 §3). */
  RRSET_TTL_MISMATCH: 'RRSET_TTL_MISMATCH',
  /**
   * warning. signet. No zone key of the DNSKEY RRset has the RRSIG's key tag and algorithm. Counted once per
   * algorithm, as info, when the DNSKEY RRset has no key of that algorithm at all (RFC 6781 §4.1.4 algorithm rollover).
   */
  RRSIG_NO_MATCHING_DNSKEY: 'RRSIG_NO_MATCHING_DNSKEY',
  /** warning. DNSViz. The signing key has the REVOKE flag and the RRset is not the DNSKEY RRset (RFC 5011 §2.1). */
  DNSKEY_REVOKED_RRSIG: 'DNSKEY_REVOKED_RRSIG',
  /** warning. DNSViz. signet cannot check this algorithm: signatures made with it are not verified. */
  ALGORITHM_NOT_SUPPORTED: 'ALGORITHM_NOT_SUPPORTED',
  /** warning. signet. An RRSIG covers a type that has no RRset at its owner. */
  RRSIG_WITHOUT_RRSET: 'RRSIG_WITHOUT_RRSET',

  // ---- RRSIG, per RRset and zone (RFC 4035 §2.2) ---------------------------
  /** critical. DNSViz. An authoritative RRset has no RRSIG at all. */
  MISSING_RRSIG: 'MISSING_RRSIG',
  /** critical. DNSViz. The DNSKEY RRset has algorithm A, the zone is signed with A, but this RRset has no RRSIG of A. */
  MISSING_RRSIG_FOR_ALG_DNSKEY: 'MISSING_RRSIG_FOR_ALG_DNSKEY',
  /** critical. signet. The DNSKEY RRset has algorithm A and no RRset of the zone is signed with A (a half-done algorithm rollover). */
  ALGORITHM_MISMATCH: 'ALGORITHM_MISMATCH',
  /** warning. signet. Delegation NS, glue or occluded data carries an RRSIG (RFC 4035 §2.2: MUST NOT be signed). */
  GLUE_SIGNED: 'GLUE_SIGNED',
  /** critical/warning. signet. The earliest signature expiration is within --crit / --warn. */
  SIGNATURE_EXPIRES_SOON: 'SIGNATURE_EXPIRES_SOON',

  // ---- Keys and the chain of trust (RFC 4035 §5.2, RFC 6840 §5.11) ---------
  /** critical. signet. No DNSKEY RRset at the apex: the zone is not signed. */
  DNSKEY_MISSING: 'DNSKEY_MISSING',
  /** warning. DNSViz. A DNSKEY RRset below the apex (it is not the zone's key set). */
  DNSKEY_NOT_AT_ZONE_APEX: 'DNSKEY_NOT_AT_ZONE_APEX',
  /** warning. signet. A DNSKEY whose public key cannot be read for its algorithm. */
  DNSKEY_MALFORMED: 'DNSKEY_MALFORMED',
  /** critical (none other) or warning. signet. A DS of the anchor set has no DNSKEY with its tag and algorithm. */
  DS_MATCHES_NO_DNSKEY: 'DS_MATCHES_NO_DNSKEY',
  /** critical (none other) or warning. DNSViz. A DS names a DNSKEY by tag and algorithm but its digest differs. */
  DIGEST_INVALID: 'DIGEST_INVALID',
  /** warning. DNSViz. A DS digest type signet cannot compute. */
  DIGEST_ALGORITHM_NOT_SUPPORTED: 'DIGEST_ALGORITHM_NOT_SUPPORTED',
  /** critical with DS anchors; warning without anchors (no SEP-flagged key signs the DNSKEY RRset). DNSViz. */
  NO_SEP: 'NO_SEP',
  /** warning. DNSViz. The DS set has algorithm A, but no DS of A leads to a key of A that signs the DNSKEY RRset. */
  MISSING_SEP_FOR_ALG: 'MISSING_SEP_FOR_ALG',
  /** critical. DNSViz. With DNSKEY anchors: none of them signs the DNSKEY RRset. */
  NO_TRUST_ANCHOR_SIGNING: 'NO_TRUST_ANCHOR_SIGNING',
  /** critical (none other) or warning. signet. A DNSKEY anchor is not in the zone's DNSKEY RRset. */
  TRUST_ANCHOR_NOT_IN_DNSKEY_SET: 'TRUST_ANCHOR_NOT_IN_DNSKEY_SET',

  // ---- CDS / CDNSKEY (RFC 7344 §4, RFC 8078 §4) -----------------------------
  /** critical. signet. A CDS matches no DNSKEY, mixes the delete form with others, or names no key that signs the DNSKEY RRset. */
  CDS_MISMATCH: 'CDS_MISMATCH',
  /** critical. signet. The same for CDNSKEY. */
  CDNSKEY_MISMATCH: 'CDNSKEY_MISMATCH',
  /** warning. signet. CDS and CDNSKEY name different keys (RFC 7344 §4: they MUST match). */
  CDS_CDNSKEY_INCONSISTENT: 'CDS_CDNSKEY_INCONSISTENT',
  /** warning. signet. CDS/CDNSKEY not signed by a key the parent's DS (or the SEP flag) designates (RFC 7344 §4.1). */
  CDS_NOT_SIGNED_BY_KSK: 'CDS_NOT_SIGNED_BY_KSK',

  // ---- Denial of existence: NSEC (RFC 4034 §4, RFC 4035 §2.3) ----------------
  /** critical. signet. No NSEC or NSEC3 chain in a signed zone. */
  DENIAL_MISSING: 'DENIAL_MISSING',
  /** warning. signet. Both NSEC and NSEC3 records. */
  DENIAL_MIXED: 'DENIAL_MIXED',
  /** critical. signet. A name of the chain has no NSEC, or an NSEC points past or to the wrong next name. */
  NSEC_CHAIN_GAP: 'NSEC_CHAIN_GAP',
  /** critical. DNSViz. The last NSEC's Next Domain Name is not the apex. */
  LAST_NSEC_NEXT_NOT_ZONE: 'LAST_NSEC_NEXT_NOT_ZONE',
  /** critical. signet. NSEC type bitmap differs from the types at its owner. */
  NSEC_BAD_BITMAP: 'NSEC_BAD_BITMAP',
  /** warning. signet. An NSEC at glue, occluded data or a name with no data. */
  NSEC_UNEXPECTED_OWNER: 'NSEC_UNEXPECTED_OWNER',

  // ---- Denial of existence: NSEC3 (RFC 5155 §7, RFC 9276) ---------------------
  /** critical. signet. NSEC3 records but no NSEC3PARAM at the apex (servers cannot find the chain). */
  NSEC3PARAM_MISSING: 'NSEC3PARAM_MISSING',
  /** critical. signet. An NSEC3 with other hash parameters than NSEC3PARAM. */
  NSEC3PARAM_MISMATCH: 'NSEC3PARAM_MISMATCH',
  /** warning. DNSViz. NSEC3 hash algorithm other than 1 (SHA-1): validators treat the zone as insecure. */
  UNSUPPORTED_NSEC3_ALGORITHM: 'UNSUPPORTED_NSEC3_ALGORITHM',
  /** critical. DNSViz. NSEC3 owner is not base32hex of a 20-octet hash directly below the apex. */
  INVALID_NSEC3_OWNER_NAME: 'INVALID_NSEC3_OWNER_NAME',
  /** critical. DNSViz. Next Hashed Owner Name is not a 20-octet hash. */
  INVALID_NSEC3_HASH: 'INVALID_NSEC3_HASH',
  /** critical. signet. A name of the chain has no NSEC3, or a next-hash pointer skips or points nowhere. */
  NSEC3_CHAIN_GAP: 'NSEC3_CHAIN_GAP',
  /** critical. signet. An NSEC3 owner is the hash of no name of the zone. */
  NSEC3_BAD_HASH: 'NSEC3_BAD_HASH',
  /** critical. signet. NSEC3 type bitmap differs from the types at the original owner. */
  NSEC3_BAD_BITMAP: 'NSEC3_BAD_BITMAP',
  /** warning. signet. An NSEC3 at the hash of glue or occluded data. */
  NSEC3_UNEXPECTED_OWNER: 'NSEC3_UNEXPECTED_OWNER',
  /** critical. DNSViz. An insecure delegation is left out of the chain but the NSEC3 covering it has no Opt-Out flag. */
  OPT_OUT_FLAG_NOT_SET: 'OPT_OUT_FLAG_NOT_SET',
  /** warning. signet. Some NSEC3 records have Opt-Out and others not. */
  NSEC3_OPT_OUT_INCONSISTENT: 'NSEC3_OPT_OUT_INCONSISTENT',
  /** warning. DNSViz. RFC 9276 §3.1: iterations SHOULD be 0. */
  NONZERO_NSEC3_ITERATION_COUNT: 'NONZERO_NSEC3_ITERATION_COUNT',
  /** warning. DNSViz. RFC 9276 §3.1: the salt SHOULD be empty. */
  NONEMPTY_NSEC3_SALT: 'NONEMPTY_NSEC3_SALT',

  // ---- The zone as a whole -------------------------------------------------
  /** critical. signet. The zone's structure is unusable (DS without NS, several SOAs...). */
  ZONE_STRUCTURE: 'ZONE_STRUCTURE',
  /** warning. signet. Records outside the zone were ignored. */
  OUT_OF_ZONE_DATA: 'OUT_OF_ZONE_DATA',
} as const;

export type FindingCode = (typeof FindingCode)[keyof typeof FindingCode];
