/** A (RFC 1035 §3.4.1) and AAAA (RFC 3596 §2.2) RDATA. */
import type { RdataCodec } from './codec.ts';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from './ip.ts';

export const A: RdataCodec = {
  parse(c, w) {
    const t = c.next('IPv4 address');
    const b = parseIPv4(t.text);
    if (!b) throw c.error(t, `bad IPv4 address "${t.text}"`);
    w.bytes(b);
  },
  format(r) {
    return formatIPv4(r.bytes(4));
  },
};

export const AAAA: RdataCodec = {
  parse(c, w) {
    const t = c.next('IPv6 address');
    const b = parseIPv6(t.text);
    if (!b) throw c.error(t, `bad IPv6 address "${t.text}"`);
    w.bytes(b);
  },
  format(r) {
    return formatIPv6(r.bytes(16));
  },
};
