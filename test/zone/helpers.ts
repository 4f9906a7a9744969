/** Shared helpers for the zone tests. */
import { expect } from 'vitest';
import { Name } from '../../src/zone/name.ts';
import { parseZoneText } from '../../src/zone/parser.ts';
import type { ResourceRecord } from '../../src/zone/record.ts';

export const EXAMPLE = Name.parse('example.');

/** Parses zone text with origin `example.` (or the given one) and file name `test.zone`. */
export function parse(text: string, origin: Name = EXAMPLE, defaultTtl?: number): ResourceRecord[] {
  return parseZoneText(text, defaultTtl === undefined ? { origin, file: 'test.zone' } : { origin, file: 'test.zone', defaultTtl });
}

/** Parses exactly one record. */
export function parseOne(text: string, origin: Name = EXAMPLE): ResourceRecord {
  const rrs = parse(text, origin, 300);
  expect(rrs).toHaveLength(1);
  return rrs[0]!;
}

/** Runs `fn` and returns the error it throws (fails the test when it does not throw). */
export function thrown(fn: () => unknown): { code: string; position: { file: string; line: number; column: number } | null; describe(): string } {
  try {
    fn();
  } catch (e) {
    return e as never;
  }
  throw new Error('expected an error');
}

export async function rejected(p: Promise<unknown>): Promise<{ code: string; position: { file: string; line: number; column: number } | null; describe(): string }> {
  try {
    await p;
  } catch (e) {
    return e as never;
  }
  throw new Error('expected a rejection');
}

/** Asserts the zone error code and where it points. */
export function expectZoneError(text: string, code: string, line: number, column?: number): void {
  const e = thrown(() => parse(text));
  expect(e.code).toBe(code);
  expect(e.position?.line).toBe(line);
  if (column !== undefined) expect(e.position?.column).toBe(column);
  expect(e.describe()).toMatch(new RegExp(`^test\\.zone:${line}:\\d+: `));
}
