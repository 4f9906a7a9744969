/**
 * One signet signing run as its own process, so that the bench measures its
 * wall time, CPU time and peak memory the way it measures the other
 * signers. Reads a JSON job from argv[2], prints one JSON line of results.
 *
 * The job names the input zone, the output file, the keys (PKCS#8 DER in
 * hex files written by the bench: private material stays on disk in the
 * bench work folder), the time, and optionally a previous signed file to
 * re-sign from.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fromHex } from '../src/core/bytes.ts';
import { terminalProgress } from '../src/io/progress.ts';
import { loadCompactZone } from '../src/signer/parallel/fast-load.ts';
import { activeKeyFromPkcs8 } from '../src/signer/parallel/keys.ts';
import { resignUnchangedToFile } from '../src/signer/parallel/patch.ts';
import { loadPreviousSignatures } from '../src/signer/parallel/previous.ts';
import { signCompactZoneToFile, startStreamPool } from '../src/signer/parallel/stream-sign.ts';
import type { StreamSignOptions } from '../src/signer/parallel/stream-sign.ts';
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
}

export interface SignChildResult {
  readonly signatures: number;
  readonly created: number;
  readonly reused: number;
  readonly rrsets: number;
  readonly records: number;
  readonly reader: string;
  readonly phases: Record<string, number>;
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
  const phases: Record<string, number> = {};
  let last = t0;
  const lap = (name: string): void => {
    const t = performance.now();
    phases[name] = Math.round(t - last);
    last = t;
  };
  const origin = Name.parse(job.origin);
  const key = (file: string, flags: number, signs: 'ksk' | 'zsk') => activeKeyFromPkcs8(fromHex(readFileSync(file, 'latin1').trim())!, 13, flags, signs);
  const keys = [key(job.kskFile, 257, 'ksk'), key(job.zskFile, 256, 'zsk')];
  const progress = terminalProgress() ?? undefined;
  const base = {
    now: job.now, keys, dnskeyTtl: 3600, validity: 14 * 86400, inceptionOffset: 3600, jitter: 12 * 3600,
    jitterSeed: `${job.origin}|${job.now}`, denial: { kind: 'nsec3', iterations: 0, salt: new Uint8Array(0), optOut: false },
    serial: job.serial, workers: job.workers, progress,
  } satisfies StreamSignOptions;
  const digest = await inputDigest(job);
  lap('digest');
  const digestFile = (output: string) => `${output}.input-sha256`;
  // Unchanged input and parameters: patch the previous output instead of signing the zone.
  if (job.previous !== undefined && existsSync(digestFile(job.previous)) && readFileSync(digestFile(job.previous), 'latin1') === digest) {
    const result = await resignUnchangedToFile(job.previous, job.output, origin, { ...base, refresh: job.refresh ?? 5 * 86400 });
    if (result !== null) {
      lap('patch');
      writeFileSync(digestFile(job.output), digest);
      const out: SignChildResult = {
        signatures: result.stats.signatures, created: result.stats.signaturesCreated, reused: result.stats.signaturesReused,
        rrsets: result.stats.rrsets, records: 0, reader: 'patch', phases,
      };
      process.stdout.write(JSON.stringify(out) + '\n');
      return;
    }
  }
  // Workers start loading now, while this thread reads the zone.
  const pool = startStreamPool(base, origin.canonical);
  try {
    const previous = job.previous === undefined ? undefined : await loadPreviousSignatures(job.previous, origin);
    if (previous) lap('previous');
    // NSEC3 hashes of the owners are made by the workers while the zone is read.
    const salt = new Uint8Array(0);
    const hashOwners = pool ? { iterations: 0, salt, hash: (names: Uint8Array, count: number) => pool.hashNames(names, count, 0, salt) } : undefined;
    const zone = await loadCompactZone(job.zone, origin, { onRecords: (n) => progress?.('parse', n, null), ...(hashOwners ? { hashOwners } : {}) });
    lap('load');
    const options: StreamSignOptions = { ...base, ...(pool ? { pool } : {}), ...(previous ? { reuse: { previous, refresh: job.refresh ?? 5 * 86400 } } : {}) };
    const result = await signCompactZoneToFile(zone, job.output, options);
    lap('sign');
    writeFileSync(digestFile(job.output), digest);
    const out: SignChildResult = {
      signatures: result.stats.signatures, created: result.stats.signaturesCreated, reused: result.stats.signaturesReused,
      rrsets: result.stats.rrsets, records: zone.records, reader: zone.reader ?? 'fast', phases,
    };
    process.stdout.write(JSON.stringify(out) + '\n');
  } finally {
    await pool?.close();
  }
}

await main();
