/**
 * Option parsing shared by the monitoring commands (`verify`, `check`): bad
 * options mean the check could not run, which is UNKNOWN (exit 3), not the
 * usage status 2 that monitoring reads as CRITICAL.
 */
import { SignetError } from '../core/errors.ts';
import { parseDuration } from '../core/time.ts';
import { EXIT_UNKNOWN } from '../verify/finding.ts';

export type ReportFormat = 'text' | 'json' | 'prometheus';

/** An error for a bad option of a monitoring command: exit 3. */
export function monitoringUsageError(code: string, message: string): SignetError {
  return new SignetError(code, message, { exitCode: EXIT_UNKNOWN });
}

/** `--format`, defaulting to json under the global `--json`, else text. */
export function parseReportFormat(text: string | undefined, json: boolean, code: string): ReportFormat {
  if (text === undefined) return json ? 'json' : 'text';
  if (text === 'text' || text === 'json' || text === 'prometheus') return text;
  throw monitoringUsageError(code, `bad --format "${text}" (text, json or prometheus)`);
}

/** A duration option such as `--warn 5d`, in seconds; `fallback` when absent. */
export function parseDurationOption(option: string, text: string | undefined, fallback: number, code: string): number {
  if (text === undefined) return fallback;
  try {
    return parseDuration(text);
  } catch (e) {
    throw monitoringUsageError(code, `${option}: ${(e as Error).message}`);
  }
}

/** commander's collector for a repeatable option (`--server A --server B`). */
export function collectRepeated(value: string, previous: string[]): string[] {
  return [...previous, value];
}
