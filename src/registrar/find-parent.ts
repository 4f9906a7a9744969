/**
 * Finding the parent's authoritative servers through a resolver (SPEC "Zone
 * settings": `resolver`). The resolver is asked with RD=1; the parent servers
 * it names are then asked directly by parent-check.ts.
 *
 * 1. The parent zone: walk up from the child's parent name, asking for SOA,
 *    until a name owns an SOA (the apex of the zone that holds the delegation;
 *    RFC 1034 §4.2.1: every zone has exactly one SOA, at its apex).
 * 2. Its NS RRset.
 * 3. The A and AAAA records of every NS name.
 */
import { SignetError } from '../core/errors.ts';
import { DNS_PORT, formatServerAddress, type ServerAddress } from '../dns/address.ts';
import type { DnsQuerier, QueryResult } from '../dns/client.ts';
import { Rcode, rcodeToString } from '../dns/message.ts';
import { formatIPv4, formatIPv6 } from '../zone/rdata/ip.ts';
import { Name } from '../zone/name.ts';
import { RRClass, RRType } from '../zone/types.ts';
import type { ParentServer } from './parent-check.ts';

export interface FindParentOptions {
  /** Port the parent servers listen on; default 53. */
  readonly port?: number;
  /** Address families to ask; default both. */
  readonly families?: readonly (4 | 6)[];
}

export interface FoundParentServers {
  readonly parentZone: Name;
  readonly servers: ParentServer[];
  /** NS names for which the resolver gave no address (reported, not asked). */
  readonly unresolved: string[];
}

function resolverFailure(resolver: ServerAddress, what: string, r: QueryResult): SignetError {
  const why = r.kind === 'timeout' ? 'timed out'
    : r.kind === 'error' ? r.message
    : `answered ${rcodeToString(r.rcode)}`;
  return new SignetError('ERR_PARENT_RESOLVER_FAILED', `resolver ${formatServerAddress(resolver)}: ${what}: ${why}`);
}

async function ask(client: DnsQuerier, resolver: ServerAddress, name: Name, type: number, allowNxdomain: boolean): Promise<Extract<QueryResult, { kind: 'answer' }>> {
  const r = await client.query(resolver, { name, type, rd: true, dnssecOk: false });
  if (r.kind === 'answer' && (r.rcode === Rcode.NOERROR || (allowNxdomain && r.rcode === Rcode.NXDOMAIN))) return r;
  throw resolverFailure(resolver, `${name.toString()} ${type === RRType.SOA ? 'SOA' : type === RRType.NS ? 'NS' : type === RRType.A ? 'A' : 'AAAA'}`, r);
}

/** The apex of the zone holding `zone`'s delegation. ERR_PARENT_NOT_FOUND for the root. */
export async function findParentZone(zone: Name, resolver: ServerAddress, client: DnsQuerier): Promise<Name> {
  if (zone.isRoot) throw new SignetError('ERR_PARENT_NOT_FOUND', 'the root zone has no parent');
  for (let candidate = zone.parent(1); ; candidate = candidate.parent(1)) {
    const r = await ask(client, resolver, candidate, RRType.SOA, true);
    if (r.answers.some((rr) => rr.type === RRType.SOA && rr.class === RRClass.IN && rr.owner.equals(candidate))) return candidate;
    if (candidate.isRoot) throw new SignetError('ERR_PARENT_NOT_FOUND', `resolver ${formatServerAddress(resolver)} names no zone above ${zone.toString()}`);
  }
}

/** The parent zone, its NS names and their addresses. */
export async function findParentServers(zone: Name, resolver: ServerAddress, client: DnsQuerier, options: FindParentOptions = {}): Promise<FoundParentServers> {
  const port = options.port ?? DNS_PORT;
  const families = options.families ?? [4, 6];
  const parentZone = await findParentZone(zone, resolver, client);
  const nsAnswer = await ask(client, resolver, parentZone, RRType.NS, false);
  const nsNames: Name[] = [];
  for (const rr of nsAnswer.answers) {
    if (rr.type !== RRType.NS || rr.class !== RRClass.IN || !rr.owner.equals(parentZone)) continue;
    const { name } = Name.fromWire(rr.rdata, 0);
    if (!nsNames.some((n) => n.equals(name))) nsNames.push(name);
  }
  // Servers rotate the NS order (BIND's rrset-order); a sorted list keeps status output stable.
  nsNames.sort((x, y) => x.compare(y));
  if (nsNames.length === 0) throw new SignetError('ERR_PARENT_NO_NS', `resolver ${formatServerAddress(resolver)} gave no NS records for ${parentZone.toString()}`);
  const servers: ParentServer[] = [];
  const unresolved: string[] = [];
  for (const ns of nsNames) {
    let found = 0;
    for (const family of families) {
      const type = family === 4 ? RRType.A : RRType.AAAA;
      const r = await ask(client, resolver, ns, type, true);
      for (const rr of r.answers) {
        if (rr.type !== type || rr.class !== RRClass.IN) continue;
        if (rr.rdata.length !== (family === 4 ? 4 : 16)) continue;
        const host = family === 4 ? formatIPv4(rr.rdata) : formatIPv6(rr.rdata);
        found++;
        // Two NS names on one address are one server to ask.
        if (servers.some((s) => s.address.host === host && s.address.port === port)) continue;
        servers.push({ name: ns, address: { host, port, family } });
      }
    }
    if (found === 0) unresolved.push(ns.toString());
  }
  return { parentZone, servers, unresolved };
}
