/** Smaller types: EUI48/EUI64 (RFC 7043 §3.2, §4.2), ZONEMD (RFC 8976 §2.3), CSYNC (RFC 7477 §2.1.1). */
import { decodeTypeBitmap, encodeTypeBitmap } from '../dnssec-rdata.ts';
import { typeFromString, typeToString } from '../types.ts';
import type { RdataCodec } from './codec.ts';
import { malformed } from './codec.ts';
import { hexUpper } from './fields.ts';

function eui(octets: number): RdataCodec {
  const re = new RegExp(`^[0-9a-fA-F]{2}(-[0-9a-fA-F]{2}){${octets - 1}}$`);
  return {
    parse(c, w) {
      const t = c.next(`EUI-${octets * 8} address`);
      // RFC 7043 §3.2: hex pairs separated by hyphens, nothing else.
      if (!re.test(t.text)) throw c.error(t, `bad EUI-${octets * 8} address "${t.text}"`);
      for (const part of t.text.split('-')) w.u8(parseInt(part, 16));
    },
    format(r) {
      return Array.from(r.bytes(octets), (b) => b.toString(16).padStart(2, '0')).join('-');
    },
  };
}

export const EUI48 = eui(6);
export const EUI64 = eui(8);

export const ZONEMD: RdataCodec = {
  parse(c, w) {
    w.u32(c.u32('serial')).u8(c.u8('scheme')).u8(c.u8('hash algorithm'));
    w.bytes(c.hexRest('digest'));
  },
  format(r) {
    const serial = r.u32();
    const scheme = r.u8();
    const alg = r.u8();
    const digest = r.rest();
    if (digest.length === 0) throw malformed('ZONEMD (empty digest)');
    return `${serial} ${scheme} ${alg} ${hexUpper(digest)}`;
  },
};

export const CSYNC: RdataCodec = {
  parse(c, w) {
    w.u32(c.u32('SOA serial')).u16(c.u16('flags'));
    const types: number[] = [];
    while (!c.atEnd) {
      const t = c.next('type');
      const v = typeFromString(t.text);
      if (v === null) throw c.error(t, `unknown type "${t.text}" in type bitmap`, 'ERR_ZONE_UNKNOWN_TYPE');
      types.push(v);
    }
    w.bytes(encodeTypeBitmap(types));
  },
  format(r) {
    const serial = r.u32();
    const flags = r.u16();
    return `${serial} ${flags} ${decodeTypeBitmap(r.rest()).map(typeToString).join(' ')}`.trimEnd();
  },
};
