/**
 * signZoneParallel: signZone with the crypto spread over worker threads.
 * Everything but the signatures is planned here exactly as signZone plans
 * it (planSignZone), the RRsets to sign go to the workers in batches of
 * bytes, and the RRSIG RDATAs come back into their places in canonical
 * order (assembleSignedZone). Same output as signZone; for deterministic
 * algorithms (Ed25519) byte for byte.
 *
 * Small zones are signed in this thread: starting workers (each loads the
 * TypeScript loader and its keys) costs more than it saves.
 */
import type { ProgressHook } from '../../io/progress.ts';
import type { Zone } from '../../zone/zone.ts';
import { signBatch } from '../rrsig.ts';
import { assembleSignedZone, planSignZone } from '../sign-zone.ts';
import type { SignedZone, SigningPlan, SignZoneOptions } from '../sign-zone.ts';
import type { SigningKey } from '../signing-key.ts';
import { BATCH_BYTES, BatchWriter, UNIT_KSK, UNIT_SIGN } from './batch.ts';
import { materialOf } from './keys.ts';
import type { ParallelActiveKey, WorkerKeyMaterial } from './keys.ts';
import { defaultWorkerCount, SigningPool } from './pool.ts';
import type { WorkerInit } from './process-batch.ts';

export interface ParallelOptions {
  /** Worker threads; default one per core (os.availableParallelism()). 1 signs in this thread. */
  readonly workers?: number;
  /** With fewer signatures to make than this, sign in this thread. Default 20,000. */
  readonly parallelThreshold?: number;
  /** Called as batches complete (see src/io/progress.ts). */
  readonly progress?: ProgressHook;
}

export type SignZoneParallelOptions = SignZoneOptions & ParallelOptions & { readonly keys: readonly ParallelActiveKey[] };

/** Below this many signatures, worker start-up costs more than it saves. */
export const DEFAULT_PARALLEL_THRESHOLD = 20_000;

/** The worker key table and role index lists for a plan's key lists. */
export function workerKeys(keys: readonly ParallelActiveKey[], ksk: readonly SigningKey[], zsk: readonly SigningKey[]): { material: WorkerKeyMaterial[]; ksk: number[]; zsk: number[] } | null {
  const material = materialOf(keys);
  if (material === null) return null;
  const index = (k: SigningKey) => keys.findIndex((a) => a.key === k);
  const kskIdx = ksk.map(index);
  const zskIdx = zsk.map(index);
  if (kskIdx.includes(-1) || zskIdx.includes(-1)) return null;
  return { material, ksk: kskIdx, zsk: zskIdx };
}

function signatureCount(plan: SigningPlan): number {
  let n = 0;
  for (const item of plan.items) n += item.keys.length;
  return n;
}

/** Signs a zone using worker threads; the result is what signZone gives for the same input. */
export async function signZoneParallel(zone: Zone, options: SignZoneParallelOptions): Promise<SignedZone> {
  const plan = planSignZone(zone, options);
  const workers = options.workers ?? defaultWorkerCount();
  const threshold = options.parallelThreshold ?? DEFAULT_PARALLEL_THRESHOLD;
  const table = workerKeys(options.keys, plan.ksk, plan.zsk);
  const progress = options.progress;
  if (workers <= 1 || table === null || signatureCount(plan) < threshold) {
    const signatures = signBatch(plan.items, { inception: plan.inception, signerName: plan.origin });
    progress?.('sign', plan.items.length, plan.items.length);
    progress?.('done', plan.items.length, plan.items.length);
    return assembleSignedZone(plan, signatures);
  }
  const init: WorkerInit = { mode: 'rdata', keys: table.material, ksk: table.ksk, zsk: table.zsk, signer: plan.origin.canonical, inception: plan.inception };
  const pool = new SigningPool(workers, init);
  try {
    const batches: Array<{ first: number; count: number; result: ReturnType<SigningPool['run']> }> = [];
    const writer = new BatchWriter();
    let first = 0;
    const items = plan.items;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const r = item.rrset;
      writer.begin(UNIT_SIGN | (item.keys === plan.ksk ? UNIT_KSK : 0), r.owner.canonical, r.type, r.class, r.ttl, item.expiration);
      for (const rd of r.canonicalRdatas) writer.rdata(rd);
      if (writer.bytes >= BATCH_BYTES || i === items.length - 1) {
        const count = writer.units;
        batches.push({ first, count, result: pool.run(writer.finish()) });
        first += count;
      }
    }
    const signatures: Uint8Array[][] = new Array(items.length);
    let done = 0;
    for (const batch of batches) {
      const { output } = await batch.result;
      // Per unit: count, then (u16 length, RRSIG RDATA) each; views into the transferred buffer.
      let p = 0;
      for (let i = batch.first; i < batch.first + batch.count; i++) {
        const n = output[p++]!;
        const sigs: Uint8Array[] = new Array(n);
        for (let k = 0; k < n; k++) {
          const len = (output[p]! << 8) | output[p + 1]!;
          sigs[k] = output.subarray(p + 2, p + 2 + len);
          p += 2 + len;
        }
        signatures[i] = sigs;
      }
      done += batch.count;
      progress?.('sign', done, items.length);
    }
    progress?.('done', items.length, items.length);
    return assembleSignedZone(plan, signatures);
  } finally {
    await pool.close();
  }
}
