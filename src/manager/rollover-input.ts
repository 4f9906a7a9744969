/**
 * The zone's unsigned input as the manager needs it: the parsed zone, a
 * digest of its data (to re-sign only when it changed, whatever file or
 * $INCLUDE the change came from), its largest TTL (the engine's
 * `zone-ttls` observation: every wait that depends on cached zone data uses
 * it) and its SOA serial.
 *
 * Two forms. A small zone is parsed into RRset objects (src/zone/load.ts)
 * for the in-memory signer, whose safety gate verifies every signature. A
 * large one (its file above `streamAboveBytes`) is read into a CompactZone
 * (src/signer/parallel/fast-load.ts: the same zone rules and messages, a
 * fraction of the memory) for the streaming signer. Both give the same
 * digest for the same data, so a zone that grows past the line is not
 * signed again for that alone.
 *
 * A large input whose bytes are those the published zone was made from
 * (published_files, schema 3: same SHA-256, no $INCLUDE) is not read at
 * all: its digest, largest TTL and serial are the recorded ones, and the
 * streaming signer reads the file only if it has to sign from it.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { digestFile } from '../io/file-digest.ts';
import type { PublishedFilesRow, ZoneRow } from '../keystore/types.ts';
import { compactSoaSerial, digestCompactZone, type CompactZone } from '../signer/parallel/compact-zone.ts';
import { loadCompactZone } from '../signer/parallel/fast-load.ts';
import { SignetError } from '../core/errors.ts';
import { loadZone } from '../zone/load.ts';
import { Name } from '../zone/name.ts';
import { RRType } from '../zone/types.ts';
import type { Zone, ZoneWarning } from '../zone/zone.ts';

/**
 * Input files from this size up are signed by the streaming signer: about
 * 20,000 signatures (some 15 octets of zone text make one), where worker
 * threads start to pay for themselves (sign-parallel.ts).
 */
export const STREAM_ABOVE_BYTES = 300_000;

export interface ZoneInput {
  /** The parsed zone, for the in-memory signer; null for a large zone. */
  zone: Zone | null;
  /** A large zone in compact form, for the streaming signer; null when `zone` holds it, or when the input was known and not read. */
  compact: CompactZone | null;
  /** Whether this is a large zone (the streaming signer's). */
  large: boolean;
  /** SHA-256 of a large input file's bytes, null when it has $INCLUDE (or is small). */
  sha256: string | null;
  /** SHA-256 (hex) over every RRset in canonical form: owner, type, class, TTL, RDATA. */
  digest: string;
  /**
   * The largest TTL in the input. The signer's own RRsets (NSEC/NSEC3 at the
   * SOA minimum, RFC 9077) are never above the SOA TTL, which is counted here;
   * the DNSKEY TTL is added by the engine (ttlsInForce).
   */
  maxTtl: number;
  /** The SOA serial as written in the input. */
  serial: number;
  /** What the input does that works but deserves a look (TTL mismatches), with FILE:LINE. */
  warnings: string[];
}

export function digestZone(zone: Zone): { digest: string; maxTtl: number } {
  const hash = createHash('sha256');
  const header = Buffer.alloc(10);
  let maxTtl = 0;
  for (const set of zone.rrsets) {
    if (set.ttl > maxTtl) maxTtl = set.ttl;
    hash.update(set.owner.canonical);
    header.writeUInt16BE(set.type, 0);
    header.writeUInt16BE(set.class, 2);
    header.writeUInt32BE(set.ttl, 4);
    header.writeUInt16BE(set.canonicalRdatas.length, 8);
    hash.update(header);
    for (const rdata of set.canonicalRdatas) {
      header.writeUInt16BE(rdata.length, 0);
      hash.update(header.subarray(0, 2));
      hash.update(rdata);
    }
  }
  return { digest: hash.digest('hex'), maxTtl };
}

/** SOA serial of a parsed zone (the SOA RDATA holds it after the two names). */
function soaSerial(input: Zone): number {
  const soa = input.rrsets.find((r) => r.type === RRType.SOA);
  const rdata = soa?.rdatas[0];
  if (!rdata) throw new SignetError('ERR_ZONE_NO_SOA', 'the zone has no SOA record');
  let off = Name.fromWire(rdata, 0).end;
  off = Name.fromWire(rdata, off).end;
  return new DataView(rdata.buffer, rdata.byteOffset, rdata.byteLength).getUint32(off);
}

function warningLines(warnings: readonly ZoneWarning[]): string[] {
  return warnings.map((w) => (w.position ? `${w.position.file}:${w.position.line}: ${w.message}` : w.message));
}

export interface LoadInputOptions {
  /** Files of at least this many octets load in compact form (default STREAM_ABOVE_BYTES). */
  readonly streamAboveBytes?: number;
  /** What the published signed zone was made from, when known. */
  readonly published?: PublishedFilesRow | null;
}

/** Loads and digests the zone's input file (ZoneParseError with FILE:LINE on bad input). */
export async function loadZoneInput(zone: ZoneRow, options: LoadInputOptions = {}): Promise<ZoneInput> {
  const origin = Name.parse(zone.name);
  const size = statSync(zone.input, { throwIfNoEntry: false })?.size ?? 0;
  if (size >= (options.streamAboveBytes ?? STREAM_ABOVE_BYTES)) {
    const file = await digestFile(zone.input);
    const sha256 = file.hasInclude ? null : file.sha256;
    const known = options.published ?? null;
    if (sha256 !== null && known !== null && known.inputSha256 === sha256) {
      return { zone: null, compact: null, large: true, sha256, digest: known.inputDigest, maxTtl: known.maxTtl, serial: known.inputSerial, warnings: [] };
    }
    const compact = await loadCompactZone(zone.input, origin);
    return { zone: null, compact, large: true, sha256, ...digestCompactZone(compact), serial: compactSoaSerial(compact), warnings: warningLines(compact.warnings) };
  }
  const parsed = await loadZone(zone.input, origin);
  return { zone: parsed, compact: null, large: false, sha256: null, ...digestZone(parsed), serial: soaSerial(parsed), warnings: warningLines(parsed.warnings) };
}
