/**
 * Master-file parser (RFC 1035 §5, RFC 2308 §4 `$TTL`, RFC 3597 §5 generic
 * RDATA): entries from the lexer become ResourceRecords with their source
 * position. Files are streamed line by line; `$INCLUDE` is followed only
 * inside the folder of the top-level file.
 *
 * Default TTL, as BIND 9 does it (checked against named-compilezone):
 * - after `$TTL` (or with the `defaultTtl` option), a record without a TTL
 *   gets that value, and explicit TTLs do not change it;
 * - before any `$TTL`, a record without a TTL gets the last explicit TTL
 *   (RFC 1035 §5.1 "the last explicitly stated value");
 * - with neither, an SOA without a TTL takes its MINIMUM field and that value
 *   then acts as `$TTL`; any other record is an error (ERR_ZONE_NO_TTL).
 * `$TTL` and the TTL state carry across `$INCLUDE`; the origin and the
 * current owner return to their values in the including file (RFC 1035 §5.1).
 */
import { open, realpath } from 'node:fs/promises';
import { dirname, join, resolve, sep, isAbsolute } from 'node:path';
import { SignetError, ZoneParseError } from '../core/errors.ts';
import type { SourcePosition } from '../core/errors.ts';
import { Lexer } from './lexer.ts';
import type { Entry, Token } from './lexer.ts';
import type { Name } from './name.ts';
import type { ResourceRecord } from './record.ts';
import { classFromString, classToString, RRClass, RRType, typeFromString } from './types.ts';
import { MAX_TTL, parseNameToken, parseTtlText, RdataCursor, rewrap } from './rdata/cursor.ts';
import { parseRdata } from './rdata/index.ts';
import { decodeCharString } from './rdata/text.ts';

export interface ParseOptions {
  /** The zone origin: relative names and `@` are completed with it until a `$ORIGIN`. */
  origin: Name;
  /** TTL for records without one, as if the file started with `$TTL`. */
  defaultTtl?: number;
  /** The zone's class; a record naming another class is an error. Default IN. */
  class?: number;
}

export interface ParseTextOptions extends ParseOptions {
  /** File name used in positions. */
  file: string;
}

/** Per-file state: what `$ORIGIN` and the owner field change, restored after `$INCLUDE`. */
interface FileContext {
  readonly file: string;
  origin: Name;
  lastOwner: Name | null;
}

interface IncludeRequest {
  readonly pathToken: Token;
  readonly origin: Name;
  readonly file: string;
}

/** RFC 6895 §3.1: 0 is reserved, 128–255 are QTYPEs and meta-types, 41 is OPT: none belong in a zone. */
function isMetaType(type: number): boolean {
  return type === 0 || type === 41 || (type >= 128 && type <= 255);
}

/** The TTL and class state shared by a file and everything it includes. */
class RecordBuilder {
  private defaultTtl: number | null;
  private lastTtl: number | null = null;
  readonly zoneClass: number;

  constructor(options: ParseOptions) {
    this.defaultTtl = options.defaultTtl ?? null;
    this.zoneClass = options.class ?? RRClass.IN;
    if (this.defaultTtl !== null && (!Number.isInteger(this.defaultTtl) || this.defaultTtl < 0 || this.defaultTtl > MAX_TTL)) {
      throw new SignetError('ERR_ZONE_BAD_TTL', `default TTL ${this.defaultTtl} is out of range 0..${MAX_TTL}`);
    }
  }

  /** Handles one entry: a record, an include request, or null for `$ORIGIN`/`$TTL`. */
  entry(ctx: FileContext, e: Entry): ResourceRecord | IncludeRequest | null {
    try {
      const first = e.tokens[0]!;
      if (!e.leadingBlank && !first.quoted && first.text.startsWith('$')) return this.directive(ctx, e);
      return this.record(ctx, e);
    } catch (err) {
      throw rewrap(err, { file: e.file, line: e.line, column: e.tokens[0]?.column ?? 1 }, 'ERR_ZONE_BAD_RDATA');
    }
  }

  private at(e: Entry, t: Token | null): SourcePosition {
    return t ? { file: e.file, line: t.line, column: t.column } : e.end;
  }

  private ttlValue(e: Entry, t: Token): number {
    const v = parseTtlText(t.text, MAX_TTL);
    if (v === null) {
      const big = parseTtlText(t.text, Number.MAX_SAFE_INTEGER) !== null;
      // RFC 2181 §8: a TTL is at most 2^31 - 1.
      throw new ZoneParseError('ERR_ZONE_BAD_TTL', big ? `TTL ${t.text} is larger than ${MAX_TTL}` : `bad TTL "${t.text}" (use seconds or units w d h m s, e.g. 1h30m)`, this.at(e, t));
    }
    return v;
  }

  private directive(ctx: FileContext, e: Entry): IncludeRequest | null {
    const [d, arg, extra, more] = e.tokens as [Token, Token | undefined, Token | undefined, Token | undefined];
    const name = d.text.toUpperCase();
    const noArg = (): ZoneParseError => new ZoneParseError('ERR_ZONE_BAD_DIRECTIVE', `${name} needs an argument`, e.end);
    const tooMany = (t: Token): ZoneParseError => new ZoneParseError('ERR_ZONE_BAD_DIRECTIVE', `unexpected "${t.text}" after ${name}`, this.at(e, t));
    switch (name) {
      case '$ORIGIN':
        if (!arg) throw noArg();
        if (extra) throw tooMany(extra);
        // RFC 1035 §5.1: a relative $ORIGIN is relative to the current one.
        ctx.origin = parseNameToken(arg, ctx.origin, e.file);
        return null;
      case '$TTL':
        if (!arg) throw noArg();
        if (extra) throw tooMany(extra);
        this.defaultTtl = this.ttlValue(e, arg);
        return null;
      case '$INCLUDE': {
        if (!arg) throw noArg();
        if (more) throw tooMany(more);
        const origin = extra ? parseNameToken(extra, ctx.origin, e.file) : ctx.origin;
        return { pathToken: arg, origin, file: e.file };
      }
      default:
        throw new ZoneParseError('ERR_ZONE_UNKNOWN_DIRECTIVE', `unsupported directive ${d.text} (only $ORIGIN, $TTL and $INCLUDE)`, this.at(e, d));
    }
  }

  private record(ctx: FileContext, e: Entry): ResourceRecord {
    const tokens = e.tokens;
    let i = 0;
    let owner: Name;
    if (e.leadingBlank) {
      // RFC 1035 §5.1: a blank owner field means the previous owner.
      if (!ctx.lastOwner) throw new ZoneParseError('ERR_ZONE_NO_OWNER', 'record starts with a blank but there is no previous owner', this.at(e, tokens[0]!));
      owner = ctx.lastOwner;
    } else {
      owner = parseNameToken(tokens[0]!, ctx.origin, e.file);
      ctx.lastOwner = owner;
      i = 1;
    }
    // RFC 1035 §5.1: [<TTL>] [<class>] or [<class>] [<TTL>], both optional.
    let ttl: number | null = null;
    let cls: number | null = null;
    let classToken: Token | null = null;
    for (let k = 0; k < 2; k++) {
      const t = tokens[i];
      if (!t || t.quoted) break;
      const c0 = t.text.charCodeAt(0);
      if (ttl === null && c0 >= 0x30 && c0 <= 0x39) {
        ttl = this.ttlValue(e, t);
        i++;
        continue;
      }
      // Only IN, CH, HS and CLASSnnn are classes: skip the lookup for type names such as A or MX.
      if (cls === null && t.text.length >= 2 && 'IiCcHh'.includes(t.text[0]!)) {
        const c = classFromString(t.text);
        if (c !== null) {
          cls = c;
          classToken = t;
          i++;
          continue;
        }
      }
      break;
    }
    const typeToken = tokens[i];
    if (!typeToken) throw new ZoneParseError('ERR_ZONE_MISSING_TYPE', 'record has no type', e.end);
    const type = typeToken.quoted ? null : typeFromString(typeToken.text);
    if (type === null) throw new ZoneParseError('ERR_ZONE_UNKNOWN_TYPE', `unknown type "${typeToken.text}"`, this.at(e, typeToken));
    if (isMetaType(type)) throw new ZoneParseError('ERR_ZONE_BAD_TYPE', `type ${typeToken.text} cannot appear in a zone file`, this.at(e, typeToken));
    if (cls !== null && cls !== this.zoneClass) {
      throw new ZoneParseError('ERR_ZONE_CLASS_MISMATCH', `class ${classToString(cls)} differs from the zone class ${classToString(this.zoneClass)}`, this.at(e, classToken));
    }
    const cursor = new RdataCursor(tokens, i + 1, e.file, ctx.origin, e.end);
    const rdata = parseRdata(type, cursor);
    if (ttl === null) {
      ttl = this.implicitTtl(e, type, rdata, tokens[0]!);
    } else {
      this.lastTtl = ttl;
    }
    return { owner, type, class: this.zoneClass, ttl, rdata, source: { file: e.file, line: e.line, column: tokens[0]!.column } };
  }

  private implicitTtl(e: Entry, type: number, rdata: Uint8Array, first: Token): number {
    if (this.defaultTtl !== null) return this.defaultTtl;
    if (this.lastTtl !== null) return this.lastTtl;
    if (type === RRType.SOA) {
      // RFC 2308 §4 / BIND: with no TTL anywhere, the SOA MINIMUM is used and becomes the default.
      const view = new DataView(rdata.buffer, rdata.byteOffset, rdata.byteLength);
      const minimum = view.getUint32(rdata.length - 4);
      if (minimum > MAX_TTL) throw new ZoneParseError('ERR_ZONE_BAD_TTL', `SOA MINIMUM ${minimum} used as TTL is larger than ${MAX_TTL}`, this.at(e, first));
      this.defaultTtl = minimum;
      return minimum;
    }
    throw new ZoneParseError('ERR_ZONE_NO_TTL', 'record has no TTL and no $TTL or earlier TTL applies', this.at(e, first));
  }
}

/** Zone text → records, synchronously; for tests and small inputs. `$INCLUDE` is refused here. */
export function parseZoneText(text: string, options: ParseTextOptions): ResourceRecord[] {
  const builder = new RecordBuilder(options);
  const ctx: FileContext = { file: options.file, origin: options.origin, lastOwner: null };
  const lexer = new Lexer(options.file);
  // One char per byte, as when a file is read (see lexer.ts).
  const lines = Buffer.from(text, 'utf8').toString('latin1').split('\n');
  const out: ResourceRecord[] = [];
  for (let n = 0; n < lines.length; n++) {
    const entry = lexer.pushLine(lines[n]!, n + 1);
    if (!entry) continue;
    const item = builder.entry(ctx, entry);
    if (item === null) continue;
    if ('pathToken' in item) {
      throw new ZoneParseError('ERR_ZONE_INCLUDE_UNSUPPORTED', '$INCLUDE needs a file: use parseZoneFile', { file: entry.file, line: item.pathToken.line, column: item.pathToken.column });
    }
    out.push(item);
  }
  lexer.finish();
  return out;
}

/** Where `$INCLUDE` may read: the real folder of the top-level file, and the files open now. */
interface IncludeScope {
  readonly root: string;
  readonly stack: string[];
}

function isInside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
}

function unreadable(pos: SourcePosition, file: string, err: unknown): ZoneParseError {
  const why = err instanceof Error && 'code' in err ? String((err as NodeJS.ErrnoException).code) : String(err);
  return new ZoneParseError('ERR_ZONE_FILE_UNREADABLE', `cannot read ${file} (${why})`, pos);
}

/** Most records arrive in batches of about this many, so that consumers pay one await per batch. */
const BATCH = 256;

async function* parseOneFile(
  builder: RecordBuilder, scope: IncludeScope, realFile: string, displayFile: string,
  origin: Name, lastOwner: Name | null, openedAt: SourcePosition,
): AsyncGenerator<ResourceRecord[]> {
  let handle;
  try {
    handle = await open(realFile, 'r');
  } catch (e) {
    throw unreadable(openedAt, displayFile, e);
  }
  // latin1: one char per byte (see lexer.ts). Lines are split here rather than by
  // readline, which costs a promise per line.
  const stream = handle.createReadStream({ encoding: 'latin1', highWaterMark: 1 << 16 });
  const ctx: FileContext = { file: displayFile, origin, lastOwner };
  const lexer = new Lexer(displayFile);
  scope.stack.push(realFile);
  let batch: ResourceRecord[] = [];
  let lineNo = 0;
  let carry = '';
  /** Handles one line; returns an include request to follow before going on, else null. */
  const line = (text: string): IncludeRequest | null => {
    const entry = lexer.pushLine(text, ++lineNo);
    if (!entry) return null;
    const item = builder.entry(ctx, entry);
    if (item === null) return null;
    if ('pathToken' in item) return item;
    batch.push(item);
    return null;
  };
  try {
    const chunks = stream[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<string>;
      try {
        next = await chunks.next();
      } catch (e) {
        throw unreadable(openedAt, displayFile, e);
      }
      const text = next.done ? carry : carry + next.value;
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        if (nl < 0 && !(next.done && start < text.length)) break;
        const end = nl < 0 ? text.length : nl;
        const include = line(text.slice(start, end));
        start = end + 1;
        if (include) {
          if (batch.length > 0) yield batch;
          batch = [];
          yield* includeFile(builder, scope, realFile, include, ctx.lastOwner);
        } else if (batch.length >= BATCH) {
          yield batch;
          batch = [];
        }
      }
      if (next.done) break;
      carry = text.slice(start);
    }
    if (batch.length > 0) yield batch;
    lexer.finish();
  } finally {
    scope.stack.pop();
    stream.destroy();
  }
}

async function* includeFile(builder: RecordBuilder, scope: IncludeScope, parentReal: string, req: IncludeRequest, lastOwner: Name | null): AsyncGenerator<ResourceRecord[]> {
  const tok = req.pathToken;
  const pos: SourcePosition = { file: req.file, line: tok.line, column: tok.column };
  // The token holds file bytes as latin1 with escapes kept: decode both to get the path (UTF-8 on disk).
  let arg: string;
  try {
    arg = Buffer.from(decodeCharString(tok.text)).toString('utf8');
  } catch (e) {
    throw rewrap(e, pos, 'ERR_ZONE_BAD_DIRECTIVE');
  }
  // RFC 1035 §5.1 leaves the path to the implementation: relative to the including file.
  const target = resolve(dirname(parentReal), arg);
  if (!isInside(scope.root, target)) {
    throw new ZoneParseError('ERR_ZONE_INCLUDE_OUTSIDE', `$INCLUDE ${arg} is outside the zone's folder ${scope.root}`, pos);
  }
  let real: string;
  try {
    real = await realpath(target);
  } catch (e) {
    throw unreadable(pos, arg, e);
  }
  // A symbolic link must not lead out of the folder either.
  if (!isInside(scope.root, real)) {
    throw new ZoneParseError('ERR_ZONE_INCLUDE_OUTSIDE', `$INCLUDE ${arg} resolves outside the zone's folder ${scope.root}`, pos);
  }
  if (scope.stack.includes(real)) {
    throw new ZoneParseError('ERR_ZONE_INCLUDE_LOOP', `$INCLUDE ${arg} includes a file that is already being read`, pos);
  }
  const display = isAbsolute(arg) ? arg : join(dirname(req.file), arg);
  yield* parseOneFile(builder, scope, real, display, req.origin, lastOwner, pos);
}

/**
 * Streams the records of a zone file in batches (in file order), following
 * `$INCLUDE` within the file's folder. Every error is a ZoneParseError with
 * a position. For bulk consumers such as loadZone: one await per batch.
 */
export async function* parseZoneFileBatches(path: string, options: ParseOptions): AsyncGenerator<ResourceRecord[]> {
  const builder = new RecordBuilder(options);
  const top: SourcePosition = { file: path, line: 1, column: 1 };
  let real: string;
  try {
    real = await realpath(path);
  } catch (e) {
    throw unreadable(top, path, e);
  }
  const scope: IncludeScope = { root: dirname(real), stack: [] };
  yield* parseOneFile(builder, scope, real, path, options.origin, null, top);
}

/**
 * Streams the records of a zone file one by one, following `$INCLUDE`
 * within the file's folder. Every error is a ZoneParseError with a position.
 */
export async function* parseZoneFile(path: string, options: ParseOptions): AsyncGenerator<ResourceRecord> {
  for await (const batch of parseZoneFileBatches(path, options)) yield* batch;
}
