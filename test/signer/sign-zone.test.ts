import { describe, expect, it } from 'vitest';
import { fromHex } from '../../src/core/bytes.ts';
import { signZone } from '../../src/signer/sign-zone.ts';
import type { ActiveKey, SignedZone, SignZoneOptions } from '../../src/signer/sign-zone.ts';
import { hashedJitter } from '../../src/signer/validity.ts';
import { decodeNsec3, decodeRrsig } from '../../src/zone/dnssec-rdata.ts';
import { RRType, typeToString } from '../../src/zone/types.ts';
import type { Zone } from '../../src/zone/zone.ts';
import { RFC4035_ORIGIN, RFC4035_ZONE } from '../fixtures/signer/rfc4035-appendix-a.ts';
import { RFC5155_ORIGIN, RFC5155_ZONE } from '../fixtures/signer/rfc5155-appendix-a.ts';
import { presentNsec, verifyRrsig } from './helpers/inspect.ts';
import { ed25519Key, KSK_FLAGS, p256Key, ZSK_FLAGS } from './helpers/test-keys.ts';
import { makeZone } from './helpers/zone-builder.ts';

const NOW = 1_800_000_000;
const ksk = ed25519Key(1, KSK_FLAGS);
const zsk = ed25519Key(2, ZSK_FLAGS);
const retiring = ed25519Key(3, ZSK_FLAGS);

function options(overrides: Partial<SignZoneOptions> = {}): SignZoneOptions {
  return {
    now: NOW,
    keys: [{ key: ksk, signs: 'ksk' }, { key: zsk, signs: 'zsk' }],
    dnskeyTtl: 3600,
    validity: 14 * 86400,
    inceptionOffset: 3600,
    jitter: 12 * 3600,
    random: hashedJitter('example./test'),
    denial: { kind: 'nsec' },
    serial: 2027013100,
    ...overrides,
  };
}

const find = (signed: SignedZone, owner: string, type: number) =>
  signed.rrsets.find((s) => s.rrset.owner.toString() === owner && s.rrset.type === type);

/** Every signature verifies against the published DNSKEY RRset. */
function expectAllVerify(signed: SignedZone): void {
  const dnskeys = find(signed, signed.origin.toString(), RRType.DNSKEY)!.rrset.rdatas;
  for (const { rrset, signatures } of signed.rrsets) {
    for (const s of signatures) expect(verifyRrsig(rrset, s, dnskeys), `${rrset.owner.toString()} ${typeToString(rrset.type)}`).toBe(true);
  }
}

function expectCanonicalOrder(signed: SignedZone): void {
  for (let i = 1; i < signed.rrsets.length; i++) {
    const a = signed.rrsets[i - 1]!.rrset;
    const b = signed.rrsets[i]!.rrset;
    expect(a.owner.compare(b.owner) || a.type - b.type, `${a.owner.toString()} ${a.type} / ${b.owner.toString()} ${b.type}`).toBeLessThan(0);
  }
}

describe('signZone with NSEC (RFC 4035 Appendix A zone)', () => {
  const zone = makeZone(RFC4035_ORIGIN, RFC4035_ZONE);
  const signed = signZone(zone, options({ publishedOnly: [retiring.dnskeyRdata] }));

  it('returns every RRset in canonical order, each signature verifying', () => {
    expectCanonicalOrder(signed);
    expectAllVerify(signed);
    expect(signed.warnings).toEqual([]);
  });

  it('publishes the DNSKEY set (active and published-only keys) signed by the KSK only', () => {
    const dnskey = find(signed, 'example.', RRType.DNSKEY)!;
    expect(dnskey.rrset.ttl).toBe(3600);
    expect(dnskey.rrset.rdatas).toHaveLength(3);
    expect(dnskey.signatures.map((s) => decodeRrsig(s).keyTag)).toEqual([ksk.keyTag]);
    expect(find(signed, 'example.', RRType.SOA)!.signatures.map((s) => decodeRrsig(s).keyTag)).toEqual([zsk.keyTag]);
  });

  it('puts the given serial in the SOA', () => {
    const soa = find(signed, 'example.', RRType.SOA)!.rrset.rdatas[0]!;
    expect(new DataView(soa.buffer, soa.byteOffset).getUint32(soa.length - 20)).toBe(2027013100);
  });

  it('leaves delegation NS, glue and the child data at a cut unsigned; signs DS and every NSEC', () => {
    expect(find(signed, 'a.example.', RRType.NS)!.signatures).toHaveLength(0);
    expect(find(signed, 'a.example.', RRType.DS)!.signatures).toHaveLength(1);
    expect(find(signed, 'b.example.', RRType.NS)!.signatures).toHaveLength(0);
    expect(find(signed, 'b.example.', RRType.A)!.signatures).toHaveLength(0);
    expect(find(signed, 'ns1.a.example.', RRType.A)!.signatures).toHaveLength(0);
    expect(find(signed, 'b.example.', RRType.NSEC)!.signatures).toHaveLength(1);
    expect(presentNsec(find(signed, 'b.example.', RRType.NSEC)!.rrset.rdatas[0]!)).toBe('ns1.example. NS RRSIG NSEC');
    expect(find(signed, 'ns1.a.example.', RRType.NSEC)).toBeUndefined();
  });

  it('signs the wildcard with Labels 2', () => {
    const mx = find(signed, '*.w.example.', RRType.MX)!;
    expect(decodeRrsig(mx.signatures[0]!).labels).toBe(2);
  });

  it('counts what it did', () => {
    // Input RRsets 22 (with b A) + DNSKEY + 10 NSEC = 33; unsigned: a NS, b NS, b A, 4 glue A = 7.
    expect(signed.stats).toMatchObject({ rrsets: 33, rrsetsSigned: 26, signatures: 26, denialRecords: 10, inception: NOW - 3600 });
    expect(signed.stats.earliestExpiration).toBeGreaterThanOrEqual(NOW + 14 * 86400 - 12 * 3600);
    expect(signed.stats.latestExpiration).toBeLessThanOrEqual(NOW + 14 * 86400);
    expect(signed.stats.latestExpiration).toBeGreaterThan(signed.stats.earliestExpiration);
  });

  it('is deterministic for deterministic keys and jitter', () => {
    const again = signZone(zone, options({ publishedOnly: [retiring.dnskeyRdata] }));
    expect(again.rrsets.map((s) => s.signatures.map((x) => Buffer.from(x).toString('hex')))).toEqual(
      signed.rrsets.map((s) => s.signatures.map((x) => Buffer.from(x).toString('hex'))),
    );
  });

  it('gives each RRset its own expiration from the jitter source', () => {
    const expirations = new Set(signed.rrsets.flatMap((s) => s.signatures.map((x) => decodeRrsig(x).expiration)));
    expect(expirations.size).toBeGreaterThan(10);
  });
});

describe('signZone with NSEC3 (RFC 5155 Appendix A zone)', () => {
  const zone = makeZone(RFC5155_ORIGIN, RFC5155_ZONE);
  const signed = signZone(zone, options({ denial: { kind: 'nsec3', iterations: 12, salt: fromHex('aabbccdd')!, optOut: true } }));

  it('interleaves NSEC3 owners in canonical order, next to real names that look like hashes', () => {
    expectCanonicalOrder(signed);
    expectAllVerify(signed);
    const at2t7b = signed.rrsets.filter((s) => s.rrset.owner.toString() === '2t7b4g4vsa5smi47k61mv5bv1a22bojr.example.').map((s) => s.rrset.type);
    expect(at2t7b).toEqual([RRType.A, RRType.NSEC3]);
    expect(signed.rrsets.filter((s) => s.rrset.type === RRType.NSEC3)).toHaveLength(12);
    expect(signed.rrsets.filter((s) => s.rrset.type === RRType.NSEC)).toHaveLength(0);
  });

  it('publishes a signed NSEC3PARAM and lists it in the apex bitmap', () => {
    const param = find(signed, 'example.', RRType.NSEC3PARAM)!;
    expect(param.signatures).toHaveLength(1);
    const apexNsec3 = find(signed, '0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example.', RRType.NSEC3)!;
    expect(decodeNsec3(apexNsec3.rrset.rdatas[0]!).types).toEqual([RRType.NS, RRType.SOA, RRType.MX, RRType.RRSIG, RRType.DNSKEY, RRType.NSEC3PARAM]);
    expect(apexNsec3.signatures).toHaveLength(1);
    expect(decodeRrsig(apexNsec3.signatures[0]!).labels).toBe(2);
  });

  it('warns about the dropped input DNSSEC data and the RFC 9276 parameters', () => {
    expect(signed.warnings.map((w) => w.code).sort()).toEqual(['WARN_NSEC3_ITERATIONS', 'WARN_NSEC3_SALT', 'WARN_SIGN_DROPPED_INPUT', 'WARN_SIGN_DROPPED_INPUT']);
  });

  it('with RFC 9276 defaults, has no warnings and an NSEC3 for the insecure delegation', () => {
    const plain = signZone(zone, options({ denial: { kind: 'nsec3', iterations: 0, salt: new Uint8Array(), optOut: false } }));
    expect(plain.warnings.map((w) => w.code)).toEqual(['WARN_SIGN_DROPPED_INPUT', 'WARN_SIGN_DROPPED_INPUT']);
    expect(plain.stats.denialRecords).toBe(13);
    expectAllVerify(plain);
  });
});

describe('signZone keys and algorithms (RFC 4035 §2.2)', () => {
  // ns1 has a type above NSEC (HTTPS, 65), so the NSEC sorts between its RRsets.
  const zone: Zone = makeZone('example.', ['@ SOA ns1 h 1 3600 300 3600000 300', '@ NS ns1', 'ns1 A 192.0.2.1', 'ns1 TYPE65 \\# 3 000100', 'sub NS ns.sub', 'ns.sub A 192.0.2.2']);
  const code = (o: SignZoneOptions) => {
    try {
      signZone(zone, o);
      return 'ok';
    } catch (e) {
      return (e as { code: string }).code;
    }
  };

  it('signs every RRset with every algorithm of the DNSKEY set', () => {
    const ec = p256Key(KSK_FLAGS);
    const keys: ActiveKey[] = [{ key: ksk, signs: 'csk' }, { key: ec, signs: 'csk' }];
    const signed = signZone(zone, options({ keys }));
    for (const { rrset, signatures } of signed.rrsets) {
      if (rrset.type === RRType.NS && !rrset.owner.equals(zone.origin)) continue;
      if (rrset.owner.toString() === 'ns.sub.example.') continue;
      expect(signatures.map((s) => decodeRrsig(s).algorithm), `${rrset.owner.toString()} ${typeToString(rrset.type)}`).toEqual([13, 15]);
    }
    expectAllVerify(signed);
    expectCanonicalOrder(signed);
    expect(signed.rrsets.filter((x) => x.rrset.owner.toString() === 'ns1.example.').map((x) => x.rrset.type)).toEqual([RRType.A, RRType.NSEC, 65]);
  });

  it('refuses a DNSKEY set whose algorithms a role cannot sign', () => {
    const ec = p256Key(ZSK_FLAGS);
    expect(code(options({ keys: [{ key: ksk, signs: 'ksk' }, { key: ec, signs: 'zsk' }] }))).toBe('ERR_SIGN_ALGORITHM_NOT_COVERED');
    expect(code(options({ publishedOnly: [p256Key(ZSK_FLAGS).dnskeyRdata] }))).toBe('ERR_SIGN_ALGORITHM_NOT_COVERED');
    expect(code(options({ keys: [{ key: zsk, signs: 'zsk' }] }))).toBe('ERR_SIGN_ALGORITHM_NOT_COVERED');
    expect(code(options({ keys: [] }))).toBe('ERR_SIGN_NO_KEYS');
  });

  it('refuses keys without the Zone Key flag and bad settings', () => {
    expect(code(options({ keys: [{ key: ed25519Key(9, 1), signs: 'csk' }] }))).toBe('ERR_SIGN_NOT_ZONE_KEY');
    expect(code(options({ dnskeyTtl: -1 }))).toBe('ERR_SIGN_BAD_TTL');
    expect(code(options({ serial: 2 ** 32 }))).toBe('ERR_SERIAL_RANGE');
    expect(code(options({ jitter: 15 * 86400 }))).toBe('ERR_SIGN_BAD_VALIDITY');
  });

  it('publishes CDS and CDNSKEY (RFC 7344) signed by the KSK, listed in the bitmap', () => {
    const cds = fromHex(`${ksk.keyTag.toString(16).padStart(4, '0')}0f02${'ab'.repeat(32)}`)!;
    const signed = signZone(zone, options({ cds: [cds], cdnskey: [ksk.dnskeyRdata] }));
    for (const type of [RRType.CDS, RRType.CDNSKEY]) {
      const s = find(signed, 'example.', type)!;
      expect(s.rrset.ttl).toBe(3600);
      expect(s.signatures.map((x) => decodeRrsig(x).keyTag)).toEqual([ksk.keyTag]);
    }
    expect(presentNsec(find(signed, 'example.', RRType.NSEC)!.rrset.rdatas[0]!)).toBe('ns1.example. NS SOA RRSIG NSEC DNSKEY CDS CDNSKEY');
    expectAllVerify(signed);
  });

  it('takes the NSEC TTL from the SOA (RFC 9077)', () => {
    const signed = signZone(zone, options());
    expect(signed.rrsets.filter((s) => s.rrset.type === RRType.NSEC).every((s) => s.rrset.ttl === 300)).toBe(true);
  });
});
