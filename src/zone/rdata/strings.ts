/** RDATA made of character-strings: TXT and SPF (RFC 1035 §3.3.14, RFC 7208 §3), HINFO (RFC 1035 §3.3.2). */
import type { RdataCodec } from './codec.ts';
import { malformed, readCharString, writeCharString } from './codec.ts';
import { formatCharString } from './text.ts';

export const TXT: RdataCodec = {
  parse(c, w) {
    // One or more strings, quoted or not, each at most 255 octets.
    writeCharString(w, c.charString('text'));
    while (!c.atEnd) writeCharString(w, c.charString('text'));
  },
  format(r) {
    if (r.remaining === 0) throw malformed('TXT (no string)');
    const parts: string[] = [];
    while (r.remaining > 0) parts.push(formatCharString(readCharString(r)));
    return parts.join(' ');
  },
};

export const HINFO: RdataCodec = {
  parse(c, w) {
    writeCharString(w, c.charString('CPU'));
    writeCharString(w, c.charString('OS'));
  },
  format(r) {
    const cpu = readCharString(r);
    return `${formatCharString(cpu)} ${formatCharString(readCharString(r))}`;
  },
};
