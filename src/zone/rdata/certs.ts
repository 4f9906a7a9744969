/**
 * Certificate and key association RDATA: TLSA (RFC 6698 §2.2), SMIMEA
 * (RFC 8162 §2), SSHFP (RFC 4255 §3.2), OPENPGPKEY (RFC 7929 §2.3),
 * DHCID (RFC 4701 §3.6), CERT (RFC 4398 §2.2). Hex and base64 may contain white space.
 */
import { toBase64 } from '../../core/bytes.ts';
import type { RdataCodec } from './codec.ts';
import { malformed } from './codec.ts';
import { algorithmField, hexUpper } from './fields.ts';

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

/** CERT certificate types (RFC 4398 §2.1) accepted by name. */
const CERT_TYPES: Readonly<Record<string, number>> = { PKIX: 1, SPKI: 2, PGP: 3, IPKIX: 4, ISPKI: 5, IPGP: 6, ACPKIX: 7, IACPKIX: 8, URI: 253, OID: 254 };

/** CERT RDATA (RFC 4398 §2.2): type, key tag, algorithm, base64 certificate. */
export const CERT: RdataCodec = {
  parse(c, w) {
    const t = c.peek();
    const named = t && !/^\d/.test(t.text) ? CERT_TYPES[t.text.toUpperCase()] : undefined;
    if (named !== undefined) c.index++;
    w.u16(named ?? c.u16('certificate type')).u16(c.u16('key tag'));
    w.u8(algorithmField(c));
    w.bytes(c.base64Rest('certificate'));
  },
  format(r) {
    const type = r.u16();
    const tag = r.u16();
    const alg = r.u8();
    const cert = r.rest();
    if (cert.length === 0) throw malformed('CERT (empty certificate)');
    return `${type} ${tag} ${alg} ${toBase64(cert)}`;
  },
};
