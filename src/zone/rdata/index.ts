/**
 * RDATA presentation for every type: one codec per type family, and the
 * RFC 3597 generic form for any type (known types included, and the only
 * form for types without a codec here).
 */
import { SignetError } from '../../core/errors.ts';
import { RRType } from '../types.ts';
import { ByteReader, ByteWriter } from '../wire.ts';
import { A, AAAA } from './address.ts';
import { CAA } from './caa.ts';
import { BASE64_BLOB, CERT, SSHFP, TLSA } from './certs.ts';
import type { RdataCodec } from './codec.ts';
import type { RdataCursor } from './cursor.ts';
import { rewrap } from './cursor.ts';
import { DNSKEY, DS, NSEC, NSEC3, NSEC3PARAM, RRSIG } from './dnssec.ts';
import { formatGeneric, isGenericForm, parseGeneric } from './generic.ts';
import { LOC } from './loc.ts';
import { CSYNC, EUI48, EUI64, ZONEMD } from './misc.ts';
import { PREFERENCE_NAME, SINGLE_NAME, SOA, TWO_NAMES } from './names.ts';
import { NAPTR, SRV, URI } from './services.ts';
import { HINFO, TXT } from './strings.ts';
import { SVCB } from './svcb.ts';

const CODECS: ReadonlyMap<number, RdataCodec> = new Map<number, RdataCodec>([
  [RRType.A, A], [RRType.AAAA, AAAA],
  [RRType.NS, SINGLE_NAME], [RRType.CNAME, SINGLE_NAME], [RRType.DNAME, SINGLE_NAME], [RRType.PTR, SINGLE_NAME],
  [RRType.MB, SINGLE_NAME], [RRType.MG, SINGLE_NAME], [RRType.MR, SINGLE_NAME], [RRType.MD, SINGLE_NAME], [RRType.MF, SINGLE_NAME],
  [RRType.MX, PREFERENCE_NAME], [RRType.KX, PREFERENCE_NAME], [RRType.RT, PREFERENCE_NAME], [RRType.AFSDB, PREFERENCE_NAME],
  [RRType.RP, TWO_NAMES], [RRType.MINFO, TWO_NAMES],
  [RRType.SOA, SOA],
  [RRType.TXT, TXT], [RRType.SPF, TXT], [RRType.HINFO, HINFO],
  [RRType.SRV, SRV], [RRType.NAPTR, NAPTR], [RRType.URI, URI], [RRType.CAA, CAA],
  [RRType.TLSA, TLSA], [RRType.SMIMEA, TLSA], [RRType.SSHFP, SSHFP],
  [RRType.OPENPGPKEY, BASE64_BLOB], [RRType.DHCID, BASE64_BLOB], [RRType.CERT, CERT], [RRType.LOC, LOC],
  [RRType.SVCB, SVCB], [RRType.HTTPS, SVCB],
  [RRType.DS, DS], [RRType.CDS, DS], [RRType.DNSKEY, DNSKEY], [RRType.CDNSKEY, DNSKEY],
  [RRType.RRSIG, RRSIG], [RRType.NSEC, NSEC], [RRType.NSEC3, NSEC3], [RRType.NSEC3PARAM, NSEC3PARAM],
  [RRType.EUI48, EUI48], [RRType.EUI64, EUI64], [RRType.ZONEMD, ZONEMD], [RRType.CSYNC, CSYNC],
]);

/** True when `type` has a presentation format here (others only take `\#`). */
export function hasRdataCodec(type: number): boolean {
  return CODECS.has(type);
}

/** One writer reused for every record: the parser is synchronous between records. */
const writer = new ByteWriter(512);

/**
 * Presentation tokens → wire RDATA for `type`. Consumes the cursor to its
 * end; errors are ZoneParseErrors at the offending token.
 */
export function parseRdata(type: number, c: RdataCursor): Uint8Array {
  writer.length = 0;
  const codec = CODECS.get(type);
  const first = c.peek();
  if (isGenericForm(c)) {
    parseGeneric(c, writer);
    const rdata = writer.finish();
    // RFC 3597 §5: generic data for a known type must be valid RDATA of that type.
    if (codec) {
      try {
        formatRdata(type, rdata);
      } catch (e) {
        throw rewrap(e, c.position(first), 'ERR_ZONE_BAD_RDATA');
      }
    }
    return rdata;
  }
  if (!codec) {
    throw c.error(first, 'this type has no text format here; write its RDATA as \\# <length> <hex> (RFC 3597)');
  }
  if (!first) throw c.error(null, 'missing RDATA');
  codec.parse(c, writer);
  c.expectEnd();
  if (writer.length > 0xffff) throw c.error(first, `RDATA of ${writer.length} octets is longer than 65535`);
  return writer.finish();
}

/**
 * Wire RDATA → presentation text. Types without a codec print in the RFC
 * 3597 form `\# len hex`. Throws SignetError ERR_RDATA_MALFORMED (or a wire
 * error) when the bytes are not valid RDATA of the type.
 */
export function formatRdata(type: number, rdata: Uint8Array): string {
  const codec = CODECS.get(type);
  if (!codec) return formatGeneric(rdata);
  const r = new ByteReader(rdata);
  const text = codec.format(r);
  if (r.remaining !== 0) throw new SignetError('ERR_RDATA_MALFORMED', `RDATA has ${r.remaining} octets after its last field`);
  return text;
}

export { formatGeneric } from './generic.ts';
