/**
 * Runs an operator's command (post-sign-command, a notify command, the
 * `command` registrar) through `/bin/sh -c`, with optional standard input,
 * extra environment and a time limit. The result is a value: the caller
 * decides what a failure means (an event, a registrar failure to retry).
 */
import { spawn } from 'node:child_process';

export interface ShellResult {
  ok: boolean;
  /** "exited with status 3", "was killed by SIGTERM", "killed after 120000 ms", "could not start: …". */
  how: string;
  /** The time limit ran out (the command's process group was killed). */
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

const MAX_CAPTURE = 16 * 1024;

export interface ShellOptions {
  stdin?: string;
  /** Added to the current environment. */
  env?: Readonly<Record<string, string>>;
  /** Kill the command (and what it started) after this long; default 120 000 ms. */
  timeoutMs?: number;
  cwd?: string;
}

export function runShell(command: string, options: ShellOptions = {}): Promise<ShellResult> {
  return new Promise((resolve) => {
    const out = { stdout: '', stderr: '' };
    let settled = false;
    let timedOut = false;
    const limit = options.timeoutMs ?? 120_000;
    // Its own process group, so that the time limit also stops what the command started
    // (a killed shell would leave its children holding the pipes).
    const child = spawn('/bin/sh', ['-c', command], {
      stdio: ['pipe', 'pipe', 'pipe'], detached: true, cwd: options.cwd, env: { ...process.env, ...options.env },
    });
    const settle = (ok: boolean, how: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ok, how, timedOut, stdout: out.stdout, stderr: out.stderr });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      settle(false, `killed after ${limit} ms`);
    }, limit);
    const keep = (which: 'stdout' | 'stderr') => (chunk: Buffer) => {
      if (out[which].length < MAX_CAPTURE) out[which] += chunk.toString('utf8').slice(0, MAX_CAPTURE - out[which].length);
    };
    child.stdout.on('data', keep('stdout'));
    child.stderr.on('data', keep('stderr'));
    // A command that exits without reading its input makes the write fail with EPIPE: its exit status decides.
    child.stdin.on('error', () => {});
    child.on('error', (e) => settle(false, `could not start: ${e.message}`));
    child.on('close', (code, signal) => {
      if (timedOut) return;
      settle(code === 0, code === 0 ? 'exited with status 0' : signal ? `was killed by ${signal}` : `exited with status ${code}`);
    });
    child.stdin.end(options.stdin ?? '');
  });
}

/** "exited with status 1: <first line of stderr>" for events. */
export function describeShellFailure(r: ShellResult): string {
  const err = r.stderr.trim().split('\n').slice(0, 3).join(' / ');
  return err === '' ? r.how : `${r.how}: ${err}`;
}
