/** The one place that reads the real clock. Everything else receives `now`. */
import type { UnixSeconds } from './time.ts';
import { parseTime } from './time.ts';

export function wallClockNow(): UnixSeconds {
  return Math.floor(Date.now() / 1000);
}

/** `--now` when given, else the wall clock. Only the CLI edge calls this. */
export function resolveNow(option: string | undefined): UnixSeconds {
  return option === undefined ? wallClockNow() : parseTime(option);
}
