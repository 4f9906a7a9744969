/**
 * Progress of long runs: a hook the signer calls as it goes, and a renderer
 * that draws one status line on a terminal (records parsed, RRsets signed,
 * rate, time left). When the stream is not a terminal there is no renderer
 * and nothing is printed: logs and pipes stay clean.
 */
import type { WriteStream } from 'node:tty';

export type ProgressPhase = 'parse' | 'sign' | 'done';

/**
 * Called with the work done so far in a phase. `parse` counts records read
 * (total: null, unknown until the end); `sign` counts RRsets whose output is
 * complete, of `total`; `done` once at the end. Cheap to call often: the
 * renderer throttles itself.
 */
export type ProgressHook = (phase: ProgressPhase, done: number, total: number | null) => void;

export interface TerminalProgressOptions {
  /** Milliseconds since some fixed point (default performance.now); injectable for tests. */
  readonly elapsedMs?: () => number;
  /** Smallest interval between two redraws, in milliseconds. */
  readonly intervalMs?: number;
  /** Width of the bar in characters. */
  readonly barWidth?: number;
}

/** Anything with write() and the TTY fields we look at. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): boolean;
}

function group(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(r).padStart(2, '0')}`;
}

/**
 * The line for one state, without the carriage return: for `sign`,
 * `signing [#####.....] 12,345/45,678 RRsets  61,234/s  0:03 left`.
 */
export function formatProgressLine(phase: ProgressPhase, done: number, total: number | null, rate: number, barWidth = 24): string {
  const rateText = rate > 0 ? `  ${group(rate)}/s` : '';
  if (phase === 'parse') return `reading ${group(done)} records${rateText}`;
  if (phase === 'done') return `done ${group(done)}${total === null ? '' : `/${group(total)}`} RRsets`;
  const fraction = total !== null && total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(fraction * barWidth);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]`;
  const left = total !== null && rate > 0 ? `  ${clock((total - done) / rate)} left` : '';
  return `signing ${bar} ${group(done)}/${total === null ? '?' : group(total)} RRsets${rateText}${left}`;
}

/**
 * A progress hook that draws on `stream` when it is a terminal, or null
 * when it is not (then pass nothing to the signer). The line is redrawn in
 * place at most every `intervalMs` and cleared at `done`.
 */
export function terminalProgress(stream: ProgressStream = process.stderr as WriteStream, options: TerminalProgressOptions = {}): ProgressHook | null {
  if (stream.isTTY !== true) return null;
  const elapsed = options.elapsedMs ?? (() => performance.now());
  const interval = options.intervalMs ?? 100;
  let phase: ProgressPhase | null = null;
  let phaseStart = 0;
  let lastDraw = -Infinity;
  let drawn = false;
  return (next, done, total) => {
    const t = elapsed();
    if (next !== phase) {
      phase = next;
      phaseStart = t;
      lastDraw = -Infinity;
    }
    if (next === 'done') {
      // Erase the status line: the command prints its own summary.
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
      return;
    }
    if (t - lastDraw < interval && !(total !== null && done >= total)) return;
    lastDraw = t;
    const seconds = (t - phaseStart) / 1000;
    const rate = seconds > 0.2 ? done / seconds : 0;
    let line = formatProgressLine(next, done, total, rate, options.barWidth);
    const width = stream.columns ?? 80;
    if (line.length > width - 1) line = line.slice(0, width - 1);
    stream.write(`\r\x1b[2K${line}`);
    drawn = true;
  };
}
