/**
 * The zone's own authoritative servers, found through a resolver: the NS
 * RRset of the zone, then the A and AAAA records of each NS name. The
 * servers are then asked directly, by address.
 *
 * The resolver is asked with CD=1 (RFC 4035 §3.2.2): a zone whose DNSSEC is
 * broken makes a validating resolver answer SERVFAIL, and that is exactly
 * the zone this check must still reach.
 */
import { SignetError } from '../core/errors.ts';
import { formatServerAddress, type ServerAddress } from '../dns/address.ts';
import type { DnsQuerier } from '../dns/client.ts';
import { Rcode } from '../dns/message.ts';
import { nsAddresses, nsNames, resolverFailureReason } from '../dns/ns-servers.ts';
import type { ResolverAnswer } from '../dns/ns-servers.ts';
import type { Name } from '../zone/name.ts';
import { RRType, typeToString } from '../zone/types.ts';
import type { CheckServer } from './probe.ts';

export interface FoundZoneServers {
  readonly servers: CheckServer[];
  /** NS names for which the resolver gave no address of the families asked. */
  readonly unresolved: string[];
}

async function ask(client: DnsQuerier, resolver: ServerAddress, name: Name, type: number): Promise<ResolverAnswer> {
  const r = await client.query(resolver, { name, type, rd: true, cd: true, dnssecOk: false });
  if (r.kind === 'answer' && (r.rcode === Rcode.NOERROR || r.rcode === Rcode.NXDOMAIN)) return r;
  throw new SignetError('ERR_CHECK_RESOLVER_FAILED', `resolver ${formatServerAddress(resolver)}: ${name.toString()} ${typeToString(type)}: ${resolverFailureReason(r)}`);
}

/** The NS names of `zone` and their addresses (on `port`), sorted by name for stable output. */
export async function findZoneServers(zone: Name, resolver: ServerAddress, client: DnsQuerier, options: { port: number; families: readonly (4 | 6)[] }): Promise<FoundZoneServers> {
  const ns = await ask(client, resolver, zone, RRType.NS);
  if (ns.rcode === Rcode.NXDOMAIN) throw new SignetError('ERR_CHECK_NO_SUCH_ZONE', `resolver ${formatServerAddress(resolver)} says ${zone.toString()} does not exist (NXDOMAIN)`);
  const names = nsNames(zone, ns.answers);
  if (names.length === 0) {
    throw new SignetError('ERR_CHECK_NOT_A_ZONE', `resolver ${formatServerAddress(resolver)} gives no NS records for ${zone.toString()}: it is not the apex of a zone (check the name, or give the servers with --server)`);
  }
  return nsAddresses(names, (name, type) => ask(client, resolver, name, type), options);
}
