/**
 * Loads a zone file into a Zone: streams the parser, groups records into
 * RRsets (RFC 2181 §5), sorts them in canonical order (RFC 4034 §6.1, then
 * type number) and enforces the rules a zone must meet, each error at the
 * position of the record that breaks it:
 * - exactly one SOA, at the apex (RFC 1035 §5.2, RFC 1034 §4.2.1);
 * - an NS RRset at the apex (RFC 1034 §4.2.1);
 * - a CNAME alone at its name, except RRSIG and NSEC (RFC 1034 §3.6.2,
 *   RFC 2181 §10.1, RFC 4035 §2.5), one record only, and not at the apex;
 * - one DNAME per name (RFC 6672 §2.4);
 * - no data outside the zone, one class throughout.
 */
import { ZoneParseError } from '../core/errors.ts';
import type { SourcePosition } from '../core/errors.ts';
import { equalBytes } from '../core/bytes.ts';
import { buildRRset, canonicalRdata } from './canonical.ts';
import type { RRsetBuildWarning } from './canonical.ts';
import type { Name } from './name.ts';
import { parseZoneFileBatches } from './parser.ts';
import type { ResourceRecord, RRset } from './record.ts';
import { classToString, RRClass, RRType } from './types.ts';
import type { Zone, ZoneWarning } from './zone.ts';

export interface LoadOptions {
  /** TTL for records without one, as if the file started with `$TTL`. */
  defaultTtl?: number;
  /** The zone class (default IN). */
  class?: number;
}

/** Records of one RRset as read, and the order their first record came in. */
interface TypeGroup {
  readonly type: number;
  readonly seq: number;
  records: ResourceRecord[];
}

/** Everything at one owner name (case-insensitive). */
interface OwnerBucket {
  readonly owner: Name;
  readonly groups: TypeGroup[];
}

function positionOf(rr: ResourceRecord, file: string): SourcePosition {
  return rr.source ?? { file, line: 1, column: 1 };
}

function describe(p: SourcePosition): string {
  return `${p.file}:${p.line}:${p.column}`;
}

/** Types allowed beside a CNAME (RFC 4035 §2.5). */
function mayAccompanyCname(type: number): boolean {
  return type === RRType.CNAME || type === RRType.RRSIG || type === RRType.NSEC;
}

export async function loadZone(path: string, origin: Name, options: LoadOptions = {}): Promise<Zone> {
  const zoneClass = options.class ?? RRClass.IN;
  // Keyed by canonical owner; consecutive records of one owner (the usual case) skip the lookup.
  const owners = new Map<string, OwnerBucket>();
  let lastOwner: Name | null = null;
  let lastBucket: OwnerBucket | null = null;
  let seq = 0;
  let soa: ResourceRecord | null = null;
  const parseOptions = options.defaultTtl === undefined ? { origin, class: zoneClass } : { origin, class: zoneClass, defaultTtl: options.defaultTtl };
  for await (const batch of parseZoneFileBatches(path, parseOptions)) for (const rr of batch) {
    if (!rr.owner.isSubdomainOf(origin)) {
      throw new ZoneParseError('ERR_ZONE_OUT_OF_ZONE', `${rr.owner.toString()} is not in the zone ${origin.toString()}`, positionOf(rr, path));
    }
    if (rr.class !== zoneClass) {
      throw new ZoneParseError('ERR_ZONE_CLASS_MISMATCH', `class ${classToString(rr.class)} differs from the zone class ${classToString(zoneClass)}`, positionOf(rr, path));
    }
    if (rr.type === RRType.SOA) {
      if (!rr.owner.equals(origin)) throw new ZoneParseError('ERR_ZONE_SOA_NOT_AT_APEX', `SOA at ${rr.owner.toString()}, not at the apex ${origin.toString()}`, positionOf(rr, path));
      if (soa) throw new ZoneParseError('ERR_ZONE_MULTIPLE_SOA', `second SOA record; the first is at ${describe(positionOf(soa, path))}`, positionOf(rr, path));
      soa = rr;
    } else if (rr.type === RRType.CNAME && rr.owner.equals(origin)) {
      // RFC 1034 §3.6.2 / §4.2.1: the apex holds SOA and NS, so a CNAME there would have company.
      throw new ZoneParseError('ERR_ZONE_CNAME_AT_APEX', 'CNAME at the zone apex', positionOf(rr, path));
    }
    let bucket: OwnerBucket | null = rr.owner === lastOwner ? lastBucket : null;
    if (!bucket) {
      const c = rr.owner.canonical;
      const key = Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString('latin1');
      bucket = owners.get(key) ?? null;
      if (!bucket) {
        bucket = { owner: rr.owner, groups: [] };
        owners.set(key, bucket);
      }
      lastOwner = rr.owner;
      lastBucket = bucket;
    }
    // An owner has a handful of types: a linear search beats a second map.
    let group: TypeGroup | null = null;
    for (const g of bucket.groups) if (g.type === rr.type) { group = g; break; }
    if (group) group.records.push(rr);
    else bucket.groups.push({ type: rr.type, seq: seq++, records: [rr] });
  }
  if (!soa) throw new ZoneParseError('ERR_ZONE_NO_SOA', `the zone ${origin.toString()} has no SOA record`, { file: path, line: 1, column: 1 });

  const buckets = [...owners.values()];
  owners.clear();
  buckets.sort((a, b) => a.owner.compare(b.owner));
  const warnings: ZoneWarning[] = [];
  const warn = (w: RRsetBuildWarning): void => {
    warnings.push({ code: w.code, message: w.message, position: w.record.source ?? null });
  };
  const rrsets: RRset[] = [];
  let apexNs = false;
  for (const bucket of buckets) {
    bucket.groups.sort((a, b) => a.type - b.type);
    checkOwner(bucket, path);
    for (const g of bucket.groups) {
      const rrset = compact(buildRRset(g.records, warn));
      if (rrset.type === RRType.NS && rrset.owner.equals(origin)) apexNs = true;
      rrsets.push(rrset);
      // Let the records go as soon as their RRset exists.
      g.records = [];
    }
  }
  if (!apexNs) {
    throw new ZoneParseError('ERR_ZONE_NO_APEX_NS', `the zone ${origin.toString()} has no NS records at its apex`, positionOf(soa, path));
  }
  return { origin, rrsets, warnings };
}

/**
 * The RRset with exact-size arrays. buildRRset fills its arrays by push, and
 * V8 leaves room for more elements: about 270 octets per RRset that a large
 * zone keeps for as long as it is loaded.
 */
function compact(r: RRset): RRset {
  const rdatas = r.rdatas.slice();
  const canonicalRdatas = r.canonicalRdatas.slice();
  return { owner: r.owner, type: r.type, class: r.class, ttl: r.ttl, rdatas, canonicalRdatas };
}

/** Distinct RDATA count, ignoring exact duplicates (which buildRRset drops). */
function secondDistinct(records: readonly ResourceRecord[]): ResourceRecord | null {
  const first = records[0]!;
  for (let i = 1; i < records.length; i++) {
    const r = records[i]!;
    if (!equalBytes(canonicalRdata(r.type, r.rdata), canonicalRdata(first.type, first.rdata))) return r;
  }
  return null;
}

/** Rules about the RRsets at one name. */
function checkOwner(bucket: OwnerBucket, file: string): void {
  let cname: TypeGroup | null = null;
  let other: TypeGroup | null = null;
  for (const g of bucket.groups) {
    if (g.type === RRType.CNAME) {
      cname = g;
      // RFC 2181 §10.1: one CNAME per name.
      const second = secondDistinct(g.records);
      if (second) throw new ZoneParseError('ERR_ZONE_MULTIPLE_CNAME', `more than one CNAME at ${bucket.owner.toString()}`, positionOf(second, file));
    } else if (g.type === RRType.DNAME) {
      const second = secondDistinct(g.records);
      if (second) throw new ZoneParseError('ERR_ZONE_MULTIPLE_DNAME', `more than one DNAME at ${bucket.owner.toString()}`, positionOf(second, file));
    }
    if (!mayAccompanyCname(g.type) && (other === null || g.seq < other.seq)) other = g;
  }
  if (cname && other) {
    // Report at whichever of the two came later in the file: that is the record that broke the rule.
    const later = cname.seq > other.seq ? cname : other;
    throw new ZoneParseError('ERR_ZONE_CNAME_AND_OTHER', `CNAME and other data at ${bucket.owner.toString()} (RFC 1034 §3.6.2)`, positionOf(later.records[0]!, file));
  }
}
