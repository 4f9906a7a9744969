/**
 * `signet run [--schedule CRON]`: the manager in the foreground, one pass (as
 * `tick`) at start and then at every time the cron expression names (the
 * `cron` package: 5 fields, or 6 with seconds first; UTC). Passes never
 * overlap. SIGTERM or SIGINT stops the schedule, lets a running pass finish,
 * and exits 0.
 */
import type { Command } from 'commander';
import { CronJob, validateCronExpression } from 'cron';
import { wallClockNow } from '../core/clock.ts';
import { SignetError } from '../core/errors.ts';
import { formatIso, parseTime } from '../core/time.ts';
import { runTick, tickJson, tickText } from '../manager/tick-run.ts';
import { normalizeZoneName } from '../manager/zone-config.ts';
import type { CommandContext } from './context.ts';
import { openDb } from './db.ts';
import { lockWaitMs } from './tick.ts';

export const DEFAULT_SCHEDULE = '*/5 * * * *';

export function registerRunCommand(program: Command, context: () => CommandContext): void {
  program.command('run').argument('[name]', 'zone (default: every zone)')
    .option('--schedule <cron>', 'when to run a pass (cron expression, UTC; 6 fields for seconds)', DEFAULT_SCHEDULE)
    .option('--lock-wait <duration>', 'how long a pass waits for a concurrent tick before skipping', '10s')
    .description('run the manager in the foreground on a cron schedule until SIGTERM or SIGINT')
    .action(async (name: string | undefined, opts: { schedule: string; lockWait: string }, cmd: Command) => {
      const ctx = context();
      const check = validateCronExpression(opts.schedule);
      if (!check.valid) {
        throw new SignetError('ERR_BAD_SCHEDULE', `bad --schedule "${opts.schedule}": ${check.error?.message ?? 'not a cron expression'}`, { exitCode: 2 });
      }
      const db = openDb(ctx);
      const zone = name === undefined ? undefined : normalizeZoneName(name);
      const fixedNow = (cmd.optsWithGlobals() as { now?: string }).now;
      const waitMs = lockWaitMs(opts.lockWait);
      const passphrase = ctx.passphrase();

      const pass = async (): Promise<void> => {
        // Every pass reads the clock anew, unless the whole run rehearses one moment (--now).
        const now = fixedNow === undefined ? wallClockNow() : parseTime(fixedNow);
        try {
          const report = await runTick(db, { now, passphrase, lockWaitMs: waitMs, ...(zone === undefined ? {} : { zone }) });
          if (ctx.json) ctx.io.stdout(`${JSON.stringify(tickJson(report))}\n`);
          else for (const line of tickText(report)) ctx.out(`${formatIso(now)} ${line}`);
          for (const z of report.zones) {
            for (const w of z.warnings) ctx.warn(`${z.zone}: ${w}`);
            if (z.error) ctx.io.stderr(`signet: error: ${z.zone}: ${z.error.action}: ${z.error.message}\n`);
          }
        } catch (e) {
          // A pass that cannot run (the lock is held, the database is busy) is skipped; the schedule goes on.
          const message = e instanceof SignetError ? e.describe() : (e as Error).stack ?? String(e);
          ctx.io.stderr(`signet: error: pass at ${formatIso(now)}: ${message}\n`);
        }
      };

      let running: Promise<void> | null = null;
      const guarded = async (): Promise<void> => {
        if (running) return;
        running = pass();
        try {
          await running;
        } finally {
          running = null;
        }
      };
      const job = CronJob.from({ cronTime: opts.schedule, onTick: guarded, start: false, timeZone: 'UTC', waitForCompletion: true });

      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (signal: string): void => {
          if (stopping) return;
          stopping = true;
          process.off('SIGTERM', onTerm);
          process.off('SIGINT', onInt);
          ctx.io.stderr(`signet: ${signal}: stopping\n`);
          void job.stop();
          void (async () => {
            if (running) await running.catch(() => {});
            resolve();
          })();
        };
        const onTerm = (): void => stop('SIGTERM');
        const onInt = (): void => stop('SIGINT');
        process.on('SIGTERM', onTerm);
        process.on('SIGINT', onInt);
        ctx.io.stderr(`signet: running passes on schedule "${opts.schedule}" (UTC); stop with SIGTERM or SIGINT\n`);
        void guarded().then(() => {
          if (!stopping) job.start();
        });
      });
    });
}
