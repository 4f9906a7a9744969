/**
 * Canonical form (RFC 4034 §6.2 as corrected by RFC 6840 §5.1) and RRset
 * building (RFC 4034 §6.3, RFC 2181 §5.2).
 */
import { compareBytes } from '../core/bytes.ts';
import { SignetError } from '../core/errors.ts';
import type { Name } from './name.ts';
import type { ResourceRecord, RRset } from './record.ts';
import { RRType, TYPES_WITH_CANONICAL_NAMES } from './types.ts';

/** Lowercases the name that starts at `offset` in place; returns the offset after it. */
function lowercaseNameAt(b: Uint8Array, offset: number): number {
  let off = offset;
  for (;;) {
    if (off >= b.length) throw new SignetError('ERR_WIRE_TRUNCATED', 'name in RDATA runs past its end');
    const len = b[off]!;
    if (len === 0) return off + 1;
    if (len > 63) throw new SignetError('ERR_WIRE_BAD_LABEL', 'bad label length in RDATA name');
    for (let i = off + 1; i <= off + len; i++) {
      const c = b[i]!;
      if (c >= 0x41 && c <= 0x5a) b[i] = c + 32;
    }
    off += len + 1;
  }
}

function skipCharacterString(b: Uint8Array, offset: number): number {
  if (offset >= b.length) throw new SignetError('ERR_WIRE_TRUNCATED', 'character-string runs past RDATA end');
  return offset + 1 + b[offset]!;
}

/**
 * RDATA in canonical form: embedded names of the listed types lowercased.
 * Returns the input itself when nothing changes (no copy for most types).
 */
export function canonicalRdata(type: number, rdata: Uint8Array): Uint8Array {
  if (!TYPES_WITH_CANONICAL_NAMES.has(type)) return rdata;
  let hasUpper = false;
  for (let i = 0; i < rdata.length; i++) {
    const c = rdata[i]!;
    if (c >= 0x41 && c <= 0x5a) { hasUpper = true; break; }
  }
  if (!hasUpper) return rdata;
  const b = rdata.slice();
  switch (type) {
    case RRType.NS: case RRType.MD: case RRType.MF: case RRType.CNAME: case RRType.MB:
    case RRType.MG: case RRType.MR: case RRType.PTR: case RRType.DNAME:
      lowercaseNameAt(b, 0);
      break;
    case RRType.SOA: case RRType.MINFO: case RRType.RP:
      lowercaseNameAt(b, lowercaseNameAt(b, 0));
      break;
    case RRType.MX: case RRType.AFSDB: case RRType.RT: case RRType.KX:
      lowercaseNameAt(b, 2);
      break;
    case RRType.PX:
      lowercaseNameAt(b, lowercaseNameAt(b, 2));
      break;
    case RRType.SRV:
      lowercaseNameAt(b, 6);
      break;
    case RRType.NAPTR: {
      let off = 4;
      for (let i = 0; i < 3; i++) off = skipCharacterString(b, off);
      lowercaseNameAt(b, off);
      break;
    }
    case RRType.SIG: case RRType.RRSIG:
      lowercaseNameAt(b, 18);
      break;
    case RRType.NXT:
      lowercaseNameAt(b, 0);
      break;
    case RRType.A6: {
      const prefix = b[0]!;
      lowercaseNameAt(b, 1 + Math.ceil((128 - prefix) / 8));
      break;
    }
    default:
      break;
  }
  return b;
}

/** Owner, type and class as one string key (canonical owner bytes), for grouping. */
export function rrsetKey(owner: Name, type: number, cls: number): string {
  return `${Buffer.from(owner.canonical).toString('latin1')}|${type}|${cls}`;
}

export interface RRsetBuildWarning {
  code: 'WARN_TTL_MISMATCH';
  message: string;
  record: ResourceRecord;
}

/**
 * Builds one RRset from records of the same owner, type and class: RDATA
 * sorted on canonical bytes and de-duplicated, one TTL (RFC 2181 §5.2: the
 * smallest, with a warning when they differ).
 */
export function buildRRset(records: readonly ResourceRecord[], warn?: (w: RRsetBuildWarning) => void): RRset {
  const first = records[0];
  if (!first) throw new SignetError('ERR_INTERNAL', 'empty RRset');
  let ttl = first.ttl;
  for (const r of records) {
    if (r.ttl !== ttl) {
      if (warn) {
        warn({ code: 'WARN_TTL_MISMATCH', record: r, message: `TTL ${r.ttl} differs from ${ttl} in the ${first.owner.toString()} RRset; using the smallest` });
      }
      if (r.ttl < ttl) ttl = r.ttl;
    }
  }
  const pairs = records.map((r) => ({ rdata: r.rdata, canonical: canonicalRdata(r.type, r.rdata) }));
  pairs.sort((a, b) => compareBytes(a.canonical, b.canonical));
  const rdatas: Uint8Array[] = [];
  const canonicalRdatas: Uint8Array[] = [];
  for (const p of pairs) {
    const last = canonicalRdatas[canonicalRdatas.length - 1];
    if (last && compareBytes(last, p.canonical) === 0) continue;
    rdatas.push(p.rdata);
    canonicalRdatas.push(p.canonical);
  }
  return { owner: first.owner, type: first.type, class: first.class, ttl, rdatas, canonicalRdatas };
}

/**
 * The signed data of an RRset after the RRSIG header: each RR as
 * owner | type | class | original TTL | RDLENGTH | canonical RDATA, in
 * canonical order (RFC 4034 §3.1.8.1, §6.2, §6.3). `owner` is the canonical
 * owner wire form, already reduced to `*.<closest labels>` for wildcards.
 */
export function encodeRRsetForSigning(ownerWire: Uint8Array, rrset: RRset, originalTtl: number): Uint8Array {
  let total = 0;
  for (const rd of rrset.canonicalRdatas) total += ownerWire.length + 10 + rd.length;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let off = 0;
  for (const rd of rrset.canonicalRdatas) {
    out.set(ownerWire, off);
    off += ownerWire.length;
    view.setUint16(off, rrset.type);
    view.setUint16(off + 2, rrset.class);
    view.setUint32(off + 4, originalTtl);
    view.setUint16(off + 8, rd.length);
    off += 10;
    out.set(rd, off);
    off += rd.length;
  }
  return out;
}
