/**
 * checkZone: the live check of a zone and its delegation (SPEC `signet
 * check`). Find the parent's servers and the zone's (given, or through a
 * resolver), ask every one by address, then judge:
 *
 * - the DS each parent server holds against the DNSKEY RRset each zone
 *   server serves, and the SOA against the DNSKEY RRset (validate.ts);
 * - the signatures' validity period at `now`, and the earliest expiration
 *   against --warn / --crit;
 * - servers that disagree (consistency.ts), NSEC3 parameters (nsec3param.ts),
 *   servers that fail.
 *
 * Status (monitoring-plugin convention): 2 when any finding is critical;
 * else 3 UNKNOWN when the check could not run in full (no server of the
 * zone answered, no parent server answered, or the servers could not be
 * found); else 1 for warnings, 0 OK. A critical finding wins over UNKNOWN:
 * what is known to be broken is reported as broken.
 */
import { SignetError } from '../core/errors.ts';
import { formatDuration, formatIso } from '../core/time.ts';
import type { UnixSeconds } from '../core/time.ts';
import { DNS_PORT, type ServerAddress } from '../dns/address.ts';
import type { DnsQuerier } from '../dns/client.ts';
import { findParentServers } from '../registrar/find-parent.ts';
import { EXIT_UNKNOWN, exitStatusOf } from '../verify/finding.ts';
import type { SeverityCounts } from '../verify/finding.ts';
import type { Name } from '../zone/name.ts';
import { RRType, typeToString } from '../zone/types.ts';
import { askChildServers } from './child.ts';
import type { ChildServerReport } from './child.ts';
import { compareServers } from './consistency.ts';
import { CheckFindings } from './finding.ts';
import type { CheckFinding } from './finding.ts';
import { judgeNsec3Param } from './nsec3param.ts';
import { askParents, describeDs } from './parent.ts';
import type { ParentResult, ParentServerReport } from './parent.ts';
import type { CheckServer } from './probe.ts';
import { validateServer } from './validate.ts';
import type { ServerValidation } from './validate.ts';
import { findZoneServers } from './zone-servers.ts';

export interface CheckOptions {
  readonly zone: Name;
  readonly now: UnixSeconds;
  /** Seconds: an earliest expiration closer than this is a WARNING. */
  readonly warn: number;
  /** Seconds: an earliest expiration closer than this is CRITICAL. */
  readonly crit: number;
  readonly client: DnsQuerier;
  /** The zone's servers; when absent they are found through `resolver`. */
  readonly servers?: readonly CheckServer[];
  /** The parent's servers; when absent they are found through `resolver`. */
  readonly parentServers?: readonly CheckServer[];
  readonly resolver?: ServerAddress;
  /** Port of the servers found through the resolver; default 53. */
  readonly port?: number;
  /** Address families of the servers found through the resolver; default both. */
  readonly families?: readonly (4 | 6)[];
}

export interface CheckResult {
  readonly zone: Name;
  readonly now: UnixSeconds;
  /** 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. */
  readonly status: 0 | 1 | 2 | 3;
  /** Why the check could not run in full, or null. */
  readonly unknown: string | null;
  /** Most severe first. */
  readonly findings: readonly CheckFinding[];
  readonly counts: SeverityCounts;
  /** The earliest expiration of an RRSIG made by a zone key on any server, or null. */
  readonly horizon: UnixSeconds | null;
  /** The type whose signature expires first ("SOA", "DNSKEY"...). */
  readonly horizonType: string | null;
  /** The parent zone, when the resolver or the answers name it. */
  readonly parentZone: string | null;
  readonly parent: readonly ParentServerReport[];
  /** The DS records the parent serves, as tag/algorithm (union over the parent's servers). */
  readonly ds: readonly string[];
  readonly servers: readonly ChildServerReport[];
}

interface Located {
  parentZone: Name | null;
  parentServers: readonly CheckServer[];
  servers: readonly CheckServer[];
}

async function locate(o: CheckOptions, findings: CheckFindings): Promise<Located> {
  const port = o.port ?? DNS_PORT;
  const families = o.families ?? [4, 6];
  const needResolver = (what: string): ServerAddress => {
    if (o.resolver === undefined) throw new SignetError('ERR_CHECK_NO_RESOLVER', `no ${what} given and no resolver to find them: give --resolver (or ${what === 'parent servers' ? '--parent-server' : '--server'})`);
    return o.resolver;
  };
  const unresolved = (names: readonly string[], whose: string): void => {
    for (const name of names) {
      findings.add('NO_ADDRESS_FOR_NS_NAME', 'warning', null, RRType.NS,
        `the ${whose} NS name ${name} has no address${families.length === 1 ? ` of IPv${families[0]}` : ''}, so resolvers cannot use it: give it an A or AAAA record, or take it out of the NS set`);
    }
  };
  const [parent, own] = await Promise.all([
    o.parentServers !== undefined
      ? Promise.resolve({ parentZone: null, servers: o.parentServers })
      : findParentServers(o.zone, needResolver('parent servers'), o.client, { port, families }).then((f) => {
        unresolved(f.unresolved, `parent zone's (${f.parentZone.toString()})`);
        return { parentZone: f.parentZone as Name | null, servers: f.servers as readonly CheckServer[] };
      }),
    o.servers !== undefined
      ? Promise.resolve(o.servers)
      : findZoneServers(o.zone, needResolver('servers of the zone'), o.client, { port, families }).then((f) => {
        unresolved(f.unresolved, 'zone\'s');
        return f.servers as readonly CheckServer[];
      }),
  ]);
  return { parentZone: parent.parentZone, parentServers: parent.servers, servers: own };
}

export async function checkZone(o: CheckOptions): Promise<CheckResult> {
  const findings = new CheckFindings();
  const zone = o.zone;
  let located: Located;
  try {
    located = await locate(o, findings);
  } catch (e) {
    if (!(e instanceof SignetError)) throw e;
    return finish(o, findings, `could not find the servers to ask: ${e.message}`, null, [], [], null);
  }
  if (located.servers.length === 0) return finish(o, findings, 'no server of the zone to ask', located.parentZone, [], [], null);
  if (located.parentServers.length === 0) return finish(o, findings, 'no parent server to ask', located.parentZone, [], [], null);

  const [parent, servers] = await Promise.all([
    askParents(zone, located.parentServers, o.client, findings),
    askChildServers(zone, located.servers, o.client, findings),
  ]);
  const parentZone = located.parentZone ?? parent.zoneSeen;

  const unknown: string[] = [];
  if (!servers.some((s) => s.soa !== null)) {
    unknown.push(`none of the zone's ${servers.length} server(s) answered (${servers.map((s) => `${s.label}: ${s.failure ?? 'no SOA'}`).join('; ')})`);
  }
  if (parent.dsSets.length === 0) {
    unknown.push(`no parent server answered the DS question (${parent.servers.map((s) => `${s.label}: ${s.failure ?? 'no answer'}`).join('; ')}), so the chain of trust was not checked`);
  }

  const validations: { server: ChildServerReport; v: ServerValidation }[] = [];
  for (const s of servers) {
    if (!s.complete) continue;
    validations.push({ server: s, v: validateServer(zone, o.now, s, parent.dsSets, findings) });
    judgeNsec3Param(zone, s, findings);
  }
  compareServers(zone, servers, findings);
  judgeDelegation(zone, parent, validations.map((x) => x.v), findings);
  const horizon = judgeHorizon(o, validations, findings);
  return finish(o, findings, unknown.length === 0 ? null : unknown.join('; '), parentZone, parent.servers, servers, horizon, parent);
}

/** The delegation as a whole: a signed zone without DS, an unsigned zone without DS. */
function judgeDelegation(zone: Name, parent: ParentResult, validations: readonly ServerValidation[], findings: CheckFindings): void {
  if (parent.dsSets.length === 0 || validations.length === 0) return;
  if (parent.dsSets.some((s) => s.rdatas.length > 0)) return;
  if (validations.some((v) => v.signed)) {
    findings.add('INSECURE_DELEGATION', 'warning', zone, RRType.DS,
      `${zone.toString()} is signed but the parent holds no DS for it, so validating resolvers treat it as unsigned: submit the DS that \`signet ds\` prints to the registrar`);
  } else {
    findings.add('ZONE_UNSIGNED', 'info', zone, null, `${zone.toString()} is not signed and the parent holds no DS for it: there is no DNSSEC to check`);
  }
}

interface Horizon {
  readonly at: UnixSeconds;
  readonly type: number | null;
}

/** The earliest expiration over every server, judged against --warn and --crit (as the offline verifier does). */
function judgeHorizon(o: CheckOptions, validations: readonly { server: ChildServerReport; v: ServerValidation }[], findings: CheckFindings): Horizon | null {
  let first: Horizon | null = null;
  for (const { v } of validations) {
    if (v.earliest !== null && (first === null || v.earliest < first.at)) first = { at: v.earliest, type: v.earliestType };
  }
  if (first === null || first.at < o.now) return first;
  const left = first.at - o.now;
  if (left > o.warn && left > o.crit) return first;
  const severity = left <= o.crit ? 'critical' : 'warning';
  const limit = severity === 'critical' ? o.crit : o.warn;
  const servers = validations.filter(({ v }) => v.earliest !== null && v.earliest - o.now <= limit).map(({ server }) => server.label);
  const what = `${o.zone.toString()} ${first.type === null ? '' : typeToString(first.type)}`.trimEnd();
  findings.add('SIGNATURE_EXPIRES_SOON', severity, o.zone, first.type,
    `the earliest signature (${what}) expires at ${formatIso(first.at)}, in ${formatDuration(left)}, within the ${severity === 'critical' ? `--crit ${formatDuration(o.crit)}` : `--warn ${formatDuration(o.warn)}`}: re-sign the zone and reload it on every server (is \`signet tick\` running?)`,
    { servers, details: { expiration: formatIso(first.at), secondsLeft: left } });
  return first;
}

function finish(
  o: CheckOptions, findings: CheckFindings, unknown: string | null, parentZone: Name | null,
  parent: readonly ParentServerReport[], servers: readonly ChildServerReport[], horizon: Horizon | null, parentResult?: ParentResult,
): CheckResult {
  const counts = findings.counts();
  const judged = exitStatusOf(counts);
  const status = (judged === 2 || unknown === null ? judged : EXIT_UNKNOWN) as CheckResult['status'];
  const ds = new Set<string>();
  for (const set of parentResult?.dsSets ?? []) for (const r of set.rdatas) ds.add(describeDs(r));
  return {
    zone: o.zone,
    now: o.now,
    status,
    unknown,
    findings: findings.list(),
    counts,
    horizon: horizon?.at ?? null,
    horizonType: horizon?.type === null || horizon === null ? null : typeToString(horizon.type),
    parentZone: parentZone?.toString() ?? null,
    parent,
    ds: [...ds],
    servers,
  };
}
