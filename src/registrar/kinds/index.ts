/**
 * Builds the zone's registrar from its settings (SPEC "Zone settings":
 * `registrar`, `registrar-command`, `update-server`, `tsig`). Settings that
 * a kind needs and lacks are an error here, before any rollover relies on them.
 */
import { SignetError } from '../../core/errors.ts';
import type { UnixSeconds } from '../../core/time.ts';
import { parseServerAddress } from '../../dns/address.ts';
import type { DnsTransport } from '../../dns/transport.ts';
import { parseTsigKey } from '../../dns/tsig.ts';
import type { Name } from '../../zone/name.ts';
import { cdsRegistrar } from './cds.ts';
import { commandRegistrar } from './command.ts';
import { manualRegistrar } from './manual.ts';
import type { Registrar, RegistrarKind } from './registrar.ts';
import { REGISTRAR_KINDS } from './registrar.ts';
import { rfc2136Registrar } from './rfc2136.ts';

export type { DsRequest, Registrar, RegistrarKind, RegistrarResult } from './registrar.ts';
export { REGISTRAR_KINDS, dsFields, dsLines, dnskeyLines } from './registrar.ts';
export { commandDocument } from './command.ts';

export interface RegistrarSettings {
  readonly registrar?: string | null;
  readonly 'registrar-command'?: string | null;
  readonly 'update-server'?: string | null;
  readonly tsig?: string | null;
}

export interface RegistrarDeps {
  /** For rfc2136: the parent zone when known (through the resolver); default the child minus one label. */
  readonly parentZone?: Name;
  readonly transport?: DnsTransport;
  readonly clock?: () => UnixSeconds;
  readonly commandTimeoutMs?: number;
}

export function isRegistrarKind(text: string): text is RegistrarKind {
  return (REGISTRAR_KINDS as readonly string[]).includes(text);
}

/** ERR_REGISTRAR_KIND_UNKNOWN, ERR_REGISTRAR_SETTING_MISSING, and the parse errors of the settings. */
export function createRegistrar(settings: RegistrarSettings, deps: RegistrarDeps = {}): Registrar {
  const kind = settings.registrar ?? 'manual';
  if (!isRegistrarKind(kind)) throw new SignetError('ERR_REGISTRAR_KIND_UNKNOWN', `registrar "${kind}" is not one of ${REGISTRAR_KINDS.join(', ')}`);
  const need = (key: keyof RegistrarSettings): string => {
    const v = settings[key];
    if (typeof v !== 'string' || v.trim() === '') throw new SignetError('ERR_REGISTRAR_SETTING_MISSING', `registrar ${kind} needs the zone setting ${key}`);
    return v;
  };
  switch (kind) {
    case 'manual': return manualRegistrar();
    case 'cds': return cdsRegistrar();
    case 'command': return commandRegistrar({ command: need('registrar-command'), timeoutMs: deps.commandTimeoutMs });
    case 'rfc2136': return rfc2136Registrar({
      server: parseServerAddress(need('update-server')),
      key: parseTsigKey(need('tsig')),
      parentZone: deps.parentZone,
      transport: deps.transport,
      clock: deps.clock,
    });
  }
}
