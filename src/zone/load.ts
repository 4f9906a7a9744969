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
import { buildRRset, rrsetKey } from './canonical.ts';
import type { RRsetBuildWarning } from './canonical.ts';
import type { Name } from './name.ts';
import { parseZoneFile } from './parser.ts';
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
interface Group {
  readonly records: ResourceRecord[];
  readonly seq: number;
}

function positionOf(rr: ResourceRecord, file: string): SourcePosition {
  return rr.source ?? { file, line: 1, column: 1 };
}

/** Types allowed beside a CNAME (RFC 4035 §2.5; RFC 3007 KEY is long obsolete). */
function mayAccompanyCname(type: number): boolean {
  return type === RRType.CNAME || type === RRType.RRSIG || type === RRType.NSEC;
}

export async function loadZone(path: string, origin: Name, options: LoadOptions = {}): Promise<Zone> {
  const zoneClass = options.class ?? RRClass.IN;
  const groups = new Map<string, Group>();
  let soa: ResourceRecord | null = null;
  const parseOptions = options.defaultTtl === undefined ? { origin, class: zoneClass } : { origin, class: zoneClass, defaultTtl: options.defaultTtl };
  for await (const rr of parseZoneFile(path, parseOptions)) {
    const pos = positionOf(rr, path);
    if (!rr.owner.isSubdomainOf(origin)) {
      throw new ZoneParseError('ERR_ZONE_OUT_OF_ZONE', `${rr.owner.toString()} is not in the zone ${origin.toString()}`, pos);
    }
    if (rr.class !== zoneClass) {
      throw new ZoneParseError('ERR_ZONE_CLASS_MISMATCH', `class ${classToString(rr.class)} differs from the zone class ${classToString(zoneClass)}`, pos);
    }
    if (rr.type === RRType.SOA) {
      if (!rr.owner.equals(origin)) throw new ZoneParseError('ERR_ZONE_SOA_NOT_AT_APEX', `SOA at ${rr.owner.toString()}, not at the apex ${origin.toString()}`, pos);
      if (soa) throw new ZoneParseError('ERR_ZONE_MULTIPLE_SOA', `second SOA record; the first is at ${describe(positionOf(soa, path))}`, pos);
      soa = rr;
    } else if (rr.type === RRType.CNAME && rr.owner.equals(origin)) {
      // RFC 1034 §3.6.2 / §4.2.1: the apex holds SOA and NS, so a CNAME there would have company.
      throw new ZoneParseError('ERR_ZONE_CNAME_AT_APEX', 'CNAME at the zone apex', pos);
    }
    const key = rrsetKey(rr.owner, rr.type, rr.class);
    const g = groups.get(key);
    if (g) g.records.push(rr);
    else groups.set(key, { records: [rr], seq: groups.size });
  }
  if (!soa) throw new ZoneParseError('ERR_ZONE_NO_SOA', `the zone ${origin.toString()} has no SOA record`, { file: path, line: 1, column: 1 });

  const warnings: ZoneWarning[] = [];
  const warn = (w: RRsetBuildWarning): void => {
    warnings.push({ code: w.code, message: w.message, position: w.record.source ?? null });
  };
  const built: { rrset: RRset; group: Group }[] = [];
  for (const group of groups.values()) built.push({ rrset: buildRRset(group.records, warn), group });
  groups.clear();
  built.sort((a, b) => a.rrset.owner.compare(b.rrset.owner) || a.rrset.type - b.rrset.type);

  checkNames(built, origin, soa, path);
  return { origin, rrsets: built.map((b) => b.rrset), warnings };
}

function describe(p: SourcePosition): string {
  return `${p.file}:${p.line}:${p.column}`;
}

/** Rules about the RRsets at one name, checked on the sorted list (one owner's RRsets are adjacent). */
function checkNames(built: readonly { rrset: RRset; group: Group }[], origin: Name, soa: ResourceRecord, file: string): void {
  let apexNs = false;
  for (let i = 0; i < built.length;) {
    const owner = built[i]!.rrset.owner;
    let j = i;
    let cname: Group | null = null;
    let other: Group | null = null;
    for (; j < built.length && built[j]!.rrset.owner.compare(owner) === 0; j++) {
      const { rrset, group } = built[j]!;
      if (rrset.type === RRType.NS && owner.equals(origin)) apexNs = true;
      if (rrset.type === RRType.CNAME) {
        cname = group;
        if (rrset.rdatas.length > 1) {
          // RFC 2181 §10.1: one CNAME per name.
          throw new ZoneParseError('ERR_ZONE_MULTIPLE_CNAME', `more than one CNAME at ${owner.toString()}`, positionOf(group.records[1]!, file));
        }
      } else if (!mayAccompanyCname(rrset.type) && (other === null || group.seq < other.seq)) {
        other = group;
      }
      if (rrset.type === RRType.DNAME && rrset.rdatas.length > 1) {
        throw new ZoneParseError('ERR_ZONE_MULTIPLE_DNAME', `more than one DNAME at ${owner.toString()}`, positionOf(group.records[1]!, file));
      }
    }
    if (cname && other) {
      // Report at whichever of the two came later in the file: that is the record that broke the rule.
      const later = cname.seq > other.seq ? cname : other;
      throw new ZoneParseError('ERR_ZONE_CNAME_AND_OTHER', `CNAME and other data at ${owner.toString()} (RFC 1034 §3.6.2)`, positionOf(later.records[0]!, file));
    }
    i = j;
  }
  if (!apexNs) {
    throw new ZoneParseError('ERR_ZONE_NO_APEX_NS', `the zone ${origin.toString()} has no NS records at its apex`, positionOf(soa, file));
  }
}
