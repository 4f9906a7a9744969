/** A loaded zone: its origin and its RRsets in canonical order. */
import type { Name } from './name.ts';
import type { RRset } from './record.ts';
import type { SourcePosition } from '../core/errors.ts';

export interface ZoneWarning {
  code: string;
  message: string;
  position: SourcePosition | null;
}

export interface Zone {
  readonly origin: Name;
  /**
   * Every RRset of the zone file, sorted by owner in canonical name order
   * (RFC 4034 §6.1), then by type number. Glue and occluded data are kept
   * here (they are served); the signer decides what is authoritative.
   */
  readonly rrsets: readonly RRset[];
  readonly warnings: readonly ZoneWarning[];
}
