/**
 * Server addresses as the settings write them: `ADDR[:PORT]`, with IPv6
 * addresses in brackets when a port follows (`[::1]:5300`, RFC 3986 §3.2.2
 * style). Only literal addresses: a parent server is asked by address, never
 * through a name lookup of its own. IPv6 zone indexes (`%eth0`) are not accepted.
 */
import { SignetError } from '../core/errors.ts';
import { formatIPv6, parseIPv4, parseIPv6 } from '../zone/rdata/ip.ts';

// Parsed here rather than with node:net so that the pure registrar modules can use these types.
const isIPv4 = (t: string): boolean => parseIPv4(t) !== null;
const isIPv6 = (t: string): boolean => parseIPv6(t) !== null;

export interface ServerAddress {
  /** The literal address, without brackets (`192.0.2.1`, `2001:db8::1`). */
  readonly host: string;
  readonly port: number;
  readonly family: 4 | 6;
}

export const DNS_PORT = 53;

/**
 * Parses `ADDR`, `ADDR:PORT`, `[V6ADDR]` or `[V6ADDR]:PORT`. A bare IPv6
 * address (`::1`) is accepted without a port. Throws ERR_DNS_BAD_ADDRESS.
 */
export function parseServerAddress(text: string, defaultPort = DNS_PORT): ServerAddress {
  const t = text.trim();
  const bad = (why: string): SignetError => new SignetError('ERR_DNS_BAD_ADDRESS', `bad server address "${text}": ${why} (write ADDR[:PORT], IPv6 as [ADDR]:PORT)`);
  let host: string;
  let portText: string | null = null;
  if (t.startsWith('[')) {
    const close = t.indexOf(']');
    if (close < 0) throw bad('missing "]"');
    host = t.slice(1, close);
    const rest = t.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) throw bad('text after "]" must be ":PORT"');
      portText = rest.slice(1);
    }
    if (!isIPv6(host)) throw bad('not an IPv6 address inside the brackets');
  } else if (isIPv6(t)) {
    host = t;
  } else {
    const colon = t.lastIndexOf(':');
    if (colon >= 0) {
      host = t.slice(0, colon);
      portText = t.slice(colon + 1);
    } else {
      host = t;
    }
    if (!isIPv4(host)) throw bad('not an IPv4 or IPv6 address');
  }
  let port = defaultPort;
  if (portText !== null) {
    if (!/^\d{1,5}$/.test(portText)) throw bad('the port must be a number');
    port = Number(portText);
    if (port < 1 || port > 65535) throw bad('the port must be between 1 and 65535');
  }
  // IPv6 in the RFC 5952 form, so that one address always prints the same way.
  const v6 = parseIPv6(host);
  return v6 ? { host: formatIPv6(v6), port, family: 6 } : { host, port, family: 4 };
}

/** `ADDR` when the port is 53, else `ADDR:PORT` (`[V6]:PORT` for IPv6). */
export function formatServerAddress(a: ServerAddress): string {
  if (a.port === DNS_PORT) return a.host;
  return a.family === 6 ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

/** A comma-separated list of addresses (the `parent-servers` setting); empty text gives []. */
export function parseServerAddressList(text: string, defaultPort = DNS_PORT): ServerAddress[] {
  if (text.trim() === '') return [];
  return text.split(',').map((part) => {
    if (part.trim() === '') throw new SignetError('ERR_DNS_BAD_ADDRESS', `empty entry in address list "${text}"`);
    return parseServerAddress(part, defaultPort);
  });
}
