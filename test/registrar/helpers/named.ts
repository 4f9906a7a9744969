/**
 * Real BIND `named` instances on loopback for the RFC 2136 and parent-check
 * interop test (Debian package bind9). Each instance gets its own directory,
 * free UDP+TCP port, no control channel, and an hmac-sha256 update key.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { ServerAddress } from '../../../src/dns/address.ts';
import { DnsClient } from '../../../src/dns/client.ts';
import { Rcode } from '../../../src/dns/message.ts';
import { Name } from '../../../src/zone/name.ts';
import { RRType } from '../../../src/zone/types.ts';

export const NAMED = ['/usr/sbin/named', '/usr/bin/named'].find((p) => existsSync(p)) ?? 'named';

export interface NamedOptions {
  readonly dir: string;
  readonly zone: string;
  readonly zoneText: string;
  readonly keyName: string;
  readonly keySecret: string;
  /** Sign the zone with a dnssec-policy (inline signing), so that answers carry RRSIGs. */
  readonly signed: boolean;
}

export interface NamedInstance {
  readonly address: ServerAddress;
  readonly log: () => string;
  stop(): Promise<void>;
}

/** A port free for both UDP and TCP on 127.0.0.1 right now. */
async function freePort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const udp = createSocket('udp4');
    const port = await new Promise<number>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, '127.0.0.1', () => resolve(udp.address().port));
    });
    const ok = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    udp.close();
    if (ok) return port;
  }
  throw new Error('no free port');
}

export async function startNamed(o: NamedOptions): Promise<NamedInstance> {
  mkdirSync(o.dir, { recursive: true });
  const port = await freePort();
  const zoneFile = join(o.dir, `${o.zone}.db`);
  writeFileSync(zoneFile, o.zoneText);
  const conf = join(o.dir, 'named.conf');
  writeFileSync(conf, `
options {
  directory "${o.dir}";
  listen-on port ${port} { 127.0.0.1; };
  listen-on-v6 { none; };
  pid-file "${join(o.dir, 'named.pid')}";
  session-keyfile "${join(o.dir, 'session.key')}";
  managed-keys-directory "${o.dir}";
  recursion no;
  dnssec-validation no;
  notify no;
};
controls { };
key "${o.keyName}" { algorithm hmac-sha256; secret "${o.keySecret}"; };
${o.signed ? 'dnssec-policy "fast" { keys { csk lifetime unlimited algorithm 13; }; };' : ''}
zone "${o.zone}" {
  type primary;
  file "${zoneFile}";
  allow-update { key "${o.keyName}"; };
  ${o.signed ? `dnssec-policy "fast"; inline-signing yes; key-directory "${o.dir}";` : ''}
};
`);
  let output = '';
  const child: ChildProcess = spawn(NAMED, ['-g', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (c: Buffer) => { output += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { output += c.toString(); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let spawnError: Error | null = null;
  child.once('error', (e) => { spawnError = e; });
  const instance: NamedInstance = {
    address: { host: '127.0.0.1', port, family: 4 },
    log: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
  // Ready when it answers the SOA authoritatively (and signed, when asked to sign).
  const client = new DnsClient({ timeoutMs: 200, tries: 1 });
  for (let i = 0; i < 100; i++) {
    if (spawnError !== null) throw new Error(`cannot run ${NAMED} (Debian package bind9): ${(spawnError as Error).message}`);
    if (child.exitCode !== null) throw new Error(`named exited with status ${child.exitCode}:\n${output}`);
    const r = await client.query(instance.address, { name: Name.parse(o.zone + '.'), type: RRType.SOA });
    if (r.kind === 'answer' && r.rcode === Rcode.NOERROR && r.flags.aa && (!o.signed || r.answers.some((x) => x.type === RRType.RRSIG))) return instance;
    await new Promise((res) => setTimeout(res, 100));
  }
  await instance.stop();
  throw new Error(`named did not become ready:\n${output}`);
}
