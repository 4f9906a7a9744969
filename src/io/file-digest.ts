/**
 * SHA-256 of a whole file, read in large chunks (a signed zone of a million
 * names is some 600 MB: hashing it costs about a second, reading it as a
 * zone costs far more). Optionally notes whether the bytes hold a
 * `$INCLUDE` directive, for callers that must know the file is all of its zone.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

const CHUNK = 4 << 20;
const DOLLAR = 0x24;
const INCLUDE = Buffer.from('INCLUDE', 'latin1');

export interface FileDigest {
  /** SHA-256 of the bytes, hex. */
  readonly sha256: string;
  /** Whether `$INCLUDE` appears anywhere (any letter case; a comment counts too: the answer errs on the safe side). */
  readonly hasInclude: boolean;
}

function includeAt(buf: Buffer, at: number): boolean {
  for (let i = 0; i < INCLUDE.length; i++) if ((buf[at + 1 + i]! & 0xdf) !== INCLUDE[i]) return false;
  return true;
}

export async function digestFile(path: string): Promise<FileDigest> {
  const hash = createHash('sha256');
  const fh = await open(path, 'r');
  // The last bytes of the previous chunk go in front of the next, so a directive split between chunks is seen.
  const keep = INCLUDE.length;
  const buf = Buffer.allocUnsafe(CHUNK + keep);
  let carried = 0;
  let hasInclude = false;
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, carried, CHUNK, null);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(carried, carried + bytesRead));
      const end = carried + bytesRead;
      if (!hasInclude) {
        for (let p = buf.indexOf(DOLLAR, 0); p >= 0 && p + keep < end; p = buf.indexOf(DOLLAR, p + 1)) {
          if (includeAt(buf, p)) {
            hasInclude = true;
            break;
          }
        }
      }
      carried = Math.min(keep, end);
      buf.copy(buf, 0, end - carried, end);
    }
  } finally {
    await fh.close();
  }
  return { sha256: hash.digest('hex'), hasInclude };
}
