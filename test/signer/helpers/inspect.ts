/**
 * Test helpers over signer output: RRSIG verification rebuilt from the RFC
 * (independent of src/signer/rrsig.ts), NSEC/NSEC3 RDATA in presentation
 * form, and a whole signed zone as text (RFC 3597 generic RDATA) for
 * feeding external verifiers while debugging.
 */
import { toBase32Hex, toHex } from '../../../src/core/bytes.ts';
import { verifySignature } from '../../../src/signer/verify-signature.ts';
import type { SignedZone } from '../../../src/signer/sign-zone.ts';
import { encodeRRsetForSigning } from '../../../src/zone/canonical.ts';
import { decodeDnskey, decodeNsec, decodeNsec3, decodeRrsig } from '../../../src/zone/dnssec-rdata.ts';
import { Name } from '../../../src/zone/name.ts';
import type { RRset } from '../../../src/zone/record.ts';
import { classToString, typeToString } from '../../../src/zone/types.ts';
import { computeKeyTag } from '../../../src/signer/keytag.ts';

/** NSEC3 RDATA as `alg flags iter salt next TYPES...` (salt `-` when empty). */
export function presentNsec3(rdata: Uint8Array): string {
  const n = decodeNsec3(rdata);
  const salt = n.salt.length === 0 ? '-' : toHex(n.salt);
  return [n.hashAlgorithm, n.flags, n.iterations, salt, toBase32Hex(n.nextHashed), ...n.types.map(typeToString)].join(' ');
}

/** NSEC RDATA as `next TYPES...`. */
export function presentNsec(rdata: Uint8Array): string {
  const n = decodeNsec(rdata);
  return [n.nextName.toString(), ...n.types.map(typeToString)].join(' ');
}

/**
 * Verifies one RRSIG over `rrset` with the DNSKEY (from `dnskeys`) whose tag
 * and algorithm it names, rebuilding the signed data per RFC 4035 §5.3.2
 * (wildcard owners from the Labels field).
 */
export function verifyRrsig(rrset: RRset, rrsigRdata: Uint8Array, dnskeys: readonly Uint8Array[]): boolean {
  const sig = decodeRrsig(rrsigRdata);
  const key = dnskeys.find((k) => computeKeyTag(k) === sig.keyTag && k[3] === sig.algorithm);
  if (!key) return false;
  const labels = rrset.owner.labels;
  const owner = sig.labels < labels.length
    ? Name.fromLabels([Uint8Array.of(0x2a), ...labels.slice(labels.length - sig.labels)])
    : rrset.owner;
  const header = rrsigRdata.subarray(0, rrsigRdata.length - sig.signature.length);
  const body = encodeRRsetForSigning(owner.canonical, rrset, sig.originalTtl);
  const data = new Uint8Array(header.length + body.length);
  data.set(header, 0);
  data.set(body, header.length);
  return verifySignature(sig.algorithm, decodeDnskey(key).publicKey, data, sig.signature);
}

/** The whole signed zone as master-file text, RDATA in RFC 3597 generic form. */
export function presentSignedZone(signed: SignedZone): string {
  const lines: string[] = [];
  const line = (rrset: RRset, type: number, rdata: Uint8Array) =>
    lines.push(`${rrset.owner.toString()} ${rrset.ttl} ${classToString(rrset.class)} ${typeToString(type)} \\# ${rdata.length} ${toHex(rdata)}`);
  for (const { rrset, signatures } of signed.rrsets) {
    for (const rdata of rrset.rdatas) line(rrset, rrset.type, rdata);
    for (const s of signatures) line(rrset, 46, s);
  }
  return lines.join('\n') + '\n';
}
