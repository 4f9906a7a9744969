/**
 * Runs an operator's command (post-sign-command, a notify command) through
 * `/bin/sh -c`, with optional standard input, extra environment and a time
 * limit. The result is a value: the caller records a failure as an event.
 */
import { spawn } from 'node:child_process';

export interface ShellResult {
  ok: boolean;
  /** "exited with status 3", "killed after 120000 ms", "could not start: …". */
  how: string;
  stdout: string;
  stderr: string;
}

const MAX_CAPTURE = 16 * 1024;

export function runShell(command: string, options: { stdin?: string; env?: Record<string, string>; timeoutMs?: number; cwd?: string } = {}): Promise<ShellResult> {
  return new Promise((resolve) => {
    const out = { stdout: '', stderr: '' };
    let settled = false;
    let timedOut = false;
    const limit = options.timeoutMs ?? 120_000;
    // Its own process group, so that the time limit also stops what the command started.
    const child = spawn('/bin/sh', ['-c', command], {
      stdio: ['pipe', 'pipe', 'pipe'], detached: true, cwd: options.cwd, env: { ...process.env, ...options.env },
    });
    const settle = (ok: boolean, how: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ok, how, stdout: out.stdout, stderr: out.stderr });
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
    child.stdin.on('error', () => { /* the command need not read its input */ });
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
