/**
 * The parent's side of the delegation: every parent server is asked, by
 * address, for the zone's DS RRset (RD=0, DO=1; RFC 4035 §3.1.4.1: the DS
 * is the parent's data). Each server's DS set is kept: resolvers pick any
 * of them, so the chain must hold with each.
 */
import { toHex } from '../core/bytes.ts';
import type { DnsQuerier } from '../dns/client.ts';
import { Rcode } from '../dns/message.ts';
import { dsRdatasAt } from '../registrar/ds-match.ts';
import { decodeDs } from '../zone/dnssec-rdata.ts';
import { Name } from '../zone/name.ts';
import { RRClass, RRType } from '../zone/types.ts';
import type { CheckFindings } from './finding.ts';
import { ask, judgeResult, serverLabel } from './probe.ts';
import type { Answer, CheckServer } from './probe.ts';

export interface ParentServerReport {
  readonly server: CheckServer;
  readonly label: string;
  /** The DS RDATAs answered (empty for an authoritative "no DS"), or null when the server failed. */
  readonly ds: readonly Uint8Array[] | null;
  /** Why the server failed, or null. */
  readonly failure: string | null;
}

/** One DS RRset and the parent servers that answered it. */
export interface DsSet {
  readonly rdatas: readonly Uint8Array[];
  readonly servers: readonly string[];
}

export interface ParentResult {
  readonly servers: readonly ParentServerReport[];
  /** Distinct DS RRsets among the servers that answered (usually one; an empty one means "no DS"). */
  readonly dsSets: readonly DsSet[];
  /** The parent zone as the answers show it (SOA owner, or the DS RRSIG's signer), when they do. */
  readonly zoneSeen: Name | null;
}

/** "12345/13" for messages; the tag and algorithm are what operators see at their registrar. */
export function describeDs(rdata: Uint8Array): string {
  try {
    const ds = decodeDs(rdata);
    return `${ds.keyTag}/${ds.algorithm}`;
  } catch {
    return `malformed ${toHex(rdata)}`;
  }
}

function setKey(rdatas: readonly Uint8Array[]): string {
  return rdatas.map((r) => toHex(r)).sort().join(',');
}

export async function askParents(zone: Name, servers: readonly CheckServer[], client: DnsQuerier, findings: CheckFindings): Promise<ParentResult> {
  const results = await Promise.all(servers.map((s) => ask(client, s, zone, RRType.DS)));
  const reports: ParentServerReport[] = [];
  let zoneSeen: Name | null = null;
  servers.forEach((server, i) => {
    const label = serverLabel(server);
    const fail = (code: Parameters<CheckFindings['add']>[0], severity: 'critical' | 'warning', detail: string, advice: string): void => {
      findings.add(code, severity, zone, RRType.DS, `parent server ${label} ${detail}: ${advice}`, { servers: [label] });
      reports.push({ server, label, ds: null, failure: detail });
    };
    const probe = judgeResult(results[i]!, [Rcode.NOERROR, Rcode.NXDOMAIN]);
    if (probe.kind === 'failed') {
      fail(probe.code, 'warning', probe.detail, 'the DS could not be read from it; check that it serves the parent zone and is reachable, or leave it out of --parent-server');
      return;
    }
    const a = probe.answer;
    const rdatas = a.rcode === Rcode.NOERROR ? dsRdatasAt(zone, a.answers) : [];
    const soaOwner = a.authority.find((r) => r.type === RRType.SOA && r.class === RRClass.IN)?.owner ?? null;
    if (rdatas.length > 0) {
      zoneSeen ??= signerOfDs(zone, a);
      reports.push({ server, label, ds: rdatas, failure: null });
      return;
    }
    // RFC 2308 §3: a negative answer carries the SOA of the zone it comes from, which must be above the child.
    if (soaOwner === null) {
      fail('SERVER_INVALID_RESPONSE_UDP', 'warning', `answered ${a.rcode === Rcode.NXDOMAIN ? 'NXDOMAIN' : 'NODATA'} for the DS without an SOA record`, 'its answer proves nothing; check the server');
      return;
    }
    if (!zone.isSubdomainOf(soaOwner) || zone.equals(soaOwner)) {
      fail('SERVER_NOT_AUTHORITATIVE', 'warning', `answers from the zone ${soaOwner.toString()}, not from a parent of ${zone.toString()}`,
        'it is not a server of the parent zone; give the parent\'s servers with --parent-server');
      return;
    }
    zoneSeen ??= soaOwner;
    if (a.rcode === Rcode.NXDOMAIN) {
      findings.add('NO_NS_IN_PARENT', 'critical', zone, RRType.NS,
        `parent server ${label} answers that ${zone.toString()} does not exist (NXDOMAIN in ${soaOwner.toString()}), so the zone cannot be reached through its parent: restore the delegation (NS records) at the registrar`,
        { servers: [label] });
      reports.push({ server, label, ds: null, failure: 'answered NXDOMAIN' });
      return;
    }
    reports.push({ server, label, ds: [], failure: null });
  });

  const sets = new Map<string, { rdatas: readonly Uint8Array[]; servers: string[] }>();
  for (const r of reports) {
    if (r.ds === null) continue;
    const key = setKey(r.ds);
    const s = sets.get(key);
    if (s) s.servers.push(r.label);
    else sets.set(key, { rdatas: r.ds, servers: [r.label] });
  }
  const dsSets = [...sets.values()];
  if (dsSets.length > 1) {
    const described = dsSets.map((s) => `${s.rdatas.length === 0 ? 'no DS' : `DS ${s.rdatas.map(describeDs).join(', ')}`} on ${s.servers.join(', ')}`).join('; ');
    findings.add('PARENT_DS_MISMATCH', 'warning', zone, RRType.DS,
      `the parent's servers answer different DS RRsets (${described}), so resolvers see one or the other: if a DS change was just made, wait for the parent's secondaries; otherwise ask the registry`,
      { servers: dsSets.flatMap((s) => s.servers) });
  }
  return { servers: reports, dsSets, zoneSeen };
}

/** The Signer's Name of an RRSIG over the DS (RFC 4034 §3.1.7): the parent zone. */
function signerOfDs(zone: Name, a: Answer): Name | null {
  for (const r of a.answers) {
    if (r.type !== RRType.RRSIG || !r.owner.equals(zone) || r.rdata.length < 19) continue;
    if (((r.rdata[0]! << 8) | r.rdata[1]!) !== RRType.DS) continue;
    try {
      return Name.fromWire(r.rdata, 18).name;
    } catch {
      continue;
    }
  }
  return null;
}
