/**
 * What the monitoring commands (`verify`, `check`) print when they could not
 * run (a bad option, an unreadable file, nothing answered): UNKNOWN, exit 3,
 * in the output format asked for, so that whatever reads standard output
 * sees UNKNOWN rather than nothing; the reason goes to standard error too.
 */
import type { SignetError } from '../core/errors.ts';
import { EXIT_UNKNOWN } from '../verify/finding.ts';
import type { CommandContext } from './context.ts';
import type { ReportFormat } from './monitoring-options.ts';

/** Reports `error` as UNKNOWN for `zone` (the name given, when it never parsed); returns the exit status, 3. */
export function reportCouldNotRun(
  ctx: CommandContext,
  format: ReportFormat,
  zone: string,
  error: SignetError,
  prometheus: (zone: string) => string,
): number {
  ctx.io.stderr(`signet: error: ${error.describe()}\n`);
  if (format === 'json') {
    ctx.outJson({ zone, status: 'UNKNOWN', exitCode: EXIT_UNKNOWN, error: { code: error.code, message: error.describe() } });
  } else if (format === 'prometheus') {
    ctx.io.stdout(prometheus(zone));
  } else {
    ctx.io.stdout(`UNKNOWN ${zone}: ${error.describe()}\n`);
  }
  return EXIT_UNKNOWN;
}
