/**
 * Runs `signet verify` in-process through commander, the way src/cli.ts
 * does (global options, ExitStatus and SignetError to exit codes), and the
 * external verifiers the corpus is checked against.
 */
import { spawnSync } from 'node:child_process';
import { Command, CommanderError } from 'commander';
import { ExitStatus } from '../../../src/cli.ts';
import { registerVerifyCommand } from '../../../src/commands/verify.ts';
import { CommandContext } from '../../../src/commands/context.ts';
import type { GlobalOptions } from '../../../src/commands/context.ts';
import { SignetError } from '../../../src/core/errors.ts';
import { formatRrsigTime } from '../../../src/core/time.ts';
import type { ExternalVerifier } from './cases.ts';

export interface RunResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `signet [--json] [--now T] verify ARGS...` with the command registered on a fresh program. */
export async function runVerifyCli(args: readonly string[], options: { now: number; cwd?: string }): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (s: string) => { stdout += s; }, stderr: (s: string) => { stderr += s; }, env: {}, cwd: options.cwd ?? process.cwd() };
  const program = new Command('signet')
    .option('--json')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  let ctx: CommandContext | null = null;
  registerVerifyCommand(program, () => (ctx ??= new CommandContext(io, options.now, program.opts<GlobalOptions>())));
  let status = 0;
  try {
    await program.parseAsync([...args], { from: 'user' });
  } catch (e) {
    if (e instanceof ExitStatus) status = e.status;
    else if (e instanceof CommanderError) status = 2;
    else if (e instanceof SignetError) {
      stderr += `signet: error: ${e.describe()}\n`;
      status = e.exitCode;
    } else throw e;
  }
  return { status, stdout, stderr };
}

export interface ToolResult {
  readonly status: number | null;
  readonly output: string;
}

/**
 * Runs an external verifier on `file`. ldns-verify-zone is told the time
 * (-t) and the anchor (-k); dnssec-verify and named-checkzone use the wall
 * clock, which is why the corpus is signed around the real now.
 */
export function runExternal(tool: ExternalVerifier, file: string, options: { now: number; origin: string; anchor?: string; csk?: boolean }): ToolResult {
  let args: string[];
  switch (tool) {
    case 'ldns-verify-zone':
      args = ['-t', formatRrsigTime(options.now), ...(options.anchor ? ['-k', options.anchor] : []), file];
      break;
    case 'dnssec-verify':
      // -z: a CSK signs everything, so the KSK flag says nothing about who signs what.
      args = ['-o', options.origin, ...(options.csk ? ['-z'] : []), file];
      break;
    case 'named-checkzone':
      args = ['-i', 'full', options.origin, file];
      break;
  }
  const r = spawnSync(tool, args, { encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw new Error(`${tool} could not run (install ldnsutils and bind9-utils): ${r.error.message}`);
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}
