/**
 * One manager pass over every zone (or one), under the database's lock:
 * what `signet tick`, each firing of `signet run`, and the rollover commands
 * that act (`confirm`, `start`) do. Zones are independent: one zone's
 * failure is recorded and the others go on.
 */
import { formatIso } from '../core/time.ts';
import type { UnixSeconds } from '../core/time.ts';
import type { StateDb } from '../keystore/state-db.ts';
import { acquireLock } from './lock.ts';
import { runZonePass, type PassOptions, type PassReport } from './tick-zone.ts';

export interface TickOptions extends PassOptions {
  /** Only this zone (canonical name); default every zone. */
  zone?: string;
  /** How long to wait for a concurrent pass to finish, milliseconds. */
  lockWaitMs: number;
}

export interface TickReport {
  now: UnixSeconds;
  zones: PassReport[];
  /** The earliest time at which another tick has work to do, over all zones. */
  next: UnixSeconds | null;
}

export async function runTick(db: StateDb, options: TickOptions): Promise<TickReport> {
  const lock = await acquireLock(db.path, { waitMs: options.lockWaitMs, what: 'tick' });
  try {
    const names = options.zone === undefined ? db.listZones().map((z) => z.name) : [db.requireZone(options.zone).name];
    const zones: PassReport[] = [];
    for (const name of names) zones.push(await runZonePass(db, name, options));
    const nexts = zones.map((z) => z.next).filter((t): t is number => t !== null);
    return { now: options.now, zones, next: nexts.length === 0 ? null : Math.min(...nexts) };
  } finally {
    lock?.release();
  }
}

const iso = (t: UnixSeconds | null): string | null => (t === null ? null : formatIso(t));

/** The `--json` form of a tick: per zone what it did and `next`. */
export function tickJson(r: TickReport): Record<string, unknown> {
  return {
    now: formatIso(r.now),
    next: iso(r.next),
    zones: r.zones.map((z) => ({
      zone: z.zone,
      did: z.did,
      events: z.events.map((e) => ({ kind: e.kind, message: e.message })),
      signed: z.signed === null ? null : { ...z.signed, earliestExpiration: formatIso(z.signed.earliestExpiration) },
      error: z.error,
      warnings: z.warnings,
      next: iso(z.next),
      rollover: z.status === null ? null : z.status.state === 'rollover'
        ? { title: z.status.title, step: z.status.step, steps: z.status.steps, stepName: z.status.stepName, next: z.status.next, gate: z.status.gate.kind, earliest: iso(z.status.earliest) }
        : null,
    })),
  };
}

/** The text form: one block per zone. */
export function tickText(r: TickReport): string[] {
  const lines: string[] = [];
  for (const z of r.zones) {
    lines.push(`${z.zone}${z.did.length === 0 ? ': nothing to do' : ''}`);
    for (const d of z.did) lines.push(`  ${d}`);
    if (z.error) lines.push(`  error (${z.error.code}): ${z.error.message}; tried again on the next tick`);
    lines.push(`  next: ${z.next === null ? 'nothing scheduled' : formatIso(z.next)}`);
  }
  if (r.zones.length === 0) lines.push('no zones (add one with: signet zone add NAME --input FILE)');
  return lines;
}
