/**
 * A parent zone (`test.`) and a child zone (`child.test.`) for the live
 * check, signed by signet's pure signer (signZone, as test/verify does) and
 * written as master files for NSD and Knot. The parent's DS set for the
 * child is built from the child's keys (or from keys the child does not
 * publish, for the broken cases).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSignedZone } from '../../../src/manager/signed-zone-file.ts';
import { createSigningKey, generateKeyPair } from '../../../src/signer/algorithms.ts';
import { computeDsRdata } from '../../../src/signer/ds.ts';
import { signZone } from '../../../src/signer/sign-zone.ts';
import type { ActiveKey, SignZoneOptions } from '../../../src/signer/sign-zone.ts';
import type { SigningKey } from '../../../src/signer/signing-key.ts';
import { hashedJitter } from '../../../src/signer/validity.ts';
import { Name } from '../../../src/zone/name.ts';
import { parseZoneText } from '../../../src/zone/parser.ts';
import type { Zone } from '../../../src/zone/zone.ts';
import { zoneFromRecords } from '../../signer/helpers/zone-builder.ts';

/** 2027-01-15T08:00:00Z: the check's --now; zones are signed around it. */
export const NOW = 1_800_000_000;
export const DAY = 86400;
export const PARENT = Name.parse('test.');
export const CHILD = Name.parse('child.test.');

export function newKey(algorithm: number, flags: 256 | 257): SigningKey {
  return createSigningKey(generateKeyPair(algorithm), algorithm, flags);
}

function zoneFromText(text: string, origin: Name): Zone {
  return zoneFromRecords(origin, parseZoneText(text, { origin, file: `${origin.toString()}zone` }));
}

/** The child zone's text: served by ns1.child.test. (127.0.0.1, with glue in the parent). */
export function childText(serial = 2024010101): string {
  return `$ORIGIN child.test.
$TTL 3600
@    IN SOA ns1 hostmaster ${serial} 7200 3600 1209600 300
@    IN NS  ns1
ns1  IN A   127.0.0.1
www  IN A   192.0.2.10
`;
}

export interface SignOptions {
  readonly keys: readonly ActiveKey[];
  /** When the zone was signed; default NOW. */
  readonly signedAt?: number;
  /** Seconds of validity; default 14 days. */
  readonly validity?: number;
  readonly serial?: number;
  readonly denial?: SignZoneOptions['denial'];
  readonly publishedOnly?: readonly Uint8Array[];
}

export const NSEC3_RFC9276: SignZoneOptions['denial'] = { kind: 'nsec3', iterations: 0, salt: new Uint8Array(0), optOut: false };

function sign(text: string, origin: Name, o: SignOptions): string {
  const signed = signZone(zoneFromText(text, origin), {
    now: o.signedAt ?? NOW,
    keys: o.keys,
    dnskeyTtl: 3600,
    validity: o.validity ?? 14 * DAY,
    inceptionOffset: 3600,
    jitter: 0,
    random: hashedJitter('check'),
    denial: o.denial ?? NSEC3_RFC9276,
    serial: o.serial ?? 2024010101,
    ...(o.publishedOnly ? { publishedOnly: o.publishedOnly } : {}),
  });
  let out = '';
  renderSignedZone(signed, (t) => { out += t; });
  return out;
}

/** The child zone signed with `o.keys`. */
export function signedChild(o: SignOptions): string {
  return sign(childText(o.serial), CHILD, o);
}

/** The DS (SHA-256) of a key at `child.test.`. */
export function dsOf(key: SigningKey): Uint8Array {
  return computeDsRdata(CHILD, key.dnskeyRdata, 2);
}

function dsLine(rdata: Uint8Array): string {
  const tag = (rdata[0]! << 8) | rdata[1]!;
  return `child IN DS ${tag} ${rdata[2]} ${rdata[3]} ${Buffer.from(rdata.subarray(4)).toString('hex').toUpperCase()}`;
}

/** The parent zone: delegates child.test. to ns1.child.test. (glue 127.0.0.1) with the given DS set, signed with `keys`. */
export function signedParent(ds: readonly Uint8Array[], keys: readonly ActiveKey[]): string {
  const text = `$ORIGIN test.
$TTL 3600
@          IN SOA ns1 hostmaster 2024010101 7200 3600 1209600 300
@          IN NS  ns1
ns1        IN A   127.0.0.1
child      IN NS  ns1.child
ns1.child  IN A   127.0.0.1
${ds.map(dsLine).join('\n')}
`;
  return sign(text, PARENT, { keys });
}

/** Writes `text` to `dir/name` and returns the path. */
export function writeZone(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
