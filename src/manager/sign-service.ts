/**
 * The shell around the pure signer: load the zone's input and keys, compute
 * the serial, sign, write the output atomically and record what happened.
 * A failure at any step leaves the previous output and the database as they
 * were.
 */
import { SignetError } from '../core/errors.ts';
import type { UnixSeconds } from '../core/time.ts';
import { fromHex } from '../core/bytes.ts';
import { Name } from '../zone/name.ts';
import { RRType } from '../zone/types.ts';
import { loadZone } from '../zone/load.ts';
import { signZone, type ActiveKey, type SignedZone } from '../signer/sign-zone.ts';
import { nextSerial } from '../signer/serial.ts';
import { hashedJitter } from '../signer/validity.ts';
import { loadSigningKey } from '../keystore/private-key.ts';
import type { StateDb } from '../keystore/state-db.ts';
import type { ZoneRow } from '../keystore/types.ts';
import type { Policy } from '../rollover/policy.ts';
import { writeSignedZone } from './signed-zone-file.ts';
import { isPublished, isSigning } from './key-selection.ts';
import { effectivePolicy } from './zone-config.ts';

export interface SignResult {
  zone: string;
  output: string;
  serial: number;
  signatures: number;
  rrsets: number;
  earliestExpiration: UnixSeconds | null;
  warnings: string[];
}

/** SOA serial of the input (the SOA RDATA holds it after the two names). */
function soaSerial(signedInput: { rrsets: readonly { type: number; rdatas: readonly Uint8Array[] }[] }): number {
  const soa = signedInput.rrsets.find((r) => r.type === RRType.SOA);
  const rdata = soa?.rdatas[0];
  if (!rdata) throw new SignetError('ERR_ZONE_NO_SOA', 'the zone has no SOA record');
  let off = Name.fromWire(rdata, 0).end;
  off = Name.fromWire(rdata, off).end;
  return new DataView(rdata.buffer, rdata.byteOffset, rdata.byteLength).getUint32(off);
}

function signingRole(role: 'ksk' | 'zsk' | 'csk'): ActiveKey['signs'] {
  return role;
}

/** Signs `zone` at `now` into its output file; returns what was done. */
export async function signZoneToFile(db: StateDb, zone: ZoneRow, now: UnixSeconds, passphrase: string | null): Promise<SignResult> {
  const policy: Policy = effectivePolicy(db, zone);
  const origin = Name.parse(zone.name);
  const input = await loadZone(zone.input, origin);

  const rows = db.listKeys(zone.name);
  const signing = rows.filter((k) => isSigning(k, now));
  if (signing.length === 0) {
    throw new SignetError('ERR_NO_ACTIVE_KEYS', `zone ${zone.name} has no active key at this time (see: signet key list ${zone.name})`);
  }
  // Safety rule 3: missing or unreadable key material stops the zone; nothing is regenerated.
  const keys: ActiveKey[] = signing.map((row) => ({ key: loadSigningKey(row, passphrase), signs: signingRole(row.role) }));
  const publishedOnly = rows.filter((k) => isPublished(k, now) && !isSigning(k, now)).map((k) => k.publicKey);

  const serial = nextSerial({ scheme: policy.serial, inputSerial: soaSerial(input), lastSerial: zone.lastSerial, now });
  const salt = fromHex(policy.nsec3Salt);
  if (salt === null) throw new SignetError('ERR_POLICY_BAD_VALUE', `bad nsec3-salt "${policy.nsec3Salt}"`);
  const signed: SignedZone = signZone(input, {
    now,
    keys,
    publishedOnly,
    dnskeyTtl: policy.dnskeyTtl,
    validity: policy.signatureValidity,
    inceptionOffset: policy.inceptionOffset,
    jitter: policy.signatureJitter,
    random: hashedJitter(`${zone.name}|${now}`),
    denial: policy.denial === 'nsec'
      ? { kind: 'nsec' }
      : { kind: 'nsec3', iterations: policy.nsec3Iterations, salt, optOut: policy.nsec3OptOut },
    serial,
  });

  writeSignedZone(zone.output, signed);

  const earliestExpiration = signed.stats.earliestExpiration ?? null;
  db.transaction(() => {
    db.updateZone(zone.name, { lastSerial: serial, lastSignedAt: now, earliestExpiration });
    db.addEvent({
      zone: zone.name, time: now, kind: 'signed',
      message: `signed serial ${serial}: ${signed.stats.signatures} signatures over ${signed.stats.rrsetsSigned} RRsets into ${zone.output}`,
      details: { serial, output: zone.output, signatures: signed.stats.signatures },
    });
  });
  return {
    zone: zone.name,
    output: zone.output,
    serial,
    signatures: signed.stats.signatures,
    rrsets: signed.stats.rrsetsSigned,
    earliestExpiration,
    warnings: [...input.warnings.map((w) => (w.position ? `${w.position.file}:${w.position.line}: ${w.message}` : w.message)), ...signed.warnings.map((w) => w.message)],
  };
}
