/**
 * Real DNS servers on loopback for end-to-end tests (issue 2, "Done when"):
 * an authoritative server (NSD, or Knot) serving a signed zone file as it is,
 * and unbound as a validating resolver whose trust anchor is the zone's DS.
 *
 * Every server lives in its own temporary directory (config, zone copy, pid
 * file, logs), which stop() removes. Startup waits until the server answers
 * and fails with the server's log when it does not.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatRrsigTime } from '../../../src/core/time.ts';
import { findFreePort } from './ports.ts';
import { ManagedProcess } from './process.ts';
import { query } from './query.ts';
import type { DnsResponse } from './query.ts';

export type AuthKind = 'nsd' | 'knot';

export interface AuthServerOptions {
  /** Signed zone file to serve; it is copied, so the caller may delete or change the original. */
  zoneFile: string;
  /** Zone origin, with or without the trailing dot. */
  origin: string;
}

export interface AuthServer {
  kind: AuthKind;
  /** UDP and TCP port on 127.0.0.1. */
  port: number;
  origin: string;
  /** The server's temporary directory. */
  dir: string;
  /** Serve another file (e.g. a tampered copy): the server is restarted on the same port. */
  replaceZone(zoneFile: string): Promise<void>;
  /** Stops the server and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
  /** Config, process output and log file, for failure messages. */
  log(): string;
}

export interface ResolverOptions {
  origin: string;
  /** Port of the authoritative server on 127.0.0.1 (stub-zone target). */
  authPort: number;
  /** Trust anchor as zone-file text: DS lines (from `signet ds` or dnssec-dsfromkey) or DNSKEY lines. */
  trustAnchor: string;
  /** Validate RRSIG times as if the clock read this Unix time (unbound's val-override-date). */
  at?: number;
}

export interface Resolver {
  port: number;
  dir: string;
  /**
   * Restart on the same port with an empty cache, optionally with another
   * validation time (`at: null` goes back to the real clock) or trust anchor.
   */
  restart(changes?: { at?: number | null; trustAnchor?: string }): Promise<void>;
  stop(): Promise<void>;
  log(): string;
}

/** How long a server may take to answer its first query. */
const READY_TIMEOUT_MS = 10_000;
const POLL_MS = 50;
// Probes go over TCP: before the server binds, a TCP connect is refused at once, while
// kdig ignores ICMP port-unreachable for UDP and would wait out its whole timeout.
/** Attempts on fresh ports when a server cannot come up (a port race, most likely). */
const PORT_ATTEMPTS = 3;
/** NSD: "can't bind udp socket … Address already in use"; unbound: "bind: address already in use"; Knot: "cannot bind address … (address already in use)". */
const PORT_RACE = /address already in use/i;

const bare = (origin: string): string => (origin === '.' ? '.' : origin.replace(/\.$/, ''));
const absolute = (origin: string): string => (origin.endsWith('.') ? origin : `${origin}.`);
const quote = (s: string): string => `"${s.replace(/(["\\])/g, '\\$1')}"`;

function readIfExists(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Why a start attempt failed; only a server that died (most likely a port race) is retried. */
class StartFailure extends Error {
  readonly portBusy: boolean;
  constructor(message: string, portBusy: boolean) {
    super(message);
    this.portBusy = portBusy;
  }
}

interface Readiness {
  probe: (port: number) => Promise<DnsResponse>;
  accept: (r: DnsResponse) => boolean;
  /** Log lines meaning the server runs but will never serve the zone (it refused the file). */
  fatal: RegExp | null;
}

/**
 * Polls until `accept(response)` holds. Fails at once when the process dies
 * or its log shows a fatal error, else after READY_TIMEOUT_MS.
 */
async function waitUntilReady(proc: ManagedProcess, port: number, readiness: Readiness, logText: () => string): Promise<void> {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  let last = 'no answer yet';
  while (performance.now() < deadline) {
    // Another process took the port between findFreePort and the bind: worth a new port.
    // (Knot logs the failed bind and keeps running; NSD and unbound exit.)
    if (PORT_RACE.test(logText())) throw new StartFailure('port already in use', true);
    if (proc.exit !== null) throw new StartFailure(`server exited during startup (${proc.exit})`, false);
    try {
      const r = await readiness.probe(port);
      if (readiness.accept(r)) return;
      last = `${r.rcodeName}${r.flags.aa ? ' aa' : ''}`;
    } catch (e) {
      last = (e as Error).message.split('\n')[0] ?? 'query failed';
    }
    if (readiness.fatal?.test(logText()) === true) {
      throw new StartFailure(`server refused the zone (last probe: ${last})`, false);
    }
    await sleep(POLL_MS);
  }
  throw new StartFailure(`server did not become ready within ${READY_TIMEOUT_MS} ms (last probe: ${last})`, false);
}

interface Launch {
  proc: ManagedProcess;
  port: number;
}

/**
 * Starts a server with `start(port)` and waits for it. When the port is busy,
 * retries on a new port, or on the imposed port after a pause (a restart: the
 * previous process's workers may still be releasing it).
 */
async function launch(
  describe: string,
  fixedPort: number | null,
  start: (port: number) => Promise<ManagedProcess>,
  readiness: Readiness,
  fileLogs: () => string,
): Promise<Launch> {
  const errors: string[] = [];
  const maxAttempts = fixedPort === null ? PORT_ATTEMPTS : 5;
  for (let attempt = 1; ; attempt++) {
    const port = fixedPort ?? (await findFreePort());
    const proc = await start(port);
    try {
      await waitUntilReady(proc, port, readiness, () => `${proc.log}${fileLogs()}`);
      return { proc, port };
    } catch (e) {
      await proc.stop();
      errors.push(`attempt ${attempt} on port ${port}: ${(e as Error).message}\n$ ${proc.command}\n${proc.log}${fileLogs()}`);
      if (!(e instanceof StartFailure && e.portBusy && attempt < maxAttempts)) {
        throw new Error(`interop: ${describe} failed to start\n${errors.join('\n')}`);
      }
      if (fixedPort !== null) await sleep(200);
    }
  }
}

// ---------------------------------------------------------------- NSD

function nsdConfig(dir: string, port: number, origin: string): string {
  return [
    'server:',
    `  ip-address: 127.0.0.1@${port}`,
    `  port: ${port}`,
    '  do-ip6: no',
    '  server-count: 1',
    '  reuseport: no',
    '  verbosity: 2',
    '  hide-version: yes',
    // Run as the invoking user, in place, with no nsd.db: tests are unprivileged and throwaway.
    '  username: ""',
    '  chroot: ""',
    '  database: ""',
    `  zonesdir: ${quote(dir)}`,
    `  pidfile: ${quote(join(dir, 'nsd.pid'))}`,
    `  zonelistfile: ${quote(join(dir, 'zone.list'))}`,
    `  xfrdfile: ${quote(join(dir, 'xfrd.state'))}`,
    `  xfrdir: ${quote(dir)}`,
    `  logfile: ${quote(join(dir, 'nsd.log'))}`,
    'remote-control:',
    '  control-enable: no',
    'zone:',
    `  name: ${quote(bare(origin))}`,
    '  zonefile: "zone.signed"',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------- Knot

function knotConfig(dir: string, port: number, origin: string): string {
  return [
    'server:',
    `  rundir: ${quote(dir)}`,
    `  listen: 127.0.0.1@${port}`,
    '  udp-workers: 1',
    '  tcp-workers: 1',
    '  background-workers: 1',
    'database:',
    `  storage: ${quote(join(dir, 'db'))}`,
    // LMDB maps are sparse but reserve address space; keep them small.
    '  journal-db-max-size: 32M',
    '  kasp-db-max-size: 8M',
    '  timer-db-max-size: 8M',
    '  catalog-db-max-size: 8M',
    'control:',
    `  listen: ${quote(join(dir, 'knot.sock'))}`,
    'log:',
    '  - target: stderr',
    '    any: info',
    'template:',
    '  - id: default',
    `    storage: ${quote(dir)}`,
    // Serve the file exactly as given: never write it back, never re-sign it.
    '    zonefile-sync: -1',
    '    zonefile-load: whole',
    '    journal-content: none',
    '    dnssec-signing: off',
    '    semantic-checks: off',
    'zone:',
    `  - domain: ${quote(absolute(origin))}`,
    `    file: ${quote(join(dir, 'zone.signed'))}`,
    '',
  ].join('\n');
}

/** Starts NSD (`nsd -d`) or Knot (`knotd`) on a free loopback port serving `zoneFile`. */
export async function startAuthServer(kind: AuthKind, options: AuthServerOptions): Promise<AuthServer> {
  const origin = absolute(options.origin);
  const dir = mkdtempSync(join(tmpdir(), `signet-${kind}-`));
  const zonePath = join(dir, 'zone.signed');
  const confPath = join(dir, `${kind}.conf`);
  copyFileSync(options.zoneFile, zonePath);

  const start = (port: number): Promise<ManagedProcess> => {
    if (kind === 'nsd') {
      // A fresh log per process: startup checks scan it, and an old run's errors must not count.
      rmSync(join(dir, 'nsd.log'), { force: true });
      writeFileSync(confPath, nsdConfig(dir, port, origin));
      return ManagedProcess.start('nsd', ['-d', '-c', confPath], dir);
    }
    writeFileSync(confPath, knotConfig(dir, port, origin));
    return ManagedProcess.start('knotd', ['-c', confPath], dir);
  };
  // Ready once it answers authoritatively for the apex SOA, i.e. the zone loaded.
  const readiness: Readiness = {
    probe: (port) => query(port, origin, 'SOA', { tcp: true, timeoutSeconds: 1 }),
    accept: (r) => r.rcode === 0 && r.flags.aa && r.answer.some((rr) => rr.type === 'SOA'),
    // NSD: "zone example.test file zone.signed read with 3 errors"; Knot: "zone event 'load' failed".
    fatal: /read with \d+ errors|zone event 'load' failed|failed to load zone/,
  };
  const fileLogs = (): string => {
    const nsdLog = readIfExists(join(dir, 'nsd.log'));
    return `--- ${confPath}\n${readIfExists(confPath)}${nsdLog === '' ? '' : `--- nsd.log\n${nsdLog}`}`;
  };

  let current: Launch;
  try {
    current = await launch(kind, null, start, readiness, fileLogs);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const port = current.port;
  let stopped = false;

  return {
    kind,
    port,
    origin,
    dir,
    async replaceZone(zoneFile: string): Promise<void> {
      await current.proc.stop();
      copyFileSync(zoneFile, zonePath);
      // Same port: the resolver's stub-zone points at it.
      current = await launch(`${kind} (restart)`, port, start, readiness, fileLogs);
    },
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      await current.proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    log: () => `$ ${current.proc.command}\n${current.proc.log}${fileLogs()}`,
  };
}

export const startNsd = (options: AuthServerOptions): Promise<AuthServer> => startAuthServer('nsd', options);
export const startKnot = (options: AuthServerOptions): Promise<AuthServer> => startAuthServer('knot', options);

// ---------------------------------------------------------------- unbound

/**
 * Every IPv4 block except 127.0.0.0/8. Test zones carry glue and addresses
 * such as 192.0.2.x; unbound must never send a query off this machine while
 * following a referral or priming the root.
 */
const NON_LOOPBACK_V4 = [
  '0.0.0.0/2', '64.0.0.0/3', '96.0.0.0/4', '112.0.0.0/5', '120.0.0.0/6', '124.0.0.0/7', '126.0.0.0/8', '128.0.0.0/1',
];

/** The origin and its ancestors (not the root): unbound serves some TLDs itself (RFC 6761 `test.`, `invalid.`…). */
function selfAndAncestors(origin: string): string[] {
  const labels = absolute(origin).split('.').filter((l) => l !== '');
  return labels.map((_, i) => `${labels.slice(i).join('.')}.`);
}

function unboundConfig(dir: string, port: number, o: { origin: string; authPort: number; at: number | undefined }): string {
  return [
    'server:',
    `  interface: 127.0.0.1@${port}`,
    `  port: ${port}`,
    '  do-ip4: yes',
    '  do-ip6: no',
    '  do-udp: yes',
    '  do-tcp: yes',
    '  num-threads: 1',
    '  so-reuseport: no',
    '  outgoing-range: 64',
    // Keep unbound's own outgoing ports in the kernel's ephemeral range, away from findFreePort's range.
    '  outgoing-port-avoid: 0-32767',
    '  username: ""',
    '  chroot: ""',
    `  directory: ${quote(dir)}`,
    `  pidfile: ${quote(join(dir, 'unbound.pid'))}`,
    '  use-syslog: no',
    '  logfile: ""',
    '  verbosity: 1',
    '  access-control: 127.0.0.0/8 allow',
    '  hide-version: no',
    '  do-not-query-localhost: no',
    ...NON_LOOPBACK_V4.map((net) => `  do-not-query-address: ${net}`),
    '  module-config: "validator iterator"',
    `  trust-anchor-file: ${quote(join(dir, 'anchor.txt'))}`,
    '  trust-anchor-signaling: no',
    '  root-key-sentinel: no',
    '  val-log-level: 2',
    '  harden-dnssec-stripped: yes',
    '  qname-minimisation: no',
    '  prefetch: no',
    '  prefetch-key: no',
    // RRSIG inception/expiration are checked against this date instead of the clock.
    ...(o.at === undefined ? [] : [`  val-override-date: "${formatRrsigTime(o.at)}"`]),
    ...selfAndAncestors(o.origin).map((name) => `  local-zone: ${quote(name)} nodefault`),
    'remote-control:',
    '  control-enable: no',
    'stub-zone:',
    `  name: ${quote(absolute(o.origin))}`,
    `  stub-addr: 127.0.0.1@${o.authPort}`,
    '',
  ].join('\n');
}

/** Starts unbound as a validating resolver for `origin`, stubbed to the authoritative server. */
export async function startUnbound(options: ResolverOptions): Promise<Resolver> {
  const dir = mkdtempSync(join(tmpdir(), 'signet-unbound-'));
  const confPath = join(dir, 'unbound.conf');
  const anchorPath = join(dir, 'anchor.txt');
  let at: number | undefined = options.at;
  writeFileSync(anchorPath, options.trustAnchor.endsWith('\n') ? options.trustAnchor : `${options.trustAnchor}\n`);

  const start = (port: number): Promise<ManagedProcess> => {
    writeFileSync(confPath, unboundConfig(dir, port, { origin: options.origin, authPort: options.authPort, at }));
    return ManagedProcess.start('unbound', ['-d', '-c', confPath], dir);
  };
  // version.server is answered by unbound itself, so the probe leaves the cache empty.
  const readiness: Readiness = {
    probe: (port) => query(port, 'version.server', 'TXT', { qclass: 'CH', recurse: true, dnssec: false, tcp: true, timeoutSeconds: 1 }),
    accept: (r) => r.rcode === 0,
    fatal: null, // unbound exits on a bad config or trust anchor file
  };
  const fileLogs = (): string =>
    `--- ${confPath}\n${readIfExists(confPath)}--- ${anchorPath}\n${readIfExists(anchorPath)}`;

  let current: Launch;
  try {
    current = await launch('unbound', null, start, readiness, fileLogs);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const port = current.port;
  let stopped = false;

  return {
    port,
    dir,
    async restart(changes = {}): Promise<void> {
      await current.proc.stop();
      if (changes.at !== undefined) at = changes.at ?? undefined;
      if (changes.trustAnchor !== undefined) writeFileSync(anchorPath, `${changes.trustAnchor.trimEnd()}\n`);
      current = await launch('unbound (restart)', port, start, readiness, fileLogs);
    },
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      await current.proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    log: () => `$ ${current.proc.command}\n${current.proc.log}${fileLogs()}`,
  };
}
