/**
 * The broken-zone corpus: a small zone signed by signet's pure signer, then
 * broken on purpose, one failure per case. Each case keeps everything else
 * valid, so that the finding it expects is the one the case is about.
 *
 * Times are relative to a `now` given by the caller; the tests pass the wall
 * clock so that dnssec-verify (which has no clock option) judges the same
 * instant as signet and ldns-verify-zone (`-t`).
 */
import { compareBytes, fromBase32Hex, toBase32Hex } from '../../../src/core/bytes.ts';
import { renderSignedZone } from '../../../src/manager/signed-zone-file.ts';
import { computeDsRdata } from '../../../src/signer/ds.ts';
import { createNsec3Hasher } from '../../../src/signer/nsec3-hash.ts';
import { signRRset } from '../../../src/signer/rrsig.ts';
import { signZone } from '../../../src/signer/sign-zone.ts';
import type { ActiveKey, SignedRRset, SignedZone, SignZoneOptions } from '../../../src/signer/sign-zone.ts';
import type { SigningKey } from '../../../src/signer/signing-key.ts';
import { hashedJitter } from '../../../src/signer/validity.ts';
import { buildRRset } from '../../../src/zone/canonical.ts';
import { decodeNsec, decodeNsec3, decodeRrsig, encodeNsec, encodeNsec3 } from '../../../src/zone/dnssec-rdata.ts';
import { Name } from '../../../src/zone/name.ts';
import { parseZoneText } from '../../../src/zone/parser.ts';
import type { RRset } from '../../../src/zone/record.ts';
import { RRType } from '../../../src/zone/types.ts';
import type { Zone } from '../../../src/zone/zone.ts';
import { ed25519Key, p256Key } from '../../signer/helpers/test-keys.ts';
import { zoneFromRecords } from '../../signer/helpers/zone-builder.ts';

export const ORIGIN = Name.parse('example.test.');
const DAY = 86400;

/** Apex data, a wildcard, empty non-terminals, a secure and an insecure delegation with glue, a DNAME. */
export const CORPUS_ZONE_TEXT = `$ORIGIN example.test.
$TTL 3600
@        IN SOA ns1 hostmaster 2024010101 7200 3600 1209600 300
@        IN NS  ns1
@        IN NS  ns2.example.net.
@        IN MX  10 mail
@        IN TXT "v=spf1 -all"
ns1      IN A   192.0.2.1
mail     IN A   192.0.2.25
www      IN A   192.0.2.10
www      IN AAAA 2001:db8::10
*.wild   IN TXT "wildcard"
x.y.deep IN A   192.0.2.50
alias    IN DNAME target.example.net.
sub      IN NS  ns.sub
sub      IN DS  12345 13 2 8E2A9E1A1C4C7C6B1E5E1B6B1E3C9F1B2A3C4D5E6F708192A3B4C5D6E7F80912
ns.sub   IN A   192.0.2.129
insecure IN NS  ns.example.net.
`;

/** The unsigned corpus zone, grouped and sorted as loadZone would. */
export function corpusZone(text = CORPUS_ZONE_TEXT): Zone {
  return zoneFromRecords(ORIGIN, parseZoneText(text, { origin: ORIGIN, file: 'corpus.zone' }));
}

// The signer tests' keys: a deterministic Ed25519 key from a seed octet, a fresh P-256 key.
export { ed25519Key, p256Key };

export interface CorpusKeys {
  readonly ksk: SigningKey;
  readonly zsk: SigningKey;
  /** A second algorithm's pair, for the multi-algorithm cases. */
  readonly ksk2: SigningKey;
  readonly zsk2: SigningKey;
  /** A key of the zone's name that is never published: the "foreign" key for DS and CDS cases. */
  readonly foreign: SigningKey;
}

export function corpusKeys(): CorpusKeys {
  return {
    ksk: p256Key(257),
    zsk: p256Key(256),
    ksk2: ed25519Key(0x21, 257),
    zsk2: ed25519Key(0x22, 256),
    foreign: ed25519Key(0x33, 257),
  };
}

export interface SignCorpusOptions {
  readonly now: number;
  readonly keys: readonly ActiveKey[];
  readonly denial?: SignZoneOptions['denial'];
  readonly validity?: number;
  readonly publishedOnly?: readonly Uint8Array[];
  readonly cds?: readonly Uint8Array[];
  readonly cdnskey?: readonly Uint8Array[];
  readonly zoneText?: string;
}

export const NSEC3_DEFAULT: SignZoneOptions['denial'] = { kind: 'nsec3', iterations: 0, salt: new Uint8Array(0), optOut: false };

export function signCorpus(o: SignCorpusOptions): SignedZone {
  return signZone(corpusZone(o.zoneText), {
    now: o.now,
    keys: o.keys,
    dnskeyTtl: 3600,
    validity: o.validity ?? 14 * DAY,
    inceptionOffset: 3600,
    jitter: 0,
    random: hashedJitter('corpus'),
    denial: o.denial ?? NSEC3_DEFAULT,
    serial: 2024010102,
    ...(o.publishedOnly ? { publishedOnly: o.publishedOnly } : {}),
    ...(o.cds ? { cds: o.cds } : {}),
    ...(o.cdnskey ? { cdnskey: o.cdnskey } : {}),
  });
}

/** The standard key set: one KSK and one ZSK of algorithm 13. */
export function kskZsk(keys: CorpusKeys): ActiveKey[] {
  return [{ key: keys.ksk, signs: 'ksk' }, { key: keys.zsk, signs: 'zsk' }];
}

/** The zone as master-file text, as signet writes it. */
export function renderZone(zone: SignedZone): string {
  let text = '';
  renderSignedZone(zone, (t) => { text += t; });
  return text;
}

/** The DS (SHA-256) of a key at the corpus origin, as a zone-file line. */
export function dsLine(key: SigningKey): string {
  const ds = computeDsRdata(ORIGIN, key.dnskeyRdata, 2);
  const tag = (ds[0]! << 8) | ds[1]!;
  return `${ORIGIN.toString()} 3600 IN DS ${tag} ${ds[2]} ${ds[3]} ${Buffer.from(ds.subarray(4)).toString('hex').toUpperCase()}\n`;
}

export function dsRdata(key: SigningKey): Uint8Array {
  return computeDsRdata(ORIGIN, key.dnskeyRdata, 2);
}

// ---- Mutations -------------------------------------------------------------

function indexOf(zone: SignedZone, owner: Name, type: number): number {
  const i = zone.rrsets.findIndex((s) => s.rrset.owner.equals(owner) && s.rrset.type === type);
  if (i < 0) throw new Error(`no ${owner.toString()} ${type} in the corpus zone`);
  return i;
}

export function findSet(zone: SignedZone, owner: Name, type: number): SignedRRset {
  return zone.rrsets[indexOf(zone, owner, type)]!;
}

/** A copy of the zone with the RRset at (owner, type) replaced (or removed when `replace` returns null). */
export function withSet(zone: SignedZone, owner: Name, type: number, replace: (s: SignedRRset) => SignedRRset | null): SignedZone {
  const i = indexOf(zone, owner, type);
  const rrsets = [...zone.rrsets];
  const next = replace(rrsets[i]!);
  if (next === null) rrsets.splice(i, 1);
  else rrsets[i] = next;
  return { ...zone, rrsets };
}

export interface Times {
  readonly inception: number;
  readonly expiration: number;
  readonly signerName?: Name;
}

/** Signs an RRset with keys, as the signer would but with the given times and signer name. */
export function signWith(rrset: RRset, keys: readonly SigningKey[], t: Times): Uint8Array[] {
  return keys.map((k) => signRRset(rrset, k, { inception: t.inception, expiration: t.expiration, signerName: t.signerName ?? ORIGIN }));
}

/** The keys (by tag and algorithm) that made the RRSIGs of a set: for re-signing it alike. */
export function signersOf(set: SignedRRset, keys: readonly SigningKey[]): SigningKey[] {
  return set.signatures.map((s) => {
    const r = decodeRrsig(s);
    const k = keys.find((key) => key.keyTag === r.keyTag && key.algorithm === r.algorithm);
    if (!k) throw new Error(`no corpus key with tag ${r.keyTag}`);
    return k;
  });
}

/** The times of the first RRSIG of a set. */
export function timesOf(set: SignedRRset): Times {
  const r = decodeRrsig(set.signatures[0]!);
  return { inception: r.inception, expiration: r.expiration };
}

/** Replaces the RDATA of an RRset and re-signs it with the same keys and times (valid signature, wrong content). */
export function resignedWith(set: SignedRRset, rdatas: readonly Uint8Array[], keys: readonly SigningKey[]): SignedRRset {
  const r = set.rrset;
  const rrset = buildRRset(rdatas.map((rdata) => ({ owner: r.owner, type: r.type, class: r.class, ttl: r.ttl, rdata })));
  return { rrset, signatures: signWith(rrset, signersOf(set, keys), timesOf(set)) };
}

/** Replaces the RDATA of an RRset and signs it with `signers`, with the old signatures' times. */
export function resignedBy(set: SignedRRset, rdatas: readonly Uint8Array[], signers: readonly SigningKey[]): SignedRRset {
  const r = set.rrset;
  const rrset = buildRRset(rdatas.map((rdata) => ({ owner: r.owner, type: r.type, class: r.class, ttl: r.ttl, rdata })));
  return { rrset, signatures: signWith(rrset, signers, timesOf(set)) };
}

/** Replaces the RDATA of an RRset and keeps the old signatures (tampering). */
export function tampered(set: SignedRRset, rdatas: readonly Uint8Array[]): SignedRRset {
  const r = set.rrset;
  const rrset = buildRRset(rdatas.map((rdata) => ({ owner: r.owner, type: r.type, class: r.class, ttl: r.ttl, rdata })));
  return { rrset, signatures: set.signatures };
}

/** The NSEC3 RRset whose original owner is `name`. */
export function nsec3For(zone: SignedZone, name: Name): SignedRRset {
  const first = zone.rrsets.find((s) => s.rrset.type === RRType.NSEC3)!;
  const p = decodeNsec3(first.rrset.rdatas[0]!);
  const hash = createNsec3Hasher(p.iterations, p.salt).hashName(name);
  const owner = Name.fromLabels([Buffer.from(toBase32Hex(hash), 'latin1'), ...ORIGIN.labels]);
  return findSet(zone, owner, RRType.NSEC3);
}

/** Changes the type list of an NSEC3 (re-signed, so only the bitmap is wrong). */
export function withNsec3Types(zone: SignedZone, name: Name, types: (old: readonly number[]) => number[], keys: readonly SigningKey[]): SignedZone {
  const set = nsec3For(zone, name);
  const n = decodeNsec3(set.rrset.rdatas[0]!);
  const rdata = encodeNsec3({ ...n, types: types(n.types) });
  return withSet(zone, set.rrset.owner, RRType.NSEC3, (s) => resignedWith(s, [rdata], keys));
}

/** Changes the type list of an NSEC (re-signed). */
export function withNsecTypes(zone: SignedZone, name: Name, types: (old: readonly number[]) => number[], keys: readonly SigningKey[]): SignedZone {
  return withSet(zone, name, RRType.NSEC, (s) => {
    const n = decodeNsec(s.rrset.rdatas[0]!);
    return resignedWith(s, [encodeNsec({ ...n, types: types(n.types) })], keys);
  });
}

/**
 * Replaces the NSEC3 of `name` by one at the hash of `impostor` (a name not
 * in the zone) and rebuilds the chain's next-hash pointers around it, all
 * re-signed: the chain is closed and ordered, but one owner is the hash of
 * no name of the zone (and `name` is left without its NSEC3).
 */
export function withWrongNsec3Hash(zone: SignedZone, name: Name, impostor: Name, keys: readonly SigningKey[]): SignedZone {
  const victim = nsec3For(zone, name);
  const p = decodeNsec3(victim.rrset.rdatas[0]!);
  const hasher = createNsec3Hasher(p.iterations, p.salt);
  const others = zone.rrsets.filter((s) => s.rrset.type !== RRType.NSEC3);
  const nsec3 = zone.rrsets.filter((s) => s.rrset.type === RRType.NSEC3);
  const entries = nsec3.map((s) => {
    const isVictim = s === victim;
    const hash = isVictim ? hasher.hashName(impostor) : decodeHashLabel(s.rrset.owner);
    return { hash, set: s, data: decodeNsec3(s.rrset.rdatas[0]!) };
  });
  entries.sort((a, b) => compareBytes(a.hash, b.hash));
  const signer = signersOf(victim, keys);
  const times = timesOf(victim);
  const rebuilt: SignedRRset[] = entries.map((e, i) => {
    const next = entries[(i + 1) % entries.length]!.hash;
    const owner = Name.fromLabels([Buffer.from(toBase32Hex(e.hash), 'latin1'), ...ORIGIN.labels]);
    const rdata = encodeNsec3({ ...e.data, nextHashed: next });
    const rrset = buildRRset([{ owner, type: RRType.NSEC3, class: 1, ttl: e.set.rrset.ttl, rdata }]);
    return { rrset, signatures: signWith(rrset, signer, times) };
  });
  const rrsets = [...others, ...rebuilt].sort((a, b) => a.rrset.owner.compare(b.rrset.owner) || a.rrset.type - b.rrset.type);
  return { ...zone, rrsets };
}

function decodeHashLabel(owner: Name): Uint8Array {
  const hash = fromBase32Hex(Buffer.from(owner.labels[0]!).toString('latin1'));
  if (hash === null) throw new Error(`${owner.toString()} is not an NSEC3 owner`);
  return hash;
}

export function name(text: string): Name {
  return Name.parse(text, ORIGIN);
}

export function ipv4(text: string): Uint8Array {
  return Uint8Array.from(text.split('.').map(Number));
}

/** A copy of the zone with `sets` added (kept in canonical order). */
export function withAdded(zone: SignedZone, ...sets: SignedRRset[]): SignedZone {
  const rrsets = [...zone.rrsets, ...sets].sort((a, b) => a.rrset.owner.compare(b.rrset.owner) || a.rrset.type - b.rrset.type);
  return { ...zone, rrsets };
}

/** A copy of the zone without the RRsets `drop` selects. */
export function without(zone: SignedZone, drop: (s: SignedRRset) => boolean): SignedZone {
  return { ...zone, rrsets: zone.rrsets.filter((s) => !drop(s)) };
}

/** One RRset from records given as (type, rdata) at an owner. */
export function makeSet(owner: Name, type: number, rdatas: readonly Uint8Array[], ttl = 3600): RRset {
  return buildRRset(rdatas.map((rdata) => ({ owner, type, class: 1, ttl, rdata })));
}
