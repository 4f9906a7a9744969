/**
 * The byte formatter of the streaming signer against src/zone/writer.ts
 * formatRecord: the same text for every type it has a fast path for, on
 * random RDATA, names with every kind of octet, and RRSIG times over the
 * whole 32-bit range; and the same errors on malformed RDATA.
 */
import { describe, expect, it } from 'vitest';
import { TextBuffer } from '../../src/signer/parallel/format.ts';
import { Name } from '../../src/zone/name.ts';
import { RRType, typeToString } from '../../src/zone/types.ts';
import { formatRecord } from '../../src/zone/writer.ts';

/** A small deterministic generator (xorshift32). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function bytes(r: () => number, n: number, alphabet?: readonly number[]): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = alphabet ? alphabet[Math.floor(r() * alphabet.length)]! : Math.floor(r() * 256);
  return b;
}

const PLAIN = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_*'].map((c) => c.charCodeAt(0));

function randomName(r: () => number): Uint8Array {
  const labels: Uint8Array[] = [];
  const count = Math.floor(r() * 4);
  for (let i = 0; i < count; i++) labels.push(bytes(r, 1 + Math.floor(r() * 10), r() < 0.8 ? PLAIN : undefined));
  return Name.fromLabels(labels).wire;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

function u16(n: number): Uint8Array {
  return Uint8Array.of(n >>> 8, n & 255);
}

function u32(n: number): Uint8Array {
  return Uint8Array.of(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
}

function bitmap(r: () => number): Uint8Array {
  const out: number[] = [];
  for (const window of [0, 1, 255].filter(() => r() < 0.7)) {
    const len = 1 + Math.floor(r() * 32);
    const octets = [...bytes(r, len)];
    octets[len - 1] = octets[len - 1]! | 1;
    out.push(window, len, ...octets);
  }
  return Uint8Array.from(out);
}

function randomRdata(type: number, r: () => number): Uint8Array {
  switch (type) {
    case RRType.A: return bytes(r, 4);
    case RRType.AAAA: {
      const b = bytes(r, 16);
      // Runs of zero groups in varied places, and the IPv4-mapped form.
      const k = Math.floor(r() * 6);
      if (k === 0) b.fill(0, 0, 8);
      else if (k === 1) b.fill(0, 4, 12);
      else if (k === 2) b.fill(0, 8);
      else if (k === 3) { b.fill(0, 0, 10); b[10] = 0xff; b[11] = 0xff; }
      else if (k === 4) { b.fill(0, 2, 6); b.fill(0, 8, 12); }
      return b;
    }
    case RRType.NS: case RRType.CNAME: case RRType.PTR: case RRType.DNAME: return randomName(r);
    case RRType.MX: return concat(u16(Math.floor(r() * 65536)), randomName(r));
    case RRType.DS: case RRType.CDS: return concat(u16(Math.floor(r() * 65536)), Uint8Array.of(13, 2), bytes(r, 1 + Math.floor(r() * 48)));
    case RRType.TXT: case RRType.SPF: {
      const parts: Uint8Array[] = [];
      const n = 1 + Math.floor(r() * 3);
      for (let i = 0; i < n; i++) {
        const s = bytes(r, Math.floor(r() * 40), r() < 0.5 ? PLAIN.concat([0x22, 0x5c, 0x20, 0x3b]) : undefined);
        parts.push(Uint8Array.of(s.length), s);
      }
      return concat(...parts);
    }
    case RRType.RRSIG:
      return concat(u16([1, 2, 6, 50, 65535][Math.floor(r() * 5)]!), Uint8Array.of(13, Math.floor(r() * 4)), u32(Math.floor(r() * 2 ** 32)),
        u32(Math.floor(r() * 2 ** 32)), u32(Math.floor(r() * 2 ** 32)), u16(Math.floor(r() * 65536)), randomName(r), bytes(r, 1 + Math.floor(r() * 96)));
    case RRType.NSEC: return concat(randomName(r), bitmap(r));
    case RRType.NSEC3: {
      const salt = bytes(r, Math.floor(r() * 4));
      const hash = bytes(r, 1 + Math.floor(r() * 20));
      return concat(Uint8Array.of(1, Math.floor(r() * 2)), u16(Math.floor(r() * 65536)), Uint8Array.of(salt.length), salt, Uint8Array.of(hash.length), hash, bitmap(r));
    }
    default: throw new Error(`no generator for ${typeToString(type)}`);
  }
}

function fast(owner: Name, ttl: number, type: number, rdata: Uint8Array): string {
  const t = new TextBuffer(64);
  t.record(t.ownerText(owner.wire, 0, owner.wire.length), ttl, 1, type, rdata, 0, rdata.length);
  return Buffer.from(t.take()).toString('utf8');
}

function outcome(f: () => string): string {
  try {
    return f();
  } catch (e) {
    return `error ${(e as { code?: string }).code}`;
  }
}

const TYPES = [RRType.A, RRType.AAAA, RRType.NS, RRType.CNAME, RRType.PTR, RRType.DNAME, RRType.MX, RRType.DS, RRType.CDS, RRType.TXT, RRType.SPF, RRType.RRSIG, RRType.NSEC, RRType.NSEC3];

describe('TextBuffer.record', () => {
  it('writes what formatRecord writes, on random RDATA of every fast type', () => {
    const r = rng(20261125);
    for (const type of TYPES) {
      for (let i = 0; i < 300; i++) {
        const owner = Name.fromWire(randomName(r), 0).name;
        const rdata = randomRdata(type, r);
        const ttl = Math.floor(r() * 2 ** 31);
        expect(fast(owner, ttl, type, rdata), `${typeToString(type)} ${Buffer.from(rdata).toString('hex')}`).toBe(formatRecord(owner, ttl, 1, type, rdata) + '\n');
      }
    }
  });

  it('falls back to formatRdata for other types and for malformed RDATA, with the same errors', () => {
    const owner = Name.parse('x.example.');
    const cases: Array<[number, Uint8Array]> = [
      [RRType.SOA, concat(Name.parse('a.').wire, Name.parse('b.').wire, u32(1), u32(2), u32(3), u32(4), u32(5))],
      [RRType.HINFO, Uint8Array.of(1, 0x41, 1, 0x42)],
      [RRType.A, Uint8Array.of(1, 2, 3)],
      [RRType.TXT, new Uint8Array(0)],
      [RRType.TXT, Uint8Array.of(5, 0x41)],
      [RRType.MX, Uint8Array.of(0, 1, 3, 0x61)],
      [RRType.DS, Uint8Array.of(0, 1, 13, 2)],
      [RRType.RRSIG, new Uint8Array(19)],
      [RRType.NSEC3, Uint8Array.of(1, 0, 0, 0, 0, 0)],
      [RRType.NSEC, concat(Name.parse('a.').wire, Uint8Array.of(0, 0))],
      [RRType.NS, Uint8Array.of(64, ...new Uint8Array(64), 0)],
      [RRType.AAAA, new Uint8Array(15)],
    ];
    for (const [type, rdata] of cases) {
      expect(outcome(() => fast(owner, 300, type, rdata)), typeToString(type)).toBe(outcome(() => formatRecord(owner, 300, 1, type, rdata) + '\n'));
    }
  });

  it('prints RRSIG records from a separate header and signature as one RDATA', () => {
    const r = rng(7);
    const owner = Name.parse('www.example.');
    for (let i = 0; i < 200; i++) {
      const rdata = randomRdata(RRType.RRSIG, r);
      let nameEnd = 18;
      while (rdata[nameEnd] !== 0) nameEnd += rdata[nameEnd]! + 1;
      const t = new TextBuffer(16);
      t.rrsigLine(t.ownerText(owner.wire, 0, owner.wire.length), 300, 1, rdata.subarray(0, nameEnd + 1), rdata.subarray(nameEnd + 1));
      expect(Buffer.from(t.take()).toString('utf8')).toBe(formatRecord(owner, 300, 1, RRType.RRSIG, rdata) + '\n');
    }
  });
});
