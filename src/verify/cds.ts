/**
 * CDS and CDNSKEY (RFC 7344, RFC 8078): what the zone asks its parent to
 * publish as DS. A parent that polls them acts on what it finds, so a CDS
 * that names no key of the zone, or none that signs the DNSKEY RRset, is an
 * outage waiting for the next poll: critical.
 *
 * Rules checked:
 * - each CDS matches a DNSKEY of the zone by tag, algorithm and digest, and
 *   each CDNSKEY is a DNSKEY of the zone (RFC 7344 §3, §4);
 * - the delete form ("0 0 0 00" / "0 3 0 AA==") stands alone (RFC 8078 §4);
 * - at least one named key signs the DNSKEY RRset, or the parent's new DS
 *   set would lead nowhere;
 * - CDS and CDNSKEY, when both present, name the same keys (RFC 7344 §4);
 * - they are signed by a key that the parent's DS designates, or without
 *   anchors by a SEP key (RFC 7344 §4.1).
 */
import { equalBytes } from '../core/bytes.ts';
import { computeDs, isSupportedDsDigestType } from '../signer/ds.ts';
import { decodeDs } from '../zone/dnssec-rdata.ts';
import type { Name } from '../zone/name.ts';
import { RRType } from '../zone/types.ts';
import type { FindingCollector } from './finding.ts';
import { describeAlgorithm } from './keys.ts';
import type { KeySet, ZoneKey } from './keys.ts';

const CDS_DELETE = Uint8Array.of(0, 0, 0, 0, 0);
const CDNSKEY_DELETE = Uint8Array.of(0, 0, 3, 0, 0);

export interface CdsInput {
  /** CDS RDATAs at the apex, or null when there is no CDS RRset. */
  readonly cds: readonly Uint8Array[] | null;
  readonly cdnskey: readonly Uint8Array[] | null;
  /** Keys whose RRSIGs over the CDS / CDNSKEY RRsets are valid now. */
  readonly cdsSigners: readonly ZoneKey[];
  readonly cdnskeySigners: readonly ZoneKey[];
}

export function checkCds(origin: Name, keys: KeySet, input: CdsInput, dnskeySigners: readonly ZoneKey[], ksks: readonly ZoneKey[], findings: FindingCollector): void {
  const fromCds = input.cds === null ? null : checkCdsSet(origin, keys, input.cds, dnskeySigners, findings);
  const fromCdnskey = input.cdnskey === null ? null : checkCdnskeySet(origin, keys, input.cdnskey, dnskeySigners, findings);
  if (fromCds !== null && fromCdnskey !== null && !sameKeys(fromCds, fromCdnskey)) {
    findings.add('CDS_CDNSKEY_INCONSISTENT', 'warning', origin, RRType.CDS,
      `the CDS RRset names keys ${tags(fromCds)} but the CDNSKEY RRset names ${tags(fromCdnskey)}: publish both for the same keys`);
  }
  if (input.cds !== null) checkSignedByKsk(origin, RRType.CDS, input.cdsSigners, ksks, findings);
  if (input.cdnskey !== null) checkSignedByKsk(origin, RRType.CDNSKEY, input.cdnskeySigners, ksks, findings);
}

/** Keys named by the CDS RRset; null for the delete form. */
function checkCdsSet(origin: Name, keys: KeySet, rdatas: readonly Uint8Array[], dnskeySigners: readonly ZoneKey[], findings: FindingCollector): ZoneKey[] | null {
  if (rdatas.some((r) => equalBytes(r, CDS_DELETE))) {
    if (rdatas.length > 1) {
      findings.add('CDS_MISMATCH', 'critical', origin, RRType.CDS,
        'the CDS RRset mixes the delete form (0 0 0 00) with other records, so the parent cannot tell what to do: publish the delete form alone, or only real CDS records');
    }
    return null;
  }
  const named: ZoneKey[] = [];
  for (const rdata of rdatas) {
    if (rdata.length < 5) {
      findings.add('CDS_MISMATCH', 'critical', origin, RRType.CDS, 'a CDS record is truncated: republish the CDS RRset from the DNSKEY set');
      continue;
    }
    const ds = decodeDs(rdata);
    const details = { keyTag: ds.keyTag, algorithm: ds.algorithm, digestType: ds.digestType };
    const digestType = ds.digestType;
    if (!isSupportedDsDigestType(digestType)) {
      findings.add('DIGEST_ALGORITHM_NOT_SUPPORTED', 'warning', origin, RRType.CDS,
        `the CDS with tag ${ds.keyTag} uses digest type ${ds.digestType}, which signet cannot check: use digest type 2 (SHA-256)`, details);
      continue;
    }
    const key = keys.keys.find((k) => k.algorithm === ds.algorithm && k.keyTag === ds.keyTag && equalBytes(computeDs(origin, k.rdata, digestType).digest, ds.digest));
    if (key === undefined) {
      findings.add('CDS_MISMATCH', 'critical', origin, RRType.CDS,
        `the CDS with tag ${ds.keyTag} (algorithm ${describeAlgorithm(ds.algorithm)}) matches no DNSKEY in the zone, and a parent that acts on it would publish a DS that breaks the zone: publish CDS records computed from the current keys`,
        details);
      continue;
    }
    if (!named.includes(key)) named.push(key);
  }
  requireSigningKey(origin, RRType.CDS, 'CDS_MISMATCH', named, dnskeySigners, findings);
  return named;
}

/** Keys named by the CDNSKEY RRset; null for the delete form. */
function checkCdnskeySet(origin: Name, keys: KeySet, rdatas: readonly Uint8Array[], dnskeySigners: readonly ZoneKey[], findings: FindingCollector): ZoneKey[] | null {
  if (rdatas.some((r) => equalBytes(r, CDNSKEY_DELETE))) {
    if (rdatas.length > 1) {
      findings.add('CDNSKEY_MISMATCH', 'critical', origin, RRType.CDNSKEY,
        'the CDNSKEY RRset mixes the delete form (0 3 0 AA==) with other records: publish the delete form alone, or only real CDNSKEY records');
    }
    return null;
  }
  const named: ZoneKey[] = [];
  for (const rdata of rdatas) {
    // RFC 7344 §3.2: CDNSKEY RDATA is that of the DNSKEY it asks the parent to trust.
    const key = keys.keys.find((k) => equalBytes(k.rdata, rdata));
    if (key === undefined) {
      findings.add('CDNSKEY_MISMATCH', 'critical', origin, RRType.CDNSKEY,
        'a CDNSKEY record is not a DNSKEY of the zone, and a parent that acts on it would publish a DS that breaks the zone: publish CDNSKEY records copied from the current keys');
      continue;
    }
    if (!named.includes(key)) named.push(key);
  }
  requireSigningKey(origin, RRType.CDNSKEY, 'CDNSKEY_MISMATCH', named, dnskeySigners, findings);
  return named;
}

function requireSigningKey(origin: Name, type: number, code: 'CDS_MISMATCH' | 'CDNSKEY_MISMATCH', named: readonly ZoneKey[], dnskeySigners: readonly ZoneKey[], findings: FindingCollector): void {
  if (named.length === 0 || dnskeySigners.length === 0) return;
  if (!named.some((k) => dnskeySigners.includes(k))) {
    findings.add(code, 'critical', origin, type,
      `the ${type === RRType.CDS ? 'CDS' : 'CDNSKEY'} RRset names only keys ${tags(named)}, none of which signs the DNSKEY RRset, so a parent acting on it would break the zone: include the active KSK`);
  }
}

function checkSignedByKsk(origin: Name, type: number, signers: readonly ZoneKey[], ksks: readonly ZoneKey[], findings: FindingCollector): void {
  // With no valid signature at all the signature checks have already said so.
  if (signers.length === 0 || ksks.length === 0) return;
  if (!signers.some((k) => ksks.includes(k))) {
    findings.add('CDS_NOT_SIGNED_BY_KSK', 'warning', origin, type,
      `the ${type === RRType.CDS ? 'CDS' : 'CDNSKEY'} RRset is signed only by keys ${tags(signers)}, not by a key the parent's DS designates, so RFC 7344 parents will ignore it: sign it with the KSK`);
  }
}

function sameKeys(a: readonly ZoneKey[], b: readonly ZoneKey[]): boolean {
  return a.length === b.length && a.every((k) => b.includes(k));
}

function tags(keys: readonly ZoneKey[]): string {
  return keys.map((k) => String(k.keyTag)).join(', ') || '(none)';
}
