/**
 * `command`: runs the zone's `registrar-command` through `/bin/sh -c` with
 * the JSON document of SPEC "Registrar" on standard input:
 *
 *   {"zone": "example.com.", "action": "add" | "remove",
 *    "ds": [DS records in zone-file form], "dnskey": [the matching DNSKEY records]}
 *
 * Exit status 0 means the registrar accepted the change. Anything else (a
 * non-zero status, a signal, the time limit) is a failure carrying the
 * program's standard error, retried on the next tick.
 */
import { spawn } from 'node:child_process';
import type { DsRequest, Registrar, RegistrarResult } from './registrar.ts';
import { dnskeyLines, dsLines } from './registrar.ts';

export interface CommandRegistrarOptions {
  /** The shell command line (the `registrar-command` setting). */
  readonly command: string;
  /** Kill the program after this long; default 120 000 ms. */
  readonly timeoutMs?: number;
  /** Extra environment variables (added to the current environment). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Keep this much of each output stream for messages. */
const MAX_CAPTURE = 16 * 1024;

/** The document the program reads on standard input. */
export function commandDocument(r: DsRequest, action: 'add' | 'remove'): string {
  return JSON.stringify({ zone: r.zone.toString(), action, ds: dsLines(r), dnskey: dnskeyLines(r) }) + '\n';
}

function capture(into: { text: string }, chunk: Buffer): void {
  if (into.text.length < MAX_CAPTURE) into.text += chunk.toString('utf8').slice(0, MAX_CAPTURE - into.text.length);
}

function run(o: CommandRegistrarOptions, input: string, zone: string, action: 'add' | 'remove'): Promise<RegistrarResult> {
  return new Promise((resolve) => {
    const stdout = { text: '' };
    const stderr = { text: '' };
    let timedOut = false;
    let settled = false;
    const settle = (r: RegistrarResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    // detached: the program gets its own process group, so that the time limit kills
    // whatever it started too (a killed shell would leave its children holding the pipes).
    const child = spawn('/bin/sh', ['-c', o.command], {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, SIGNET_ZONE: zone, SIGNET_ACTION: action, ...o.env },
    });
    const limit = o.timeoutMs ?? 120_000;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      const err = stderr.text.trim();
      settle({ status: 'failed', code: 'ERR_REGISTRAR_COMMAND_TIMEOUT', retry: true, message: `registrar command killed after ${limit} ms${err ? `: ${err}` : ''}` });
    }, limit);
    child.stdout.on('data', (c: Buffer) => capture(stdout, c));
    child.stderr.on('data', (c: Buffer) => capture(stderr, c));
    // A program that exits without reading its input makes the write fail with EPIPE: its exit status decides.
    child.stdin.on('error', () => {});
    child.on('error', (e) => settle({ status: 'failed', code: 'ERR_REGISTRAR_COMMAND_FAILED', retry: true, message: `registrar command could not start: ${e.message}` }));
    child.on('close', (code, signal) => {
      const err = stderr.text.trim();
      if (timedOut) return;
      if (code === 0) {
        const out = stdout.text.trim();
        settle({ status: 'accepted', message: out === '' ? `registrar command accepted the ${action}` : out });
      } else {
        const how = signal ? `was killed by ${signal}` : `exited with status ${code}`;
        settle({ status: 'failed', code: 'ERR_REGISTRAR_COMMAND_FAILED', retry: true, message: `registrar command ${how}${err ? `: ${err}` : ''}` });
      }
    });
    child.stdin.end(input);
  });
}

export function commandRegistrar(o: CommandRegistrarOptions): Registrar {
  return {
    kind: 'command',
    submit: (r: DsRequest) => run(o, commandDocument(r, 'add'), r.zone.toString(), 'add'),
    withdraw: (r: DsRequest) => run(o, commandDocument(r, 'remove'), r.zone.toString(), 'remove'),
  };
}
