/**
 * The zone's apex DNSKEY RRset as the verifier uses it: keys indexed by
 * (algorithm, key tag) for RRSIG lookup, and the set of algorithms every
 * RRset must be signed with (RFC 4035 §2.2).
 *
 * RFC 4035 §5.3.1: the key an RRSIG names must be in the apex DNSKEY RRset,
 * with protocol 3 and the Zone Key flag set. Other DNSKEYs in the set are
 * kept (a DS or CDS may name one) but never validate a signature.
 */
import { algorithmInfo, isVerifiableAlgorithm, publicKeyFromDnskey } from '../signer/algorithms.ts';
import { computeKeyTag } from '../signer/keytag.ts';
import { DNSKEY_FLAG_REVOKE, DNSKEY_FLAG_SEP, DNSKEY_FLAG_ZONE } from '../zone/dnssec-rdata.ts';
import type { Name } from '../zone/name.ts';
import { RRType } from '../zone/types.ts';
import type { FindingCollector } from './finding.ts';

export interface ZoneKey {
  /** The DNSKEY RDATA as published. */
  readonly rdata: Uint8Array;
  readonly flags: number;
  readonly algorithm: number;
  readonly keyTag: number;
  /** The Public Key field (a view into `rdata`). */
  readonly publicKey: Uint8Array;
  /** Zone Key flag set and protocol 3: may validate RRSIGs (RFC 4035 §5.3.1). */
  readonly zoneKey: boolean;
  readonly sep: boolean;
  readonly revoked: boolean;
  /** signet can check signatures of this key (known algorithm, readable key). */
  readonly verifiable: boolean;
}

export class KeySet {
  readonly keys: readonly ZoneKey[];
  /** Algorithms of the zone keys: each RRset needs an RRSIG of each (RFC 4035 §2.2). */
  readonly algorithms: readonly number[];
  private readonly index = new Map<number, ZoneKey[]>();

  constructor(keys: readonly ZoneKey[]) {
    this.keys = keys;
    const algorithms = new Set<number>();
    for (const k of keys) {
      if (!k.zoneKey) continue;
      algorithms.add(k.algorithm);
      const id = (k.algorithm << 16) | k.keyTag;
      const list = this.index.get(id);
      if (list) list.push(k);
      else this.index.set(id, [k]);
    }
    this.algorithms = [...algorithms].sort((a, b) => a - b);
  }

  /** Zone keys with this algorithm and tag (usually one; tags can collide). */
  lookup(algorithm: number, keyTag: number): readonly ZoneKey[] | undefined {
    return this.index.get((algorithm << 16) | keyTag);
  }

  hasAlgorithm(algorithm: number): boolean {
    return this.algorithms.includes(algorithm);
  }
}

/** Algorithm mnemonic for messages ("13 (ECDSAP256SHA256)"), or just the number when unknown. */
export function describeAlgorithm(algorithm: number): string {
  if (!isVerifiableAlgorithm(algorithm)) return String(algorithm);
  return `${algorithm} (${algorithmInfo(algorithm).mnemonic})`;
}

/**
 * Builds the key set from the apex DNSKEY RDATAs, reporting keys that
 * cannot be read. Keys of algorithms signet does not know are kept (their
 * signatures are counted, not checked).
 */
export function buildKeySet(rdatas: readonly Uint8Array[], origin: Name, findings: FindingCollector): KeySet {
  const keys: ZoneKey[] = [];
  for (const rdata of rdatas) {
    if (rdata.length < 5) {
      findings.add('DNSKEY_MALFORMED', 'warning', origin, RRType.DNSKEY, `a DNSKEY of ${rdata.length} octets has no public key: remove it from the zone`);
      continue;
    }
    const flags = (rdata[0]! << 8) | rdata[1]!;
    const protocol = rdata[2]!;
    const algorithm = rdata[3]!;
    let keyTag: number;
    try {
      keyTag = computeKeyTag(rdata);
    } catch {
      // RSAMD5 (algorithm 1): its tag follows another rule and RFC 8624 §3.1 forbids it; it validates nothing.
      findings.add('ALGORITHM_NOT_SUPPORTED', 'warning', origin, RRType.DNSKEY, 'the DNSKEY RRset holds an algorithm 1 (RSAMD5) key, which must not be used (RFC 8624): remove it', { algorithm });
      continue;
    }
    const publicKey = rdata.subarray(4);
    let verifiable = isVerifiableAlgorithm(algorithm);
    if (verifiable) {
      try {
        publicKeyFromDnskey(algorithm, publicKey);
      } catch {
        verifiable = false;
        findings.add('DNSKEY_MALFORMED', 'warning', origin, RRType.DNSKEY,
          `the DNSKEY with tag ${keyTag} is not a valid algorithm ${describeAlgorithm(algorithm)} public key: replace it with the key's correct DNSKEY record`,
          { keyTag, algorithm });
      }
    }
    keys.push({
      rdata,
      flags,
      algorithm,
      keyTag,
      publicKey,
      zoneKey: (flags & DNSKEY_FLAG_ZONE) !== 0 && protocol === 3,
      sep: (flags & DNSKEY_FLAG_SEP) !== 0,
      revoked: (flags & DNSKEY_FLAG_REVOKE) !== 0,
      verifiable,
    });
  }
  return new KeySet(keys);
}
