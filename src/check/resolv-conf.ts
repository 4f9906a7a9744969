/**
 * The system's resolver, for `signet check` without --resolver: the first
 * `nameserver` line of resolv.conf (resolv.conf(5)). Parsing only; the
 * command reads the file.
 */
import { parseServerAddress, type ServerAddress } from '../dns/address.ts';

/** The first usable `nameserver` address, or null. IPv6 zone indexes (`fe80::1%eth0`) are skipped: the client cannot use them. */
export function firstNameserver(text: string): ServerAddress | null {
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const m = /^nameserver\s+(\S+)$/.exec(line);
    if (!m || m[1]!.includes('%')) continue;
    try {
      return parseServerAddress(m[1]!.includes(':') && !m[1]!.startsWith('[') ? `[${m[1]}]` : m[1]!);
    } catch {
      continue;
    }
  }
  return null;
}
