/**
 * Shared by the parallel and reuse tests: keys that can also sign in worker
 * threads, a varied zone of a chosen size, and a compact text form of a
 * signed zone for comparisons.
 */
import { generateKeyPairSync } from 'node:crypto';
import { activeKeyFromPkcs8 } from '../../src/signer/parallel/keys.ts';
import type { ParallelActiveKey } from '../../src/signer/parallel/keys.ts';
import type { SignedZone, SignZoneOptions } from '../../src/signer/sign-zone.ts';
import { hashedJitter } from '../../src/signer/validity.ts';
import { typeToString } from '../../src/zone/types.ts';
import type { Zone } from '../../src/zone/zone.ts';
import { makeZone } from './helpers/zone-builder.ts';

// PKCS#8 prefix of an Ed25519 private key (RFC 8410 §7): the 32-octet seed follows.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** A deterministic Ed25519 key with worker material. */
export function ed25519Parallel(seedOctet: number, flags: number, signs: 'ksk' | 'zsk' | 'csk'): ParallelActiveKey {
  return activeKeyFromPkcs8(new Uint8Array(Buffer.concat([ED25519_PKCS8_PREFIX, Buffer.alloc(32, seedOctet)])), 15, flags, signs);
}

/** A fresh P-256 key with worker material. */
export function p256Parallel(flags: number, signs: 'ksk' | 'zsk' | 'csk'): ParallelActiveKey {
  const der = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'der' });
  return activeKeyFromPkcs8(new Uint8Array(der), 13, flags, signs);
}

export const NOW = 1_800_000_000;

export function baseOptions(keys: readonly ParallelActiveKey[], overrides: Partial<SignZoneOptions> = {}): SignZoneOptions & { keys: readonly ParallelActiveKey[] } {
  return {
    now: NOW,
    keys,
    dnskeyTtl: 3600,
    validity: 14 * 86400,
    inceptionOffset: 3600,
    jitter: 12 * 3600,
    random: hashedJitter('example.|test'),
    denial: { kind: 'nsec3', iterations: 0, salt: new Uint8Array(0), optOut: false },
    serial: 2027013100,
    ...overrides,
  };
}

/**
 * A zone of `n` hosts plus delegations (secure and not), glue, a wildcard,
 * an empty non-terminal, mixed-case names and several types.
 */
export function variedZone(n: number): Zone {
  const lines = [
    '@ SOA ns1.example. hostmaster.example. 1 7200 3600 1209600 300',
    '@ NS ns1.example.', '@ NS ns2.example.', 'ns1 A 192.0.2.1', 'ns2 A 192.0.2.2',
    '@ MX 10 mail.example.', 'mail A 192.0.2.3', '*.wild TXT "wildcard"', 'deep.ent.sub A 192.0.2.9',
    'Secure NS ns.secure.example.', 'secure DS 12345 13 2 ' + 'ab'.repeat(32), 'ns.secure A 192.0.2.10',
    'insecure NS ns.other.net.', 'Alias CNAME mail.example.',
  ];
  for (let i = 0; i < n; i++) {
    lines.push(`h${i} A 10.0.${(i >> 8) & 255}.${i & 255}`);
    if (i % 3 === 0) lines.push(`h${i} AAAA 2001:db8::${(i & 0xffff).toString(16)}`);
    if (i % 7 === 0) lines.push(`h${i} TXT "host ${i}"`);
    if (i % 11 === 0) lines.push(`d${i} NS ns1.example.`, `d${i} DS ${i & 0xffff} 13 2 ${'cd'.repeat(32)}`);
  }
  return makeZone('example.', lines);
}

/** One line per RRset and signature, for comparing two signed zones. */
export function describeSigned(signed: SignedZone, withSignatures = true): string[] {
  const out: string[] = [];
  for (const { rrset, signatures } of signed.rrsets) {
    out.push(`${rrset.owner.toString()} ${rrset.ttl} ${typeToString(rrset.type)} ${rrset.rdatas.map((r) => Buffer.from(r).toString('hex')).join(',')}`);
    for (const s of signatures) out.push(withSignatures ? `  RRSIG ${Buffer.from(s).toString('hex')}` : `  RRSIG ${Buffer.from(s.subarray(0, 18)).toString('hex')}`);
  }
  return out;
}
