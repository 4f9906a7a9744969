/**
 * The NSEC3 owner-name hash (RFC 5155 §5):
 *
 *   IH(salt, x, 0) = H(x || salt)
 *   IH(salt, x, k) = H(IH(salt, x, k-1) || salt), if k > 0
 *   Hash = IH(salt, owner name, iterations)
 *
 * with H = SHA-1 (hash algorithm 1, the only one defined) over the owner
 * name in canonical wire form (RFC 5155 §5: "the owner name ... in canonical
 * form"). One scratch buffer holds `digest || salt` for every iteration, so
 * hashing a name costs one allocation per SHA-1 call made by node:crypto and
 * nothing else.
 */
import { hash } from 'node:crypto';
import { SignetError } from '../core/errors.ts';
import type { Name } from '../zone/name.ts';

/** NSEC3 hash algorithm 1: SHA-1 (RFC 5155 §11, IANA "DNSSEC NSEC3 Hash Algorithms"). */
export const NSEC3_HASH_SHA1 = 1;
/** SHA-1 digest length, the length of every NSEC3 Next Hashed Owner Name. */
export const NSEC3_HASH_LENGTH = 20;

/** Checks the NSEC3 parameters that fit the wire fields (RFC 5155 §3.1: 16-bit iterations, salt of 0..255 octets). */
export function checkNsec3Parameters(iterations: number, salt: Uint8Array): void {
  if (!Number.isInteger(iterations) || iterations < 0 || iterations > 0xffff) {
    throw new SignetError('ERR_NSEC3_ITERATIONS', `NSEC3 iterations ${iterations} is outside 0..65535`);
  }
  if (salt.length > 255) throw new SignetError('ERR_NSEC3_SALT', `NSEC3 salt of ${salt.length} octets is longer than 255`);
}

/** A hasher bound to one salt and iteration count, reusing its scratch buffer across names. */
export interface Nsec3Hasher {
  readonly iterations: number;
  readonly salt: Uint8Array;
  /** The 20-octet hash of `name` (hashed in canonical, lowercased form). */
  hashName(name: Name): Uint8Array;
  /** The hash of a name given as canonical (lowercased, uncompressed) wire bytes. */
  hashWire(canonicalWire: Uint8Array): Uint8Array;
}

export function createNsec3Hasher(iterations: number, salt: Uint8Array): Nsec3Hasher {
  checkNsec3Parameters(iterations, salt);
  const saltCopy = salt.slice();
  // Scratch for "x || salt"; the first round's x is the name (up to 255
  // octets), later rounds' x is the 20-octet digest.
  const scratch = Buffer.alloc(255 + saltCopy.length);
  const tail = Buffer.alloc(NSEC3_HASH_LENGTH + saltCopy.length);
  tail.set(saltCopy, NSEC3_HASH_LENGTH);

  function hashWire(wire: Uint8Array): Uint8Array {
    scratch.set(wire, 0);
    scratch.set(saltCopy, wire.length);
    let digest = hash('sha1', scratch.subarray(0, wire.length + saltCopy.length), 'buffer');
    for (let k = 0; k < iterations; k++) {
      tail.set(digest, 0);
      digest = hash('sha1', tail, 'buffer');
    }
    return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
  }

  return {
    iterations,
    salt: saltCopy,
    hashWire,
    hashName: (name) => hashWire(name.canonical),
  };
}

/** One-off hash of a name; prefer `createNsec3Hasher` for many names. */
export function nsec3Hash(name: Name, iterations: number, salt: Uint8Array): Uint8Array {
  return createNsec3Hasher(iterations, salt).hashName(name);
}
