/** Field helpers shared by several RDATA codecs. */
import { toHex } from '../../core/bytes.ts';
import type { RdataCursor } from './cursor.ts';

/** Upper-case hex, as BIND prints it. */
export function hexUpper(b: Uint8Array): string {
  return toHex(b).toUpperCase();
}

/** DNSSEC algorithm mnemonics accepted in place of numbers (RFC 4034 App. A.1, IANA registry). */
const ALGORITHM_MNEMONICS: Readonly<Record<string, number>> = {
  RSAMD5: 1, DH: 2, DSA: 3, RSASHA1: 5, 'DSA-NSEC3-SHA1': 6, 'RSASHA1-NSEC3-SHA1': 7,
  RSASHA256: 8, RSASHA512: 10, 'ECC-GOST': 12, ECDSAP256SHA256: 13, ECDSAP384SHA384: 14,
  ED25519: 15, ED448: 16, INDIRECT: 252, PRIVATEDNS: 253, PRIVATEOID: 254,
};

/** An algorithm field: a number or a mnemonic. */
export function algorithmField(c: RdataCursor): number {
  const t = c.peek();
  if (t && !/^\d/.test(t.text)) {
    const v = ALGORITHM_MNEMONICS[t.text.toUpperCase()];
    if (v === undefined) throw c.error(t, `unknown DNSSEC algorithm "${t.text}"`);
    c.index++;
    return v;
  }
  return c.u8('algorithm');
}

