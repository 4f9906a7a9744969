/**
 * The streaming gate: the lean gate's checks (gate-pass.ts) on a signed
 * file read once, owner by owner (stream-owners.ts), in memory that does
 * not grow with the file's text. What it keeps across owners: the NSEC3
 * bookkeeping (hashes and ordinals, a few tens of octets per name), the
 * apex key sets, and the findings.
 *
 * It returns null, for the caller to fall back to the compact gate
 * (compact-gate.ts), whenever the file is not what it reads: not in
 * canonical order, a line or directive the fast reader leaves to the
 * general parser (`$INCLUDE`...), anything the compact load would refuse
 * (which the compact gate reports as such), and the denial records it
 * cannot judge from the apex alone (see denialStart).
 *
 * Two things are known only at the end of a stream, and are handled so:
 * - the sample's rate needs the number of signatures to come: estimated
 *   from the octets read and the file's size (SignatureSample);
 * - the NSEC3 findings made at the end name owners that are long gone:
 *   their ordinals are noted, and only when there are such findings is the
 *   file read a second time, for those names alone.
 */
import { stat } from 'node:fs/promises';
import { SignetError } from '../core/errors.ts';
import { GiveUp } from '../signer/parallel/fast-common.ts';
import { newReaderState, readFastRecords } from '../signer/parallel/fast-load.ts';
import { decodeNsec3Param } from '../zone/dnssec-rdata.ts';
import type { Name } from '../zone/name.ts';
import { RRClass, RRType } from '../zone/types.ts';
import type { DenialStart, OwnerNames } from './compact-gate-denial.ts';
import { GatePass } from './gate-pass.ts';
import type { CompactGateOptions, CompactGateResult, OwnerSets } from './gate-pass.ts';
import { OwnerReader } from './stream-owners.ts';

type DenialKind = Omit<DenialStart, 'param'>;

const NO_RDATA: readonly Uint8Array[] = [];

/**
 * The denial chain as the apex tells it: NSEC3 when it has an NSEC3PARAM
 * (that decodes), NSEC when it has an NSEC. The counts stand for "some" and
 * "none"; the stream checks that the rest of the zone agrees. Null (fall
 * back) for an apex with neither: a zone without denial, or NSEC3 without
 * its NSEC3PARAM, whose findings need the whole zone first.
 */
function denialStart(apex: OwnerSets): DenialKind | null {
  const param = apex.indexOf(RRType.NSEC3PARAM);
  if (param >= 0) {
    try {
      decodeNsec3Param(apex.rdatas[param]![0]!);
    } catch {
      return null;
    }
    return { nsec: 0, nsec3: 1, nsec3Rdatas: () => NO_RDATA };
  }
  if (apex.indexOf(RRType.NSEC) >= 0) return { nsec: 1, nsec3: 0, nsec3Rdatas: () => NO_RDATA };
  return null;
}

/** Reads the file with `onOwner` for each owner; false when the streaming reader cannot read it (fall back). */
async function readOwners(path: string, origin: Name, reader: OwnerReader, onOctets: (octets: number) => void): Promise<boolean> {
  try {
    await readFastRecords(path, newReaderState(path, origin, RRClass.IN), reader, onOctets);
    reader.end();
    return true;
  } catch (e) {
    // GIVE_UP from the reader, or a codec's or name's error on a line the general reader must judge.
    if (e instanceof GiveUp || e instanceof SignetError) return false;
    throw e;
  }
}

/** The names of the owners at `ordinals` (ascending), read from the file again; null if it cannot be read. */
async function readNames(path: string, origin: Name, ordinals: Int32Array): Promise<OwnerNames | null> {
  const names = new Map<number, Name>();
  let next = 0;
  const reader = new OwnerReader(origin, RRClass.IN, (o) => {
    if (next < ordinals.length && o.ordinal === ordinals[next]) {
      names.set(o.ordinal, o.name);
      next++;
    }
  });
  if (!(await readOwners(path, origin, reader, () => undefined)) || next < ordinals.length) return null;
  return { name: (ordinal) => names.get(ordinal)! };
}

/**
 * The gate on one sequential read of the file; null when the file is not
 * one the streaming reader reads (see the module header): use the compact
 * gate then.
 */
export async function verifySignedZoneFileStreaming(path: string, origin: Name, options: CompactGateOptions): Promise<CompactGateResult | null> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    return null;
  }
  let octets = 0;
  // Signatures still to come, at the density of those seen so far.
  const pass = new GatePass(origin, RRClass.IN, options, (seen) => (octets > 0 ? (seen * Math.max(0, size - octets)) / octets : 0));
  let denial: DenialKind | null = null;
  let nsec = 0;
  let nsec3 = 0;
  const reader = new OwnerReader(origin, RRClass.IN, (o) => {
    if (o.ordinal === 0) {
      denial = denialStart(o);
      if (denial === null) throw new GiveUp('no denial chain known at the apex');
      pass.start(o, denial);
    }
    if (o.indexOf(RRType.NSEC) >= 0) nsec++;
    if (o.indexOf(RRType.NSEC3) >= 0) nsec3++;
    pass.owner(o);
  });
  if (!(await readOwners(path, origin, reader, (n) => { octets = n; }))) return null;
  // The denial records must be what the apex announced: NSEC alone, or NSEC3 (some) alone.
  const announced = denial as DenialKind | null;
  if (announced === null || (announced.nsec3 > 0 ? nsec > 0 || nsec3 === 0 : nsec3 > 0)) return null;
  const needed = pass.namesNeeded();
  const names = needed.length === 0 ? { name: () => origin } : await readNames(path, origin, needed);
  if (names === null) return null;
  pass.finish(names);
  return pass.result(reader.rrsets, 'streaming');
}
