/**
 * Master-file lexer (RFC 1035 §5.1): splits lines into entries of tokens.
 *
 * One entry is one logical line: a newline ends it unless a parenthesis is
 * open, `;` starts a comment that runs to the end of the line, `"` starts a
 * quoted string, and `\` escapes the next character (or `\DDD`). Tokens keep
 * their escapes raw: names go to `Name.parse`, character-strings are decoded
 * by the RDATA codecs, so `\.` in a name and `\"` in a string both survive.
 *
 * The lexer is fed one line at a time, so a zone file is streamed and never
 * held in memory as a whole. Lines are expected as latin1 strings (one char
 * per byte), which keeps non-ASCII bytes in TXT data exactly as in the file.
 */
import { ZoneParseError } from '../core/errors.ts';
import type { SourcePosition } from '../core/errors.ts';

export interface Token {
  /** Token text with escapes kept as written; for a quoted string, the text between the quotes. */
  readonly text: string;
  readonly quoted: boolean;
  /** True when no white space separates this token from the previous one (`alpn="h2"`). */
  readonly joined: boolean;
  readonly line: number;
  readonly column: number;
}

export interface Entry {
  readonly file: string;
  readonly tokens: readonly Token[];
  /** The entry's first line starts with a blank: the owner is the previous one (RFC 1035 §5.1). */
  readonly leadingBlank: boolean;
  readonly line: number;
  /** Where the entry ends (after its last token), for "missing field" errors. */
  readonly end: SourcePosition;
}

const SPACE = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;
const SEMI = 0x3b;
const LPAREN = 0x28;
const RPAREN = 0x29;
const BACKSLASH = 0x5c;

export class Lexer {
  readonly file: string;
  private tokens: Token[] = [];
  private leadingBlank = false;
  private entryLine = 0;
  private depth = 0;
  /** Position of the outermost open parenthesis, for the error at end of file. */
  private parenLine = 0;
  private parenColumn = 0;
  private endLine = 0;
  private endColumn = 0;

  constructor(file: string) {
    this.file = file;
  }

  /** True inside parentheses: the next line continues the entry (RFC 1035 §5.1). */
  get open(): boolean {
    return this.depth > 0;
  }

  private error(code: string, message: string, line: number, column: number): ZoneParseError {
    return new ZoneParseError(code, message, { file: this.file, line, column });
  }

  /**
   * Feeds one line (without its newline). Returns the entry it completes, or
   * null when the line is blank, only a comment, or inside parentheses.
   */
  pushLine(text: string, lineNo: number): Entry | null {
    const n = text.length;
    let i = 0;
    if (this.depth === 0 && this.tokens.length === 0) {
      this.entryLine = lineNo;
      this.leadingBlank = n > 0 && (text.charCodeAt(0) === SPACE || text.charCodeAt(0) === TAB);
    }
    let joined = false;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === SPACE || c === TAB || c === 0x0d) {
        i++;
        joined = false;
        continue;
      }
      if (c === SEMI) break;
      if (c === LPAREN) {
        if (this.depth === 0) {
          this.parenLine = lineNo;
          this.parenColumn = i + 1;
        }
        this.depth++;
        i++;
        joined = false;
        continue;
      }
      if (c === RPAREN) {
        if (this.depth === 0) throw this.error('ERR_ZONE_UNBALANCED_PAREN', 'closing parenthesis without an opening one', lineNo, i + 1);
        this.depth--;
        i++;
        joined = false;
        continue;
      }
      if (c === QUOTE) {
        const start = i;
        i++;
        while (i < n) {
          const d = text.charCodeAt(i);
          if (d === BACKSLASH) { i += 2; continue; }
          if (d === QUOTE) break;
          i++;
        }
        if (i >= n) throw this.error('ERR_ZONE_UNCLOSED_QUOTE', 'quoted string is not closed on this line', lineNo, start + 1);
        this.addToken(text.slice(start + 1, i), true, joined, lineNo, start + 1, i + 2);
        i++;
        joined = true;
        continue;
      }
      // An unquoted token runs to a blank or a special character; `\` protects the next one.
      const start = i;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) { i += 2; continue; }
        if (d === SPACE || d === TAB || d === 0x0d || d === SEMI || d === LPAREN || d === RPAREN || d === QUOTE) break;
        i++;
      }
      if (i > n) i = n;
      this.addToken(text.slice(start, i), false, joined, lineNo, start + 1, i + 1);
      joined = true;
    }
    if (this.depth > 0 || this.tokens.length === 0) return null;
    const entry: Entry = {
      file: this.file,
      tokens: this.tokens,
      leadingBlank: this.leadingBlank,
      line: this.entryLine,
      end: { file: this.file, line: this.endLine, column: this.endColumn },
    };
    this.tokens = [];
    return entry;
  }

  private addToken(text: string, quoted: boolean, joined: boolean, line: number, column: number, endColumn: number): void {
    this.tokens.push({ text, quoted, joined, line, column });
    this.endLine = line;
    this.endColumn = endColumn;
  }

  /** Call at end of input: an open parenthesis is an error (RFC 1035 §5.1). */
  finish(): void {
    if (this.depth > 0) {
      throw this.error('ERR_ZONE_UNCLOSED_PAREN', 'parenthesis opened here is never closed', this.parenLine, this.parenColumn);
    }
  }
}
