/**
 * A model of every validating resolver's cache, fed with what was published
 * when: the zone's DNSKEY RRset (which keys, signed by which), its data
 * RRsets (signed by which keys), and the DS RRset at each parent server, each
 * with the TTL it was served with.
 *
 * A resolver may have fetched each RRset at any moment it was served and
 * keeps it for its TTL; it may hold any combination of such copies at once.
 * At time t the model checks every combination a cache can hold and reports
 * those that do not validate. That is the invariant of SPEC "Rollovers": at
 * every moment, every resolver, whatever it holds in its cache within the
 * published TTLs, can validate the zone.
 *
 * Validation follows RFC 4035 §5: the DNSKEY RRset must be signed by a key
 * that a DS in the cached DS RRset points to (an empty DS RRset means an
 * insecure delegation: nothing to validate), and data must be signed by a key
 * of the (validated) DNSKEY RRset. With `strictAlgorithms`, the resolver also
 * wants a signature of every algorithm the DS RRset signals, on the DNSKEY RRset
 * and on the data (the stricter reading of RFC 4035 §2.2 some validators apply
 * against downgrades).
 */
import type { UnixSeconds } from '../core/time.ts';

export interface KeyRef {
  id: string;
  algorithm: number;
}

/** A new version of our zone, published at `at` (first served then; every server has it Dprp later). */
export interface ZonePublication {
  kind: 'zone';
  at: UnixSeconds;
  dnskeys: KeyRef[];
  dnskeySigners: KeyRef[];
  zoneSigners: KeyRef[];
  dnskeyTtl: number;
  /** TTL of the longest-lived data RRset; shorter ones can only be cached in fewer versions. */
  maxZoneTtl: number;
}

/** One parent server starts answering this DS RRset at `at`. */
export interface DsPublication {
  kind: 'ds';
  at: UnixSeconds;
  server: string;
  ds: KeyRef[];
  ttl: number;
}

export type Publication = ZonePublication | DsPublication;

export interface CacheModelOptions {
  /** Our servers: a zone version is served until the next one, plus this delay. */
  zonePropagationDelay: number;
  /**
   * Parent instances we cannot see (anycast nodes, secondaries) may lag the
   * ones we ask by up to this long; a DS version is served that much longer.
   */
  parentHiddenLag: number;
  strictAlgorithms: boolean;
}

interface Served<T> {
  value: T;
  from: UnixSeconds;
  /** Last served strictly before this time; null while still served. */
  until: UnixSeconds | null;
  ttl: number;
}

interface DnskeyValue { keys: KeyRef[]; signers: KeyRef[]; version: number }
interface DataValue { signers: KeyRef[]; version: number }
interface DsValue { ds: KeyRef[]; server: string }

export interface Violation {
  at: UnixSeconds;
  reason: string;
  ds: string[];
  dnskeys: string[];
  dnskeySigners: string[];
  dataSigners: string[];
}

/** The histories of the three RRsets a resolver needs, with the times each version was served. */
export interface Histories {
  ds: Served<DsValue>[];
  dnskey: Served<DnskeyValue>[];
  data: Served<DataValue>[];
}

export function buildHistories(publications: readonly Publication[], options: CacheModelOptions): Histories {
  const sorted = [...publications].sort((a, b) => a.at - b.at);
  const dnskey: Served<DnskeyValue>[] = [];
  const data: Served<DataValue>[] = [];
  const ds: Served<DsValue>[] = [];
  const openDs = new Map<string, Served<DsValue>>();
  let version = 0;
  for (const p of sorted) {
    if (p.kind === 'zone') {
      // The previous version stays on some server until the new one has propagated everywhere.
      const end = p.at + options.zonePropagationDelay;
      const lastKey = dnskey[dnskey.length - 1];
      const lastData = data[data.length - 1];
      if (lastKey) lastKey.until = end;
      if (lastData) lastData.until = end;
      version += 1;
      dnskey.push({ value: { keys: p.dnskeys, signers: p.dnskeySigners, version }, from: p.at, until: null, ttl: p.dnskeyTtl });
      data.push({ value: { signers: p.zoneSigners, version }, from: p.at, until: null, ttl: p.maxZoneTtl });
    } else {
      const previous = openDs.get(p.server);
      if (previous) previous.until = p.at + options.parentHiddenLag;
      const served: Served<DsValue> = { value: { ds: p.ds, server: p.server }, from: p.at, until: null, ttl: p.ttl };
      openDs.set(p.server, served);
      ds.push(served);
    }
  }
  return { ds, dnskey, data };
}

/** Versions a resolver can hold at `t`: fetched at some moment they were served, within their TTL. */
function cacheable<T>(history: readonly Served<T>[], t: UnixSeconds): Served<T>[] {
  return history.filter((v) => v.from <= t && (v.until === null || t < v.until + v.ttl));
}

const ids = (keys: readonly KeyRef[]) => keys.map((k) => k.id);
const has = (keys: readonly KeyRef[], key: KeyRef) => keys.some((k) => k.id === key.id);

/** Why this combination fails to validate, or null when it validates (or is insecure). */
export function validateCombination(ds: readonly KeyRef[], dnskey: DnskeyValue, dataSigners: readonly KeyRef[], strict: boolean): string | null {
  // RFC 4035 §5.2: no DS at the parent is an insecure delegation.
  if (ds.length === 0) return null;
  // A DNSKEY that a DS points to and that signs the DNSKEY RRset (RFC 4035 §5.2).
  const anchors = dnskey.keys.filter((k) => has(ds, k) && has(dnskey.signers, k));
  if (anchors.length === 0) return 'no DNSKEY that a cached DS points to signs the cached DNSKEY RRset';
  // RFC 4035 §5.3: data is signed by a key of the validated DNSKEY RRset.
  const usable = dataSigners.filter((s) => has(dnskey.keys, s));
  if (usable.length === 0) return 'the cached data is signed by no key of the cached DNSKEY RRset';
  if (strict) {
    for (const algorithm of new Set(ds.map((k) => k.algorithm))) {
      if (!anchors.some((k) => k.algorithm === algorithm)) return `DNSKEY RRset lacks a signature of algorithm ${algorithm} signalled by the DS RRset`;
      if (!usable.some((k) => k.algorithm === algorithm)) return `data lacks a signature of algorithm ${algorithm} signalled by the DS RRset`;
    }
  }
  return null;
}

/** Checks every combination of cacheable versions at `t`. */
export function checkAt(h: Histories, t: UnixSeconds, strict: boolean): Violation[] {
  const out: Violation[] = [];
  // The DS RRsets a resolver can hold: any server's version, or none yet (a delegation not yet signed).
  const dsVersions = cacheable(h.ds, t).map((v) => v.value.ds);
  if (dsVersions.length === 0) dsVersions.push([]);
  const keyVersions = cacheable(h.dnskey, t);
  const dataVersions = cacheable(h.data, t);
  for (const ds of dsVersions) {
    for (const k of keyVersions) {
      for (const d of dataVersions) {
        const reason = validateCombination(ds, k.value, d.value.signers, strict);
        if (reason !== null) {
          out.push({ at: t, reason, ds: ids(ds), dnskeys: ids(k.value.keys), dnskeySigners: ids(k.value.signers), dataSigners: ids(d.value.signers) });
        }
      }
    }
  }
  return out;
}

/**
 * Checks every moment in [from, to]: the cacheable sets only change when a
 * version starts being served or a cached copy can have expired, so checking
 * at those moments checks them all.
 */
export function checkTimeline(publications: readonly Publication[], options: CacheModelOptions, from: UnixSeconds, to: UnixSeconds): Violation[] {
  const h = buildHistories(publications, options);
  const moments = new Set<number>([from]);
  for (const v of [...h.ds, ...h.dnskey, ...h.data] as Served<unknown>[]) {
    for (const t of [v.from, v.until, v.until === null ? null : v.until + v.ttl]) {
      if (t !== null && t >= from && t <= to) moments.add(t);
    }
  }
  const violations: Violation[] = [];
  for (const t of [...moments].sort((a, b) => a - b)) violations.push(...checkAt(h, t, options.strictAlgorithms));
  return violations;
}
