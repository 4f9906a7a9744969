/** `manual`: nothing is sent; the result tells the operator what to change and how to confirm it. */
import type { DsRequest, Registrar, RegistrarResult } from './registrar.ts';
import { dsFields, dsLines } from './registrar.ts';

function zoneArg(r: DsRequest): string {
  return r.zone.isRoot ? '.' : r.zone.toString().slice(0, -1);
}

/** The DS records to change at the parent, in zone-file form and as registrar fields, then the command that confirms the change. */
function instructions(r: DsRequest, change: { verb: 'add' | 'remove'; keep: string; confirm: 'ds-published' | 'ds-withdrawn' }): RegistrarResult {
  const command = `signet rollover confirm ${zoneArg(r)} ${change.confirm}`;
  return {
    status: 'operator-action',
    command,
    message: [
      `${change.verb} these DS records at the parent of ${r.zone.toString()} (${change.keep}):`,
      ...dsLines(r).map((l) => `  ${l}`),
      'as registrar fields:',
      ...dsFields(r).map((l) => `  ${l}`),
      `then run: ${command}`,
    ].join('\n'),
  };
}

export function manualRegistrar(): Registrar {
  return {
    kind: 'manual',
    submit: async (r: DsRequest): Promise<RegistrarResult> =>
      instructions(r, { verb: 'add', keep: 'keep the ones already there', confirm: 'ds-published' }),
    withdraw: async (r: DsRequest): Promise<RegistrarResult> =>
      instructions(r, { verb: 'remove', keep: 'keep the others', confirm: 'ds-withdrawn' }),
  };
}
