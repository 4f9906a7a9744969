/**
 * A zone's name servers as a resolver knows them: the NS names at the apex
 * (RFC 1034 §4.2.1), then the A and AAAA records of each name. The servers
 * are then asked directly, by address. Used for the parent's servers
 * (registrar/find-parent.ts) and for the zone's own (check/zone-servers.ts);
 * each caller asks the resolver its own way (CD or not) and words its own
 * failures.
 */
import { Name } from '../zone/name.ts';
import { formatIPv4, formatIPv6 } from '../zone/rdata/ip.ts';
import type { ResourceRecord } from '../zone/record.ts';
import { RRClass, RRType } from '../zone/types.ts';
import type { ServerAddress } from './address.ts';
import type { QueryResult } from './client.ts';
import { rcodeToString } from './message.ts';

export type ResolverAnswer = Extract<QueryResult, { kind: 'answer' }>;

/** Asks the resolver; resolves to an answer the caller accepts, or throws the caller's error. */
export type ResolverLookup = (name: Name, type: number) => Promise<ResolverAnswer>;

export interface NamedServer {
  readonly name: Name;
  readonly address: ServerAddress;
}

export interface NsAddresses {
  readonly servers: NamedServer[];
  /** NS names for which the resolver gave no address of the families asked. */
  readonly unresolved: string[];
}

/** Why a resolver's answer is not usable, for messages: "timed out", the client's error, "answered SERVFAIL". */
export function resolverFailureReason(r: QueryResult): string {
  return r.kind === 'timeout' ? 'timed out' : r.kind === 'error' ? r.message : `answered ${rcodeToString(r.rcode)}`;
}

/**
 * The NS names of `zone` in an answer (class IN, owned by the apex), once
 * each, sorted: servers rotate the NS order (BIND's rrset-order), and a
 * sorted list keeps output stable.
 */
export function nsNames(zone: Name, answers: readonly ResourceRecord[]): Name[] {
  const names: Name[] = [];
  for (const rr of answers) {
    if (rr.type !== RRType.NS || rr.class !== RRClass.IN || !rr.owner.equals(zone)) continue;
    const { name } = Name.fromWire(rr.rdata, 0);
    if (!names.some((n) => n.equals(name))) names.push(name);
  }
  return names.sort((a, b) => a.compare(b));
}

/** The addresses of `names` of each family asked, on `port`, in the order of `names`. */
export async function nsAddresses(names: readonly Name[], lookup: ResolverLookup, options: { port: number; families: readonly (4 | 6)[] }): Promise<NsAddresses> {
  const servers: NamedServer[] = [];
  const unresolved: string[] = [];
  for (const name of names) {
    let found = 0;
    for (const family of options.families) {
      const type = family === 4 ? RRType.A : RRType.AAAA;
      const r = await lookup(name, type);
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
