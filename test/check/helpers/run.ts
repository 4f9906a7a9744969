/**
 * Runs `signet check` in-process through commander, the way src/cli.ts does
 * (global --now and --json; ExitStatus, commander and SignetError errors to
 * exit codes), with only the check command registered so that these tests
 * do not depend on the rest of the command registry.
 */
import { Command, CommanderError } from 'commander';
import { registerCheckCommand } from '../../../src/commands/check.ts';
import type { CheckDependencies } from '../../../src/commands/check.ts';
import { CommandContext } from '../../../src/commands/context.ts';
import { ExitStatus } from '../../../src/commands/exit-status.ts';
import type { GlobalOptions } from '../../../src/commands/context.ts';
import { resolveNow } from '../../../src/core/clock.ts';
import { SignetError } from '../../../src/core/errors.ts';

export interface RunResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `signet [--json] [--now T] check ARGS...`. */
export async function runCheckCli(args: readonly string[], deps: CheckDependencies = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (s: string) => { stdout += s; }, stderr: (s: string) => { stderr += s; }, env: {}, cwd: process.cwd() };
  const program = new Command('signet')
    .option('--now <time>')
    .option('--json')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  let ctx: CommandContext | null = null;
  registerCheckCommand(program, () => {
    const opts = program.opts<GlobalOptions>();
    return (ctx ??= new CommandContext(io, resolveNow(opts.now), opts));
  }, deps);
  let status = 0;
  try {
    await program.parseAsync([...args], { from: 'user' });
  } catch (e) {
    if (e instanceof ExitStatus) status = e.status;
    // As src/cli.ts: bad usage of a monitoring command is UNKNOWN (3), not 2 (CRITICAL).
    else if (e instanceof CommanderError) status = 3;
    else if (e instanceof SignetError) {
      stderr += `signet: error: ${e.describe()}\n`;
      status = e.exitCode;
    } else throw e;
  }
  return { status, stdout, stderr };
}
