/**
 * The fast reader's byte-level pieces (fast-rdata.ts, fast-lines.ts)
 * against the functions they stand in for: base64, base32hex, RRSIG times
 * and type bitmaps on random and edge-case input, the chunked line reader
 * on lines across chunk ends, and which lines the plain path reads.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fromBase32Hex, fromBase64, toBase32Hex, toBase64 } from '../../src/core/bytes.ts';
import { parseRrsigTime } from '../../src/core/time.ts';
import { CompactZoneBuilder } from '../../src/signer/parallel/compact-builder.ts';
import { typeOf } from '../../src/signer/parallel/fast-common.ts';
import { forEachLine, LINE_BLANK, LINE_RECORD, LINE_TOKENS, PlainLines } from '../../src/signer/parallel/fast-lines.ts';
import { newReaderState } from '../../src/signer/parallel/fast-load.ts';
import { base32HexAt, base64At, bitmapAt, ipv6At, signatureTimeAt, TokenCache } from '../../src/signer/parallel/fast-rdata.ts';
import { formatIPv6, parseIPv6 } from '../../src/zone/rdata/ip.ts';
import { encodeTypeBitmap } from '../../src/zone/dnssec-rdata.ts';
import { Name } from '../../src/zone/name.ts';

/** A small deterministic generator (xorshift32). */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function pick(r: () => number, alphabet: string, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[Math.floor(r() * alphabet.length)];
  return s;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const dst = new Uint8Array(70000);

function decode64(text: string): Uint8Array | null {
  const b = Buffer.from(text, 'latin1');
  const end = base64At(b, 0, b.length, dst, 5);
  return end < 0 ? null : dst.slice(5, end);
}

describe('base64At', () => {
  it('decodes what toBase64 writes', () => {
    const r = random(1);
    for (let n = 0; n < 200; n++) {
      const bytes = Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
      const text = toBase64(bytes);
      expect(decode64(text)).toEqual(bytes);
      // Unpadded as well.
      expect(decode64(text.replace(/=+$/, ''))).toEqual(bytes);
    }
  });

  it('gives what fromBase64 gives whenever it decodes, on random text', () => {
    const r = random(2);
    let decoded = 0;
    for (let k = 0; k < 20000; k++) {
      const text = pick(r, B64 + '==-. ', Math.floor(r() * 12)) + (r() < 0.3 ? '='.repeat(Math.floor(r() * 4)) : '');
      const ours = decode64(text);
      if (ours === null) continue;
      decoded++;
      expect(ours, text).toEqual(fromBase64(text));
    }
    expect(decoded).toBeGreaterThan(1000);
  });

  it('leaves the odd forms to fromBase64', () => {
    for (const text of ['A', 'AAAAA', 'AB=', 'A===', 'AA=A', '=', 'AAAA=', 'AB CD', 'AB-_']) expect(decode64(text), text).toBeNull();
  });
});

describe('base32HexAt', () => {
  it('gives what fromBase32Hex gives, on encodings and random text', () => {
    const r = random(3);
    for (let n = 0; n < 60; n++) {
      const bytes = Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
      const text = toBase32Hex(bytes);
      for (const t of [text, text.toUpperCase()]) {
        const b = Buffer.from(t, 'latin1');
        const end = base32HexAt(b, 0, b.length, dst, 0);
        expect(dst.slice(0, end)).toEqual(bytes);
      }
    }
    for (let k = 0; k < 20000; k++) {
      const text = pick(r, '0123456789abcdefghijklmnopqrstuvwxyzV=', 1 + Math.floor(r() * 10));
      const b = Buffer.from(text, 'latin1');
      const end = base32HexAt(b, 0, b.length, dst, 0);
      const want = fromBase32Hex(text);
      if (want === null) expect(end, text).toBe(-1);
      else expect(dst.slice(0, end), text).toEqual(want);
    }
  });
});

describe('ipv6At', () => {
  function ip(text: string): Uint8Array | null {
    const b = Buffer.from(text, 'latin1');
    const end = ipv6At(b, 0, b.length, dst, 1);
    return end < 0 ? null : dst.slice(1, end);
  }

  it('reads what formatIPv6 writes, and the full forms', () => {
    const r = random(7);
    for (let k = 0; k < 3000; k++) {
      const bytes = Uint8Array.from({ length: 16 }, () => (r() < 0.5 ? 0 : Math.floor(r() * 256)));
      if (r() < 0.1) bytes.fill(0, 0, 10).fill(0xff, 10, 12);
      const text = formatIPv6(bytes);
      if (!text.includes('.')) expect(ip(text), text).toEqual(bytes);
      const full = Array.from({ length: 8 }, (_, g) => ((bytes[g * 2]! << 8) | bytes[g * 2 + 1]!).toString(16).toUpperCase()).join(':');
      expect(ip(full), full).toEqual(bytes);
    }
  });

  it('gives what parseIPv6 gives whenever it reads, on random text', () => {
    const r = random(8);
    let read = 0;
    for (let k = 0; k < 40000; k++) {
      const text = pick(r, '0f:::A1.g', 1 + Math.floor(r() * 20));
      const ours = ip(text);
      if (ours === null) continue;
      read++;
      expect(ours, text).toEqual(parseIPv6(text));
    }
    for (const text of [':', '::', ':::', '1::', '::1', '1:', ':1', '1::2::3', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', '1:2:3:4::5:6:7:8', '::1:2:3:4:5:6:7', '1:2:3:4:5:6:7::', '12345::', '::ffff:1.2.3.4', '1:2:3:4:5:6:1.2.3.4']) {
      const ours = ip(text);
      if (ours !== null) expect(ours, text).toEqual(parseIPv6(text));
      else expect(parseIPv6(text) === null || text.includes('.'), text).toBe(true);
    }
    expect(read).toBeGreaterThan(500);
  });
});

describe('signatureTimeAt', () => {
  function time(text: string): number {
    const b = Buffer.from(text, 'latin1');
    return signatureTimeAt(b, 0, b.length);
  }

  it('reads YYYYMMDDHHmmSS as parseRrsigTime does, fields that carry included', () => {
    const r = random(4);
    const two = () => String(Math.floor(r() * 100)).padStart(2, '0');
    const cases = ['20300101000000', '19700101000000', '19691231235959', '21060207062815', '21060207062816', '99991231235959',
      '00000101000000', '00501231000000', '01000101000000', '20240229235959', '20230229000000', '20240100000000', '20241399999999',
      '20240000000000', '19700100000000', '20249999999999'];
    for (let k = 0; k < 20000; k++) {
      const year = r() < 0.8 ? String(1900 + Math.floor(r() * 300)) : String(Math.floor(r() * 10000)).padStart(4, '0');
      cases.push(year + (r() < 0.9 ? String(1 + Math.floor(r() * 12)).padStart(2, '0') : two()) + two() + two() + two() + two());
    }
    for (const text of cases) expect(time(text), text).toBe(parseRrsigTime(text));
  });

  it('reads 1 to 10 digits as seconds, and nothing else', () => {
    expect(time('0')).toBe(0);
    expect(time('1893456000')).toBe(1893456000);
    expect(time('4294967295')).toBe(4294967295);
    expect(time('4294967296')).toBe(-1);
    for (const text of ['', '12345678901', '1234567890123', '123456789012345', '2030010100000x', '+1', '1e3']) expect(time(text), text).toBe(-1);
  });
});

describe('bitmapAt', () => {
  it('gives encodeTypeBitmap\'s octets, and −1 on a name that is no type', () => {
    const r = random(5);
    const types = new TokenCache(typeOf);
    for (let k = 0; k < 3000; k++) {
      const list = Array.from({ length: Math.floor(r() * 12) }, () => (r() < 0.7 ? Math.floor(r() * 64) : Math.floor(r() * 65536)));
      const text = list.map((t) => (t === 1 ? 'A' : t === 46 ? 'rrsig' : `TYPE${t}`)).join(' ');
      const b = Buffer.from(text, 'latin1');
      const ts = new Int32Array(list.length);
      const te = new Int32Array(list.length);
      let p = 0;
      for (let i = 0; i < list.length; i++) {
        ts[i] = p;
        p = text.indexOf(' ', p);
        if (p < 0) p = text.length;
        te[i] = p++;
      }
      const end = bitmapAt(b, ts, te, 0, list.length, types, dst, 3);
      expect(dst.slice(3, end)).toEqual(encodeTypeBitmap(list));
    }
    const b = Buffer.from('A BOGUS NS', 'latin1');
    expect(bitmapAt(b, Int32Array.of(0, 2, 8), Int32Array.of(1, 7, 10), 0, 3, types, dst, 0)).toBe(-1);
    // Nothing is left behind for the next bitmap.
    expect(bitmapAt(b, Int32Array.of(8), Int32Array.of(10), 0, 1, types, dst, 0)).toBe(3);
    expect(dst.slice(0, 3)).toEqual(Uint8Array.of(0, 1, 0x20));
  });
});

const dir = mkdtempSync(join(tmpdir(), 'signet-fast-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('forEachLine', () => {
  it('gives every line, across chunk ends and longer than a chunk, with or without a last newline', async () => {
    const r = random(6);
    for (const chunk of [1, 3, 7, 64, 1 << 16]) {
      for (const ending of ['\n', '']) {
        const lines = Array.from({ length: 200 }, (_, i) => pick(r, 'ab \t\r', Math.floor(r() * (i % 10 === 0 ? 300 : 20))));
        const path = join(dir, `lines-${chunk}-${ending.length}.txt`);
        writeFileSync(path, lines.join('\n') + ending, 'latin1');
        const seen: string[] = [];
        const handle = await open(path, 'r');
        try {
          await forEachLine(handle, chunk, (buf, s, e, lineNo) => {
            expect(lineNo).toBe(seen.length + 1);
            seen.push(buf.toString('latin1', s, e));
            return false;
          });
        } finally {
          await handle.close();
        }
        const want = ending === '' && lines.at(-1) === '' ? lines.slice(0, -1) : lines;
        expect(seen).toEqual(want);
      }
    }
  });
});

describe('PlainLines', () => {
  const origin = Name.parse('example.');
  const read = (line: string): number => {
    const st = newReaderState('x.zone', origin);
    st.lastOwner = origin.wire;
    const b = Buffer.from(line, 'latin1');
    return new PlainLines().read(st, b, 0, b.length, 1, new CompactZoneBuilder(origin, 1, 'x.zone'));
  };

  it('reads signet\'s own lines from their bytes', () => {
    for (const line of [
      'example.\t3600\tIN\tRRSIG\tSOA 13 2 3600 20261209133722 20261126002300 8666 example. kYFqA8WVkK4Ql+H1xHDeY4/KYgQiObLbHe0QjQSQjdrTwrRovlqYriG7BGMu4FF1q5VUfbONhKA9XwNWe6uZsg==',
      'example.\t3600\tIN\tNS\tns1.example.',
      '000d5u908rn9ta1fp1ceqsv200l2oeod.example.\t3600\tIN\tNSEC3\t1 0 0 - 000hjlflrao8dn5n5sblu80qk7u2uc8b A RRSIG',
      'a.example.\t3600\tIN\tNSEC\tb.example. A RRSIG NSEC',
      'a.example.\t3600\tIN\tA\t192.0.2.1',
      'a.example.\t3600\tIN\tAAAA\t2001:db8::1',
      'a.example.\t3600\tIN\tMX\t10 mail.example.',
      'a.example.\t3600\tIN\tDS\t17838 13 2 B4645AE6A1B2C3D4E5F60718B4645AE6A1B2C3D4E5F60718B4645AE6A1B2C3D4',
      '\t3600\tIN\tA\t192.0.2.1\r',
    ]) expect(read(line), line).toBe(LINE_RECORD);
  });

  it('leaves the rest to the lexer', () => {
    expect(read('')).toBe(LINE_BLANK);
    expect(read(' \t\r')).toBe(LINE_BLANK);
    for (const line of [
      '$ORIGIN example.',
      'a.example. 3600 IN TXT "x"',
      'a.example. 3600 IN A 192.0.2.1 ; c',
      'a.example. 3600 IN RRSIG A 13 2 3600 ( 20261209133722',
      'a\\.b.example. 3600 IN A 192.0.2.1',
      'caf\xe9.example. 3600 IN A 192.0.2.1',
      '. 3600 IN A 192.0.2.1',
      'a.example. 3600 IN SOA ns hm 1 2 3 4 5',
      'a.example. 3600 IN DNSKEY 257 3 13 AQID',
      'a.example. 3600 IN DS 1 ECDSAP256SHA256 2 AB',
      'a.example. 3600 IN RRSIG A 13 2 3600 20261209133722 20261126002300 8666 example. AQ ID',
    ]) expect(read(line), line).toBe(LINE_TOKENS);
  });
});
