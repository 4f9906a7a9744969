/**
 * Private keys as the raw fields BIND's `.private` format holds, in both
 * directions: the EC scalar or EdDSA seed (`PrivateKey:`), or the RSA
 * components (`Modulus:` … `Coefficient:`). The public half is always derived
 * from the private fields here, never taken from a `.key` file, so that a
 * mismatched pair is caught by comparing the two.
 */
import { createECDH, createPrivateKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { SignetError } from '../core/errors.ts';
import { signingAlgorithmInfo, checkKeyType } from '../signer/algorithms.ts';

/** RSA fields in the order BIND writes them. */
export const RSA_FIELDS = ['Modulus', 'PublicExponent', 'PrivateExponent', 'Prime1', 'Prime2', 'Exponent1', 'Exponent2', 'Coefficient'] as const;
const RSA_JWK = ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'] as const;

/** PKCS#8 prefixes for a raw EdDSA seed (RFC 8410 §7): the seed follows directly. */
const EDDSA_PKCS8_PREFIX: Record<string, { prefix: string; length: number }> = {
  Ed25519: { prefix: '302e020100300506032b657004220420', length: 32 },
  Ed448: { prefix: '3047020100300506032b6571043b0439', length: 57 },
};

const EC_FIELD_LENGTH: Record<string, { ecdh: string; length: number }> = {
  'P-256': { ecdh: 'prime256v1', length: 32 },
  'P-384': { ecdh: 'secp384r1', length: 48 },
};

function bad(message: string, cause?: unknown): SignetError {
  return new SignetError('ERR_KEY_MATERIAL', message, { cause });
}

function b64u(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64url');
}

function leftPad(b: Uint8Array, length: number): Uint8Array {
  if (b.length === length) return b;
  if (b.length > length) {
    // Extra leading zero octets are harmless; anything else is a wrong-size key.
    const extra = b.subarray(0, b.length - length);
    if (extra.some((x) => x !== 0)) throw bad(`private key of ${b.length} octets, expected ${length}`);
    return b.subarray(b.length - length);
  }
  const out = new Uint8Array(length);
  out.set(b, length - b.length);
  return out;
}

function toBigInt(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt(`0x${Buffer.from(b).toString('hex')}`);
}

/**
 * OpenSSL signs with the CRT values (p, q, dp, dq, qi) and never looks at d,
 * so a file whose d or n does not belong to them would still "work" and then
 * be exported wrong. Check that all eight values are one key (RFC 8017 §3.2).
 */
function checkRsaComponents([n, e, d, p, q, dp, dq, qi]: bigint[]): void {
  const ok = p! > 1n && q! > 1n && n === p! * q!
    && dp === d! % (p! - 1n) && dq === d! % (q! - 1n)
    && (qi! * q!) % p! === 1n
    && (e! * d!) % (p! - 1n) === 1n && (e! * d!) % (q! - 1n) === 1n;
  if (!ok) throw bad('the RSA private key fields are not one consistent key');
}

/**
 * Builds a private KeyObject from BIND private-key fields (name → raw bytes).
 * ERR_KEY_MATERIAL when a field is missing or the values are not a key.
 */
export function privateKeyFromFields(algorithm: number, fields: ReadonlyMap<string, Uint8Array>): KeyObject {
  const info = signingAlgorithmInfo(algorithm);
  try {
    switch (info.family) {
      case 'rsa': {
        const jwk: Record<string, string> = { kty: 'RSA' };
        const values: bigint[] = [];
        RSA_FIELDS.forEach((name, i) => {
          const v = fields.get(name);
          if (!v || v.length === 0) throw bad(`RSA private key has no ${name}`);
          jwk[RSA_JWK[i]!] = b64u(v);
          values.push(toBigInt(v));
        });
        checkRsaComponents(values);
        return createPrivateKey({ format: 'jwk', key: jwk });
      }
      case 'ecdsa': {
        const raw = fields.get('PrivateKey');
        if (!raw) throw bad('ECDSA private key has no PrivateKey field');
        const c = EC_FIELD_LENGTH[info.curve!]!;
        const d = leftPad(raw, c.length);
        // Derive the public point from the scalar (RFC 6605 §4 keys are P-256/P-384 points).
        const ecdh = createECDH(c.ecdh);
        ecdh.setPrivateKey(d);
        const pub = ecdh.getPublicKey();
        const x = pub.subarray(1, 1 + c.length);
        const y = pub.subarray(1 + c.length);
        return createPrivateKey({ format: 'jwk', key: { kty: 'EC', crv: info.curve!, d: b64u(d), x: b64u(x), y: b64u(y) } });
      }
      case 'eddsa': {
        const seed = fields.get('PrivateKey');
        if (!seed) throw bad('EdDSA private key has no PrivateKey field');
        const p = EDDSA_PKCS8_PREFIX[info.curve!]!;
        if (seed.length !== p.length) throw bad(`${info.mnemonic} private key of ${seed.length} octets, expected ${p.length}`);
        const der = Buffer.concat([Buffer.from(p.prefix, 'hex'), seed]);
        return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
      }
    }
  } catch (e) {
    if (e instanceof SignetError) throw e;
    throw bad(`the ${info.mnemonic} private key fields do not form a valid key`, e);
  }
}

/** The BIND private-key fields of a private KeyObject, in the order BIND writes them. */
export function fieldsFromPrivateKey(algorithm: number, key: KeyObject): [string, Uint8Array][] {
  const info = signingAlgorithmInfo(algorithm);
  if (key.type !== 'private') throw new SignetError('ERR_KEY_TYPE', 'not a private key');
  checkKeyType(info, key);
  const jwk = key.export({ format: 'jwk' }) as Record<string, unknown>;
  const get = (k: string): Uint8Array => {
    const v = jwk[k];
    if (typeof v !== 'string') throw bad(`key has no JWK ${k}`);
    return new Uint8Array(Buffer.from(v, 'base64url'));
  };
  switch (info.family) {
    case 'rsa':
      return RSA_FIELDS.map((name, i) => [name, get(RSA_JWK[i]!)]);
    case 'ecdsa':
      return [['PrivateKey', leftPad(get('d'), EC_FIELD_LENGTH[info.curve!]!.length)]];
    case 'eddsa':
      return [['PrivateKey', get('d')]];
  }
}
