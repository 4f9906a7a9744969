import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { concatBytes, toBase64, toHex } from '../../src/core/bytes.ts';
import { decodeMessage, encodeMessage, encodeQuery, NO_FLAGS, Opcode } from '../../src/dns/message.ts';
import { parseTsigKey, signMessage, TsigKey, verifyResponse } from '../../src/dns/tsig.ts';
import { Name } from '../../src/zone/name.ts';
import { RRType } from '../../src/zone/types.ts';
import { ByteWriter } from '../../src/zone/wire.ts';

const SECRET = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const KEY_TEXT = `Update-Key:hmac-sha256:${toBase64(SECRET)}`;
const NOW = 1_767_225_600; // 2026-01-01T00:00:00Z

/** The TSIG variables as RFC 8945 §4.3.3.1 lists them, written out independently of the module. */
function variables(keyName: string, time: number, fudge: number, error: number, other: Uint8Array = new Uint8Array(0)): Uint8Array {
  const w = new ByteWriter();
  w.bytes(Name.parse(keyName).canonical).u16(255).u32(0).bytes(Name.parse('hmac-sha256.').canonical);
  w.u16(Math.floor(time / 2 ** 32)).u32(time >>> 0).u16(fudge).u16(error).u16(other.length).bytes(other);
  return w.finish();
}

function hmac(...parts: Uint8Array[]): Uint8Array {
  const h = createHmac('sha256', SECRET);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** A server-side signed response, built by hand (RFC 8945 §5.3). */
function signedResponse(requestMac: Uint8Array, o: { id?: number; time?: number; error?: number; keyName?: string; mac?: (m: Uint8Array) => Uint8Array; rcode?: number } = {}): Uint8Array {
  const id = o.id ?? 0x4321;
  const body = encodeMessage({
    id, opcode: Opcode.UPDATE, rcode: o.rcode ?? 0, flags: { ...NO_FLAGS, qr: true },
    questions: [{ name: Name.parse('test.'), type: RRType.SOA, class: 1 }], answers: [], authority: [], additional: [], edns: null,
  });
  const time = o.time ?? NOW;
  const keyName = o.keyName ?? 'update-key.';
  const prefix = new ByteWriter().u16(requestMac.length).bytes(requestMac).finish();
  let mac = hmac(prefix, body, variables(keyName, time, 300, o.error ?? 0));
  if (o.mac) mac = o.mac(mac);
  const rdata = new ByteWriter().bytes(Name.parse('hmac-sha256.').wire).u16(0).u32(time).u16(300).u16(mac.length).bytes(mac)
    .u16(id).u16(o.error ?? 0).u16(0).finish();
  const rr = new ByteWriter().bytes(Name.parse(keyName).wire).u16(RRType.TSIG).u16(255).u32(0).u16(rdata.length).bytes(rdata).finish();
  const out = concatBytes([body, rr]);
  out[11] = 1;
  return out;
}

describe('parseTsigKey', () => {
  it('reads NAME:ALGORITHM:BASE64SECRET, names made absolute and lowercased algorithm', () => {
    const k = parseTsigKey(KEY_TEXT);
    expect(k.name.toString()).toBe('Update-Key.');
    expect(k.algorithm.toString()).toBe('hmac-sha256.');
  });

  it('never shows the secret', () => {
    const k = parseTsigKey(KEY_TEXT);
    const b64 = toBase64(SECRET);
    for (const s of [String(k), JSON.stringify(k), inspect(k, { showHidden: true, depth: 5 })]) expect(s).not.toContain(b64);
    expect(JSON.stringify(k)).not.toMatch(/"1":/);
  });

  it.each([
    ['no-colons', 'ERR_TSIG_KEY_BAD'],
    ['name:hmac-sha256', 'ERR_TSIG_KEY_BAD'],
    ['name:hmac-sha256:not base64!', 'ERR_TSIG_KEY_BAD'],
    [':hmac-sha256:AAAA', 'ERR_TSIG_KEY_BAD'],
    ['name:hmac-md5.sig-alg.reg.int:AAAA', 'ERR_TSIG_ALGORITHM_UNSUPPORTED'],
  ])('refuses %j', (text, code) => {
    expect(() => parseTsigKey(text)).toThrow(expect.objectContaining({ code }));
  });

  it('does not repeat the secret in errors', () => {
    try {
      new TsigKey(Name.parse('k.'), Name.parse('hmac-foo.'), SECRET);
    } catch (e) {
      expect((e as Error).message).not.toContain(toBase64(SECRET));
    }
  });
});

describe('signMessage (RFC 8945 §4.3.3)', () => {
  const key = parseTsigKey(KEY_TEXT);
  const query = encodeQuery({ id: 0x4321, name: Name.parse('test.'), type: RRType.SOA, edns: null });

  it('appends a TSIG record whose MAC covers the message and the TSIG variables', () => {
    const { wire, mac } = signMessage(query, key, NOW);
    expect(toHex(mac)).toBe(toHex(hmac(query, variables('update-key.', NOW, 300, 0))));
    const m = decodeMessage(wire);
    expect(m.tsig?.offset).toBe(query.length);
    expect(m.tsig?.record.owner.toString()).toBe('update-key.');
    expect(m.tsig?.record.class).toBe(255);
    // ARCOUNT went from 0 to 1; the rest of the header is untouched.
    expect(toHex(wire.subarray(0, 12))).toBe(toHex(query.subarray(0, 10)) + '0001');
    const rdata = m.tsig!.record.rdata;
    // algorithm name, time signed (48 bits), fudge 300, MAC size 32, MAC, original ID, error 0, other length 0.
    expect(toHex(rdata)).toBe(toHex(Name.parse('hmac-sha256.').wire) + '0000' + NOW.toString(16).padStart(8, '0') + '012c' + '0020' + toHex(mac) + '4321' + '0000' + '0000');
  });
});

describe('verifyResponse (RFC 8945 §5.3)', () => {
  const key = parseTsigKey(KEY_TEXT);
  const requestMac = hmac(Uint8Array.of(1, 2, 3));
  const check = (raw: Uint8Array, now = NOW): void => verifyResponse(raw, decodeMessage(raw), key, requestMac, now);

  it('accepts a correctly signed response', () => {
    expect(() => check(signedResponse(requestMac))).not.toThrow();
  });

  it('uses the original ID from the TSIG record, not the header ID', () => {
    const raw = signedResponse(requestMac);
    // A forwarder may change the header ID; the MAC covers the original one.
    raw[0] = 0x77;
    expect(() => check(raw)).not.toThrow();
  });

  it('refuses a response whose content was changed', () => {
    const raw = signedResponse(requestMac);
    raw[3]! ^= 0x05; // RCODE
    expect(() => check(raw)).toThrow(expect.objectContaining({ code: 'ERR_TSIG_BAD_MAC' }));
  });

  it('refuses a response signed for another request', () => {
    expect(() => check(signedResponse(hmac(Uint8Array.of(9))))).toThrow(expect.objectContaining({ code: 'ERR_TSIG_BAD_MAC' }));
  });

  it('refuses a truncated MAC', () => {
    expect(() => check(signedResponse(requestMac, { mac: (m) => m.subarray(0, 16) }))).toThrow(expect.objectContaining({ code: 'ERR_TSIG_BAD_MAC' }));
  });

  it('refuses an unsigned response', () => {
    const raw = encodeMessage({ id: 1, opcode: Opcode.UPDATE, rcode: 0, flags: { ...NO_FLAGS, qr: true }, questions: [], answers: [], authority: [], additional: [], edns: null });
    expect(() => check(raw)).toThrow(expect.objectContaining({ code: 'ERR_TSIG_RESPONSE_UNSIGNED' }));
  });

  it('refuses a response signed with another key name', () => {
    expect(() => check(signedResponse(requestMac, { keyName: 'other.' }))).toThrow(expect.objectContaining({ code: 'ERR_TSIG_WRONG_KEY' }));
  });

  it('reports the server refusing our signature (BADSIG)', () => {
    expect(() => check(signedResponse(requestMac, { error: 16, rcode: 9 }))).toThrow(expect.objectContaining({ code: 'ERR_TSIG_REJECTED' }));
  });

  it('refuses a response signed outside the fudge', () => {
    expect(() => check(signedResponse(requestMac, { time: NOW - 301 }))).toThrow(expect.objectContaining({ code: 'ERR_TSIG_BAD_TIME' }));
    expect(() => check(signedResponse(requestMac, { time: NOW - 300 }))).not.toThrow();
  });

  it('refuses a malformed TSIG RDATA', () => {
    const raw = signedResponse(requestMac);
    // Cut the last octet of the TSIG RDATA (and its RDLENGTH) so that "other length" is short.
    const cut = raw.slice(0, raw.length - 1);
    const m = decodeMessage(raw);
    const rdlenAt = m.tsig!.offset + Name.parse('update-key.').wire.length + 8;
    cut[rdlenAt + 1]! -= 1;
    expect(() => check(cut)).toThrow(expect.objectContaining({ code: 'ERR_TSIG_MALFORMED' }));
  });
});
