/**
 * A reference producer of signed zones: BIND's dnssec-keygen, dnssec-signzone
 * and dnssec-dsfromkey. The harness test proves the validators and servers
 * against it; signet's own tests swap this producer for `signet sign` /
 * `signet ds` and keep the same checks.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatRrsigTime } from '../../../src/core/time.ts';
import { execToolOk } from './exec.ts';

export interface BindKey {
  /** Base name, e.g. `Kexample.test.+013+12345`. */
  name: string;
  keyFile: string;
  privateFile: string;
  ksk: boolean;
  /** The DNSKEY record line from the .key file. */
  dnskey: string;
}

export interface KeygenOptions {
  /** dnssec-keygen algorithm mnemonic (default ECDSAP256SHA256). */
  algorithm?: string;
  ksk?: boolean;
  /** Key size, for RSA only. */
  bits?: number;
}

/** `dnssec-keygen` in `dir`. */
export async function bindKeygen(dir: string, origin: string, options: KeygenOptions = {}): Promise<BindKey> {
  const args = ['-q', '-K', dir, '-a', options.algorithm ?? 'ECDSAP256SHA256'];
  if (options.bits !== undefined) args.push('-b', String(options.bits));
  if (options.ksk === true) args.push('-f', 'KSK');
  args.push(origin);
  const r = await execToolOk('dnssec-keygen', args);
  const name = r.stdout.trim();
  const keyFile = join(dir, `${name}.key`);
  const dnskey = readFileSync(keyFile, 'utf8')
    .split('\n')
    .find((line) => /\sDNSKEY\s/.test(line) && !line.startsWith(';'));
  if (dnskey === undefined) throw new Error(`interop: no DNSKEY line in ${keyFile}`);
  return { name, keyFile, privateFile: join(dir, `${name}.private`), ksk: options.ksk === true, dnskey };
}

export type Denial = 'nsec' | 'nsec3' | 'nsec3-optout';

export interface BindSignOptions {
  /** Working directory for the intermediate and output files. */
  dir: string;
  origin: string;
  /** The unsigned zone file. */
  zoneFile: string;
  keys: readonly BindKey[];
  denial: Denial;
  /** Sign as of this Unix time: inception `at` − 1 h, expiration `at` + `validity`. Default: the real clock. */
  at?: number;
  /** Seconds (default 30 days). Only used with `at`. */
  validity?: number;
  /** Output path (default `<dir>/<origin>signed`). */
  output?: string;
}

/**
 * `dnssec-signzone` with the DNSKEYs added to the zone, the DNSKEY RRset
 * signed by the KSKs only (-x), one record per line (-O full), and NSEC3 per
 * RFC 9276 (no salt, 0 iterations) when asked. Returns the output path.
 */
export async function bindSignZone(options: BindSignOptions): Promise<string> {
  const origin = options.origin.replace(/\.$/, '');
  const input = join(options.dir, `${origin}.with-keys`);
  const output = options.output ?? join(options.dir, `${origin}.signed`);
  writeFileSync(input, `${readFileSync(options.zoneFile, 'utf8')}\n${options.keys.map((k) => k.dnskey).join('\n')}\n`);

  // -P: no post-signing self-check; it reads the real clock, and the validators check independently.
  const args = ['-q', '-P', '-x', '-O', 'full', '-K', options.dir, '-d', options.dir, '-o', origin, '-f', output];
  if (options.at !== undefined) {
    args.push('-s', formatRrsigTime(options.at - 3600), '-e', formatRrsigTime(options.at + (options.validity ?? 30 * 86400)));
  }
  if (options.denial !== 'nsec') {
    // RFC 9276 §3.1: SHA-1, zero extra iterations, empty salt.
    args.push('-3', '-', '-H', '0');
    if (options.denial === 'nsec3-optout') args.push('-A');
  }
  args.push(input, ...options.keys.map((k) => k.keyFile));
  await execToolOk('dnssec-signzone', args);
  return output;
}

/** `dnssec-dsfromkey -<digest>`: the DS record line(s) for a key, trust anchor text for unbound. */
export async function bindDs(key: BindKey, digest: 2 | 4 = 2): Promise<string> {
  const r = await execToolOk('dnssec-dsfromkey', [`-${digest}`, key.keyFile]);
  return r.stdout.trim();
}
