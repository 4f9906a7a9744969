/** Synthetic DNSKEYs for DS matching tests (the digest does not care whether the key is a real point). */
import { computeDsRdata } from '../../../src/signer/ds.ts';
import { encodeDnskey } from '../../../src/zone/dnssec-rdata.ts';
import type { Name } from '../../../src/zone/name.ts';
import type { ResourceRecord } from '../../../src/zone/record.ts';
import { RRType } from '../../../src/zone/types.ts';

export function dnskey(seed: number, flags = 257, algorithm = 13): Uint8Array {
  return encodeDnskey({ flags, protocol: 3, algorithm, publicKey: Uint8Array.from({ length: 64 }, (_, i) => (seed * 31 + i * 7) & 0xff) });
}

export function dsRecord(zone: Name, key: Uint8Array, digestType: 1 | 2 | 4 = 2, ttl = 3600): ResourceRecord {
  return { owner: zone, type: RRType.DS, class: 1, ttl, rdata: computeDsRdata(zone, key, digestType) };
}
