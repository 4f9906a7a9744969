/**
 * A signing worker thread: builds its keys once from `workerData`
 * (WorkerInit), then turns each batch it is sent into its output. Started
 * through worker-entry.js, which registers the TypeScript loader first.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SignetError } from '../../core/errors.ts';
import { createNsec3Hasher } from '../nsec3-hash.ts';
import type { Nsec3Hasher } from '../nsec3-hash.ts';
import { createBatchProcessor } from './process-batch.ts';
import type { BatchCounts, BatchProcessor, WorkerInit } from './process-batch.ts';

/** A batch to process; `buffer` is transferred. */
export interface BatchMessage {
  readonly id: number;
  readonly buffer: ArrayBuffer;
  /** This batch's mode, when not the worker's (WorkerInit.mode). */
  readonly mode?: 'rdata' | 'text';
}

/** Owner names to hash for NSEC3 (RFC 5155 §5): back-to-back canonical wire names; `names` is transferred. */
export interface HashMessage {
  readonly id: number;
  readonly hash: { readonly names: ArrayBuffer; readonly count: number; readonly iterations: number; readonly salt: Uint8Array };
}

/** The answer to one batch: its output (transferred) and counts, or the error it met. */
export type ResultMessage =
  | { readonly id: number; readonly output: ArrayBuffer; readonly counts: BatchCounts }
  | { readonly id: number; readonly error: { readonly code: string; readonly message: string } };

const port = parentPort;
if (port === null) throw new Error('worker.ts must run in a worker thread');

let processor: BatchProcessor | null = null;
let startError: { code: string; message: string } | null = null;
try {
  processor = createBatchProcessor(workerData as WorkerInit);
} catch (e) {
  startError = describe(e);
}

function describe(e: unknown): { code: string; message: string } {
  if (e instanceof SignetError) return { code: e.code, message: e.message };
  return { code: 'ERR_SIGN_WORKER', message: e instanceof Error ? e.message : String(e) };
}

let hasher: Nsec3Hasher | null = null;

/** The hashes of `count` back-to-back wire names, 20 octets each. */
function hashNames(m: HashMessage['hash']): ArrayBuffer {
  if (hasher === null || hasher.iterations !== m.iterations || Buffer.compare(hasher.salt, m.salt) !== 0) hasher = createNsec3Hasher(m.iterations, m.salt);
  const names = new Uint8Array(m.names);
  const out = new Uint8Array(m.count * 20);
  let p = 0;
  for (let i = 0; i < m.count; i++) {
    let e = p;
    while (names[e] !== 0) e += names[e]! + 1;
    out.set(hasher.hashWire(names.subarray(p, e + 1)), i * 20);
    p = e + 1;
  }
  return out.buffer;
}

port.on('message', (msg: BatchMessage | HashMessage) => {
  if ('hash' in msg) {
    try {
      const output = hashNames(msg.hash);
      port.postMessage({ id: msg.id, output, counts: { created: 0, reused: 0 } } satisfies ResultMessage, [output]);
    } catch (e) {
      port.postMessage({ id: msg.id, error: describe(e) } satisfies ResultMessage);
    }
    return;
  }
  if (processor === null) {
    port.postMessage({ id: msg.id, error: startError ?? { code: 'ERR_SIGN_WORKER', message: 'worker did not start' } } satisfies ResultMessage);
    return;
  }
  try {
    const counts: BatchCounts = { created: 0, reused: 0 };
    const out = processor(new Uint8Array(msg.buffer), counts, msg.mode);
    const output = out.byteOffset === 0 && out.byteLength === out.buffer.byteLength ? out.buffer as ArrayBuffer : out.slice().buffer as ArrayBuffer;
    port.postMessage({ id: msg.id, output, counts } satisfies ResultMessage, [output]);
  } catch (e) {
    port.postMessage({ id: msg.id, error: describe(e) } satisfies ResultMessage);
  }
});
