/** digestFile: SHA-256 of the bytes, and whether `$INCLUDE` appears (also across the reader's chunk boundary). */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { digestFile } from '../../src/io/file-digest.ts';
import { makeTempDir } from '../helpers/cli.ts';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

function file(name: string, content: Buffer): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, content);
  return path;
}

describe('digestFile', () => {
  it('hashes the bytes and finds no $INCLUDE where there is none', async () => {
    const bytes = Buffer.from('$ORIGIN example.\n$TTL 3600\n@ SOA a b 1 2 3 4 5\n; $INCLUD is not it\n');
    expect(await digestFile(file('a.zone', bytes))).toEqual({ sha256: createHash('sha256').update(bytes).digest('hex'), hasInclude: false });
  });

  it('finds $INCLUDE in any letter case, also split between two chunks of the reader', async () => {
    expect((await digestFile(file('b.zone', Buffer.from('@ A 192.0.2.1\n$include other.zone\n')))).hasInclude).toBe(true);
    const chunk = 4 << 20;
    for (const at of [chunk - 3, chunk - 8, chunk - 1, chunk]) {
      const bytes = Buffer.concat([Buffer.alloc(at, 0x20), Buffer.from('$INCLUDE x\n')]);
      const d = await digestFile(file(`c${at}.zone`, bytes));
      expect(d.hasInclude, `at ${at}`).toBe(true);
      expect(d.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });
});
