/**
 * Deterministic bench zones: `n` names under `bench.example.`, a fixed mix of
 * delegations (half of them secure, with a DS) and hosts with A, AAAA, TXT
 * and MX. The same `n` always gives the same file, byte for byte, so runs
 * compare like with like. Written line by line, never held as one string.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export const BENCH_ORIGIN = 'bench.example.';

/** What a generated zone holds, for the report. */
export interface ZoneShape {
  readonly names: number;
  readonly records: number;
  readonly delegations: number;
  readonly secureDelegations: number;
}

/** A small deterministic hash (xorshift-multiply) so the mix does not follow the index too visibly. */
function mix(i: number): number {
  let h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Owner label of name `i`: spread over a few prefixes so the names do not share one long common run. */
export function benchLabel(i: number): string {
  const prefixes = ['www', 'mail', 'host', 'srv', 'api', 'cdn', 'app', 'db'];
  return `${prefixes[i % prefixes.length]}-${i.toString(36)}`;
}

/** The text lines of name `i` (relative owners, default TTL from $TTL). */
export function benchLines(i: number): string[] {
  const label = benchLabel(i);
  const h = mix(i);
  const lines: string[] = [];
  if (h % 10 === 0) {
    // A delegation out of zone (no glue): NS pair, and a DS for every other one.
    lines.push(`${label}\tNS\tns1.provider-${h % 97}.net.`, `${label}\tNS\tns2.provider-${h % 97}.net.`);
    if ((h >>> 8) % 2 === 0) {
      const digest = (h.toString(16).padStart(8, '0') + 'a1b2c3d4e5f60718').repeat(3).slice(0, 64);
      lines.push(`${label}\tDS\t${(h >>> 4) & 0xffff} 13 2 ${digest}`);
    }
    return lines;
  }
  lines.push(`${label}\tA\t10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`);
  if (h % 5 === 1) lines.push(`${label}\tAAAA\t2001:db8:${(i >>> 16).toString(16)}:${(i & 0xffff).toString(16)}::1`);
  if (h % 10 === 3) lines.push(`${label}\tTXT\t"v=spf1 ip4:10.${i & 255}.0.0/16 -all" "id ${i}"`);
  if (h % 20 === 7) lines.push(`${label}\tMX\t10 mail-${(h >>> 3) % 50}.${BENCH_ORIGIN}`);
  return lines;
}

/** Writes the zone of `n` names to `path`. */
export async function writeBenchZone(path: string, n: number): Promise<ZoneShape> {
  const out = createWriteStream(path, { encoding: 'latin1' });
  let chunk = `$ORIGIN ${BENCH_ORIGIN}\n$TTL 3600\n`
    + `@\tSOA\tns1.${BENCH_ORIGIN} hostmaster.${BENCH_ORIGIN} 2024010101 7200 3600 1209600 3600\n`
    + `@\tNS\tns1.${BENCH_ORIGIN}\n@\tNS\tns2.${BENCH_ORIGIN}\n`
    + `ns1\tA\t192.0.2.1\nns2\tA\t192.0.2.2\n`;
  for (let m = 0; m < 50; m++) chunk += `mail-${m}\tA\t192.0.2.${100 + m}\n`;
  let records = 6 + 50;
  let delegations = 0;
  let secure = 0;
  for (let i = 0; i < n; i++) {
    const lines = benchLines(i);
    records += lines.length;
    if (lines[0]!.includes('\tNS\t')) {
      delegations++;
      if (lines.length === 3) secure++;
    }
    chunk += lines.join('\n') + '\n';
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return { names: n + 54, records, delegations, secureDelegations: secure };
}
