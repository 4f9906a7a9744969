/**
 * Growable typed arrays for the compact zone: one allocation per doubling
 * instead of one object per element.
 */

/** A growable Int32Array. */
export class IntList {
  a: Int32Array;
  n = 0;
  constructor(capacity = 1024) {
    this.a = new Int32Array(capacity);
  }
  push(v: number): void {
    if (this.n === this.a.length) {
      const next = new Int32Array(this.a.length * 2);
      next.set(this.a);
      this.a = next;
    }
    this.a[this.n++] = v;
  }
  trimmed(): Int32Array {
    return this.a.slice(0, this.n);
  }
  /** As trimmed, but the array itself (no copy) when it is exactly full: for lists made at their final size. */
  exact(): Int32Array {
    return this.n === this.a.length ? this.a : this.a.slice(0, this.n);
  }
}

/** A growable byte arena. */
export class Bytes {
  a: Uint8Array;
  n = 0;
  constructor(capacity = 1 << 16) {
    this.a = new Uint8Array(capacity);
  }
  reserve(extra: number): void {
    if (this.n + extra <= this.a.length) return;
    let size = this.a.length * 2;
    while (size < this.n + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.a.subarray(0, this.n));
    this.a = next;
  }
  put(b: Uint8Array, start = 0, end = b.length): number {
    const at = this.n;
    const len = end - start;
    this.reserve(len);
    if (len <= 64) {
      // A byte loop beats creating a view for the short names and RDATA that make up a zone.
      const a = this.a;
      for (let i = 0; i < len; i++) a[at + i] = b[start + i]!;
    } else {
      this.a.set(start === 0 && end === b.length ? b : b.subarray(start, end), at);
    }
    this.n += len;
    return at;
  }
  trimmed(): Uint8Array {
    return this.a.slice(0, this.n);
  }
  /** As trimmed, but the array itself (no copy) when it is exactly full: for arenas made at their final size. */
  exact(): Uint8Array {
    return this.n === this.a.length ? this.a : this.a.slice(0, this.n);
  }
}
