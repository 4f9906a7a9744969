import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Name } from '../../src/zone/name.ts';
import { parseZoneFile } from '../../src/zone/parser.ts';
import type { ResourceRecord } from '../../src/zone/record.ts';
import { rejected } from './helpers.ts';

const DIR = 'test/fixtures/zone/include';
const origin = Name.parse('example.');

async function collect(path: string): Promise<ResourceRecord[]> {
  const out: ResourceRecord[] = [];
  for await (const rr of parseZoneFile(path, { origin })) out.push(rr);
  return out;
}

describe('$INCLUDE (RFC 1035 §5.1)', () => {
  it('reads included files relative to the including file, with an optional origin', async () => {
    const rrs = await collect(join(DIR, 'top.zone'));
    expect(rrs.map((r) => `${r.owner} ${r.type} ${r.ttl}`)).toEqual([
      'example. 6 300',
      'example. 2 300',
      'ns1.example. 1 300',
      'ns1.example. 16 300', // the included file starts with the includer's owner (as BIND does)
      'www.example. 1 300',
      'mail.example. 1 300', // hosts/../common.zone
      'ns1.example. 28 77', // owner restored after $INCLUDE; $TTL from the included file carries on
      'sub.example. 16 77', // origin given on the $INCLUDE line
      'host.sub.example. 1 77',
      'after.example. 1 77', // origin restored
    ]);
  });

  it('gives records the position in the file they came from', async () => {
    const rrs = await collect(join(DIR, 'top.zone'));
    expect(rrs[4]!.source).toEqual({ file: join(DIR, 'hosts/hosts.zone'), line: 2, column: 1 });
    expect(rrs[5]!.source).toEqual({ file: join(DIR, 'common.zone'), line: 1, column: 1 });
    expect(rrs[6]!.source).toEqual({ file: join(DIR, 'top.zone'), line: 7, column: 2 });
  });

  it('refuses a path outside the folder of the top-level file', async () => {
    const e = await rejected(collect(join(DIR, 'outside.zone')));
    expect(e.code).toBe('ERR_ZONE_INCLUDE_OUTSIDE');
    expect(e.position).toEqual({ file: join(DIR, 'outside.zone'), line: 3, column: 10 });
  });

  it('refuses an absolute path outside the folder', async () => {
    const e = await rejected(collect(join(DIR, 'absolute.zone')));
    expect(e.code).toBe('ERR_ZONE_INCLUDE_OUTSIDE');
    expect(e.position?.line).toBe(2);
  });

  it('detects include loops, direct and indirect', async () => {
    const indirect = await rejected(collect(join(DIR, 'loop-a.zone')));
    expect(indirect.code).toBe('ERR_ZONE_INCLUDE_LOOP');
    expect(indirect.position).toEqual({ file: join(DIR, 'hosts/loop-b.zone'), line: 2, column: 10 });
    const self = await rejected(collect(join(DIR, 'self.zone')));
    expect(self.code).toBe('ERR_ZONE_INCLUDE_LOOP');
    expect(self.position?.line).toBe(2);
  });

  it('reports a missing included file at the $INCLUDE line', async () => {
    const e = await rejected(collect(join(DIR, 'missing.zone')));
    expect(e.code).toBe('ERR_ZONE_FILE_UNREADABLE');
    expect(e.position).toEqual({ file: join(DIR, 'missing.zone'), line: 3, column: 10 });
  });

  it('reports errors inside an included file with that file and line', async () => {
    const e = await rejected(collect(join(DIR, 'bad-inner.zone')));
    expect(e.code).toBe('ERR_ZONE_BAD_RDATA');
    expect(e.describe()).toBe(`${join(DIR, 'hosts/bad.zone')}:3:7: bad IPv4 address "192.0.2.300"`);
  });

  it('reports an unreadable top-level file', async () => {
    const e = await rejected(collect(join(DIR, 'no-such-file.zone')));
    expect(e.code).toBe('ERR_ZONE_FILE_UNREADABLE');
    expect(e.position?.file).toBe(join(DIR, 'no-such-file.zone'));
    const dir = await rejected(collect(DIR));
    expect(dir.code).toBe('ERR_ZONE_FILE_UNREADABLE');
  });

  describe('symbolic links', () => {
    const root = mkdtempSync(join(tmpdir(), 'signet-include-'));
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    it('refuses a link inside the folder that points outside it', async () => {
      mkdirSync(join(root, 'zone'));
      writeFileSync(join(root, 'secret.zone'), 'x 60 TXT "secret"\n');
      symlinkSync(join(root, 'secret.zone'), join(root, 'zone', 'link.zone'));
      writeFileSync(join(root, 'zone', 'top.zone'), '$INCLUDE link.zone\n');
      const e = await rejected(collect(join(root, 'zone', 'top.zone')));
      expect(e.code).toBe('ERR_ZONE_INCLUDE_OUTSIDE');
    });
  });
});
