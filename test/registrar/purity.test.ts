/**
 * The pure registrar modules (research note §5a "Dependency rule") must not
 * reach sockets, files, processes or the clock, even through what they import.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const PURE = ['src/registrar/ds-match.ts', 'src/registrar/parent-check.ts', 'src/registrar/find-parent.ts', 'src/registrar/cds.ts', 'src/dns/message.ts', 'src/dns/address.ts'];
const FORBIDDEN = /^node:(net|dgram|fs|child_process|http|https)$|^better-sqlite3$|^commander$/;

/** Value imports (not `import type`) of a file, recursively through local files. */
function closure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'([^']+)';/gms)) {
    const spec = m[1]!;
    if (spec.startsWith('.')) closure(resolve(dirname(file), spec), seen);
    else seen.add(spec);
  }
  return seen;
}

describe('pure registrar and message modules', () => {
  it('the check sees through local imports (the client does reach node:dgram)', () => {
    const all = [...closure(resolve(ROOT, 'src/dns/client.ts'))];
    expect(all).toContain('node:dgram');
    expect(all).toContain(resolve(ROOT, 'src/zone/name.ts'));
  });

  for (const f of PURE) {
    it(`${f} reaches no I/O module and no clock`, () => {
      const all = [...closure(resolve(ROOT, f))];
      expect(all.filter((x) => FORBIDDEN.test(x))).toEqual([]);
      for (const local of all.filter((x) => x.startsWith('/') && !x.endsWith('core/clock.ts'))) {
        expect(readFileSync(local, 'utf8'), local).not.toMatch(/Date\.now\(\)|new Date\(\)/);
      }
      expect(all.some((x) => x.endsWith('core/clock.ts'))).toBe(false);
    });
  }
});
