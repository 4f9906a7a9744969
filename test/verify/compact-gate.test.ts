/**
 * The lean safety gate (src/verify/compact-gate.ts): signed files read
 * back, streaming (stream-gate.ts) or through the compact loader. Valid
 * zones give no critical finding and agree with verifySignedZone; each
 * tampering is caught with its own code; every file is judged by both
 * readers, which must give the same findings, and the streaming one must be
 * the one taken unless the file is one it does not read (then the compact
 * gate is, with the same verdict); the sampling always covers the apex and
 * the first RRset of each type and verifies about the requested number of
 * signatures besides.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTime } from '../../src/core/time.ts';
import { writeSignedZone } from '../../src/manager/signed-zone-file.ts';
import { createSigningKey } from '../../src/signer/algorithms.ts';
import type { SignedZone } from '../../src/signer/sign-zone.ts';
import { decodeNsec3, encodeNsec3 } from '../../src/zone/dnssec-rdata.ts';
import { RRType } from '../../src/zone/types.ts';
import { verifySignedZoneFile, verifySignedZoneFileCompact, verifySignedZoneFileStreaming } from '../../src/verify/compact-gate.ts';
import type { CompactGateOptions, CompactGateResult } from '../../src/verify/compact-gate.ts';
import type { Finding } from '../../src/verify/finding.ts';
import { verifySignedZone } from '../../src/verify/verify-zone.ts';
import { makeTempDir } from '../helpers/cli.ts';
import { BROKEN_CASES, OPT_OUT_ZONE_TEXT, VALID_CASES } from './helpers/cases.ts';
import {
  corpusKeys, findSet, kskZsk, name, nsec3For, ORIGIN, resignedWith, signCorpus, signWith, timesOf,
  withNsec3Types, withNsecTypes, withSet, withWrongNsec3Hash,
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

/**
 * What the two readers must agree on: every finding as made, and the
 * counts. When the sample is neither all nor none, the two spread it
 * differently (the streaming gate estimates the signatures to come), so
 * which signatures were verified, and found invalid, may differ.
 */
function verdict(r: CompactGateResult, options: CompactGateOptions): unknown {
  const exact = options.sampleSignatures === Infinity || options.sampleSignatures === 0;
  if (exact) return { findings: r.findings, signatures: r.signatures, rrsets: r.rrsets, verified: r.verified };
  return { findings: r.findings.filter((f) => f.code !== 'SIGNATURE_INVALID'), signatures: r.signatures, rrsets: r.rrsets };
}

/**
 * The gate on a file, through both readers: the streaming gate must read it
 * (or, with `fallback`, refuse it, and the compact gate take over) and give
 * the compact gate's verdict. Returns what verifySignedZoneFile returns.
 */
async function gate(file: string, options: Partial<CompactGateOptions> = {}, fallback = false): Promise<CompactGateResult> {
  const o: CompactGateOptions = { now: NOW, ...options };
  const streamed = await verifySignedZoneFileStreaming(file, ORIGIN, o);
  const compact = await verifySignedZoneFileCompact(file, ORIGIN, o);
  const result = await verifySignedZoneFile(file, ORIGIN, o);
  expect(compact.mode).toBe('compact');
  if (fallback) {
    expect(streamed).toBeNull();
    expect(result.mode).toBe('compact');
  } else {
    expect(streamed, 'the streaming gate reads the file').not.toBeNull();
    expect(streamed!.mode).toBe('streaming');
    expect(result.mode).toBe('streaming');
    expect(verdict(streamed!, o)).toEqual(verdict(compact, o));
  }
  expect(verdict(result, o)).toEqual(verdict(compact, o));
  return result;
}

const critical = (findings: readonly Finding[]) => findings.filter((f) => f.severity === 'critical');
const codes = (findings: readonly { code: string }[]) => [...new Set(findings.map((f) => f.code))].sort();
const show = (findings: readonly Finding[]) => JSON.stringify(findings.map((f) => `${f.severity} ${f.code} ${f.owner} ${f.type}: ${f.message}`), null, 1);

/** Gate and verifySignedZone on the same zone: no critical finding from either, the same codes. */
async function expectValid(zone: SignedZone, now = NOW): Promise<CompactGateResult> {
  const result = await gate(write(zone), { now, sampleSignatures: Infinity });
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
  it('data below a zone cut and below a DNAME (occluded), NSEC3 with and without Opt-Out, and NSEC', async () => {
    const text = `${ZONE_TEXT}txt.sub IN TXT "below the cut"
deep.ns.sub IN A 192.0.2.130
x.alias IN A 192.0.2.77
y.x.alias IN TXT "occluded"
`;
    for (const denial of [undefined, NSEC3_OPT_OUT, { kind: 'nsec' } as const]) {
      await expectValid(signCorpus({ now: NOW, keys: kskZsk(keys), zoneText: text, ...(denial ? { denial } : {}) }));
    }
  });
  it('algorithm 8 (RSASHA256)', async () => {
    const rsa = (flags: number) => createSigningKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, 8, flags);
    await expectValid(signCorpus({ now: NOW, keys: [{ key: rsa(257), signs: 'ksk' }, { key: rsa(256), signs: 'zsk' }], zoneText: ZONE_TEXT }));
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

  async function expectCode(file: string, code: string, options: Partial<CompactGateOptions> = { sampleSignatures: Infinity }, severity = 'critical', fallback = false): Promise<CompactGateResult> {
    const r = await gate(file, options, fallback);
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

  it('the last NSEC3 not pointing back to the first: NSEC3_CHAIN_GAP at the last', async () => {
    const last = base.rrsets.filter((x) => x.rrset.type === RRType.NSEC3).sort((a, b) => a.rrset.owner.compare(b.rrset.owner)).pop()!;
    const n = decodeNsec3(last.rrset.rdatas[0]!);
    const next = n.nextHashed.slice();
    next[0] = next[0]! ^ 0x80;
    const zone = withSet(base, last.rrset.owner, RRType.NSEC3, (s) => resignedWith(s, [encodeNsec3({ ...n, nextHashed: next })], signers));
    const r = await expectCode(write(zone), 'NSEC3_CHAIN_GAP', { sampleSignatures: 0 });
    expect(r.findings.filter((f) => f.code === 'NSEC3_CHAIN_GAP').map((f) => f.owner)).toEqual([last.rrset.owner.toString()]);
    expect(verifySignedZone(zone, { now: NOW }).findings.filter((f) => f.code === 'NSEC3_CHAIN_GAP').map((f) => f.owner)).toEqual([last.rrset.owner.toString()]);
  });

  it('malformed NSEC3 RDATA: a short next hash is INVALID_NSEC3_HASH; a bad bitmap (RFC 3597 form) does not load', async () => {
    const set = nsec3For(base, www);
    const n = decodeNsec3(set.rrset.rdatas[0]!);
    const short = withSet(base, set.rrset.owner, RRType.NSEC3, (s) => resignedWith(s, [encodeNsec3({ ...n, nextHashed: n.nextHashed.subarray(0, 19) })], signers));
    const r = await expectCode(write(short), 'INVALID_NSEC3_HASH', { sampleSignatures: 0 });
    expect(r.findings.find((f) => f.code === 'INVALID_NSEC3_HASH')!.message).toContain('of 19 octets');
    const file = write(base);
    const owner = set.rrset.owner.toString().replace(/\./g, '\\.');
    const bad = Buffer.concat([encodeNsec3({ ...n, types: [] }), Buffer.from([0, 0])]);
    const text = readFileSync(file, 'latin1').replace(new RegExp(`^(${owner}\\s+\\d+\\s+IN\\s+NSEC3\\s).*$`, 'm'), `$1\\# ${bad.length} ${bad.toString('hex')}`);
    writeFileSync(file, text);
    const m = await expectCode(file, 'ZONE_STRUCTURE', { sampleSignatures: 0 }, 'critical', true);
    expect(m.findings.find((f) => f.code === 'ZONE_STRUCTURE')!.message).toContain('malformed type bitmap');
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
    const lines = text.split('\n');
    const at = lines.findIndex((l) => /^mail\.example\.test\.\s.*\sRRSIG\s+A\s/.test(l));
    const stale = lines[at]!.replace(/\sRRSIG\s+A\s/, '\tRRSIG\tMX ');
    // Beside the owner's other records, the streaming gate reads it; at the end of the file, the compact gate does.
    writeFileSync(file, [...lines.slice(0, at + 1), stale, ...lines.slice(at + 1)].join('\n'));
    await expectCode(file, 'RRSIG_WITHOUT_RRSET', { sampleSignatures: 0 }, 'warning');
    writeFileSync(file, `${text}${stale}\n`);
    await expectCode(file, 'RRSIG_WITHOUT_RRSET', { sampleSignatures: 0 }, 'warning', true);
  });

  it('a file that does not load as the zone: ZONE_STRUCTURE, from the compact gate', async () => {
    const file = join(tmp.dir, 'no-soa.signed');
    writeFileSync(file, 'www.example.test. 3600 IN A 192.0.2.1\n');
    await expectCode(file, 'ZONE_STRUCTURE', {}, 'critical', true);
  });
});

describe('files the streaming gate does not read go to the compact gate, with the same verdict', () => {
  const base = signCorpus({ now: NOW, keys: kskZsk(keys), zoneText: ZONE_TEXT });

  /** The file's record lines in another order: every tenth line moved to the end. */
  function shuffled(text: string): string {
    const lines = text.split('\n').filter((l) => l !== '');
    return [...lines.filter((_, i) => i % 10 !== 3), ...lines.filter((_, i) => i % 10 === 3)].join('\n') + '\n';
  }

  it('lines out of canonical order: a valid zone passes', async () => {
    const file = write(base);
    writeFileSync(file, shuffled(readFileSync(file, 'latin1')));
    const r = await gate(file, { sampleSignatures: Infinity }, true);
    expect(critical(r.findings), show(r.findings)).toEqual([]);
    expect(r.verified).toBe(base.stats.signatures);
  });

  it('lines out of canonical order: a tampered record is caught', async () => {
    const file = write(base);
    const text = readFileSync(file, 'latin1').replace(/^(www\.example\.test\.\s+3600\s+IN\s+A\s+)192\.0\.2\.10$/m, '$1192.0.2.11');
    writeFileSync(file, shuffled(text));
    const r = await gate(file, { sampleSignatures: Infinity }, true);
    expect(r.findings.find((f) => f.code === 'SIGNATURE_INVALID')?.owner, show(r.findings)).toBe('www.example.test.');
  });

  it('$INCLUDE', async () => {
    const file = write(base);
    const lines = readFileSync(file, 'latin1').split('\n');
    const at = lines.findIndex((l) => l.startsWith('www.example.test.'));
    const rest = join(tmp.dir, `include-${counter}.part`);
    writeFileSync(rest, lines.slice(at).join('\n'));
    writeFileSync(file, `${lines.slice(0, at).join('\n')}\n$INCLUDE ${rest}\n`);
    const r = await gate(file, { sampleSignatures: Infinity }, true);
    expect(critical(r.findings), show(r.findings)).toEqual([]);
  });

  it('an NSEC3 zone without its NSEC3PARAM: NSEC3PARAM_MISSING', async () => {
    const zone = withSet(base, ORIGIN, RRType.NSEC3PARAM, () => null);
    const r = await gate(write(zone), { sampleSignatures: 0 }, true);
    expect(codes(critical(r.findings))).toContain('NSEC3PARAM_MISSING');
  });

  it('what the compact load refuses (a second SOA) is its verdict', async () => {
    const file = write(base);
    const text = readFileSync(file, 'latin1');
    const soa = text.split('\n').find((l) => /\sSOA\s/.test(l) && !/\sRRSIG\s/.test(l))!;
    writeFileSync(file, text.replace(soa, `${soa}\n${soa.replace(/2024010102/, '2024010103')}`));
    const r = await gate(file, {}, true);
    expect(codes(r.findings)).toEqual(['ZONE_STRUCTURE']);
  });
});

describe('files the streaming gate reads as the compact load does', () => {
  const base = signCorpus({ now: NOW, keys: kskZsk(keys), zoneText: ZONE_TEXT });

  it('a repeated record, an owner in capitals, comments, blank lines and a record over several lines', async () => {
    const file = write(base);
    const lines = readFileSync(file, 'latin1').split('\n');
    const out: string[] = [];
    for (const l of lines) {
      if (/^www\.example\.test\.\s.*\sAAAA\s/.test(l)) out.push(l, '; the same again', l, '');
      else if (/^mail\.example\.test\./.test(l)) out.push(l.replace(/^mail\.example/, 'MAIL.Example'));
      else if (/^ns1\.example\.test\.\s.*\sA\s/.test(l)) out.push(l.replace(/\sA\s+(\S+)$/, '\tA ( $1\n )'));
      else out.push(l);
    }
    writeFileSync(file, out.join('\n'));
    const r = await gate(file, { sampleSignatures: Infinity });
    expect(critical(r.findings), show(r.findings)).toEqual([]);
    expect(r.signatures).toBe(base.stats.signatures);
  });

  it('an NSEC3 at the hash of glue: NSEC3_UNEXPECTED_OWNER, named from a second read', async () => {
    const zone = withWrongNsec3Hash(base, www, name('ns.sub'), [keys.ksk, keys.zsk]);
    const r = await gate(write(zone), { sampleSignatures: 0 });
    expect(r.findings.find((f) => f.code === 'NSEC3_UNEXPECTED_OWNER')?.details, show(r.findings)).toEqual({ name: 'ns.sub.example.test.' });
    expect(r.findings.filter((f) => f.code === 'NSEC3_CHAIN_GAP').map((f) => f.owner)).toEqual(['www.example.test.']);
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
