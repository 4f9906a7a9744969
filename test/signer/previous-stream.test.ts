/**
 * The previous signed zone read as the signer goes (previous-stream.ts):
 * the same answers, output and counts as the compact previous (previous.ts)
 * on signet's own output, and no wrong reuse from a file out of order.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCompactZone } from '../../src/signer/parallel/fast-load.ts';
import { loadPreviousSignatures } from '../../src/signer/parallel/previous.ts';
import { PreviousUnusable, StreamedPrevious } from '../../src/signer/parallel/previous-stream.ts';
import { signZoneFile } from '../../src/signer/parallel/sign-file.ts';
import type { SignFileJob } from '../../src/signer/parallel/sign-file.ts';
import { signCompactZoneToFile } from '../../src/signer/parallel/stream-sign.ts';
import type { StreamSignOptions } from '../../src/signer/parallel/stream-sign.ts';
import type { PreviousRRset, PreviousSignatures } from '../../src/signer/reuse.ts';
import { Name } from '../../src/zone/name.ts';
import { runLdnsVerifyZone } from '../helpers/interop/validators.ts';
import { baseOptions, ed25519Parallel, NOW } from './parallel-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'signet-prev-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ORIGIN = Name.parse('example.');
const keys = [ed25519Parallel(1, 257, 'ksk'), ed25519Parallel(2, 256, 'zsk')];
const REFRESH = 5 * 86400;
const LATER = NOW + 3600;

/** Delegations, glue, a wildcard, an empty non-terminal, mixed case, RRsets of several records. */
function zoneText(changes: Record<string, string> = {}): string {
  const lines = [
    '$ORIGIN example.', '$TTL 3600',
    '@ SOA ns1 hostmaster 1 7200 3600 1209600 300', '@ NS ns1', '@ NS ns2', 'ns1 A 192.0.2.1', 'ns2 A 192.0.2.2',
    '@ MX 10 Mail', 'Mail A 192.0.2.3', '*.wild TXT "wildcard"', 'deep.ent.sub A 192.0.2.9',
    'Secure NS ns.secure', 'secure DS 1 13 2 ' + 'ab'.repeat(32), 'ns.secure A 192.0.2.4', 'insecure NS ns.example.net.',
    'multi A 10.1.0.1', 'multi A 10.1.0.2', 'multi A 10.1.0.3',
  ];
  for (let i = 0; i < 150; i++) {
    lines.push(`h${i} A 10.0.0.${i}`);
    if (i % 3 === 0) lines.push(`h${i} TXT "host ${i}"`);
    if (i % 13 === 0) lines.push(`d${i} NS ns1.example.`, `d${i} DS ${i} 13 2 ${'cd'.repeat(32)}`);
  }
  let text = lines.join('\n') + '\n';
  for (const [from, to] of Object.entries(changes)) {
    expect(text).toContain(from);
    text = text.replace(from, to);
  }
  return text;
}

/** A changed record, an added name, a removed name and a changed TTL. */
const CHANGED = {
  'h7 A 10.0.0.7\n': 'h7 A 10.9.9.9\n',
  'Mail A 192.0.2.3\n': 'Mail A 192.0.2.3\nnew A 192.0.2.99\n',
  'h40 A 10.0.0.40\n': '',
  'h9 TXT "host 9"\n': 'h9 600 TXT "host 9"\n',
};

let n = 0;
function file(text: string, ext = 'zone'): string {
  const path = join(dir, `f${n++}.${ext}`);
  writeFileSync(path, text);
  return path;
}

function options(now: number, serial: number, previous: PreviousSignatures | null): StreamSignOptions {
  return {
    ...baseOptions(keys), now, serial, jitterSeed: `example.|${now}`, workers: 1,
    ...(previous !== null ? { reuse: { previous, refresh: REFRESH } } : {}),
  };
}

async function sign(text: string, now: number, serial: number, previous: PreviousSignatures | null) {
  const zone = await loadCompactZone(file(text), ORIGIN);
  const out = join(dir, `out${n++}.signed`);
  const result = await signCompactZoneToFile(zone, out, options(now, serial, previous));
  return { out, stats: result.stats };
}

function describeAnswer(r: PreviousRRset | null): string {
  if (r === null) return 'null';
  const hex = (list: readonly Uint8Array[]): string => list.map((b) => Buffer.from(b).toString('hex')).join(',');
  return `${r.ttl} ${hex(r.canonicalRdatas)} / ${hex(r.rrsigs)}`;
}

/**
 * Asks both previous zones every question the signer asks, and notes the
 * questions that go back in canonical order (there should be none: the
 * streamed one depends on it).
 */
function comparing(streamed: PreviousSignatures, compact: PreviousSignatures) {
  const seen = { asked: 0, answered: 0, differ: [] as string[], backwards: 0 };
  let last: Name | null = null;
  const previous: PreviousSignatures = {
    size: 0,
    find(owner, type) {
      const name = Name.fromWire(owner, 0).name;
      if (last !== null && name.compare(last) < 0) seen.backwards++;
      last = name;
      seen.asked++;
      const a = streamed.find(owner, type);
      const sa = describeAnswer(a);
      const sb = describeAnswer(compact.find(owner, type));
      if (sa !== sb) seen.differ.push(`${name} ${type}: ${sa} <> ${sb}`);
      if (a !== null) seen.answered++;
      return a;
    },
    settle: () => streamed.settle?.(),
  };
  return { previous, seen };
}

/** The file's lines, with a change made to them. */
function editLines(path: string, edit: (lines: string[]) => void): string {
  const lines = readFileSync(path, 'latin1').split('\n');
  edit(lines);
  return file(lines.join('\n'), 'signed');
}

function lineIndex(lines: string[], pattern: RegExp): number {
  const i = lines.findIndex((l) => pattern.test(l));
  expect(i, String(pattern)).toBeGreaterThan(0);
  return i;
}

describe('the previous signed zone streamed', () => {
  it('answers every question as the compact previous does, in the order the signer asks them', async () => {
    const first = await sign(zoneText(), NOW, 1, null);
    const streamed = StreamedPrevious.open(first.out, ORIGIN)!;
    const compact = (await loadPreviousSignatures(first.out, ORIGIN))!;
    const { previous, seen } = comparing(streamed, compact);
    await sign(zoneText(CHANGED), LATER, 2, previous);
    expect(seen.backwards).toBe(0);
    expect(seen.differ).toEqual([]);
    expect(seen.answered).toBeGreaterThan(seen.asked * 0.9);
    expect(streamed.size).toBe(compact.size);
  });

  it('gives byte for byte the output and counts of the compact previous for a changed zone', async () => {
    const first = await sign(zoneText(), NOW, 1, null);
    const viaCompact = await sign(zoneText(CHANGED), LATER, 2, await loadPreviousSignatures(first.out, ORIGIN));
    const viaStream = await sign(zoneText(CHANGED), LATER, 2, StreamedPrevious.open(first.out, ORIGIN));
    expect(readFileSync(viaStream.out, 'latin1')).toBe(readFileSync(viaCompact.out, 'latin1'));
    expect(viaStream.stats).toEqual(viaCompact.stats);
    // The SOA, h7's A, h9's TXT, the new A, and the NSEC3 records that changed (new's, h40's predecessor and new's).
    expect(viaStream.stats.signaturesCreated).toBeGreaterThanOrEqual(6);
    expect(viaStream.stats.signaturesCreated).toBeLessThan(12);
    expect(viaStream.stats.signaturesReused).toBeGreaterThan(300);
    const v = await runLdnsVerifyZone(viaStream.out, { at: LATER + 3600 });
    expect(v.ok, v.output).toBe(true);
  });

  it('answers nothing for a previous file that does not exist', async () => {
    expect(StreamedPrevious.open(join(dir, 'missing.signed'), ORIGIN)).toBeNull();
  });

  it('is thrown away whole when the file is out of order, so nothing of it is used', async () => {
    const first = await sign(zoneText(), NOW, 1, null);
    // Two owners' blocks (a record and its RRSIG each) swapped.
    const swapped = editLines(first.out, (lines) => {
      const a = lineIndex(lines, /^h10\.example\.\s.*\sA\s/);
      const b = lineIndex(lines, /^h11\.example\.\s.*\sA\s/);
      const blockA = lines.slice(a, a + 2);
      const blockB = lines.slice(b, b + 2);
      expect(blockA[1]).toMatch(/RRSIG\s+A /);
      expect(blockB[1]).toMatch(/RRSIG\s+A /);
      lines.splice(b, 2, ...blockA);
      lines.splice(a, 2, ...blockB);
    });
    const out = join(dir, 'swapped.signed');
    const zone = await loadCompactZone(file(zoneText()), ORIGIN);
    await expect(signCompactZoneToFile(zone, out, options(LATER, 2, StreamedPrevious.open(swapped, ORIGIN)))).rejects.toBeInstanceOf(PreviousUnusable);
    expect(existsSync(out)).toBe(false);
  });

  it('makes no wrong reuse of an RRset part of whose records were moved down the file', async () => {
    // The previous file's `multi` A RRset has three records; the current zone has two of them.
    // With the third moved to the end, the two left in place look like an unchanged RRset whose RRSIG (over three) could be kept.
    // The file ends with `zzz`, which sorts last and is gone from the current zone: no question
    // of the signer's makes the cursor read that far, only settle does.
    const first = await sign(zoneText({ 'Mail A 192.0.2.3\n': 'Mail A 192.0.2.3\nzzz A 192.0.2.50\n' }), NOW, 1, null);
    const moved = editLines(first.out, (lines) => {
      const i = lineIndex(lines, /\s10\.1\.0\.3$/);
      const [line] = lines.splice(i, 1);
      expect(lines[lines.length - 2]).toMatch(/^zzz\.example\.\s.*RRSIG/);
      lines.splice(lines.length - 1, 0, line!);
    });
    const current = zoneText({ 'multi A 10.1.0.3\n': '' });
    const multi = Name.parse('multi.example.').canonical;
    const partial = StreamedPrevious.open(moved, ORIGIN)!;
    expect(partial.find(multi, 1)!.canonicalRdatas).toHaveLength(2);
    expect(() => partial.settle()).toThrow(PreviousUnusable);
    // Streamed, the output is refused at the end of the file, which is where the disorder shows.
    const streamed = StreamedPrevious.open(moved, ORIGIN)!;
    const zone = await loadCompactZone(file(current), ORIGIN);
    const refused = join(dir, 'refused.signed');
    await expect(signCompactZoneToFile(zone, refused, options(LATER, 2, streamed))).rejects.toBeInstanceOf(PreviousUnusable);
    expect(existsSync(refused)).toBe(false);

    // signZoneFile then signs with the compact previous, which sees the RRset whole: the same output, and it verifies.
    const input = file(current);
    const output = join(dir, 'moved-out.signed');
    const result = await signZoneFile(fileJob(input, output, moved));
    const reference = await sign(current, LATER, 2, await loadPreviousSignatures(moved, ORIGIN));
    expect(readFileSync(output, 'latin1')).toBe(readFileSync(reference.out, 'latin1'));
    expect(result.stats.signaturesReused).toBe(reference.stats.signaturesReused);
    expect(result.stats.signaturesReused).toBeGreaterThan(300);
    const v = await runLdnsVerifyZone(output, { at: LATER + 3600 });
    expect(v.ok, v.output).toBe(true);
  });

  it('signZoneFile gives the same file from a previous output in order and from one with two lines swapped', async () => {
    const first = await sign(zoneText(), NOW, 1, null);
    const swapped = editLines(first.out, (lines) => {
      const a = lineIndex(lines, /^h20\.example\.\s.*\sA\s/);
      const b = lineIndex(lines, /^h21\.example\.\s.*\sA\s/);
      const t = lines[a]!;
      lines[a] = lines[b]!;
      lines[b] = t;
    });
    const input = file(zoneText(CHANGED));
    const inOrder = join(dir, 'in-order.signed');
    const outOfOrder = join(dir, 'out-of-order.signed');
    const a = await signZoneFile(fileJob(input, inOrder, first.out));
    const b = await signZoneFile(fileJob(input, outOfOrder, swapped));
    expect(readFileSync(outOfOrder, 'latin1')).toBe(readFileSync(inOrder, 'latin1'));
    expect(b.stats).toEqual(a.stats);
    const v = await runLdnsVerifyZone(outOfOrder, { at: LATER + 3600 });
    expect(v.ok, v.output).toBe(true);
  });
});

function fileJob(input: string, output: string, previous: string): SignFileJob {
  const o = options(LATER, 2, null);
  return {
    input, origin: ORIGIN, output, previous, now: LATER, keys, dnskeyTtl: o.dnskeyTtl, validity: o.validity,
    inceptionOffset: o.inceptionOffset, jitter: o.jitter, refresh: REFRESH, jitterSeed: `example.|${LATER}`,
    denial: o.denial, serialFor: () => 2, workers: 1,
  };
}
