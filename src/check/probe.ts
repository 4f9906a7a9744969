/**
 * One question to one server, and what its result means for the check: an
 * authoritative answer to use, or the reason the server failed, as a finding
 * code and a phrase ("timed out after 2 tries", "answered REFUSED").
 */
import { formatServerAddress, type ServerAddress } from '../dns/address.ts';
import type { DnsQuerier, QueryResult } from '../dns/client.ts';
import { Rcode, rcodeToString } from '../dns/message.ts';
import type { Name } from '../zone/name.ts';
import type { CheckOnlyCode } from './codes.ts';

/** A server asked by address; its NS name when known. */
export interface CheckServer {
  readonly name: Name | null;
  readonly address: ServerAddress;
}

/** "ns1.example. 192.0.2.1" or, for a server given by address, "192.0.2.1:5300". */
export function serverLabel(s: CheckServer): string {
  const a = formatServerAddress(s.address);
  return s.name === null ? a : `${s.name.toString()} ${a}`;
}

export type Answer = Extract<QueryResult, { kind: 'answer' }>;

export interface ProbeFailure {
  readonly kind: 'failed';
  readonly code: CheckOnlyCode;
  /** What happened, as a phrase that follows the server's label. */
  readonly detail: string;
  /** The RCODE when the server answered one. */
  readonly rcode: number | null;
}

export type Probe = { readonly kind: 'answer'; readonly answer: Answer } | ProbeFailure;

/**
 * Judges one result. `accept` lists the RCODEs that count as an answer
 * (NOERROR, and NXDOMAIN where the caller interprets it). An answer without
 * AA is a failure: only the zone's own servers' data counts (RFC 1035 §4.1.1).
 */
export function judgeResult(r: QueryResult, accept: readonly number[] = [Rcode.NOERROR]): Probe {
  if (r.kind === 'timeout') {
    return { kind: 'failed', code: 'SERVER_UNRESPONSIVE_UDP', detail: `did not answer (timed out, ${r.tries} ${r.tries === 1 ? 'try' : 'tries'})`, rcode: null };
  }
  if (r.kind === 'error') {
    const code: CheckOnlyCode = r.code === 'ERR_DNS_UDP_FAILED' ? 'SERVER_UNRESPONSIVE_UDP'
      : r.code.startsWith('ERR_DNS_TCP') ? 'SERVER_UNRESPONSIVE_TCP'
      : 'SERVER_INVALID_RESPONSE_UDP';
    return { kind: 'failed', code, detail: `did not answer usably (${stripAddress(r.message)})`, rcode: null };
  }
  if (!accept.includes(r.rcode)) return { kind: 'failed', code: 'INVALID_RCODE', detail: `answered ${rcodeToString(r.rcode)}`, rcode: r.rcode };
  if (!r.flags.aa) {
    return { kind: 'failed', code: 'SERVER_NOT_AUTHORITATIVE', detail: `answered ${rcodeToString(r.rcode)} without the AA bit (it does not serve the zone)`, rcode: r.rcode };
  }
  return { kind: 'answer', answer: r };
}

/** The client prefixes its messages with the address; the finding names the server already. */
function stripAddress(message: string): string {
  const i = message.indexOf(': ');
  return i >= 0 ? message.slice(i + 2) : message;
}

/** Asks one question, RD=0 with the DO bit (RFC 3225) so that RRSIGs come along. */
export function ask(client: DnsQuerier, server: CheckServer, name: Name, type: number): Promise<QueryResult> {
  return client.query(server.address, { name, type, rd: false, dnssecOk: true });
}
