/**
 * The signature horizon: how long until the zone's earliest RRSIG expires,
 * judged against --warn and --crit (SPEC: defaults the zone's refresh, 5d
 * by the default policy, and 2 days). Safety rule 4: every command that
 * reports says so when the earliest expiry comes closer than the refresh.
 */
import { formatDuration, formatIso } from '../core/time.ts';
import type { UnixSeconds } from '../core/time.ts';
import { DEFAULT_POLICY } from '../rollover/policy.ts';
import { typeToString } from '../zone/types.ts';
import { roughDuration } from './finding.ts';
import type { FindingCollector } from './finding.ts';
import type { SignatureChecker } from './signatures.ts';

/** Default --warn: the default policy's signature-refresh. */
export const DEFAULT_WARN_SECONDS = DEFAULT_POLICY.signatureRefresh;
/** Default --crit: 2 days. */
export const DEFAULT_CRIT_SECONDS = 2 * 86400;

/**
 * Judges the earliest expiration the checker saw against --warn and --crit:
 * SIGNATURE_EXPIRES_SOON, critical within `crit`, a warning within `warn`.
 * Signatures already expired are EXPIRATION_IN_PAST findings instead.
 */
export function judgeHorizon(checker: SignatureChecker, options: { readonly now: UnixSeconds; readonly warn?: number; readonly crit?: number }, findings: FindingCollector): void {
  const horizon = checker.earliest;
  const now = options.now;
  if (horizon === Infinity || horizon < now || checker.earliestOwner === null) return;
  const warn = options.warn ?? DEFAULT_WARN_SECONDS;
  const crit = options.crit ?? DEFAULT_CRIT_SECONDS;
  const left = horizon - now;
  if (left > warn && left > crit) return;
  const severity = left <= crit ? 'critical' : 'warning';
  const owner = checker.earliestOwner;
  findings.add('SIGNATURE_EXPIRES_SOON', severity, owner, checker.earliestType,
    `the earliest signature (${owner.toString()} ${typeToString(checker.earliestType)}) expires at ${formatIso(horizon)}, in ${roughDuration(left)}, within the ${severity === 'critical' ? `--crit ${formatDuration(crit)}` : `--warn ${formatDuration(warn)}`}: re-sign the zone (is \`signet tick\` running?)`,
    { expiration: formatIso(horizon), secondsLeft: left });
}

