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
import type { DnsQuerier, QueryResult } from '../dns/client.ts';
import { Rcode, rcodeToString } from '../dns/message.ts';
import { Name } from '../zone/name.ts';
import { formatIPv4, formatIPv6 } from '../zone/rdata/ip.ts';
import { RRClass, RRType } from '../zone/types.ts';
import type { CheckServer } from './probe.ts';

export interface FoundZoneServers {
  readonly servers: CheckServer[];
  /** NS names for which the resolver gave no address of the families asked. */
  readonly unresolved: string[];
}

async function ask(client: DnsQuerier, resolver: ServerAddress, name: Name, type: number): Promise<Extract<QueryResult, { kind: 'answer' }>> {
  const r = await client.query(resolver, { name, type, rd: true, cd: true, dnssecOk: false });
  if (r.kind === 'answer' && (r.rcode === Rcode.NOERROR || r.rcode === Rcode.NXDOMAIN)) return r;
  const why = r.kind === 'timeout' ? 'timed out' : r.kind === 'error' ? r.message : `answered ${rcodeToString(r.rcode)}`;
  throw new SignetError('ERR_CHECK_RESOLVER_FAILED', `resolver ${formatServerAddress(resolver)}: ${name.toString()} ${type === RRType.NS ? 'NS' : type === RRType.A ? 'A' : 'AAAA'}: ${why}`);
}

/** The NS names of `zone` and their addresses (on `port`), sorted by name for stable output. */
export async function findZoneServers(zone: Name, resolver: ServerAddress, client: DnsQuerier, options: { port: number; families: readonly (4 | 6)[] }): Promise<FoundZoneServers> {
  const ns = await ask(client, resolver, zone, RRType.NS);
  if (ns.rcode === Rcode.NXDOMAIN) throw new SignetError('ERR_CHECK_NO_SUCH_ZONE', `resolver ${formatServerAddress(resolver)} says ${zone.toString()} does not exist (NXDOMAIN)`);
  const names: Name[] = [];
  for (const rr of ns.answers) {
    if (rr.type !== RRType.NS || rr.class !== RRClass.IN || !rr.owner.equals(zone)) continue;
    const { name } = Name.fromWire(rr.rdata, 0);
    if (!names.some((n) => n.equals(name))) names.push(name);
  }
  if (names.length === 0) {
    throw new SignetError('ERR_CHECK_NOT_A_ZONE', `resolver ${formatServerAddress(resolver)} gives no NS records for ${zone.toString()}: it is not the apex of a zone (check the name, or give the servers with --server)`);
  }
  names.sort((a, b) => a.compare(b));
  const servers: CheckServer[] = [];
  const unresolved: string[] = [];
  for (const name of names) {
    let found = 0;
    for (const family of options.families) {
      const type = family === 4 ? RRType.A : RRType.AAAA;
      const r = await ask(client, resolver, name, type);
      for (const rr of r.answers) {
        if (rr.type !== type || rr.class !== RRClass.IN || rr.rdata.length !== (family === 4 ? 4 : 16)) continue;
        found++;
        const host = family === 4 ? formatIPv4(rr.rdata) : formatIPv6(rr.rdata);
        // Two NS names on one address are one server to ask.
        if (servers.some((s) => s.address.host === host)) continue;
        servers.push({ name, address: { host, port: options.port, family } });
      }
    }
    if (found === 0) unresolved.push(name.toString());
  }
  return { servers, unresolved };
}
