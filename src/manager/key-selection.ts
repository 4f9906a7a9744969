/**
 * Which of a zone's stored keys are published and which sign at a moment,
 * from their recorded timing (published, active, retired, removed).
 */
import type { UnixSeconds } from '../core/time.ts';
import type { KeyRow } from '../keystore/types.ts';

function reached(t: UnixSeconds | null, now: UnixSeconds): boolean {
  return t !== null && t <= now;
}

/** In the DNSKEY set: published and not yet removed. */
export function isPublished(key: KeyRow, now: UnixSeconds): boolean {
  return reached(key.publishedAt, now) && !reached(key.removedAt, now);
}

/** Makes signatures: active and not yet retired (and still published). */
export function isSigning(key: KeyRow, now: UnixSeconds): boolean {
  return isPublished(key, now) && reached(key.activeAt, now) && !reached(key.retiredAt, now);
}

/** A word for `key list`: the key's state at `now`. */
export function keyStateWord(key: KeyRow, now: UnixSeconds): string {
  if (reached(key.removedAt, now)) return 'removed';
  if (reached(key.retiredAt, now)) return reached(key.publishedAt, now) ? 'retired' : 'removed';
  if (isSigning(key, now)) return 'active';
  if (isPublished(key, now)) return 'published';
  return 'created';
}
