/**
 * One manager pass at a time per state database: a lock file next to the
 * database (`state.db.lock`), created with O_CREAT|O_EXCL and holding the
 * owner's pid. A second pass waits a bounded time, then gives up with
 * ERR_LOCKED. A lock left by a process that no longer exists (killed with
 * SIGKILL, a power cut) is taken over: its pid is checked with signal 0.
 *
 * SQLite's own locking still guards every write; this lock keeps two passes
 * from both acting on the same step (two registrar calls, two signings).
 */
import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { wallClockNow } from '../core/clock.ts';
import { SignetError } from '../core/errors.ts';

export interface Lock {
  readonly path: string;
  release(): void;
}

export interface LockOptions {
  /** How long to wait for another holder, in milliseconds. */
  waitMs: number;
  /** What wants the lock, for the error message. */
  what: string;
  pollMs?: number;
}

export function lockPathFor(dbPath: string): string {
  return `${dbPath}.lock`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): { text: string; pid: number | null } | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const pid = Number(text.split('\n')[0]);
  return { text, pid: Number.isSafeInteger(pid) && pid > 0 ? pid : null };
}

function tryCreate(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new SignetError('ERR_LOCK_FAILED', `cannot create lock file ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Removes a lock whose holder is dead. The file is first renamed to a name
 * of our own, so that of two processes clearing the same stale lock only one
 * succeeds; if what we moved turns out not to be the stale lock (a new holder
 * created it meanwhile), it is put back.
 */
function clearStale(path: string, stale: string): void {
  const aside = `${path}.stale.${process.pid}`;
  try {
    renameSync(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const moved = readHolder(aside);
  if (moved !== null && moved.text !== stale) {
    try {
      renameSync(aside, path);
    } catch {
      // Another holder exists meanwhile: theirs stays, ours is dropped below.
    }
  }
  rmSync(aside, { force: true });
}

/** A lock file without a pid is being written, unless it has been so for `seconds`. */
function unreadableFor(path: string, seconds: number): boolean {
  try {
    return wallClockNow() - statSync(path).mtimeMs / 1000 > seconds;
  } catch {
    return false;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Takes the lock of the database at `dbPath`; null for an in-memory database. */
export async function acquireLock(dbPath: string, options: LockOptions): Promise<Lock | null> {
  if (dbPath === ':memory:') return null;
  const path = lockPathFor(dbPath);
  const poll = options.pollMs ?? 100;
  const deadline = performance.now() + options.waitMs;
  for (;;) {
    if (tryCreate(path)) {
      let released = false;
      return {
        path,
        release() {
          if (released) return;
          released = true;
          const holder = readHolder(path);
          if (holder?.pid === process.pid) rmSync(path, { force: true });
        },
      };
    }
    const holder = readHolder(path);
    if (holder !== null && (holder.pid === null ? unreadableFor(path, 5) : holder.pid !== process.pid && !isAlive(holder.pid))) {
      clearStale(path, holder.text);
      continue;
    }
    if (performance.now() >= deadline) {
      const who = holder?.pid ? `process ${holder.pid}` : 'another process';
      throw new SignetError('ERR_LOCKED', `${options.what}: ${who} holds ${path}; try again once it has finished`);
    }
    await sleep(poll);
  }
}
