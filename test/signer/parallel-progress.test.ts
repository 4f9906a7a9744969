/** The progress line (src/io/progress.ts): drawn on a terminal only, throttled, cleared at the end. */
import { describe, expect, it } from 'vitest';
import { formatProgressLine, terminalProgress } from '../../src/io/progress.ts';

function fakeTerminal(isTTY: boolean) {
  const writes: string[] = [];
  return { stream: { isTTY, columns: 100, write: (t: string) => { writes.push(t); return true; } }, writes };
}

describe('terminalProgress', () => {
  it('gives no hook when the stream is not a terminal', () => {
    expect(terminalProgress(fakeTerminal(false).stream)).toBeNull();
    expect(terminalProgress({ write: () => true })).toBeNull();
  });

  it('draws records read, RRsets signed with rate and time left, at most every interval, and clears the line at the end', () => {
    const { stream, writes } = fakeTerminal(true);
    let now = 0;
    const hook = terminalProgress(stream, { elapsedMs: () => now, intervalMs: 100 })!;
    hook('parse', 1000, null);
    now = 50;
    hook('parse', 2000, null);
    now = 1000;
    hook('parse', 30000, null);
    now = 1000;
    hook('sign', 0, 1000);
    now = 1500;
    hook('sign', 250, 1000);
    now = 1550;
    hook('sign', 260, 1000);
    now = 2000;
    hook('sign', 1000, 1000);
    hook('done', 1000, 1000);
    expect(writes).toEqual([
      '\r\x1b[2Kreading 1,000 records',
      '\r\x1b[2Kreading 30,000 records  30,000/s',
      '\r\x1b[2Ksigning [........................] 0/1,000 RRsets',
      '\r\x1b[2Ksigning [######..................] 250/1,000 RRsets  500/s  0:02 left',
      '\r\x1b[2Ksigning [########################] 1,000/1,000 RRsets  1,000/s  0:00 left',
      '\r\x1b[2K',
    ]);
  });

  it('fits the line to the terminal width', () => {
    const { stream, writes } = fakeTerminal(true);
    const narrow = { ...stream, columns: 20 };
    terminalProgress(narrow, { elapsedMs: () => 0 })!('sign', 5, 10);
    expect(writes[0]!.length).toBe('\r\x1b[2K'.length + 19);
  });
});

describe('formatProgressLine', () => {
  it('shows hours when the time left is long', () => {
    expect(formatProgressLine('sign', 0, 10_000_000, 1000, 10)).toBe('signing [..........] 0/10,000,000 RRsets  1,000/s  2:46:40 left');
  });
});
