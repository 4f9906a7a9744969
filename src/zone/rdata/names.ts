/**
 * RDATA made of domain names, optionally after a 16-bit preference:
 * NS CNAME PTR MB MG MR MD MF (RFC 1035 §3.3), DNAME (RFC 6672 §2.1),
 * MX (RFC 1035 §3.3.9), KX (RFC 2230), RT and AFSDB (RFC 1183), RP and
 * MINFO (RFC 1183 §2.2, RFC 1035 §3.3.7), and SOA (RFC 1035 §3.3.13).
 */
import type { RdataCodec } from './codec.ts';
import { readName } from './codec.ts';

export const SINGLE_NAME: RdataCodec = {
  parse(c, w) {
    w.bytes(c.name('domain name').wire);
  },
  format(r) {
    return readName(r).toString();
  },
};

export const PREFERENCE_NAME: RdataCodec = {
  parse(c, w) {
    w.u16(c.u16('preference'));
    w.bytes(c.name('domain name').wire);
  },
  format(r) {
    const pref = r.u16();
    return `${pref} ${readName(r).toString()}`;
  },
};

export const TWO_NAMES: RdataCodec = {
  parse(c, w) {
    w.bytes(c.name('mailbox name').wire);
    w.bytes(c.name('domain name').wire);
  },
  format(r) {
    const a = readName(r);
    return `${a.toString()} ${readName(r).toString()}`;
  },
};

export const SOA: RdataCodec = {
  parse(c, w) {
    w.bytes(c.name('primary server name (MNAME)').wire);
    w.bytes(c.name('mailbox (RNAME)').wire);
    w.u32(c.u32('serial'));
    // RFC 1035 §3.3.13: the timers are 32-bit seconds; BIND also takes TTL units (1h, 2w).
    w.u32(c.interval('refresh'));
    w.u32(c.interval('retry'));
    w.u32(c.interval('expire'));
    w.u32(c.interval('minimum'));
  },
  format(r) {
    const mname = readName(r);
    const rname = readName(r);
    return `${mname.toString()} ${rname.toString()} ${r.u32()} ${r.u32()} ${r.u32()} ${r.u32()} ${r.u32()}`;
  },
};
