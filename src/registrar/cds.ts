/**
 * CDS and CDNSKEY records (RFC 7344 §3): what the child publishes at its apex
 * so that the parent can update the DS itself. Pure.
 *
 * - The records for a set of keys: one CDS per key and digest type (same
 *   RDATA as the DS, RFC 7344 §3.1), one CDNSKEY per key (same RDATA as the
 *   DNSKEY, §3.2). Publish the keys that should have a DS once the parent
 *   acts: during a KSK double-DS, old and new after submit-ds, only the new
 *   one after withdraw-ds.
 * - The delete form (RFC 8078 §4): `CDS 0 0 0 00` and `CDNSKEY 0 3 0 AA==`,
 *   asking the parent to remove every DS (the zone goes insecure).
 *
 * The signer publishes them through its `cds` / `cdnskey` options and signs
 * them with the KSK (RFC 7344 §4.1).
 */
import { computeDsRdata, type DsDigestType } from '../signer/ds.ts';
import type { Name } from '../zone/name.ts';

export interface CdsRecords {
  readonly cds: readonly Uint8Array[];
  readonly cdnskey: readonly Uint8Array[];
}

/** CDS and CDNSKEY RDATAs for `dnskeys` at `zone`, with the given digest types (default SHA-256). */
export function cdsRecordsFor(zone: Name, dnskeys: readonly Uint8Array[], digestTypes: readonly DsDigestType[] = [2]): CdsRecords {
  const cds: Uint8Array[] = [];
  for (const k of dnskeys) for (const d of digestTypes) cds.push(computeDsRdata(zone, k, d));
  return { cds, cdnskey: dnskeys.map((k) => k.slice()) };
}

/** RFC 8078 §4: key tag 0, algorithm 0, digest type 0, digest one zero octet. */
export const CDS_DELETE_RDATA: Uint8Array = Uint8Array.of(0, 0, 0, 0, 0);
/** RFC 8078 §4: flags 0, protocol 3, algorithm 0, public key one zero octet (base64 `AA==`). */
export const CDNSKEY_DELETE_RDATA: Uint8Array = Uint8Array.of(0, 0, 3, 0, 0);

/** The delete form: both RRsets, one record each (RFC 8078 §4). */
export function cdsDeleteRecords(): CdsRecords {
  return { cds: [CDS_DELETE_RDATA.slice()], cdnskey: [CDNSKEY_DELETE_RDATA.slice()] };
}
