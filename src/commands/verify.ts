/**
 * `signet verify FILE [--origin NAME] [--anchor FILE]... [--warn DUR] [--crit DUR] [--format F]`:
 * offline RFC 4035 §5 validation of a signed zone file, with monitoring-plugin
 * exit codes (SPEC): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (could not run).
 *
 * Output: human text by default; `--json` (global) or `--format json`; and
 * `--format prometheus` for a node_exporter textfile collector.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { SignetError } from '../core/errors.ts';
import type { TrustAnchors } from '../verify/anchors.ts';
import { readSignedZoneFile, readTrustAnchors } from '../verify/read.ts';
import { renderJson, renderPrometheus, renderText } from '../verify/report.ts';
import { DEFAULT_CRIT_SECONDS, DEFAULT_WARN_SECONDS, verifySignedZone } from '../verify/verify-zone.ts';
import { Name } from '../zone/name.ts';
import type { CommandContext } from './context.ts';
import { ExitStatus } from './exit-status.ts';
import { collectRepeated, monitoringUsageError, parseDurationOption, parseReportFormat } from './monitoring-options.ts';
import type { ReportFormat } from './monitoring-options.ts';
import { reportCouldNotRun } from './monitoring-unknown.ts';

export type VerifyFormat = ReportFormat;

export interface VerifyCommandOptions {
  origin?: string;
  anchor?: string[];
  warn?: string;
  crit?: string;
  format?: string;
}

function usage(message: string): SignetError {
  return monitoringUsageError('ERR_VERIFY_USAGE', message);
}

function parseFormat(text: string | undefined, json: boolean): VerifyFormat {
  return parseReportFormat(text, json, 'ERR_VERIFY_USAGE');
}

function parseSeconds(option: string, text: string | undefined, fallback: number): number {
  return parseDurationOption(option, text, fallback, 'ERR_VERIFY_USAGE');
}

function parseOrigin(text: string | undefined): Name | null {
  if (text === undefined) return null;
  try {
    return Name.parse(text.endsWith('.') ? text : `${text}.`);
  } catch (e) {
    throw usage(`--origin: ${(e as Error).message}`);
  }
}

/**
 * Runs the verification and writes the report; returns the exit status.
 * Errors that stop the check (unreadable file, parse error, bad option) are
 * reported on standard error (and as status 3 in JSON or Prometheus output)
 * and give 3.
 */
export async function runVerify(file: string, opts: VerifyCommandOptions, ctx: CommandContext): Promise<number> {
  let format: VerifyFormat = 'text';
  let zoneLabel = opts.origin ?? file;
  try {
    format = parseFormat(opts.format, ctx.json);
    const warn = parseSeconds('--warn', opts.warn, DEFAULT_WARN_SECONDS);
    const crit = parseSeconds('--crit', opts.crit, DEFAULT_CRIT_SECONDS);
    const path = resolve(ctx.io.cwd, file);
    const zone = await readSignedZoneFile(path, parseOrigin(opts.origin));
    zoneLabel = zone.origin.toString();
    const anchorFiles = opts.anchor ?? [];
    const anchors: TrustAnchors | undefined = anchorFiles.length === 0
      ? undefined
      : await readTrustAnchors(anchorFiles.map((a) => resolve(ctx.io.cwd, a)), zone.origin);
    const result = verifySignedZone(zone.records, { origin: zone.origin, now: ctx.now, warn, crit, ...(anchors ? { anchors } : {}) });
    if (format === 'json') ctx.io.stdout(renderJson(result));
    else if (format === 'prometheus') ctx.io.stdout(renderPrometheus([{ zone: zoneLabel, result, now: ctx.now }]));
    else ctx.io.stdout(renderText(result));
    return result.status;
  } catch (e) {
    if (!(e instanceof SignetError)) throw e;
    return reportCouldNotRun(ctx, format, zoneLabel, e, (zone) => renderPrometheus([{ zone, result: null, now: ctx.now }]));
  }
}

export function registerVerifyCommand(program: Command, context: () => CommandContext): void {
  program.command('verify').argument('<file>', 'signed zone file')
    .option('--origin <name>', 'the zone apex (default: the owner of the SOA in the file)')
    .option('--anchor <file>', 'DS or DNSKEY records the parent holds (repeatable); default: the SEP keys stand in', collectRepeated, [])
    .option('--warn <duration>', 'WARNING when the earliest signature expires within this (default 5d, the default signature-refresh)')
    .option('--crit <duration>', 'CRITICAL when the earliest signature expires within this (default 2d)')
    .option('--format <format>', 'text, json or prometheus (node_exporter textfile collector)')
    .description('verify a signed zone file offline; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN')
    .action(async (file: string, opts: VerifyCommandOptions) => {
      const status = await runVerify(file, opts, context());
      if (status !== 0) {
        // Imported when needed: cli.ts imports the command registry, which imports this file.
        throw new ExitStatus(status);
      }
    });
}
