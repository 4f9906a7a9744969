/**
 * `cds`: nothing is sent. The zone publishes CDS/CDNSKEY (RFC 7344) for the
 * keys that should have a DS, signed by the KSK, and the parent acts on them;
 * the parent check sees the result. The records come from ../cds.ts and go
 * into the signer's `cds` / `cdnskey` options.
 */
import type { DsRequest, Registrar, RegistrarResult } from './registrar.ts';
import { dsLines } from './registrar.ts';

export function cdsRegistrar(): Registrar {
  return {
    kind: 'cds',
    async submit(r: DsRequest): Promise<RegistrarResult> {
      return {
        status: 'in-zone',
        message: `${r.zone.toString()} publishes CDS/CDNSKEY for the new keys; waiting for the parent to add:\n${dsLines(r).map((l) => `  ${l}`).join('\n')}`,
      };
    },
    async withdraw(r: DsRequest): Promise<RegistrarResult> {
      return {
        status: 'in-zone',
        message: `${r.zone.toString()} no longer publishes CDS/CDNSKEY for the old keys; waiting for the parent to remove:\n${dsLines(r).map((l) => `  ${l}`).join('\n')}`,
      };
    },
  };
}
