/**
 * IPv4 dotted-quad (RFC 1035 §3.4.1) and IPv6 (RFC 4291 §2.2) text forms,
 * printed as RFC 5952 recommends. Written here rather than with node:net so
 * that src/zone stays free of network modules.
 */

/** Four decimal octets without leading zeros, or null. A plain loop: this runs once per A record. */
export function parseIPv4(text: string): Uint8Array | null {
  const out = new Uint8Array(4);
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (digits === 0 || part > 3) return null;
      out[part++] = value;
      value = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      // No leading zeros ("01"), as inet_pton requires.
      if (digits > 0 && value === 0) return null;
      value = value * 10 + (c - 0x30);
      if (++digits > 3 || value > 255) return null;
    } else {
      return null;
    }
  }
  return part === 4 ? out : null;
}

export function formatIPv4(b: Uint8Array, offset = 0): string {
  return `${b[offset]}.${b[offset + 1]}.${b[offset + 2]}.${b[offset + 3]}`;
}

function parseGroups(text: string, out: number[]): boolean {
  if (text === '') return true;
  for (const g of text.split(':')) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return false;
    out.push(parseInt(g, 16));
  }
  return true;
}

/** RFC 4291 §2.2 text forms, including `::` and a trailing dotted quad; null when malformed. */
export function parseIPv6(text: string): Uint8Array | null {
  let body = text;
  let tail: Uint8Array | null = null;
  const lastColon = body.lastIndexOf(':');
  if (lastColon >= 0 && body.indexOf('.', lastColon) > 0) {
    // A trailing dotted quad stands for the last two groups (RFC 4291 §2.2 item 3).
    tail = parseIPv4(body.slice(lastColon + 1));
    if (!tail) return null;
    body = body.slice(0, lastColon + 1) + '0:0';
  }
  const want = 8;
  const head: number[] = [];
  const rest: number[] = [];
  const dbl = body.indexOf('::');
  if (dbl >= 0) {
    if (body.indexOf('::', dbl + 1) >= 0) return null;
    if (!parseGroups(body.slice(0, dbl), head) || !parseGroups(body.slice(dbl + 2), rest)) return null;
    if (head.length + rest.length >= want) return null;
  } else {
    if (!parseGroups(body, head) || head.length !== want) return null;
  }
  const out = new Uint8Array(16);
  head.forEach((g, i) => { out[i * 2] = g >> 8; out[i * 2 + 1] = g & 0xff; });
  const restStart = want - rest.length;
  rest.forEach((g, i) => { out[(restStart + i) * 2] = g >> 8; out[(restStart + i) * 2 + 1] = g & 0xff; });
  if (tail) out.set(tail, 12);
  return out;
}

/** RFC 5952 §4: lowercase, no leading zeros, the longest run (≥ 2) of zero groups as `::`. */
export function formatIPv6(b: Uint8Array, offset = 0): string {
  // RFC 5952 §5: IPv4-mapped addresses in mixed notation.
  let mapped = b[offset + 10] === 0xff && b[offset + 11] === 0xff;
  for (let i = 0; i < 10 && mapped; i++) if (b[offset + i] !== 0) mapped = false;
  if (mapped) return `::ffff:${formatIPv4(b, offset + 12)}`;
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((b[offset + i * 2]! << 8) | b[offset + i * 2 + 1]!);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}
