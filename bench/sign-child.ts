/**
 * One signet signing run as its own process, so that the bench measures its
 * wall time, CPU time and peak memory the way it measures the other
 * signers. Reads a JSON job from argv[2], prints one JSON line of results.
 *
 * The job names the input zone, the output file, the keys (PKCS#8 DER in
 * hex files written by the bench: private material stays on disk in the
 * bench work folder), the time, and optionally a previous signed file to
 * re-sign from. It signs through signZoneFile, the manager's entry point.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fromHex } from '../src/core/bytes.ts';
import { terminalProgress } from '../src/io/progress.ts';
import { activeKeyFromPkcs8 } from '../src/signer/parallel/keys.ts';
import { signZoneFile } from '../src/signer/parallel/sign-file.ts';
import { Name } from '../src/zone/name.ts';

export interface SignJob {
  readonly zone: string;
  readonly origin: string;
  readonly output: string;
  /** Files with hex PKCS#8 DER of a KSK and a ZSK (ECDSA P-256). */
  readonly kskFile: string;
  readonly zskFile: string;
  readonly now: number;
  readonly serial: number;
  readonly workers?: number;
  readonly previous?: string;
  readonly refresh?: number;
  readonly speculate?: boolean;
}

export interface SignChildResult {
  readonly signatures: number;
  readonly created: number;
  readonly reused: number;
  readonly rrsets: number;
  /** 'signed' (from the zone file) or 'patched' (from the previous output). */
  readonly mode: string;
  /** Signatures made while the zone was being read. */
  readonly ahead: number;
  /** Milliseconds inside the process, start-up aside. */
  readonly ms: number;
}

/**
 * What the output depends on besides the time: the zone file's bytes and
 * the signing parameters. The manager's signing fingerprint plays this part
 * in production; here a file next to the output keeps it.
 */
async function inputDigest(job: SignJob): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(job.zone, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  hash.update(JSON.stringify({ origin: job.origin, ksk: readFileSync(job.kskFile, 'latin1'), zsk: readFileSync(job.zskFile, 'latin1'), params: 'p256-nsec3-0-14d-1h-12h' }));
  return hash.digest('hex');
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]!) as SignJob;
  const t0 = performance.now();
  const origin = Name.parse(job.origin);
  const key = (file: string, flags: number, signs: 'ksk' | 'zsk') => activeKeyFromPkcs8(fromHex(readFileSync(file, 'latin1').trim())!, 13, flags, signs);
  const digest = await inputDigest(job);
  const digestFile = (output: string) => `${output}.input-sha256`;
  const unchanged = job.previous !== undefined && existsSync(digestFile(job.previous)) && readFileSync(digestFile(job.previous), 'latin1') === digest;
  const result = await signZoneFile({
    input: job.zone, origin, output: job.output, previous: job.previous ?? null, unchanged,
    now: job.now, keys: [key(job.kskFile, 257, 'ksk'), key(job.zskFile, 256, 'zsk')],
    dnskeyTtl: 3600, validity: 14 * 86400, inceptionOffset: 3600, jitter: 12 * 3600, refresh: job.refresh ?? 5 * 86400,
    jitterSeed: `${job.origin}|${job.now}`, denial: { kind: 'nsec3', iterations: 0, salt: new Uint8Array(0), optOut: false },
    serialFor: () => job.serial, ...(job.workers !== undefined ? { workers: job.workers } : {}),
    ...(job.speculate !== undefined ? { speculate: job.speculate } : {}),
    ...(terminalProgress() ? { progress: terminalProgress()! } : {}),
  });
  writeFileSync(digestFile(job.output), digest);
  const out: SignChildResult = {
    signatures: result.stats.signatures, created: result.stats.signaturesCreated, reused: result.stats.signaturesReused,
    rrsets: result.stats.rrsets, mode: result.mode, ms: Math.round(performance.now() - t0), ahead: result.signedWhileReading,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

await main();
