/**
 * A long-running server process owned by a test: output captured for failure
 * messages, stopped by its own process group (NSD forks its workers), and
 * killed when the test process exits even if a test forgot to stop it.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { MissingToolError, formatCommand, resolveTool } from './exec.ts';

/** Keep the tail of a chatty server's output, enough to explain a failure. */
const MAX_LOG = 64 * 1024;

const live = new Set<ManagedProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort when afterAll never ran (crash, timeout): no server outlives the test worker.
  process.once('exit', () => {
    for (const p of live) p.killNow();
  });
}

export class ManagedProcess {
  readonly command: string;
  private readonly child: ChildProcess;
  private output = '';
  private exitInfo: string | null = null;
  private readonly exited: Promise<void>;

  private constructor(path: string, args: readonly string[], cwd: string) {
    this.command = formatCommand(path, args);
    // detached: the server leads its own process group, so stop() reaches its forked children too.
    this.child = spawn(path, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const append = (chunk: Buffer): void => {
      this.output += chunk.toString('utf8');
      if (this.output.length > MAX_LOG) this.output = this.output.slice(-MAX_LOG);
    };
    this.child.stdout?.on('data', append);
    this.child.stderr?.on('data', append);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (status, signal) => {
        this.exitInfo = signal === null ? `exit ${status}` : `killed by ${signal}`;
        live.delete(this);
        resolve();
      });
    });
  }

  /** Starts `bin args…`; rejects at once when the binary does not exist. */
  static start(bin: string, args: readonly string[], cwd: string): Promise<ManagedProcess> {
    installExitHook();
    const path = resolveTool(bin);
    if (path === null) return Promise.reject(new MissingToolError(bin));
    const p = new ManagedProcess(path, args, cwd);
    return new Promise((resolve, reject) => {
      p.child.once('error', (e: NodeJS.ErrnoException) => {
        live.delete(p);
        reject(e.code === 'ENOENT' ? new MissingToolError(bin) : e);
      });
      p.child.once('spawn', () => {
        live.add(p);
        resolve(p);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Null while running, else how it ended. */
  get exit(): string | null {
    return this.exitInfo;
  }

  /** What the process printed (tail). */
  get log(): string {
    return this.output;
  }

  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves once the leader has exited. */
  async stop(graceMs = 3000): Promise<void> {
    if (this.exitInfo !== null) return;
    this.signalGroup('SIGTERM');
    const timer = setTimeout(() => this.signalGroup('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    // Workers that outlived the leader (NSD's server children) go too.
    this.signalGroup('SIGKILL');
  }

  /** Synchronous kill for the process exit hook. */
  killNow(): void {
    this.signalGroup('SIGKILL');
  }

  private signalGroup(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // ESRCH: the group is already gone.
    }
  }
}
