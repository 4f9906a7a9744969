/**
 * Presentation output: one record per line, absolute owner, fields separated
 * by tabs (`owner TTL CLASS TYPE rdata`), in the RFC 1035 §5.1 master format
 * that BIND, NSD and Knot load. Types without a codec use RFC 3597 `\#`.
 * `parseZoneText(formatRecord(...))` gives the same record back.
 */
import type { Name } from './name.ts';
import type { ResourceRecord } from './record.ts';
import { formatRdata } from './rdata/index.ts';
import { classToString, typeToString } from './types.ts';

/** One record as a master-file line (no newline). Throws on RDATA that is not valid for its type. */
export function formatRecord(owner: Name, ttl: number, cls: number, type: number, rdata: Uint8Array): string {
  return `${owner.toString()}\t${ttl}\t${classToString(cls)}\t${typeToString(type)}\t${formatRdata(type, rdata)}`;
}

/** The same for a ResourceRecord. */
export function formatResourceRecord(rr: ResourceRecord): string {
  return formatRecord(rr.owner, rr.ttl, rr.class, rr.type, rr.rdata);
}
