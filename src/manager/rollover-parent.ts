/**
 * The shell's side of the DS gate (`query-parent-ds`): find the parent's
 * servers (the zone's `parent-servers`, else the parent's NS set through the
 * zone's `resolver`), ask each of them directly (registrar/parent-check.ts),
 * and hand the engine what each one said. A failure to find the servers is
 * an answer too: a closed gate whose reason status shows.
 */
import { SignetError } from '../core/errors.ts';
import type { UnixSeconds } from '../core/time.ts';
import { parseServerAddress } from '../dns/address.ts';
import type { DnsQuerier } from '../dns/client.ts';
import type { ZoneRow } from '../keystore/types.ts';
import { checkParentDs, parseParentServers, toParentServerAnswers, type ParentServer } from '../registrar/parent-check.ts';
import { findParentServers } from '../registrar/find-parent.ts';
import type { KeyForDs } from '../registrar/ds-match.ts';
import type { ParentServerAnswer } from '../rollover/state.ts';
import { Name } from '../zone/name.ts';
import { zoneSetting } from './zone-config.ts';

export interface ParentQueryResult {
  answers: ParentServerAnswer[];
  /** Warnings of the check (unknown DS at the parent, NS names without address). */
  warnings: string[];
  /** Where the server list came from, for events: "parent-servers", "resolver 127.0.0.1", "none". */
  source: string;
}

function failedAnswer(server: string, address: string, detail: string): ParentServerAnswer {
  return { server, address, outcome: 'error', detail, keyIds: [], unknownDs: 0, ttl: null };
}

/** The parent's servers for the zone, or an explanation of why there are none. */
export async function parentServersFor(zone: ZoneRow, client: DnsQuerier): Promise<{ servers: ParentServer[]; source: string; warnings: string[]; failure: ParentServerAnswer | null }> {
  const configured = zoneSetting(zone, 'parent-servers');
  if (configured !== null) return { servers: parseParentServers(configured), source: 'parent-servers', warnings: [], failure: null };
  const resolver = zoneSetting(zone, 'resolver');
  if (resolver === null) return { servers: [], source: 'none', warnings: [], failure: null };
  try {
    const found = await findParentServers(Name.parse(zone.name), parseServerAddress(resolver), client);
    const warnings = found.unresolved.map((ns) => `parent server ${ns} has no address through resolver ${resolver}`);
    return { servers: found.servers, source: `resolver ${resolver}`, warnings, failure: null };
  } catch (e) {
    if (!(e instanceof SignetError)) throw e;
    return { servers: [], source: `resolver ${resolver}`, warnings: [], failure: failedAnswer('resolver', resolver, `cannot find the parent's servers: ${e.message}`) };
  }
}

export async function queryParentDs(o: {
  zone: ZoneRow;
  keys: readonly KeyForDs[];
  expect: 'present' | 'absent';
  now: UnixSeconds;
  client: DnsQuerier;
}): Promise<ParentQueryResult> {
  const found = await parentServersFor(o.zone, o.client);
  if (found.failure !== null) return { answers: [found.failure], warnings: found.warnings, source: found.source };
  if (found.servers.length === 0) return { answers: [], warnings: found.warnings, source: found.source };
  const observation = await checkParentDs({
    zone: Name.parse(o.zone.name), keys: o.keys, servers: found.servers, want: o.expect === 'present' ? 'published' : 'withdrawn',
    client: o.client, now: o.now,
  });
  return { answers: toParentServerAnswers(observation), warnings: [...found.warnings, ...observation.warnings], source: found.source };
}
