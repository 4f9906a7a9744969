/**
 * DNS messages (RFC 1035 §4.1) in and out of wire form.
 *
 * Encoding never compresses (RFC 1035 §4.1.4 makes compression optional, and
 * uncompressed names keep the TSIG MAC input simple). Decoding follows
 * compression pointers, and RDATA comes out uncompressed: the names inside
 * the RDATA of the types RFC 3597 §4 lets senders compress are expanded, so
 * every ResourceRecord holds plain wire RDATA whatever the server sent. The
 * DNSSEC types are never compressed (RFC 3597 §4, RFC 4034 §3.1.7) and are
 * copied as they are.
 *
 * EDNS(0) (RFC 6891 §6): the OPT pseudo-record is taken out of the
 * additional section into `edns`; its extended RCODE is merged into `rcode`.
 * TSIG (RFC 8945 §5.1) must be the last additional record; it is taken out
 * into `tsig` together with the offset it started at, for MAC checking.
 *
 * Any malformed input throws a SignetError with an ERR_DNS_MSG_* code; the
 * decoder loops only over bytes it consumes, so it cannot hang.
 */
import { SignetError } from '../core/errors.ts';
import { Name } from '../zone/name.ts';
import type { ResourceRecord } from '../zone/record.ts';
import { RRClass, RRType } from '../zone/types.ts';
import { ByteWriter } from '../zone/wire.ts';

export const Opcode = { QUERY: 0, NOTIFY: 4, UPDATE: 5 } as const;

/** RCODEs (RFC 1035 §4.1.1, RFC 2136 §2.2, RFC 6891 §9, RFC 8945 §5.4). */
export const Rcode = {
  NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5, YXDOMAIN: 6,
  YXRRSET: 7, NXRRSET: 8, NOTAUTH: 9, NOTZONE: 10, BADVERS: 16,
} as const;

/** TSIG Error field values (RFC 8945 §5.3.2, §5.4). */
export const TsigError = { BADSIG: 16, BADKEY: 17, BADTIME: 18, BADTRUNC: 22 } as const;

const RCODE_NAMES = new Map<number, string>(Object.entries(Rcode).map(([k, v]) => [v, k]));

/** Mnemonic for an RCODE, or `RCODEnnn`. */
export function rcodeToString(rcode: number): string {
  return RCODE_NAMES.get(rcode) ?? `RCODE${rcode}`;
}

/** Class NONE (RFC 2136 §2.4: "delete an RR from an RRset"). */
export const CLASS_NONE = 254;
/** Class ANY (RFC 1035 §3.2.5; TSIG records, RFC 8945 §4.2). */
export const CLASS_ANY = 255;

/** OPT pseudo-RR type (RFC 6891 §6.1.1); not a zone type, so not in the zone's type table. */
export const TYPE_OPT = 41;

/** The advertised EDNS UDP payload size (the DNS Flag Day 2020 value, RFC 9715 discusses it). */
export const EDNS_UDP_SIZE = 1232;

export interface MessageFlags {
  /** Response. */
  readonly qr: boolean;
  /** Authoritative answer. */
  readonly aa: boolean;
  /** Truncated. */
  readonly tc: boolean;
  /** Recursion desired. */
  readonly rd: boolean;
  /** Recursion available. */
  readonly ra: boolean;
  /** Authentic data (RFC 4035 §3.2.3). */
  readonly ad: boolean;
  /** Checking disabled (RFC 4035 §3.2.2). */
  readonly cd: boolean;
}

export const NO_FLAGS: MessageFlags = { qr: false, aa: false, tc: false, rd: false, ra: false, ad: false, cd: false };

export interface Question {
  readonly name: Name;
  readonly type: number;
  readonly class: number;
}

export interface EdnsOption {
  readonly code: number;
  readonly data: Uint8Array;
}

export interface Edns {
  readonly udpSize: number;
  /** The DO bit (RFC 3225 §3). */
  readonly dnssecOk: boolean;
  readonly version: number;
  readonly options: readonly EdnsOption[];
}

export interface DnsMessage {
  readonly id: number;
  readonly opcode: number;
  /** Full RCODE: the header's 4 bits plus, with EDNS, the OPT's upper 8 bits (RFC 6891 §6.1.3). */
  readonly rcode: number;
  readonly flags: MessageFlags;
  /** Question section (the Zone section of an UPDATE). */
  readonly questions: readonly Question[];
  /** Answer section (Prerequisite section of an UPDATE). */
  readonly answers: readonly ResourceRecord[];
  /** Authority section (Update section of an UPDATE). */
  readonly authority: readonly ResourceRecord[];
  /** Additional section without OPT and TSIG. */
  readonly additional: readonly ResourceRecord[];
  readonly edns: Edns | null;
}

/** A decoded message, with the TSIG record (if any) and where it started in the input. */
export interface DecodedMessage extends DnsMessage {
  readonly tsig: { readonly record: ResourceRecord; readonly offset: number } | null;
}

const HEADER_LENGTH = 12;
const MAX_MESSAGE = 65535;

function malformed(code: string, message: string): SignetError {
  return new SignetError(code, `malformed DNS message: ${message}`);
}

// ---------------------------------------------------------------- encoding

function writeRecord(w: ByteWriter, rr: ResourceRecord): void {
  w.bytes(rr.owner.wire).u16(rr.type).u16(rr.class).u32(rr.ttl >>> 0).u16(rr.rdata.length).bytes(rr.rdata);
}

/**
 * Wire form of a message, uncompressed. The OPT record is written last in
 * the additional section (TSIG, when wanted, is appended by tsig.ts after it).
 * Throws ERR_DNS_MSG_TOO_LONG beyond 65535 octets.
 */
export function encodeMessage(m: DnsMessage): Uint8Array {
  const w = new ByteWriter(512);
  const f = m.flags;
  const rcodeLow = m.rcode & 0x0f;
  const rcodeHigh = m.rcode >> 4;
  if (rcodeHigh !== 0 && m.edns === null) throw new SignetError('ERR_DNS_MSG_BAD_RCODE', `RCODE ${m.rcode} needs EDNS`);
  w.u16(m.id & 0xffff);
  w.u8((f.qr ? 0x80 : 0) | ((m.opcode & 0x0f) << 3) | (f.aa ? 0x04 : 0) | (f.tc ? 0x02 : 0) | (f.rd ? 0x01 : 0));
  w.u8((f.ra ? 0x80 : 0) | (f.ad ? 0x20 : 0) | (f.cd ? 0x10 : 0) | rcodeLow);
  w.u16(m.questions.length).u16(m.answers.length).u16(m.authority.length).u16(m.additional.length + (m.edns ? 1 : 0));
  for (const q of m.questions) w.bytes(q.name.wire).u16(q.type).u16(q.class);
  for (const rr of m.answers) writeRecord(w, rr);
  for (const rr of m.authority) writeRecord(w, rr);
  for (const rr of m.additional) writeRecord(w, rr);
  if (m.edns) {
    // RFC 6891 §6.1.2, §6.1.3: owner root, CLASS = UDP size, TTL = ext-RCODE | version | DO | Z.
    const e = m.edns;
    let optLen = 0;
    for (const o of e.options) optLen += 4 + o.data.length;
    w.u8(0).u16(TYPE_OPT).u16(e.udpSize).u8(rcodeHigh).u8(e.version).u16(e.dnssecOk ? 0x8000 : 0).u16(optLen);
    for (const o of e.options) w.u16(o.code).u16(o.data.length).bytes(o.data);
  }
  if (w.length > MAX_MESSAGE) throw new SignetError('ERR_DNS_MSG_TOO_LONG', `DNS message of ${w.length} octets is longer than ${MAX_MESSAGE}`);
  return w.finish();
}

export interface QueryOptions {
  readonly id: number;
  readonly name: Name;
  readonly type: number;
  readonly class?: number;
  /** Recursion desired; false for questions to authoritative servers. */
  readonly rd?: boolean;
  readonly cd?: boolean;
  /** EDNS with the DO bit (RFC 3225) and a 1232-octet UDP size; null for none. */
  readonly edns?: { readonly udpSize?: number; readonly dnssecOk?: boolean } | null;
}

/** A standard query with one question. */
export function encodeQuery(o: QueryOptions): Uint8Array {
  const edns = o.edns === undefined ? {} : o.edns;
  return encodeMessage({
    id: o.id,
    opcode: Opcode.QUERY,
    rcode: 0,
    flags: { ...NO_FLAGS, rd: o.rd ?? false, cd: o.cd ?? false },
    questions: [{ name: o.name, type: o.type, class: o.class ?? RRClass.IN }],
    answers: [],
    authority: [],
    additional: [],
    edns: edns === null ? null : { udpSize: edns.udpSize ?? EDNS_UDP_SIZE, dnssecOk: edns.dnssecOk ?? true, version: 0, options: [] },
  });
}

// ---------------------------------------------------------------- decoding

/** A bounds-checked cursor over the whole message (names may point anywhere before them). */
class MessageReader {
  readonly buf: Uint8Array;
  offset = 0;

  constructor(buf: Uint8Array) {
    this.buf = buf;
  }

  need(n: number, what: string): void {
    if (this.offset + n > this.buf.length) throw malformed('ERR_DNS_MSG_TRUNCATED', `${what} runs past the end of the message`);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.offset++]!;
  }

  u16(what: string): number {
    this.need(2, what);
    const v = (this.buf[this.offset]! << 8) | this.buf[this.offset + 1]!;
    this.offset += 2;
    return v;
  }

  u32(what: string): number {
    const hi = this.u16(what);
    return hi * 0x10000 + this.u16(what);
  }
}

const MAX_NAME_WIRE = 255;

/**
 * Reads a possibly compressed name at `offset` (RFC 1035 §4.1.4). Each pointer
 * must point strictly before the start of the labels it follows, so every
 * jump goes backwards and the walk ends; the expanded name must fit in 255
 * octets (RFC 1035 §2.3.4). Label types 01 and 10 (RFC 6891 §5) are refused.
 */
export function readCompressedName(buf: Uint8Array, offset: number): { name: Name; end: number } {
  const labels: Uint8Array[] = [];
  let length = 1;
  let off = offset;
  let segmentStart = offset;
  let end: number | null = null;
  for (;;) {
    if (off >= buf.length) throw malformed('ERR_DNS_MSG_TRUNCATED', 'a name runs past the end of the message');
    const len = buf[off]!;
    if (len === 0) {
      if (end === null) end = off + 1;
      break;
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (off + 1 >= buf.length) throw malformed('ERR_DNS_MSG_TRUNCATED', 'a compression pointer runs past the end of the message');
      const target = ((len & 0x3f) << 8) | buf[off + 1]!;
      if (end === null) end = off + 2;
      if (target >= segmentStart) throw malformed('ERR_DNS_MSG_BAD_POINTER', `compression pointer to ${target} does not point backwards`);
      off = target;
      segmentStart = target;
      continue;
    }
    if (kind !== 0) throw malformed('ERR_DNS_MSG_BAD_LABEL', `unsupported label type 0x${len.toString(16)}`);
    if (off + 1 + len > buf.length) throw malformed('ERR_DNS_MSG_TRUNCATED', 'a label runs past the end of the message');
    length += len + 1;
    if (length > MAX_NAME_WIRE) throw malformed('ERR_DNS_MSG_NAME_TOO_LONG', 'a name is longer than 255 octets');
    labels.push(buf.slice(off + 1, off + 1 + len));
    off += 1 + len;
  }
  return { name: Name.fromLabels(labels), end };
}

/** One field of an RDATA layout: a name, a fixed number of octets, a <character-string>, or the rest. */
type RdataField = 'name' | 'string' | 'rest' | number;

/**
 * RDATA layouts of the types whose names a sender may compress: the RFC 1035
 * types RFC 3597 §4 calls well-known (MUST decompress), and RP, AFSDB, RT,
 * SIG, PX, NXT, NAPTR, SRV (SHOULD decompress, same section).
 */
const COMPRESSIBLE_RDATA: ReadonlyMap<number, readonly RdataField[]> = new Map<number, readonly RdataField[]>([
  [RRType.NS, ['name']], [RRType.MD, ['name']], [RRType.MF, ['name']], [RRType.CNAME, ['name']],
  [RRType.MB, ['name']], [RRType.MG, ['name']], [RRType.MR, ['name']], [RRType.PTR, ['name']],
  [RRType.SOA, ['name', 'name', 20]], [RRType.MINFO, ['name', 'name']], [RRType.MX, [2, 'name']],
  [RRType.RP, ['name', 'name']], [RRType.AFSDB, [2, 'name']], [RRType.RT, [2, 'name']],
  [RRType.SIG, [18, 'name', 'rest']], [RRType.PX, [2, 'name', 'name']], [RRType.NXT, ['name', 'rest']],
  [RRType.NAPTR, [2, 2, 'string', 'string', 'string', 'name']], [RRType.SRV, [6, 'name']],
]);

/** The RDATA at [start, end) with compressed names expanded; other types are copied as they are. */
function readRdata(buf: Uint8Array, type: number, start: number, end: number): Uint8Array {
  const layout = COMPRESSIBLE_RDATA.get(type);
  if (!layout) return buf.slice(start, end);
  const w = new ByteWriter(end - start + 64);
  let off = start;
  const short = (): SignetError => malformed('ERR_DNS_MSG_BAD_RDATA', `RDATA of type ${type} is shorter than its type requires`);
  for (const field of layout) {
    if (field === 'name') {
      // A name must start inside the RDATA; its pointers may lead anywhere before it.
      if (off >= end) throw short();
      const { name, end: after } = readCompressedName(buf.subarray(0, end), off);
      w.bytes(name.wire);
      off = after;
    } else if (field === 'string') {
      if (off >= end) throw short();
      const n = buf[off]!;
      if (off + 1 + n > end) throw short();
      w.bytes(buf.subarray(off, off + 1 + n));
      off += 1 + n;
    } else if (field === 'rest') {
      w.bytes(buf.subarray(off, end));
      off = end;
    } else {
      if (off + field > end) throw short();
      w.bytes(buf.subarray(off, off + field));
      off += field;
    }
  }
  if (off !== end) throw malformed('ERR_DNS_MSG_BAD_RDATA', `RDATA of type ${type} is longer than its fields`);
  return w.finish();
}

function readRecord(r: MessageReader, what: string): ResourceRecord {
  const { name, end } = readCompressedName(r.buf, r.offset);
  r.offset = end;
  const type = r.u16(what);
  const cls = r.u16(what);
  const ttl = r.u32(what);
  const rdlength = r.u16(what);
  r.need(rdlength, `${what} RDATA`);
  const start = r.offset;
  r.offset += rdlength;
  const rdata = readRdata(r.buf, type, start, start + rdlength);
  return { owner: name, type, class: cls, ttl, rdata };
}

function decodeOpt(rr: ResourceRecord): { edns: Edns; extendedRcode: number } {
  // RFC 6891 §6.1.1: the OPT owner MUST be the root.
  if (!rr.owner.isRoot) throw malformed('ERR_DNS_MSG_BAD_OPT', 'OPT record with an owner other than the root');
  const options: EdnsOption[] = [];
  let off = 0;
  const d = rr.rdata;
  while (off < d.length) {
    if (off + 4 > d.length) throw malformed('ERR_DNS_MSG_BAD_OPT', 'truncated EDNS option');
    const code = (d[off]! << 8) | d[off + 1]!;
    const len = (d[off + 2]! << 8) | d[off + 3]!;
    if (off + 4 + len > d.length) throw malformed('ERR_DNS_MSG_BAD_OPT', 'EDNS option longer than the OPT RDATA');
    options.push({ code, data: d.slice(off + 4, off + 4 + len) });
    off += 4 + len;
  }
  const ttl = rr.ttl;
  return {
    edns: { udpSize: rr.class, version: (ttl >>> 16) & 0xff, dnssecOk: (ttl & 0x8000) !== 0, options },
    extendedRcode: ttl >>> 24,
  };
}

/**
 * Decodes a whole message. Trailing octets after the last record are an
 * error (ERR_DNS_MSG_TRAILING_DATA): a message that is not exactly what it
 * says it is cannot be trusted for anything else either.
 */
export function decodeMessage(buf: Uint8Array): DecodedMessage {
  try {
    return decodeMessageUnchecked(buf);
  } catch (e) {
    if (e instanceof SignetError) {
      if (e.code.startsWith('ERR_DNS_MSG_')) throw e;
      // Name.fromLabels and friends: keep the reason under a message code.
      throw new SignetError('ERR_DNS_MSG_BAD_NAME', `malformed DNS message: ${e.message}`, { cause: e });
    }
    throw new SignetError('ERR_DNS_MSG_MALFORMED', 'malformed DNS message', { cause: e });
  }
}

function decodeMessageUnchecked(buf: Uint8Array): DecodedMessage {
  if (buf.length < HEADER_LENGTH) throw malformed('ERR_DNS_MSG_TRUNCATED', `${buf.length} octets is shorter than a DNS header`);
  const r = new MessageReader(buf);
  const id = r.u16('header');
  const b2 = r.u8('header');
  const b3 = r.u8('header');
  const qdcount = r.u16('header');
  const ancount = r.u16('header');
  const nscount = r.u16('header');
  const arcount = r.u16('header');
  const flags: MessageFlags = {
    qr: (b2 & 0x80) !== 0, aa: (b2 & 0x04) !== 0, tc: (b2 & 0x02) !== 0, rd: (b2 & 0x01) !== 0,
    ra: (b3 & 0x80) !== 0, ad: (b3 & 0x20) !== 0, cd: (b3 & 0x10) !== 0,
  };
  const questions: Question[] = [];
  for (let i = 0; i < qdcount; i++) {
    const { name, end } = readCompressedName(buf, r.offset);
    r.offset = end;
    questions.push({ name, type: r.u16('question'), class: r.u16('question') });
  }
  const answers: ResourceRecord[] = [];
  for (let i = 0; i < ancount; i++) answers.push(readRecord(r, 'answer record'));
  const authority: ResourceRecord[] = [];
  for (let i = 0; i < nscount; i++) authority.push(readRecord(r, 'authority record'));
  const additional: ResourceRecord[] = [];
  let edns: Edns | null = null;
  let extendedRcode = 0;
  let tsig: DecodedMessage['tsig'] = null;
  for (let i = 0; i < arcount; i++) {
    const start = r.offset;
    const rr = readRecord(r, 'additional record');
    if (rr.type === TYPE_OPT) {
      // RFC 6891 §6.1.1: at most one OPT, else FORMERR.
      if (edns !== null) throw malformed('ERR_DNS_MSG_BAD_OPT', 'more than one OPT record');
      ({ edns, extendedRcode } = decodeOpt(rr));
    } else if (rr.type === RRType.TSIG) {
      // RFC 8945 §5.1: "the TSIG RR ... MUST be the last record in the additional section".
      if (i !== arcount - 1) throw malformed('ERR_DNS_MSG_BAD_TSIG', 'TSIG record that is not the last additional record');
      tsig = { record: rr, offset: start };
    } else {
      additional.push(rr);
    }
  }
  for (const section of [answers, authority]) {
    for (const rr of section) {
      if (rr.type === TYPE_OPT) throw malformed('ERR_DNS_MSG_BAD_OPT', 'OPT record outside the additional section');
      if (rr.type === RRType.TSIG) throw malformed('ERR_DNS_MSG_BAD_TSIG', 'TSIG record outside the additional section');
    }
  }
  if (r.offset !== buf.length) throw malformed('ERR_DNS_MSG_TRAILING_DATA', `${buf.length - r.offset} octets after the last record`);
  return {
    id,
    opcode: (b2 >> 3) & 0x0f,
    rcode: (extendedRcode << 4) | (b3 & 0x0f),
    flags,
    questions,
    answers,
    authority,
    additional,
    edns,
    tsig,
  };
}
