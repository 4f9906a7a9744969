import { describe, expect, it } from 'vitest';
import { Name } from '../../src/zone/name.ts';
import { toHex } from '../../src/core/bytes.ts';

describe('Name', () => {
  it('parses escapes and keeps case, lowercases canonical form', () => {
    const n = Name.parse('A\\.b.Ex\\065mple.');
    expect(n.labels.length).toBe(2);
    expect(toHex(n.wire)).toBe('03412e62074578416d706c6500');
    expect(toHex(n.canonical)).toBe('03612e62076578616d706c6500');
    expect(n.toString()).toBe('A\\.b.ExAmple.');
  });

  it('appends the origin to relative names', () => {
    expect(Name.parse('www', Name.parse('example.com.')).toString()).toBe('www.example.com.');
  });

  it('rejects long labels and long names', () => {
    expect(() => Name.parse('x'.repeat(64) + '.')).toThrow(expect.objectContaining({ code: 'ERR_NAME_LABEL_TOO_LONG' }));
    expect(() => Name.parse(Array(60).fill('abcd').join('.') + '.')).toThrow(expect.objectContaining({ code: 'ERR_NAME_TOO_LONG' }));
  });

  it('orders names canonically (RFC 4034 §6.1 example)', () => {
    const order = ['example.', 'a.example.', 'yljkjljk.a.example.', 'Z.a.example.', 'zABC.a.EXAMPLE.', 'z.example.', '\\001.z.example.', '*.z.example.', '\\200.z.example.'];
    const names = order.map((s) => Name.parse(s));
    const shuffled = [...names].reverse().sort((a, b) => a.compare(b));
    expect(shuffled.map(String)).toEqual(names.map(String));
  });
});
