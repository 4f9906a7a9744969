/** Opens the state database named by --db / $SIGNET_DB for a command. */
import { openStateDb, type StateDb } from '../keystore/state-db.ts';
import type { CommandContext } from './context.ts';

const cache = new WeakMap<CommandContext, StateDb>();

export function openDb(ctx: CommandContext): StateDb {
  let db = cache.get(ctx);
  if (!db) {
    const opened = openStateDb(ctx.dbPath);
    cache.set(ctx, opened);
    ctx.onClose(() => opened.close());
    db = opened;
  }
  return db;
}
