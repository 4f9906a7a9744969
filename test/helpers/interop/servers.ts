/**
 * Real DNS servers on loopback for end-to-end tests (issue 2, "Done when"):
 * an authoritative server (NSD, or Knot) serving signed zone files as they
 * are, and unbound as a validating resolver stubbed to such servers, whose
 * trust anchor is a zone's DS (or DNSKEY).
 *
 * Every server lives in its own temporary directory (config, zone copies, pid
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

export type AuthKind = 'nsd' | 'knot';

export interface AuthServerOptions {
  /** Signed zone file to serve; it is copied, so the caller may delete or change the original. */
  zoneFile: string;
  /** Zone origin, with or without the trailing dot. */
  origin: string;
}

/**
 * Several zones on one server and one port, e.g. a parent and its child: a
 * resolver that finds servers through delegations knows only their addresses,
 * so a test that lets it do so needs them all behind one port.
 */
export interface MultiZoneAuthServerOptions {
  zones: readonly AuthServerOptions[];
}

export interface AuthServer {
  kind: AuthKind;
  /** UDP and TCP port on 127.0.0.1. */
  port: number;
  /** The first zone served (the only one, unless several were given). */
  origin: string;
  /** Every zone served, absolute, in the order given. */
  origins: readonly string[];
  /** The server's temporary directory. */
  dir: string;
  /**
   * Serve another file (e.g. a tampered copy) for `origin` (default: the
   * first zone): the server is restarted on the same port.
   */
  replaceZone(zoneFile: string, origin?: string): Promise<void>;
  /** Stops the server and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
  /** Config, process output and log file, for failure messages. */
  log(): string;
}

/** A zone unbound asks 127.0.0.1@port for directly (a stub-zone) instead of following delegations to it. */
export interface StubZone {
  /** Zone name, with or without the trailing dot. */
  zone: string;
  port: number;
}

export interface ResolverOptions {
  /**
   * The zones served on loopback. Several entries for one zone are several
   * servers for it (one stub-zone with a stub-addr each). A zone that is only
   * delegated to (its NS addresses are 127.0.0.1) still needs an entry: the
   * delegation names an address, not a port.
   */
  stubs: readonly StubZone[];
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
  /** Resolves to null once the server is ready, else to what it answered (for the failure message). */
  probe: (port: number) => Promise<string | null>;
  /** Log lines meaning the server runs but will never serve the zone (it refused the file). */
  fatal: RegExp | null;
}

/**
 * Polls until the probe reports ready. Fails at once when the process dies
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
      const notReady = await readiness.probe(port);
      if (notReady === null) return;
      last = notReady;
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

/** A server started by `launch` in its own directory, restartable on its port. */
interface Supervised {
  port: number;
  /** Stops the process, runs `change` (new config input), and starts it again on the same port. */
  restart(change: () => void): Promise<void>;
  /** Stops the process and removes the directory. Safe to call twice. */
  stop(): Promise<void>;
  log(): string;
}

/** Launches the server; on failure removes `dir` and rethrows. */
async function supervise(
  describe: string,
  dir: string,
  start: (port: number) => Promise<ManagedProcess>,
  readiness: Readiness,
  fileLogs: () => string,
): Promise<Supervised> {
  let current: Launch;
  try {
    current = await launch(describe, null, start, readiness, fileLogs);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const port = current.port;
  let stopped = false;
  return {
    port,
    async restart(change): Promise<void> {
      await current.proc.stop();
      change();
      // Same port: resolvers' stub-zones and test clients point at it.
      current = await launch(`${describe} (restart)`, port, start, readiness, fileLogs);
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

// ---------------------------------------------------------------- NSD

/** A zone as the server's config names it: origin and file name inside the server's directory. */
interface ZoneEntry {
  origin: string;
  file: string;
}

function nsdConfig(dir: string, port: number, zones: readonly ZoneEntry[]): string {
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
    ...zones.flatMap((z) => ['zone:', `  name: ${quote(bare(z.origin))}`, `  zonefile: ${quote(z.file)}`]),
    '',
  ].join('\n');
}

// ---------------------------------------------------------------- Knot

function knotConfig(dir: string, port: number, zones: readonly ZoneEntry[]): string {
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
    ...zones.flatMap((z) => [`  - domain: ${quote(absolute(z.origin))}`, `    file: ${quote(join(dir, z.file))}`]),
    '',
  ].join('\n');
}

/**
 * Starts NSD (`nsd -d`) or Knot (`knotd`) on a free loopback port serving
 * `zoneFile`, or every zone of `zones` on that one port.
 */
export async function startAuthServer(kind: AuthKind, options: AuthServerOptions | MultiZoneAuthServerOptions): Promise<AuthServer> {
  const given = 'zones' in options ? options.zones : [options];
  if (given.length === 0) throw new Error('interop: startAuthServer needs at least one zone');
  const dir = mkdtempSync(join(tmpdir(), `signet-${kind}-`));
  const zones: ZoneEntry[] = given.map((z, i) => ({ origin: absolute(z.origin), file: i === 0 ? 'zone.signed' : `zone${i}.signed` }));
  zones.forEach((z, i) => copyFileSync(given[i]!.zoneFile, join(dir, z.file)));
  const confPath = join(dir, `${kind}.conf`);

  const start = (port: number): Promise<ManagedProcess> => {
    if (kind === 'nsd') {
      // A fresh log per process: startup checks scan it, and an old run's errors must not count.
      rmSync(join(dir, 'nsd.log'), { force: true });
      writeFileSync(confPath, nsdConfig(dir, port, zones));
      return ManagedProcess.start('nsd', ['-d', '-c', confPath], dir);
    }
    writeFileSync(confPath, knotConfig(dir, port, zones));
    return ManagedProcess.start('knotd', ['-c', confPath], dir);
  };
  // Ready once it answers authoritatively for every apex SOA, i.e. every zone loaded.
  const readiness: Readiness = {
    probe: async (port) => {
      for (const z of zones) {
        const r = await query(port, z.origin, 'SOA', { tcp: true, timeoutSeconds: 1 });
        if (!(r.rcode === 0 && r.flags.aa && r.answer.some((rr) => rr.type === 'SOA'))) {
          return `${zones.length > 1 ? `${z.origin} ` : ''}${r.rcodeName}${r.flags.aa ? ' aa' : ''}`;
        }
      }
      return null;
    },
    // NSD: "zone example.test file zone.signed read with 3 errors"; Knot: "zone event 'load' failed".
    fatal: /read with \d+ errors|zone event 'load' failed|failed to load zone/,
  };
  const fileLogs = (): string => {
    const nsdLog = readIfExists(join(dir, 'nsd.log'));
    return `--- ${confPath}\n${readIfExists(confPath)}${nsdLog === '' ? '' : `--- nsd.log\n${nsdLog}`}`;
  };

  const server = await supervise(kind, dir, start, readiness, fileLogs);
  return {
    kind,
    port: server.port,
    origin: zones[0]!.origin,
    origins: zones.map((z) => z.origin),
    dir,
    async replaceZone(zoneFile: string, origin?: string): Promise<void> {
      const want = origin === undefined ? zones[0]!.origin : absolute(origin);
      const zone = zones.find((z) => z.origin.toLowerCase() === want.toLowerCase());
      if (zone === undefined) throw new Error(`interop: ${kind} does not serve ${want}`);
      await server.restart(() => copyFileSync(zoneFile, join(dir, zone.file)));
    },
    stop: () => server.stop(),
    log: () => server.log(),
  };
}

export const startNsd = (options: AuthServerOptions | MultiZoneAuthServerOptions): Promise<AuthServer> => startAuthServer('nsd', options);
export const startKnot = (options: AuthServerOptions | MultiZoneAuthServerOptions): Promise<AuthServer> => startAuthServer('knot', options);

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

/** The stubs grouped by zone (case-insensitively), in the order each zone first appears. */
function stubZones(stubs: readonly StubZone[]): Map<string, number[]> {
  const byZone = new Map<string, number[]>();
  for (const s of stubs) {
    const zone = absolute(s.zone).toLowerCase();
    const ports = byZone.get(zone);
    if (ports === undefined) byZone.set(zone, [s.port]);
    else if (!ports.includes(s.port)) ports.push(s.port);
  }
  return byZone;
}

function unboundConfig(dir: string, port: number, o: { stubs: readonly StubZone[]; at: number | undefined }): string {
  const zones = stubZones(o.stubs);
  const localZones = new Set([...zones.keys()].flatMap(selfAndAncestors));
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
    ...[...localZones].map((name) => `  local-zone: ${quote(name)} nodefault`),
    'remote-control:',
    '  control-enable: no',
    ...[...zones].flatMap(([zone, ports]) => [
      'stub-zone:',
      `  name: ${quote(zone)}`,
      ...ports.map((p) => `  stub-addr: 127.0.0.1@${p}`),
    ]),
    '',
  ].join('\n');
}

/** Starts unbound as a validating resolver, with a stub-zone to loopback for each zone of `stubs`. */
export async function startUnbound(options: ResolverOptions): Promise<Resolver> {
  if (options.stubs.length === 0) throw new Error('interop: startUnbound needs at least one stub zone');
  const dir = mkdtempSync(join(tmpdir(), 'signet-unbound-'));
  const confPath = join(dir, 'unbound.conf');
  const anchorPath = join(dir, 'anchor.txt');
  let at: number | undefined = options.at;
  writeFileSync(anchorPath, `${options.trustAnchor.trimEnd()}\n`);

  const start = (port: number): Promise<ManagedProcess> => {
    writeFileSync(confPath, unboundConfig(dir, port, { stubs: options.stubs, at }));
    return ManagedProcess.start('unbound', ['-d', '-c', confPath], dir);
  };
  // version.server is answered by unbound itself, so the probe leaves the cache empty.
  const readiness: Readiness = {
    probe: async (port) => {
      const r = await query(port, 'version.server', 'TXT', { qclass: 'CH', recurse: true, dnssec: false, tcp: true, timeoutSeconds: 1 });
      return r.rcode === 0 ? null : r.rcodeName;
    },
    fatal: null, // unbound exits on a bad config or trust anchor file
  };
  const fileLogs = (): string =>
    `--- ${confPath}\n${readIfExists(confPath)}--- ${anchorPath}\n${readIfExists(anchorPath)}`;

  const server = await supervise('unbound', dir, start, readiness, fileLogs);
  return {
    port: server.port,
    dir,
    restart: (changes = {}) =>
      server.restart(() => {
        if (changes.at !== undefined) at = changes.at ?? undefined;
        if (changes.trustAnchor !== undefined) writeFileSync(anchorPath, `${changes.trustAnchor.trimEnd()}\n`);
      }),
    stop: () => server.stop(),
    log: () => server.log(),
  };
}
