import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/bytes.ts';
import { CDNSKEY_DELETE_RDATA, CDS_DELETE_RDATA, cdsDeleteRecords, cdsRecordsFor } from '../../src/registrar/cds.ts';
import { computeDsRdata } from '../../src/signer/ds.ts';
import { formatRdata } from '../../src/zone/rdata/index.ts';
import { Name } from '../../src/zone/name.ts';
import { RRType } from '../../src/zone/types.ts';
import { dnskey } from './helpers/keys.ts';

const ZONE = Name.parse('child.test.');

describe('CDS/CDNSKEY (RFC 7344, RFC 8078)', () => {
  it('gives one CDS per key and digest type (the DS RDATA) and one CDNSKEY per key', () => {
    const keys = [dnskey(1), dnskey(2)];
    const r = cdsRecordsFor(ZONE, keys, [2, 4]);
    expect(r.cds.map(toHex)).toEqual([
      computeDsRdata(ZONE, keys[0]!, 2), computeDsRdata(ZONE, keys[0]!, 4), computeDsRdata(ZONE, keys[1]!, 2), computeDsRdata(ZONE, keys[1]!, 4),
    ].map(toHex));
    expect(r.cdnskey.map(toHex)).toEqual(keys.map(toHex));
    expect(cdsRecordsFor(ZONE, keys).cds).toHaveLength(2);
  });

  it('writes the delete form as RFC 8078 §4 prints it', () => {
    expect(toHex(CDS_DELETE_RDATA)).toBe('0000000000');
    expect(toHex(CDNSKEY_DELETE_RDATA)).toBe('0000030000');
    const d = cdsDeleteRecords();
    expect(formatRdata(RRType.CDNSKEY, d.cdnskey[0]!)).toBe('0 3 0 AA==');
    expect(formatRdata(RRType.CDS, d.cds[0]!)).toBe('0 0 0 00');
  });
});
