/**
 * A pool of signing worker threads (node:worker_threads), one per core by
 * default. Each worker gets the keys once at start (WorkerInit); batches go
 * to the least busy worker and come back as promises, which callers await
 * in submission order to keep the output in canonical order.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { SignetError } from '../../core/errors.ts';
import type { BatchCounts, WorkerInit } from './process-batch.ts';
import type { BatchMessage, ResultMessage } from './worker.ts';

/** The number of workers to use when not told: one per core the process may use. */
export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

export interface BatchResult {
  readonly output: Uint8Array;
  readonly counts: BatchCounts;
}

interface Slot {
  readonly worker: Worker;
  inFlight: number;
}

interface Pending {
  readonly slot: Slot;
  readonly resolve: (r: BatchResult) => void;
  readonly reject: (e: Error) => void;
}

const ENTRY = new URL('./worker-entry.js', import.meta.url);

export class SigningPool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | null = null;
  private closed = false;

  /** Starts `count` workers; they load their keys while the caller prepares work. */
  constructor(count: number, init: WorkerInit) {
    if (!Number.isInteger(count) || count < 1) throw new SignetError('ERR_SIGN_WORKERS', `worker count ${count} must be a positive integer`);
    for (let i = 0; i < count; i++) {
      const worker = new Worker(ENTRY, { workerData: init, stdout: false, stderr: false });
      const slot: Slot = { worker, inFlight: 0 };
      worker.on('message', (msg: ResultMessage) => this.settle(msg));
      worker.on('error', (e) => this.fail(new SignetError('ERR_SIGN_WORKER', `signing worker failed: ${e.message}`, { cause: e })));
      worker.on('exit', (code) => {
        if (!this.closed) this.fail(new SignetError('ERR_SIGN_WORKER', `signing worker exited with code ${code}`));
      });
      this.slots.push(slot);
    }
  }

  get size(): number {
    return this.slots.length;
  }

  /** Batches sent and not answered yet. */
  get inFlight(): number {
    return this.pending.size;
  }

  private settle(msg: ResultMessage): void {
    const p = this.pending.get(msg.id);
    if (p === undefined) return;
    this.pending.delete(msg.id);
    p.slot.inFlight--;
    if ('error' in msg) p.reject(new SignetError(msg.error.code, msg.error.message));
    else p.resolve({ output: new Uint8Array(msg.output), counts: msg.counts });
  }

  private fail(e: Error): void {
    if (this.failure === null) this.failure = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  /** Sends a batch (its buffer is transferred and unusable afterwards). */
  run(buffer: ArrayBuffer): Promise<BatchResult> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new SignetError('ERR_SIGN_WORKER', 'the signing pool is closed'));
    let slot = this.slots[0]!;
    for (const s of this.slots) if (s.inFlight < slot.inFlight) slot = s;
    const id = this.nextId++;
    const result = new Promise<BatchResult>((resolve, reject) => {
      this.pending.set(id, { slot, resolve, reject });
      slot.inFlight++;
      slot.worker.postMessage({ id, buffer } satisfies BatchMessage, [buffer]);
    });
    // A caller that stops at an earlier failure leaves later promises unawaited: not an unhandled rejection.
    result.catch(() => {});
    return result;
  }

  /** Stops every worker; pending batches are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.fail(new SignetError('ERR_SIGN_WORKER', 'the signing pool was closed'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
