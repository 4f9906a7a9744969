/**
 * Incremental re-signing (src/signer/reuse.ts, parallel/previous.ts,
 * parallel/patch.ts): which signatures stay, on both signers, and the
 * patching re-signer giving the same file as the streaming one.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderSignedZone } from '../../src/manager/signed-zone-file.ts';
import { compactToZone } from '../../src/signer/parallel/compact-zone.ts';
import { loadCompactZone } from '../../src/signer/parallel/fast-load.ts';
import { resignUnchangedToFile } from '../../src/signer/parallel/patch.ts';
import { loadPreviousSignatures } from '../../src/signer/parallel/previous.ts';
import { signCompactZoneToFile } from '../../src/signer/parallel/stream-sign.ts';
import type { StreamSignOptions } from '../../src/signer/parallel/stream-sign.ts';
import { previousFromZone, reusableSignatures } from '../../src/signer/reuse.ts';
import { signZone } from '../../src/signer/sign-zone.ts';
import type { SignedZone } from '../../src/signer/sign-zone.ts';
import { hashedJitter } from '../../src/signer/validity.ts';
import { decodeRrsig } from '../../src/zone/dnssec-rdata.ts';
import { loadZone } from '../../src/zone/load.ts';
import { Name } from '../../src/zone/name.ts';
import { RRType } from '../../src/zone/types.ts';
import { runLdnsVerifyZone } from '../helpers/interop/validators.ts';
import { baseOptions, ed25519Parallel, NOW } from './parallel-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'signet-reuse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ORIGIN = Name.parse('example.');
const DAY = 86400;
const keys = [ed25519Parallel(1, 257, 'ksk'), ed25519Parallel(2, 256, 'zsk')];
const REFRESH = 5 * DAY;

function zoneText(changes: Record<string, string> = {}): string {
  const lines = [
    '$ORIGIN example.', '$TTL 3600',
    '@ SOA ns1 hostmaster 1 7200 3600 1209600 300', '@ NS ns1', '@ NS ns2', 'ns1 A 192.0.2.1', 'ns2 A 192.0.2.2',
    'mail A 192.0.2.3', '@ MX 10 mail', 'secure NS ns.secure', 'secure DS 1 13 2 ' + 'ab'.repeat(32), 'ns.secure A 192.0.2.4',
    'insecure NS ns.example.net.',
  ];
  for (let i = 0; i < 200; i++) lines.push(`h${i} A 10.0.0.${i}`, `h${i} TXT "host ${i}"`);
  let text = lines.join('\n') + '\n';
  for (const [from, to] of Object.entries(changes)) text = text.replace(from, to);
  return text;
}

let n = 0;
function file(text: string): string {
  const path = join(dir, `f${n++}.zone`);
  writeFileSync(path, text);
  return path;
}

function options(now: number, serial: number, overrides: Partial<StreamSignOptions> = {}): StreamSignOptions {
  return { ...baseOptions(keys), now, serial, jitterSeed: `example.|${now}`, workers: 1, ...overrides };
}

/** Signs zone text at `now` with the streaming signer, optionally from a previous output; returns the output path and stats. */
async function streamSign(text: string, now: number, serial: number, previous?: string, overrides: Partial<StreamSignOptions> = {}) {
  const zone = await loadCompactZone(file(text), ORIGIN);
  const out = join(dir, `out${n++}.signed`);
  const prev = previous === undefined ? null : await loadPreviousSignatures(previous, ORIGIN);
  const result = await signCompactZoneToFile(zone, out, options(now, serial, { ...overrides, ...(prev ? { reuse: { previous: prev, refresh: REFRESH } } : {}) }));
  return { out, stats: result.stats };
}

/** The object signer with reuse from a previous SignedZone. */
async function objectSign(text: string, now: number, serial: number, previous: SignedZone | null): Promise<SignedZone> {
  const zone = await loadZone(file(text), ORIGIN);
  let prevText = '';
  if (previous !== null) renderSignedZone(previous, (t) => { prevText += t; });
  const prev = previous === null ? undefined : previousFromZone(await loadZone(file(prevText), ORIGIN));
  return signZone(zone, { ...baseOptions(keys), now, serial, random: hashedJitter(`example.|${now}`), ...(prev ? { reuse: { previous: prev, refresh: REFRESH } } : {}) });
}

describe('reuse with signZone', () => {
  it('keeps every signature of an unchanged zone but the SOA\'s an hour later', async () => {
    const first = await objectSign(zoneText(), NOW, 1, null);
    const again = await objectSign(zoneText(), NOW + 3600, 2, first);
    expect(again.stats.signaturesCreated).toBe(1);
    expect(again.stats.signaturesReused).toBe(first.stats.signatures - 1);
    const soa = again.rrsets.find((s) => s.rrset.type === RRType.SOA)!;
    expect(decodeRrsig(soa.signatures[0]!).inception).toBe(NOW + 3600 - 3600);
  });

  it('signs a changed record\'s RRset and the NSEC3 records it touches, nothing else', async () => {
    const first = await objectSign(zoneText(), NOW, 1, null);
    const changed = await objectSign(zoneText({ 'h7 A 10.0.0.7': 'h7 A 10.9.9.9' }), NOW + 3600, 2, first);
    // The A RRset and the SOA; the NSEC3 chain is the same.
    expect(changed.stats.signaturesCreated).toBe(2);
    const added = await objectSign(zoneText({ 'mail A 192.0.2.3': 'mail A 192.0.2.3\nnew A 192.0.2.99' }), NOW + 3600, 2, first);
    // The new A RRset, the new NSEC3, its predecessor in the chain, and the SOA.
    expect(added.stats.signaturesCreated).toBe(4);
  });

  it('does not keep a signature over an RRset whose TTL changed', async () => {
    const first = await objectSign(zoneText(), NOW, 1, null);
    const changed = await objectSign(zoneText({ 'h3 A 10.0.0.3': 'h3 600 A 10.0.0.3' }), NOW + 3600, 2, first);
    expect(changed.stats.signaturesCreated).toBe(2);
    const h3 = changed.rrsets.find((s) => s.rrset.owner.toString() === 'h3.example.' && s.rrset.type === RRType.A)!;
    expect(decodeRrsig(h3.signatures[0]!)).toMatchObject({ originalTtl: 600, inception: NOW });
  });

  it('signs again what reaches the refresh horizon, and only that', async () => {
    const first = await objectSign(zoneText(), NOW, 1, null);
    // Expirations lie in [NOW + 14d − 12h, NOW + 14d]; at NOW + 9d − 6h + 1 the earlier half is within 5 days of expiring.
    const later = NOW + 9 * DAY - 6 * 3600;
    const expiring = first.rrsets.filter((s) => s.signatures.some((x) => decodeRrsig(x).expiration - later <= REFRESH));
    expect(expiring.length).toBeGreaterThan(first.stats.rrsetsSigned / 4);
    expect(expiring.length).toBeLessThan((first.stats.rrsetsSigned * 3) / 4);
    const again = await objectSign(zoneText(), later, 2, first);
    const soaCounted = expiring.some((s) => s.rrset.type === RRType.SOA) ? 0 : 1;
    expect(again.stats.signaturesCreated).toBe(expiring.length + soaCounted);
  });

  it('needs a signature by every key of the role, from a key that still signs', () => {
    const prev = { ttl: 300, canonicalRdatas: [Uint8Array.of(1, 2, 3, 4)], rrsigs: [] as Uint8Array[] };
    const current = { type: RRType.A, ttl: 300, rrsigLabels: 2, canonicalRdatas: [Uint8Array.of(1, 2, 3, 4)] };
    expect(reusableSignatures(prev, current, [keys[1]!.key], ORIGIN.canonical, NOW, REFRESH)).toBeNull();
    expect(reusableSignatures(null, current, [keys[1]!.key], ORIGIN.canonical, NOW, REFRESH)).toBeNull();
  });
});

describe('reuse with the streaming signer', () => {
  it('re-signs an unchanged zone with one signature; the output passes ldns-verify-zone', async () => {
    const first = await streamSign(zoneText(), NOW, 1);
    const again = await streamSign(zoneText(), NOW + 3600, 2, first.out);
    expect(again.stats.signaturesCreated).toBe(1);
    expect(again.stats.signaturesReused).toBe(first.stats.signatures - 1);
    const v = await runLdnsVerifyZone(again.out, { at: NOW + 7200 });
    expect(v.ok, v.output).toBe(true);
  });

  it('signs a handful for one changed record, and again what reaches the refresh horizon', async () => {
    const first = await streamSign(zoneText(), NOW, 1);
    const changed = await streamSign(zoneText({ 'h7 A 10.0.0.7': 'h7 A 10.9.9.9' }), NOW + 3600, 2, first.out);
    expect(changed.stats.signaturesCreated).toBe(2);
    const later = NOW + 9 * DAY - 6 * 3600;
    const refreshed = await streamSign(zoneText(), later, 3, first.out);
    expect(refreshed.stats.signaturesCreated).toBeGreaterThan(first.stats.signatures / 4);
    expect(refreshed.stats.signaturesCreated).toBeLessThan((first.stats.signatures * 3) / 4);
    const v = await runLdnsVerifyZone(refreshed.out, { at: later + 3600 });
    expect(v.ok, v.output).toBe(true);
  });

  it('signs everything again with other keys', async () => {
    const first = await streamSign(zoneText(), NOW, 1);
    const other = [ed25519Parallel(5, 257, 'ksk'), ed25519Parallel(6, 256, 'zsk')];
    const again = await streamSign(zoneText(), NOW + 3600, 2, first.out, { keys: other });
    expect(again.stats.signaturesReused).toBe(0);
  });
});

describe('resignUnchanged (patching the previous file)', () => {
  it('writes the same file as the streaming signer with reuse, an hour later and past the refresh horizon', async () => {
    const first = await streamSign(zoneText(), NOW, 1);
    for (const [when, serial] of [[NOW + 3600, 2], [NOW + 9 * DAY - 6 * 3600, 3]] as const) {
      const reference = await streamSign(zoneText(), when, serial, first.out);
      const out = join(dir, `patched${n++}.signed`);
      const patched = await resignUnchangedToFile(first.out, out, ORIGIN, { ...options(when, serial), jitterSeed: `example.|${when}`, refresh: REFRESH });
      expect(patched).not.toBeNull();
      expect(readFileSync(out, 'utf8')).toBe(readFileSync(reference.out, 'utf8'));
      expect(patched!.stats.signaturesCreated).toBe(reference.stats.signaturesCreated);
      expect(patched!.stats.signaturesReused).toBe(reference.stats.signaturesReused);
      expect(patched!.stats.earliestExpiration).toBe(reference.stats.earliestExpiration);
    }
  });

  it('refuses files it cannot patch: not signet\'s, other keys published, missing', async () => {
    const first = await streamSign(zoneText(), NOW, 1);
    const base = { ...options(NOW + 3600, 2), jitterSeed: 'x', refresh: REFRESH };
    expect(await resignUnchangedToFile(file(zoneText()), join(dir, 'x1.signed'), ORIGIN, base)).toBeNull();
    const other = [ed25519Parallel(5, 257, 'ksk'), ed25519Parallel(6, 256, 'zsk')];
    expect(await resignUnchangedToFile(first.out, join(dir, 'x2.signed'), ORIGIN, { ...base, keys: other })).toBeNull();
    expect(await resignUnchangedToFile(first.out, join(dir, 'x3.signed'), ORIGIN, { ...base, denial: { kind: 'nsec' } })).toBeNull();
    expect(await resignUnchangedToFile(join(dir, 'missing.signed'), join(dir, 'x4.signed'), ORIGIN, base)).toBeNull();
    // Nothing is left behind when it gives up.
    expect(() => readFileSync(join(dir, 'x2.signed'))).toThrow();
  });

  it('objects still work on the compact round trip', async () => {
    const zone = await loadCompactZone(file(zoneText()), ORIGIN);
    expect(compactToZone(zone).rrsets.length).toBe(zone.rrsetCount);
  });
});
