/**
 * Interoperability with the real BIND 9.18 tools (bind9-utils): keys made by
 * dnssec-keygen import and sign; keys exported by signet sign a zone with
 * dnssec-signzone, and dnssec-verify accepts the result.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromBase64, toHex } from '../../src/core/bytes.ts';
import { wallClockNow } from '../../src/core/clock.ts';
import { parseRrsigTime } from '../../src/core/time.ts';
import { Name } from '../../src/zone/name.ts';
import { computeDs } from '../../src/signer/ds.ts';
import { generateKeyPair, SIGNING_ALGORITHMS } from '../../src/signer/algorithms.ts';
import { verifySignature } from '../../src/signer/verify-signature.ts';
import { exportKeyToBindFiles, readBindKeyFiles, writeBindKeyFiles } from '../../src/keystore/bind-files.ts';
import { newKeyFromPrivateKey } from '../../src/keystore/private-key.ts';
import { openStateDb } from '../../src/keystore/state-db.ts';
import { signedData } from '../fixtures/rfc/signed-data.ts';

const ZONE = Name.parse('example.com.');
const ZONE_TEXT = `$TTL 3600
example.com. IN SOA ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 3600
example.com. IN NS ns1.example.com.
ns1.example.com. IN A 192.0.2.1
www.example.com. IN A 192.0.2.2
`;
const BIND_NAMES: Record<number, string> = { 8: 'RSASHA256', 13: 'ECDSAP256SHA256', 14: 'ECDSAP384SHA384', 15: 'ED25519', 16: 'ED448' };

let root: string;
let counter = 0;
beforeAll(() => { root = mkdtempSync(join(tmpdir(), 'signet-bind-interop-')); });
afterAll(() => { rmSync(root, { recursive: true, force: true }); });

function freshDir(): string {
  const d = join(root, String(counter++));
  mkdirSync(d);
  return d;
}

function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
}

/** Signs the tiny zone with the keys in `dir` using smart signing, verifies it, and returns the signed text one record per line. */
function signWithBind(dir: string, zoneFile = 'example.com.zone'): string {
  run('dnssec-signzone', ['-q', '-K', '.', '-o', 'example.com.', '-S', '-f', 'signed.zone', zoneFile], dir);
  // dnssec-verify exits non-zero (and run throws) when anything is wrong.
  expect(run('dnssec-verify', ['-o', 'example.com.', 'signed.zone'], dir)).toContain('Zone fully signed');
  return run('named-compilezone', ['-q', '-s', 'full', '-o', '-', 'example.com.', 'signed.zone'], dir);
}

/** Verifies BIND's RRSIG over www.example.com. A with our verifier. */
function checkWwwSignature(signed: string, publicKey: Uint8Array, algorithm: number, keyTag: number): void {
  const line = signed.split('\n').find((l) => /^www\.example\.com\.\s.*\sRRSIG\s+A\s/.test(l) && l.includes(` ${keyTag} example.com. `));
  expect(line, `RRSIG A by ${keyTag}`).toBeDefined();
  const f = line!.split(/\s+/);
  const i = f.indexOf('RRSIG');
  const header = {
    typeCovered: 1, algorithm: Number(f[i + 2]), labels: Number(f[i + 3]), originalTtl: Number(f[i + 4]),
    expiration: parseRrsigTime(f[i + 5]!), inception: parseRrsigTime(f[i + 6]!), keyTag: Number(f[i + 7]), signerName: Name.parse(f[i + 8]!),
  };
  expect(header.algorithm).toBe(algorithm);
  const data = signedData(header, Name.parse('www.example.com.'), 1, [Uint8Array.from([192, 0, 2, 2])], 3600);
  expect(verifySignature(algorithm, publicKey, data, fromBase64(f.slice(i + 9).join(''))!)).toBe(true);
}

describe('signet-made keys exported to BIND files sign a zone with dnssec-signzone', () => {
  it.each(SIGNING_ALGORITHMS)('algorithm %i: KSK + ZSK, smart signing (-S), dnssec-verify passes', (alg) => {
    const dir = freshDir();
    writeFileSync(join(dir, 'example.com.zone'), ZONE_TEXT);
    const past = wallClockNow() - 3600;
    const timing = { created: past, publish: past, activate: past };
    const ksk = generateKeyPair(alg);
    const zsk = generateKeyPair(alg);
    writeBindKeyFiles(dir, { zone: ZONE, algorithm: alg, flags: 257, privateKey: ksk, timing });
    const zskFiles = writeBindKeyFiles(dir, { zone: ZONE, algorithm: alg, flags: 256, privateKey: zsk, timing });
    const signed = signWithBind(dir);
    const zskKey = readBindKeyFiles(zskFiles.keyPath);
    expect(signed).toMatch(new RegExp(`DNSKEY\\s+257 3 ${alg} `));
    checkWwwSignature(signed, zskKey.dnskeyRdata.subarray(4), alg, zskKey.keyTag);
  });

  it('explicit keys (-k KSK zone ZSK) with the DNSKEYs $INCLUDEd, as BIND requires without -S', () => {
    const dir = freshDir();
    const past = wallClockNow() - 3600;
    const ksk = writeBindKeyFiles(dir, { zone: ZONE, algorithm: 13, flags: 257, privateKey: generateKeyPair(13), timing: { created: past } });
    const zsk = writeBindKeyFiles(dir, { zone: ZONE, algorithm: 13, flags: 256, privateKey: generateKeyPair(13), timing: { created: past } });
    writeFileSync(join(dir, 'z'), `${ZONE_TEXT}$INCLUDE ${ksk.keyPath}\n$INCLUDE ${zsk.keyPath}\n`);
    const base = (p: string) => p.replace(/\.key$/, '');
    run('dnssec-signzone', ['-q', '-K', '.', '-o', 'example.com.', '-f', 'signed.zone', '-k', base(ksk.keyPath), 'z', base(zsk.keyPath)], dir);
    expect(run('dnssec-verify', ['-o', 'example.com.', 'signed.zone'], dir)).toContain('Zone fully signed');
  });

  it('keys stored encrypted in the state database export and sign', () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'example.com.zone'), ZONE_TEXT);
    const past = wallClockNow() - 3600;
    const db = openStateDb(':memory:');
    db.addZone({ name: 'example.com.', input: 'i', output: 'o', createdAt: past });
    for (const role of ['ksk', 'zsk'] as const) {
      const row = db.addKey(newKeyFromPrivateKey(generateKeyPair(15), {
        zone: 'example.com.', role, algorithm: 15, createdAt: past, source: 'generated', passphrase: 'pw', publishedAt: past, activeAt: past,
      }));
      exportKeyToBindFiles(row, ZONE, 'pw', dir);
    }
    const zsk = db.listKeys('example.com.').find((k) => k.role === 'zsk')!;
    checkWwwSignature(signWithBind(dir), zsk.publicKey.subarray(4), 15, zsk.keyTag);
    db.close();
  });

  it('a key whose Inactive time has passed is not used by dnssec-signzone -S', () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'example.com.zone'), ZONE_TEXT);
    const now = wallClockNow();
    const t = { created: now - 7200, publish: now - 7200, activate: now - 7200 };
    writeBindKeyFiles(dir, { zone: ZONE, algorithm: 13, flags: 257, privateKey: generateKeyPair(13), timing: t });
    const active = writeBindKeyFiles(dir, { zone: ZONE, algorithm: 13, flags: 256, privateKey: generateKeyPair(13), timing: t });
    const old = writeBindKeyFiles(dir, { zone: ZONE, algorithm: 13, flags: 256, privateKey: generateKeyPair(13), timing: { ...t, inactive: now - 3600 } });
    const signed = signWithBind(dir);
    const activeTag = readBindKeyFiles(active.keyPath).keyTag;
    const oldTag = readBindKeyFiles(old.keyPath).keyTag;
    expect(signed).toMatch(new RegExp(`RRSIG\\s+A .* ${activeTag} example\\.com\\. `));
    expect(signed).not.toMatch(new RegExp(`RRSIG\\s+A .* ${oldTag} example\\.com\\. `));
  });
});

describe('keys made by dnssec-keygen import, sign and match dnssec-dsfromkey', () => {
  it.each(SIGNING_ALGORITHMS)('algorithm %i', (alg) => {
    const dir = freshDir();
    const args = ['-q', '-a', BIND_NAMES[alg]!, '-f', 'KSK', '-K', '.'];
    if (alg === 8) args.push('-b', '2048');
    const base = run('dnssec-keygen', [...args, 'example.com'], dir).trim();
    const k = readBindKeyFiles(join(dir, base));
    expect(k.flags).toBe(257);
    expect(base).toBe(`Kexample.com.+${String(alg).padStart(3, '0')}+${String(k.keyTag).padStart(5, '0')}`);
    const data = new TextEncoder().encode(`interop ${alg}`);
    expect(verifySignature(alg, k.dnskeyRdata.subarray(4), data, k.signingKey.sign(data))).toBe(true);
    for (const [digestType, name] of [[2, 'SHA-256'], [4, 'SHA-384']] as const) {
      const ds = run('dnssec-dsfromkey', ['-a', name, `${base}.key`], dir).trim().split(/\s+/);
      expect(toHex(computeDs(ZONE, k.dnskeyRdata, digestType).digest)).toBe(ds[ds.length - 1]!.toLowerCase());
    }
    // The private file is BIND's own: keep it 0600 there, and ours reads it without change.
    expect(readFileSync(join(dir, `${base}.private`), 'utf8')).toMatch(/^Private-key-format: v1\.3\n/);
  });
});
