import { describe, expect, it } from 'vitest';
import { formatServerAddress, parseServerAddress, parseServerAddressList } from '../../src/dns/address.ts';

describe('parseServerAddress', () => {
  it.each([
    ['192.0.2.1', { host: '192.0.2.1', port: 53, family: 4 }],
    ['192.0.2.1:5300', { host: '192.0.2.1', port: 5300, family: 4 }],
    ['[::1]:5300', { host: '::1', port: 5300, family: 6 }],
    ['[2001:db8::1]', { host: '2001:db8::1', port: 53, family: 6 }],
    ['2001:db8::53', { host: '2001:db8::53', port: 53, family: 6 }],
    [' 127.0.0.1:1 ', { host: '127.0.0.1', port: 1, family: 4 }],
  ])('parses %s', (text, want) => {
    expect(parseServerAddress(text)).toEqual(want);
  });

  it.each(['ns1.example.', '192.0.2.1:0', '192.0.2.1:65536', '192.0.2.1:x', '[::1', '[::1]5300', '[192.0.2.1]:53', '', '300.1.1.1'])('refuses %j', (text) => {
    expect(() => parseServerAddress(text)).toThrow(expect.objectContaining({ code: 'ERR_DNS_BAD_ADDRESS' }));
  });

  it('formats back, leaving out port 53', () => {
    for (const t of ['192.0.2.1', '192.0.2.1:5300', '[::1]:5300', '2001:db8::1']) expect(formatServerAddress(parseServerAddress(t))).toBe(t);
  });
});

describe('parseServerAddressList', () => {
  it('splits on commas and accepts an empty list', () => {
    expect(parseServerAddressList('127.0.0.1:5301, [::1]:5302').map(formatServerAddress)).toEqual(['127.0.0.1:5301', '[::1]:5302']);
    expect(parseServerAddressList('  ')).toEqual([]);
  });

  it('refuses an empty entry', () => {
    expect(() => parseServerAddressList('127.0.0.1,,127.0.0.2')).toThrow(expect.objectContaining({ code: 'ERR_DNS_BAD_ADDRESS' }));
  });
});

describe('IPv6 normal form', () => {
  it('prints IPv6 addresses in the RFC 5952 form', () => {
    expect(parseServerAddress('[2001:0DB8:0:0:0:0:0:1]:53').host).toBe('2001:db8::1');
  });
});
