/**
 * The compact loader (fast reader, general reader) against loadZone: the
 * same RRsets, owner spellings, warnings and errors on the zone corpus and
 * on every rule loadZone enforces.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { digestZone } from '../../src/manager/rollover-input.ts';
import { compactSoaSerial, compactToZone, digestCompactZone } from '../../src/signer/parallel/compact-zone.ts';
import { loadCompactZone, loadCompactZoneGeneral } from '../../src/signer/parallel/fast-load.ts';
import type { CompactZone } from '../../src/signer/parallel/compact-zone.ts';
import { writeSignedZone } from '../../src/manager/signed-zone-file.ts';
import { CORPUS_ZONE_TEXT, corpusKeys, dsRdata, kskZsk, ORIGIN, signCorpus } from '../verify/helpers/corpus.ts';
import { signCompactZoneToFile } from '../../src/signer/parallel/stream-sign.ts';
import { baseOptions, ed25519Parallel } from './parallel-helpers.ts';
import { loadZone } from '../../src/zone/load.ts';
import { Name } from '../../src/zone/name.ts';
import { typeToString } from '../../src/zone/types.ts';
import type { Zone } from '../../src/zone/zone.ts';

const dir = mkdtempSync(join(tmpdir(), 'signet-compact-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function zoneFile(text: string): string {
  const path = join(dir, `z${n++}.zone`);
  writeFileSync(path, text, 'latin1');
  return path;
}

function describeZone(z: Zone): string[] {
  return [
    ...z.rrsets.map((s) => `${s.owner.toString()} ${s.ttl} ${s.class} ${typeToString(s.type)} ${s.rdatas.map((r) => Buffer.from(r).toString('hex')).join(',')}`),
    ...z.warnings.map((w) => `warning ${w.code} ${w.message} ${JSON.stringify(w.position)}`),
  ];
}

async function outcome<T>(p: Promise<T>): Promise<{ ok: T } | { error: string }> {
  try {
    return { ok: await p };
  } catch (e) {
    const z = e as { code?: string; message: string; position?: unknown };
    return { error: `${z.code} ${z.message} ${JSON.stringify(z.position)}` };
  }
}

/** Loads `path` both ways and expects the same result (or error); returns which reader the compact loader used. */
async function same(path: string, origin: Name, options: { defaultTtl?: number } = {}): Promise<'fast' | 'general' | 'error'> {
  const a = await outcome(loadZone(path, origin, options));
  const b = await outcome(loadCompactZone(path, origin, options));
  if ('error' in a) {
    expect(b).toEqual(a);
    return 'error';
  }
  expect('ok' in b).toBe(true);
  const compact = (b as { ok: Awaited<ReturnType<typeof loadCompactZone>> }).ok;
  expect(describeZone(compactToZone(compact))).toEqual(describeZone(a.ok));
  return compact.reader!;
}

const HEAD = '$TTL 300\n@ SOA ns1 hm 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.1\n';
const example = Name.parse('example.');

describe('loadCompactZone gives what loadZone gives', () => {
  it('on the zone corpus', async () => {
    expect(await same('zones/example.com.zone', Name.parse('example.com.'))).toBe('fast');
    expect(await same('zones/test/rfc5155.zone', example)).toBe('fast');
    expect(await same('zones/test/varied.zone', Name.parse('varied.example.'))).toBe('fast');
    expect(await same('test/fixtures/zone/escapes.zone', Name.parse('escapes.example.'))).toBe('fast');
    // $INCLUDE is the general reader's.
    expect(await same('test/fixtures/zone/include/top.zone', example)).not.toBe('fast');
  });

  it('on owners, TTLs, classes, directives and names in every spelling', async () => {
    const text = [
      '; no $TTL: the last explicit TTL applies',
      '@ 600 IN SOA ns1.example. hm.example. ( 1 2 3 4',
      '   5 ) ; parenthesized',
      '  IN NS ns1',
      'Www 60 A 192.0.2.1',
      'www IN 120 A 192.0.2.2',
      'WWW A 192.0.2.1',
      '\tAAAA 2001:db8::1',
      '$ORIGIN sub.example.',
      'x MX 10 @',
      'x 1h30m TXT "a (b" c',
      '$ORIGIN example.',
      '$TTL 1d',
      'y CNAME x.sub',
      'z NS ns.z',
      'ns.z A 192.0.2.9 ; glue',
      '*.w PTR host.example.net.',
      'ns1 A 192.0.2.53',
      'upper.case.example. MX 0 .',
      'd DNAME target.test.',
      'e\\.dot A 192.0.2.4',
      'f DS 1 13 2 ' + 'aa'.repeat(32),
    ].join('\r\n');
    expect(await same(zoneFile(text), example)).toBe('fast');
    expect(await same(zoneFile('@ SOA ns1 hm 1 2 3 4 86400\n@ NS ns1\nns1 A 192.0.2.1\n'), example)).toBe('fast');
    expect(await same(zoneFile('@ SOA ns1 hm 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.1\n'), example, { defaultTtl: 77 })).toBe('fast');
  });

  it('on every rule loadZone enforces, with the same error and position', async () => {
    const cases = [
      `${HEAD}b A 192.0.2.3\nZ.a TXT "z"\nb A 192.0.2.2\na MX 10 b\na A 192.0.2.4\n*.a A 192.0.2.5\nb A 192.0.2.2\n`,
      `${HEAD}www 600 A 192.0.2.1\nwww 60 A 192.0.2.2\nWWW 30 A 192.0.2.3\n`,
      '$TTL 300\n@ NS ns1\n',
      `${HEAD}\n@ SOA ns1 hm 2 2 3 4 5\n`,
      `${HEAD}sub SOA ns1 hm 2 2 3 4 5\n`,
      '$TTL 300\nwww A 192.0.2.1\n@ SOA ns1 hm 1 2 3 4 5\nsub NS ns1\n',
      `${HEAD}www A 192.0.2.1\nwww CNAME other\n`,
      `${HEAD}www CNAME other\n  TXT "x"\n`,
      `${HEAD}www CNAME other\nwww NSEC z.example. CNAME RRSIG NSEC\nwww RRSIG CNAME 13 2 300 20300101000000 20240101000000 1 example. AQID\n`,
      `${HEAD}@ CNAME other.test.\n`,
      `${HEAD}www CNAME a\nwww CNAME b\n`,
      `${HEAD}www CNAME a\nwww CNAME A\n`,
      `${HEAD}d DNAME a\nd DNAME b\n`,
      `${HEAD}www.example.net. A 192.0.2.1\n`,
      `${HEAD}$ORIGIN .\nexample A 192.0.2.1\ncom A 192.0.2.1\n`,
      `${HEAD}www CH TXT "x"\n`,
      `${HEAD}www A 192.0.2.1 (\n`,
      `${HEAD}www A 192.0.2.256\n`,
      `${HEAD}www A 192.0.2.1 extra\n`,
      `${HEAD}www MX 70000 mail\n`,
      `${HEAD}www ANY 192.0.2.1\n`,
      `${HEAD}${'a'.repeat(64)} A 192.0.2.1\n`,
      `${HEAD}a..b A 192.0.2.1\n`,
      '@ SOA ns1 hm 1 2 3 4 5\nwww A 192.0.2.1\n',
      'www A 192.0.2.1\n',
      `${HEAD}$INCLUDE nowhere.zone\n`,
      `${HEAD}$BOGUS x\n`,
      `${HEAD}www 99999999999 A 192.0.2.1\n`,
    ];
    const readers = [];
    for (const text of cases) readers.push(await same(zoneFile(text), example));
    expect(readers.filter((r) => r === 'fast').length).toBeGreaterThan(3);
  });

  it('on many names that share long prefixes, nested and not (the owner sort)', async () => {
    const lines = [HEAD];
    for (let i = 0; i < 3000; i++) {
      const label = `customer-${String((i * 7919) % 3000).padStart(7, '0')}`;
      lines.push(`${label} A 10.0.${i >> 8}.${i & 255}\n`);
      if (i % 5 === 0) lines.push(`sub.${label} TXT "x"\n`, `a.b.${label} AAAA 2001:db8::${i.toString(16)}\n`);
      if (i % 7 === 0) lines.push(`${label}-longer-label-here MX 10 ${label}\n`);
      if (i % 11 === 0) lines.push(`\\000${label} A 10.1.0.1\n`, `${label}\\255 A 10.1.0.2\n`);
    }
    expect(await same(zoneFile(lines.join('')), example)).toBe('fast');
    expect(await same(zoneFile(lines.filter((l) => !l.includes('\\')).join('')), example)).toBe('fast');
  });

  it('with the manager\'s input digest, largest TTL and SOA serial', async () => {
    for (const [file, origin] of [['zones/example.com.zone', 'example.com.'], ['zones/test/varied.zone', 'varied.example.']] as const) {
      const zone = await loadZone(file, Name.parse(origin));
      const compact = await loadCompactZone(file, Name.parse(origin));
      expect(digestCompactZone(compact)).toEqual(digestZone(zone));
      const soa = zone.rrsets.find((r) => r.type === 6)!.rdatas[0]!;
      expect(compactSoaSerial(compact)).toBe(new DataView(soa.buffer, soa.byteOffset).getUint32(soa.length - 20));
    }
  });

  it('on signed zones (RRSIG, NSEC, NSEC3 read directly), signet\'s and written by hand', async () => {
    const zone = await loadCompactZone('zones/test/varied.zone', Name.parse('varied.example.'));
    const keys = [ed25519Parallel(1, 257, 'ksk'), ed25519Parallel(2, 256, 'zsk')];
    for (const denial of [{ kind: 'nsec' as const }, { kind: 'nsec3' as const, iterations: 3, salt: Uint8Array.of(0xab, 0xcd), optOut: true }]) {
      const path = join(dir, `signed${n++}.zone`);
      await signCompactZoneToFile(zone, path, { ...baseOptions(keys), denial, jitterSeed: 'x', workers: 1 });
      expect(await same(path, Name.parse('varied.example.'))).toBe('fast');
    }
    const byHand = [
      HEAD,
      'a RRSIG A RSASHA256 2 300 20300101000000 20240101000000 1 Example. AQID',
      'b RRSIG A 8 2 1h 1893456000 1704067200 1 example. AQ ID',
      'c RRSIG TYPE65280 8 2 300 20300101000000 20240101000000 65535 EXAMPLE. AQIDBA==',
      'd NSEC Next.Example. A TYPE1234 RRSIG',
      'e NSEC3 1 1 12 aabbccdd 2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG',
      'f NSEC3 1 0 0 - 2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3S',
      'g RRSIG A 8 2 300 20300101000000 20240101000000 1 example. ===bad',
    ].join('\n') + '\n';
    expect(await same(zoneFile(byHand), example)).toBe('error');
    expect(await same(zoneFile(byHand.replace(/^g .*$/m, '')), example)).toBe('fast');
  });

  it('on a missing file', async () => {
    await same(join(dir, 'missing.zone'), example);
  });
});

/** Every array and field of a CompactZone but the reader's name. */
function arrays(z: CompactZone): Record<string, unknown> {
  const { reader: _reader, origin, ...rest } = z;
  return { origin: origin.toString(), ...rest };
}

/** Loads `path` with both readers; the fast one must read it and build the very same CompactZone. */
async function identical(path: string, origin: Name): Promise<CompactZone> {
  const fast = await loadCompactZone(path, origin);
  expect(fast.reader).toBe('fast');
  const general = await loadCompactZoneGeneral(path, origin);
  expect(arrays(fast)).toEqual(arrays(general));
  expect(describeZone(compactToZone(fast))).toEqual(describeZone(await loadZone(path, origin)));
  return fast;
}

const B64_88 = 'kYFqA8WVkK4Ql+H1xHDeY4/KYgQiObLbHe0QjQSQjdrTwrRovlqYriG7BGMu4FF1q5VUfbONhKA9XwNWe6uZsg==';

describe('the fast reader builds the same CompactZone as the general reader', () => {
  it('on signed corpus zones (NSEC3 and NSEC, CDS and CDNSKEY, escaped owners) as signet writes them', async () => {
    const keys = corpusKeys();
    const zoneText = `${CORPUS_ZONE_TEXT}odd\\.dot IN A 192.0.2.7\nsp\\032ace IN TXT "x"\n\\065bc IN AAAA 2001:db8::7\nUPPER.case IN MX 5 mail\n`;
    const denials = [
      { kind: 'nsec3' as const, iterations: 2, salt: Uint8Array.of(0xab, 0xcd), optOut: false },
      { kind: 'nsec' as const },
    ];
    for (const denial of denials) {
      const signed = signCorpus({
        now: 1_800_000_000, keys: kskZsk(keys), denial, zoneText,
        cds: [dsRdata(keys.ksk)], cdnskey: [keys.ksk.dnskeyRdata],
      });
      const path = join(dir, `corpus${n++}.signed`);
      writeSignedZone(path, signed);
      const z = await identical(path, ORIGIN);
      expect(z.records).toBeGreaterThan(40);
    }
  });

  it('on signet\'s streamed output', async () => {
    const zone = await loadCompactZone('zones/test/varied.zone', Name.parse('varied.example.'));
    const keys = [ed25519Parallel(1, 257, 'ksk'), ed25519Parallel(2, 256, 'zsk')];
    const path = join(dir, `streamed${n++}.zone`);
    await signCompactZoneToFile(zone, path, { ...baseOptions(keys), denial: { kind: 'nsec3', iterations: 0, salt: new Uint8Array(0), optOut: true }, jitterSeed: 'x', workers: 1 });
    await identical(path, Name.parse('varied.example.'));
  });

  it('on DNSSEC lines in every form the plain path reads or leaves to the lexer', async () => {
    const t = (owner: string, ttl: string, type: string, rdata: string) => `${owner}\t${ttl}\tIN\t${type}\t${rdata}`;
    const sig = (covered: string, times: string, signer = 'example.', b64 = B64_88) => `${covered} 13 1 300 ${times} 12345 ${signer} ${b64}`;
    const lines = [
      t('example.', '300', 'SOA', 'ns1.example. hm.example. 1 7200 3600 1209600 300'),
      t('example.', '300', 'NS', 'ns1.example.'),
      t('example.', '300', 'DNSKEY', `257 3 13 ${B64_88}`),
      t('example.', '300', 'NSEC3PARAM', '1 0 0 -'),
      t('example.', '300', 'CDS', `12345 13 2 ${'8E2A9E1A'.repeat(8)}`),
      t('example.', '300', 'DS', `1 13 2 AABB ccdd 0 1`),
      t('example.', '300', 'DS', `2 ECDSAP256SHA256 2 ${'ab'.repeat(32)}`),
      // RFC 4034 §3.2: times as plain numbers, and 14-digit times whose fields carry.
      t('example.', '300', 'RRSIG', sig('SOA', '1893456000 1704067200')),
      t('example.', '300', 'RRSIG', sig('NS', '20300101000000 20240229235959', 'EXAMPLE.')),
      t('example.', '300', 'RRSIG', sig('DNSKEY', '20300100000000 20301399000000')),
      t('example.', '300', 'RRSIG', sig('CDS', '00501231000000 19691231235959')),
      t('example.', '300', 'RRSIG', sig('DS', '20240230999999 99991231235959')),
      t('example.', '300', 'RRSIG', sig('TYPE65280', '0 4294967295')),
      // Base64 with each kind of ending, and one split over two tokens (the codec joins them).
      t('example.', '300', 'RRSIG', sig('A', '20300101000000 20240101000000', 'example.', 'AQIDBA==')),
      t('example.', '300', 'RRSIG', sig('AAAA', '20300101000000 20240101000000', 'example.', 'AQIDBAU=')),
      t('example.', '300', 'RRSIG', sig('MX', '20300101000000 20240101000000', 'example.', 'AQIDBAUG')),
      t('example.', '300', 'RRSIG', sig('TXT', '20300101000000 20240101000000', 'example.', 'AQIDBA')),
      t('example.', '300', 'RRSIG', sig('CNAME', '20300101000000 20240101000000', 'example.', 'AQIDBAU')),
      t('example.', '300', 'RRSIG', sig('PTR', '20300101000000 20240101000000', 'example.', 'AQ ID')),
      t('example.', '300', 'RRSIG', sig('DNAME', '20300101000000 20240101000000', 'example.', 'AQIDBA=')),
      t('example.', '300', 'RRSIG', `NSEC RSASHA256 2 1h 20300101000000 20240101000000 7 example. ${B64_88}`),
      t('0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example.', '300', 'NSEC3', '1 1 12 AABBCCDD 2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3S A NS SOA RRSIG DNSKEY NSEC3PARAM CAA TYPE65280 TYPE1234'),
      t('2vptu5timamqttgl4luu9kg21e0aor3s.example.', '300', 'NSEC3', '1 0 0 - 0p9mhaveqvm6t7vbl5lop2u3t2rp3tom'),
      t('35mthgpgcu1qg68fab165klnsnk3dpvl.example.', '300', 'NSEC3', '1 0 65535 ab 35mthgpgcu1qg68fab165klnsnk3dpvl A RRSIG A'),
      t('a.example.', '300', 'NSEC', 'Next.Example. A TYPE1234 RRSIG NSEC CAA'),
      t('b.example.', '300', 'NSEC', 'example.'),
      // Escapes, quotes, parentheses and comments: the lexer's lines among plain ones.
      t('e\\.dot.example.', '300', 'A', '192.0.2.4'),
      t('sp\\032ace.example.', '300', 'TXT', '"quoted text" plain'),
      'multi.example. 300 IN RRSIG A 13 2 300 ( 20300101000000',
      '  20240101000000 1 example. AQID ) ; comment',
      t('after.example.', '300', 'A', '192.0.2.5') + ' ; trailing comment',
      '$ORIGIN sub.example.',
      '@ 60 A 192.0.2.1',
      'www 1h30m IN AAAA 2001:db8::1',
      'www IN 60 MX 10 @',
      '\tIN\t60\tA\t192.0.2.77',
      '  NSEC www2 A',
      'x CNAME y.sub.example.',
      'd DNAME target.test.',
      '*.w PTR host.example.net.',
      '$TTL 77',
      'ttl-default A 192.0.2.9',
      'ttl-default\tA\t192.0.2.10\r',
      // TTLs that differ within an RRset: warnings with the positions of plain lines (leading blanks included).
      'ttl-default 78 A 192.0.2.13',
      '  \t 79 A 192.0.2.14',
      '',
      '   ',
      'in-caps In A 192.0.2.11',
      'class-first IN 5 A 192.0.2.12',
    ];
    const path = zoneFile(lines.join('\n') + '\n');
    expect((await identical(path, example)).warnings.length).toBe(2);
    // The same without a final newline and with CRLF line ends.
    await identical(zoneFile(lines.join('\r\n')), example);
  });

  it('on lines longer than the read buffer and many owners', async () => {
    const lines = ['example.\t300\tIN\tSOA\tns1.example. hm.example. 1 7200 3600 1209600 300', 'example.\t300\tIN\tNS\tns1.example.'];
    for (let i = 0; i < 2000; i++) {
      const owner = `h${i.toString(36)}.example.`;
      lines.push(`${owner}\t300\tIN\tA\t10.0.${i >> 8}.${i & 255}`);
      lines.push(`${owner}\t300\tIN\tRRSIG\tA 13 2 300 20300101000000 20240101000000 ${i} example. ${B64_88}`);
    }
    lines.push(`big.example.\t300\tIN\tRRSIG\tA 13 2 300 20300101000000 20240101000000 1 example. ${'AQID'.repeat(16000)}`);
    lines.push(`big.example.\t300\tIN\tNSEC\tc.example. ${Array.from({ length: 3000 }, (_, i) => `TYPE${i * 21}`).join(' ')}`);
    await identical(zoneFile(lines.join('\n') + '\n'), example);
  });
});

describe('plain lines the fast reader cannot take', () => {
  it('give the general reader\'s error and position', async () => {
    const head = 'example.\t300\tIN\tSOA\tns1.example. hm.example. 1 7200 3600 1209600 300\nexample.\t300\tIN\tNS\tns1.example.\n';
    const rrsig = (rest: string) => `a.example.\t300\tIN\tRRSIG\tA 13 2 300 20300101000000 20240101000000 1 example. ${rest}\n`;
    const cases = [
      rrsig('===bad'),
      rrsig('AQIDB'),
      rrsig('AQ=D'),
      rrsig('AQIDBA=='.repeat(9000)),
      rrsig('AQIDBA==').replace('20300101000000', '2030010100000'),
      rrsig('AQIDBA==').replace('20300101000000', '20300101000000x'),
      rrsig('AQIDBA==').replace(' 1 example.', ' 65536 example.'),
      rrsig('AQIDBA==').replace('A 13', 'BOGUS 13'),
      'a.example.\t300\tIN\tNSEC3\t1 0 0 - 2vptu5timamqttgl4luu9kg21e0aor3w A\n',
      'a.example.\t300\tIN\tNSEC3\t1 0 0 abc 2vptu5timamqttgl4luu9kg21e0aor3s A\n',
      'a.example.\t300\tIN\tNSEC3\t1 0 0 - 2vptu5timamqttgl4luu9kg21e0aor3s A BOGUS\n',
      'a.example.\t300\tIN\tNSEC\tb.example. A TYPE65536\n',
      'a.example.\t300\tIN\tDS\t1 13 2 ABC\n',
      'a.example.\t300\tIN\tA\t192.0.2.01\n',
      'a.example.\t300\tIN\tAAAA\t2001:db8::g\n',
      'a.example.\t300\tIN\tMX\t65536 b.example.\n',
      'a.example.\t2147483648\tIN\tA\t192.0.2.1\n',
      'a.example.\t300\tCH\tA\t192.0.2.1\n',
      'a.example.\t300\tIN\tANY\t192.0.2.1\n',
      `${'x'.repeat(64)}.example.\t300\tIN\tA\t192.0.2.1\n`,
      'a..example.\t300\tIN\tA\t192.0.2.1\n',
      'a.example.net.\t300\tIN\tA\t192.0.2.1\n',
      'a.example.\t300\tIN\n',
      '\tA\t192.0.2.1\n',
    ];
    for (const text of cases) {
      const body = text.startsWith('\t') ? text + head : head + text;
      expect(await same(zoneFile(body), example), text).not.toBe('fast');
    }
  });
});
