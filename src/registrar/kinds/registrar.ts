/**
 * The registrar interface (SPEC "Registrar: how the DS reaches the parent"):
 * one object per zone, asked to add (`submit`) or remove (`withdraw`) DS
 * records at the parent. Results are values: a failure says whether the
 * shell should try again on the next tick.
 */
import { decodeDs } from '../../zone/dnssec-rdata.ts';
import type { Name } from '../../zone/name.ts';
import { RRClass, RRType } from '../../zone/types.ts';
import { formatRecord } from '../../zone/writer.ts';
import { toHex } from '../../core/bytes.ts';

export type RegistrarKind = 'manual' | 'command' | 'rfc2136' | 'cds';

export const REGISTRAR_KINDS: readonly RegistrarKind[] = ['manual', 'command', 'rfc2136', 'cds'];

export interface DsRequest {
  /** The child zone. */
  readonly zone: Name;
  /** DS RDATAs to add or remove. */
  readonly ds: readonly Uint8Array[];
  /** The DNSKEY RDATAs these DS records stand for. */
  readonly dnskeys: readonly Uint8Array[];
  /** TTL written with the DS records (the parent may impose its own). */
  readonly dsTtl: number;
  /** TTL written with the DNSKEY records in documents for the operator or a registrar program. */
  readonly dnskeyTtl: number;
}

export type RegistrarResult =
  /** The parent (or the registrar program) accepted the change; the parent check confirms it later. */
  | { readonly status: 'accepted'; readonly message: string }
  /** Nothing was sent: the operator must make the change, then run the given command. */
  | { readonly status: 'operator-action'; readonly message: string; readonly command: string }
  /** Nothing to send: the zone itself carries the request (CDS/CDNSKEY). */
  | { readonly status: 'in-zone'; readonly message: string }
  /** The attempt failed; try again on the next tick. */
  | { readonly status: 'failed'; readonly code: string; readonly message: string; readonly retry: true };

export interface Registrar {
  readonly kind: RegistrarKind;
  submit(request: DsRequest): Promise<RegistrarResult>;
  withdraw(request: DsRequest): Promise<RegistrarResult>;
}

/** The DS records in zone-file form (`example.com. 86400 IN DS 12345 13 2 ABCD…`). */
export function dsLines(r: DsRequest): string[] {
  return r.ds.map((d) => formatRecord(r.zone, r.dsTtl, RRClass.IN, RRType.DS, d).replace(/\t/g, ' '));
}

/** The DNSKEY records in zone-file form. */
export function dnskeyLines(r: DsRequest): string[] {
  return r.dnskeys.map((k) => formatRecord(r.zone, r.dnskeyTtl, RRClass.IN, RRType.DNSKEY, k).replace(/\t/g, ' '));
}

/** Registrar web forms ask for the four DS fields: `key tag 12345, algorithm 13, digest type 2, digest ABCD…`. */
export function dsFields(r: DsRequest): string[] {
  return r.ds.map((d) => {
    const ds = decodeDs(d);
    return `key tag ${ds.keyTag}, algorithm ${ds.algorithm}, digest type ${ds.digestType}, digest ${toHex(ds.digest).toUpperCase()}`;
  });
}
