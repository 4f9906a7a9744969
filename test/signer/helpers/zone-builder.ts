/**
 * A tiny test-only record builder: enough RDATA encoders to write test
 * zones as text-like tuples without the zone-file parser.
 */
import { isIP } from 'node:net';
import { fromHex } from '../../../src/core/bytes.ts';
import { buildRRset } from '../../../src/zone/canonical.ts';
import { Name } from '../../../src/zone/name.ts';
import type { ResourceRecord, RRset } from '../../../src/zone/record.ts';
import { RRType, typeFromString } from '../../../src/zone/types.ts';
import type { Zone } from '../../../src/zone/zone.ts';
import { ByteWriter } from '../../../src/zone/wire.ts';

function ipv4(text: string): Uint8Array {
  return Uint8Array.from(text.split('.').map(Number));
}

function ipv6(text: string): Uint8Array {
  if (isIP(text) !== 6) throw new Error(`bad IPv6 ${text}`);
  const [head, tail] = text.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const w = new ByteWriter(16);
  for (const g of groups) w.u16(parseInt(g, 16));
  return w.finish();
}

function characterStrings(parts: string[]): Uint8Array {
  const w = new ByteWriter();
  for (const p of parts) {
    const b = Buffer.from(p.replace(/^"|"$/g, ''), 'latin1');
    w.u8(b.length).bytes(b);
  }
  return w.finish();
}

/** Encodes RDATA for the few types the tests use, from space-separated fields. */
export function encodeRdata(type: number, text: string, origin: Name): Uint8Array {
  const f = text.trim().split(/\s+/);
  const name = (s: string) => Name.parse(s, origin).wire;
  switch (type) {
    case RRType.A: return ipv4(f[0]!);
    case RRType.AAAA: return ipv6(f[0]!);
    case RRType.NS: case RRType.CNAME: case RRType.DNAME: case RRType.PTR: return name(f[0]!);
    case RRType.MX: return new ByteWriter().u16(Number(f[0])).bytes(name(f[1]!)).finish();
    case RRType.SOA: {
      const w = new ByteWriter().bytes(name(f[0]!)).bytes(name(f[1]!));
      for (let i = 2; i < 7; i++) w.u32(Number(f[i]));
      return w.finish();
    }
    case RRType.TXT: case RRType.HINFO: return characterStrings(f);
    case RRType.DS: case RRType.CDS:
      return new ByteWriter().u16(Number(f[0])).u8(Number(f[1])).u8(Number(f[2])).bytes(fromHex(f.slice(3).join(''))!).finish();
    case RRType.DNSKEY: case RRType.CDNSKEY:
      return new ByteWriter().u16(Number(f[0])).u8(Number(f[1])).u8(Number(f[2])).bytes(Buffer.from(f.slice(3).join(''), 'base64')).finish();
    default:
      // RFC 3597 generic form: \# LEN HEX
      if (f[0] === '\\#') return fromHex(f.slice(2).join(''))!;
      throw new Error(`test builder cannot encode type ${type}`);
  }
}

/**
 * Builds a Zone from lines `owner [ttl] TYPE rdata...` (owner relative to
 * origin or absolute, `@` for the origin; TTL defaults to 3600).
 */
export function makeZone(originText: string, lines: readonly string[]): Zone {
  const origin = Name.parse(originText);
  const records: ResourceRecord[] = [];
  for (const line of lines) {
    const fields = line.trim().split(/\s+/);
    const ownerText = fields.shift()!;
    let ttl = 3600;
    if (/^\d+$/.test(fields[0]!)) ttl = Number(fields.shift());
    if (fields[0] === 'IN') fields.shift();
    const type = typeFromString(fields.shift()!);
    if (type === null) throw new Error(`unknown type in ${line}`);
    const owner = ownerText === '@' ? origin : Name.parse(ownerText, origin);
    records.push({ owner, type, class: 1, ttl, rdata: encodeRdata(type, fields.join(' '), origin) });
  }
  return zoneFromRecords(origin, records);
}

/** Groups records into RRsets and sorts them canonically (owner, then type). */
export function zoneFromRecords(origin: Name, records: readonly ResourceRecord[]): Zone {
  const groups = new Map<string, ResourceRecord[]>();
  for (const r of records) {
    const key = `${Buffer.from(r.owner.canonical).toString('hex')}/${r.type}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  const rrsets: RRset[] = [...groups.values()].map((g) => buildRRset(g));
  rrsets.sort((a, b) => a.owner.compare(b.owner) || a.type - b.type);
  return { origin, rrsets, warnings: [] };
}
