import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/bytes.ts';
import { Name } from '../../src/zone/name.ts';
import { formatRdata } from '../../src/zone/rdata/index.ts';
import { RRClass, RRType } from '../../src/zone/types.ts';
import { expectZoneError, parse, thrown } from './helpers.ts';

const SOA = '@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300';

describe('owner names and $ORIGIN (RFC 1035 §5.1)', () => {
  it('completes relative names with the origin and reads @ as the origin', () => {
    const rrs = parse(`${SOA}\nwww A 192.0.2.1\nabs.other. A 192.0.2.2\n@ NS ns1`);
    expect(rrs.map((r) => r.owner.toString())).toEqual(['example.', 'www.example.', 'abs.other.', 'example.']);
  });

  it('changes the origin with $ORIGIN, relative to the current one', () => {
    const rrs = parse(`$TTL 60\n$ORIGIN sub\nwww A 192.0.2.1\n$ORIGIN deep.Other.\n@ A 192.0.2.2\nx CNAME y`);
    expect(rrs.map((r) => r.owner.toString())).toEqual(['www.sub.example.', 'deep.Other.', 'x.deep.Other.']);
    expect(formatRdata(RRType.CNAME, rrs[2]!.rdata)).toBe('y.deep.Other.');
  });

  it('makes RDATA names absolute and keeps their case', () => {
    const [rr] = parse('$TTL 60\nm MX 10 Mail.Sub');
    expect(formatRdata(RRType.MX, rr!.rdata)).toBe('10 Mail.Sub.example.');
    expect(toHex(rr!.rdata)).toBe('000a044d61696c03537562076578616d706c6500');
  });

  it('reuses the previous owner when a line starts with a blank', () => {
    const rrs = parse('$TTL 60\nwww A 192.0.2.1\n\tAAAA 2001:db8::1\n  TXT "x"\nmail A 192.0.2.2\n MX 10 mail');
    expect(rrs.map((r) => `${r.owner} ${r.type}`)).toEqual(['www.example. 1', 'www.example. 28', 'www.example. 16', 'mail.example. 1', 'mail.example. 15']);
  });

  it('reads \\. and \\DDD in owner names', () => {
    const rrs = parse('$TTL 60\na\\.b A 192.0.2.1\nsp\\032ce A 192.0.2.2\n\\@ A 192.0.2.3');
    expect(rrs[0]!.owner.labels.length).toBe(2);
    expect(rrs.map((r) => r.owner.toString())).toEqual(['a\\.b.example.', 'sp\\032ce.example.', '\\@.example.']);
  });

  it('records the source position of each record', () => {
    const rrs = parse('$TTL 60\n\nwww A 192.0.2.1\n  AAAA ::1\nx ( A\n 192.0.2.9 )');
    expect(rrs.map((r) => r.source)).toEqual([
      { file: 'test.zone', line: 3, column: 1 },
      { file: 'test.zone', line: 4, column: 3 },
      { file: 'test.zone', line: 5, column: 1 },
    ]);
  });
});

describe('TTL and class fields', () => {
  it('accepts TTL and class in either order, both optional', () => {
    const rrs = parse('$TTL 99\na 300 IN A 192.0.2.1\nb IN 300 A 192.0.2.1\nc IN A 192.0.2.1\nd 300 A 192.0.2.1\ne A 192.0.2.1\nf in 7 a 192.0.2.1\ng CLASS1 TYPE1 192.0.2.1');
    expect(rrs.map((r) => r.ttl)).toEqual([300, 300, 99, 300, 99, 7, 99]);
    expect(rrs.every((r) => r.class === RRClass.IN && r.type === RRType.A)).toBe(true);
  });

  it('reads TTL units as BIND does (w d h m s, any case, combined)', () => {
    const rrs = parse('a 1h A 192.0.2.1\nb 1d A 192.0.2.1\nc 2w A 192.0.2.1\nd 1h30m A 192.0.2.1\ne 1W2D3H4M5S A 192.0.2.1\nf 0 A 192.0.2.1');
    expect(rrs.map((r) => r.ttl)).toEqual([3600, 86400, 1209600, 5400, 788645, 0]);
  });

  it('$TTL sets the default and explicit TTLs do not change it (RFC 2308 §4)', () => {
    const rrs = parse('$TTL 1d\na A 192.0.2.1\nb 60 A 192.0.2.1\nc A 192.0.2.1\n$TTL 5m\nd A 192.0.2.1');
    expect(rrs.map((r) => r.ttl)).toEqual([86400, 60, 86400, 300]);
  });

  it('without $TTL, a record takes the last explicit TTL (RFC 1035 §5.1)', () => {
    const rrs = parse(`${SOA}\na A 192.0.2.1\nb 60 A 192.0.2.1\nc A 192.0.2.1`);
    expect(rrs.map((r) => r.ttl)).toEqual([3600, 3600, 60, 60]);
  });

  it('without any TTL, the SOA takes its MINIMUM and that becomes the default (BIND)', () => {
    const rrs = parse('@ SOA ns1 hm 1 2 3 4 300\nns1 3600 A 192.0.2.1\na A 192.0.2.2');
    expect(rrs.map((r) => r.ttl)).toEqual([300, 3600, 300]);
  });

  it('the defaultTtl option acts as a leading $TTL', () => {
    expect(parse('a A 192.0.2.1', Name.parse('example.'), 42)[0]!.ttl).toBe(42);
  });

  it('rejects a record with no TTL from anywhere', () => {
    expectZoneError('www A 192.0.2.1', 'ERR_ZONE_NO_TTL', 1, 1);
  });

  it('rejects malformed TTLs with ERR_ZONE_BAD_TTL at the token', () => {
    expectZoneError('$TTL 60\na 1h30 A 192.0.2.1', 'ERR_ZONE_BAD_TTL', 2, 3);
    expectZoneError('$TTL 60\na 1x A 192.0.2.1', 'ERR_ZONE_BAD_TTL', 2, 3);
    expectZoneError('$TTL 1y', 'ERR_ZONE_BAD_TTL', 1, 6);
    expectZoneError('$TTL -5', 'ERR_ZONE_BAD_TTL', 1, 6);
  });

  it('rejects TTLs above 2^31 - 1 (RFC 2181 §8)', () => {
    expect(parse('a 2147483647 A 192.0.2.1')[0]!.ttl).toBe(2147483647);
    expectZoneError('\na 2147483648 A 192.0.2.1', 'ERR_ZONE_BAD_TTL', 2, 3);
    expectZoneError('$TTL 4294967296', 'ERR_ZONE_BAD_TTL', 1, 6);
  });

  it('rejects a class other than the zone class', () => {
    expectZoneError('$TTL 60\na A 192.0.2.1\nb CH TXT "x"', 'ERR_ZONE_CLASS_MISMATCH', 3, 3);
    expectZoneError('$TTL 60\nb 60 HS A 192.0.2.1', 'ERR_ZONE_CLASS_MISMATCH', 2, 6);
  });
});

describe('types', () => {
  it('reads TYPEnnn for known and unknown types (RFC 3597 §5)', () => {
    const rrs = parse('$TTL 60\na TYPE1 192.0.2.1\nb TYPE65280 \\# 3 010203\nc type16 "x"');
    expect(rrs.map((r) => r.type)).toEqual([1, 65280, 16]);
    expect(toHex(rrs[1]!.rdata)).toBe('010203');
  });

  it('reads the generic \\# form for a known type as that type', () => {
    const [rr] = parse('$TTL 60\na A \\# 4 C0000201');
    expect(rr!.type).toBe(RRType.A);
    expect(formatRdata(RRType.A, rr!.rdata)).toBe('192.0.2.1');
  });

  it('rejects unknown mnemonics with ERR_ZONE_UNKNOWN_TYPE at the type', () => {
    expectZoneError('$TTL 60\nwww 60 IN AA 192.0.2.1', 'ERR_ZONE_UNKNOWN_TYPE', 2, 11);
    expectZoneError('$TTL 60\nwww TYPE65536 \\# 0', 'ERR_ZONE_UNKNOWN_TYPE', 2, 5);
  });

  it('rejects a record without a type, and meta types', () => {
    expectZoneError('$TTL 60\nwww 60 IN', 'ERR_ZONE_MISSING_TYPE', 2);
    expectZoneError('$TTL 60\nwww ANY \\# 0', 'ERR_ZONE_BAD_TYPE', 2, 5);
    expectZoneError('$TTL 60\nwww TYPE41 \\# 0', 'ERR_ZONE_BAD_TYPE', 2, 5);
  });
});

describe('strings, comments and parentheses', () => {
  it('reads TXT escapes: \\" \\\\ \\DDD and non-ASCII bytes as UTF-8', () => {
    const [rr] = parse('$TTL 60\nt TXT "a\\"b" "c\\\\d" "\\000\\255" "é" ; trailing comment');
    expect(toHex(rr!.rdata)).toBe('03612262' + '03635c64' + '0200ff' + '02c3a9');
  });

  it('lets a record span lines inside parentheses, with comments in between', () => {
    const rrs = parse('$TTL 60\n@ SOA ns1 hm ( ; comment\n  2024 ; serial\n  1h 15m 1w 5m )\nnext A 192.0.2.1');
    expect(formatRdata(RRType.SOA, rrs[0]!.rdata)).toBe('ns1.example. hm.example. 2024 3600 900 604800 300');
    expect(rrs[1]!.source?.line).toBe(5);
  });

  it('accepts CRLF line endings', () => {
    const rrs = parse('$TTL 60\r\na A 192.0.2.1\r\n\tTXT "x"\r\n');
    expect(rrs).toHaveLength(2);
  });

  it('reports unclosed quotes and parentheses with their position', () => {
    expectZoneError('$TTL 60\nt TXT "never closed', 'ERR_ZONE_UNCLOSED_QUOTE', 2, 7);
    expectZoneError('$TTL 60\nt TXT ( "a"\n "b"\n', 'ERR_ZONE_UNCLOSED_PAREN', 2, 7);
  });
});

describe('name errors are zone errors with a position', () => {
  it('maps a long label to ERR_ZONE_LABEL_TOO_LONG', () => {
    expectZoneError(`$TTL 60\n${'a'.repeat(64)} A 192.0.2.1`, 'ERR_ZONE_LABEL_TOO_LONG', 2, 1);
    expectZoneError(`$TTL 60\nx CNAME ${'a'.repeat(64)}`, 'ERR_ZONE_LABEL_TOO_LONG', 2, 9);
  });

  it('maps a long name to ERR_ZONE_NAME_TOO_LONG (also when the origin makes it too long)', () => {
    // 62 labels of 3 octets: 249 octets absolute, 257 with `example.` appended.
    const long = Array(62).fill('abc').join('.');
    expect(parse(`$TTL 60\n${long}. A 192.0.2.1`)).toHaveLength(1);
    expectZoneError(`$TTL 60\n${long} A 192.0.2.1`, 'ERR_ZONE_NAME_TOO_LONG', 2, 1);
    expectZoneError(`$TTL 60\nx NS ${long}.abc.abc.`, 'ERR_ZONE_NAME_TOO_LONG', 2, 6);
  });

  it('maps empty labels and bad escapes to ERR_ZONE_BAD_NAME', () => {
    expectZoneError('$TTL 60\na..b A 192.0.2.1', 'ERR_ZONE_BAD_NAME', 2, 1);
    expectZoneError('$TTL 60\nx PTR a\\256b', 'ERR_ZONE_BAD_NAME', 2, 7);
  });

  it('describes errors as FILE:LINE:COL: message', () => {
    const e = thrown(() => parse(`$TTL 60\n\nx CNAME ${'a'.repeat(64)}`));
    expect(e.describe()).toMatch(/^test\.zone:3:9: label longer than 63/);
  });
});

describe('directives', () => {
  it('rejects unknown directives and missing arguments', () => {
    expectZoneError('$GENERATE 1-10 host$ A 192.0.2.$', 'ERR_ZONE_UNKNOWN_DIRECTIVE', 1, 1);
    expectZoneError('$TTL', 'ERR_ZONE_BAD_DIRECTIVE', 1);
    expectZoneError('$ORIGIN a. b.', 'ERR_ZONE_BAD_DIRECTIVE', 1, 12);
  });

  it('rejects $INCLUDE in text parsing (it needs a file)', () => {
    expectZoneError('$INCLUDE other.zone', 'ERR_ZONE_INCLUDE_UNSUPPORTED', 1, 10);
  });

  it('rejects a blank owner with no previous owner', () => {
    expectZoneError('$TTL 60\n  A 192.0.2.1', 'ERR_ZONE_NO_OWNER', 2, 3);
  });
});
