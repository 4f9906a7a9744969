/**
 * A parent zone on real BIND servers, for the end-to-end rollover test:
 *
 * - a primary `named` serving `example.`, signed by BIND itself
 *   (dnssec-policy, a CSK), accepting DNS UPDATE signed with a TSIG key;
 * - a secondary `named` that copies the zone by AXFR only when told to
 *   (`rndc retransfer`): the primary sends no NOTIFY and the SOA refresh is a
 *   day, so the secondary lags the primary until the test lets it catch up.
 *
 * The child's NSD and the validating unbound come from the interop harness
 * (test/helpers/interop/servers.ts); `trustAnchor` is what unbound needs.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execTool } from '../../helpers/interop/exec.ts';
import { findFreePort } from '../../helpers/interop/ports.ts';
import { ManagedProcess } from '../../helpers/interop/process.ts';
import { query } from '../../helpers/interop/query.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | null>, log: () => string, timeoutMs = 20_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let last = '';
  while (performance.now() < deadline) {
    try {
      const v = await probe();
      if (v !== null) return v;
    } catch (e) {
      last = (e as Error).message.split('\n')[0] ?? '';
    }
    await sleep(100);
  }
  throw new Error(`loopback: ${what} did not happen in ${timeoutMs} ms (${last})\n${log()}`);
}

export interface ParentPair {
  zone: string;
  primaryPort: number;
  secondaryPort: number;
  /** The `tsig` zone setting for signet: NAME:ALGORITHM:SECRET. */
  tsig: string;
  /** The parent's DNSKEY RRset in zone-file form: unbound's trust anchor. */
  trustAnchor: string;
  /** The secondary copies the primary's current zone; resolves once it serves the primary's serial. */
  catchUp(): Promise<void>;
  serial(port: number): Promise<number>;
  stop(): Promise<void>;
  log(): string;
}

const PARENT_ZONE = (child: string) => `$TTL 300
example. IN SOA ns1.example. hostmaster.example. 1 86400 3600 604800 300
example. IN NS ns1.example.
example. IN NS ns2.example.
ns1.example. IN A 127.0.0.1
ns2.example. IN A 127.0.0.1
${child} IN NS ns1.${child}
ns1.${child} IN A 127.0.0.1
`;

export async function startParentPair(child: string): Promise<ParentPair> {
  const dir = mkdtempSync(join(tmpdir(), 'signet-parent-'));
  const secret = randomBytes(32).toString('base64');
  const rndcSecret = randomBytes(32).toString('base64');
  const [p1, c1, p2, c2] = [await findFreePort(), await findFreePort(), await findFreePort(), await findFreePort()];
  const keys = `key "parent-key" { algorithm hmac-sha256; secret "${secret}"; };\nkey "rndc-key" { algorithm hmac-sha256; secret "${rndcSecret}"; };\n`;
  const options = (sub: string, port: number) => `options {
  directory "${join(dir, sub)}";
  pid-file none;
  session-keyfile none;
  listen-on port ${port} { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  notify no;
  allow-transfer { any; };
  dnssec-validation no;
  key-directory "${join(dir, sub)}";
};
`;
  mkdirSync(join(dir, 'primary'));
  mkdirSync(join(dir, 'secondary'));
  writeFileSync(join(dir, 'primary', 'example.db'), PARENT_ZONE(child));
  writeFileSync(join(dir, 'primary', 'named.conf'), `${options('primary', p1)}${keys}
controls { inet 127.0.0.1 port ${c1} allow { 127.0.0.1; } keys { "rndc-key"; }; };
dnssec-policy "parent" { keys { csk lifetime unlimited algorithm 13; }; dnskey-ttl 300; };
zone "example." { type primary; file "example.db"; allow-update { key "parent-key"; }; dnssec-policy "parent"; inline-signing no; };
`);
  writeFileSync(join(dir, 'secondary', 'named.conf'), `${options('secondary', p2)}${keys}
controls { inet 127.0.0.1 port ${c2} allow { 127.0.0.1; } keys { "rndc-key"; }; };
zone "example." { type secondary; primaries { 127.0.0.1 port ${p1}; }; file "example.db"; };
`);
  writeFileSync(join(dir, 'rndc.conf'), `key "rndc-key" { algorithm hmac-sha256; secret "${rndcSecret}"; };\noptions { default-key "rndc-key"; default-server 127.0.0.1; };\n`);

  const procs: ManagedProcess[] = [];
  const log = () => procs.map((p) => `$ ${p.command}\n${p.log}`).join('\n');
  const serial = async (port: number): Promise<number> => {
    const r = await query(port, 'example.', 'SOA', { dnssec: false, timeoutSeconds: 1 });
    const soa = r.answer.find((rr) => rr.type === 'SOA');
    if (!r.flags.aa || !soa) throw new Error(`no SOA from port ${port}`);
    return Number(soa.data.split(/\s+/)[2]);
  };
  try {
    procs.push(await ManagedProcess.start('named', ['-g', '-c', join(dir, 'primary', 'named.conf')], join(dir, 'primary')));
    // Signed: the DNSKEY RRset comes with its RRSIG.
    const dnskeys = await until('the primary signing example.', async () => {
      const r = await query(p1, 'example.', 'DNSKEY', { timeoutSeconds: 1 });
      const keysFound = r.answer.filter((rr) => rr.type === 'DNSKEY');
      return r.flags.aa && keysFound.length > 0 && r.answer.some((rr) => rr.type === 'RRSIG') ? keysFound : null;
    }, log);
    procs.push(await ManagedProcess.start('named', ['-g', '-c', join(dir, 'secondary', 'named.conf')], join(dir, 'secondary')));
    await until('the secondary loading example.', async () => ((await serial(p2)) === (await serial(p1)) ? true : null), log);
    return {
      zone: 'example.',
      primaryPort: p1,
      secondaryPort: p2,
      tsig: `parent-key:hmac-sha256:${secret}`,
      trustAnchor: dnskeys.map((k) => `example. ${k.ttl} IN DNSKEY ${k.data}`).join('\n'),
      serial,
      async catchUp() {
        const r = await execTool('rndc', ['-c', join(dir, 'rndc.conf'), '-p', String(c2), 'retransfer', 'example.']);
        if (r.status !== 0) throw new Error(`rndc retransfer failed: ${r.stdout}${r.stderr}\n${log()}`);
        const want = await serial(p1);
        await until('the secondary catching up', async () => ((await serial(p2)) === want ? true : null), log);
      },
      async stop() {
        await Promise.all(procs.map((p) => p.stop()));
        rmSync(dir, { recursive: true, force: true });
      },
      log,
    };
  } catch (e) {
    await Promise.all(procs.map((p) => p.stop()));
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
