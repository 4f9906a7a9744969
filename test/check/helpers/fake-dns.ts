/**
 * An in-memory authoritative server for unit tests of the check: answers
 * from master-file text the way NSD does for the cases the check meets
 * (answer with RRSIGs, NODATA and NXDOMAIN with the zone's SOA, referral
 * without AA below a zone cut), or fails the way a server can (timeout,
 * REFUSED, an answer without AA).
 */
import type { ServerAddress } from '../../../src/dns/address.ts';
import type { DnsQuerier, DnsQuestion, QueryResult } from '../../../src/dns/client.ts';
import { NO_FLAGS, Opcode, Rcode } from '../../../src/dns/message.ts';
import { Name } from '../../../src/zone/name.ts';
import { parseZoneText } from '../../../src/zone/parser.ts';
import type { ResourceRecord } from '../../../src/zone/record.ts';
import { RRType } from '../../../src/zone/types.ts';

/** `resolver`: answer the data below zone cuts too, as a recursive resolver that followed them would. */
export type Behaviour = { zones: readonly string[]; resolver?: boolean } | 'timeout' | 'refused' | 'not-authoritative';

function covers(r: ResourceRecord, type: number): boolean {
  return r.type === type || (r.type === RRType.RRSIG && ((r.rdata[0]! << 8) | r.rdata[1]!) === type);
}

interface LoadedZone {
  readonly origin: Name;
  readonly records: readonly ResourceRecord[];
}

/** The zone is the SOA owner's; signet's signed files use absolute names, test texts a $ORIGIN. */
function load(text: string): LoadedZone {
  const m = /^\$ORIGIN\s+(\S+)/m.exec(text);
  const records = parseZoneText(text, { origin: m ? Name.parse(m[1]!) : Name.root, file: 'fake' });
  const soa = records.find((r) => r.type === RRType.SOA);
  if (!soa) throw new Error('fake DNS: zone text without SOA');
  return { origin: soa.owner, records };
}

export class FakeDns implements DnsQuerier {
  private readonly servers = new Map<string, Behaviour>();
  private readonly zones = new Map<string, LoadedZone[]>();
  readonly asked: { server: string; name: string; type: number; rd: boolean; cd: boolean }[] = [];

  /** `address` as "127.0.0.1:5300" (the form formatServerAddress gives). */
  set(address: string, behaviour: Behaviour): this {
    this.servers.set(address, behaviour);
    if (typeof behaviour === 'object') this.zones.set(address, behaviour.zones.map(load));
    return this;
  }

  async query(server: ServerAddress, q: DnsQuestion): Promise<QueryResult> {
    const key = `${server.host}:${server.port}`;
    this.asked.push({ server: key, name: q.name.toString(), type: q.type, rd: q.rd ?? false, cd: q.cd ?? false });
    const b = this.servers.get(key) ?? 'timeout';
    const answer = (rcode: number, aa: boolean, answers: ResourceRecord[], authority: ResourceRecord[] = []): QueryResult => {
      const flags = { ...NO_FLAGS, qr: true, aa };
      return {
        kind: 'answer', server, via: 'udp', rcode, flags, answers, authority, additional: [],
        message: { id: 1, opcode: Opcode.QUERY, rcode, flags, questions: [{ name: q.name, type: q.type, class: 1 }], answers, authority, additional: [], edns: null, tsig: null },
      };
    };
    if (b === 'timeout') return { kind: 'timeout', server, tries: 2 };
    if (b === 'refused') return answer(Rcode.REFUSED, false, []);
    // The closest enclosing zone, as an authoritative server picks it.
    const zone = (this.zones.get(key) ?? [])
      .filter((z) => q.name.isSubdomainOf(z.origin))
      .sort((x, y) => y.origin.labelCount - x.origin.labelCount)[0];
    if (b === 'not-authoritative' || zone === undefined) return answer(Rcode.NOERROR, false, []);
    const soa = zone.records.filter((r) => r.owner.equals(zone.origin) && covers(r, RRType.SOA));
    // A zone cut above the name (and not the DS, which the parent answers): a referral, without AA.
    const cut = typeof b === 'object' && b.resolver === true ? undefined : zone.records.find((r) => r.type === RRType.NS && !r.owner.equals(zone.origin) && q.name.isSubdomainOf(r.owner)
      && !(q.type === RRType.DS && q.name.equals(r.owner)));
    if (cut) return answer(Rcode.NOERROR, false, [], zone.records.filter((r) => r.type === RRType.NS && r.owner.equals(cut.owner)));
    const here = zone.records.filter((r) => r.owner.equals(q.name));
    if (here.length === 0 && !zone.records.some((r) => r.owner.isSubdomainOf(q.name))) return answer(Rcode.NXDOMAIN, true, [], soa);
    const data = here.filter((r) => covers(r, q.type));
    return data.length > 0 ? answer(Rcode.NOERROR, true, data) : answer(Rcode.NOERROR, true, [], soa);
  }
}
