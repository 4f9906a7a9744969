import { describe, expect, it } from 'vitest';
import { Lexer } from '../../src/zone/lexer.ts';
import type { Entry } from '../../src/zone/lexer.ts';

function lex(text: string): Entry[] {
  const lexer = new Lexer('t.zone');
  const out: Entry[] = [];
  text.split('\n').forEach((line, i) => {
    const e = lexer.pushLine(line, i + 1);
    if (e) out.push(e);
  });
  lexer.finish();
  return out;
}

function texts(e: Entry): string[] {
  return e.tokens.map((t) => (t.quoted ? `"${t.text}"` : t.text));
}

describe('Lexer (RFC 1035 §5.1)', () => {
  it('splits on blanks, drops comments and blank lines', () => {
    const es = lex('a  IN\tA 192.0.2.1 ; comment\n\n   ; only a comment\nb A 192.0.2.2');
    expect(es.map(texts)).toEqual([['a', 'IN', 'A', '192.0.2.1'], ['b', 'A', '192.0.2.2']]);
    expect(es[1]!.line).toBe(4);
  });

  it('joins lines inside parentheses into one entry', () => {
    const es = lex('@ SOA ns hm (\n 1 ; serial\n 2 3\n 4 5 )\nnext A 1.2.3.4');
    expect(texts(es[0]!)).toEqual(['@', 'SOA', 'ns', 'hm', '1', '2', '3', '4', '5']);
    expect(es[0]!.line).toBe(1);
    expect(es[0]!.tokens[4]).toMatchObject({ line: 2, column: 2 });
    expect(es[1]!.line).toBe(5);
  });

  it('marks entries whose line starts with a blank', () => {
    const es = lex('a A 1.2.3.4\n\tA 1.2.3.5\n  TXT x');
    expect(es.map((e) => e.leadingBlank)).toEqual([false, true, true]);
  });

  it('keeps quoted strings whole, with escapes raw and specials literal', () => {
    const [e] = lex('t TXT "a b" "semi;colon (paren)" "q\\"uote" x\\ y');
    expect(texts(e!)).toEqual(['t', 'TXT', '"a b"', '"semi;colon (paren)"', '"q\\"uote"', 'x\\ y']);
  });

  it('keeps \\. and \\DDD in unquoted tokens, and an escaped ; is not a comment', () => {
    const [e] = lex('a\\.b\\059c A 1.2.3.4');
    expect(texts(e!)).toEqual(['a\\.b\\059c', 'A', '1.2.3.4']);
    const [f] = lex('a\\;b TXT x');
    expect(texts(f!)).toEqual(['a\\;b', 'TXT', 'x']);
  });

  it('splits key="value" into a key token and a joined quoted token', () => {
    const [e] = lex('s SVCB 1 . alpn="h2,h3" port=443');
    const alpn = e!.tokens[4]!;
    const value = e!.tokens[5]!;
    expect(alpn).toMatchObject({ text: 'alpn=', quoted: false });
    expect(value).toMatchObject({ text: 'h2,h3', quoted: true, joined: true });
    expect(e!.tokens[6]).toMatchObject({ text: 'port=443', joined: false });
  });

  it('records token columns from 1', () => {
    const [e] = lex('www\t300 IN A 192.0.2.1');
    expect(e!.tokens.map((t) => t.column)).toEqual([1, 5, 9, 12, 14]);
  });

  it('fails on an unclosed quote at the quote', () => {
    expect(() => lex('a TXT "open')).toThrow(expect.objectContaining({ code: 'ERR_ZONE_UNCLOSED_QUOTE', position: { file: 't.zone', line: 1, column: 7 } }));
  });

  it('fails on an unclosed parenthesis at the parenthesis', () => {
    expect(() => lex('a A 1\nb SOA x y ( 1 2\n 3 4')).toThrow(expect.objectContaining({ code: 'ERR_ZONE_UNCLOSED_PAREN', position: { file: 't.zone', line: 2, column: 11 } }));
  });

  it('fails on a closing parenthesis without an opening one', () => {
    expect(() => lex('a A 1.2.3.4 )')).toThrow(expect.objectContaining({ code: 'ERR_ZONE_UNBALANCED_PAREN', position: { file: 't.zone', line: 1, column: 13 } }));
  });
});
