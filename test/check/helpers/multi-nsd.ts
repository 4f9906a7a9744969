/**
 * One NSD serving several zones on one loopback port: the parent and the
 * child together, so that servers found through a resolver (which only
 * knows addresses, port 53 or the one --port gives) are all on one port.
 * The interop harness's startAuthServer serves one zone per instance; this
 * reuses its process and port helpers.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../../helpers/interop/ports.ts';
import { ManagedProcess } from '../../helpers/interop/process.ts';
import { query } from '../../helpers/interop/query.ts';

export interface MultiZoneServer {
  readonly port: number;
  stop(): Promise<void>;
  log(): string;
}

function config(dir: string, port: number, zones: readonly { origin: string; file: string }[]): string {
  return [
    'server:',
    `  ip-address: 127.0.0.1@${port}`,
    `  port: ${port}`,
    '  do-ip6: no',
    '  server-count: 1',
    '  reuseport: no',
    '  verbosity: 2',
    '  username: ""',
    '  chroot: ""',
    '  database: ""',
    `  zonesdir: "${dir}"`,
    `  pidfile: "${join(dir, 'nsd.pid')}"`,
    `  zonelistfile: "${join(dir, 'zone.list')}"`,
    `  xfrdfile: "${join(dir, 'xfrd.state')}"`,
    `  xfrdir: "${dir}"`,
    `  logfile: "${join(dir, 'nsd.log')}"`,
    'remote-control:',
    '  control-enable: no',
    ...zones.flatMap((z) => ['zone:', `  name: "${z.origin}"`, `  zonefile: "${z.file}"`]),
    '',
  ].join('\n');
}

/** Starts NSD with every zone in `zones` (origin → master-file text) and waits until each answers its SOA with AA. */
export async function startMultiZoneNsd(zones: Readonly<Record<string, string>>): Promise<MultiZoneServer> {
  const dir = mkdtempSync(join(tmpdir(), 'signet-check-nsd-'));
  const list = Object.entries(zones).map(([origin, text], i) => {
    const file = `zone${i}.db`;
    writeFileSync(join(dir, file), text);
    return { origin, file };
  });
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await findFreePort();
    const confPath = join(dir, 'nsd.conf');
    writeFileSync(confPath, config(dir, port, list));
    const proc = await ManagedProcess.start('nsd', ['-d', '-c', confPath], dir);
    const deadline = performance.now() + 10_000;
    let ready = false;
    while (!ready && proc.exit === null && performance.now() < deadline) {
      try {
        const answers = await Promise.all(list.map((z) => query(port, z.origin, 'SOA', { tcp: true, timeoutSeconds: 1 })));
        ready = answers.every((r) => r.rcode === 0 && r.flags.aa);
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
  throw new Error(`multi-zone NSD did not start: ${lastError}`);
}
