/**
 * Private keys at rest: PKCS#8 DER, encrypted with a passphrase when one is
 * given (PKCS#8 EncryptedPrivateKeyInfo, PBES2 with AES-256-CBC, as
 * node:crypto writes it). And the way back, from a stored key row to a
 * SigningKey, checked against the stored DNSKEY.
 */
import { createPrivateKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { equalBytes } from '../core/bytes.ts';
import { SignetError } from '../core/errors.ts';
import type { UnixSeconds } from '../core/time.ts';
import { DNSKEY_FLAG_SEP, DNSKEY_FLAG_ZONE } from '../zone/dnssec-rdata.ts';
import { createSigningKey, generateKeyPair } from '../signer/algorithms.ts';
import type { SigningKey } from '../signer/signing-key.ts';
import type { KeyRole, KeyRow, KeySource, KeyTiming, NewKey } from './types.ts';

function checkPassphrase(passphrase: string | null): void {
  if (passphrase === '') throw new SignetError('ERR_KEY_PASSPHRASE_EMPTY', 'the key passphrase is empty');
}

/** DER of a private key for the database: encrypted when a passphrase is given. */
export function encodePrivateKey(key: KeyObject, passphrase: string | null): { privateKey: Uint8Array; encrypted: boolean } {
  if (key.type !== 'private') throw new SignetError('ERR_KEY_TYPE', 'not a private key');
  checkPassphrase(passphrase);
  const der = passphrase === null
    ? key.export({ type: 'pkcs8', format: 'der' })
    : key.export({ type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase });
  return { privateKey: new Uint8Array(der), encrypted: passphrase !== null };
}

/**
 * Reads a stored private key. ERR_KEY_PASSPHRASE_REQUIRED when it is
 * encrypted and no passphrase is given, ERR_KEY_PASSPHRASE_WRONG when the
 * passphrase does not decrypt it, ERR_KEY_UNREADABLE when the bytes are not a key.
 */
export function decodePrivateKey(der: Uint8Array, encrypted: boolean, passphrase: string | null): KeyObject {
  const buf = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  if (!encrypted) {
    try {
      return createPrivateKey({ key: buf, format: 'der', type: 'pkcs8' });
    } catch (e) {
      throw new SignetError('ERR_KEY_UNREADABLE', 'stored private key is not a valid PKCS#8 key', { cause: e });
    }
  }
  if (passphrase === null) throw new SignetError('ERR_KEY_PASSPHRASE_REQUIRED', 'the private key is encrypted: give the passphrase (--passphrase-file or $SIGNET_PASSPHRASE)');
  checkPassphrase(passphrase);
  try {
    return createPrivateKey({ key: buf, format: 'der', type: 'pkcs8', passphrase });
  } catch (e) {
    // A wrong passphrase usually fails the CBC padding (bad decrypt); about
    // one time in 256 the padding passes and the garbage fails DER parsing.
    throw new SignetError('ERR_KEY_PASSPHRASE_WRONG', 'the passphrase does not decrypt the private key', { cause: e });
  }
}

/** DNSKEY flags for a role: SEP set for KSK and CSK (RFC 4034 §2.1.1, RFC 3757). */
export function flagsForRole(role: KeyRole): number {
  return role === 'zsk' ? DNSKEY_FLAG_ZONE : DNSKEY_FLAG_ZONE | DNSKEY_FLAG_SEP;
}

/**
 * Loads a stored key as a SigningKey. ERR_KEY_MISMATCH when the private key
 * does not produce the stored DNSKEY (the row has been tampered with or mixed up).
 */
export function loadSigningKey(row: Pick<KeyRow, 'algorithm' | 'flags' | 'keyTag' | 'publicKey' | 'privateKey' | 'encrypted'>, passphrase: string | null): SigningKey {
  const key = createSigningKey(decodePrivateKey(row.privateKey, row.encrypted, passphrase), row.algorithm, row.flags);
  if (key.keyTag !== row.keyTag || !equalBytes(key.dnskeyRdata, row.publicKey)) {
    throw new SignetError('ERR_KEY_MISMATCH', `stored private key does not match the DNSKEY of key ${row.keyTag}`);
  }
  return key;
}

export interface NewKeyOptions extends Partial<KeyTiming> {
  zone: string;
  role: KeyRole;
  algorithm: number;
  createdAt: UnixSeconds;
  source: KeySource;
  passphrase: string | null;
  /** DNSKEY flags; by default from the role (256 ZSK, 257 KSK/CSK). */
  flags?: number;
}

/** Everything `StateDb.addKey` needs for a private key: DNSKEY RDATA, tag, encrypted DER. */
export function newKeyFromPrivateKey(privateKey: KeyObject, options: NewKeyOptions): NewKey {
  const flags = options.flags ?? flagsForRole(options.role);
  const signing = createSigningKey(privateKey, options.algorithm, flags);
  const { privateKey: der, encrypted } = encodePrivateKey(privateKey, options.passphrase);
  return {
    zone: options.zone,
    role: options.role,
    algorithm: options.algorithm,
    keyTag: signing.keyTag,
    flags,
    publicKey: signing.dnskeyRdata,
    privateKey: der,
    encrypted,
    source: options.source,
    createdAt: options.createdAt,
    publishedAt: options.publishedAt ?? null,
    activeAt: options.activeAt ?? null,
    retiredAt: options.retiredAt ?? null,
    removedAt: options.removedAt ?? null,
  };
}

/** How many fresh keys `generateNewKey` tries before giving up on a free tag. */
const TAG_ATTEMPTS = 16;

/**
 * Generates a key for a zone whose tag is not in `usedTags` (the tags of
 * the zone's existing keys, removed ones included), so that validators never
 * see two keys with one tag (RFC 4034 Appendix B: tags are not unique).
 */
export function generateNewKey(options: Omit<NewKeyOptions, 'source'> & { usedTags: ReadonlySet<number>; rsaBits?: number }): NewKey {
  for (let i = 0; i < TAG_ATTEMPTS; i++) {
    const key = newKeyFromPrivateKey(generateKeyPair(options.algorithm, { rsaBits: options.rsaBits }), { ...options, source: 'generated' });
    if (!options.usedTags.has(key.keyTag)) return key;
  }
  throw new SignetError('ERR_KEY_TAG_COLLISION', `no free key tag after ${TAG_ATTEMPTS} keys`);
}
