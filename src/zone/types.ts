/**
 * IANA registries as single tables: RR types and classes. Reverse maps are
 * derived. Unknown types print and parse as `TYPEnnn` (RFC 3597 §5).
 */

export const RRType = {
  A: 1, NS: 2, MD: 3, MF: 4, CNAME: 5, SOA: 6, MB: 7, MG: 8, MR: 9, NULL: 10, WKS: 11, PTR: 12,
  HINFO: 13, MINFO: 14, MX: 15, TXT: 16, RP: 17, AFSDB: 18, X25: 19, ISDN: 20, RT: 21, NSAP: 22,
  SIG: 24, KEY: 25, PX: 26, GPOS: 27, AAAA: 28, LOC: 29, NXT: 30, SRV: 33, NAPTR: 35, KX: 36, CERT: 37,
  A6: 38, DNAME: 39, APL: 42, DS: 43, SSHFP: 44, IPSECKEY: 45, RRSIG: 46, NSEC: 47, DNSKEY: 48, DHCID: 49,
  NSEC3: 50, NSEC3PARAM: 51, TLSA: 52, SMIMEA: 53, HIP: 55, CDS: 59, CDNSKEY: 60, OPENPGPKEY: 61,
  CSYNC: 62, ZONEMD: 63, SVCB: 64, HTTPS: 65, SPF: 99, EUI48: 108, EUI64: 109, TKEY: 249, TSIG: 250,
  IXFR: 251, AXFR: 252, ANY: 255, URI: 256, CAA: 257,
} as const;

export type RRTypeName = keyof typeof RRType;

const TYPE_NAMES = new Map<number, string>(Object.entries(RRType).map(([k, v]) => [v, k]));

export const RRClass = { IN: 1, CH: 3, HS: 4 } as const;
const CLASS_NAMES = new Map<number, string>(Object.entries(RRClass).map(([k, v]) => [v, k]));

/** Mnemonic for a type number, or `TYPEnnn`. */
export function typeToString(type: number): string {
  return TYPE_NAMES.get(type) ?? `TYPE${type}`;
}

/** Type number for a mnemonic or `TYPEnnn` (case-insensitive), or null when unknown. */
export function typeFromString(text: string): number | null {
  const up = text.toUpperCase();
  const known = (RRType as Record<string, number>)[up];
  if (known !== undefined) return known;
  const m = /^TYPE(\d{1,5})$/.exec(up);
  if (m) {
    const n = Number(m[1]);
    return n <= 0xffff ? n : null;
  }
  return null;
}

export function classToString(cls: number): string {
  return CLASS_NAMES.get(cls) ?? `CLASS${cls}`;
}

export function classFromString(text: string): number | null {
  const up = text.toUpperCase();
  const known = (RRClass as Record<string, number>)[up];
  if (known !== undefined) return known;
  const m = /^CLASS(\d{1,5})$/.exec(up);
  if (m) {
    const n = Number(m[1]);
    return n <= 0xffff ? n : null;
  }
  return null;
}

/**
 * Types whose RDATA names are lowercased in canonical form: RFC 4034 §6.2
 * item 3 as corrected by RFC 6840 §5.1 (NSEC removed; HINFO has no names)
 * and RFC 3597 §7.
 */
export const TYPES_WITH_CANONICAL_NAMES: ReadonlySet<number> = new Set([
  RRType.NS, RRType.MD, RRType.MF, RRType.CNAME, RRType.SOA, RRType.MB, RRType.MG, RRType.MR,
  RRType.PTR, RRType.MINFO, RRType.MX, RRType.RP, RRType.AFSDB, RRType.RT, RRType.SIG, RRType.PX,
  RRType.NXT, RRType.NAPTR, RRType.KX, RRType.SRV, RRType.DNAME, RRType.A6, RRType.RRSIG,
]);
