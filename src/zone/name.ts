/**
 * Domain names as wire labels (RFC 1035 §3.1), with presentation parsing and
 * printing (RFC 1035 §5.1 escapes `\X` and `\DDD`), canonical form and
 * canonical order (RFC 4034 §6.1, §6.2).
 *
 * A Name keeps the case it was written in; `canonical` gives the lowercased
 * wire form that DNSSEC hashes and signs. Both wire forms are computed once.
 */
import { compareBytes } from '../core/bytes.ts';
import { SignetError } from '../core/errors.ts';

const MAX_LABEL = 63;
const MAX_NAME = 255;

function lowerLabel(label: Uint8Array): Uint8Array {
  let needs = false;
  for (let i = 0; i < label.length; i++) {
    const c = label[i]!;
    if (c >= 0x41 && c <= 0x5a) { needs = true; break; }
  }
  if (!needs) return label;
  const out = new Uint8Array(label.length);
  for (let i = 0; i < label.length; i++) {
    const c = label[i]!;
    out[i] = c >= 0x41 && c <= 0x5a ? c + 32 : c;
  }
  return out;
}

function buildWire(labels: readonly Uint8Array[]): Uint8Array {
  let len = 1;
  for (const l of labels) len += l.length + 1;
  const out = new Uint8Array(len);
  let off = 0;
  for (const l of labels) {
    out[off++] = l.length;
    out.set(l, off);
    off += l.length;
  }
  out[off] = 0;
  return out;
}

export class Name {
  /** Labels from the leftmost to the one below the root; the root label is implicit. */
  readonly labels: readonly Uint8Array[];
  private wireCache: Uint8Array | null = null;
  private canonicalCache: Uint8Array | null = null;
  private lowerLabelsCache: readonly Uint8Array[] | null = null;

  private constructor(labels: readonly Uint8Array[]) {
    this.labels = labels;
  }

  static readonly root = new Name([]);

  /** Builds a name from labels, enforcing RFC 1035 §2.3.4 limits. */
  static fromLabels(labels: readonly Uint8Array[]): Name {
    let len = 1;
    for (const l of labels) {
      if (l.length === 0) throw new SignetError('ERR_NAME_EMPTY_LABEL', 'empty label in name');
      if (l.length > MAX_LABEL) throw new SignetError('ERR_NAME_LABEL_TOO_LONG', `label longer than ${MAX_LABEL} octets`);
      len += l.length + 1;
    }
    if (len > MAX_NAME) throw new SignetError('ERR_NAME_TOO_LONG', `name longer than ${MAX_NAME} octets`);
    return new Name(labels);
  }

  /**
   * Parses a name in presentation format. A name without a trailing dot is
   * relative and gets `origin` appended; without an origin it is an error.
   * `@` is not handled here (the zone parser substitutes the origin).
   */
  static parse(text: string, origin: Name | null = null): Name {
    if (text === '.') return Name.root;
    if (text.length === 0) throw new SignetError('ERR_NAME_EMPTY', 'empty name');
    const labels: Uint8Array[] = [];
    let cur: number[] = [];
    let absolute = false;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 0x2e /* . */) {
        if (cur.length === 0) throw new SignetError('ERR_NAME_EMPTY_LABEL', `empty label in name "${text}"`);
        labels.push(Uint8Array.from(cur));
        cur = [];
        if (i === text.length - 1) absolute = true;
        continue;
      }
      if (ch === 0x5c /* \ */) {
        const d = text.slice(i + 1, i + 4);
        if (/^\d{3}$/.test(d)) {
          const v = Number(d);
          if (v > 255) throw new SignetError('ERR_NAME_BAD_ESCAPE', `bad escape \\${d} in name "${text}"`);
          cur.push(v);
          i += 3;
        } else if (i + 1 < text.length) {
          const c = text.charCodeAt(i + 1);
          if (c > 0x7f) throw new SignetError('ERR_NAME_BAD_CHAR', `non-ASCII character in name "${text}"`);
          cur.push(c);
          i += 1;
        } else {
          throw new SignetError('ERR_NAME_BAD_ESCAPE', `name "${text}" ends with a backslash`);
        }
        if (cur.length > MAX_LABEL) throw new SignetError('ERR_NAME_LABEL_TOO_LONG', `label longer than ${MAX_LABEL} octets in "${text}"`);
        continue;
      }
      if (ch > 0x7e || ch < 0x21) throw new SignetError('ERR_NAME_BAD_CHAR', `character that must be escaped in name "${text}"`);
      cur.push(ch);
      if (cur.length > MAX_LABEL) throw new SignetError('ERR_NAME_LABEL_TOO_LONG', `label longer than ${MAX_LABEL} octets in "${text}"`);
    }
    if (cur.length > 0) labels.push(Uint8Array.from(cur));
    if (absolute) return Name.fromLabels(labels);
    if (origin === null) throw new SignetError('ERR_NAME_RELATIVE', `relative name "${text}" with no origin`);
    return Name.fromLabels([...labels, ...origin.labels]);
  }

  /** Decodes an uncompressed name from wire at `offset`; returns the name and the offset after it. */
  static fromWire(buf: Uint8Array, offset: number): { name: Name; end: number } {
    const labels: Uint8Array[] = [];
    let off = offset;
    for (;;) {
      if (off >= buf.length) throw new SignetError('ERR_WIRE_TRUNCATED', 'name runs past the end of the data');
      const len = buf[off]!;
      if (len === 0) return { name: Name.fromLabels(labels), end: off + 1 };
      if (len > MAX_LABEL) throw new SignetError('ERR_WIRE_BAD_LABEL', 'compressed or bad label in uncompressed name');
      if (off + 1 + len > buf.length) throw new SignetError('ERR_WIRE_TRUNCATED', 'name runs past the end of the data');
      labels.push(buf.slice(off + 1, off + 1 + len));
      off += 1 + len;
    }
  }

  /** Number of labels, not counting the root. */
  get labelCount(): number {
    return this.labels.length;
  }

  /** True for `*.something` (RFC 4592). */
  get isWildcard(): boolean {
    const first = this.labels[0];
    return first !== undefined && first.length === 1 && first[0] === 0x2a;
  }

  /** The RRSIG Labels field value for this owner (RFC 4034 §3.1.3): wildcard label and root not counted. */
  get rrsigLabels(): number {
    return this.isWildcard ? this.labels.length - 1 : this.labels.length;
  }

  get isRoot(): boolean {
    return this.labels.length === 0;
  }

  /** Uncompressed wire form in the original case. */
  get wire(): Uint8Array {
    return (this.wireCache ??= buildWire(this.labels));
  }

  /** Uncompressed wire form with ASCII letters lowercased (RFC 4034 §6.2). */
  get canonical(): Uint8Array {
    return (this.canonicalCache ??= buildWire(this.lowerLabels));
  }

  private get lowerLabels(): readonly Uint8Array[] {
    return (this.lowerLabelsCache ??= this.labels.map(lowerLabel));
  }

  /** The same name with its letters lowercased. */
  toLowerCase(): Name {
    const n = new Name(this.lowerLabels);
    n.canonicalCache = this.canonicalCache;
    return n;
  }

  /** The name with the first `n` labels removed. */
  parent(n = 1): Name {
    return new Name(this.labels.slice(n));
  }

  /** This name with `suffix` appended (this must be relative-like: any labels). */
  concat(suffix: Name): Name {
    return Name.fromLabels([...this.labels, ...suffix.labels]);
  }

  /** Prepends one label (as raw bytes). */
  child(label: Uint8Array): Name {
    return Name.fromLabels([label, ...this.labels]);
  }

  /** Case-insensitive equality. */
  equals(other: Name): boolean {
    if (this === other) return true;
    if (this.labels.length !== other.labels.length) return false;
    return compareBytes(this.canonical, other.canonical) === 0;
  }

  /** True when this name is `other` or below it (case-insensitive). */
  isSubdomainOf(other: Name): boolean {
    const d = this.labels.length - other.labels.length;
    if (d < 0) return false;
    const a = this.lowerLabels;
    const b = other.lowerLabels;
    for (let i = 0; i < b.length; i++) {
      if (compareBytes(a[i + d]!, b[i]!) !== 0) return false;
    }
    return true;
  }

  /** Canonical DNS name order (RFC 4034 §6.1): compare lowercased labels from the rightmost. */
  compare(other: Name): number {
    const a = this.lowerLabels;
    const b = other.lowerLabels;
    let i = a.length - 1;
    let j = b.length - 1;
    for (; i >= 0 && j >= 0; i--, j--) {
      const c = compareBytes(a[i]!, b[j]!);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }

  /** Presentation form, absolute, with a trailing dot and RFC 1035 escapes. */
  toString(): string {
    if (this.labels.length === 0) return '.';
    let out = '';
    for (const l of this.labels) out += labelToString(l) + '.';
    return out;
  }

  /** Presentation form relative to `origin` (`@` for the origin itself), for human output. */
  toRelativeString(origin: Name): string {
    if (this.equals(origin)) return '@';
    if (!this.isSubdomainOf(origin)) return this.toString();
    return this.labels.slice(0, this.labels.length - origin.labels.length).map(labelToString).join('.');
  }
}

/** One label in presentation form: `.` `\` `"` `(` `)` `;` `@` `$` escaped, non-printables as \DDD. */
export function labelToString(l: Uint8Array): string {
  let s = '';
  for (let i = 0; i < l.length; i++) {
    const c = l[i]!;
    if (c <= 0x20 || c >= 0x7f) s += '\\' + String(c).padStart(3, '0');
    else if (c === 0x2e || c === 0x5c || c === 0x22 || c === 0x28 || c === 0x29 || c === 0x3b || c === 0x40 || c === 0x24) s += '\\' + String.fromCharCode(c);
    else s += String.fromCharCode(c);
  }
  return s;
}
