/**
 * DS changes at a parent the user runs, by DNS UPDATE (RFC 2136) signed with
 * TSIG (RFC 8945), sent over TCP to the parent's primary.
 *
 * The update has no prerequisites (RFC 2136 §2.4 allows an empty section):
 * - add:    "Add To An RRset" (§2.5.1), CLASS IN, the DS TTL;
 * - remove: "Delete An RR From An RRset" (§2.5.4), CLASS NONE, TTL 0.
 * Both are idempotent at the server (§3.4.2.2: a duplicate add is ignored;
 * deleting an absent RR is not an error), so a retry after a lost answer is safe.
 */
import { randomInt } from 'node:crypto';
import { wallClockNow } from '../core/clock.ts';
import { SignetError } from '../core/errors.ts';
import type { UnixSeconds } from '../core/time.ts';
import { formatServerAddress, type ServerAddress } from '../dns/address.ts';
import {
  CLASS_NONE, decodeMessage, encodeMessage, NO_FLAGS, Opcode, Rcode, rcodeToString, type DecodedMessage,
} from '../dns/message.ts';
import { nodeTransport, type DnsTransport } from '../dns/transport.ts';
import { signMessage, verifyResponse, type TsigKey } from '../dns/tsig.ts';
import type { Name } from '../zone/name.ts';
import type { ResourceRecord } from '../zone/record.ts';
import { RRClass, RRType } from '../zone/types.ts';

export interface DsUpdate {
  /** The child zone: owner of the DS records. */
  readonly zone: Name;
  /** The zone the update is for (the Zone section, RFC 2136 §2.3). */
  readonly parentZone: Name;
  /** DS RDATAs to add. */
  readonly add: readonly Uint8Array[];
  /** DS RDATAs to delete. */
  readonly remove: readonly Uint8Array[];
  /** TTL for added records. */
  readonly ttl: number;
}

export interface Rfc2136Options {
  readonly server: ServerAddress;
  /** The TSIG key; null sends an unsigned update (only for parents that allow it by address). */
  readonly key: TsigKey | null;
  readonly transport?: DnsTransport;
  /** Default 5000 ms. */
  readonly timeoutMs?: number;
  /** The real clock for TSIG time signed (never `--now`); default the wall clock. */
  readonly clock?: () => UnixSeconds;
  readonly randomId?: () => number;
}

/** The UPDATE message for `u`, unsigned. */
export function encodeDsUpdate(u: DsUpdate, id: number): Uint8Array {
  if (!u.zone.isSubdomainOf(u.parentZone) || u.zone.equals(u.parentZone)) {
    // RFC 2136 §3.4.1.3: every update RR must be in the zone (else NOTZONE).
    throw new SignetError('ERR_RFC2136_NOT_IN_ZONE', `${u.zone.toString()} is not below ${u.parentZone.toString()}`);
  }
  const updates: ResourceRecord[] = [
    ...u.remove.map((rdata) => ({ owner: u.zone, type: RRType.DS, class: CLASS_NONE, ttl: 0, rdata })),
    ...u.add.map((rdata) => ({ owner: u.zone, type: RRType.DS, class: RRClass.IN, ttl: u.ttl, rdata })),
  ];
  return encodeMessage({
    id,
    opcode: Opcode.UPDATE,
    rcode: 0,
    flags: NO_FLAGS,
    questions: [{ name: u.parentZone, type: RRType.SOA, class: RRClass.IN }],
    answers: [],
    authority: updates,
    additional: [],
    edns: null,
  });
}

/**
 * Sends the update and checks the answer. Resolves when the server answered
 * NOERROR with a valid TSIG; otherwise throws:
 * ERR_RFC2136_FAILED (connection), ERR_RFC2136_TIMEOUT, ERR_RFC2136_BAD_RESPONSE
 * (ID, opcode or zone mismatch, garbage), ERR_RFC2136_RCODE (REFUSED, NOTAUTH,
 * NOTZONE, …), and the ERR_TSIG_* codes of tsig.ts.
 */
export async function sendDsUpdate(u: DsUpdate, options: Rfc2136Options): Promise<void> {
  const transport = options.transport ?? nodeTransport;
  const clock = options.clock ?? wallClockNow;
  const id = (options.randomId ?? (() => randomInt(0x10000)))();
  const where = `UPDATE to ${formatServerAddress(options.server)}`;
  const unsigned = encodeDsUpdate(u, id);
  const signed = options.key ? signMessage(unsigned, options.key, clock()) : null;
  let raw: Uint8Array;
  try {
    raw = await transport.tcpExchange(options.server, signed ? signed.wire : unsigned, AbortSignal.timeout(options.timeoutMs ?? 5000));
  } catch (e) {
    if (!(e instanceof SignetError)) throw e;
    throw new SignetError(e.code === 'ERR_DNS_TCP_TIMEOUT' ? 'ERR_RFC2136_TIMEOUT' : 'ERR_RFC2136_FAILED', `${where}: ${e.message}`, { cause: e });
  }
  let m: DecodedMessage;
  try {
    m = decodeMessage(raw);
  } catch (e) {
    throw new SignetError('ERR_RFC2136_BAD_RESPONSE', `${where}: ${(e as Error).message}`, { cause: e });
  }
  const bad = (why: string): SignetError => new SignetError('ERR_RFC2136_BAD_RESPONSE', `${where}: ${why}`);
  if (m.id !== id) throw bad(`answer ID ${m.id} does not match ${id}`);
  if (!m.flags.qr || m.opcode !== Opcode.UPDATE) throw bad('the answer is not an UPDATE response');
  // RFC 2136 §3.8: the response either copies the sections or has zero counts.
  if (m.questions.length > 1) throw bad('the answer has more than one zone');
  const zq = m.questions[0];
  if (zq && (!zq.name.equals(u.parentZone) || zq.type !== RRType.SOA || zq.class !== RRClass.IN)) throw bad(`the answer is for zone ${zq.name.toString()}`);
  if (options.key && signed) verifyResponse(raw, m, options.key, signed.mac, clock());
  if (m.rcode !== Rcode.NOERROR) {
    throw new SignetError('ERR_RFC2136_RCODE', `${where}: the server answered ${rcodeToString(m.rcode)}`);
  }
}
