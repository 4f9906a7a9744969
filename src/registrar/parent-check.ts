/**
 * The DS gate's evidence: ask every authoritative server of the parent, by
 * address, for the child's DS RRset (RD=0, DO=1) and decide whether our DS is
 * published everywhere or withdrawn everywhere (SPEC "Registrar": "advances
 * only when all of them agree").
 *
 * Each server's answer is classified on its own:
 * - 'has-ds'     an authoritative answer whose DS set holds the DS of every key asked about;
 * - 'partial-ds' an authoritative answer holding the DS of some of them only;
 * - 'no-ds'      an authoritative answer holding none of them: a DS set of
 *                other keys, NODATA or NXDOMAIN (RFC 2308 §2.1, §2.2), with the
 *                parent's SOA in the authority section (RFC 2308 §3);
 * - 'timeout'    no acceptable answer in time;
 * - 'error'      SERVFAIL, REFUSED or any other RCODE, a mismatched ID or
 *                question, garbage, a truncated answer whose TCP retry
 *                failed, a non-authoritative answer, or a negative answer
 *                that comes from the child zone (a child-only server asked by
 *                mistake would otherwise "prove" the DS gone).
 *
 * Verdict: 'published' only when every server is 'has-ds'; 'withdrawn' only
 * when every server is 'no-ds'; else 'waiting', naming each server in the way.
 */
import { SignetError } from '../core/errors.ts';
import type { UnixSeconds } from '../core/time.ts';
import { formatServerAddress, parseServerAddressList, type ServerAddress } from '../dns/address.ts';
import type { DnsQuerier, QueryResult } from '../dns/client.ts';
import { Rcode, rcodeToString } from '../dns/message.ts';
import type { Name } from '../zone/name.ts';
import { RRClass, RRType } from '../zone/types.ts';
import type { ParentServerAnswer } from '../rollover/state.ts';
import { dsRdatasAt, dsTtl, matchDs, type KeyForDs } from './ds-match.ts';

/** One parent server: its name when known (from the NS set), and the address to ask. */
export interface ParentServer {
  readonly name: Name | null;
  readonly address: ServerAddress;
}

export type ParentOutcome = 'has-ds' | 'partial-ds' | 'no-ds' | 'timeout' | 'error';

export interface ServerObservation {
  /** The server's name when known, else its address (for messages). */
  readonly server: string;
  readonly name: string | null;
  /** `ADDR[:PORT]` asked. */
  readonly address: string;
  readonly at: UnixSeconds;
  readonly outcome: ParentOutcome;
  /** Stable code of the failure (ERR_DNS_ID_MISMATCH, ERR_PARENT_RCODE, …); null for clean answers. */
  readonly code: string | null;
  /** Human reason: 'SERVFAIL', 'timed out after 2 tries', …; null for clean answers. */
  readonly detail: string | null;
  /** RCODE of the accepted answer, or null when none was accepted. */
  readonly rcode: number | null;
  /** Ids of the keys asked about whose DS this server answered. */
  readonly keyIds: readonly string[];
  /** Ids of our other keys (`otherKeys`) whose DS this server answered. */
  readonly otherKeyIds: readonly string[];
  /** DS records in the answer that match none of our keys. */
  readonly unknownDs: number;
  readonly warnings: readonly string[];
  /** TTL of the DS RRset (RRSIG Original TTL when signed), or null without DS. */
  readonly ttl: number | null;
}

export type ParentVerdict = 'published' | 'withdrawn' | 'waiting';

export interface ParentObservation {
  /** The child zone, absolute. */
  readonly zone: string;
  readonly want: 'published' | 'withdrawn';
  readonly at: UnixSeconds;
  readonly keyIds: readonly string[];
  readonly servers: readonly ServerObservation[];
  readonly verdict: ParentVerdict;
  /** One line per server that keeps the gate closed ("ns2.example. 192.0.2.2: timed out …"). */
  readonly blocking: readonly string[];
  /** Unknown DS records and other oddities, de-duplicated. */
  readonly warnings: readonly string[];
  /** Largest DS TTL any server answered, or null. */
  readonly maxTtl: number | null;
}

export interface CheckParentDsInput {
  /** The child zone whose DS is looked for. */
  readonly zone: Name;
  /** The keys the gate is about: their DS must all be present ('published') or all absent ('withdrawn'). */
  readonly keys: readonly KeyForDs[];
  /**
   * Our other keys (for example the old KSK while the new DS is awaited):
   * their DS are recognized rather than reported as unknown. They do not
   * take part in the verdict.
   */
  readonly otherKeys?: readonly KeyForDs[];
  readonly servers: readonly ParentServer[];
  readonly want: 'published' | 'withdrawn';
  readonly client: DnsQuerier;
  /** When the check is made (recorded in each observation). */
  readonly now: UnixSeconds;
}

/** Asks every server in parallel and returns what each said and the verdict. */
export async function checkParentDs(input: CheckParentDsInput): Promise<ParentObservation> {
  const { zone, keys, servers, want, client, now } = input;
  const otherKeys = input.otherKeys ?? [];
  const results = await Promise.all(servers.map((s) => client.query(s.address, { name: zone, type: RRType.DS, rd: false, dnssecOk: true })));
  const observations = servers.map((s, i) => classifyDsAnswer(zone, keys, s, results[i]!, now, otherKeys));
  return summarizeObservations(zone, keys, want, now, observations);
}

/** The verdict over per-server observations (exported for status code and tests). */
export function summarizeObservations(
  zone: Name, keys: readonly KeyForDs[], want: 'published' | 'withdrawn', now: UnixSeconds, servers: readonly ServerObservation[],
): ParentObservation {
  const needed: ParentOutcome = want === 'published' ? 'has-ds' : 'no-ds';
  const blocking: string[] = [];
  if (servers.length === 0) blocking.push('no parent servers are known (set parent-servers, or a resolver to find them)');
  for (const s of servers) {
    if (s.outcome === needed) continue;
    const who = s.name === null ? s.address : `${s.name} ${s.address}`;
    blocking.push(`${who}: ${describeOutcome(s, want)}`);
  }
  const warnings = [...new Set(servers.flatMap((s) => s.warnings))];
  const ttls = servers.map((s) => s.ttl).filter((t): t is number => t !== null);
  return {
    zone: zone.toString(),
    want,
    at: now,
    keyIds: keys.map((k) => k.id),
    servers,
    verdict: blocking.length === 0 ? want : 'waiting',
    blocking,
    warnings,
    maxTtl: ttls.length === 0 ? null : Math.max(...ttls),
  };
}

function describeOutcome(s: ServerObservation, want: 'published' | 'withdrawn'): string {
  switch (s.outcome) {
    case 'has-ds': return 'still answers our DS';
    case 'partial-ds': return want === 'published' ? 'answers only part of our DS set' : 'still answers part of our DS set';
    case 'no-ds': return 'answers without our DS';
    case 'timeout':
    case 'error': return s.detail ?? s.outcome;
  }
}

/**
 * What one server's result says about our DS. Pure: exported so that the
 * rules can be tested without sockets.
 */
export function classifyDsAnswer(
  zone: Name, keys: readonly KeyForDs[], server: ParentServer, result: QueryResult, now: UnixSeconds, otherKeys: readonly KeyForDs[] = [],
): ServerObservation {
  const base = {
    server: server.name?.toString() ?? formatServerAddress(server.address),
    name: server.name?.toString() ?? null,
    address: formatServerAddress(server.address),
    at: now,
  };
  const fail = (outcome: 'timeout' | 'error', code: string, detail: string, rcode: number | null = null): ServerObservation => ({
    ...base, outcome, code, detail, rcode, keyIds: [], otherKeyIds: [], unknownDs: 0, warnings: [], ttl: null,
  });
  if (result.kind === 'timeout') return fail('timeout', 'ERR_DNS_TIMEOUT', `timed out (${result.tries} ${result.tries === 1 ? 'try' : 'tries'})`);
  if (result.kind === 'error') return fail('error', result.code, result.message);
  const { rcode, flags } = result;
  if (rcode !== Rcode.NOERROR && rcode !== Rcode.NXDOMAIN) return fail('error', 'ERR_PARENT_RCODE', rcodeToString(rcode), rcode);
  // Only the parent's own data counts: a cache or a forwarder answers without AA (RFC 1035 §4.1.1).
  if (!flags.aa) return fail('error', 'ERR_PARENT_NOT_AUTHORITATIVE', `answered ${rcodeToString(rcode)} without the AA bit (not authoritative for the parent)`, rcode);
  const rdatas = rcode === Rcode.NOERROR ? dsRdatasAt(zone, result.answers) : [];
  if (rdatas.length === 0) {
    // RFC 2308 §3: an authoritative negative answer carries the SOA of its zone.
    // RFC 4035 §3.1.4.1: the DS is the parent's data; the SOA must be the parent's, above the child.
    const soa = result.authority.find((r) => r.type === RRType.SOA && r.class === RRClass.IN);
    if (!soa) return fail('error', 'ERR_PARENT_NEGATIVE_WITHOUT_SOA', `answered ${rcode === Rcode.NXDOMAIN ? 'NXDOMAIN' : 'NODATA'} without an SOA record`, rcode);
    if (!zone.isSubdomainOf(soa.owner) || zone.equals(soa.owner)) {
      return fail('error', 'ERR_PARENT_WRONG_ZONE', `answered from zone ${soa.owner.toString()}, not from a parent of ${zone.toString()}`, rcode);
    }
    return { ...base, outcome: 'no-ds', code: null, detail: null, rcode, keyIds: [], otherKeyIds: [], unknownDs: 0, warnings: [], ttl: null };
  }
  const match = matchDs(zone, [...keys, ...otherKeys], rdatas);
  const asked = new Set(keys.map((k) => k.id));
  const present = match.present.filter((id) => asked.has(id));
  const outcome: ParentOutcome = present.length === 0 ? 'no-ds' : present.length === keys.length ? 'has-ds' : 'partial-ds';
  return {
    ...base, outcome, code: null, detail: null, rcode,
    keyIds: present, otherKeyIds: match.present.filter((id) => !asked.has(id)),
    unknownDs: match.unknown.length, warnings: match.warnings,
    ttl: dsTtl(zone, result.answers),
  };
}

/** The observation in the shape the rollover engine takes (`parent-ds` observation servers). */
export function toParentServerAnswers(o: ParentObservation): ParentServerAnswer[] {
  return o.servers.map((s) => ({
    server: s.server,
    address: s.address,
    outcome: s.outcome === 'timeout' ? 'timeout' : s.outcome === 'error' ? 'error' : 'answer',
    detail: s.detail,
    keyIds: [...s.keyIds],
    unknownDs: s.unknownDs,
    ttl: s.ttl,
  }));
}

/**
 * The `parent-servers` zone setting: `ADDR[:PORT],…` (IPv6 as `[ADDR]:PORT`).
 * Empty text gives [] (find them through the resolver). ERR_PARENT_SERVERS_BAD.
 */
export function parseParentServers(text: string): ParentServer[] {
  try {
    return parseServerAddressList(text).map((address) => ({ name: null, address }));
  } catch (e) {
    if (e instanceof SignetError) throw new SignetError('ERR_PARENT_SERVERS_BAD', `parent-servers: ${e.message}`, { cause: e });
    throw e;
  }
}
