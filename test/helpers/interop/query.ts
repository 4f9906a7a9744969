/**
 * DNS queries to the loopback test servers, through `kdig +json` (Knot 3.2
 * prints the response as RFC 8427 JSON, so no presentation-format parsing).
 */
import { execTool } from './exec.ts';

export interface DnsRecord {
  /** Owner name as the server sent it, absolute with the trailing dot. */
  name: string;
  /** Mnemonic such as "A", "RRSIG", "NSEC3"; TYPEnnn for unknown types. */
  type: string;
  ttl: number;
  /** RDATA in presentation format when kdig knows the type, else the hex of the wire RDATA. */
  data: string;
}

export interface DnsResponse {
  rcode: number;
  /** NOERROR, NXDOMAIN, SERVFAIL, … */
  rcodeName: string;
  flags: { qr: boolean; aa: boolean; tc: boolean; rd: boolean; ra: boolean; ad: boolean; cd: boolean };
  answer: DnsRecord[];
  authority: DnsRecord[];
  /** Additional section without the OPT pseudo-record. */
  additional: DnsRecord[];
  /** The kdig command and its JSON, for assertion messages. */
  raw: string;
}

export interface QueryOptions {
  /** Set RD (default false: authoritative servers get +norec; pass true for a resolver). */
  recurse?: boolean;
  /** Set the DO bit (default true). */
  dnssec?: boolean;
  /** Set CD, asking a validating resolver not to validate. */
  checkingDisabled?: boolean;
  tcp?: boolean;
  /** Query class (default IN). */
  qclass?: string;
  /** Seconds kdig waits for an answer (default 2); there is no retry. */
  timeoutSeconds?: number;
}

const RCODES: Readonly<Record<number, string>> = {
  0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED',
  6: 'YXDOMAIN', 7: 'YXRRSET', 8: 'NXRRSET', 9: 'NOTAUTH', 10: 'NOTZONE',
};

interface JsonRR {
  NAME?: string;
  TYPE?: number;
  TYPEname?: string;
  TTL?: number;
  RDATAHEX?: string;
  [key: string]: unknown;
}

function toRecord(rr: JsonRR): DnsRecord {
  const type = rr.TYPEname ?? `TYPE${rr.TYPE ?? '?'}`;
  const text = rr[`rdata${type}`];
  return {
    name: rr.NAME ?? '',
    type,
    ttl: rr.TTL ?? 0,
    data: typeof text === 'string' ? text : (rr.RDATAHEX ?? ''),
  };
}

function section(json: Record<string, unknown>, key: string): DnsRecord[] {
  const list = json[key];
  return Array.isArray(list) ? (list as JsonRR[]).map(toRecord) : [];
}

/** Sends one query to 127.0.0.1:`port` and returns the parsed response; throws when no answer comes. */
export async function query(port: number, name: string, type: string, options: QueryOptions = {}): Promise<DnsResponse> {
  const args = [
    '+json',
    options.dnssec === false ? '+nodnssec' : '+dnssec',
    options.recurse === true ? '+rec' : '+norec',
    options.checkingDisabled === true ? '+cd' : '+nocd',
    options.tcp === true ? '+tcp' : '+notcp',
    `+timeout=${options.timeoutSeconds ?? 2}`,
    '+retry=0',
    '-p', String(port),
    '-c', options.qclass ?? 'IN',
    '@127.0.0.1',
    name,
    type,
  ];
  const r = await execTool('kdig', args);
  const raw = `$ ${r.command}\n${r.stdout}${r.stderr}`;
  const start = r.stdout.indexOf('{');
  if (r.status !== 0 || start < 0) throw new Error(`interop: no DNS answer\n${raw}`);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(r.stdout.slice(start)) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`interop: kdig printed unparsable JSON (${(e as Error).message})\n${raw}`);
  }
  const bit = (k: string): boolean => json[k] === 1 || json[k] === true;
  const rcode = typeof json.RCODE === 'number' ? json.RCODE : -1;
  return {
    rcode,
    rcodeName: RCODES[rcode] ?? `RCODE${rcode}`,
    flags: { qr: bit('QR'), aa: bit('AA'), tc: bit('TC'), rd: bit('RD'), ra: bit('RA'), ad: bit('AD'), cd: bit('CD') },
    answer: section(json, 'answerRRs'),
    authority: section(json, 'authorityRRs'),
    additional: section(json, 'additionalRRs').filter((rr) => rr.type !== 'OPT'),
    raw,
  };
}

/** Records of one type in a section, e.g. `ofType(r.answer, 'A').map((x) => x.data)`. */
export function ofType(records: readonly DnsRecord[], type: string): DnsRecord[] {
  return records.filter((r) => r.type === type);
}
