/**
 * The three independent offline validators a signed zone must pass (issue 2,
 * "Done when"): ldns-verify-zone (NLnet Labs), dnssec-verify (ISC BIND 9.18)
 * and kzonecheck -d on (CZ.NIC Knot 3.2).
 *
 * Each returns the exit status and the full output so a failing assertion
 * shows why. `at` (Unix seconds) makes the tool validate signature inception
 * and expiration as if the clock read `at`:
 *   ldns-verify-zone  -t YYYYMMDDhhmmss
 *   kzonecheck        -t <unix seconds>
 *   dnssec-verify     has no such option in 9.18: the faketime.c LD_PRELOAD shim shifts its clock.
 */
import { formatRrsigTime } from '../../../src/core/time.ts';
import { describeExit, execTool } from './exec.ts';
import type { ExecResult } from './exec.ts';
import { faketimeEnv } from './faketime.ts';

export interface ValidatorResult {
  tool: 'ldns-verify-zone' | 'dnssec-verify' | 'kzonecheck';
  /** True when the tool exited 0. */
  ok: boolean;
  /** The command line that ran (with the faked time, when one was injected). */
  command: string;
  /** Exit description and everything the tool printed, stdout then stderr. */
  output: string;
}

export interface ValidateOptions {
  /** Validate as of this Unix time instead of the real clock. */
  at?: number;
}

function toResult(tool: ValidatorResult['tool'], r: ExecResult, at: number | undefined): ValidatorResult {
  const when = at === undefined ? '' : ` [at ${at} = ${formatRrsigTime(at)}Z]`;
  return {
    tool,
    ok: r.status === 0 && !r.timedOut,
    command: r.command + when,
    output: `$ ${r.command}${when}\n(${describeExit(r)})\n${r.stdout}${r.stderr}`,
  };
}

/** `ldns-verify-zone [-t time] FILE`: signatures, NSEC/NSEC3 chain, completeness. */
export async function runLdnsVerifyZone(file: string, options: ValidateOptions = {}): Promise<ValidatorResult> {
  const args = options.at === undefined ? [file] : ['-t', formatRrsigTime(options.at), file];
  return toResult('ldns-verify-zone', await execTool('ldns-verify-zone', args), options.at);
}

/** `dnssec-verify -o ORIGIN FILE`, with the clock shifted to `at` when given. */
export async function runDnssecVerify(file: string, origin: string, options: ValidateOptions = {}): Promise<ValidatorResult> {
  const env = options.at === undefined ? {} : await faketimeEnv(options.at);
  return toResult('dnssec-verify', await execTool('dnssec-verify', ['-o', origin, file], { env }), options.at);
}

/** `kzonecheck -d on -o ORIGIN [-t time] FILE`: Knot's semantic checks including DNSSEC. */
export async function runKzonecheck(file: string, origin: string, options: ValidateOptions = {}): Promise<ValidatorResult> {
  const args = ['-d', 'on', '-o', origin];
  if (options.at !== undefined) args.push('-t', String(Math.floor(options.at)));
  args.push(file);
  return toResult('kzonecheck', await execTool('kzonecheck', args), options.at);
}

export interface AllValidatorsResult {
  /** True only when every validator accepted the zone. */
  ok: boolean;
  results: ValidatorResult[];
  /** All outputs, for an assertion message. */
  output: string;
}

/** Runs the three validators concurrently on one file. */
export async function verifyWithAll(file: string, origin: string, options: ValidateOptions = {}): Promise<AllValidatorsResult> {
  const results = await Promise.all([
    runLdnsVerifyZone(file, options),
    runDnssecVerify(file, origin, options),
    runKzonecheck(file, origin, options),
  ]);
  return {
    ok: results.every((r) => r.ok),
    results,
    output: results.map((r) => `[${r.tool}: ${r.ok ? 'accepted' : 'REJECTED'}]\n${r.output}`).join('\n'),
  };
}
