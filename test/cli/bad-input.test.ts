/**
 * Issue 2: each class of bad input gets its own test: exit 1, an error naming
 * the file and the line, and no output file written or replaced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, runCli } from '../helpers/cli.ts';

const NOW = '2026-11-25T00:00:00Z';
const HEAD = '$ORIGIN bad.test.\n$TTL 300\n@ SOA ns hostmaster 1 7200 3600 1209600 300\n@ NS ns\nns A 192.0.2.1\n';
const GOOD = HEAD + 'www A 192.0.2.2\n';

/** [class, zone text, expected line of the error, extra files] */
const CASES: [string, string, number, Record<string, string>?][] = [
  ['bad TTL', HEAD + 'www 1w2x A 192.0.2.2\n', 6],
  ['TTL above 2^31-1', HEAD + 'www 2147483648 A 192.0.2.2\n', 6],
  ['unknown type', HEAD + 'www IN FOO 1\n', 6],
  ['bad RDATA', HEAD + 'www A 192.0.2.256\n', 6],
  ['bad generic RDATA length', HEAD + 'www TYPE65280 \\# 3 0102\n', 6],
  ['unclosed parenthesis', HEAD + 'www TXT ( "a"\n', 6],
  ['unclosed quote', HEAD + 'www TXT "never closed\n', 6],
  ['character string over 255 octets', HEAD + `www TXT "${'x'.repeat(256)}"\n`, 6],
  ['label over 63 octets', HEAD + `${'l'.repeat(64)} A 192.0.2.2\n`, 6],
  ['name over 255 octets', HEAD + `${Array(50).fill('abcd').join('.')} A 192.0.2.2\n`, 6],
  ['bad escape in a name', HEAD + 'w\\999w A 192.0.2.2\n', 6],
  ['$INCLUDE outside the zone folder', HEAD + '$INCLUDE ../outside.inc\n', 6],
  ['$INCLUDE loop', HEAD + '$INCLUDE loop.inc\n', 1, { 'loop.inc': '$INCLUDE loop.inc\n' }],
  ['no SOA', '$ORIGIN bad.test.\n$TTL 300\n@ NS ns\nns A 192.0.2.1\n', 1],
  ['two SOA records', HEAD + '@ SOA ns2 hostmaster 2 7200 3600 1209600 300\n', 6],
  ['no NS at the apex', '$ORIGIN bad.test.\n$TTL 300\n@ SOA ns hostmaster 1 7200 3600 1209600 300\nns A 192.0.2.1\n', 3],
  ['CNAME beside other data', HEAD + 'www A 192.0.2.2\nwww CNAME ns\n', 7],
  ['CNAME at the apex', HEAD + '@ CNAME elsewhere.test.\n', 6],
  ['data outside the zone', HEAD + 'www.other.test. A 192.0.2.2\n', 6],
];

describe('bad input: exit 1, FILE:LINE, nothing written or replaced', () => {
  let tmp: { dir: string; cleanup(): void };
  beforeAll(() => { tmp = makeTempDir('signet-bad-'); });
  afterAll(() => tmp.cleanup());

  for (const [what, text, line, extra] of CASES) {
    it(what, async () => {
      const dir = join(tmp.dir, what.replace(/\W+/g, '-'));
      mkdirSync(join(dir, 'zones'), { recursive: true });
      writeFileSync(join(dir, 'outside.inc'), 'x A 192.0.2.9\n');
      const input = join(dir, 'zones', 'bad.test.zone');
      const cli = (...args: string[]) => runCli(['--db', join(dir, 'state.db'), '--now', NOW, ...args], { cwd: dir });

      // A first-time registration refuses the file and stores nothing.
      writeFileSync(input, text);
      for (const [name, content] of Object.entries(extra ?? {})) writeFileSync(join(dir, 'zones', name), content);
      const add = await cli('zone', 'add', 'bad.test', '--input', input);
      expect(add.status, add.stderr).toBe(1);
      const file = (extra && line === 1 && what.includes('INCLUDE')) ? 'loop.inc' : 'bad.test.zone';
      expect(add.stderr).toMatch(new RegExp(`^signet: error: \\S*${file.replace('.', '\\.')}:${line}:\\d+: \\S`));
      expect(existsSync(`${input}.signed`)).toBe(false);
      expect((await cli('zone', 'list')).stdout).toMatch(/no zones/);

      // A registered zone whose input breaks keeps its previous signed output, byte for byte.
      writeFileSync(input, GOOD);
      expect((await cli('zone', 'add', 'bad.test', '--input', input)).status).toBe(0);
      expect((await cli('sign', 'bad.test')).status).toBe(0);
      const before = readFileSync(`${input}.signed`);
      writeFileSync(input, text);
      const sign = await cli('sign', 'bad.test');
      expect(sign.status).toBe(1);
      expect(sign.stderr).toMatch(new RegExp(`${file.replace('.', '\\.')}:${line}:\\d+: `));
      expect(readFileSync(`${input}.signed`).equals(before)).toBe(true);
    });
  }
});
