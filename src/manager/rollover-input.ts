/**
 * The zone's unsigned input as the manager needs it: the parsed zone, a
 * digest of its data (to re-sign only when it changed, whatever file or
 * $INCLUDE the change came from), and its largest TTL (the engine's
 * `zone-ttls` observation: every wait that depends on cached zone data uses it).
 */
import { createHash } from 'node:crypto';
import type { ZoneRow } from '../keystore/types.ts';
import { loadZone } from '../zone/load.ts';
import { Name } from '../zone/name.ts';
import type { Zone } from '../zone/zone.ts';

export interface ZoneInput {
  zone: Zone;
  /** SHA-256 (hex) over every RRset in canonical form: owner, type, class, TTL, RDATA. */
  digest: string;
  /**
   * The largest TTL in the input. The signer's own RRsets (NSEC/NSEC3 at the
   * SOA minimum, RFC 9077) are never above the SOA TTL, which is counted here;
   * the DNSKEY TTL is added by the engine (ttlsInForce).
   */
  maxTtl: number;
}

export function digestZone(zone: Zone): { digest: string; maxTtl: number } {
  const hash = createHash('sha256');
  const header = Buffer.alloc(10);
  let maxTtl = 0;
  for (const set of zone.rrsets) {
    if (set.ttl > maxTtl) maxTtl = set.ttl;
    hash.update(set.owner.canonical);
    header.writeUInt16BE(set.type, 0);
    header.writeUInt16BE(set.class, 2);
    header.writeUInt32BE(set.ttl, 4);
    header.writeUInt16BE(set.canonicalRdatas.length, 8);
    hash.update(header);
    for (const rdata of set.canonicalRdatas) {
      header.writeUInt16BE(rdata.length, 0);
      hash.update(header.subarray(0, 2));
      hash.update(rdata);
    }
  }
  return { digest: hash.digest('hex'), maxTtl };
}

/** Loads and digests the zone's input file (ZoneParseError with FILE:LINE on bad input). */
export async function loadZoneInput(zone: ZoneRow): Promise<ZoneInput> {
  const parsed = await loadZone(zone.input, Name.parse(zone.name));
  return { zone: parsed, ...digestZone(parsed) };
}
