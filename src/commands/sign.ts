/** `signet sign NAME`: sign the zone's input into its output, atomically. */
import type { Command } from 'commander';
import { formatIso } from '../core/time.ts';
import { terminalProgress } from '../io/progress.ts';
import { signZoneToFile } from '../manager/sign-and-publish.ts';
import { runPostSignCommand } from '../manager/post-sign.ts';
import { requireZone } from '../manager/zone-config.ts';
import type { CommandContext } from './context.ts';
import { openDb } from './db.ts';

const METHOD = { 'in-memory': 'in-memory signer', streaming: 'streaming signer', patched: 'previous output patched' } as const;

export function registerSignCommand(program: Command, context: () => CommandContext): void {
  program.command('sign').argument('<name>', 'zone')
    .description('sign the zone\'s input into its output (temporary file, fsync, rename)')
    .action(async (nameArg: string) => {
      const ctx = context();
      const db = openDb(ctx);
      const z = requireZone(db, nameArg);
      // Records read and signatures made, on a terminal only (large zones: the streaming signer reports).
      const progress = terminalProgress();
      const result = await signZoneToFile(db, z, ctx.now, ctx.passphrase(), progress === null ? {} : { progress });
      for (const w of result.warnings) ctx.warn(w);
      // The new zone is in place: run the zone's post-sign command (a reload), as tick does.
      await runPostSignCommand(db, z.name, ctx.now);
      if (ctx.json) return ctx.outJson({ ...result, earliestExpiration: result.earliestExpiration === null ? null : formatIso(result.earliestExpiration) });
      const kept = result.signatures - result.created;
      ctx.out(`signed ${result.zone} serial ${result.serial}: ${result.signatures} signatures over ${result.rrsets} RRsets`
        + ` (${METHOD[result.method]}; ${result.created} made${kept > 0 ? `, ${kept} kept` : ''})`);
      ctx.out(`wrote ${result.output}`);
      if (result.earliestExpiration !== null) ctx.out(`earliest signature expiration ${formatIso(result.earliestExpiration)}`);
    });
}
