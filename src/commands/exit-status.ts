/** Thrown by handlers that end with a specific exit status and no error message (verify, check, tick). */
export class ExitStatus extends Error {
  readonly status: number;
  constructor(status: number) {
    super(`exit ${status}`);
    this.status = status;
  }
}

/** Global options that take a value, so that the command name can be found after them. */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(['--db', '--now', '--passphrase-file']);

/** The command word of an argument list (`verify` in `--now X verify FILE`), or null. */
export function commandWord(argv: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (GLOBAL_OPTIONS_WITH_VALUE.has(a)) { i++; continue; }
    if (a.startsWith('-')) continue;
    return a;
  }
  return null;
}

/**
 * Exit status for bad usage: 2 (SPEC), except for the monitoring commands,
 * whose callers read 2 as CRITICAL; for them a command that could not run is
 * UNKNOWN, 3 (monitoring-plugin convention).
 */
export function usageExitStatus(argv: readonly string[]): number {
  const word = commandWord(argv);
  return word === 'verify' || word === 'check' ? 3 : 2;
}
