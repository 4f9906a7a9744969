/**
 * The shell's side of `submit-ds` / `withdraw-ds`: builds the DS request for
 * the keys (DS recomputed from their DNSKEY with the policy's digest type)
 * and hands it to the zone's registrar (registrar/kinds: manual, command,
 * rfc2136, cds). A 'failed' result makes the caller keep the previous state,
 * so that the step is tried again on the next tick.
 */
import type { DnsQuerier } from '../dns/client.ts';
import { parseServerAddress } from '../dns/address.ts';
import { SignetError } from '../core/errors.ts';
import type { ZoneRow } from '../keystore/types.ts';
import { findParentZone } from '../registrar/find-parent.ts';
import { createRegistrar, type RegistrarResult } from '../registrar/kinds/index.ts';
import type { Policy } from '../rollover/policy.ts';
import { computeDsRdata, type DsDigestType } from '../signer/ds.ts';
import { Name } from '../zone/name.ts';
import type { KeyMaterial } from './sign-service.ts';
import { zoneSetting } from './zone-config.ts';

export async function callRegistrar(o: {
  zone: ZoneRow;
  policy: Policy;
  action: 'submit-ds' | 'withdraw-ds';
  keys: readonly KeyMaterial[];
  client: DnsQuerier;
}): Promise<RegistrarResult> {
  const origin = Name.parse(o.zone.name);
  const request = {
    zone: origin,
    ds: o.keys.map((k) => computeDsRdata(origin, k.publicKey, o.policy.dsDigest as DsDigestType)),
    dnskeys: o.keys.map((k) => k.publicKey),
    dsTtl: o.policy.parentDsTtl,
    dnskeyTtl: o.policy.dnskeyTtl,
  };
  let parentZone: Name | undefined;
  const resolver = zoneSetting(o.zone, 'resolver');
  try {
    // The UPDATE goes to the zone that holds the delegation; without a resolver, the name one label up.
    if (o.policy.registrar === 'rfc2136' && resolver !== null) parentZone = await findParentZone(origin, parseServerAddress(resolver), o.client);
    const registrar = createRegistrar({
      registrar: o.policy.registrar,
      'registrar-command': zoneSetting(o.zone, 'registrar-command'),
      'update-server': zoneSetting(o.zone, 'update-server'),
      tsig: zoneSetting(o.zone, 'tsig'),
    }, { parentZone });
    return await (o.action === 'submit-ds' ? registrar.submit(request) : registrar.withdraw(request));
  } catch (e) {
    // A missing setting or an unreachable resolver: retried on the next tick, shown in status.
    if (e instanceof SignetError) return { status: 'failed', code: e.code, message: e.message, retry: true };
    throw e;
  }
}
