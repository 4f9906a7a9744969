/**
 * The denial chain for the lean gate (gate-pass.ts), fed one owner at a
 * time in canonical order, by the compact and the streaming reader alike.
 * Same rules, codes and messages as denial-nsec.ts and denial-nsec3.ts
 * (which work on the object model):
 *
 * - NSEC (RFC 4034 §4, RFC 4035 §2.3): checked as the owners go by, with
 *   nothing kept but the previous NSEC.
 * - NSEC3 (RFC 5155 §7.1, §8.3): compact-gate-nsec3.ts.
 */
import { decodeNsec, decodeNsec3, decodeNsec3Param } from '../zone/dnssec-rdata.ts';
import type { NsecData, Nsec3ParamData } from '../zone/dnssec-rdata.ts';
import type { Name } from '../zone/name.ts';
import { RRType, typeToString } from '../zone/types.ts';
import { Nsec3Pass } from './compact-gate-nsec3.ts';
import { describeDiff } from './denial-nsec.ts';
import { adviseParameters } from './denial-nsec3.ts';
import type { FindingCollector } from './finding.ts';
import { diffTypes, expectedBitmap } from './structure.ts';
import type { OwnerInfo } from './structure.ts';

/** One owner as the gate's pass sees it. `types`, `wire` and the RDATA live for the call only: do not keep them. */
export interface GateOwner extends OwnerInfo {
  /** Position of the owner in canonical order, from 0 (the apex): how findings made at the end name it (OwnerNames). */
  readonly ordinal: number;
  /** The owner name in canonical wire form. */
  readonly wire: Uint8Array;
  /** In the denial chain: the apex, authoritative names and delegations that hold data (RFC 4035 §2.3, RFC 5155 §7.1). */
  readonly member: boolean;
  /** The RDATA of the owner's NSEC / NSEC3 record (the first one), or null. */
  readonly nsec: Uint8Array | null;
  readonly nsec3: Uint8Array | null;
}

/** Owner names by ordinal, for the findings made once every owner has gone by. */
export interface OwnerNames {
  name(ordinal: number): Name;
}

export interface DenialPass {
  owner(o: GateOwner): void;
  /** The ordinals (ascending) of the owners whose names finish() needs. */
  namesNeeded(): Int32Array;
  finish(names: OwnerNames): void;
}

const NO_NAMES = new Int32Array(0);
const NO_DENIAL: DenialPass = { owner: () => undefined, namesNeeded: () => NO_NAMES, finish: () => undefined };

/** What the gate knows of the zone's denial records when it starts: the apex NSEC3PARAM, and how many NSEC and NSEC3 RRsets there are. */
export interface DenialStart {
  /** The apex NSEC3PARAM RDATA, or null. */
  readonly param: Uint8Array | null;
  readonly nsec: number;
  readonly nsec3: number;
  /** The zone's NSEC3 RDATA in canonical order (for the parameters when the NSEC3PARAM is missing or malformed). */
  nsec3Rdatas(): Iterable<Uint8Array>;
}

/**
 * Picks the chain the zone uses, as verifySignedZone does (NSEC3 when there
 * is an NSEC3PARAM or any NSEC3), reports what is missing or mixed, and
 * returns the pass that checks it.
 */
export function startDenial(origin: Name, counts: DenialStart, findings: FindingCollector): DenialPass {
  const hasNsec3 = counts.nsec3 > 0 || counts.param !== null;
  const hasNsec = counts.nsec > 0;
  if (!hasNsec && !hasNsec3) {
    findings.add('DENIAL_MISSING', 'critical', origin, null,
      'the zone has neither NSEC nor NSEC3 records, so no denial of existence validates: re-sign the zone');
    return NO_DENIAL;
  }
  if (hasNsec && hasNsec3) {
    findings.add('DENIAL_MIXED', 'warning', origin, null,
      'the zone has both NSEC and NSEC3 records; only the NSEC3 chain was checked: re-sign with one kind of denial');
  }
  if (!hasNsec3) return new NsecPass(origin, findings);
  if (counts.nsec3 === 0) {
    findings.add('NSEC3_CHAIN_GAP', 'critical', origin, RRType.NSEC3,
      'the zone has an NSEC3PARAM but no NSEC3 records, so no denial of existence validates: re-sign the zone');
    return NO_DENIAL;
  }
  const params = chainParameters(origin, counts, findings);
  if (params === null || !adviseParameters(origin, params, findings)) return NO_DENIAL;
  return new Nsec3Pass(origin, params, findings);
}

/** The chain's parameters: the apex NSEC3PARAM, or the first NSEC3 when there is none (reported), as denial-nsec3.ts. */
function chainParameters(origin: Name, counts: DenialStart, findings: FindingCollector): Nsec3ParamData | null {
  if (counts.param !== null) {
    try {
      return decodeNsec3Param(counts.param);
    } catch {
      findings.add('NSEC3PARAM_MISMATCH', 'critical', origin, RRType.NSEC3PARAM, 'the NSEC3PARAM record is malformed: re-sign the zone');
    }
  } else {
    findings.add('NSEC3PARAM_MISSING', 'critical', origin, RRType.NSEC3PARAM,
      'the zone has NSEC3 records but no NSEC3PARAM at the apex, so name servers cannot find the chain to answer denials: re-sign the zone');
  }
  for (const rdata of counts.nsec3Rdatas()) {
    try {
      const n = decodeNsec3(rdata);
      return { hashAlgorithm: n.hashAlgorithm, flags: 0, iterations: n.iterations, salt: n.salt };
    } catch {
      // reported when the chain is read
    }
  }
  return null;
}

// ---- NSEC ------------------------------------------------------------------

/**
 * The NSEC chain as denial-nsec.ts checks it, streamed: one NSEC per member,
 * none elsewhere; each Next Domain Name is the next NSEC present (or a member
 * whose NSEC is missing before it, reported as that gap), the last one the
 * apex; bitmaps list the types at the owner plus RRSIG and NSEC.
 */
class NsecPass implements DenialPass {
  private readonly origin: Name;
  private readonly findings: FindingCollector;
  private prevOwner: Name | null = null;
  private prevNext: Name | null = null;
  /** Members without an NSEC since the previous NSEC. */
  private missing: Name[] = [];

  constructor(origin: Name, findings: FindingCollector) {
    this.origin = origin;
    this.findings = findings;
  }

  owner(o: GateOwner): void {
    let data: NsecData | null = null;
    if (o.nsec !== null) {
      try {
        data = decodeNsec(o.nsec);
      } catch {
        this.findings.add('NSEC_BAD_BITMAP', 'critical', o.name, RRType.NSEC, `the NSEC at ${o.name.toString()} is malformed: re-sign the zone`);
      }
    }
    if (data === null) {
      if (o.member) {
        this.missing.push(o.name);
        this.findings.add('NSEC_CHAIN_GAP', 'critical', o.name, RRType.NSEC,
          `${o.name.toString()} has no NSEC, so the chain skips it and resolvers can be told it does not exist: re-sign the zone`);
      }
      return;
    }
    if (!o.member) {
      const what = o.kind === 'glue' ? 'glue below a delegation' : o.kind === 'occluded' ? 'data occluded by a DNAME' : 'a name without data of this zone';
      this.findings.add('NSEC_UNEXPECTED_OWNER', 'warning', o.name, RRType.NSEC,
        `an NSEC sits at ${o.name.toString()}, which is ${what} and belongs in no NSEC chain (RFC 4035 §2.3): re-sign the zone`);
    }
    if (this.prevOwner !== null) this.judgeNext(o.name);
    if (o.member) {
      const { missing, extra } = diffTypes(expectedBitmap(o, 'nsec'), data.types);
      if (missing.length > 0 || extra.length > 0) {
        this.findings.add('NSEC_BAD_BITMAP', 'critical', o.name, RRType.NSEC,
          `the NSEC bitmap at ${o.name.toString()} ${describeDiff(missing, extra)}, so resolvers can be told that existing data does not exist: re-sign the zone`,
          { missing: missing.map(typeToString).join(' '), extra: extra.map(typeToString).join(' ') });
      }
    }
    this.prevOwner = o.name;
    this.prevNext = data.nextName;
    this.missing = [];
  }

  /** The previous NSEC's Next Domain Name against its successor (null: the end of the chain, the apex). */
  private judgeNext(successor: Name | null): void {
    const owner = this.prevOwner!;
    const next = this.prevNext!;
    const last = successor === null;
    const expected = successor ?? this.origin;
    if (next.equals(expected)) return;
    const toMissing = this.missing.some((m) => m.equals(next)) && next.compare(owner) > 0 && (last || next.compare(expected) < 0);
    if (toMissing) return;
    if (last) {
      this.findings.add('LAST_NSEC_NEXT_NOT_ZONE', 'critical', owner, RRType.NSEC,
        `the last NSEC of the chain, at ${owner.toString()}, points to ${next.toString()} instead of the apex ${this.origin.toString()}, so the chain is not closed: re-sign the zone`);
      return;
    }
    this.findings.add('NSEC_CHAIN_GAP', 'critical', owner, RRType.NSEC,
      `the NSEC at ${owner.toString()} points to ${next.toString()}, but the next NSEC of the chain is at ${expected.toString()}, so resolvers get wrong denials: re-sign the zone`,
      { next: next.toString(), expected: expected.toString() });
  }

  /** The NSEC chain is judged as it goes: its findings name owners as they pass. */
  namesNeeded(): Int32Array {
    return NO_NAMES;
  }

  finish(): void {
    if (this.prevOwner !== null) this.judgeNext(null);
  }
}
