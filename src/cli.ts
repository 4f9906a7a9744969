/**
 * The signet command line: global options, command registration and the one
 * place that maps errors to exit codes. Command logic lives in src/commands/.
 */
import { Command, CommanderError } from 'commander';
import { resolveNow } from './core/clock.ts';
import { SignetError } from './core/errors.ts';
import { CommandContext, type CliIo, type GlobalOptions } from './commands/context.ts';
import { registerCommands } from './commands/index.ts';

import { ExitStatus, usageExitStatus } from './commands/exit-status.ts';

export { ExitStatus };

/**
 * The program with the global options and the command groups that `argv`
 * needs (every group when `argv` names none: see commands/index.ts).
 */
export async function buildProgram(io: CliIo, argv: readonly string[]): Promise<{ program: Command; close(): void }> {
  const program = new Command('signet')
    .description('DNSSEC zone signer and key-rollover manager')
    .option('--db <path>', 'state database (default $SIGNET_DB, else ./state.db)')
    .option('--now <time>', 'act as if the clock read TIME (ISO 8601 or Unix seconds)')
    .option('--json', 'machine-readable output')
    .option('--passphrase-file <path>', 'file holding the passphrase for private keys (else $SIGNET_PASSPHRASE)')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      outputError: (s, write) => write(s),
    });
  let ctx: CommandContext | null = null;
  const context = (): CommandContext => {
    const opts = program.opts<GlobalOptions>();
    return (ctx ??= new CommandContext(io, resolveNow(opts.now), opts));
  };
  await registerCommands(program, context, argv);
  return { program, close: () => ctx?.close() };
}

/** Runs the CLI with `argv` (without node and script) and returns the exit status. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const { program, close } = await buildProgram(io, argv);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof ExitStatus) return e.status;
    if (e instanceof CommanderError) {
      // Help and version exit 0; every other commander error is bad usage (SPEC: exit 2).
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0 ? 0 : usageExitStatus(argv);
    }
    if (e instanceof SignetError) {
      io.stderr(`signet: error: ${e.describe()}\n`);
      return e.exitCode;
    }
    io.stderr(`signet: error: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  } finally {
    close();
  }
}

/** Entry point for bin/signet.js: runs with the process's arguments and streams. */
export async function runFromProcess(): Promise<void> {
  // A reader that stops early (`signet events | head`) closes the pipe: that is not an error of
  // the command, whose work is done (and committed) by the time it prints.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
    });
  }
  const io: CliIo = {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    env: process.env,
    cwd: process.cwd(),
  };
  process.exitCode = await main(process.argv.slice(2), io);
}
