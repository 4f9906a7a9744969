/**
 * The streaming signer against signZone + renderSignedZone: the same file,
 * byte for byte (Ed25519 is deterministic), on zones with every kind of
 * owner, both denial methods and their options, CDS/CDNSKEY, and in this
 * thread or in workers.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fromHex } from '../../src/core/bytes.ts';
import { renderSignedZone } from '../../src/manager/signed-zone-file.ts';
import { compactToZone } from '../../src/signer/parallel/compact-zone.ts';
import type { CompactZone } from '../../src/signer/parallel/compact-zone.ts';
import { loadCompactZone } from '../../src/signer/parallel/fast-load.ts';
import { signCompactZone, signCompactZoneToFile, startStreamPool } from '../../src/signer/parallel/stream-sign.ts';
import type { StreamSignOptions } from '../../src/signer/parallel/stream-sign.ts';
import { signZone } from '../../src/signer/sign-zone.ts';
import type { DenialOptions } from '../../src/signer/sign-zone.ts';
import { hashedJitter } from '../../src/signer/validity.ts';
import { Name } from '../../src/zone/name.ts';
import { RFC4035_ORIGIN, RFC4035_ZONE } from '../fixtures/signer/rfc4035-appendix-a.ts';
import { RFC5155_ORIGIN, RFC5155_ZONE } from '../fixtures/signer/rfc5155-appendix-a.ts';
import { baseOptions, ed25519Parallel } from './parallel-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'signet-stream-sign-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function compactFrom(origin: string, lines: readonly string[]): Promise<CompactZone> {
  const path = join(dir, `z${n++}.zone`);
  writeFileSync(path, `$ORIGIN ${origin}\n$TTL 3600\n${lines.join('\n')}\n`);
  return loadCompactZone(path, Name.parse(origin));
}

const keys = [ed25519Parallel(1, 257, 'ksk'), ed25519Parallel(2, 256, 'zsk')];
const SEED = 'example.|test';

/** Both signers' text for one zone and options. */
async function both(zone: CompactZone, overrides: Partial<StreamSignOptions> = {}): Promise<{ reference: string; streamed: string; refStats: object; stats: object; refWarnings: object; warnings: object }> {
  const options = { ...baseOptions(keys), ...overrides };
  const reference = signZone(compactToZone(zone), { ...options, random: hashedJitter(SEED) });
  let refText = '';
  renderSignedZone(reference, (t) => { refText += t; });
  const chunks: Buffer[] = [];
  const result = await signCompactZone(zone, (b) => chunks.push(Buffer.from(b)), { ...options, jitterSeed: SEED, workers: 1 });
  return {
    reference: refText, streamed: Buffer.concat(chunks).toString('utf8'),
    refStats: reference.stats, stats: result.stats, refWarnings: reference.warnings, warnings: result.warnings,
  };
}

const DENIALS: Array<[string, DenialOptions]> = [
  ['NSEC', { kind: 'nsec' }],
  ['NSEC3', { kind: 'nsec3', iterations: 0, salt: new Uint8Array(0), optOut: false }],
  ['NSEC3 with Opt-Out, salt and iterations', { kind: 'nsec3', iterations: 12, salt: fromHex('aabbccdd')!, optOut: true }],
];

const ZONE_LINES = [
  '@ SOA ns1.example. hostmaster.example. 1 7200 3600 1209600 300',
  '@ NS ns1', '@ NS ns2', '@ MX 10 mail', 'ns1 A 192.0.2.1', 'ns2 A 192.0.2.2', 'Mail A 192.0.2.3', 'MAIL AAAA 2001:db8::3',
  '*.wild TXT "wildcard"', 'deep.ent.sub A 192.0.2.9', 'x.y.z.deeper.ent A 192.0.2.10',
  'secure NS ns.secure', 'secure DS 12345 13 2 ' + 'ab'.repeat(32), 'ns.secure A 192.0.2.10', 'below.ns.secure TXT "glue-ish"',
  'insecure NS ns.other.net.', 'insecure A 192.0.2.11', 'sub.insecure NS ns.other.net.',
  'alias CNAME mail', 'dn DNAME target.test.', 'x.dn A 192.0.2.12',
  'old RRSIG A 13 2 300 20300101000000 20240101000000 1 example. AQID', 'old A 192.0.2.13',
  '@ DNSKEY 256 3 13 ' + 'AQ'.repeat(44), '2t7b4g4vsa5smi47k61mv5bv1a22bojr A 192.0.2.14',
  'zz NSEC3PARAM 1 0 0 -', 'caps.Upper A 192.0.2.15', 'caps.upper TXT "lower"',
];

describe('signCompactZone gives what signZone and renderSignedZone give', () => {
  for (const [label, denial] of DENIALS) {
    it(`on a zone with every kind of owner, ${label}`, async () => {
      const zone = await compactFrom('example.', ZONE_LINES);
      const r = await both(zone, { denial });
      expect(r.streamed).toBe(r.reference);
      expect(r.stats).toEqual(r.refStats);
      expect(r.warnings).toEqual(r.refWarnings);
    });
  }

  it('on the RFC 4035 and RFC 5155 example zones', async () => {
    const a = await both(await compactFrom(RFC4035_ORIGIN, RFC4035_ZONE), { denial: { kind: 'nsec' } });
    expect(a.streamed).toBe(a.reference);
    const b = await both(await compactFrom(RFC5155_ORIGIN, RFC5155_ZONE), { denial: { kind: 'nsec3', iterations: 12, salt: fromHex('aabbccdd')!, optOut: true } });
    expect(b.streamed).toBe(b.reference);
  });

  it('with CDS, CDNSKEY and published-only keys', async () => {
    const retiring = ed25519Parallel(3, 256, 'zsk');
    const zone = await compactFrom('example.', ZONE_LINES);
    const r = await both(zone, { publishedOnly: [retiring.key.dnskeyRdata], cds: [fromHex('3039' + '0d02' + 'ab'.repeat(32))!], cdnskey: [keys[0]!.key.dnskeyRdata] });
    expect(r.streamed).toBe(r.reference);
  });

  it('on the zone corpus', async () => {
    for (const [file, origin] of [['zones/example.com.zone', 'example.com.'], ['zones/test/varied.zone', 'varied.example.'], ['test/fixtures/zone/escapes.zone', 'escapes.example.']] as const) {
      const zone = await loadCompactZone(file, Name.parse(origin));
      for (const [, denial] of DENIALS) {
        const r = await both(zone, { denial });
        expect(r.streamed, file).toBe(r.reference);
      }
    }
  });

  it('in worker threads, with the owners hashed by the workers while loading, with the same bytes', async () => {
    const lines = [...ZONE_LINES, ...Array.from({ length: 400 }, (_, i) => `h${i} A 10.0.${i >> 8}.${i & 255}`)];
    const zone = await compactFrom('example.', lines);
    const r = await both(zone);
    const options = { ...baseOptions(keys), jitterSeed: SEED, workers: 2, parallelThreshold: 0 };
    const pool = startStreamPool(options, Name.parse('example.').canonical)!;
    try {
      const path = join(dir, `z${n++}.zone`);
      writeFileSync(path, `$ORIGIN example.\n$TTL 3600\n${lines.join('\n')}\n`);
      const salt = new Uint8Array(0);
      const hashed = await loadCompactZone(path, Name.parse('example.'), { hashOwners: { iterations: 0, salt, hash: (names, count) => pool.hashNames(names, count, 0, salt) } });
      expect(hashed.ownerHashes?.length).toBe(hashed.ownerCount * 20);
      const chunks: Buffer[] = [];
      await signCompactZone(hashed, (b) => chunks.push(Buffer.from(b)), { ...options, pool });
      expect(Buffer.concat(chunks).toString('utf8')).toBe(r.reference);
    } finally {
      await pool.close();
    }
  });

  it('writes the file atomically, and refuses a missing jitter', async () => {
    const zone = await compactFrom('example.', ZONE_LINES);
    const path = join(dir, 'out.signed');
    const result = await signCompactZoneToFile(zone, path, { ...baseOptions(keys), jitterSeed: SEED, workers: 1 });
    const r = await both(zone);
    expect(readFileSync(path, 'utf8')).toBe(r.reference);
    expect(result.stats.signaturesCreated).toBe(result.stats.signatures);
    await expect(signCompactZone(zone, () => {}, { ...baseOptions(keys), random: undefined, workers: 1 })).rejects.toMatchObject({ code: 'ERR_SIGN_BAD_RANDOM' });
  });
});
