/** `signet events [NAME]`: the audit log. */
import type { Command } from 'commander';
import { formatIso } from '../core/time.ts';
import { normalizeZoneName } from '../manager/zone-config.ts';
import type { CommandContext } from './context.ts';
import { openDb } from './db.ts';

export function registerEventsCommand(program: Command, context: () => CommandContext): void {
  program.command('events').argument('[name]', 'zone (default: all)')
    .option('--limit <n>', 'only the newest N events')
    .description('the audit log: every key, DS, rollover and signing change, with time and reason')
    .action((name: string | undefined, opts: { limit?: string }) => {
      const ctx = context();
      const events = openDb(ctx).listEvents({
        ...(name === undefined ? {} : { zone: normalizeZoneName(name) }),
        ...(opts.limit === undefined ? {} : { limit: Number(opts.limit) }),
      });
      if (ctx.json) return ctx.outJson(events.map((e) => ({ ...e, time: formatIso(e.time) })));
      for (const e of events) ctx.out(`${formatIso(e.time)}\t${e.zone ?? '-'}\t${e.kind}\t${e.message}`);
    });
}
