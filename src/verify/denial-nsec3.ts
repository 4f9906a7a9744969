/**
 * The NSEC3 chain (RFC 5155 §7.1, §7.3) and its parameters (RFC 9276).
 *
 * - NSEC3PARAM at the apex, and every NSEC3 with its hash algorithm,
 *   iterations and salt (RFC 5155 §4, §7.3);
 * - each owner is `base32hex(hash).<apex>` with a 20-octet SHA-1 hash, and
 *   each Next Hashed Owner Name is 20 octets (RFC 5155 §3);
 * - the chain, sorted by hash, is closed: each record points at the next
 *   record present, the last at the first (RFC 5155 §3.1.7);
 * - every name that must be covered has an NSEC3 at its hash: the apex,
 *   authoritative names, delegations and the empty non-terminals they imply;
 *   with Opt-Out, insecure delegations (and the empty non-terminals that
 *   exist only because of them) may be left out if the NSEC3 covering their
 *   hash has the Opt-Out flag (RFC 5155 §6, §7.1);
 * - every NSEC3 owner is the hash of such a name (not of glue or occluded
 *   data, not of nothing);
 * - each bitmap lists the types at the original name (RFC 5155 §3.2.1).
 *
 * Names and records are matched by a merge over both lists sorted by hash:
 * one hash per name (which the check cannot avoid) and no string keys.
 */
import { compareBytes, equalBytes, toBase32Hex, toHex } from '../core/bytes.ts';
import { listEmptyNonTerminals } from '../signer/authority.ts';
import { NSEC3_FLAG_OPT_OUT } from '../signer/nsec3.ts';
import { createNsec3Hasher, NSEC3_HASH_LENGTH, NSEC3_HASH_SHA1 } from '../signer/nsec3-hash.ts';
import { decodeNsec3, decodeNsec3Param } from '../zone/dnssec-rdata.ts';
import type { Nsec3Data, Nsec3ParamData } from '../zone/dnssec-rdata.ts';
import type { Name } from '../zone/name.ts';
import { RRType, typeToString } from '../zone/types.ts';
import { describeDiff } from './denial-nsec.ts';
import type { FindingCollector } from './finding.ts';
import type { SignedSetInput } from './input.ts';
import { diffTypes, expectedBitmap, isInChain } from './structure.ts';
import type { ZoneStructure } from './structure.ts';

interface Record3 {
  readonly hash: Uint8Array;
  readonly owner: Name;
  readonly data: Nsec3Data;
}

interface Covered {
  readonly hash: Uint8Array;
  readonly name: Name;
  readonly types: readonly number[];
  /** May be left out under Opt-Out: an insecure delegation, or an empty non-terminal above only those. */
  readonly optional: boolean;
}

/** RFC 9276 §3.2: validators may treat higher counts as insecure or bogus. */
const ITERATIONS_RESOLVERS_REJECT = 100;

export function checkNsec3Chain(z: ZoneStructure, findings: FindingCollector): void {
  const origin = z.origin;
  const params = chainParameters(z, findings);
  if (params === null) return;
  if (!adviseParameters(origin, params, findings)) return;

  // The records of the chain, checked one by one.
  const records: Record3[] = [];
  for (const set of z.nsec3) {
    const r = readRecord(set, origin, params, findings);
    if (r !== null) records.push(r);
  }
  records.sort(byHash);
  const optOut = records.filter((r) => (r.data.flags & NSEC3_FLAG_OPT_OUT) !== 0).length;
  if (optOut > 0 && optOut < records.length) {
    findings.add('NSEC3_OPT_OUT_INCONSISTENT', 'warning', origin, RRType.NSEC3,
      `${optOut} of ${records.length} NSEC3 records have the Opt-Out flag: sign with Opt-Out on or off for the whole chain`);
  }

  // The names the chain must (or may) cover, by hash, matched against the records.
  const hasher = createNsec3Hasher(params.iterations, params.salt);
  const covered = coveredNames(z, hasher.hashName);
  covered.sort(byHash);
  const unmatched: Record3[] = [];
  const missingHashes: Uint8Array[] = [];
  let r = 0;
  for (const c of covered) {
    while (r < records.length && compareBytes(records[r]!.hash, c.hash) < 0) unmatched.push(records[r++]!);
    const rec = records[r];
    if (rec !== undefined && equalBytes(rec.hash, c.hash)) {
      r++;
      checkBitmap(c, rec, findings);
      continue;
    }
    if (missingName(c, records, r, optOut > 0, findings)) missingHashes.push(c.hash);
  }
  while (r < records.length) unmatched.push(records[r++]!);
  if (unmatched.length > 0) reportUnmatched(z, unmatched, hasher.hashName, findings);

  // Closed and ordered: each Next Hashed Owner Name is the next record present (RFC 5155 §3.1.7), or
  // the hash of a name whose NSEC3 is missing before it (right until that record went: reported above).
  for (let i = 0; i < records.length; i++) {
    const rec = records[i]!;
    const successor = records[(i + 1) % records.length]!;
    const next = rec.data.nextHashed;
    if (equalBytes(next, successor.hash)) continue;
    const wraps = i === records.length - 1;
    const between = wraps
      ? compareBytes(next, rec.hash) > 0 || compareBytes(next, successor.hash) < 0
      : compareBytes(next, rec.hash) > 0 && compareBytes(next, successor.hash) < 0;
    if (between && missingHashes.some((h) => equalBytes(h, next))) continue;
    const nextText = toBase32Hex(next);
    const present = records.some((x) => equalBytes(x.hash, next));
    findings.add('NSEC3_CHAIN_GAP', 'critical', rec.owner, RRType.NSEC3,
      present
        ? `the NSEC3 at ${rec.owner.toString()} points to ${nextText}, skipping the NSEC3 at ${toBase32Hex(successor.hash)}, so resolvers get wrong denials: re-sign the zone`
        : `the NSEC3 at ${rec.owner.toString()} points to ${nextText}, where there is no NSEC3, so the chain is broken: re-sign the zone`,
      { next: nextText, expected: toBase32Hex(successor.hash) });
  }
}

/** The chain's parameters: the apex NSEC3PARAM, or the first NSEC3 when there is none (reported). */
function chainParameters(z: ZoneStructure, findings: FindingCollector): Nsec3ParamData | null {
  const param = z.apex.get(RRType.NSEC3PARAM);
  if (param !== undefined) {
    try {
      return decodeNsec3Param(param.rrset.rdatas[0]!);
    } catch {
      findings.add('NSEC3PARAM_MISMATCH', 'critical', z.origin, RRType.NSEC3PARAM, 'the NSEC3PARAM record is malformed: re-sign the zone');
    }
  } else {
    findings.add('NSEC3PARAM_MISSING', 'critical', z.origin, RRType.NSEC3PARAM,
      'the zone has NSEC3 records but no NSEC3PARAM at the apex, so name servers cannot find the chain to answer denials: re-sign the zone');
  }
  for (const set of z.nsec3) {
    try {
      const n = decodeNsec3(set.rrset.rdatas[0]!);
      return { hashAlgorithm: n.hashAlgorithm, flags: 0, iterations: n.iterations, salt: n.salt };
    } catch {
      // the record is reported when the chain is read
    }
  }
  return null;
}

/**
 * The chain's parameters as validators see them (also judged live, on each
 * server's NSEC3PARAM, by src/check/nsec3param.ts). False when the hash
 * algorithm is not SHA-1 (RFC 5155 §11, the one defined): validators treat
 * the zone as unsigned and nothing can be hashed to check the chain; else
 * RFC 9276 §3.1: iterations 0 and no salt.
 */
export function adviseParameters(origin: Name, p: Nsec3ParamData, findings: FindingCollector): boolean {
  if (p.hashAlgorithm !== NSEC3_HASH_SHA1) {
    findings.add('UNSUPPORTED_NSEC3_ALGORITHM', 'warning', origin, RRType.NSEC3PARAM,
      `NSEC3 hash algorithm ${p.hashAlgorithm} is unknown to validators, which treat the zone as unsigned: use hash algorithm 1 (SHA-1)`);
    return false;
  }
  if (p.iterations > 0) {
    const risk = p.iterations > ITERATIONS_RESOLVERS_REJECT ? ', and many validators treat so many as insecure or fail' : '';
    findings.add('NONZERO_NSEC3_ITERATION_COUNT', 'warning', origin, RRType.NSEC3PARAM,
      `NSEC3 uses ${p.iterations} extra iteration${p.iterations === 1 ? "" : "s"}, which cost resolvers work and add no protection${risk}: re-sign with nsec3-iterations 0 (RFC 9276)`,
      { iterations: p.iterations });
  }
  if (p.salt.length > 0) {
    findings.add('NONEMPTY_NSEC3_SALT', 'warning', origin, RRType.NSEC3PARAM,
      `NSEC3 uses a salt (${toHex(p.salt)}), which adds no protection: re-sign with nsec3-salt - (RFC 9276)`, { salt: toHex(p.salt) });
  }
  return true;
}

function readRecord(set: SignedSetInput, origin: Name, params: Nsec3ParamData, findings: FindingCollector): Record3 | null {
  const owner = set.rrset.owner;
  let data: Nsec3Data;
  try {
    data = decodeNsec3(set.rrset.rdatas[0]!);
  } catch {
    findings.add('INVALID_NSEC3_HASH', 'critical', owner, RRType.NSEC3, `the NSEC3 at ${owner.toString()} is malformed: re-sign the zone`);
    return null;
  }
  // RFC 5155 §7.3: every NSEC3 of the chain has the NSEC3PARAM's algorithm, iterations and salt.
  if (data.hashAlgorithm !== params.hashAlgorithm || data.iterations !== params.iterations || !equalBytes(data.salt, params.salt)) {
    findings.add('NSEC3PARAM_MISMATCH', 'critical', owner, RRType.NSEC3,
      `the NSEC3 at ${owner.toString()} has hash algorithm ${data.hashAlgorithm}, ${data.iterations} iterations and salt ${saltText(data.salt)}, but NSEC3PARAM says ${params.hashAlgorithm}, ${params.iterations} and ${saltText(params.salt)}: re-sign the zone with one set of parameters`);
    return null;
  }
  // RFC 5155 §3: the owner is one label, base32hex of the hash, directly below the apex.
  const hash = owner.labelCount === origin.labelCount + 1 && owner.isSubdomainOf(origin) ? decodeHashLabel(owner.labels[0]!) : null;
  if (hash === null) {
    findings.add('INVALID_NSEC3_OWNER_NAME', 'critical', owner, RRType.NSEC3,
      `the NSEC3 owner ${owner.toString()} is not the base32hex form of a hash directly below the apex: re-sign the zone`);
    return null;
  }
  if (data.nextHashed.length !== NSEC3_HASH_LENGTH) {
    findings.add('INVALID_NSEC3_HASH', 'critical', owner, RRType.NSEC3,
      `the NSEC3 at ${owner.toString()} has a Next Hashed Owner Name of ${data.nextHashed.length} octets, not ${NSEC3_HASH_LENGTH}: re-sign the zone`);
    return null;
  }
  return { hash, owner, data };
}

/** Sorts by hash; Buffer.compare is the native memcmp, several times faster than a JS loop on 20-octet keys. */
function byHash(a: { readonly hash: Uint8Array }, b: { readonly hash: Uint8Array }): number {
  return Buffer.compare(a.hash, b.hash);
}

/** base32hex digit values by ASCII code, either case (RFC 4648 §7); -1 for anything else. */
const BASE32HEX_VALUE: Int8Array = (() => {
  const t = new Int8Array(128).fill(-1);
  const digits = '0123456789abcdefghijklmnopqrstuv';
  for (let i = 0; i < 32; i++) {
    t[digits.charCodeAt(i)] = i;
    t[digits.toUpperCase().charCodeAt(i)] = i;
  }
  return t;
})();

/**
 * The hash an NSEC3 owner label spells: 32 base32hex digits for 20 octets,
 * decoded from the label bytes without a string; null when it is not one.
 */
function decodeHashLabel(label: Uint8Array): Uint8Array | null {
  if (label.length * 5 !== NSEC3_HASH_LENGTH * 8) return null;
  const out = new Uint8Array(NSEC3_HASH_LENGTH);
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < label.length; i++) {
    const c = label[i]!;
    const v = c < 128 ? BASE32HEX_VALUE[c]! : -1;
    if (v < 0) return null;
    acc = ((acc << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

function saltText(salt: Uint8Array): string {
  return salt.length === 0 ? '-' : toHex(salt);
}

/** Every name the chain covers, with its hash and expected bitmap (RFC 5155 §7.1). */
function coveredNames(z: ZoneStructure, hash: (n: Name) => Uint8Array): Covered[] {
  const members = z.owners.filter(isInChain);
  const isInsecureDelegation = (o: (typeof members)[number]) => o.kind === 'delegation' && !o.hasDs;
  const out: Covered[] = members.map((o) => ({ hash: hash(o.name), name: o.name, types: expectedBitmap(o, 'nsec3'), optional: isInsecureDelegation(o) }));
  // RFC 5155 §7.1: empty non-terminals have NSEC3s too (empty bitmap), except those implied only by opted-out delegations.
  const all = listEmptyNonTerminals(members.map((o) => o.name), z.origin);
  const required = listEmptyNonTerminals(members.filter((o) => !isInsecureDelegation(o)).map((o) => o.name), z.origin);
  let q = 0;
  const none: readonly number[] = [];
  for (const ent of all) {
    while (q < required.length && required[q]!.compare(ent) < 0) q++;
    const isRequired = q < required.length && required[q]!.equals(ent);
    out.push({ hash: hash(ent), name: ent, types: none, optional: !isRequired });
  }
  return out;
}

function checkBitmap(c: Covered, rec: Record3, findings: FindingCollector): void {
  const { missing, extra } = diffTypes(c.types, rec.data.types);
  if (missing.length === 0 && extra.length === 0) return;
  findings.add('NSEC3_BAD_BITMAP', 'critical', rec.owner, RRType.NSEC3,
    `the NSEC3 for ${c.name.toString()} (at ${rec.owner.toString()}) ${describeDiff(missing, extra)}, so resolvers can be told that existing data does not exist: re-sign the zone`,
    { name: c.name.toString(), missing: missing.map(typeToString).join(' '), extra: extra.map(typeToString).join(' ') });
}

/**
 * A covered name without an NSEC3 at its hash; `r` is where its hash would
 * sort among `records`. Returns true when that is a fault (reported), false
 * when Opt-Out allows it.
 */
function missingName(c: Covered, records: readonly Record3[], r: number, zoneUsesOptOut: boolean, findings: FindingCollector): boolean {
  const at = toBase32Hex(c.hash);
  if (c.optional && records.length > 0) {
    // The NSEC3 that covers the hash: the last one before it, or the last of the chain when it sorts first.
    const cover = records[r === 0 ? records.length - 1 : r - 1]!;
    if ((cover.data.flags & NSEC3_FLAG_OPT_OUT) !== 0) return false;
    if (zoneUsesOptOut) {
      findings.add('OPT_OUT_FLAG_NOT_SET', 'critical', c.name, RRType.NSEC3,
        `${c.name.toString()} is left out of the chain, but the NSEC3 covering its hash (${cover.owner.toString()}) has no Opt-Out flag, so resolvers are told the delegation does not exist: re-sign the zone`,
        { hash: at });
      return true;
    }
  }
  findings.add('NSEC3_CHAIN_GAP', 'critical', c.name, RRType.NSEC3,
    `${c.name.toString()} has no NSEC3 (its hash is ${at}), so resolvers can be told it does not exist: re-sign the zone`,
    { hash: at });
  return true;
}

/** NSEC3 records at the hash of no covered name: glue or occluded data (unexpected), or of nothing (bad hash). */
function reportUnmatched(z: ZoneStructure, unmatched: readonly Record3[], hash: (n: Name) => Uint8Array, findings: FindingCollector): void {
  const outside = z.owners.filter((o) => !isInChain(o)).map((o) => ({ hash: hash(o.name), name: o.name, kind: o.kind }));
  for (const rec of unmatched) {
    const hit = outside.find((x) => equalBytes(x.hash, rec.hash));
    if (hit !== undefined) {
      findings.add('NSEC3_UNEXPECTED_OWNER', 'warning', rec.owner, RRType.NSEC3,
        `the NSEC3 at ${rec.owner.toString()} stands for ${hit.name.toString()}, which is ${hit.kind === 'glue' ? 'glue below a delegation' : 'occluded by a DNAME'} and belongs in no chain (RFC 5155 §7.1): re-sign the zone`,
        { name: hit.name.toString() });
      continue;
    }
    findings.add('NSEC3_BAD_HASH', 'critical', rec.owner, RRType.NSEC3,
      `the NSEC3 owner ${rec.owner.toString()} is not the hash of any name in the zone, so the chain denies names wrongly: re-sign the zone`,
      { hash: toBase32Hex(rec.hash) });
  }
}
