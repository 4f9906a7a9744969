/**
 * What the verifier reads: RRsets, each with the RRSIGs that cover it. The
 * signer's SignedZone has this shape already (the safety gate passes it as
 * it is); records read from a file are grouped here.
 */
import { equalBytes } from '../core/bytes.ts';
import { ZoneParseError } from '../core/errors.ts';
import { buildRRset, rrsetKey } from '../zone/canonical.ts';
import type { Name } from '../zone/name.ts';
import type { ResourceRecord, RRset } from '../zone/record.ts';
import { RRType } from '../zone/types.ts';

/** An RRset and the RRSIG RDATAs that cover it (empty when unsigned). */
export interface SignedSetInput {
  readonly rrset: RRset;
  readonly signatures: readonly Uint8Array[];
  /**
   * The TTL of each RRSIG record, index for index with `signatures`. Absent
   * when every RRSIG has the RRset's TTL, as in the signer's output
   * (RFC 4034 §3: they MUST be equal).
   */
  readonly signatureTtls?: readonly number[];
}

/** A signed zone to verify. `rrsets` need not be sorted; the signer's output is. */
export interface VerifiableZone {
  readonly origin: Name;
  readonly rrsets: readonly SignedSetInput[];
}

/** An RRSIG whose covered type has no RRset at its owner. */
export interface OrphanSignature {
  readonly owner: Name;
  readonly typeCovered: number;
  readonly rdata: Uint8Array;
}

export interface GroupedZone extends VerifiableZone {
  readonly orphans: readonly OrphanSignature[];
  /** Records whose owner is not at or below the origin; left out. */
  readonly outOfZone: readonly ResourceRecord[];
}

/** The type an RRSIG RDATA covers (RFC 4034 §3.1: its first two octets). */
function typeCovered(rr: ResourceRecord): number {
  if (rr.rdata.length < 18) {
    throw new ZoneParseError('ERR_VERIFY_BAD_RRSIG', `RRSIG RDATA of ${rr.rdata.length} octets is too short`, rr.source ?? { file: '-', line: 1, column: 1 });
  }
  return (rr.rdata[0]! << 8) | rr.rdata[1]!;
}

/**
 * Groups records into RRsets (RFC 2181 §5) and attaches each RRSIG to the
 * RRset of its owner and covered type. Returns them in canonical order
 * (RFC 4034 §6.1 for owners, then type number).
 */
export function groupSignedRecords(records: Iterable<ResourceRecord>, origin: Name): GroupedZone {
  const data = new Map<string, ResourceRecord[]>();
  const sigs = new Map<string, ResourceRecord[]>();
  const outOfZone: ResourceRecord[] = [];
  // Zone files list each RRset's records together, its RRSIGs right after: remembering the last group
  // of each kind finds most records without building a key.
  let lastData: Group | null = null;
  let lastSig: Group | null = null;
  for (const rr of records) {
    const isSig = rr.type === RRType.RRSIG;
    const type = isSig ? typeCovered(rr) : rr.type;
    const last = isSig ? lastSig : lastData;
    if (last !== null && last.type === type && last.cls === rr.class && sameName(last.owner, rr.owner)) {
      last.list.push(rr);
      continue;
    }
    if (!rr.owner.isSubdomainOf(origin)) {
      outOfZone.push(rr);
      continue;
    }
    const key = rrsetKey(rr.owner, type, rr.class);
    const map = isSig ? sigs : data;
    let list = map.get(key);
    if (list) list.push(rr);
    else map.set(key, (list = [rr]));
    const group: Group = { owner: rr.owner, type, cls: rr.class, list };
    if (isSig) lastSig = group;
    else lastData = group;
  }
  const rrsets: SignedSetInput[] = [];
  for (const [key, list] of data) {
    const rrset = buildRRset(list);
    const sigRecords = sigs.get(key);
    sigs.delete(key);
    if (!sigRecords) {
      rrsets.push({ rrset, signatures: [] });
      continue;
    }
    const signatures: Uint8Array[] = [];
    const signatureTtls: number[] = [];
    for (const s of sigRecords) {
      // The same RRSIG written twice in a file is one record (RFC 2181 §5).
      if (signatures.some((x) => equalBytes(x, s.rdata))) continue;
      signatures.push(s.rdata);
      signatureTtls.push(s.ttl);
    }
    rrsets.push({ rrset, signatures, signatureTtls });
  }
  const orphans: OrphanSignature[] = [];
  for (const list of sigs.values()) {
    for (const s of list) orphans.push({ owner: s.owner, typeCovered: typeCovered(s), rdata: s.rdata });
  }
  rrsets.sort(compareSets);
  return { origin, rrsets, orphans, outOfZone };
}

/** Case-insensitive name equality on the labels, without building wire forms (runs once per record). */
function sameName(a: Name, b: Name): boolean {
  if (a === b) return true;
  const x = a.labels;
  const y = b.labels;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) {
    const p = x[i]!;
    const q = y[i]!;
    if (p.length !== q.length) return false;
    for (let j = 0; j < p.length; j++) {
      let c = p[j]!;
      let d = q[j]!;
      if (c >= 0x41 && c <= 0x5a) c += 32;
      if (d >= 0x41 && d <= 0x5a) d += 32;
      if (c !== d) return false;
    }
  }
  return true;
}

interface Group {
  readonly owner: Name;
  readonly type: number;
  readonly cls: number;
  readonly list: ResourceRecord[];
}

/** Canonical order of RRsets: owner (RFC 4034 §6.1), then type number. */
export function compareSets(a: SignedSetInput, b: SignedSetInput): number {
  return a.rrset.owner.compare(b.rrset.owner) || a.rrset.type - b.rrset.type;
}
