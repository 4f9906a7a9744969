/**
 * Certificate and key association RDATA: TLSA (RFC 6698 §2.2), SMIMEA
 * (RFC 8162 §2), SSHFP (RFC 4255 §3.2), OPENPGPKEY (RFC 7929 §2.3),
 * DHCID (RFC 4701 §3.6). Hex and base64 may contain white space.
 */
import { toBase64, toHex } from '../../core/bytes.ts';
import type { RdataCodec } from './codec.ts';
import { malformed } from './codec.ts';

/** Upper-case hex, as BIND prints it. */
export function hexUpper(b: Uint8Array): string {
  return toHex(b).toUpperCase();
}

export const TLSA: RdataCodec = {
  parse(c, w) {
    w.u8(c.u8('certificate usage')).u8(c.u8('selector')).u8(c.u8('matching type'));
    w.bytes(c.hexRest('certificate association data'));
  },
  format(r) {
    const u = r.u8();
    const s = r.u8();
    const m = r.u8();
    const data = r.rest();
    if (data.length === 0) throw malformed('TLSA (no association data)');
    return `${u} ${s} ${m} ${hexUpper(data)}`;
  },
};

export const SSHFP: RdataCodec = {
  parse(c, w) {
    w.u8(c.u8('algorithm')).u8(c.u8('fingerprint type'));
    w.bytes(c.hexRest('fingerprint'));
  },
  format(r) {
    const a = r.u8();
    const t = r.u8();
    const fp = r.rest();
    if (fp.length === 0) throw malformed('SSHFP (no fingerprint)');
    return `${a} ${t} ${hexUpper(fp)}`;
  },
};

/** RDATA that is one base64 blob: OPENPGPKEY, DHCID. */
export const BASE64_BLOB: RdataCodec = {
  parse(c, w) {
    w.bytes(c.base64Rest('base64 data'));
  },
  format(r) {
    const b = r.rest();
    if (b.length === 0) throw malformed('base64 (empty)');
    return toBase64(b);
  },
};
