/**
 * Runs the external DNS tools the interop harness depends on.
 *
 * A missing tool is a hard failure with the Debian package to install: in CI a
 * missing validator must fail the suite, never skip it (issue 2).
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Which Debian (bookworm) package ships each tool the harness calls. */
export const TOOL_PACKAGES: Readonly<Record<string, string>> = {
  'ldns-verify-zone': 'ldnsutils',
  'dnssec-verify': 'bind9-utils',
  'dnssec-keygen': 'bind9-utils',
  'dnssec-signzone': 'bind9-utils',
  'dnssec-dsfromkey': 'bind9-utils',
  // Not in the `knot` package: bookworm moved it to knot-dnssecutils.
  kzonecheck: 'knot-dnssecutils',
  kdig: 'knot-dnsutils',
  nsd: 'nsd',
  knotd: 'knot',
  unbound: 'unbound',
  cc: 'gcc',
};

export interface ExecResult {
  /** The command line, for failure messages. */
  command: string;
  /** Exit status, or null when the process was killed by a signal. */
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface ExecOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Kill the tool after this long (default 30 s) so a hung tool fails the test instead of stalling it. */
  timeoutMs?: number;
}

export class MissingToolError extends Error {
  constructor(tool: string) {
    const pkg = TOOL_PACKAGES[tool];
    super(
      `interop: required tool "${tool}" is not installed or not on PATH` +
        (pkg === undefined ? '' : ` (install the Debian package "${pkg}")`),
    );
    this.name = 'MissingToolError';
  }
}

export function formatCommand(bin: string, args: readonly string[]): string {
  return [bin, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** Runs `bin args…` to completion. Rejects only when the tool cannot be started. */
export function execTool(bin: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const command = formatCommand(bin, args);
  const path = resolveTool(bin);
  if (path === null) return Promise.reject(new MissingToolError(bin));
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 30_000);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(e.code === 'ENOENT' ? new MissingToolError(bin) : e);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({
        command,
        status,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    });
  });
}

/** Like execTool, but a non-zero exit is an error carrying the full output. */
export async function execToolOk(bin: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const r = await execTool(bin, args, options);
  if (r.status !== 0) {
    throw new Error(`interop: ${r.command} failed (${describeExit(r)})\n${r.stdout}${r.stderr}`);
  }
  return r;
}

export function describeExit(r: ExecResult): string {
  if (r.timedOut) return 'timed out';
  if (r.signal !== null) return `killed by ${r.signal}`;
  return `exit ${r.status}`;
}

/**
 * Absolute path of `tool`: PATH first, then the sbin folders where Debian puts
 * nsd, knotd and unbound (a non-root PATH often lacks them). Null when absent.
 */
export function resolveTool(tool: string): string | null {
  if (tool.includes('/')) return tool;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, tool);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** Tools of TOOL_PACKAGES that resolveTool cannot find, as "tool (package)". */
export function findMissingTools(): string[] {
  return Object.entries(TOOL_PACKAGES)
    .filter(([tool]) => resolveTool(tool) === null)
    .map(([tool, pkg]) => `${tool} (${pkg})`);
}
