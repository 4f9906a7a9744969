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
import { runShell } from '../../core/shell.ts';
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

/** The document the program reads on standard input. */
export function commandDocument(r: DsRequest, action: 'add' | 'remove'): string {
  return JSON.stringify({ zone: r.zone.toString(), action, ds: dsLines(r), dnskey: dnskeyLines(r) }) + '\n';
}

async function run(o: CommandRegistrarOptions, input: string, zone: string, action: 'add' | 'remove'): Promise<RegistrarResult> {
  const r = await runShell(o.command, {
    stdin: input,
    env: { SIGNET_ZONE: zone, SIGNET_ACTION: action, ...o.env },
    ...(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }),
  });
  if (r.ok) {
    const out = r.stdout.trim();
    return { status: 'accepted', message: out === '' ? `registrar command accepted the ${action}` : out };
  }
  const err = r.stderr.trim();
  const code = r.timedOut ? 'ERR_REGISTRAR_COMMAND_TIMEOUT' : 'ERR_REGISTRAR_COMMAND_FAILED';
  return { status: 'failed', code, retry: true, message: `registrar command ${r.how}${err ? `: ${err}` : ''}` };
}

export function commandRegistrar(o: CommandRegistrarOptions): Registrar {
  return {
    kind: 'command',
    submit: (r: DsRequest) => run(o, commandDocument(r, 'add'), r.zone.toString(), 'add'),
    withdraw: (r: DsRequest) => run(o, commandDocument(r, 'remove'), r.zone.toString(), 'remove'),
  };
}
