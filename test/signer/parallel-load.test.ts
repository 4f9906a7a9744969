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
import { loadCompactZone } from '../../src/signer/parallel/fast-load.ts';
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
