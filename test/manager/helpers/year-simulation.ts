/**
 * A year and a few days of a zone's life through the command line, with the
 * clock moved by --now from one `next` to the following: the manual
 * registrar, an operator who changes the parent and runs `rollover confirm`
 * two hours after signet asks, and `tick` for everything else.
 *
 * Asserted:
 * - every rollover step happens at the time the RFC 7583 arithmetic gives
 *   (numbers, from the audit log);
 * - every signed zone written along the way passes ldns-verify-zone at its
 *   --now time;
 * - a second tick at the same --now changes nothing (database and file);
 * - the resolver cache model, fed with what the signed files really
 *   published and when the parent's DS changed, finds no moment at which a
 *   resolver could fail to validate; the same record with one step moved
 *   early does fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { formatIso, parseTime } from '../../../src/core/time.ts';
import { openStateDb } from '../../../src/keystore/state-db.ts';
import { checkTimeline } from '../../../src/rollover/cache-model.ts';
import type { KeyRef, Publication } from '../../../src/rollover/cache-model.ts';
import { makeTempDir, runCli } from '../../helpers/cli.ts';
import { runLdnsVerifyZone } from '../../helpers/interop/validators.ts';
import { inspectSignedZone } from './signed-zone.ts';

const EXAMPLE = resolve(import.meta.dirname, '../../../zones/example.com.zone');
const T0 = parseTime('2027-01-01T00:00:00Z');
const M = 60;
const H = 3600;
export const D = 86400;

// Default policy; example.com's largest TTL is 1h, like the DNSKEY TTL; the parent's DS TTL is 1d.
const IPUB = 5 * M + H + H; //        zone-propagation-delay + dnskey-ttl + publish-safety
const IRET = 5 * M + H + H; //        zone-propagation-delay + largest TTL + retire-safety
const FIRST_DS = 5 * M + H; //        zone-propagation-delay + max(dnskey-ttl, largest TTL)
const DS_PUBLISH = D + H; //          parent-ds-ttl + parent-propagation-delay
const DNSKEY_SWAP = H + 5 * M; //     dnskey-ttl + zone-propagation-delay
const DS_WITHDRAW = D; //             parent-ds-ttl
/** The operator changes the parent and confirms this long after signet asks. */
const OPERATOR = 2 * H;

interface TickZone {
  zone: string;
  did: string[];
  signed: { serial: number; output: string } | null;
  error: { code: string; message: string } | null;
  next: string | null;
  rollover: { title: string; gate: string } | null;
}

export type Steps = Array<[number, string, string]>;

/** The steps of a KSK double-DS (or CSK rollover) starting at `k`, with the operator's two hours at each DS gate. */
export function kskSteps(k: number, kind: 'ksk' | 'csk'): Steps {
  const submit = k + IPUB;
  const activate = submit + OPERATOR + DS_PUBLISH;
  const withdraw = activate + DNSKEY_SWAP;
  // A CSK also signed the data: its DNSKEY stays until its signatures expired (Iret after activate) too.
  const remove = Math.max(withdraw + OPERATOR + DS_WITHDRAW, kind === 'csk' ? activate + IRET : 0);
  return [[k, kind, 'publish'], [submit, kind, 'submit-ds'], [activate, kind, 'activate'], [withdraw, kind, 'withdraw-ds'], [remove, kind, 'remove']];
}

export function firstSigningSteps(): Steps {
  return [[0, 'first-signing', 'publish'], [FIRST_DS, 'first-signing', 'submit-ds']];
}

export function zskSteps(): Steps {
  let zskActive = 0;
  const zsk: Steps = [];
  for (let i = 0; i < 4; i++) {
    const start = zskActive + 90 * D;
    zsk.push([start, 'zsk', 'publish'], [start + IPUB, 'zsk', 'activate'], [start + IPUB + IRET, 'zsk', 'remove']);
    zskActive = start + IPUB;
  }
  return zsk;
}

export function describeYear(title: string, policy: string[], expected: Steps): void {
  describe(`a year of example.com through the CLI, ${title}: manual registrar, rollover confirm`, () => {
    let tmp: { dir: string; cleanup(): void };
    const cli = (now: number, ...args: string[]) => runCli(['--db', 'state.db', '--now', String(now), ...args], { cwd: tmp.dir });
    const signedPath = () => join(tmp.dir, 'example.com.zone.signed');
    const steps: Array<[number, string, string]> = [];
    const verified: Array<{ at: number; ok: boolean; output: string }> = [];
    const publications: Publication[] = [];
    const idempotence: string[] = [];
    let ticks = 0;

    /** Database rows and the signed file, to compare before and after a repeated tick. */
    function snapshot(): string {
      const db = openStateDb(join(tmp.dir, 'state.db'));
      try {
        const zone = db.getZone('example.com.');
        const state = db.getZoneState('example.com.');
        const facts = db.listKeyFacts({ zone: 'example.com.' });
        const events = db.listEvents({}).length;
        const keys = db.listKeys('example.com.').map((k) => [k.keyTag, k.publishedAt, k.activeAt, k.retiredAt, k.removedAt]);
        const file = createHash('sha256').update(readFileSync(signedPath())).digest('hex');
        return JSON.stringify({ zone, state, facts, events, keys, file });
      } finally {
        db.close();
      }
    }

    const ref = (tag: number): KeyRef => ({ id: String(tag), algorithm: 13 });

    async function recordSigned(at: number): Promise<void> {
      const v = await runLdnsVerifyZone(signedPath(), { at });
      verified.push({ at, ok: v.ok, output: v.output });
      const p = await inspectSignedZone(signedPath(), 'example.com.');
      publications.push({
        kind: 'zone', at, dnskeys: p.dnskeys.map(ref), dnskeySigners: p.dnskeySigners.map(ref), zoneSigners: p.zoneSigners.map(ref),
        dnskeyTtl: H, maxZoneTtl: H,
      });
    }

    /** The DS set the parent serves from `at` on (the operator changed it just before confirming). */
    async function parentServes(at: number): Promise<void> {
      const db = openStateDb(join(tmp.dir, 'state.db'));
      try {
        // What the zone asked the parent to hold: keys with ds-submitted and no ds-withdrawn.
        const ids = db.listKeys('example.com.');
        const facts = db.listKeyFacts({ zone: 'example.com.' });
        const tags = ids.filter((k) => facts.some((f) => f.keyId === k.id && f.fact === 'ds-submitted') && !facts.some((f) => f.keyId === k.id && f.fact === 'ds-withdrawn'))
          .map((k) => k.keyTag);
        publications.push({ kind: 'ds', at, server: 'parent', ds: tags.map(ref), ttl: D });
      } finally {
        db.close();
      }
    }

    async function tick(at: number): Promise<TickZone> {
      const r = await cli(at, '--json', 'tick');
      expect(r.stderr, `tick at ${formatIso(at)}`).toBe('');
      expect(r.status).toBe(0);
      ticks++;
      const z = (JSON.parse(r.stdout) as { zones: TickZone[] }).zones[0]!;
      if (z.signed) await recordSigned(at);
      // Idempotent: a second tick at the same --now changes nothing.
      const before = snapshot();
      const again = JSON.parse((await cli(at, '--json', 'tick')).stdout) as { zones: TickZone[] };
      if (again.zones[0]!.did.length !== 0 || snapshot() !== before) idempotence.push(`${formatIso(at)}: ${JSON.stringify(again.zones[0]!.did)}`);
      return z;
    }

    beforeAll(async () => {
      tmp = makeTempDir('signet-year-');
      copyFileSync(EXAMPLE, join(tmp.dir, 'example.com.zone'));
      // Before signet: an unsigned zone, no DS at the parent.
      publications.push({ kind: 'zone', at: T0 - 400 * D, dnskeys: [], dnskeySigners: [], zoneSigners: [], dnskeyTtl: H, maxZoneTtl: H });
      publications.push({ kind: 'ds', at: T0 - 400 * D, server: 'parent', ds: [], ttl: D });
      if (policy.length > 0) expect((await cli(T0, 'policy', 'set', 'year', ...policy)).status).toBe(0);
      expect((await cli(T0, 'zone', 'add', 'example.com', '--input', 'example.com.zone', '--policy', policy.length > 0 ? 'year' : 'default')).status).toBe(0);

      const end = T0 + 372 * D;
      let t = T0;
      while (t <= end) {
        const z = await tick(t);
        expect(z.error, `tick at ${formatIso(t)}`).toBeNull();
        let next = parseTime(z.next!);
        if (z.rollover?.gate === 'parent-ds') {
          // The operator: reads status, changes the parent, confirms.
          const status = JSON.parse((await cli(t, '--json', 'rollover', 'status', 'example.com')).stdout) as {
            rollover: { evidence: { expect: 'present' | 'absent' }; operator: { command: string } | null };
          };
          expect(status.rollover.operator?.command).toMatch(/^signet rollover confirm example\.com ds-(published|withdrawn)$/);
          const at = t + OPERATOR;
          await parentServes(at);
          const confirm = await cli(at, '--json', 'rollover', 'confirm', 'example.com', status.rollover.evidence.expect === 'present' ? 'ds-published' : 'ds-withdrawn');
          expect(confirm.stderr).toBe('');
          expect(confirm.status).toBe(0);
          const cz = (JSON.parse(confirm.stdout) as TickZone[])[0]!;
          if (cz.signed) await recordSigned(at);
          next = parseTime(cz.next!);
        }
        expect(next).toBeGreaterThan(t);
        t = next;
      }
      const db = openStateDb(join(tmp.dir, 'state.db'));
      try {
        for (const e of db.listEvents({ zone: 'example.com.', kind: 'step-advanced' })) {
          steps.push([e.time - T0, String(e.details.rollover), String(e.details.step)]);
        }
      } finally {
        db.close();
      }
    }, 240_000);

    afterAll(() => tmp?.cleanup());

    it('passes every step at the RFC 7583 times', () => {
      expect(steps).toEqual(expected);
    });

    it('writes signed zones that ldns-verify-zone accepts at their --now time, re-signed before signature-refresh', () => {
      expect(verified.length).toBeGreaterThan(40);
      for (const v of verified) expect(v.ok, v.output).toBe(true);
      // Signatures last 14 days with a refresh of 5: no gap between signings above 9 days.
      const gaps = verified.slice(1).map((v, i) => v.at - verified[i]!.at);
      expect(Math.max(...gaps)).toBeLessThanOrEqual(9 * D);
    });

    it('changes nothing on a second tick at the same --now', () => {
      expect(ticks).toBeGreaterThan(40);
      expect(idempotence).toEqual([]);
    });

    it('never leaves a resolver unable to validate, and the check fails for an early step', () => {
      const options = { zonePropagationDelay: 5 * M, parentHiddenLag: H, strictAlgorithms: true };
      expect(checkTimeline(publications, options, T0 - D, T0 + 380 * D)).toEqual([]);
      // The same history, with the old KSK's DS taken away the moment the new KSK took over
      // (skipping withdraw-ds's wait for the DNSKEY caches): validation must break.
      const lastDs = publications.filter((p) => p.kind === 'ds').at(-1)!;
      const kskActivate = T0 + 365 * D + IPUB + OPERATOR + DS_PUBLISH;
      const early = publications.map((p) => (p === lastDs ? { ...p, at: kskActivate } : p));
      expect(checkTimeline(early, options, T0 - D, T0 + 380 * D).length).toBeGreaterThan(0);
    });
  });
}
