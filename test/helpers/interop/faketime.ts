/**
 * Builds (once per source version) the faketime.c LD_PRELOAD shim and returns
 * the environment that makes a tool believe the wall clock reads `at`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execToolOk } from './exec.ts';

const SOURCE = new URL('./faketime.c', import.meta.url);

let built: Promise<string> | null = null;

/** Path of the compiled shim, compiling it with `cc` on first use. */
export function faketimeLibrary(): Promise<string> {
  built ??= build();
  return built;
}

async function build(): Promise<string> {
  const source = readFileSync(SOURCE);
  const digest = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const target = join(tmpdir(), `signet-interop-faketime-${digest}.so`);
  if (existsSync(target)) return target;
  // Parallel test workers may build at once: compile to a private name, then rename atomically.
  const partial = `${target}.${process.pid}.tmp`;
  try {
    await execToolOk('cc', ['-shared', '-fPIC', '-O2', '-Wall', '-o', partial, SOURCE.pathname]);
    renameSync(partial, target);
  } finally {
    rmSync(partial, { force: true });
  }
  return target;
}

/** Environment variables that make a dynamically linked tool see `at` (Unix seconds) as now. */
export async function faketimeEnv(at: number): Promise<Record<string, string>> {
  return { LD_PRELOAD: await faketimeLibrary(), SIGNET_FAKETIME_AT: String(Math.floor(at)) };
}
