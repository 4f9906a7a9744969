/**
 * Which of our keys a DS RRset from the parent stands for. Pure.
 *
 * A DS matches a key only when the DS recomputed from our DNSKEY, with the
 * digest type the parent published, is byte for byte the DS the parent
 * holds (RFC 4034 §5.1.4, §5.2). Key tags collide (RFC 4034 App. B: "not a
 * unique identifier"), so a tag alone never counts. A DS that matches none of
 * our keys is reported (a warning for the operator), not treated as a fault.
 */
import { equalBytes, toHex } from '../core/bytes.ts';
import { SignetError } from '../core/errors.ts';
import { computeDsRdata, isSupportedDsDigestType } from '../signer/ds.ts';
import { decodeDs, decodeRrsig, type DsData } from '../zone/dnssec-rdata.ts';
import type { Name } from '../zone/name.ts';
import type { ResourceRecord } from '../zone/record.ts';
import { RRClass, RRType } from '../zone/types.ts';

/** One of our keys: an identifier the caller chooses, and its DNSKEY RDATA. */
export interface KeyForDs {
  readonly id: string;
  readonly dnskey: Uint8Array;
}

export interface UnknownDs {
  readonly rdata: Uint8Array;
  /** The decoded DS, or null when the RDATA is malformed. */
  readonly ds: DsData | null;
  /** Presentation-like summary for messages: `12345 13 2 ab12…`. */
  readonly text: string;
  readonly reason: 'no-matching-key' | 'digest-mismatch' | 'unsupported-digest' | 'malformed';
}

export interface DsMatch {
  /** Ids of our keys that have at least one matching DS, in the order of `keys`. */
  readonly present: readonly string[];
  /** Per key with a match: the digest types found. */
  readonly digestTypes: ReadonlyMap<string, readonly number[]>;
  readonly unknown: readonly UnknownDs[];
  /** One line per unknown DS, for status and events. */
  readonly warnings: readonly string[];
}

function summarize(ds: DsData | null, rdata: Uint8Array): string {
  if (ds === null) return `malformed DS RDATA ${toHex(rdata)}`;
  const hex = toHex(ds.digest);
  return `${ds.keyTag} ${ds.algorithm} ${ds.digestType} ${hex.length > 16 ? hex.slice(0, 16) + '…' : hex}`;
}

/**
 * Matches the DS RDATAs the parent answered against our keys at `owner`
 * (the child zone's apex name, hashed in canonical form by computeDs).
 */
export function matchDs(owner: Name, keys: readonly KeyForDs[], dsRdatas: readonly Uint8Array[]): DsMatch {
  const found = new Map<string, number[]>();
  const unknown: UnknownDs[] = [];
  const cache = new Map<string, Uint8Array>();
  const expected = (key: KeyForDs, digestType: 1 | 2 | 4): Uint8Array => {
    const k = `${key.id}/${digestType}`;
    let v = cache.get(k);
    if (!v) cache.set(k, (v = computeDsRdata(owner, key.dnskey, digestType)));
    return v;
  };
  for (const rdata of dsRdatas) {
    let ds: DsData | null;
    try {
      ds = decodeDs(rdata);
    } catch (e) {
      if (!(e instanceof SignetError)) throw e;
      ds = null;
    }
    if (ds === null) {
      unknown.push({ rdata, ds, text: summarize(ds, rdata), reason: 'malformed' });
      continue;
    }
    const digestType = ds.digestType;
    if (!isSupportedDsDigestType(digestType)) {
      unknown.push({ rdata, ds, text: summarize(ds, rdata), reason: 'unsupported-digest' });
      continue;
    }
    let matched = false;
    let tagOfOurs = false;
    for (const key of keys) {
      const mine = expected(key, digestType);
      if (equalBytes(mine, rdata)) {
        matched = true;
        const list = found.get(key.id) ?? [];
        if (!list.includes(digestType)) list.push(digestType);
        found.set(key.id, list);
      } else if (((mine[0]! << 8) | mine[1]!) === ds.keyTag && mine[2] === ds.algorithm) {
        tagOfOurs = true;
      }
    }
    if (!matched) unknown.push({ rdata, ds, text: summarize(ds, rdata), reason: tagOfOurs ? 'digest-mismatch' : 'no-matching-key' });
  }
  const warnings = unknown.map((u) => {
    switch (u.reason) {
      case 'malformed': return `the parent holds a ${u.text}`;
      case 'unsupported-digest': return `the parent holds DS ${u.text} with a digest type signet cannot check`;
      case 'digest-mismatch': return `the parent holds DS ${u.text}: it names one of our keys by tag and algorithm, but its digest does not match that key`;
      case 'no-matching-key': return `the parent holds DS ${u.text}, which matches none of our keys`;
    }
  });
  return {
    present: keys.filter((k) => found.has(k.id)).map((k) => k.id),
    digestTypes: found,
    unknown,
    warnings,
  };
}

/** The DS RDATAs at `owner` (class IN) among `records`. */
export function dsRdatasAt(owner: Name, records: readonly ResourceRecord[]): Uint8Array[] {
  return records.filter((r) => r.type === RRType.DS && r.class === RRClass.IN && r.owner.equals(owner)).map((r) => r.rdata);
}

/**
 * The TTL of the DS RRset at `owner`: the Original TTL of an RRSIG covering
 * it when there is one (RFC 4034 §3.1.4: what the parent's zone says,
 * whatever a server's decrement), else the records' TTL. The largest value
 * wins when several disagree, since the result sets a wait. Null without DS.
 */
export function dsTtl(owner: Name, records: readonly ResourceRecord[]): number | null {
  let fromRrsig: number | null = null;
  let fromRr: number | null = null;
  for (const r of records) {
    if (r.class !== RRClass.IN || !r.owner.equals(owner)) continue;
    if (r.type === RRType.DS) fromRr = Math.max(fromRr ?? 0, r.ttl);
    else if (r.type === RRType.RRSIG) {
      let sig;
      try {
        sig = decodeRrsig(r.rdata);
      } catch (e) {
        if (e instanceof SignetError) continue;
        throw e;
      }
      if (sig.typeCovered === RRType.DS) fromRrsig = Math.max(fromRrsig ?? 0, sig.originalTtl);
    }
  }
  if (fromRr === null) return null;
  return fromRrsig ?? fromRr;
}
