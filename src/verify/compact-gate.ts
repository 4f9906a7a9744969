/**
 * The lean safety gate (SPEC safety rule 1) for zones signed by the
 * streaming signer: the signed file is read back and checked as a
 * validator would see it at `now` (the checks: gate-pass.ts).
 *
 * Two readers feed the same checks:
 * - the streaming gate (stream-gate.ts) reads the file once, owner by
 *   owner, keeping nothing of an owner once it is checked: signet's own
 *   output, in canonical order, written the plain way;
 * - the compact gate loads the whole file into a CompactZone
 *   (src/signer/parallel/fast-load.ts) first, with memory that grows with
 *   the compact arrays. It reads any zone file loadZone reads, and takes
 *   over whenever the streaming gate cannot read a file (not in canonical
 *   order, `$INCLUDE`, anything the load would refuse...).
 */
import { ZoneParseError } from '../core/errors.ts';
import type { CompactZone } from '../signer/parallel/compact-zone.ts';
import { rrsetRdatas } from '../signer/parallel/compact-zone.ts';
import { loadCompactZone } from '../signer/parallel/fast-load.ts';
import { Name } from '../zone/name.ts';
import { RRType } from '../zone/types.ts';
import { GatePass, OwnerSets } from './gate-pass.ts';
import type { CompactGateOptions, CompactGateResult } from './gate-pass.ts';
import { verifySignedZoneFileStreaming } from './stream-gate.ts';

export { DEFAULT_SAMPLE_SIGNATURES } from './gate-pass.ts';
export type { CompactGateOptions, CompactGateResult } from './gate-pass.ts';
export { verifySignedZoneFileStreaming } from './stream-gate.ts';

/** Reads a signed zone file and checks it as a validator would see it at `now`: streaming when it can, else through the compact load. */
export async function verifySignedZoneFile(path: string, origin: Name, options: CompactGateOptions): Promise<CompactGateResult> {
  return await verifySignedZoneFileStreaming(path, origin, options) ?? verifySignedZoneFileCompact(path, origin, options);
}

/** The compact gate alone: the file loaded as a CompactZone, then checked. */
export async function verifySignedZoneFileCompact(path: string, origin: Name, options: CompactGateOptions): Promise<CompactGateResult> {
  let zone: CompactZone;
  try {
    zone = await loadCompactZone(path, origin);
  } catch (e) {
    // A file that does not load as a zone (no SOA, out-of-zone data, bad syntax...) is a verdict, not a crash.
    if (!(e instanceof ZoneParseError)) throw e;
    const pass = new GatePass(origin, 0, options, () => 0);
    pass.findings.add('ZONE_STRUCTURE', 'critical', origin, null, `the signed file does not load as the zone ${origin.toString()} (${e.describe()}): fix the signer's output and sign again`, { error: e.code });
    return pass.result(0, 'compact');
  }
  return verifyCompactSignedZone(zone, options);
}

/** The checks on an already loaded CompactZone, its owners fed to GatePass one by one. */
export function verifyCompactSignedZone(zone: CompactZone, options: CompactGateOptions): CompactGateResult {
  const z = zone;
  const origin = z.origin;
  // Counts for the sample's rate and the denial kind: one scan of the type array.
  let totalSignatures = 0;
  let nsecSets = 0;
  let nsec3Sets = 0;
  let dataRRsets = 0;
  for (let i = 0; i < z.rrsetCount; i++) {
    const t = z.rsType[i]!;
    if (t === RRType.RRSIG) totalSignatures += z.rsRdataCount[i]!;
    else dataRRsets++;
    if (t === RRType.NSEC) nsecSets++;
    else if (t === RRType.NSEC3) nsec3Sets++;
  }
  const pass = new GatePass(origin, z.zoneClass, options, (seen) => totalSignatures - seen);
  const apex = z.ownerCount > 0 && sameWire(z.canon, z.ownerStart[0]!, z.ownerStart[1]!, origin.canonical);
  const sets = new OwnerSets();
  const ownerSets = (k: number): OwnerSets => {
    sets.clear();
    sets.ordinal = k;
    sets.name = k === 0 && apex ? origin : Name.fromWire(z.canon, z.ownerStart[k]!).name;
    sets.wire = z.canon.subarray(z.ownerStart[k]!, z.ownerStart[k + 1]!);
    for (let i = z.ownerRRsets[k]!; i < z.ownerRRsets[k + 1]!; i++) {
      if (z.rsType[i] === RRType.RRSIG) sets.sigs = rrsetRdatas(z, i);
      else sets.push(z.rsType[i]!, z.rsTtl[i]!, rrsetRdatas(z, i));
    }
    return sets;
  };
  function* nsec3Rdatas(): Generator<Uint8Array> {
    for (let i = 0; i < z.rrsetCount; i++) if (z.rsType[i] === RRType.NSEC3) yield rrsetRdatas(z, i)[0]!;
  }
  if (pass.start(apex ? ownerSets(0) : null, { nsec: nsecSets, nsec3: nsec3Sets, nsec3Rdatas })) {
    for (let k = 0; k < z.ownerCount; k++) pass.owner(ownerSets(k));
    pass.finish({ name: (k) => Name.fromWire(z.canon, z.ownerStart[k]!).name });
  }
  return pass.result(dataRRsets, 'compact');
}

function sameWire(a: Uint8Array, start: number, end: number, b: Uint8Array): boolean {
  if (end - start !== b.length) return false;
  for (let i = 0; i < b.length; i++) if (a[start + i] !== b[i]) return false;
  return true;
}
