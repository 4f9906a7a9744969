/**
 * Issue 5: `signet sign` and `tick` sign large zones with the streaming
 * signer over worker threads, behind the compact safety gate. Shown here:
 * the streaming and in-memory signers publish the same records and
 * signature fields for the same zone at the same time; an unchanged zone is patched; a tampered staged
 * file is refused and the previous output stays; and a zone above the
 * default size line takes the streaming path through the command line.
 */
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SignetError } from '../../src/core/errors.ts';
import { parseTime } from '../../src/core/time.ts';
import { openStateDb } from '../../src/keystore/state-db.ts';
import { loadZoneInput, STREAM_ABOVE_BYTES } from '../../src/manager/rollover-input.ts';
import { signZoneToFile } from '../../src/manager/sign-and-publish.ts';
import { stagedPathFor } from '../../src/manager/sign-large-zone.ts';
import { makeTempDir, runCli } from '../helpers/cli.ts';
import { runKzonecheck, runLdnsVerifyZone } from '../helpers/interop/validators.ts';

const NOW = '2026-11-25T00:00:00Z';
const ORIGIN = 'big.example.';

/** A zone of `names` hosts, delegations with and without DS, glue, a wildcard and an empty non-terminal. */
function zoneText(names: number): string {
  const lines = ['$TTL 3600', `$ORIGIN ${ORIGIN}`, '@ SOA ns1 hostmaster 2026010101 7200 3600 1209600 300', '@ NS ns1', '@ NS ns2',
    'ns1 A 192.0.2.1', 'ns2 AAAA 2001:db8::2', '* TXT "wildcard"', 'a.b.c MX 10 mail'];
  for (let i = 0; i < names; i++) {
    if (i % 10 === 0) {
      lines.push(`d${i} NS ns.d${i}`, `ns.d${i} A 198.51.100.${i % 250}`);
      if (i % 20 === 0) lines.push(`d${i} DS ${1000 + i} 13 2 ${'ab'.repeat(32)}`);
    } else {
      lines.push(`h${i} A 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, `h${i} TXT "host ${i}"`);
      if (i % 3 === 0) lines.push(`h${i} AAAA 2001:db8::${i.toString(16)}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** The zone text with each RRSIG's signature field cut off. */
function withoutSignatures(text: string): string {
  return text.replace(/^(\S+\t\d+\tIN\tRRSIG\t.*) \S+$/gm, '$1');
}

describe('signing a large zone', () => {
  let tmp: { dir: string; cleanup(): void };
  const cli = (...args: string[]) => runCli(['--db', 'state.db', '--now', NOW, ...args], { cwd: tmp.dir });
  beforeEach(async () => {
    tmp = makeTempDir();
    writeFileSync(join(tmp.dir, 'big.zone'), zoneText(1200));
    expect((await cli('zone', 'add', ORIGIN, '--input', 'big.zone', '--output', 'big.signed')).status).toBe(0);
  });
  afterEach(() => tmp.cleanup());

  it('publishes what the in-memory signer publishes, then patches an unchanged zone', async () => {
    copyFileSync(join(tmp.dir, 'state.db'), join(tmp.dir, 'copy.db'));
    const at = parseTime(NOW);
    const streamDb = openStateDb(join(tmp.dir, 'state.db'));
    const memoryDb = openStateDb(join(tmp.dir, 'copy.db'));
    try {
      const streamed = await signZoneToFile(streamDb, streamDb.requireZone(ORIGIN), at, null, { streamAboveBytes: 0, workers: 2 });
      expect(streamed).toMatchObject({ method: 'streaming', created: streamed.signatures });
      const streamedBytes = readFileSync(join(tmp.dir, 'big.signed'));
      const streamedText = withoutSignatures(streamedBytes.toString('latin1'));
      const inMemory = await signZoneToFile(memoryDb, memoryDb.requireZone(ORIGIN), at, null, { streamAboveBytes: Infinity });
      expect(inMemory.method).toBe('in-memory');
      expect({ ...inMemory, method: 'streaming' }).toEqual(streamed);
      // ECDSA signatures differ from run to run (RFC 6605 §4: a fresh random k each time); everything else is the same.
      expect(withoutSignatures(readFileSync(join(tmp.dir, 'big.signed'), 'latin1'))).toBe(streamedText);

      // The file signet published for the zone of streamDb goes back in place.
      writeFileSync(join(tmp.dir, 'big.signed'), streamedBytes);
      const ldns = await runLdnsVerifyZone(join(tmp.dir, 'big.signed'), { at: at + 60 });
      expect(ldns.ok, ldns.output).toBe(true);
      const knot = await runKzonecheck(join(tmp.dir, 'big.signed'), ORIGIN, { at: at + 60 });
      expect(knot.ok, knot.output).toBe(true);

      // The gate recorded the window in which every signature it read is valid: the next patch relies on it.
      const window = streamDb.getPublishedFiles(ORIGIN)!;
      expect(window.signaturesValidFrom).toBe(at - 3600);
      expect(window.signaturesValidUntil).toBe(streamed.earliestExpiration);

      // Nothing changed but the time: the previous output is patched, with the SOA signed again.
      const patched = await signZoneToFile(streamDb, streamDb.requireZone(ORIGIN), at + 3600, null, { streamAboveBytes: 0, workers: 2 });
      expect(patched).toMatchObject({ method: 'patched', serial: streamed.serial + 1, signatures: streamed.signatures });
      expect(patched.created).toBeLessThan(5);
      // The lines below the apex were copied and compared in bulk: the window stays as tight as the gate could tell.
      const after = streamDb.getPublishedFiles(ORIGIN)!;
      expect(after.signaturesValidUntil).toBe(window.signaturesValidUntil);
      expect(after.signaturesValidFrom).toBe(at + 3600 - 3600);
      const again = await runLdnsVerifyZone(join(tmp.dir, 'big.signed'), { at: at + 3700 });
      expect(again.ok, again.output).toBe(true);
      const events = streamDb.listEvents({ zone: ORIGIN, kind: 'signed' });
      expect(events.at(-1)!.message).toMatch(/\(patched, \d+ made\)/);

      // A published file changed behind signet's back is not patched: the zone is signed from its input.
      writeFileSync(join(tmp.dir, 'big.signed'), readFileSync(join(tmp.dir, 'big.signed'), 'latin1') + '; edited by hand\n');
      const resigned = await signZoneToFile(streamDb, streamDb.requireZone(ORIGIN), at + 7200, null, { streamAboveBytes: 0, workers: 2 });
      expect(resigned.method).toBe('streaming');
      expect(resigned.created).toBeLessThan(5); // the SOA, whose serial changed; the rest is kept from the previous output
    } finally {
      streamDb.close();
      memoryDb.close();
    }
  });

  it('does not read an input whose bytes are those the published zone was made from', async () => {
    const db = openStateDb(join(tmp.dir, 'state.db'));
    try {
      await signZoneToFile(db, db.requireZone(ORIGIN), parseTime(NOW), null, { streamAboveBytes: 0, workers: 1 });
      const zone = db.requireZone(ORIGIN);
      const published = db.getPublishedFiles(ORIGIN);
      expect(published).not.toBeNull();
      const read = await loadZoneInput(zone, { streamAboveBytes: 0 });
      const known = await loadZoneInput(zone, { streamAboveBytes: 0, published });
      expect(read.compact).not.toBeNull();
      expect(known.compact).toBeNull();
      expect({ digest: known.digest, maxTtl: known.maxTtl, serial: known.serial }).toEqual({ digest: read.digest, maxTtl: read.maxTtl, serial: read.serial });
      // An $INCLUDE brings bytes the digest of this file does not cover: always read.
      writeFileSync(join(tmp.dir, 'part.zone'), 'late A 192.0.2.78\n');
      writeFileSync(join(tmp.dir, 'big.zone'), zoneText(1200) + '$include part.zone\n');
      const included = await loadZoneInput(zone, { streamAboveBytes: 0, published: { ...published!, inputSha256: null } });
      expect(included.sha256).toBeNull();
      expect(included.compact).not.toBeNull();
    } finally {
      db.close();
    }
  });

  it('refuses a tampered staged file and keeps the previous output', async () => {
    const at = parseTime(NOW);
    const db = openStateDb(join(tmp.dir, 'state.db'));
    try {
      await signZoneToFile(db, db.requireZone(ORIGIN), at, null, { streamAboveBytes: 0, workers: 1 });
      const output = join(tmp.dir, 'big.signed');
      const before = readFileSync(output, 'latin1');
      writeFileSync(join(tmp.dir, 'big.zone'), zoneText(1200) + 'late A 192.0.2.77\n');
      const attempt = signZoneToFile(db, db.requireZone(ORIGIN), at + 3600, null, {
        streamAboveBytes: 0, workers: 1,
        beforePublishFile: (path) => {
          // One changed address under an intact signature: what a signer bug writing the wrong RDATA would do.
          const text = readFileSync(path, 'latin1');
          expect(text).toMatch(/^h777\.big\.example\.\s+3600\s+IN\s+A\s+10\.0\.3\.9$/m);
          writeFileSync(path, text.replace(/^(h777\.big\.example\.\s+3600\s+IN\s+A\s+)10\.0\.3\.9$/m, '$110.0.3.10'));
        },
      });
      const error = (await attempt.then(() => null, (e: unknown) => e)) as SignetError;
      expect(error?.code).toBe('ERR_SAFETY_GATE');
      expect(error.message).toMatch(/SIGNATURE_INVALID h777\.big\.example\. A/);
      expect(readFileSync(output, 'latin1')).toBe(before);
      expect(existsSync(stagedPathFor(output))).toBe(false);
      expect(readdirSync(tmp.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      expect(db.listEvents({ zone: ORIGIN, kind: 'publish-refused' })).toHaveLength(1);
    } finally {
      db.close();
    }
  });

  it('takes the streaming path from the command line above the size line, and tick keeps it', async () => {
    writeFileSync(join(tmp.dir, 'big.zone'), zoneText(6000));
    expect(readFileSync(join(tmp.dir, 'big.zone')).length).toBeGreaterThan(STREAM_ABOVE_BYTES);
    const signed = await cli('sign', ORIGIN);
    expect(signed.status, signed.stderr).toBe(0);
    expect(signed.stdout).toMatch(/\(streaming signer; \d+ made\)/);
    const v = await runLdnsVerifyZone(join(tmp.dir, 'big.signed'), { at: parseTime(NOW) + 60 });
    expect(v.ok, v.output).toBe(true);
    // A day later nothing changed: tick has nothing to sign; past the refresh line it patches.
    const later = await runCli(['--db', 'state.db', '--now', '2026-11-26T00:00:00Z', 'tick'], { cwd: tmp.dir });
    expect(later.status, later.stderr).toBe(0);
    const refresh = await runCli(['--db', 'state.db', '--now', '2026-12-05T00:00:00Z', 'tick', '--json'], { cwd: tmp.dir });
    expect(refresh.status, refresh.stderr).toBe(0);
    const db = openStateDb(join(tmp.dir, 'state.db'));
    try {
      const last = db.listEvents({ zone: ORIGIN, kind: 'signed' }).at(-1)!;
      expect(last.message).toMatch(/\(patched, \d+ made\)/);
    } finally {
      db.close();
    }
    const after = await runLdnsVerifyZone(join(tmp.dir, 'big.signed'), { at: parseTime('2026-12-05T00:00:00Z') + 60 });
    expect(after.ok, after.output).toBe(true);
  });
});
