/**
 * Differential test against BIND: the records signet parses from a zone
 * file must equal what `named-compilezone` makes of the same file, both
 * outputs read by signet's parser and compared in canonical form (owner,
 * type, class, TTL, canonical RDATA; RFC 4034 §6.2). And BIND must load what
 * signet's writer prints and give the same records back; Knot (kzonecheck)
 * and NSD (nsd-checkzone) must accept it too.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/bytes.ts';
import { canonicalRdata } from '../../src/zone/canonical.ts';
import { Name } from '../../src/zone/name.ts';
import { parseZoneFile, parseZoneText } from '../../src/zone/parser.ts';
import type { ResourceRecord } from '../../src/zone/record.ts';
import { formatResourceRecord } from '../../src/zone/writer.ts';

const tmp = mkdtempSync(join(tmpdir(), 'signet-diff-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** BIND's view of a zone file, as master-file text. Check-names is off: the test zone has odd owners on purpose. */
function compileWithBind(origin: string, file: string): string {
  return execFileSync('named-compilezone', ['-k', 'ignore', '-i', 'none', '-f', 'text', '-F', 'text', '-s', 'full', '-o', '-', origin, file], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function canonicalSet(records: readonly ResourceRecord[]): string[] {
  const keys = records.map((r) => `${toHex(r.owner.canonical)} ${r.type} ${r.class} ${r.ttl} ${toHex(canonicalRdata(r.type, r.rdata))}`);
  return [...new Set(keys)].sort();
}

async function parseFile(file: string, origin: Name): Promise<ResourceRecord[]> {
  const out: ResourceRecord[] = [];
  for await (const rr of parseZoneFile(file, { origin })) out.push(rr);
  return out;
}

/** BIND prints non-ASCII octets as \DDD, so its output is plain ASCII text. */
function parseBindOutput(text: string, origin: Name): ResourceRecord[] {
  return parseZoneText(text, { origin, file: 'named-compilezone' });
}

const ZONES: [string, string, number][] = [
  ['zones/test/varied.zone', 'varied.example.', 97],
  ['zones/example.com.zone', 'example.com.', 29],
  ['zones/test/rfc5155.zone', 'example.', 25],
  ['test/fixtures/zone/escapes.zone', 'escapes.example.', 9],
];

describe('differential: signet parser vs named-compilezone', () => {
  for (const [file, originText, count] of ZONES) {
    it(`reads ${file} as BIND does`, async () => {
      const origin = Name.parse(originText);
      const mine = canonicalSet(await parseFile(file, origin));
      const bind = canonicalSet(parseBindOutput(compileWithBind(originText, file), origin));
      expect(mine.length).toBe(count);
      expect(mine).toEqual(bind);
    });

    it(`writes ${file} in a form BIND reads back to the same records`, async () => {
      const origin = Name.parse(originText);
      const records = await parseFile(file, origin);
      const written = join(tmp, `${originText}zone`);
      writeFileSync(written, records.map((r) => formatResourceRecord(r) + '\n').join(''), 'latin1');
      const bind = canonicalSet(parseBindOutput(compileWithBind(originText, written), origin));
      expect(bind).toEqual(canonicalSet(records));
      // And signet reads its own output the same way.
      expect(canonicalSet(await parseFile(written, origin))).toEqual(canonicalSet(records));
      expect(readFileSync(written, 'latin1').split('\n').length).toBe(records.length + 1);
    });

    it(`writes ${file} in a form Knot and NSD load`, async () => {
      const origin = Name.parse(originText);
      const records = await parseFile(file, origin);
      const written = join(tmp, `${originText}knot.zone`);
      writeFileSync(written, records.map((r) => formatResourceRecord(r) + '\n').join(''), 'latin1');
      // execFileSync throws on a non-zero exit, with the checker's message.
      execFileSync('kzonecheck', ['-o', originText, written], { stdio: ['ignore', 'pipe', 'pipe'] });
      execFileSync('nsd-checkzone', [originText, written], { stdio: ['ignore', 'pipe', 'pipe'] });
    });
  }
});
