/**
 * Errors with stable codes. Tests check `code`, never the message text.
 * Input errors carry the file, line and column they were found at, and print
 * as `FILE:LINE:COL: message` (the CLI adds the `signet: error: ` prefix).
 */

/** Where in an input file an error was found. Lines and columns start at 1. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

export class SignetError extends Error {
  readonly code: string;
  readonly position: SourcePosition | null;
  /** Exit status the CLI uses for this error (1 unless a command says otherwise). */
  readonly exitCode: number;

  constructor(code: string, message: string, options: { position?: SourcePosition | null; cause?: unknown; exitCode?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SignetError';
    this.code = code;
    this.position = options.position ?? null;
    this.exitCode = options.exitCode ?? 1;
  }

  /** The message as the CLI prints it after `signet: error: `. */
  describe(): string {
    const p = this.position;
    return p ? `${p.file}:${p.line}:${p.column}: ${this.message}` : this.message;
  }
}

/** An error in a zone file (or any other text input), always with a position. */
export class ZoneParseError extends SignetError {
  constructor(code: string, message: string, position: SourcePosition) {
    super(code, message, { position });
    this.name = 'ZoneParseError';
  }
}
