/**
 * BIND key files `K<zone>.+<alg>+<tag>.key` / `.private` in and out, as
 * `dnssec-keygen` writes them and `dnssec-signzone` reads them.
 *
 * Import checks everything it can: the private key must produce the public
 * key of the `.key` file (and sign data that verifies with it), the
 * algorithms of both files and the file name must agree, and the key must be
 * a zone key (RFC 4034 §2.1.1).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { equalBytes, toBase64 } from '../core/bytes.ts';
import { SignetError } from '../core/errors.ts';
import type { UnixSeconds } from '../core/time.ts';
import { formatRrsigTime } from '../core/time.ts';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { DNSKEY_FLAG_SEP, DNSKEY_FLAG_ZONE } from '../zone/dnssec-rdata.ts';
import type { Name } from '../zone/name.ts';
import { createSigningKey, publicKeyBytes } from '../signer/algorithms.ts';
import type { SigningKey } from '../signer/signing-key.ts';
import { verifySignature } from '../signer/verify-signature.ts';
import { EMPTY_BIND_TIMING, formatBindPrivate, parseBindPrivate } from './bind-private.ts';
import type { BindTiming } from './bind-private.ts';
import { parseDnskeyText } from './dnskey-text.ts';
import { decodePrivateKey, encodePrivateKey } from './private-key.ts';
import { fieldsFromPrivateKey, privateKeyFromFields } from './private-key-material.ts';
import type { KeyObject } from 'node:crypto';
import type { KeyRole, KeyRow, NewKey } from './types.ts';

export type { BindTiming } from './bind-private.ts';

/** A key pair read from BIND files, checked and ready to store. */
export interface BindKey {
  zone: Name;
  algorithm: number;
  flags: number;
  keyTag: number;
  /** DNSKEY RDATA. */
  dnskeyRdata: Uint8Array;
  /** The DNSKEY TTL when the `.key` file gives one. */
  ttl: number | null;
  privateKey: KeyObject;
  signingKey: SigningKey;
  timing: BindTiming;
}

/** `K<zone>+<alg>+<tag>`, the base name BIND gives a key pair (zone with its trailing dot). */
export function bindKeyBaseName(zone: Name, algorithm: number, keyTag: number): string {
  const z = zone.toLowerCase().toString();
  // Label bytes such as '/' are legal in DNS names but not in one file name.
  if (z.includes('/') || z.includes('\0')) throw new SignetError('ERR_BIND_KEY_NAME', `zone name ${z} cannot be used in a key file name`);
  return `K${z}+${String(algorithm).padStart(3, '0')}+${String(keyTag).padStart(5, '0')}`;
}

const BASE_NAME = /^K(.+)\+(\d{3})\+(\d{5})$/;

function pathsFor(path: string): { keyPath: string; privatePath: string; base: string } {
  const base = basename(path).replace(/\.(key|private)$/, '');
  const dir = dirname(path);
  return { keyPath: join(dir, `${base}.key`), privatePath: join(dir, `${base}.private`), base };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new SignetError('ERR_BIND_KEY_READ', `cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Reads and checks a key pair given the text of both files. `keyFile` and
 * `privateFile` name them in errors; `baseName`, when it has BIND's form,
 * must agree with the key's zone, algorithm and tag.
 */
export function parseBindKeyPair(keyText: string, privateText: string, names: { keyFile: string; privateFile: string; baseName?: string }): BindKey {
  const dnskey = parseDnskeyText(keyText, names.keyFile);
  const priv = parseBindPrivate(privateText, names.privateFile);
  if (dnskey.protocol !== 3) {
    // RFC 4034 §2.1.2: the Protocol field MUST have value 3.
    throw new SignetError('ERR_BIND_KEY_INVALID', `${names.keyFile}: DNSKEY protocol is ${dnskey.protocol}, not 3`);
  }
  // RFC 4034 §2.1.1: only keys with the Zone Key bit sign zone data. We take
  // the ZONE and SEP bits only: a REVOKE'd key (RFC 5011) cannot be imported.
  if ((dnskey.flags & DNSKEY_FLAG_ZONE) === 0 || (dnskey.flags & ~(DNSKEY_FLAG_ZONE | DNSKEY_FLAG_SEP)) !== 0) {
    throw new SignetError('ERR_BIND_KEY_FLAGS', `${names.keyFile}: DNSKEY flags ${dnskey.flags} are not those of a zone key (256 or 257)`);
  }
  if (priv.algorithm !== dnskey.algorithm) {
    throw new SignetError('ERR_BIND_KEY_MISMATCH', `${names.privateFile} is for algorithm ${priv.algorithm} but ${names.keyFile} for ${dnskey.algorithm}`);
  }
  const privateKey = privateKeyFromFields(dnskey.algorithm, priv.fields);
  // The public key derived from the private fields must be the DNSKEY's.
  if (!equalBytes(publicKeyBytes(dnskey.algorithm, privateKey), dnskey.publicKey)) {
    throw new SignetError('ERR_KEY_MISMATCH', `${names.privateFile} does not hold the private key of ${names.keyFile}`);
  }
  const signingKey = createSigningKey(privateKey, dnskey.algorithm, dnskey.flags);
  // And it must sign: an RSA file can carry a modulus that matches and a
  // private exponent that does not.
  const probe = new TextEncoder().encode(`signet key import check ${names.keyFile}`);
  if (!verifySignature(dnskey.algorithm, dnskey.publicKey, probe, signingKey.sign(probe))) {
    throw new SignetError('ERR_KEY_MISMATCH', `${names.privateFile}: a signature by the private key does not verify with ${names.keyFile}`);
  }
  if (names.baseName !== undefined) {
    const m = BASE_NAME.exec(names.baseName);
    if (m) {
      const expected = bindKeyBaseName(dnskey.owner, dnskey.algorithm, signingKey.keyTag);
      if (expected.toLowerCase() !== names.baseName.toLowerCase()) {
        throw new SignetError('ERR_BIND_KEY_NAME_MISMATCH', `file name ${names.baseName} does not match the key inside (${expected})`);
      }
    }
  }
  return {
    zone: dnskey.owner,
    algorithm: dnskey.algorithm,
    flags: dnskey.flags,
    keyTag: signingKey.keyTag,
    dnskeyRdata: signingKey.dnskeyRdata,
    ttl: dnskey.ttl,
    privateKey,
    signingKey,
    timing: priv.timing,
  };
}

/**
 * Reads a BIND key pair from `path`: the `.key` or `.private` file, or their
 * common base name (`dir/Kexample.com.+013+42157`).
 */
export function readBindKeyFiles(path: string): BindKey {
  const { keyPath, privatePath, base } = pathsFor(path);
  return parseBindKeyPair(readText(keyPath), readText(privatePath), { keyFile: keyPath, privateFile: privatePath, baseName: base });
}

/** UTC time as C's ctime() prints it, for the `.key` comment lines: `Wed Nov 25 17:40:53 2026`. */
function ctime(t: UnixSeconds): string {
  const d = new Date(t * 1000);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()]!;
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()]!;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${day} ${month} ${String(d.getUTCDate()).padStart(2, ' ')} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

export interface BindKeyExport {
  zone: Name;
  algorithm: number;
  flags: number;
  privateKey: KeyObject;
  timing?: Partial<BindTiming>;
  /** Written into the DNSKEY line when given (like dnssec-keygen -L). */
  ttl?: number | null;
}

/** The text of both files and their base name, as BIND 9.18 writes them. */
export function formatBindKeyFiles(k: BindKeyExport): { baseName: string; keyText: string; privateText: string } {
  const signing = createSigningKey(k.privateKey, k.algorithm, k.flags);
  const zone = k.zone.toLowerCase().toString();
  const kind = (k.flags & DNSKEY_FLAG_SEP) !== 0 ? 'key-signing' : 'zone-signing';
  let keyText = `; This is a ${kind} key, keyid ${signing.keyTag}, for ${zone}\n`;
  const timing = { ...EMPTY_BIND_TIMING, ...k.timing };
  for (const [field, label] of [['created', 'Created'], ['publish', 'Publish'], ['activate', 'Activate'], ['revoke', 'Revoke'], ['inactive', 'Inactive'], ['delete', 'Delete']] as const) {
    const t = timing[field];
    if (t !== null) keyText += `; ${label}: ${formatRrsigTime(t)} (${ctime(t)})\n`;
  }
  // BIND breaks the base64 into 56-character groups separated by spaces.
  const b64 = toBase64(signing.dnskeyRdata.subarray(4)).match(/.{1,56}/g)!.join(' ');
  const ttl = k.ttl === null || k.ttl === undefined ? '' : `${k.ttl} `;
  keyText += `${zone} ${ttl}IN DNSKEY ${k.flags} 3 ${k.algorithm} ${b64}\n`;
  const privateText = formatBindPrivate(k.algorithm, fieldsFromPrivateKey(k.algorithm, k.privateKey), timing);
  return { baseName: bindKeyBaseName(k.zone, k.algorithm, signing.keyTag), keyText, privateText };
}

/**
 * Writes both files into `dir` (the `.private` file with mode 0600) and
 * returns their paths. Refuses to replace existing files (ERR_BIND_KEY_EXISTS)
 * unless `overwrite` is set.
 */
export function writeBindKeyFiles(dir: string, k: BindKeyExport, options: { overwrite?: boolean } = {}): { keyPath: string; privatePath: string } {
  const { baseName, keyText, privateText } = formatBindKeyFiles(k);
  const keyPath = join(dir, `${baseName}.key`);
  const privatePath = join(dir, `${baseName}.private`);
  if (!options.overwrite) {
    for (const p of [keyPath, privatePath]) {
      if (existsSync(p)) throw new SignetError('ERR_BIND_KEY_EXISTS', `${p} already exists`);
    }
  }
  try {
    writeFileAtomic(privatePath, privateText, 0o600);
    writeFileAtomic(keyPath, keyText, 0o644);
  } catch (e) {
    if (e instanceof SignetError) throw e;
    throw new SignetError('ERR_BIND_KEY_WRITE', `cannot write key files in ${dir}: ${(e as Error).message}`, { cause: e });
  }
  return { keyPath, privatePath };
}

/** BIND timing metadata for a stored key: Created, Publish, Activate, Inactive (retired), Delete (removed). */
export function bindTimingOfKey(row: Pick<KeyRow, 'createdAt' | 'publishedAt' | 'activeAt' | 'retiredAt' | 'removedAt'>): BindTiming {
  return { created: row.createdAt, publish: row.publishedAt, activate: row.activeAt, revoke: null, inactive: row.retiredAt, delete: row.removedAt };
}

/** Writes a stored key as BIND files (decrypting it with `passphrase` when needed). */
export function exportKeyToBindFiles(row: KeyRow, zone: Name, passphrase: string | null, dir: string, options: { overwrite?: boolean; ttl?: number | null } = {}): { keyPath: string; privatePath: string } {
  const privateKey = decodePrivateKey(row.privateKey, row.encrypted, passphrase);
  const signing = createSigningKey(privateKey, row.algorithm, row.flags);
  if (!equalBytes(signing.dnskeyRdata, row.publicKey)) {
    throw new SignetError('ERR_KEY_MISMATCH', `stored private key does not match the DNSKEY of key ${row.keyTag}`);
  }
  return writeBindKeyFiles(dir, { zone, algorithm: row.algorithm, flags: row.flags, privateKey, timing: bindTimingOfKey(row), ttl: options.ttl ?? null }, options);
}

export interface ImportOptions {
  /** The zone the key is imported into; the key's owner must be this name (ERR_BIND_KEY_ZONE). */
  zone: Name;
  /** Default: `ksk` for flags 257, `zsk` for 256. */
  role?: KeyRole;
  /** Time of the import, used as created_at when the file has no Created. */
  now: UnixSeconds;
  passphrase: string | null;
  /**
   * Copy BIND's Publish/Activate/Inactive/Delete times that are not in the
   * future as the key's timing facts. Off by default: an imported key is not
   * in signet's zone until signet publishes it.
   */
  keepTiming?: boolean;
}

/** What `StateDb.addKey` needs to store an imported key. */
export function newKeyFromBindKey(k: BindKey, options: ImportOptions): NewKey {
  if (!k.zone.equals(options.zone)) {
    throw new SignetError('ERR_BIND_KEY_ZONE', `the key is for ${k.zone.toString()}, not ${options.zone.toString()}`);
  }
  const role = options.role ?? ((k.flags & DNSKEY_FLAG_SEP) !== 0 ? 'ksk' : 'zsk');
  // A ZSK has no SEP bit; KSKs and CSKs have it (RFC 4034 §2.1.1, RFC 3757).
  if ((role === 'zsk') !== ((k.flags & DNSKEY_FLAG_SEP) === 0)) {
    throw new SignetError('ERR_BIND_KEY_FLAGS', `a key with flags ${k.flags} cannot be used as a ${role.toUpperCase()}`);
  }
  const past = (t: UnixSeconds | null) => (options.keepTiming && t !== null && t <= options.now ? t : null);
  const { privateKey, encrypted } = encodePrivateKey(k.privateKey, options.passphrase);
  return {
    zone: options.zone.toLowerCase().toString(),
    role,
    algorithm: k.algorithm,
    keyTag: k.keyTag,
    flags: k.flags,
    publicKey: k.dnskeyRdata,
    privateKey,
    encrypted,
    source: 'imported',
    createdAt: k.timing.created ?? options.now,
    publishedAt: past(k.timing.publish),
    activeAt: past(k.timing.activate),
    retiredAt: past(k.timing.inactive),
    removedAt: past(k.timing.delete),
  };
}
