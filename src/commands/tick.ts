/** `signet tick [NAME]`: one pass of the manager (meant for system cron). */
import type { Command } from 'commander';
import { SignetError } from '../core/errors.ts';
import { parseDuration } from '../core/time.ts';
import { runTick, tickJson, tickText } from '../manager/tick-run.ts';
import { normalizeZoneName } from '../manager/zone-config.ts';
import type { CommandContext } from './context.ts';
import { openDb } from './db.ts';

/** `--lock-wait` as milliseconds. */
export function lockWaitMs(text: string): number {
  try {
    return parseDuration(text) * 1000;
  } catch (e) {
    throw new SignetError('ERR_BAD_DURATION', `bad --lock-wait "${text}" (a duration such as 30s or 2m)`, { exitCode: 2, cause: e });
  }
}

export function registerTickCommand(program: Command, context: () => CommandContext): void {
  program.command('tick').argument('[name]', 'zone (default: every zone)')
    .option('--lock-wait <duration>', 'how long to wait for a concurrent tick before leaving', '10s')
    .description('one pass of the manager: advance rollovers, start scheduled ones, re-sign where needed, run hooks, notify')
    .action(async (name: string | undefined, opts: { lockWait: string }) => {
      const ctx = context();
      const db = openDb(ctx);
      let report;
      try {
        report = await runTick(db, {
          now: ctx.now, passphrase: ctx.passphrase(), lockWaitMs: lockWaitMs(opts.lockWait),
          ...(name === undefined ? {} : { zone: normalizeZoneName(name) }),
        });
      } catch (e) {
        // Another pass is running: leave cleanly, it does the work.
        if (e instanceof SignetError && e.code === 'ERR_LOCKED') {
          if (ctx.json) ctx.outJson({ skipped: 'locked', message: e.message });
          else ctx.warn(`${e.message}; nothing done`);
          return;
        }
        throw e;
      }
      if (ctx.json) ctx.outJson(tickJson(report));
      else for (const line of tickText(report)) ctx.out(line);
      for (const z of report.zones) for (const w of z.warnings) ctx.warn(`${z.zone}: ${w}`);
      const failed = report.zones.filter((z) => z.error !== null);
      for (const z of failed) ctx.io.stderr(`signet: error: ${z.zone}: ${z.error!.action}: ${z.error!.message}\n`);
      if (failed.length > 0) {
        // cli.ts imports the commands; a static import back would be circular.
        const { ExitStatus } = await import('../cli.ts');
        throw new ExitStatus(1);
      }
    });
}
