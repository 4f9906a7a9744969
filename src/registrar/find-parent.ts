/**
 * Finding the parent's authoritative servers through a resolver (SPEC "Zone
 * settings": `resolver`). The resolver is asked with RD=1; the parent servers
 * it names are then asked directly by parent-check.ts.
 *
 * 1. The parent zone: walk up from the child's parent name, asking for SOA,
 *    until a name owns an SOA (the apex of the zone that holds the delegation;
 *    RFC 1034 §4.2.1: every zone has exactly one SOA, at its apex).
 * 2. Its NS RRset.
 * 3. The A and AAAA records of every NS name (2 and 3: dns/ns-servers.ts).
 */
import { SignetError } from '../core/errors.ts';
import { DNS_PORT, formatServerAddress, type ServerAddress } from '../dns/address.ts';
import type { DnsQuerier } from '../dns/client.ts';
import { Rcode } from '../dns/message.ts';
import { nsAddresses, nsNames, resolverFailureReason } from '../dns/ns-servers.ts';
import type { ResolverAnswer } from '../dns/ns-servers.ts';
import type { Name } from '../zone/name.ts';
import { RRClass, RRType, typeToString } from '../zone/types.ts';
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

async function ask(client: DnsQuerier, resolver: ServerAddress, name: Name, type: number, allowNxdomain: boolean): Promise<ResolverAnswer> {
  const r = await client.query(resolver, { name, type, rd: true, dnssecOk: false });
  if (r.kind === 'answer' && (r.rcode === Rcode.NOERROR || (allowNxdomain && r.rcode === Rcode.NXDOMAIN))) return r;
  throw new SignetError('ERR_PARENT_RESOLVER_FAILED', `resolver ${formatServerAddress(resolver)}: ${name.toString()} ${typeToString(type)}: ${resolverFailureReason(r)}`);
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
  const names = nsNames(parentZone, nsAnswer.answers);
  if (names.length === 0) throw new SignetError('ERR_PARENT_NO_NS', `resolver ${formatServerAddress(resolver)} gave no NS records for ${parentZone.toString()}`);
  const { servers, unresolved } = await nsAddresses(names, (name, type) => ask(client, resolver, name, type, true), { port, families });
  return { parentZone, servers, unresolved };
}
