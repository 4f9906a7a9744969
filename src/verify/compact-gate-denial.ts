/**
 * The denial chain for the compact gate (compact-gate.ts), fed one owner at
 * a time in canonical order. Same rules, codes and messages as
 * denial-nsec.ts and denial-nsec3.ts (which work on the object model):
 *
 * - NSEC (RFC 4034 §4, RFC 4035 §2.3): checked as the owners go by, with
 *   nothing kept but the previous NSEC.
 * - NSEC3 (RFC 5155 §7.1, §8.3): compact-gate-nsec3.ts.
 */
import type { CompactZone } from '../signer/parallel/compact-zone.ts';
import { rrsetRdatas } from '../signer/parallel/compact-zone.ts';
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

/** One owner as the gate's pass sees it. `types` is reused for the next owner: do not keep it. */
export interface GateOwner extends OwnerInfo {
  /** Index of the owner in the CompactZone. */
  readonly index: number;
  /** In the denial chain: the apex, authoritative names and delegations that hold data (RFC 4035 §2.3, RFC 5155 §7.1). */
  readonly member: boolean;
  /** The owner's NSEC / NSEC3 RRset (index), or −1. */
  readonly nsec: number;
  readonly nsec3: number;
}

export interface DenialPass {
  owner(o: GateOwner): void;
  finish(): void;
}

const NO_DENIAL: DenialPass = { owner: () => undefined, finish: () => undefined };

/**
 * Picks the chain the zone uses, as verifySignedZone does (NSEC3 when there
 * is an NSEC3PARAM or any NSEC3), reports what is missing or mixed, and
 * returns the pass that checks it.
 */
export function startDenial(z: CompactZone, apex: number, counts: { readonly nsec: number; readonly nsec3: number }, findings: FindingCollector): DenialPass {
  const origin = z.origin;
  let param = -1;
  if (apex >= 0) for (let i = z.ownerRRsets[apex]!; i < z.ownerRRsets[apex + 1]!; i++) if (z.rsType[i] === RRType.NSEC3PARAM) param = i;
  const hasNsec3 = counts.nsec3 > 0 || param >= 0;
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
  if (!hasNsec3) return new NsecPass(z, findings);
  if (counts.nsec3 === 0) {
    findings.add('NSEC3_CHAIN_GAP', 'critical', origin, RRType.NSEC3,
      'the zone has an NSEC3PARAM but no NSEC3 records, so no denial of existence validates: re-sign the zone');
    return NO_DENIAL;
  }
  const params = chainParameters(z, param, findings);
  if (params === null || !adviseParameters(origin, params, findings)) return NO_DENIAL;
  return new Nsec3Pass(z, params, findings);
}

/** The chain's parameters: the apex NSEC3PARAM, or the first NSEC3 when there is none (reported), as denial-nsec3.ts. */
function chainParameters(z: CompactZone, param: number, findings: FindingCollector): Nsec3ParamData | null {
  const origin = z.origin;
  if (param >= 0) {
    try {
      return decodeNsec3Param(rrsetRdatas(z, param)[0]!);
    } catch {
      findings.add('NSEC3PARAM_MISMATCH', 'critical', origin, RRType.NSEC3PARAM, 'the NSEC3PARAM record is malformed: re-sign the zone');
    }
  } else {
    findings.add('NSEC3PARAM_MISSING', 'critical', origin, RRType.NSEC3PARAM,
      'the zone has NSEC3 records but no NSEC3PARAM at the apex, so name servers cannot find the chain to answer denials: re-sign the zone');
  }
  for (let i = 0; i < z.rrsetCount; i++) {
    if (z.rsType[i] !== RRType.NSEC3) continue;
    try {
      const n = decodeNsec3(rrsetRdatas(z, i)[0]!);
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
  private readonly z: CompactZone;
  private readonly findings: FindingCollector;
  private prevOwner: Name | null = null;
  private prevNext: Name | null = null;
  /** Members without an NSEC since the previous NSEC. */
  private missing: Name[] = [];

  constructor(z: CompactZone, findings: FindingCollector) {
    this.z = z;
    this.findings = findings;
  }

  owner(o: GateOwner): void {
    let data: NsecData | null = null;
    if (o.nsec >= 0) {
      try {
        data = decodeNsec(rrsetRdatas(this.z, o.nsec)[0]!);
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
    const expected = successor ?? this.z.origin;
    if (next.equals(expected)) return;
    const toMissing = this.missing.some((m) => m.equals(next)) && next.compare(owner) > 0 && (last || next.compare(expected) < 0);
    if (toMissing) return;
    if (last) {
      this.findings.add('LAST_NSEC_NEXT_NOT_ZONE', 'critical', owner, RRType.NSEC,
        `the last NSEC of the chain, at ${owner.toString()}, points to ${next.toString()} instead of the apex ${this.z.origin.toString()}, so the chain is not closed: re-sign the zone`);
      return;
    }
    this.findings.add('NSEC_CHAIN_GAP', 'critical', owner, RRType.NSEC,
      `the NSEC at ${owner.toString()} points to ${next.toString()}, but the next NSEC of the chain is at ${expected.toString()}, so resolvers get wrong denials: re-sign the zone`,
      { next: next.toString(), expected: expected.toString() });
  }

  finish(): void {
    if (this.prevOwner !== null) this.judgeNext(null);
  }
}
