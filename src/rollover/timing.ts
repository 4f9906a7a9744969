/**
 * One function per RFC 7583 interval. Every function is pure arithmetic on a
 * policy and the TTLs that were in force when the step in question began
 * (SPEC safety rule 2): callers never pass "the current TTL" for a wait that
 * started earlier. All values are seconds.
 *
 * RFC 7583 symbols used below:
 *   Dprp      zone-propagation-delay (our servers serve a new zone version)
 *   DprpP     parent-propagation-delay
 *   TTLkey    dnskey-ttl
 *   TTLsig    the largest TTL of any RRset signed by the key (largest zone TTL)
 *   TTLds     the parent's DS TTL
 * Dsgn (the time to re-sign the zone) is 0 here: signet re-signs the whole
 * zone in one pass before publishing it.
 */
import type { Policy } from './policy.ts';

/** The TTLs a wait is computed from, as they were when the step began. */
export interface TtlsInForce {
  /** TTL of the DNSKEY RRset (TTLkey). */
  dnskeyTtl: number;
  /** Largest TTL of any RRset the zone signs, including NSEC/NSEC3 (TTLsig). */
  maxZoneTtl: number;
  /** TTL of the DS RRset at the parent (TTLds): max(parent-ds-ttl, observed). */
  dsTtl: number;
}

/** The largest of two TTL sets, field by field. A lowered TTL never shortens a wait. */
export function maxTtls(a: TtlsInForce, b: TtlsInForce): TtlsInForce {
  return {
    dnskeyTtl: Math.max(a.dnskeyTtl, b.dnskeyTtl),
    maxZoneTtl: Math.max(a.maxZoneTtl, b.maxZoneTtl),
    dsTtl: Math.max(a.dsTtl, b.dsTtl),
  };
}

/**
 * Ipub: from publishing a DNSKEY until every resolver that caches the DNSKEY
 * RRset holds a copy with the new key.
 * RFC 7583 §3.2.1: "Ipub = Dprp + TTLkey"; plus the SPEC's `publish-safety` margin.
 */
export function publishInterval(policy: Policy, ttls: TtlsInForce): number {
  return policy.zonePropagationDelay + ttls.dnskeyTtl + policy.publishSafety;
}

/**
 * Iret: from the moment a key stops signing until no resolver can hold a
 * signature made by it.
 * RFC 7583 §3.2.1: "Iret = Dsgn + Dprp + TTLsig" (Dsgn = 0), plus `retire-safety`.
 */
export function retireInterval(policy: Policy, ttls: TtlsInForce): number {
  return policy.zonePropagationDelay + ttls.maxZoneTtl + policy.retireSafety;
}

/**
 * After the new DS is answered by every parent server: until no resolver can
 * still hold the DS RRset without it.
 * RFC 7583 §3.3.2 (double-DS): the parent's propagation delay plus the DS
 * TTL. `ttls.dsTtl` is already max(parent-ds-ttl, the TTL the parent answered with).
 */
export function dsPublishWait(policy: Policy, ttls: TtlsInForce): number {
  return ttls.dsTtl + policy.parentPropagationDelay;
}

/**
 * After the new KSK starts signing the DNSKEY RRset: until no resolver can
 * hold the DNSKEY RRset signed only by the old KSK (SPEC: "after dnskey-ttl +
 * zone-propagation-delay, withdraw-ds"), RFC 7583 §3.3.2.
 */
export function dnskeySwapWait(policy: Policy, ttls: TtlsInForce): number {
  return policy.zonePropagationDelay + ttls.dnskeyTtl;
}

/**
 * After the old DS is answered by no parent server: until no resolver can
 * still hold it (SPEC: "wait until no parent server answers it, then
 * parent-ds-ttl"). The parent's propagation delay is already observed:
 * every parent server was checked.
 */
export function dsWithdrawWait(_policy: Policy, ttls: TtlsInForce): number {
  return ttls.dsTtl;
}

/**
 * Algorithm rollover, after the old DS is gone from every parent server that
 * we ask: a validator that wants a signature of every algorithm the DS RRset
 * signals (RFC 4035 §2.2 read strictly) must no longer hold the DS RRset with
 * the old algorithm when the old DNSKEYs go, and parent instances we cannot
 * ask may still serve it for parent-propagation-delay. So: TTLds + DprpP.
 */
export function algorithmDsWithdrawWait(policy: Policy, ttls: TtlsInForce): number {
  return ttls.dsTtl + policy.parentPropagationDelay;
}

/**
 * First signing: the DS may be offered only once no resolver can hold
 * unsigned data from before the signed zone was published:
 * Dprp + max(DNSKEY TTL, largest zone TTL) (issue 3).
 */
export function firstSigningDsDelay(policy: Policy, ttls: TtlsInForce): number {
  return policy.zonePropagationDelay + Math.max(ttls.dnskeyTtl, ttls.maxZoneTtl);
}

/**
 * The TTLs assumed when only the policy is known (policy validation,
 * `rollover plan` for a zone never signed): the largest signed RRset is at
 * least the DNSKEY RRset, and the parent's DS TTL is the configured one.
 */
export function policyTtls(policy: Policy): TtlsInForce {
  return { dnskeyTtl: policy.dnskeyTtl, maxZoneTtl: policy.dnskeyTtl, dsTtl: policy.parentDsTtl };
}

/**
 * Shortest possible ZSK pre-publication rollover, publish to remove, with the
 * parent answering at once: Ipub + Iret (RFC 7583 §3.2.1).
 */
export function minimumZskRollover(policy: Policy, ttls: TtlsInForce = policyTtls(policy)): number {
  return publishInterval(policy, ttls) + retireInterval(policy, ttls);
}

/**
 * Shortest possible KSK double-DS rollover (SPEC steps), with every parent
 * server answering the moment the registrar acts:
 * Ipub + (TTLds + DprpP) + (Dprp + TTLkey) + TTLds.
 */
export function minimumKskRollover(policy: Policy, ttls: TtlsInForce = policyTtls(policy)): number {
  return publishInterval(policy, ttls) + dsPublishWait(policy, ttls) + dnskeySwapWait(policy, ttls)
    + dsWithdrawWait(policy, ttls);
}

/**
 * Shortest possible CSK rollover: the KSK steps, except that the old key may
 * be removed only once its signatures have expired too (Iret after activate).
 */
export function minimumCskRollover(policy: Policy, ttls: TtlsInForce = policyTtls(policy)): number {
  const beforeActivate = publishInterval(policy, ttls) + dsPublishWait(policy, ttls);
  const afterActivate = Math.max(dnskeySwapWait(policy, ttls) + dsWithdrawWait(policy, ttls), retireInterval(policy, ttls));
  return beforeActivate + afterActivate;
}
