/**
 * A pool of signing worker threads (node:worker_threads), one per core by
 * default. Each worker gets the keys once at start (WorkerInit); batches go
 * to the least busy worker and come back as promises, which callers await
 * in submission order to keep the output in canonical order.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SignetError } from '../../core/errors.ts';
import type { BatchCounts, WorkerInit } from './process-batch.ts';
import type { BatchMessage, HashMessage, ResultMessage } from './worker.ts';

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
const WORKER_SOURCE = new URL('./worker.ts', import.meta.url);

let bundled: Promise<URL | null> | null = null;

/**
 * The worker as one plain-JavaScript module (a data: URL), bundled once per
 * process with esbuild, which tsx brings along. A worker started from it
 * needs no TypeScript loader: it is ready in tens of milliseconds instead
 * of the half second (and the loader thread) that registering tsx costs.
 * Null when esbuild cannot be loaded or fails: then worker-entry.js
 * registers tsx and loads worker.ts as it is.
 */
function bundledWorker(): Promise<URL | null> {
  bundled ??= (async () => {
    try {
      const esbuild = await import('esbuild');
      const result = await esbuild.build({
        entryPoints: [fileURLToPath(WORKER_SOURCE)], bundle: true, format: 'esm', platform: 'node',
        target: 'node20', write: false, logLevel: 'silent',
      });
      const text = result.outputFiles[0]?.text;
      return text === undefined ? null : new URL(`data:text/javascript,${encodeURIComponent(text)}`);
    } catch {
      return null;
    }
  })();
  return bundled;
}

export class SigningPool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | null = null;
  private closed = false;

  private readonly count: number;
  /** Resolves once the workers exist (after the bundle is ready). */
  private readonly started: Promise<void>;

  /**
   * Starts `count` workers; they load their keys while the caller prepares
   * work. `entry` 'tsx' skips the bundle and starts worker-entry.js (the
   * fallback, also used by its test).
   */
  constructor(count: number, init: WorkerInit, entry: 'bundle' | 'tsx' = 'bundle') {
    if (!Number.isInteger(count) || count < 1) throw new SignetError('ERR_SIGN_WORKERS', `worker count ${count} must be a positive integer`);
    this.count = count;
    this.started = (entry === 'bundle' ? bundledWorker() : Promise.resolve(null)).then((url) => {
      if (this.closed) return;
      for (let i = 0; i < count; i++) {
        const worker = new Worker(url ?? ENTRY, { workerData: init, stdout: false, stderr: false });
        const slot: Slot = { worker, inFlight: 0 };
        worker.on('message', (msg: ResultMessage) => this.settle(msg));
        worker.on('error', (e) => this.fail(new SignetError('ERR_SIGN_WORKER', `signing worker failed: ${e.message}`, { cause: e })));
        worker.on('exit', (code) => {
          if (!this.closed) this.fail(new SignetError('ERR_SIGN_WORKER', `signing worker exited with code ${code}`));
        });
        this.slots.push(slot);
      }
    });
  }

  get size(): number {
    return this.count;
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

  /** Sends a batch (its buffer is transferred and unusable afterwards); `mode` overrides the workers' for this batch. */
  run(buffer: ArrayBuffer, mode?: 'rdata' | 'text'): Promise<BatchResult> {
    const result = this.send(buffer, undefined, mode);
    // A caller that stops at an earlier failure leaves later promises unawaited: not an unhandled rejection.
    result.catch(() => {});
    return result;
  }

  /**
   * NSEC3 hashes (RFC 5155 §5) of `count` back-to-back canonical wire names,
   * 20 octets each, computed by a worker.
   */
  hashNames(names: Uint8Array, count: number, iterations: number, salt: Uint8Array): Promise<Uint8Array> {
    const buffer = names.byteOffset === 0 && names.byteLength === names.buffer.byteLength ? names.buffer as ArrayBuffer : names.slice().buffer as ArrayBuffer;
    const result = this.send(buffer, { names: buffer, count, iterations, salt }).then((r) => r.output);
    result.catch(() => {});
    return result;
  }

  private async send(buffer: ArrayBuffer, hash?: HashMessage['hash'], mode?: 'rdata' | 'text'): Promise<BatchResult> {
    await this.started;
    if (this.failure !== null) throw this.failure;
    if (this.closed) throw new SignetError('ERR_SIGN_WORKER', 'the signing pool is closed');
    let slot = this.slots[0]!;
    for (const s of this.slots) if (s.inFlight < slot.inFlight) slot = s;
    const id = this.nextId++;
    return new Promise<BatchResult>((resolve, reject) => {
      this.pending.set(id, { slot, resolve, reject });
      slot.inFlight++;
      if (hash !== undefined) slot.worker.postMessage({ id, hash } satisfies HashMessage, [buffer]);
      else slot.worker.postMessage((mode === undefined ? { id, buffer } : { id, buffer, mode }) satisfies BatchMessage, [buffer]);
    });
  }

  /** Stops every worker; pending batches are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.fail(new SignetError('ERR_SIGN_WORKER', 'the signing pool was closed'));
    await this.started;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
