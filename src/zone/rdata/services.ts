/** Service location RDATA: SRV (RFC 2782), NAPTR (RFC 3403 §4.1), URI (RFC 7553 §4.5). */
import type { RdataCodec } from './codec.ts';
import { malformed, readCharString, readName, writeCharString } from './codec.ts';
import { formatCharString } from './text.ts';

export const SRV: RdataCodec = {
  parse(c, w) {
    w.u16(c.u16('priority')).u16(c.u16('weight')).u16(c.u16('port'));
    w.bytes(c.name('target').wire);
  },
  format(r) {
    const p = r.u16();
    const wt = r.u16();
    const port = r.u16();
    return `${p} ${wt} ${port} ${readName(r).toString()}`;
  },
};

export const NAPTR: RdataCodec = {
  parse(c, w) {
    w.u16(c.u16('order')).u16(c.u16('preference'));
    writeCharString(w, c.charString('flags'));
    writeCharString(w, c.charString('services'));
    writeCharString(w, c.charString('regexp'));
    w.bytes(c.name('replacement').wire);
  },
  format(r) {
    const order = r.u16();
    const pref = r.u16();
    const flags = formatCharString(readCharString(r));
    const services = formatCharString(readCharString(r));
    const regexp = formatCharString(readCharString(r));
    return `${order} ${pref} ${flags} ${services} ${regexp} ${readName(r).toString()}`;
  },
};

export const URI: RdataCodec = {
  parse(c, w) {
    w.u16(c.u16('priority')).u16(c.u16('weight'));
    // RFC 7553 §4.5: the target is one quoted string filling the rest of the RDATA (no length octet).
    const t = c.next('target');
    const b = c.decodeString(t, 0xffff);
    if (b.length === 0) throw c.error(t, 'URI target must not be empty');
    w.bytes(b);
  },
  format(r) {
    const p = r.u16();
    const wt = r.u16();
    const target = r.rest();
    if (target.length === 0) throw malformed('URI (empty target)');
    return `${p} ${wt} ${formatCharString(target)}`;
  },
};
