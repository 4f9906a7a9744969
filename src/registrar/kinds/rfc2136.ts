/** `rfc2136`: DNS UPDATE with TSIG to the parent's primary (../rfc2136.ts). */
import { SignetError } from '../../core/errors.ts';
import type { UnixSeconds } from '../../core/time.ts';
import type { ServerAddress } from '../../dns/address.ts';
import type { DnsTransport } from '../../dns/transport.ts';
import type { TsigKey } from '../../dns/tsig.ts';
import type { Name } from '../../zone/name.ts';
import { sendDsUpdate } from '../rfc2136.ts';
import type { DsRequest, Registrar, RegistrarResult } from './registrar.ts';

export interface Rfc2136RegistrarOptions {
  /** The parent's primary (`update-server`). */
  readonly server: ServerAddress;
  /** The `tsig` setting, parsed; null only for parents that accept unsigned updates. */
  readonly key: TsigKey | null;
  /** The parent zone; default the child's name minus its first label. */
  readonly parentZone?: Name;
  readonly transport?: DnsTransport;
  readonly timeoutMs?: number;
  /** The real clock for TSIG (never `--now`). */
  readonly clock?: () => UnixSeconds;
}

export function rfc2136Registrar(o: Rfc2136RegistrarOptions): Registrar {
  const send = async (r: DsRequest, action: 'add' | 'remove'): Promise<RegistrarResult> => {
    const parentZone = o.parentZone ?? r.zone.parent(1);
    try {
      await sendDsUpdate({
        zone: r.zone, parentZone, ttl: r.dsTtl,
        add: action === 'add' ? r.ds : [], remove: action === 'remove' ? r.ds : [],
      }, { server: o.server, key: o.key, transport: o.transport, timeoutMs: o.timeoutMs, clock: o.clock });
    } catch (e) {
      if (e instanceof SignetError) return { status: 'failed', code: e.code, retry: true, message: e.message };
      throw e;
    }
    const n = r.ds.length;
    return { status: 'accepted', message: `${parentZone.toString()} accepted the update: ${action === 'add' ? 'added' : 'removed'} ${n} DS record${n === 1 ? '' : 's'} for ${r.zone.toString()}` };
  };
  return {
    kind: 'rfc2136',
    submit: (r) => send(r, 'add'),
    withdraw: (r) => send(r, 'remove'),
  };
}
