/**
 * unbound as the resolver for the discovery test, with a stub-zone for each
 * of several zones (the interop harness's startUnbound takes one). The
 * parent's delegation can only name addresses, not ports, so without a stub
 * for the child unbound follows it to port 53, where nothing listens, and
 * drops the query. Validating, with the parent's DS as trust anchor.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatRrsigTime } from '../../../src/core/time.ts';
import { findFreePort } from '../../helpers/interop/ports.ts';
import { ManagedProcess } from '../../helpers/interop/process.ts';
import { query } from '../../helpers/interop/query.ts';

export interface StubResolver {
  readonly port: number;
  stop(): Promise<void>;
  log(): string;
}

/** Every IPv4 block but 127/8: test zones must never send unbound off this machine. */
const NON_LOOPBACK_V4 = ['0.0.0.0/2', '64.0.0.0/3', '96.0.0.0/4', '112.0.0.0/5', '120.0.0.0/6', '124.0.0.0/7', '126.0.0.0/8', '128.0.0.0/1'];

function config(dir: string, port: number, o: { stubs: readonly string[]; authPort: number; at: number; localZones: readonly string[] }): string {
  return [
    'server:',
    `  interface: 127.0.0.1@${port}`,
    `  port: ${port}`,
    '  do-ip6: no',
    '  num-threads: 1',
    '  so-reuseport: no',
    '  outgoing-range: 64',
    '  outgoing-port-avoid: 0-32767',
    '  username: ""',
    '  chroot: ""',
    `  directory: "${dir}"`,
    `  pidfile: "${join(dir, 'unbound.pid')}"`,
    '  use-syslog: no',
    '  logfile: ""',
    '  verbosity: 1',
    '  access-control: 127.0.0.0/8 allow',
    '  do-not-query-localhost: no',
    ...NON_LOOPBACK_V4.map((net) => `  do-not-query-address: ${net}`),
    '  module-config: "validator iterator"',
    `  trust-anchor-file: "${join(dir, 'anchor.txt')}"`,
    '  trust-anchor-signaling: no',
    '  root-key-sentinel: no',
    '  qname-minimisation: no',
    `  val-override-date: "${formatRrsigTime(o.at)}"`,
    // unbound serves test. itself (RFC 6761) unless told not to.
    ...o.localZones.map((z) => `  local-zone: "${z}" nodefault`),
    'remote-control:',
    '  control-enable: no',
    ...o.stubs.flatMap((z) => ['stub-zone:', `  name: "${z}"`, `  stub-addr: 127.0.0.1@${o.authPort}`]),
    '',
  ].join('\n');
}

/** Starts unbound with a stub-zone to 127.0.0.1@authPort for each of `stubs`, validating from `trustAnchor` (zone-file DS lines) at time `at`. */
export async function startStubResolver(o: { stubs: readonly string[]; authPort: number; trustAnchor: string; at: number }): Promise<StubResolver> {
  const dir = mkdtempSync(join(tmpdir(), 'signet-check-unbound-'));
  writeFileSync(join(dir, 'anchor.txt'), `${o.trustAnchor.trimEnd()}\n`);
  const localZones = [...new Set(o.stubs.flatMap((z) => {
    const labels = z.split('.').filter((l) => l !== '');
    return labels.map((_, i) => `${labels.slice(i).join('.')}.`);
  }))];
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await findFreePort();
    const confPath = join(dir, 'unbound.conf');
    writeFileSync(confPath, config(dir, port, { ...o, localZones }));
    const proc = await ManagedProcess.start('unbound', ['-d', '-c', confPath], dir);
    const deadline = performance.now() + 10_000;
    let ready = false;
    while (!ready && proc.exit === null && performance.now() < deadline) {
      try {
        // Answered by unbound itself: the cache stays empty.
        const r = await query(port, 'version.server', 'TXT', { qclass: 'CH', recurse: true, dnssec: false, tcp: true, timeoutSeconds: 1 });
        ready = r.rcode === 0;
      } catch {
        // not listening yet
      }
      if (!ready) await new Promise((r) => setTimeout(r, 50));
    }
    if (ready) {
      return {
        port,
        stop: async () => {
          await proc.stop();
          rmSync(dir, { recursive: true, force: true });
        },
        log: () => proc.log,
      };
    }
    lastError = `${proc.exit ?? 'not ready'}\n${proc.log}`;
    await proc.stop();
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`unbound did not start: ${lastError}`);
}
