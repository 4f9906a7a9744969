/**
 * A DNS stub that asks one server, by address, one question.
 *
 * - UDP first, with a random ID (RFC 5452 §9.2) from a fresh random source
 *   port (see transport.ts); TCP when the answer is truncated (RFC 1035
 *   §4.2.1, RFC 7766 §5).
 * - An answer is accepted only when its ID, QR bit, opcode and question
 *   (name case-insensitively, type, class) match the query (RFC 5452 §9.1).
 *   Anything else, including bytes that do not decode, is ignored while
 *   waiting; if nothing acceptable arrives the result is an error naming the
 *   last reason, never an answer.
 * - Timeout and retry per attempt (defaults 2 s, 2 tries).
 *
 * The result is a value, never an exception: callers such as the parent DS
 * check must treat every outcome explicitly.
 */
import { randomInt } from 'node:crypto';
import { SignetError } from '../core/errors.ts';
import type { Name } from '../zone/name.ts';
import type { ResourceRecord } from '../zone/record.ts';
import { RRClass } from '../zone/types.ts';
import { formatServerAddress, type ServerAddress } from './address.ts';
import {
  decodeMessage, encodeQuery, Opcode, type DecodedMessage, type MessageFlags,
} from './message.ts';
import { nodeTransport, type DnsTransport } from './transport.ts';

export interface DnsQuestion {
  readonly name: Name;
  readonly type: number;
  /** Default IN. */
  readonly class?: number;
  /** Recursion desired; default false (we ask authoritative servers directly). */
  readonly rd?: boolean;
  /** Set the DO bit (RFC 3225) so that RRSIGs come along; default true. */
  readonly dnssecOk?: boolean;
  /** Checking disabled (RFC 4035 §3.2.2); default false. */
  readonly cd?: boolean;
}

export type QueryResult =
  | {
    readonly kind: 'answer';
    readonly server: ServerAddress;
    /** How the accepted answer came: 'tcp' after a truncated UDP answer. */
    readonly via: 'udp' | 'tcp';
    readonly rcode: number;
    readonly flags: MessageFlags;
    readonly answers: readonly ResourceRecord[];
    readonly authority: readonly ResourceRecord[];
    readonly additional: readonly ResourceRecord[];
    readonly message: DecodedMessage;
  }
  | { readonly kind: 'timeout'; readonly server: ServerAddress; readonly tries: number }
  | { readonly kind: 'error'; readonly server: ServerAddress; readonly code: string; readonly message: string };

/** What the parent check and the resolver walk need from a client; tests may provide their own. */
export interface DnsQuerier {
  query(server: ServerAddress, question: DnsQuestion): Promise<QueryResult>;
}

export interface DnsClientOptions {
  /** Per attempt, milliseconds. Default 2000. */
  readonly timeoutMs?: number;
  /** UDP attempts (each with a new ID and source port). Default 2. */
  readonly tries?: number;
  readonly transport?: DnsTransport;
  /** Source of query IDs; default a cryptographically random 16-bit number. */
  readonly randomId?: () => number;
}

type Check = { ok: true; message: DecodedMessage } | { ok: false; code: string; message: string };

/**
 * Whether `bytes` is an acceptable response to the query with `id` and
 * `question`. Exported for the UPDATE sender and for tests.
 */
export function checkResponse(bytes: Uint8Array, id: number, opcode: number, question: { name: Name; type: number; class: number }): Check {
  let m: DecodedMessage;
  try {
    m = decodeMessage(bytes);
  } catch (e) {
    if (e instanceof SignetError) return { ok: false, code: e.code, message: e.message };
    throw e;
  }
  if (m.id !== id) return { ok: false, code: 'ERR_DNS_ID_MISMATCH', message: `answer ID ${m.id} does not match query ID ${id}` };
  if (!m.flags.qr) return { ok: false, code: 'ERR_DNS_NOT_RESPONSE', message: 'message is a query, not a response (QR=0)' };
  if (m.opcode !== opcode) return { ok: false, code: 'ERR_DNS_OPCODE_MISMATCH', message: `answer opcode ${m.opcode} does not match ${opcode}` };
  const q = m.questions;
  if (q.length !== 1) return { ok: false, code: 'ERR_DNS_QUESTION_MISMATCH', message: `answer carries ${q.length} questions instead of the one asked` };
  const a = q[0]!;
  if (!a.name.equals(question.name) || a.type !== question.type || a.class !== question.class) {
    return { ok: false, code: 'ERR_DNS_QUESTION_MISMATCH', message: `answer is for ${a.name.toString()} type ${a.type} class ${a.class}, not the question asked` };
  }
  return { ok: true, message: m };
}

export class DnsClient implements DnsQuerier {
  private readonly timeoutMs: number;
  private readonly tries: number;
  private readonly transport: DnsTransport;
  private readonly randomId: () => number;

  constructor(options: DnsClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.tries = options.tries ?? 2;
    if (!Number.isInteger(this.tries) || this.tries < 1) throw new SignetError('ERR_DNS_BAD_OPTION', 'tries must be a positive integer');
    if (!(this.timeoutMs > 0)) throw new SignetError('ERR_DNS_BAD_OPTION', 'timeout must be positive');
    this.transport = options.transport ?? nodeTransport;
    this.randomId = options.randomId ?? (() => randomInt(0x10000));
  }

  async query(server: ServerAddress, question: DnsQuestion): Promise<QueryResult> {
    const q = { name: question.name, type: question.type, class: question.class ?? RRClass.IN };
    const encode = (id: number): Uint8Array => encodeQuery({
      id, name: q.name, type: q.type, class: q.class, rd: question.rd ?? false, cd: question.cd ?? false,
      edns: { dnssecOk: question.dnssecOk ?? true },
    });
    let rejection: { code: string; message: string } | null = null;
    let failure: { code: string; message: string } | null = null;
    for (let attempt = 0; attempt < this.tries; attempt++) {
      const id = this.randomId();
      let channel;
      try {
        channel = await this.transport.openUdp(server);
      } catch (e) {
        failure = asFailure(e);
        continue;
      }
      try {
        channel.send(encode(id));
        const signal = AbortSignal.timeout(this.timeoutMs);
        for (;;) {
          const bytes = await channel.receive(signal);
          if (bytes === null) break;
          const check = checkResponse(bytes, id, Opcode.QUERY, q);
          if (!check.ok) {
            // RFC 5452 §9.1: a response that does not match is discarded; keep listening.
            rejection = { code: check.code, message: check.message };
            continue;
          }
          if (check.message.flags.tc) return await this.queryTcp(server, q, encode);
          return answerOf(server, 'udp', check.message);
        }
      } catch (e) {
        failure = asFailure(e);
      } finally {
        channel.close();
      }
    }
    const reason = rejection ?? failure;
    if (reason) return { kind: 'error', server, code: reason.code, message: `${formatServerAddress(server)}: ${reason.message}` };
    return { kind: 'timeout', server, tries: this.tries };
  }

  /** RFC 7766 §5: retry over TCP after TC=1. A failure here is an error, never the truncated answer. */
  private async queryTcp(server: ServerAddress, q: { name: Name; type: number; class: number }, encode: (id: number) => Uint8Array): Promise<QueryResult> {
    let last: { code: string; message: string } = { code: 'ERR_DNS_TCP_FAILED', message: 'no TCP attempt' };
    for (let attempt = 0; attempt < this.tries; attempt++) {
      const id = this.randomId();
      try {
        const bytes = await this.transport.tcpExchange(server, encode(id), AbortSignal.timeout(this.timeoutMs));
        const check = checkResponse(bytes, id, Opcode.QUERY, q);
        if (!check.ok) {
          last = { code: check.code, message: `over TCP: ${check.message}` };
          continue;
        }
        if (check.message.flags.tc) {
          last = { code: 'ERR_DNS_TCP_TRUNCATED', message: 'the TCP answer is truncated too' };
          continue;
        }
        return answerOf(server, 'tcp', check.message);
      } catch (e) {
        last = asFailure(e);
      }
    }
    return {
      kind: 'error', server, code: last.code === 'ERR_DNS_TCP_TIMEOUT' || last.code === 'ERR_DNS_TCP_FAILED' ? 'ERR_DNS_TCP_FAILED' : last.code,
      message: `${formatServerAddress(server)}: the UDP answer was truncated and TCP failed: ${last.message}`,
    };
  }
}

function asFailure(e: unknown): { code: string; message: string } {
  if (e instanceof SignetError) return { code: e.code, message: e.message };
  throw e;
}

function answerOf(server: ServerAddress, via: 'udp' | 'tcp', m: DecodedMessage): QueryResult {
  return {
    kind: 'answer', server, via, rcode: m.rcode, flags: m.flags,
    answers: m.answers, authority: m.authority, additional: m.additional, message: m,
  };
}
