import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/bytes.ts';
import { formatRdata } from '../../src/zone/rdata/index.ts';
import { typeFromString } from '../../src/zone/types.ts';
import { GOLDEN } from './golden-cases.ts';
import { parseOne } from './helpers.ts';

describe('RDATA presentation codecs (golden cases)', () => {
  for (const c of GOLDEN) {
    it(`${c.type} ${c.text.replace(/\s+/g, ' ').slice(0, 60)}`, () => {
      const rr = parseOne(`x ${c.type} ${c.text}`);
      expect(rr.type).toBe(typeFromString(c.type));
      expect(toHex(rr.rdata)).toBe(c.hex);
      expect(formatRdata(rr.type, rr.rdata)).toBe(c.printed ?? c.text);
    });
  }
});

describe('RDATA field errors', () => {
  const bad: [string, string][] = [
    ['A 192.0.2', 'ERR_ZONE_BAD_RDATA'],
    ['A 192.0.2.256', 'ERR_ZONE_BAD_RDATA'],
    ['A 192.0.2.01', 'ERR_ZONE_BAD_RDATA'],
    ['A 192.0.2.1 192.0.2.2', 'ERR_ZONE_BAD_RDATA'],
    ['AAAA 2001:db8::1::2', 'ERR_ZONE_BAD_RDATA'],
    ['AAAA 1:2:3:4:5:6:7:8:9', 'ERR_ZONE_BAD_RDATA'],
    ['MX 65536 mail', 'ERR_ZONE_BAD_RDATA'],
    ['MX mail', 'ERR_ZONE_BAD_RDATA'],
    ['MX 10', 'ERR_ZONE_BAD_RDATA'],
    ['SOA a b 1 2 3 4', 'ERR_ZONE_BAD_RDATA'],
    ['SOA a b 4294967296 2 3 4 5', 'ERR_ZONE_BAD_RDATA'],
    ['HINFO "one"', 'ERR_ZONE_BAD_RDATA'],
    ['TXT "\\256"', 'ERR_ZONE_BAD_ESCAPE'],
    ['CAA 0 "issue" "x"', 'ERR_ZONE_BAD_RDATA'],
    ['CAA 0 is-sue "x"', 'ERR_ZONE_BAD_RDATA'],
    ['DS 1 13 2 XYZ', 'ERR_ZONE_BAD_RDATA'],
    ['DS 1 13 2 ABC', 'ERR_ZONE_BAD_RDATA'],
    ['DS 1 FOO 2 AB', 'ERR_ZONE_BAD_RDATA'],
    ['DNSKEY 256 3 13 !!!', 'ERR_ZONE_BAD_RDATA'],
    ['RRSIG A 13 2 300 2030x 20240101000000 1 example. AQID', 'ERR_ZONE_BAD_RDATA'],
    ['RRSIG FOO 13 2 300 20300101000000 20240101000000 1 example. AQID', 'ERR_ZONE_UNKNOWN_TYPE'],
    ['NSEC next. A BOGUS', 'ERR_ZONE_UNKNOWN_TYPE'],
    ['NSEC3 1 0 0 xyz 2vptu5timamqttgl4luu9kg21e0aor3s', 'ERR_ZONE_BAD_RDATA'],
    ['NSEC3 1 0 0 - 2vptu5timamqttgl4luu9kg21e0aor3z', 'ERR_ZONE_BAD_RDATA'],
    ['SVCB 1 . alpn', 'ERR_ZONE_BAD_RDATA'],
    ['SVCB 1 . port=99999', 'ERR_ZONE_BAD_RDATA'],
    ['SVCB 1 . port=1 port=2', 'ERR_ZONE_BAD_RDATA'],
    ['SVCB 1 . mandatory=alpn port=1', 'ERR_ZONE_BAD_RDATA'],
    ['SVCB 1 . mandatory=mandatory', 'ERR_ZONE_BAD_RDATA'],
    ['SVCB 1 . no-default-alpn=x', 'ERR_ZONE_BAD_RDATA'],
    ['SVCB 1 . key65535=x', 'ERR_ZONE_BAD_RDATA'],
    ['SVCB 1 . foo=bar', 'ERR_ZONE_BAD_RDATA'],
    ['SVCB 1 . ipv4hint=1.2.3', 'ERR_ZONE_BAD_RDATA'],
    ['URI 1 1 ""', 'ERR_ZONE_BAD_RDATA'],
    ['EUI48 00-00-5e-00-53', 'ERR_ZONE_BAD_RDATA'],
    ['LOC 52 22 23.000 N 4 53 32.000 E', 'ERR_ZONE_BAD_RDATA'],
    ['LOC 91 N 4 E 0m', 'ERR_ZONE_BAD_RDATA'],
    ['LOC 52 60 N 4 E 0m', 'ERR_ZONE_BAD_RDATA'],
    ['LOC 52 22 23.0001 N 4 E 0m', 'ERR_ZONE_BAD_RDATA'],
    ['LOC 52 N 4 E 0m 90000000.01m', 'ERR_ZONE_BAD_RDATA'],
    ['LOC 52 X 4 E 0m', 'ERR_ZONE_BAD_RDATA'],
    ['WKS 192.0.2.1 6 smtp', 'ERR_ZONE_BAD_RDATA'],
    ['CERT FOO 0 0 AQID', 'ERR_ZONE_BAD_RDATA'],
    ['A \\# 3 C00002', 'ERR_ZONE_BAD_RDATA'],
    ['A \\# 4 C00002', 'ERR_ZONE_BAD_RDATA'],
    ['MX \\# 3 000a05', 'ERR_ZONE_BAD_RDATA'],
    ['TYPE65280 \\# 2 0A000001', 'ERR_ZONE_BAD_RDATA'],
    ['TYPE65280 0A000001', 'ERR_ZONE_BAD_RDATA'],
  ];
  for (const [rdata, code] of bad) {
    it(`rejects ${rdata} with ${code} on its line`, () => {
      let err: { code?: string; position?: { line: number } } = {};
      try {
        parseOne(`; comment\nx ${rdata}`);
      } catch (e) {
        err = e as typeof err;
      }
      expect(err.code).toBe(code);
      expect(err.position?.line).toBe(2);
    });
  }

  it('points at the offending RDATA token', () => {
    let err: { code?: string; position?: { line: number; column: number } } = {};
    try {
      parseOne('host 300 IN MX 10 bad..name');
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.code).toBe('ERR_ZONE_BAD_NAME');
    expect(err.position).toMatchObject({ line: 1, column: 19 });
  });

  it('accepts character-strings of 255 octets and rejects 256 (RFC 1035 §3.3)', () => {
    expect(parseOne(`x TXT "${'a'.repeat(255)}"`).rdata.length).toBe(256);
    let err: { code?: string; position?: { line: number; column: number } } = {};
    try {
      parseOne(`x TXT ok "${'a'.repeat(256)}"`);
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.code).toBe('ERR_ZONE_STRING_TOO_LONG');
    expect(err.position).toMatchObject({ line: 1, column: 10 });
  });

  it('counts \\DDD escapes as one octet in the 255 limit', () => {
    expect(parseOne(`x TXT "${'\\065'.repeat(255)}"`).rdata.length).toBe(256);
  });
});

describe('formatRdata on wire input', () => {
  it('prints unknown types in RFC 3597 form', () => {
    expect(formatRdata(65280, Uint8Array.of(1, 2))).toBe('\\# 2 0102');
    expect(formatRdata(65280, new Uint8Array(0))).toBe('\\# 0');
  });

  it('rejects malformed RDATA of known types', () => {
    expect(() => formatRdata(1, Uint8Array.of(1, 2, 3))).toThrow(expect.objectContaining({ code: 'ERR_WIRE_TRUNCATED' }));
    expect(() => formatRdata(1, Uint8Array.of(1, 2, 3, 4, 5))).toThrow(expect.objectContaining({ code: 'ERR_RDATA_MALFORMED' }));
    // SVCB keys out of order (RFC 9460 §2.2).
    const svcb = Uint8Array.of(0, 1, 0, 0, 3, 0, 2, 0, 80, 0, 1, 0, 3, 2, 104, 50);
    expect(() => formatRdata(64, svcb)).toThrow(expect.objectContaining({ code: 'ERR_RDATA_MALFORMED' }));
  });
});
