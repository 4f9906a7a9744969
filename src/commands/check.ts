/**
 * `signet check DOMAIN [--server ADDR[:PORT]]... [--parent-server ADDR[:PORT]]...
 *  [--resolver ADDR[:PORT]] [--port N] [-4|-6] [--warn DUR] [--crit DUR] [--timeout SECONDS] [--format F]`:
 * a live check of a zone and its delegation over DNS (src/check), with
 * monitoring-plugin exit codes (SPEC): 0 OK, 1 WARNING, 2 CRITICAL,
 * 3 UNKNOWN (could not run: nothing answered, bad arguments).
 *
 * Servers not given are found through the resolver: --resolver, else the
 * first nameserver of /etc/resolv.conf.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { checkZone } from '../check/check-zone.ts';
import type { CheckResult } from '../check/check-zone.ts';
import type { CheckServer } from '../check/probe.ts';
import { renderCheckJson, renderCheckPrometheus, renderCheckText, renderCheckUnknownPrometheus } from '../check/report.ts';
import { firstNameserver } from '../check/resolv-conf.ts';
import { SignetError } from '../core/errors.ts';
import { parseServerAddress } from '../dns/address.ts';
import type { ServerAddress } from '../dns/address.ts';
import { DnsClient } from '../dns/client.ts';
import type { DnsQuerier } from '../dns/client.ts';
import { DEFAULT_CRIT_SECONDS, DEFAULT_WARN_SECONDS } from '../verify/verify-zone.ts';
import { Name } from '../zone/name.ts';
import type { CommandContext } from './context.ts';
import { ExitStatus } from './exit-status.ts';
import { collectRepeated, monitoringUsageError, parseDurationOption, parseReportFormat } from './monitoring-options.ts';
import type { ReportFormat } from './monitoring-options.ts';
import { reportCouldNotRun } from './monitoring-unknown.ts';

export type CheckFormat = ReportFormat;

export interface CheckCommandOptions {
  server?: string[];
  parentServer?: string[];
  resolver?: string;
  port?: string;
  ipv4?: boolean;
  ipv6?: boolean;
  warn?: string;
  crit?: string;
  timeout?: string;
  format?: string;
}

/** What the command needs from the outside world; tests replace it. */
export interface CheckDependencies {
  /** The DNS client; default a DnsClient with the --timeout. */
  client?: (timeoutMs: number) => DnsQuerier;
  /** The text of resolv.conf; default /etc/resolv.conf, or null when unreadable. */
  resolvConf?: () => string | null;
}

export const RESOLV_CONF = '/etc/resolv.conf';

function usage(message: string): SignetError {
  return monitoringUsageError('ERR_CHECK_USAGE', message);
}

function parseFormat(text: string | undefined, json: boolean): CheckFormat {
  return parseReportFormat(text, json, 'ERR_CHECK_USAGE');
}

function parseSeconds(option: string, text: string | undefined, fallback: number): number {
  return parseDurationOption(option, text, fallback, 'ERR_CHECK_USAGE');
}

function parseAddress(option: string, text: string): ServerAddress {
  try {
    return parseServerAddress(text);
  } catch (e) {
    throw usage(`${option}: ${(e as Error).message}`);
  }
}

function parseDomain(text: string): Name {
  try {
    return Name.parse(text.endsWith('.') ? text : `${text}.`);
  } catch (e) {
    throw usage(`bad domain "${text}": ${(e as Error).message}`);
  }
}

function parsePort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) throw usage(`bad --port "${text}" (1 to 65535)`);
  return Number(text);
}

function parseTimeoutMs(text: string | undefined): number {
  if (text === undefined) return 2000;
  const s = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(s > 0) || s > 60) throw usage(`bad --timeout "${text}" (seconds per try, more than 0 and at most 60, e.g. 2 or 0.5)`);
  return Math.round(s * 1000);
}

function readResolvConf(): string | null {
  try {
    return readFileSync(RESOLV_CONF, 'utf8');
  } catch {
    return null;
  }
}

const given = (list: string[] | undefined, option: string): CheckServer[] | undefined =>
  list === undefined || list.length === 0 ? undefined : list.map((t) => ({ name: null, address: parseAddress(option, t) }));

/**
 * Runs the check and writes the report; returns the exit status. Errors
 * that stop the check (bad options, no resolver) are reported on standard
 * error (and as status 3 in JSON or Prometheus output) and give 3.
 */
export async function runCheck(domain: string, opts: CheckCommandOptions, ctx: CommandContext, deps: CheckDependencies = {}): Promise<number> {
  let format: CheckFormat = 'text';
  let zoneLabel = domain;
  try {
    format = parseFormat(opts.format, ctx.json);
    const zone = parseDomain(domain);
    zoneLabel = zone.toString();
    const warn = parseSeconds('--warn', opts.warn, DEFAULT_WARN_SECONDS);
    const crit = parseSeconds('--crit', opts.crit, DEFAULT_CRIT_SECONDS);
    const servers = given(opts.server, '--server');
    const parentServers = given(opts.parentServer, '--parent-server');
    if (opts.ipv4 === true && opts.ipv6 === true) throw usage('-4 and -6 exclude each other');
    const families: (4 | 6)[] = opts.ipv4 === true ? [4] : opts.ipv6 === true ? [6] : [4, 6];
    const port = parsePort(opts.port);
    const timeoutMs = parseTimeoutMs(opts.timeout);
    let resolver: ServerAddress | undefined;
    if (opts.resolver !== undefined) resolver = parseAddress('--resolver', opts.resolver);
    else if (servers === undefined || parentServers === undefined) {
      const text = (deps.resolvConf ?? readResolvConf)();
      const found = text === null ? null : firstNameserver(text);
      if (found === null) throw usage(`no --resolver given and no nameserver in ${RESOLV_CONF}: give --resolver, or both --server and --parent-server`);
      resolver = found;
    }
    const client = deps.client?.(timeoutMs) ?? new DnsClient({ timeoutMs });
    const result: CheckResult = await checkZone({
      zone, now: ctx.now, warn, crit, client, families,
      ...(servers ? { servers } : {}),
      ...(parentServers ? { parentServers } : {}),
      ...(resolver ? { resolver } : {}),
      ...(port === undefined ? {} : { port }),
    });
    if (format === 'json') ctx.io.stdout(renderCheckJson(result));
    else if (format === 'prometheus') ctx.io.stdout(renderCheckPrometheus(result));
    else ctx.io.stdout(renderCheckText(result));
    return result.status;
  } catch (e) {
    if (!(e instanceof SignetError)) throw e;
    return reportCouldNotRun(ctx, format, zoneLabel, e, renderCheckUnknownPrometheus);
  }
}

export function registerCheckCommand(program: Command, context: () => CommandContext, deps: CheckDependencies = {}): void {
  program.command('check').argument('<domain>', 'the zone to check (its apex)')
    .option('--server <addr>', 'a server of the zone, ADDR[:PORT] (repeatable); default: the NS set, through the resolver', collectRepeated, [])
    .option('--parent-server <addr>', 'a server of the parent zone, ADDR[:PORT] (repeatable); default: found through the resolver', collectRepeated, [])
    .option('--resolver <addr>', 'recursive resolver used to find servers not given, ADDR[:PORT] (default: the first nameserver of /etc/resolv.conf)')
    .option('--port <port>', 'port of the servers found through the resolver (default 53)')
    .option('-4, --ipv4', 'ask only the IPv4 addresses of servers found through the resolver')
    .option('-6, --ipv6', 'ask only the IPv6 addresses of servers found through the resolver')
    .option('--warn <duration>', 'WARNING when the earliest signature expires within this (default 5d, the default signature-refresh)')
    .option('--crit <duration>', 'CRITICAL when the earliest signature expires within this (default 2d)')
    .option('--timeout <seconds>', 'seconds to wait for each answer, per try (default 2; 2 tries)')
    .option('--format <format>', 'text, json or prometheus (node_exporter textfile collector)')
    .description('check a live zone and its delegation over DNS; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN')
    .action(async (domain: string, opts: CheckCommandOptions) => {
      const status = await runCheck(domain, opts, context(), deps);
      if (status !== 0) throw new ExitStatus(status);
    });
}
