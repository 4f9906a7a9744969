/**
 * Keys for worker threads. A SigningKey keeps its private key inside a
 * closure, so it cannot cross a thread boundary; workers get the PKCS#8 DER
 * (unencrypted, in memory only, never logged), the algorithm and the flags
 * once at start, and build their own SigningKeys from them.
 */
import { createPrivateKey } from 'node:crypto';
import { equalBytes } from '../../core/bytes.ts';
import { SignetError } from '../../core/errors.ts';
import { decodePrivateKey } from '../../keystore/private-key.ts';
import type { KeyRow } from '../../keystore/types.ts';
import { createSigningKey } from '../algorithms.ts';
import type { ActiveKey } from '../sign-zone.ts';
import type { SigningKey } from '../signing-key.ts';

/** What a worker needs to rebuild a SigningKey. Private key material: never print it. */
export interface WorkerKeyMaterial {
  /** PKCS#8 DER, unencrypted. */
  readonly pkcs8: Uint8Array;
  readonly algorithm: number;
  readonly flags: number;
}

/** An active key that can also sign in worker threads. */
export interface ParallelActiveKey extends ActiveKey {
  readonly material?: WorkerKeyMaterial;
}

/** Builds a SigningKey from worker key material (in any thread). */
export function signingKeyFromMaterial(m: WorkerKeyMaterial): SigningKey {
  let key;
  try {
    key = createPrivateKey({ key: Buffer.from(m.pkcs8.buffer, m.pkcs8.byteOffset, m.pkcs8.byteLength), format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw new SignetError('ERR_KEY_UNREADABLE', 'private key is not a valid PKCS#8 key', { cause: e });
  }
  return createSigningKey(key, m.algorithm, m.flags);
}

/** An active key from unencrypted PKCS#8 DER, usable in this thread and in workers. */
export function activeKeyFromPkcs8(pkcs8: Uint8Array, algorithm: number, flags: number, signs: ActiveKey['signs']): ParallelActiveKey {
  const material: WorkerKeyMaterial = { pkcs8: pkcs8.slice(), algorithm, flags };
  return { key: signingKeyFromMaterial(material), signs, material };
}

/**
 * Loads a stored key (decrypting it with `passphrase` when it is encrypted)
 * as a ParallelActiveKey. Same checks as keystore's loadSigningKey:
 * ERR_KEY_MISMATCH when the private key does not give the stored DNSKEY.
 */
export function loadParallelKey(
  row: Pick<KeyRow, 'algorithm' | 'flags' | 'keyTag' | 'publicKey' | 'privateKey' | 'encrypted'>,
  passphrase: string | null, signs: ActiveKey['signs'],
): ParallelActiveKey {
  const keyObject = decodePrivateKey(row.privateKey, row.encrypted, passphrase);
  const pkcs8 = new Uint8Array(keyObject.export({ type: 'pkcs8', format: 'der' }));
  const key = createSigningKey(keyObject, row.algorithm, row.flags);
  if (key.keyTag !== row.keyTag || !equalBytes(key.dnskeyRdata, row.publicKey)) {
    throw new SignetError('ERR_KEY_MISMATCH', `stored private key does not match the DNSKEY of key ${row.keyTag}`);
  }
  return { key, signs, material: { pkcs8, algorithm: row.algorithm, flags: row.flags } };
}

/** The material of every key, or null when one of them has none (then signing stays in this thread). */
export function materialOf(keys: readonly ParallelActiveKey[]): WorkerKeyMaterial[] | null {
  const out: WorkerKeyMaterial[] = [];
  for (const k of keys) {
    if (k.material === undefined) return null;
    out.push(k.material);
  }
  return out;
}
