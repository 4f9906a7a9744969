/**
 * The patch's output (patch.ts): text copied from the previous file and
 * RRsets signed again, written in the order they were read. Copied lines
 * that follow one another go out as one range; RRsets to sign gather in a
 * batch that is signed in this thread, or by a pool of workers once enough
 * signatures are due to pay for starting one, and the text after them waits
 * in the queue until their batch is back.
 */
import { BATCH_BYTES, BatchWriter } from './batch.ts';
import { SigningPool, type BatchResult } from './pool.ts';
import type { BatchCounts, BatchProcessor, WorkerInit } from './process-batch.ts';
import type { ByteSink } from './stream-sign.ts';

export interface PatchOutputOptions {
  readonly sink: ByteSink;
  /** Signs a batch in this thread. */
  readonly local: BatchProcessor;
  /** What a worker needs to sign (null: the keys cannot go to workers, everything is signed here). */
  readonly workerInit: WorkerInit | null;
  readonly workers: number;
  /** Signatures due before a pool starts. */
  readonly threshold: number;
}

export class PatchOutput {
  readonly writer = new BatchWriter();
  /** Signatures made so far (by this thread or the workers). */
  created = 0;
  /** Signatures due in the units begun so far (for starting the pool). */
  toSign = 0;
  private readonly o: PatchOutputOptions;
  private pool: SigningPool | null = null;
  // Output in order: ready bytes, or batches being signed.
  private readonly queue: Array<Uint8Array | Promise<BatchResult>> = [];
  private readonly counts: BatchCounts = { created: 0, reused: 0 };
  // Copied text waiting to go out: one range, extended while the copied lines are contiguous.
  private runBuf: Uint8Array | null = null;
  private runStart = 0;
  private runEnd = 0;

  constructor(o: PatchOutputOptions) {
    this.o = o;
  }

  /** Copied text, in order after everything before it. */
  verbatim(buf: Uint8Array, start: number, end: number): void {
    if (this.runBuf === buf && this.runEnd === start) {
      this.runEnd = end;
      return;
    }
    this.emitRun();
    this.runBuf = buf;
    this.runStart = start;
    this.runEnd = end;
  }

  /** Sends the pending copied range on (into the batch when signed units precede it). */
  emitRun(): void {
    if (this.runBuf === null) return;
    const bytes = this.runBuf.subarray(this.runStart, this.runEnd);
    this.runBuf = null;
    if (this.writer.units > 0) this.writer.text(bytes, 0, bytes.length);
    else if (this.queue.length > 0) this.queue.push(bytes);
    else this.o.sink(bytes);
  }

  /** Bytes that follow everything before them, once the copied range is out. */
  write(bytes: Uint8Array): void {
    this.emitRun();
    if (this.queue.length > 0) this.queue.push(bytes);
    else this.o.sink(bytes);
  }

  /** Whether signing goes to workers (started, or due to start at the next batch). */
  private get parallel(): boolean {
    return this.pool !== null || (this.o.workerInit !== null && this.o.workers > 1 && this.toSign >= this.o.threshold);
  }

  /** Signs the pending units: in this thread, or queued to the pool (waiting while the pool is full). */
  async flushBatch(): Promise<void> {
    if (this.writer.units === 0) return;
    if (this.pool === null && this.parallel) this.pool = new SigningPool(this.o.workers, this.o.workerInit!);
    if (this.pool === null) {
      this.flushLocal();
      return;
    }
    this.queue.push(this.pool.run(this.writer.finish()));
    await this.drain(this.pool.size * 3);
  }

  /** Signs the pending units in this thread: synchronous, so text can follow at once. */
  private flushLocal(): void {
    if (this.writer.units === 0) return;
    const batch = this.writer.finish();
    this.counts.created = 0;
    const out = this.o.local(new Uint8Array(batch), this.counts);
    this.created += this.counts.created;
    if (this.queue.length > 0) this.queue.push(out);
    else this.o.sink(out);
  }

  /**
   * Before text that follows signed units: in this thread they are finished
   * now so the text can go straight out; with workers the text joins the
   * batch. True when the caller must await flushBatch (a full batch for the pool).
   */
  beforeText(): boolean {
    if (this.writer.units === 0) return false;
    if (!this.parallel) {
      this.emitRun();
      this.flushLocal();
      return false;
    }
    if (this.writer.bytes >= BATCH_BYTES) {
      this.emitRun();
      return true;
    }
    return false;
  }

  /** Everything out: the copied range, the last batch, the batches still with the workers. */
  async finish(): Promise<void> {
    this.emitRun();
    await this.flushBatch();
    await this.drain(0);
  }

  /** Sends queued output on until at most `keep` entries wait. */
  private async drain(keep: number): Promise<void> {
    while (this.queue.length > keep) {
      const head = this.queue.shift()!;
      if (head instanceof Uint8Array) {
        this.o.sink(head);
      } else {
        const r = await head;
        this.created += r.counts.created;
        this.o.sink(r.output);
      }
    }
  }

  async close(): Promise<void> {
    if (this.pool !== null) await this.pool.close();
  }
}
