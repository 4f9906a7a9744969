/**
 * Atomic file replacement: write to a temporary file in the same folder,
 * fsync it, rename it over the target, fsync the folder. A failure at any
 * point leaves the previous file as it was and removes the temporary file.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** A sink that receives the output in chunks; `commit` makes it visible, `abort` discards it. */
export class AtomicFileWriter {
  private fd: number | null;
  private readonly tempPath: string;
  private pending: string[] = [];
  private pendingLength = 0;
  readonly path: string;

  constructor(path: string, mode = 0o644) {
    this.path = path;
    this.tempPath = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    this.fd = openSync(this.tempPath, 'wx', mode);
  }

  /** Buffers text and writes it in large chunks. */
  write(text: string): void {
    this.pending.push(text);
    this.pendingLength += text.length;
    if (this.pendingLength >= 1 << 20) this.flush();
  }

  /**
   * Writes bytes as they are (after any buffered text), for callers that
   * produce the output as bytes in large chunks (the streaming signer).
   */
  writeBytes(bytes: Uint8Array): void {
    if (this.fd === null) throw new Error('AtomicFileWriter already closed');
    this.flush();
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd, bytes, off);
  }

  private flush(): void {
    if (this.fd === null || this.pending.length === 0) return;
    const buf = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingLength = 0;
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off);
  }

  commit(): void {
    if (this.fd === null) throw new Error('AtomicFileWriter already closed');
    try {
      this.flush();
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = null;
      renameSync(this.tempPath, this.path);
    } catch (e) {
      this.abort();
      throw e;
    }
    syncFolderOf(this.path);
  }

  abort(): void {
    if (this.fd !== null) {
      try { closeSync(this.fd); } catch { /* already failing */ }
      this.fd = null;
    }
    rmSync(this.tempPath, { force: true });
  }
}

/** Makes a rename in the folder of `path` durable. */
function syncFolderOf(path: string): void {
  try {
    const dirFd = openSync(dirname(path), 'r');
    try { fsyncSync(dirFd); } finally { closeSync(dirFd); }
  } catch {
    // Some filesystems refuse fsync on a directory; the rename itself is done.
  }
}

/**
 * Puts a complete, already fsynced file (written by an AtomicFileWriter
 * beside `to`, then checked) in place of `to`, atomically.
 */
export function replaceWithFile(from: string, to: string): void {
  renameSync(from, to);
  syncFolderOf(to);
}

/** Writes a whole file atomically. */
export function writeFileAtomic(path: string, content: string, mode = 0o644): void {
  const w = new AtomicFileWriter(path, mode);
  try {
    w.write(content);
  } catch (e) {
    w.abort();
    throw e;
  }
  w.commit();
}
