/**
 * The zone's post-sign command (SPEC zone setting `post-sign-command`, for
 * example a nameserver reload), run once a new signed zone is in place. A
 * failure leaves it pending, so that the next `tick` runs it again.
 */
import { SignetError } from '../core/errors.ts';
import type { UnixSeconds } from '../core/time.ts';
import type { StateDb } from '../keystore/state-db.ts';
import type { ZoneRow } from '../keystore/types.ts';
import { describeShellFailure, runShell } from '../core/shell.ts';
import { zoneSetting } from './zone-config.ts';

/**
 * Runs the zone's post-sign command if it has one; returns whether it ran.
 * Throws ERR_POST_SIGN_COMMAND (with the command's exit and output) when it fails.
 */
export async function runPostSignCommand(
  db: StateDb, zoneName: string, now: UnixSeconds,
  options: { timeoutMs?: number; /** Record the failure here (false when the caller records its own). */ recordFailure?: boolean } = {},
): Promise<boolean> {
  const zone: ZoneRow = db.requireZone(zoneName);
  const command = zoneSetting(zone, 'post-sign-command');
  if (command === null) return false;
  const r = await runShell(command, {
    env: { SIGNET_ZONE: zone.name, SIGNET_OUTPUT: zone.output, SIGNET_SERIAL: String(zone.lastSerial ?? '') },
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  if (!r.ok) {
    if (options.recordFailure !== false) db.transaction(() => {
      db.patchZoneState(zone.name, { postSignPending: true });
      db.addEvent({ zone: zone.name, time: now, kind: 'error', message: `post-sign-command ${describeShellFailure(r)}; tick will run it again`, details: { code: 'ERR_POST_SIGN_COMMAND' } });
    });
    throw new SignetError('ERR_POST_SIGN_COMMAND', `post-sign-command ${describeShellFailure(r)} (the signed zone is in place; \`signet tick\` runs the command again)`);
  }
  db.transaction(() => {
    db.patchZoneState(zone.name, { postSignPending: false });
    db.addEvent({ zone: zone.name, time: now, kind: 'post-sign', message: `post-sign-command ran for serial ${zone.lastSerial ?? '?'}`, details: {} });
  });
  return true;
}
