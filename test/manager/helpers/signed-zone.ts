/**
 * What a signed zone file publishes, read back from the file: DNSKEY tags,
 * the tags that sign the DNSKEY RRset and the SOA, CDS key tags. The year
 * simulations feed this (what was really published when) to the resolver
 * cache model.
 */
import { RRType } from '../../../src/zone/types.ts';
import { Name } from '../../../src/zone/name.ts';
import { loadZone } from '../../../src/zone/load.ts';
import { decodeDs, decodeRrsig } from '../../../src/zone/dnssec-rdata.ts';
import { computeKeyTag } from '../../../src/signer/keytag.ts';

export interface Published {
  serial: number;
  dnskeys: number[];
  dnskeySigners: number[];
  zoneSigners: number[];
  cds: number[];
  algorithms: Map<number, number>;
}

export async function inspectSignedZone(path: string, origin: string): Promise<Published> {
  const apex = Name.parse(origin);
  const zone = await loadZone(path, apex);
  const at = (type: number) => zone.rrsets.find((s) => s.type === type && s.owner.equals(apex));
  const algorithms = new Map<number, number>();
  const dnskeys = (at(RRType.DNSKEY)?.rdatas ?? []).map((r) => {
    const tag = computeKeyTag(r);
    algorithms.set(tag, r[3]!);
    return tag;
  });
  const sigs = (at(RRType.RRSIG)?.rdatas ?? []).map(decodeRrsig);
  const signers = (type: number) => [...new Set(sigs.filter((s) => s.typeCovered === type).map((s) => s.keyTag))].sort((a, b) => a - b);
  const soa = at(RRType.SOA)!.rdatas[0]!;
  const serial = new DataView(soa.buffer, soa.byteOffset, soa.byteLength).getUint32(soa.length - 20);
  return {
    serial,
    dnskeys: dnskeys.sort((a, b) => a - b),
    dnskeySigners: signers(RRType.DNSKEY),
    zoneSigners: signers(RRType.SOA),
    cds: (at(RRType.CDS)?.rdatas ?? []).map((r) => decodeDs(r).keyTag),
    algorithms,
  };
}
