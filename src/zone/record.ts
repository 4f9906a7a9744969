/**
 * The one representation of a resource record: owner name, type, class, TTL
 * and RDATA in uncompressed wire form (original case). Canonical RDATA
 * (RFC 4034 §6.2) is derived by `canonicalRdata` in `canonical.ts`.
 */
import type { SourcePosition } from '../core/errors.ts';
import type { Name } from './name.ts';

export interface ResourceRecord {
  readonly owner: Name;
  readonly type: number;
  readonly class: number;
  readonly ttl: number;
  readonly rdata: Uint8Array;
  /** Where the record was read from, when it came from a file. */
  readonly source?: SourcePosition;
}

/** Records of one owner, type and class, with a single TTL (RFC 2181 §5). */
export interface RRset {
  readonly owner: Name;
  readonly type: number;
  readonly class: number;
  readonly ttl: number;
  /** RDATA as written (original case), in canonical order, de-duplicated on canonical bytes (RFC 4034 §6.3). */
  readonly rdatas: readonly Uint8Array[];
  /** The same RDATA in canonical form (RFC 4034 §6.2), index for index; what signatures cover. */
  readonly canonicalRdatas: readonly Uint8Array[];
}
