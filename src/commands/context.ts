/**
 * What every command handler receives: the resolved global options, output
 * functions and lazily opened state. Built once per CLI invocation by cli.ts;
 * tests build it directly to run commands in-process.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { UnixSeconds } from '../core/time.ts';
import { SignetError } from '../core/errors.ts';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
}

export interface GlobalOptions {
  db?: string;
  now?: string;
  json?: boolean;
  passphraseFile?: string;
}

export class CommandContext {
  readonly io: CliIo;
  readonly now: UnixSeconds;
  readonly json: boolean;
  readonly dbPath: string;
  private readonly passphraseFile: string | undefined;
  private readonly cleanups: (() => void)[] = [];

  constructor(io: CliIo, now: UnixSeconds, options: GlobalOptions) {
    this.io = io;
    this.now = now;
    this.json = options.json === true;
    this.dbPath = resolve(io.cwd, options.db ?? io.env.SIGNET_DB ?? 'state.db');
    this.passphraseFile = options.passphraseFile === undefined ? undefined : resolve(io.cwd, options.passphraseFile);
  }

  /** Registers something to release when the command ends (a database handle, a lock). */
  onClose(fn: () => void): void {
    this.cleanups.push(fn);
  }

  close(): void {
    for (const fn of this.cleanups.splice(0).reverse()) {
      try { fn(); } catch { /* closing must not hide the command's own outcome */ }
    }
  }

  /** Prints a line (or a JSON document when --json) to standard output. */
  out(text: string): void {
    this.io.stdout(text.endsWith('\n') ? text : text + '\n');
  }

  outJson(value: unknown): void {
    this.io.stdout(JSON.stringify(value, null, 2) + '\n');
  }

  warn(text: string): void {
    this.io.stderr(`signet: warning: ${text}\n`);
  }

  /** The key passphrase: --passphrase-file, else $SIGNET_PASSPHRASE, else none. */
  passphrase(): string | null {
    if (this.passphraseFile !== undefined) {
      try {
        return readFileSync(this.passphraseFile, 'utf8').replace(/\r?\n$/, '');
      } catch (e) {
        throw new SignetError('ERR_PASSPHRASE_FILE', `cannot read passphrase file ${this.passphraseFile}: ${(e as Error).message}`);
      }
    }
    const p = this.io.env.SIGNET_PASSPHRASE;
    return p === undefined || p === '' ? null : p;
  }
}
