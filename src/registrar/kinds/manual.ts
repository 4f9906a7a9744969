/** `manual`: nothing is sent; the result tells the operator what to change and how to confirm it. */
import type { DsRequest, Registrar, RegistrarResult } from './registrar.ts';
import { dsFields, dsLines } from './registrar.ts';

function zoneArg(r: DsRequest): string {
  return r.zone.isRoot ? '.' : r.zone.toString().slice(0, -1);
}

export function manualRegistrar(): Registrar {
  return {
    kind: 'manual',
    async submit(r: DsRequest): Promise<RegistrarResult> {
      const command = `signet rollover confirm ${zoneArg(r)} ds-published`;
      return {
        status: 'operator-action',
        command,
        message: [
          `add these DS records at the parent of ${r.zone.toString()} (keep the ones already there):`,
          ...dsLines(r).map((l) => `  ${l}`),
          'as registrar fields:',
          ...dsFields(r).map((l) => `  ${l}`),
          `then run: ${command}`,
        ].join('\n'),
      };
    },
    async withdraw(r: DsRequest): Promise<RegistrarResult> {
      const command = `signet rollover confirm ${zoneArg(r)} ds-withdrawn`;
      return {
        status: 'operator-action',
        command,
        message: [
          `remove these DS records at the parent of ${r.zone.toString()} (keep the others):`,
          ...dsLines(r).map((l) => `  ${l}`),
          'as registrar fields:',
          ...dsFields(r).map((l) => `  ${l}`),
          `then run: ${command}`,
        ].join('\n'),
      };
    },
  };
}
