/**
 * Findings: what the verifier (and, later, `signet check`) reports. Each has
 * a stable code, a severity, the owner and type concerned, and one sentence
 * an operator can act on ("what is wrong: what to do").
 *
 * Severity follows one rule: `critical` when validating resolvers would (or,
 * for a CDS, a parent acting on it would make them) fail on the zone, or
 * when the zone breaks a MUST that strict verifiers such as dnssec-verify
 * reject; `warning` for what works today but is wrong, fragile or against
 * advice; `info` for facts worth knowing.
 *
 * Exit status follows the monitoring-plugin convention (SPEC "Command
 * line"): 0 OK, 1 WARNING, 2 CRITICAL; 3 UNKNOWN is for "could not run" and
 * is decided by the caller, never by findings.
 */
import { formatDuration } from '../core/time.ts';
import type { Name } from '../zone/name.ts';
import { typeToString } from '../zone/types.ts';
import type { FindingCode } from './codes.ts';

export type Severity = 'critical' | 'warning' | 'info';

export interface Finding {
  readonly code: FindingCode;
  readonly severity: Severity;
  /** The owner name concerned (absolute, presentation form), or null for the zone as a whole. */
  readonly owner: string | null;
  /** The RR type concerned (mnemonic), or null. */
  readonly type: string | null;
  /** One sentence: what is wrong, then what to do about it. */
  readonly message: string;
  /** Machine-readable facts behind the message (key tag, algorithm, times as ISO 8601). */
  readonly details?: Readonly<Record<string, string | number>>;
}

export const EXIT_OK = 0;
export const EXIT_WARNING = 1;
export const EXIT_CRITICAL = 2;
export const EXIT_UNKNOWN = 3;

export interface SeverityCounts {
  critical: number;
  warning: number;
  info: number;
}

/**
 * Collects findings, keeping at most `perCodeLimit` of each code (a zone
 * with no signatures at all would otherwise list every RRset) while counting
 * every one, so that severities and exit status stay exact.
 */
export class FindingCollector {
  readonly findings: Finding[] = [];
  readonly counts: SeverityCounts = { critical: 0, warning: 0, info: 0 };
  readonly byCode = new Map<FindingCode, number>();
  /** Findings counted but not kept because their code reached the limit. */
  suppressed = 0;
  private readonly perCodeLimit: number;

  constructor(perCodeLimit = Infinity) {
    this.perCodeLimit = perCodeLimit;
  }

  add(code: FindingCode, severity: Severity, owner: Name | null, type: number | null, message: string, details?: Record<string, string | number>): void {
    this.counts[severity]++;
    const n = (this.byCode.get(code) ?? 0) + 1;
    this.byCode.set(code, n);
    if (n > this.perCodeLimit) {
      this.suppressed++;
      return;
    }
    const f: Finding = {
      code,
      severity,
      owner: owner === null ? null : owner.toString(),
      type: type === null ? null : typeToString(type),
      message,
      ...(details === undefined ? {} : { details }),
    };
    this.findings.push(f);
  }

  has(code: FindingCode): boolean {
    return this.byCode.has(code);
  }
}

/** 2 when any finding is critical, 1 when any is a warning, else 0. */
export function exitStatusOf(counts: SeverityCounts): number {
  if (counts.critical > 0) return EXIT_CRITICAL;
  if (counts.warning > 0) return EXIT_WARNING;
  return EXIT_OK;
}

const ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** Most severe first, then by owner in the order found (stable sort). */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
}

/** A duration for messages: to the hour beyond a day, to the minute beyond an hour ("29d22h", not "29d22h59m37s"). */
export function roughDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s >= 86400) return formatDuration(s - (s % 3600));
  if (s >= 3600) return formatDuration(s - (s % 60));
  return formatDuration(s);
}
