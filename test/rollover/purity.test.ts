/** src/rollover is pure: no clock, no I/O (house rule 1, research note §5a). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = join(import.meta.dirname, '../../src/rollover');

describe('src/rollover', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    it(`${file} reads no clock and does no I/O`, () => {
      const text = readFileSync(join(dir, file), 'utf8');
      expect(text).not.toMatch(/Date\.now\(|new Date\(\s*\)/);
      expect(text).not.toMatch(/from '(node:)?(fs|net|dgram|child_process|http|https)'|better-sqlite3|commander/);
    });
  }
});
