/**
 * Finding codes of `signet check`: every code of the offline verifier
 * (src/verify/codes.ts: the RRSIG, key and chain-of-trust findings are the
 * same whether the records come from a file or from a server), plus the
 * codes only a live check can produce: servers that do not answer or answer
 * wrongly, servers that disagree, and the delegation's state.
 *
 * Stable: monitoring rules and tests match on them. Where DNSViz
 * (dnsviz/analysis/errors.py) names the same problem the code is DNSViz's;
 * the others are signet's own and say so.
 */
import type { FindingCode } from '../verify/codes.ts';

export const CheckOnlyCode = {
  // ---- Servers (each finding names the server) -------------------------------
  /** warning. DNSViz. No answer over UDP within the time limit (every try), or the socket failed. */
  SERVER_UNRESPONSIVE_UDP: 'SERVER_UNRESPONSIVE_UDP',
  /** warning. DNSViz. The UDP answer was truncated and the TCP retry failed (RFC 7766 §5). */
  SERVER_UNRESPONSIVE_TCP: 'SERVER_UNRESPONSIVE_TCP',
  /** warning. DNSViz. Only answers that do not match the query, or that do not decode. */
  SERVER_INVALID_RESPONSE_UDP: 'SERVER_INVALID_RESPONSE_UDP',
  /** warning. DNSViz. An RCODE other than NOERROR (REFUSED, SERVFAIL, NXDOMAIN for the apex...). */
  INVALID_RCODE: 'INVALID_RCODE',
  /** warning. DNSViz. The answer lacks the AA bit, or comes from another zone than the one asked about (a lame server). */
  SERVER_NOT_AUTHORITATIVE: 'SERVER_NOT_AUTHORITATIVE',

  // ---- The delegation ----------------------------------------------------------
  /** critical. DNSViz. A parent server answers NXDOMAIN for the zone: the parent has no delegation for it. */
  NO_NS_IN_PARENT: 'NO_NS_IN_PARENT',
  /** warning. DNSViz. An NS name (of the parent or the zone) has no address, so that server cannot be asked. */
  NO_ADDRESS_FOR_NS_NAME: 'NO_ADDRESS_FOR_NS_NAME',
  /** warning. signet. Parent servers answer different DS RRsets (a DS change still spreading, or a broken secondary). */
  PARENT_DS_MISMATCH: 'PARENT_DS_MISMATCH',
  /** warning. signet. The zone is signed but the parent holds no DS: resolvers treat it as insecure. */
  INSECURE_DELEGATION: 'INSECURE_DELEGATION',
  /** info. signet. The zone is not signed and the parent holds no DS: nothing to validate. */
  ZONE_UNSIGNED: 'ZONE_UNSIGNED',

  // ---- Servers that disagree -----------------------------------------------------
  /** warning. signet. The zone's servers serve different SOA serials (a secondary not catching up). */
  SOA_SERIAL_MISMATCH: 'SOA_SERIAL_MISMATCH',
  /** warning. DNSViz. A DNSKEY is in the DNSKEY RRset of some servers and not of others. */
  DNSKEY_MISSING_FROM_SERVERS: 'DNSKEY_MISSING_FROM_SERVERS',
} as const;

export type CheckOnlyCode = (typeof CheckOnlyCode)[keyof typeof CheckOnlyCode];

export type CheckCode = FindingCode | CheckOnlyCode;
