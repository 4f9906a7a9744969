/**
 * Writes a signed zone as a master file that BIND, NSD and Knot load as it
 * is: absolute names, one record per line, each RRset followed by its
 * RRSIGs. Written to a temporary file, fsynced and renamed (AtomicFileWriter),
 * so a failure never leaves a partial file in place of the previous one.
 */
import { AtomicFileWriter } from '../io/atomic-write.ts';
import type { SignedZone } from '../signer/sign-zone.ts';
import { formatRecord } from '../zone/writer.ts';
import { RRType } from '../zone/types.ts';

/** Renders the zone into `sink` line by line (no whole-file string). */
export function renderSignedZone(zone: SignedZone, sink: (text: string) => void): void {
  sink(`; signed by signet, serial ${zone.serial}\n`);
  // Some loaders expect the SOA as the zone's first record, so it goes first;
  // everything else follows in canonical order.
  const soa = zone.rrsets.find((s) => s.rrset.type === RRType.SOA);
  if (soa) writeSet(soa, sink);
  for (const set of zone.rrsets) if (set !== soa) writeSet(set, sink);
}

function writeSet({ rrset, signatures }: SignedZone['rrsets'][number], sink: (text: string) => void): void {
  for (const rdata of rrset.rdatas) sink(formatRecord(rrset.owner, rrset.ttl, rrset.class, rrset.type, rdata) + '\n');
  for (const sig of signatures) sink(formatRecord(rrset.owner, rrset.ttl, rrset.class, RRType.RRSIG, sig) + '\n');
}

export function writeSignedZone(path: string, zone: SignedZone): void {
  const out = new AtomicFileWriter(path);
  try {
    renderSignedZone(zone, (t) => out.write(t));
  } catch (e) {
    out.abort();
    throw e;
  }
  out.commit();
}
