import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/core/bytes.ts';
import {
  decodeMessage, encodeMessage, encodeQuery, NO_FLAGS, readCompressedName, TYPE_OPT,
} from '../../src/dns/message.ts';
import { Name } from '../../src/zone/name.ts';
import { RRType } from '../../src/zone/types.ts';

const hex = (s: string): Uint8Array => fromHex(s.replace(/\s+/g, ''))!;

function codeOf(f: () => unknown): string | null {
  try {
    f();
    return null;
  } catch (e) {
    return (e as { code?: string }).code ?? 'NOT_A_SIGNET_ERROR';
  }
}

describe('encodeQuery', () => {
  it('writes the header, one question and an OPT with DO and UDP size 1232', () => {
    const q = encodeQuery({ id: 0x1234, name: Name.parse('Example.COM.'), type: RRType.DS });
    expect(toHex(q)).toBe(
      '1234' + '0000' + '0001' + '0000' + '0000' + '0001'
      + '074578616d706c6503434f4d00' + '002b' + '0001'
      + '00' + '0029' + '04d0' + '00' + '00' + '8000' + '0000',
    );
  });

  it('sets RD and CD on request and can leave EDNS out', () => {
    const q = encodeQuery({ id: 1, name: Name.root, type: RRType.NS, rd: true, cd: true, edns: null });
    expect(toHex(q.subarray(0, 12))).toBe('000101100001000000000000');
  });

  it('round-trips through decodeMessage', () => {
    const q = encodeQuery({ id: 7, name: Name.parse('a.b.'), type: RRType.SOA, edns: { udpSize: 4096, dnssecOk: false } });
    const m = decodeMessage(q);
    expect(m.id).toBe(7);
    expect(m.flags).toEqual(NO_FLAGS);
    expect(m.questions[0]!.name.toString()).toBe('a.b.');
    expect(m.edns).toEqual({ udpSize: 4096, dnssecOk: false, version: 0, options: [] });
    expect(m.additional).toEqual([]);
  });
});

describe('decodeMessage', () => {
  // A response for example.com. NS with compressed owners and compressed RDATA names.
  const response = hex(`
    abcd 8580 0001 0002 0000 0001
    07 6578616d706c65 03 636f6d 00 0002 0001
    c00c 0002 0001 00000e10 0006 03 6e7331 c00c
    c00c 0002 0001 00000e10 0002 c029
    00 0029 1000 01 00 8000 0000`);

  it('follows compression pointers in owners and expands names inside NS RDATA', () => {
    const m = decodeMessage(response);
    expect(m.id).toBe(0xabcd);
    expect(m.flags).toMatchObject({ qr: true, aa: true, rd: true, ra: true, tc: false });
    expect(m.answers.map((r) => r.owner.toString())).toEqual(['example.com.', 'example.com.']);
    expect(Name.fromWire(m.answers[0]!.rdata, 0).name.toString()).toBe('ns1.example.com.');
    // The second NS points at the first one's RDATA.
    expect(toHex(m.answers[1]!.rdata)).toBe(toHex(Name.parse('ns1.example.com.').wire));
    // Extended RCODE 1 in the OPT: rcode = 1 << 4 | 0 (RFC 6891 §6.1.3).
    expect(m.rcode).toBe(16);
    expect(m.edns?.dnssecOk).toBe(true);
  });

  it('expands SOA, MX and SRV names and keeps the fixed fields', () => {
    const msg = encodeMessage({
      id: 1, opcode: 0, rcode: 0, flags: { ...NO_FLAGS, qr: true }, questions: [{ name: Name.parse('x.'), type: RRType.SOA, class: 1 }],
      answers: [], authority: [], additional: [], edns: null,
    });
    // Append by hand: SOA with compressed mname and rname, MX and SRV with compressed targets.
    const soa = hex('c00c 0006 0001 00000001 001c c00c 03 686f73 c00c 00000001 00000002 00000003 00000004 00000005');
    const mx = hex('c00c 000f 0001 00000001 0004 000a c00c');
    const srv = hex('c00c 0021 0001 00000001 0008 0001 0002 0035 c00c');
    const all = new Uint8Array([...msg, ...soa, ...mx, ...srv]);
    all[7] = 3;
    const m = decodeMessage(all);
    expect(toHex(m.answers[0]!.rdata)).toBe('017800' + '03686f73017800' + '0000000100000002000000030000000400000005');
    expect(toHex(m.answers[1]!.rdata)).toBe('000a017800');
    expect(toHex(m.answers[2]!.rdata)).toBe('000100020035017800');
  });

  it('copies DNSSEC RDATA as it is (never compressed, RFC 3597 §4)', () => {
    const rdata = hex('3039 0d 02' + 'c00c'.repeat(16));
    const msg = encodeMessage({
      id: 2, opcode: 0, rcode: 0, flags: { ...NO_FLAGS, qr: true }, questions: [{ name: Name.parse('x.'), type: RRType.DS, class: 1 }],
      answers: [{ owner: Name.parse('x.'), type: RRType.DS, class: 1, ttl: 60, rdata }], authority: [], additional: [], edns: null,
    });
    expect(toHex(decodeMessage(msg).answers[0]!.rdata)).toBe(toHex(rdata));
  });

  it('takes a TSIG record out of the additional section with its offset', () => {
    const base = encodeMessage({
      id: 3, opcode: 0, rcode: 0, flags: NO_FLAGS, questions: [], answers: [], authority: [],
      additional: [{ owner: Name.parse('k.'), type: RRType.TSIG, class: 255, ttl: 0, rdata: hex('00 000000000000 012c 0000 0003 0000 0000') }],
      edns: null,
    });
    const m = decodeMessage(base);
    expect(m.tsig?.offset).toBe(12);
    expect(m.additional).toEqual([]);
  });

  const bad: [string, string, string][] = [
    ['shorter than a header', '0001 8000 0000', 'ERR_DNS_MSG_TRUNCATED'],
    ['a question cut short', '0001 8000 0001 0000 0000 0000 03 6162', 'ERR_DNS_MSG_TRUNCATED'],
    ['counts larger than the data', '0001 8000 0000 ffff ffff ffff', 'ERR_DNS_MSG_TRUNCATED'],
    ['a pointer to itself', '0001 8000 0001 0000 0000 0000 c00c 0001 0001', 'ERR_DNS_MSG_BAD_POINTER'],
    ['a forward pointer', '0001 8000 0001 0000 0000 0000 c00e 0001 0001 00', 'ERR_DNS_MSG_BAD_POINTER'],
    ['two pointers in a loop', '0001 8000 0002 0000 0000 0000 01 61 c012 0001 0001 01 62 c00c 0001 0001', 'ERR_DNS_MSG_BAD_POINTER'],
    ['an extended label type', '0001 8000 0001 0000 0000 0000 41 00 0001 0001', 'ERR_DNS_MSG_BAD_LABEL'],
    ['an RDLENGTH past the end', '0001 8000 0000 0001 0000 0000 00 0001 0001 00000000 0010 7f000001', 'ERR_DNS_MSG_TRUNCATED'],
    ['an NS RDATA longer than its name', '0001 8000 0000 0001 0000 0000 00 0002 0001 00000000 0003 00 0000', 'ERR_DNS_MSG_BAD_RDATA'],
    ['an SOA RDATA too short', '0001 8000 0000 0001 0000 0000 00 0006 0001 00000000 0004 00 00 0000', 'ERR_DNS_MSG_BAD_RDATA'],
    ['trailing octets', '0001 8000 0000 0000 0000 0000 ff', 'ERR_DNS_MSG_TRAILING_DATA'],
    ['two OPT records', '0001 8000 0000 0000 0000 0002 00 0029 1000 00000000 0000 00 0029 1000 00000000 0000', 'ERR_DNS_MSG_BAD_OPT'],
    ['an OPT owned by a non-root name', '0001 8000 0000 0000 0000 0001 01 61 00 0029 1000 00000000 0000', 'ERR_DNS_MSG_BAD_OPT'],
    ['an OPT in the answer section', '0001 8000 0000 0001 0000 0000 00 0029 1000 00000000 0000', 'ERR_DNS_MSG_BAD_OPT'],
    ['a truncated EDNS option', '0001 8000 0000 0000 0000 0001 00 0029 1000 00000000 0003 000a 00', 'ERR_DNS_MSG_BAD_OPT'],
    ['a TSIG that is not last', '0001 8000 0000 0000 0000 0002 00 00fa 00ff 00000000 0000 00 0001 0001 00000000 0000', 'ERR_DNS_MSG_BAD_TSIG'],
  ];
  for (const [what, bytes, code] of bad) {
    it(`refuses ${what} with ${code}`, () => {
      expect(codeOf(() => decodeMessage(hex(bytes)))).toBe(code);
    });
  }

  it('refuses a name longer than 255 octets built from pointers', () => {
    // 4 labels of 63 octets = 256 octets with the root.
    const label = '3f' + '61'.repeat(63);
    const bytes = hex('0001 8000 0001 0000 0000 0000' + label.repeat(4) + '00 0001 0001');
    expect(codeOf(() => decodeMessage(bytes))).toBe('ERR_DNS_MSG_NAME_TOO_LONG');
  });

  it('never throws anything but a coded error on random garbage, and always ends', () => {
    // Seeded xorshift so that a failure can be replayed.
    let seed = 0x9e3779b9;
    const next = (): number => {
      seed ^= seed << 13; seed >>>= 0;
      seed ^= seed >>> 17;
      seed ^= seed << 5; seed >>>= 0;
      return seed;
    };
    const valid = hex('abcd 8580 0001 0002 0000 0001 07 6578616d706c65 03 636f6d 00 0002 0001 c00c 0002 0001 00000e10 0006 03 6e7331 c00c c00c 0002 0001 00000e10 0002 c029 00 0029 1000 01 00 8000 0000');
    for (let i = 0; i < 3000; i++) {
      let b: Uint8Array;
      if (i % 2 === 0) {
        b = new Uint8Array(next() % 80);
        for (let j = 0; j < b.length; j++) b[j] = next() & 0xff;
      } else {
        // Mutate a valid message: flip a few bytes, maybe cut it.
        b = valid.slice(0, valid.length - (next() % 8));
        for (let k = 0; k < 3; k++) b[next() % b.length] = next() & 0xff;
      }
      try {
        decodeMessage(b);
      } catch (e) {
        expect((e as { code?: string }).code, `seed step ${i}: ${toHex(b)}`).toMatch(/^ERR_DNS_MSG_/);
      }
    }
  });
});

describe('readCompressedName', () => {
  it('returns the end after the first pointer', () => {
    const buf = hex('01 61 00 01 62 c000');
    const r = readCompressedName(buf, 3);
    expect(r.name.toString()).toBe('b.a.');
    expect(r.end).toBe(7);
  });
});

describe('encodeMessage', () => {
  it('refuses an extended RCODE without EDNS', () => {
    expect(codeOf(() => encodeMessage({ id: 0, opcode: 0, rcode: 16, flags: NO_FLAGS, questions: [], answers: [], authority: [], additional: [], edns: null })))
      .toBe('ERR_DNS_MSG_BAD_RCODE');
  });

  it('writes the OPT type number 41', () => {
    expect(TYPE_OPT).toBe(41);
  });
});
