/**
 * The zone's side: every authoritative server is asked, by address, for the
 * apex SOA, DNSKEY and NSEC3PARAM RRsets with their RRSIGs (RD=0, DO=1).
 * A server that fails is named once, with the questions it failed.
 */
import type { DnsQuerier } from '../dns/client.ts';
import { buildRRset } from '../zone/canonical.ts';
import type { Name } from '../zone/name.ts';
import type { ResourceRecord } from '../zone/record.ts';
import { RRClass, RRType, typeToString } from '../zone/types.ts';
import type { SignedSetInput } from '../verify/input.ts';
import type { CheckOnlyCode } from './codes.ts';
import type { CheckFindings } from './finding.ts';
import { ask, judgeResult, serverLabel } from './probe.ts';
import type { Answer, CheckServer, ProbeFailure } from './probe.ts';

export interface ChildServerReport {
  readonly server: CheckServer;
  readonly label: string;
  /** The SOA RRset (and its RRSIGs), or null when the server did not answer it authoritatively. */
  readonly soa: SignedSetInput | null;
  readonly serial: number | null;
  /** The DNSKEY RRset; null when the zone has none (NODATA) or the question failed. */
  readonly dnskey: SignedSetInput | null;
  readonly nsec3param: SignedSetInput | null;
  /**
   * The SOA and DNSKEY questions got authoritative answers: the server's
   * chain can be judged (a failed NSEC3PARAM question only leaves the NSEC3
   * parameters unjudged).
   */
  readonly complete: boolean;
  /** Why the server failed (the first failure), or null. */
  readonly failure: string | null;
}

const QUESTIONS = [RRType.SOA, RRType.DNSKEY, RRType.NSEC3PARAM] as const;

/**
 * The RRset of `type` at `owner` in an answer, with the RRSIGs that cover it
 * (RFC 4034 §3.1: the Type Covered field) and their TTLs; null when absent.
 */
export function signedSetIn(records: readonly ResourceRecord[], owner: Name, type: number): SignedSetInput | null {
  const data: ResourceRecord[] = [];
  const signatures: Uint8Array[] = [];
  const signatureTtls: number[] = [];
  for (const r of records) {
    if (r.class !== RRClass.IN || !r.owner.equals(owner)) continue;
    if (r.type === type) data.push(r);
    else if (r.type === RRType.RRSIG && r.rdata.length >= 2 && ((r.rdata[0]! << 8) | r.rdata[1]!) === type) {
      signatures.push(r.rdata);
      signatureTtls.push(r.ttl);
    }
  }
  if (data.length === 0) return null;
  return { rrset: buildRRset(data), signatures, signatureTtls };
}

const ADVICE: Record<CheckOnlyCode, string> = {
  SERVER_UNRESPONSIVE_UDP: 'resolvers that pick it wait, then retry elsewhere; fix the server or take it out of the NS set',
  SERVER_UNRESPONSIVE_TCP: 'resolvers cannot get large answers (DNSKEY with signatures) from it; allow DNS over TCP (port 53) to it',
  SERVER_INVALID_RESPONSE_UDP: 'resolvers discard such answers; check the server software and anything filtering DNS in front of it',
  INVALID_RCODE: 'it is in the zone\'s NS set but does not serve the zone properly; load the zone on it or take it out of the NS set',
  SERVER_NOT_AUTHORITATIVE: 'it is in the zone\'s NS set but does not serve the zone (a lame delegation); load the zone on it or take it out of the NS set',
  NO_NS_IN_PARENT: '', NO_ADDRESS_FOR_NS_NAME: '', PARENT_DS_MISMATCH: '', INSECURE_DELEGATION: '', ZONE_UNSIGNED: '', SOA_SERIAL_MISMATCH: '', DNSKEY_MISSING_FROM_SERVERS: '',
};

export async function askChildServers(zone: Name, servers: readonly CheckServer[], client: DnsQuerier, findings: CheckFindings): Promise<ChildServerReport[]> {
  return Promise.all(servers.map(async (server) => {
    const label = serverLabel(server);
    const results = await Promise.all(QUESTIONS.map((type) => ask(client, server, zone, type)));
    const answers: (Answer | null)[] = [];
    const failures: { type: number; failure: ProbeFailure }[] = [];
    results.forEach((r, i) => {
      const probe = judgeResult(r);
      if (probe.kind === 'answer') answers.push(probe.answer);
      else {
        answers.push(null);
        failures.push({ type: QUESTIONS[i]!, failure: probe });
      }
    });
    const soaAnswer = answers[0] ?? null;
    const soa = soaAnswer === null ? null : signedSetIn(soaAnswer.answers, zone, RRType.SOA);
    if (soaAnswer !== null && soa === null) {
      // NOERROR with AA but no SOA at the name: the server holds the name inside some other zone.
      failures.unshift({ type: RRType.SOA, failure: { kind: 'failed', code: 'SERVER_NOT_AUTHORITATIVE', detail: `has no SOA record for ${zone.toString()} (the name is not a zone apex there)`, rcode: soaAnswer.rcode } });
    }
    reportFailures(zone, label, failures, findings);
    const dnskey = answers[1] ? signedSetIn(answers[1].answers, zone, RRType.DNSKEY) : null;
    const nsec3param = answers[2] ? signedSetIn(answers[2].answers, zone, RRType.NSEC3PARAM) : null;
    return {
      server,
      label,
      soa,
      serial: soa === null ? null : soaSerial(soa.rrset.rdatas[0]!),
      dnskey,
      nsec3param,
      complete: soa !== null && answers[1] !== null,
      failure: failures[0]?.failure.detail ?? null,
    };
  }));
}

/** One finding per server and failure kind, naming the questions that failed. */
function reportFailures(zone: Name, label: string, failures: readonly { type: number; failure: ProbeFailure }[], findings: CheckFindings): void {
  const byCode = new Map<CheckOnlyCode, { types: number[]; detail: string }>();
  for (const f of failures) {
    const known = byCode.get(f.failure.code);
    if (known) known.types.push(f.type);
    else byCode.set(f.failure.code, { types: [f.type], detail: f.failure.detail });
  }
  for (const [code, f] of byCode) {
    findings.add(code, 'warning', zone, f.types.length === 1 ? f.types[0]! : null,
      `server ${label} ${f.detail} to ${f.types.map(typeToString).join(', ')} queries: ${ADVICE[code]}`, { servers: [label] });
  }
}

/** The serial: the first of the five 32-bit fields that end the SOA RDATA (RFC 1035 §3.3.13). */
function soaSerial(rdata: Uint8Array): number | null {
  const off = rdata.length - 20;
  if (off < 2) return null;
  return ((rdata[off]! << 24) >>> 0) + (rdata[off + 1]! << 16) + (rdata[off + 2]! << 8) + rdata[off + 3]!;
}
