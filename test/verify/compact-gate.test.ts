/**
 * The compact safety gate (src/verify/compact-gate.ts): signed files read
 * back with the compact loader. Valid zones give no critical finding and
 * agree with verifySignedZone; each tampering is caught with its own code;
 * the sampling always covers the apex and the first RRset of each type and
 * verifies about the requested number of signatures besides.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTime } from '../../src/core/time.ts';
import { writeSignedZone } from '../../src/manager/signed-zone-file.ts';
import type { SignedZone } from '../../src/signer/sign-zone.ts';
import { decodeNsec3, encodeNsec3 } from '../../src/zone/dnssec-rdata.ts';
import { RRType } from '../../src/zone/types.ts';
import { verifySignedZoneFile } from '../../src/verify/compact-gate.ts';
import type { CompactGateOptions, CompactGateResult } from '../../src/verify/compact-gate.ts';
import type { Finding } from '../../src/verify/finding.ts';
import { verifySignedZone } from '../../src/verify/verify-zone.ts';
import { makeTempDir } from '../helpers/cli.ts';
import { BROKEN_CASES, OPT_OUT_ZONE_TEXT, VALID_CASES } from './helpers/cases.ts';
import {
  corpusKeys, findSet, kskZsk, name, nsec3For, ORIGIN, resignedWith, signCorpus, signWith, timesOf,
  withNsec3Types, withNsecTypes, withSet,
} from './helpers/corpus.ts';

const NOW = parseTime('2026-11-25T00:00:00Z');
const DAY = 86400;
const keys = corpusKeys();
const tmp = makeTempDir('signet-compact-gate-');
afterAll(() => tmp.cleanup());

const www = name('www');
const NSEC3_OPT_OUT = { kind: 'nsec3', iterations: 0, salt: new Uint8Array(0), optOut: true } as const;
/** The corpus zone plus a CNAME, a deeper empty non-terminal and a name whose only RRset is a type of its own. */
const ZONE_TEXT = `${OPT_OUT_ZONE_TEXT}cname IN CNAME www
a.b.c.ent IN TXT "below three empty non-terminals"
`;

let counter = 0;
function write(zone: SignedZone): string {
  const file = join(tmp.dir, `zone-${++counter}.signed`);
  writeSignedZone(file, zone);
  return file;
}

function gate(file: string, options: Partial<CompactGateOptions> = {}): Promise<CompactGateResult> {
  return verifySignedZoneFile(file, ORIGIN, { now: NOW, ...options });
}

const critical = (findings: readonly Finding[]) => findings.filter((f) => f.severity === 'critical');
const codes = (findings: readonly { code: string }[]) => [...new Set(findings.map((f) => f.code))].sort();
const show = (findings: readonly Finding[]) => JSON.stringify(findings.map((f) => `${f.severity} ${f.code} ${f.owner} ${f.type}: ${f.message}`), null, 1);

/** Gate and verifySignedZone on the same zone: no critical finding from either, the same codes. */
async function expectValid(zone: SignedZone, now = NOW): Promise<CompactGateResult> {
  const result = await verifySignedZoneFile(write(zone), ORIGIN, { now, sampleSignatures: Infinity });
  expect(critical(result.findings), show(result.findings)).toEqual([]);
  const reference = verifySignedZone(zone, { now });
  expect(critical(reference.findings), show(reference.findings as Finding[])).toEqual([]);
  expect(codes(result.findings)).toEqual(codes(reference.findings));
  expect(result.signatures).toBe(reference.stats.signatures);
  expect(result.verified).toBe(result.signatures);
  return result;
}

describe('valid zones pass, and verifySignedZone agrees', () => {
  const ksk2 = [{ key: keys.ksk, signs: 'ksk' as const }, { key: keys.zsk, signs: 'zsk' as const }, { key: keys.ksk2, signs: 'ksk' as const }, { key: keys.zsk2, signs: 'zsk' as const }];
  it('NSEC3: delegations with glue and DS, ENTs, a wildcard, a CNAME, a DNAME', async () => {
    const r = await expectValid(signCorpus({ now: NOW, keys: kskZsk(keys), zoneText: ZONE_TEXT }));
    expect(r.rrsets).toBeGreaterThan(30);
  });
  it('NSEC3 with Opt-Out and insecure delegations below empty non-terminals', async () => {
    await expectValid(signCorpus({ now: NOW, keys: kskZsk(keys), zoneText: ZONE_TEXT, denial: NSEC3_OPT_OUT }));
  });
  it('NSEC', async () => {
    await expectValid(signCorpus({ now: NOW, keys: kskZsk(keys), zoneText: ZONE_TEXT, denial: { kind: 'nsec' } }));
  });
  it('two algorithms', async () => {
    await expectValid(signCorpus({ now: NOW, keys: ksk2, zoneText: ZONE_TEXT }));
  });
  it('a CSK, NSEC3 with salt and iterations (warnings only)', async () => {
    const zone = signCorpus({ now: NOW, keys: [{ key: keys.ksk, signs: 'csk' }], denial: { kind: 'nsec3', iterations: 2, salt: Uint8Array.of(0xab, 0xcd), optOut: false } });
    const r = await expectValid(zone);
    expect(codes(r.findings)).toEqual(['NONEMPTY_NSEC3_SALT', 'NONZERO_NSEC3_ITERATION_COUNT']);
  });
  for (const c of VALID_CASES) {
    it(`corpus: ${c.name}`, async () => {
      await expectValid(c.build(NOW, keys).zone);
    });
  }
});

describe('the broken-zone corpus: the gate reports the code verifySignedZone does', () => {
  // Anchor cases need the parent's DS, which the gate does not take.
  for (const c of BROKEN_CASES.filter((x) => x.build(NOW, keys).anchor === undefined)) {
    it(`${c.name}: ${c.code}`, async () => {
      const zone = c.build(NOW, keys).zone;
      const r = await gate(write(zone), { sampleSignatures: Infinity });
      const hit = r.findings.find((f) => f.code === c.code);
      expect(hit, show(r.findings)).toBeDefined();
      expect(hit!.severity).toBe('critical');
      expect(verifySignedZone(zone, { now: NOW }).findings.some((f) => f.code === c.code)).toBe(true);
    });
  }
});

describe('tampered files', () => {
  const base = signCorpus({ now: NOW, keys: kskZsk(keys), zoneText: ZONE_TEXT });
  const nsecBase = signCorpus({ now: NOW, keys: kskZsk(keys), zoneText: ZONE_TEXT, denial: { kind: 'nsec' } });
  const signers = [keys.ksk, keys.zsk];

  async function expectCode(file: string, code: string, options: Partial<CompactGateOptions> = { sampleSignatures: Infinity }, severity = 'critical'): Promise<CompactGateResult> {
    const r = await gate(file, options);
    const hit = r.findings.find((f) => f.code === code);
    expect(hit, show(r.findings)).toBeDefined();
    expect(hit!.severity).toBe(severity);
    return r;
  }

  it('A RDATA changed in the file after signing: SIGNATURE_INVALID when every signature is verified', async () => {
    const file = write(base);
    const text = readFileSync(file, 'latin1');
    expect(text).toMatch(/^www\.example\.test\.\s+3600\s+IN\s+A\s+192\.0\.2\.10$/m);
    writeFileSync(file, text.replace(/^(www\.example\.test\.\s+3600\s+IN\s+A\s+)192\.0\.2\.10$/m, '$1192.0.2.11'));
    const r = await expectCode(file, 'SIGNATURE_INVALID');
    expect(r.findings.find((f) => f.code === 'SIGNATURE_INVALID')!.owner).toBe('www.example.test.');
    // www's A is not the first A RRset of the zone: without sampling it is not verified.
    const unsampled = await gate(file, { sampleSignatures: 0 });
    expect(critical(unsampled.findings)).toEqual([]);
  });

  it('an RRSIG removed: MISSING_RRSIG', async () => {
    await expectCode(write(withSet(base, www, RRType.A, (s) => ({ rrset: s.rrset, signatures: [] }))), 'MISSING_RRSIG');
  });

  it('expired signatures: EXPIRATION_IN_PAST', async () => {
    const r = await expectCode(write(base), 'EXPIRATION_IN_PAST', { now: NOW + 30 * DAY, sampleSignatures: 0 });
    // Every signature is past, and the findings are capped per code.
    expect(r.findings.filter((f) => f.code === 'EXPIRATION_IN_PAST').length).toBeLessThanOrEqual(20);
  });

  it("a signature in the future: INCEPTION_IN_FUTURE", async () => {
    await expectCode(write(base), 'INCEPTION_IN_FUTURE', { now: NOW - 2 * DAY, sampleSignatures: 0 });
  });

  it('wrong signer name: SIGNER_NOT_ZONE', async () => {
    const zone = withSet(base, www, RRType.A, (s) => ({ rrset: s.rrset, signatures: signWith(s.rrset, [keys.zsk], { ...timesOf(s), signerName: name('other.test.') }) }));
    await expectCode(write(zone), 'SIGNER_NOT_ZONE', { sampleSignatures: 0 });
  });

  it('broken NSEC3 next hash: NSEC3_CHAIN_GAP', async () => {
    const set = nsec3For(base, www);
    const n = decodeNsec3(set.rrset.rdatas[0]!);
    const next = n.nextHashed.slice();
    next[19] = next[19]! ^ 1;
    const zone = withSet(base, set.rrset.owner, RRType.NSEC3, (s) => resignedWith(s, [encodeNsec3({ ...n, nextHashed: next })], signers));
    const r = await expectCode(write(zone), 'NSEC3_CHAIN_GAP', { sampleSignatures: 0 });
    expect(r.findings.find((f) => f.code === 'NSEC3_CHAIN_GAP')!.owner).toBe(set.rrset.owner.toString());
  });

  it('a name without its NSEC3: NSEC3_CHAIN_GAP at that name', async () => {
    const victim = nsec3For(base, name('b.c.ent'));
    const r = await expectCode(write(withSet(base, victim.rrset.owner, RRType.NSEC3, () => null)), 'NSEC3_CHAIN_GAP', { sampleSignatures: 0 });
    expect(r.findings.filter((f) => f.code === 'NSEC3_CHAIN_GAP').map((f) => f.owner)).toEqual(['b.c.ent.example.test.']);
  });

  it('Opt-Out: an empty non-terminal above a secure delegation still needs its NSEC3', async () => {
    const zone = signCorpus({ now: NOW, keys: kskZsk(keys), zoneText: ZONE_TEXT, denial: NSEC3_OPT_OUT });
    const victim = nsec3For(zone, name('d.secure2'));
    const r = await expectCode(write(withSet(zone, victim.rrset.owner, RRType.NSEC3, () => null)), 'NSEC3_CHAIN_GAP', { sampleSignatures: 0 });
    expect(r.findings.filter((f) => f.code === 'NSEC3_CHAIN_GAP').map((f) => f.owner)).toEqual(['d.secure2.example.test.']);
  });

  it('wrong NSEC3 bitmap: NSEC3_BAD_BITMAP', async () => {
    const zone = withNsec3Types(base, www, (t) => t.filter((x) => x !== RRType.AAAA), signers);
    const r = await expectCode(write(zone), 'NSEC3_BAD_BITMAP', { sampleSignatures: 0 });
    expect(r.findings.find((f) => f.code === 'NSEC3_BAD_BITMAP')!.details).toMatchObject({ name: 'www.example.test.', missing: 'AAAA' });
  });

  it('an NSEC3 bitmap that claims RRSIG at an insecure delegation: NSEC3_BAD_BITMAP', async () => {
    const zone = signCorpus({ now: NOW, keys: kskZsk(keys), zoneText: ZONE_TEXT, denial: { kind: 'nsec3', iterations: 0, salt: new Uint8Array(0), optOut: false } });
    const broken = withNsec3Types(zone, name('insecure'), (t) => [...t, RRType.RRSIG], signers);
    await expectCode(write(broken), 'NSEC3_BAD_BITMAP', { sampleSignatures: 0 });
  });

  it('wrong NSEC bitmap and a broken NSEC pointer', async () => {
    await expectCode(write(withNsecTypes(nsecBase, www, (t) => t.filter((x) => x !== RRType.AAAA), signers)), 'NSEC_BAD_BITMAP', { sampleSignatures: 0 });
    const gap = withSet(nsecBase, name('mail'), RRType.NSEC, () => null);
    const r = await expectCode(write(gap), 'NSEC_CHAIN_GAP', { sampleSignatures: 0 });
    expect(r.findings.filter((f) => f.code === 'NSEC_CHAIN_GAP').map((f) => f.owner)).toEqual(['mail.example.test.']);
  });

  it('an RRSIG on glue: GLUE_SIGNED (a warning)', async () => {
    const glue = name('ns.sub');
    const zone = withSet(base, glue, RRType.A, (s) => ({ rrset: s.rrset, signatures: signWith(s.rrset, [keys.zsk], timesOf(findSet(base, www, RRType.A))) }));
    const r = await expectCode(write(zone), 'GLUE_SIGNED', { sampleSignatures: 0 }, 'warning');
    expect(critical(r.findings)).toEqual([]);
  });

  it('an RRSIG over a type the owner does not have: RRSIG_WITHOUT_RRSET (a warning)', async () => {
    const file = write(base);
    const text = readFileSync(file, 'latin1');
    const line = text.split('\n').find((l) => /^mail\.example\.test\.\s.*\sRRSIG\s+A\s/.test(l))!;
    writeFileSync(file, `${text}${line.replace(/\sRRSIG\s+A\s/, '\tRRSIG\tMX ')}\n`);
    await expectCode(file, 'RRSIG_WITHOUT_RRSET', { sampleSignatures: 0 }, 'warning');
  });

  it('a file that does not load as the zone: ZONE_STRUCTURE', async () => {
    const file = join(tmp.dir, 'no-soa.signed');
    writeFileSync(file, 'www.example.test. 3600 IN A 192.0.2.1\n');
    await expectCode(file, 'ZONE_STRUCTURE', {});
  });
});

/** A zone of `hosts` names with an A RRset each, and `special` at the end with the zone's only TXT RRset. */
function bigZoneText(hosts: number): string {
  let text = `$ORIGIN example.test.
$TTL 3600
@ IN SOA ns1 hostmaster 2024010101 7200 3600 1209600 300
@ IN NS ns1
ns1 IN A 192.0.2.1
`;
  for (let i = 0; i < hosts; i++) text += `h${String(i).padStart(4, '0')} IN A 10.0.${i >> 8}.${i & 255}\n`;
  return `${text}zz.special IN TXT "the only TXT"\n`;
}

describe('sampling', () => {
  const zone = signCorpus({ now: NOW, keys: kskZsk(keys), zoneText: bigZoneText(1200) });

  it('with sampleSignatures 0, a tampered record deep in the zone is caught when it is the first RRset of its type', async () => {
    expect(zone.rrsets.length).toBeGreaterThanOrEqual(200);
    const file = write(zone);
    const text = readFileSync(file, 'latin1');
    writeFileSync(file, text.replace('"the only TXT"', '"the only TXT!"'));
    const r = await gate(file, { sampleSignatures: 0 });
    const hit = r.findings.find((f) => f.code === 'SIGNATURE_INVALID');
    expect(hit, show(r.findings)).toBeDefined();
    expect(hit!.owner).toBe('zz.special.example.test.');
    expect(hit!.type).toBe('TXT');
    // The apex sets and the first RRset of each type only.
    expect(r.verified).toBeLessThan(12);
  });

  it('verifies about the requested number of signatures, spread with a fixed stride', async () => {
    const file = write(zone);
    const all = await gate(file, { sampleSignatures: Infinity });
    expect(critical(all.findings)).toEqual([]);
    expect(all.signatures).toBeGreaterThan(2400);
    expect(all.verified).toBe(all.signatures);
    const none = await gate(file, { sampleSignatures: 0 });
    const sampled = await gate(file, { sampleSignatures: 500 });
    expect(sampled.signatures).toBe(all.signatures);
    expect(sampled.verified - none.verified).toBeGreaterThanOrEqual(490);
    expect(sampled.verified - none.verified).toBeLessThanOrEqual(510);
    // Deterministic: the same run verifies the same count.
    expect((await gate(file, { sampleSignatures: 500 })).verified).toBe(sampled.verified);
    // The default is 10 000 signatures, which here is all of them.
    expect((await gate(file)).verified).toBe(all.signatures);
  });

  it('the stride reaches the end of the zone: a tampered last A RRset is caught with sampleSignatures = half', async () => {
    // With one signature in two verified, either the last host or the one before it is checked.
    const file = write(zone);
    const text = readFileSync(file, 'latin1');
    writeFileSync(file, text.replace(/^(h1199\.example\.test\.\s.*\sA\s+)10\.0\.4\.175$/m, '$110.9.9.9').replace(/^(h1198\.example\.test\.\s.*\sA\s+)10\.0\.4\.174$/m, '$110.9.9.8'));
    const r = await gate(file, { sampleSignatures: Math.ceil(zone.stats.signatures / 2) });
    expect(r.findings.filter((f) => f.code === 'SIGNATURE_INVALID').length).toBeGreaterThanOrEqual(1);
  });
});
