/**
 * Runs the signet CLI in-process (src/cli.ts `main`) with captured output,
 * or as a real child process when a test needs process-level behaviour.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli.ts';

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export const SIGNET_BIN = resolve(import.meta.dirname, '../../bin/signet.js');

/** Runs `signet ARGS…` in-process with `cwd` and environment overrides. */
export async function runCli(args: readonly string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const status = await main(args, {
    stdout: (s) => { stdout += s; },
    stderr: (s) => { stderr += s; },
    env: { ...options.env },
    cwd: options.cwd ?? process.cwd(),
  });
  return { status, stdout, stderr };
}

/** Runs bin/signet.js as a child process (slower: a Node start and the bundle check, about a quarter of a second). */
export function runCliProcess(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): CliResult {
  const r = spawnSync(process.execPath, [SIGNET_BIN, ...args], {
    cwd: options.cwd, env: { ...process.env, ...options.env }, encoding: 'utf8', timeout: 60_000,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A temporary folder removed by the returned cleanup function. */
export function makeTempDir(prefix = 'signet-test-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
