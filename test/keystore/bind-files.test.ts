import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toBase64, toHex } from '../../src/core/bytes.ts';
import { parseRrsigTime } from '../../src/core/time.ts';
import { Name } from '../../src/zone/name.ts';
import { computeDs } from '../../src/signer/ds.ts';
import { generateKeyPair } from '../../src/signer/algorithms.ts';
import { verifySignature } from '../../src/signer/verify-signature.ts';
import {
  bindKeyBaseName, exportKeyToBindFiles, formatBindKeyFiles, newKeyFromBindKey, parseBindKeyPair, readBindKeyFiles, writeBindKeyFiles,
} from '../../src/keystore/bind-files.ts';
import { newKeyFromPrivateKey, loadSigningKey } from '../../src/keystore/private-key.ts';
import { openStateDb } from '../../src/keystore/state-db.ts';

const code = (c: string) => expect.objectContaining({ code: c });
const FIXTURES = new URL('../fixtures/keys/', import.meta.url).pathname;
const RFC_KEYS = new URL('../fixtures/rfc/keys/', import.meta.url).pathname;
const data = new TextEncoder().encode('www.example.com. A 192.0.2.1');
const exampleCom = Name.parse('example.com.');
const T0 = 1_800_000_000;

const bindKeys = readdirSync(FIXTURES).filter((f) => f.endsWith('.key')).sort();

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'signet-bind-')); });
afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

describe('readBindKeyFiles: keys made by dnssec-keygen (BIND 9.18)', () => {
  it('has fixtures for every signing algorithm', () => {
    expect(new Set(bindKeys.map((f) => Number(f.split('+')[1])))).toEqual(new Set([8, 13, 14, 15, 16]));
  });

  it.each(bindKeys)('%s: tag, DS, timing, and a signature that verifies', (file) => {
    const k = readBindKeyFiles(join(FIXTURES, file));
    const [, alg, tag] = /\+(\d{3})\+(\d{5})\.key$/.exec(file)!.map(Number) as [number, number, number];
    expect(k.zone.toString()).toBe('example.com.');
    expect([k.algorithm, k.keyTag, k.signingKey.keyTag]).toEqual([alg, tag, tag]);
    // BIND's own DS (dnssec-dsfromkey) for the key.
    const dsLine = readFileSync(join(FIXTURES, file.replace(/\.key$/, '.ds')), 'utf8').trim().split(/\s+/);
    expect(toHex(computeDs(k.zone, k.dnskeyRdata, 2).digest)).toBe(dsLine[dsLine.length - 1]!.toLowerCase());
    const created = /; Created: (\d{14})/.exec(readFileSync(join(FIXTURES, file), 'utf8'))![1]!;
    expect(k.timing.created).toBe(parseRrsigTime(created));
    expect(k.timing.publish).toBe(k.timing.created);
    expect(k.timing.activate).toBe(k.timing.created);
    expect(k.timing.delete).toBeNull();
    expect(verifySignature(k.algorithm, k.dnskeyRdata.subarray(4), data, k.signingKey.sign(data))).toBe(true);
  });

  it('reads the TTL of a key made with -L and the SEP flag of -f KSK', () => {
    const withTtl = bindKeys.filter((f) => / 3600 IN DNSKEY/.test(readFileSync(join(FIXTURES, f), 'utf8')));
    expect(withTtl).toHaveLength(1);
    const k = readBindKeyFiles(join(FIXTURES, withTtl[0]!));
    expect(k.ttl).toBe(3600);
    expect(k.flags).toBe(257);
  });

  it('accepts the .key path, the .private path or the base name', () => {
    const base = join(FIXTURES, bindKeys[0]!.replace(/\.key$/, ''));
    const tags = [base, `${base}.key`, `${base}.private`].map((p) => readBindKeyFiles(p).keyTag);
    expect(new Set(tags).size).toBe(1);
  });
});

describe('readBindKeyFiles: the RFC 6605 and RFC 8080 example keys (v1.2, multi-line records)', () => {
  const rfcKeys = readdirSync(RFC_KEYS).filter((f) => f.endsWith('.key')).sort();
  it.each(rfcKeys)('%s', (file) => {
    const k = readBindKeyFiles(join(RFC_KEYS, file));
    expect(bindKeyBaseName(k.zone, k.algorithm, k.keyTag)).toBe(file.replace(/\.key$/, ''));
    expect(k.ttl).toBe(3600);
    expect(k.timing.created).toBeNull();
  });
});

describe('parseBindKeyPair: refusals', () => {
  const fixture = (f: string) => readFileSync(join(FIXTURES, f), 'utf8');
  const ec = bindKeys.find((f) => f.includes('+013+') && !/ 3600 /.test(fixture(f)))!;
  const ec2 = bindKeys.find((f) => f.includes('+013+') && f !== ec)!;
  const ed = bindKeys.find((f) => f.includes('+015+'))!;
  const priv = (f: string) => fixture(f.replace(/\.key$/, '.private'));
  const names = { keyFile: 'x.key', privateFile: 'x.private' };

  it('a private key of another key pair: ERR_KEY_MISMATCH', () => {
    expect(() => parseBindKeyPair(fixture(ec), priv(ec2), names)).toThrow(code('ERR_KEY_MISMATCH'));
  });

  it('a private key of another algorithm: ERR_BIND_KEY_MISMATCH', () => {
    expect(() => parseBindKeyPair(fixture(ec), priv(ed), names)).toThrow(code('ERR_BIND_KEY_MISMATCH'));
  });

  it('an RSA file whose components are not one key: ERR_KEY_MATERIAL', () => {
    const rsa = bindKeys.find((f) => f.includes('+008+'))!;
    // OpenSSL signs with the CRT values only, so a wrong d would go unnoticed by a signature test.
    for (const field of ['PrivateExponent', 'Prime1', 'Coefficient', 'Modulus']) {
      const broken = priv(rsa).replace(new RegExp(`^${field}: (.)(.)`, 'm'), (_m, a: string, b: string) => `${field}: ${b}${a === b ? (a === 'A' ? 'B' : 'A') : a}`);
      expect(broken).not.toBe(priv(rsa));
      expect(() => parseBindKeyPair(fixture(rsa), broken, names), field).toThrow(code('ERR_KEY_MATERIAL'));
    }
  });

  it('a file name that does not match the key: ERR_BIND_KEY_NAME_MISMATCH', () => {
    expect(() => parseBindKeyPair(fixture(ec), priv(ec), { ...names, baseName: 'Kexample.com.+013+00001' })).toThrow(code('ERR_BIND_KEY_NAME_MISMATCH'));
    expect(() => parseBindKeyPair(fixture(ec), priv(ec), { ...names, baseName: 'Kexample.org.' + ec.slice(12, -4) })).toThrow(code('ERR_BIND_KEY_NAME_MISMATCH'));
    expect(parseBindKeyPair(fixture(ec), priv(ec), { ...names, baseName: 'my-renamed-key' }).keyTag).toBeGreaterThanOrEqual(0);
  });

  it('DNSKEY syntax errors: ERR_BIND_KEY_SYNTAX with a position', () => {
    const line = fixture(ec).split('\n').find((l) => l.includes('DNSKEY'))!;
    const bad = [
      line.replace('DNSKEY 256', 'DNSKEY ( 256'),
      `${line}\n${line}`,
      line.replace('example.com.', 'example.com'),
      line.replace('DNSKEY', 'KEY'),
      line.replace(/ 13 .*/, ' 13 !!notbase64'),
      line.replace(/ 13 .*/, ' 13'),
      line.replace('256 3', '70000 3'),
      '',
    ];
    for (const text of bad) {
      expect(() => parseBindKeyPair(text, priv(ec), names)).toThrow(expect.objectContaining({ code: 'ERR_BIND_KEY_SYNTAX', position: expect.objectContaining({ file: 'x.key' }) }));
    }
  });

  it('accepts TTL and class in either order, lowercase type, comments and parentheses', () => {
    const line = fixture(ec).split('\n').find((l) => l.includes('DNSKEY'))!;
    const [owner, , , flags, proto, alg, ...key] = line.split(/\s+/);
    const text = `; comment\n${owner} IN 1h dnskey ( ${flags} ${proto} ; inner comment\n ${alg}\n ${key.join('\n ')} )\n`;
    const k = parseBindKeyPair(text, priv(ec), names);
    expect(k.ttl).toBe(3600);
    expect(k.keyTag).toBe(readBindKeyFiles(join(FIXTURES, ec)).keyTag);
  });

  it('flags other than 256/257 (e.g. REVOKE, or no ZONE bit): ERR_BIND_KEY_FLAGS; protocol not 3: ERR_BIND_KEY_INVALID', () => {
    const text = fixture(ec);
    expect(() => parseBindKeyPair(text.replace('DNSKEY 256', 'DNSKEY 384'), priv(ec), names)).toThrow(code('ERR_BIND_KEY_FLAGS'));
    expect(() => parseBindKeyPair(text.replace('DNSKEY 256', 'DNSKEY 1'), priv(ec), names)).toThrow(code('ERR_BIND_KEY_FLAGS'));
    expect(() => parseBindKeyPair(text.replace('DNSKEY 256 3', 'DNSKEY 256 2'), priv(ec), names)).toThrow(code('ERR_BIND_KEY_INVALID'));
  });

  it('.private errors: format version, missing fields, bad base64, bad times', () => {
    const p = priv(ec);
    const cases: [string, string][] = [
      [p.replace('v1.3', 'v2.0'), 'ERR_BIND_PRIVATE_FORMAT'],
      [p.replace('v1.3', 'v1.1'), 'ERR_BIND_PRIVATE_FORMAT'],
      [p.replace(/^Private-key-format.*\n/m, ''), 'ERR_BIND_PRIVATE_SYNTAX'],
      [p.replace(/^Algorithm.*\n/m, ''), 'ERR_BIND_PRIVATE_SYNTAX'],
      [p.replace(/^PrivateKey: .*$/m, 'PrivateKey: ***'), 'ERR_BIND_PRIVATE_SYNTAX'],
      [p.replace(/^PrivateKey: .*\n/m, ''), 'ERR_KEY_MATERIAL'],
      [p.replace(/^Created: .*$/m, 'Created: yesterday'), 'ERR_BIND_PRIVATE_SYNTAX'],
      [`${p}Created: 20200101000000\n`, 'ERR_BIND_PRIVATE_SYNTAX'],
      [p.replace(/^Algorithm: 13/m, 'Algorithm: 1'), 'ERR_BIND_KEY_MISMATCH'],
    ];
    for (const [text, c] of cases) expect(() => parseBindKeyPair(fixture(ec), text, names), c).toThrow(code(c));
  });

  it('a missing file: ERR_BIND_KEY_READ', () => {
    expect(() => readBindKeyFiles(join(dir, 'Kexample.com.+013+12345'))).toThrow(code('ERR_BIND_KEY_READ'));
  });
});

describe('formatBindKeyFiles / writeBindKeyFiles', () => {
  it.each(bindKeys)('re-exporting %s gives BIND\'s key material and DNSKEY back', (file) => {
    const k = readBindKeyFiles(join(FIXTURES, file));
    const out = formatBindKeyFiles({ zone: k.zone, algorithm: k.algorithm, flags: k.flags, privateKey: k.privateKey, timing: k.timing, ttl: k.ttl });
    expect(out.baseName).toBe(file.replace(/\.key$/, ''));
    const original = readFileSync(join(FIXTURES, file), 'utf8');
    // Same text as BIND's, record line and comment lines alike.
    expect(out.keyText).toBe(original);
    expect(out.privateText).toBe(readFileSync(join(FIXTURES, file.replace(/\.key$/, '.private')), 'utf8'));
  });

  it('writes the .private file with mode 0600 and refuses to overwrite', () => {
    const key = generateKeyPair(15);
    const spec = { zone: exampleCom, algorithm: 15, flags: 257, privateKey: key, timing: { created: T0, publish: T0, activate: T0 } };
    const { keyPath, privatePath } = writeBindKeyFiles(dir, spec);
    expect(statSync(privatePath).mode & 0o777).toBe(0o600);
    expect(statSync(keyPath).mode & 0o777).toBe(0o644);
    expect(readFileSync(keyPath, 'utf8')).toMatch(/^; This is a key-signing key, keyid \d+, for example\.com\.\n; Created: 20270115080000 \(Fri Jan 15 08:00:00 2027\)\n/);
    expect(() => writeBindKeyFiles(dir, spec)).toThrow(code('ERR_BIND_KEY_EXISTS'));
    writeBindKeyFiles(dir, spec, { overwrite: true });
    const back = readBindKeyFiles(keyPath);
    expect(back.privateKey.equals(key)).toBe(true);
    expect(back.timing).toEqual({ created: T0, publish: T0, activate: T0, revoke: null, inactive: null, delete: null });
  });

  it('refuses zone names that cannot be a file name', () => {
    expect(() => bindKeyBaseName(Name.parse('a/b.example.'), 13, 1)).toThrow(code('ERR_BIND_KEY_NAME'));
  });
});

describe('store integration', () => {
  it('imports a BIND key into the database (encrypted) and exports it back identically', () => {
    const db = openStateDb(':memory:');
    db.addZone({ name: 'example.com.', input: 'i', output: 'o', createdAt: T0 });
    const file = bindKeys.find((f) => f.includes('+016+'))!;
    const k = readBindKeyFiles(join(FIXTURES, file));
    const row = db.addKey(newKeyFromBindKey(k, { zone: exampleCom, now: T0, passphrase: 'pw' }));
    expect(row).toMatchObject({ role: 'zsk', source: 'imported', encrypted: true, keyTag: k.keyTag, createdAt: k.timing.created, publishedAt: null, activeAt: null });
    expect(loadSigningKey(row, 'pw').keyTag).toBe(k.keyTag);
    const paths = exportKeyToBindFiles(db.updateKeyTiming(row.id, { publishedAt: k.timing.publish, activeAt: k.timing.activate }), exampleCom, 'pw', dir);
    expect(readFileSync(paths.privatePath, 'utf8')).toBe(readFileSync(join(FIXTURES, file.replace(/\.key$/, '.private')), 'utf8'));
    expect(readFileSync(paths.keyPath, 'utf8')).toBe(readFileSync(join(FIXTURES, file), 'utf8'));
    expect(() => exportKeyToBindFiles(row, exampleCom, null, join(dir, 'x'))).toThrow(code('ERR_KEY_PASSPHRASE_REQUIRED'));
    db.close();
  });

  it('checks the zone and role, and keeps past BIND timing only when asked', () => {
    const ksk = readBindKeyFiles(join(FIXTURES, bindKeys.find((f) => f.includes('+008+'))!));
    expect(() => newKeyFromBindKey(ksk, { zone: Name.parse('example.org.'), now: T0, passphrase: null })).toThrow(code('ERR_BIND_KEY_ZONE'));
    expect(() => newKeyFromBindKey(ksk, { zone: exampleCom, role: 'zsk', now: T0, passphrase: null })).toThrow(code('ERR_BIND_KEY_FLAGS'));
    expect(newKeyFromBindKey(ksk, { zone: Name.parse('EXAMPLE.com.'), role: 'csk', now: T0, passphrase: null }).role).toBe('csk');
    const kept = newKeyFromBindKey(ksk, { zone: exampleCom, now: ksk.timing.created! + 10, passphrase: null, keepTiming: true });
    expect([kept.publishedAt, kept.activeAt, kept.role]).toEqual([ksk.timing.publish, ksk.timing.activate, 'ksk']);
    const early = newKeyFromBindKey(ksk, { zone: exampleCom, now: ksk.timing.created! - 10, passphrase: null, keepTiming: true });
    expect([early.publishedAt, early.activeAt]).toEqual([null, null]);
  });

  it('exports a generated key that round-trips through the BIND reader', () => {
    const nk = newKeyFromPrivateKey(generateKeyPair(13), { zone: 'example.com.', role: 'csk', algorithm: 13, createdAt: T0, source: 'generated', passphrase: null, publishedAt: T0 });
    const db = openStateDb(':memory:');
    db.addZone({ name: 'example.com.', input: 'i', output: 'o', createdAt: T0 });
    const row = db.addKey(nk);
    const { keyPath } = exportKeyToBindFiles(row, exampleCom, null, dir, { ttl: 7200 });
    const back = readBindKeyFiles(keyPath);
    expect(toBase64(back.dnskeyRdata)).toBe(toBase64(row.publicKey));
    expect(back.ttl).toBe(7200);
    expect(back.timing).toMatchObject({ created: T0, publish: T0, activate: null });
    db.close();
  });
});

describe('renamed files', () => {
  it('a renamed pair still imports; a broken .private is refused', () => {
    const f = bindKeys[0]!.replace(/\.key$/, '');
    copyFileSync(join(FIXTURES, `${f}.key`), join(dir, 'mykey.key'));
    copyFileSync(join(FIXTURES, `${f}.private`), join(dir, 'mykey.private'));
    expect(readBindKeyFiles(join(dir, 'mykey')).keyTag).toBe(Number(f.split('+')[2]));
    writeFileSync(join(dir, 'mykey.private'), 'junk\n');
    expect(() => readBindKeyFiles(join(dir, 'mykey'))).toThrow(code('ERR_BIND_PRIVATE_SYNTAX'));
  });
});
