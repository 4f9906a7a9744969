import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/bytes.ts';
import { Name } from '../../src/zone/name.ts';
import { parseZoneFile, parseZoneFileBatches, parseZoneText } from '../../src/zone/parser.ts';
import type { ResourceRecord } from '../../src/zone/record.ts';

const dir = mkdtempSync(join(tmpdir(), 'signet-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const origin = Name.parse('example.');

function summary(rrs: readonly ResourceRecord[]): string[] {
  return rrs.map((r) => `${r.owner} ${r.type} ${r.ttl} ${toHex(r.rdata)} ${r.source?.line}:${r.source?.column}`);
}

describe('streaming a zone file', () => {
  // Big enough to cross many 64 KiB read chunks, with entries spanning lines and non-ASCII bytes.
  let text = '$TTL 300\r\n';
  for (let i = 0; i < 3000; i++) {
    text += `host${i}\tA\t192.0.2.${i % 256}\n\tTXT ( "record ${i} é"\n\t\t"second string" ) ; comment\r\n`;
  }
  text += 'last A 192.0.2.1'; // no newline at the end
  const path = join(dir, 'big.zone');
  writeFileSync(path, text, 'utf8');

  it('gives the same records as parsing the text at once', async () => {
    const streamed: ResourceRecord[] = [];
    for await (const rr of parseZoneFile(path, { origin })) streamed.push(rr);
    const whole = parseZoneText(text, { origin, file: path });
    expect(streamed).toHaveLength(6001);
    expect(summary(streamed)).toEqual(summary(whole));
  });

  it('hands out records in batches for bulk readers', async () => {
    let batches = 0;
    let records = 0;
    for await (const batch of parseZoneFileBatches(path, { origin })) {
      batches++;
      records += batch.length;
    }
    expect(records).toBe(6001);
    expect(batches).toBeGreaterThan(1);
  });
});
