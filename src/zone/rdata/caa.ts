/** CAA RDATA (RFC 8659 §4.1.1): flags, tag, value. */
import type { RdataCodec } from './codec.ts';
import { malformed } from './codec.ts';
import { formatCharString } from './text.ts';

const TAG = /^[A-Za-z0-9]{1,255}$/;

export const CAA: RdataCodec = {
  parse(c, w) {
    w.u8(c.u8('flags'));
    const t = c.next('tag');
    // RFC 8659 §4.1: "Tag: ... ASCII letters and numbers", at least one.
    if (t.quoted || !TAG.test(t.text)) throw c.error(t, `bad CAA tag "${t.text}": letters and digits only`);
    w.u8(t.text.length);
    for (let i = 0; i < t.text.length; i++) w.u8(t.text.charCodeAt(i));
    // The value fills the rest of the RDATA: no 255-octet limit.
    w.bytes(c.decodeString(c.next('value'), 0xffff));
  },
  format(r) {
    const flags = r.u8();
    const tag = String.fromCharCode(...r.bytes(r.u8()));
    if (!TAG.test(tag)) throw malformed('CAA (bad tag)');
    return `${flags} ${tag} ${formatCharString(r.rest())}`;
  },
};
