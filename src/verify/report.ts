/**
 * Verification results as the operator or the monitoring system reads
 * them: human text (default), JSON, and a Prometheus node_exporter
 * textfile-collector file. Pure functions from results to strings; the
 * command writes them.
 */
import { formatIso } from '../core/time.ts';
import { EXIT_UNKNOWN, roughDuration } from './finding.ts';
import type { Finding } from './finding.ts';
import { describeAlgorithm } from './keys.ts';
import type { VerifyResult } from './verify-zone.ts';

const STATUS_NAMES = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'] as const;

export function statusName(status: number): (typeof STATUS_NAMES)[number] {
  return STATUS_NAMES[status] ?? 'UNKNOWN';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function horizonText(r: VerifyResult): string {
  if (r.horizon === null) return 'no signatures';
  const left = r.horizon - r.now;
  const when = left >= 0 ? `in ${roughDuration(left)}` : `${roughDuration(-left)} ago`;
  return `earliest signature expiration ${formatIso(r.horizon)} (${when})`;
}

/** Human-readable report: a status line in the monitoring-plugin style, then one line per finding. */
export function renderText(r: VerifyResult): string {
  const c = r.stats.findings;
  const lines = [
    `${statusName(r.status)} ${r.origin.toString()}: ${plural(c.critical, 'critical finding')}, ${plural(c.warning, 'warning')}; ${horizonText(r)}`,
  ];
  for (const f of r.findings) lines.push(`  ${f.severity.padEnd(8)} ${f.code}: ${f.message}`);
  if (r.stats.findingsNotListed > 0) {
    lines.push(`  ... and ${r.stats.findingsNotListed} more findings of the same codes, not listed (the counts above are complete)`);
  }
  const s = r.stats;
  const denial = s.denial === null ? 'no denial chain' : s.denial.toUpperCase();
  const sampled = s.sample < 1 ? ` (a sample of ${s.signaturesVerified} checked cryptographically)` : '';
  lines.push(`  checked ${plural(s.rrsets, 'RRset')}, ${plural(s.signatures, 'signature')}${sampled}, ${plural(s.keys, 'DNSKEY')} (algorithm ${s.algorithms.map(describeAlgorithm).join(', ') || 'none'}), ${denial}`);
  return lines.join('\n') + '\n';
}

export interface JsonReport {
  readonly zone: string;
  readonly status: string;
  readonly exitCode: number;
  readonly now: string;
  readonly horizon: string | null;
  readonly horizonSeconds: number | null;
  readonly horizonRRset: VerifyResult['horizonRRset'];
  readonly findings: readonly Finding[];
  readonly stats: VerifyResult['stats'];
}

export function toJson(r: VerifyResult): JsonReport {
  return {
    zone: r.origin.toString(),
    status: statusName(r.status),
    exitCode: r.status,
    now: formatIso(r.now),
    horizon: r.horizon === null ? null : formatIso(r.horizon),
    horizonSeconds: r.horizon === null ? null : r.horizon - r.now,
    horizonRRset: r.horizonRRset,
    findings: r.findings,
    stats: r.stats,
  };
}

export function renderJson(r: VerifyResult): string {
  return JSON.stringify(toJson(r), null, 2) + '\n';
}

/** One zone's line in a Prometheus file. `result` null means the check could not run (UNKNOWN). */
export interface PrometheusZone {
  readonly zone: string;
  readonly result: VerifyResult | null;
  /** When the check ran (Unix seconds); for UNKNOWN results, which carry no `now`. */
  readonly now: number;
  /**
   * The rollover in progress, when the caller knows it (`signet check`,
   * `tick`); offline `verify` of a file has none.
   */
  readonly rollover?: { readonly kind: string; readonly step: string } | null;
}

/** Prometheus label value escaping (exposition format: backslash, double quote, newline); check's report uses it too. */
export function prometheusLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

interface Metric {
  readonly name: string;
  readonly help: string;
  readonly samples: string[];
}

/**
 * A node_exporter textfile-collector file (Prometheus text exposition
 * format 0.0.4) for one or more zones: the signature horizon, the findings
 * by severity, the monitoring status, when it ran, and the rollover step
 * when known. Every metric's HELP and TYPE appear once, as the format needs.
 */
export function renderPrometheus(zones: readonly PrometheusZone[]): string {
  const metric = (name: string, help: string): Metric => ({ name, help, samples: [] });
  const horizon = metric('signet_zone_signature_horizon_seconds', 'Seconds until the earliest RRSIG of the zone expires (negative once expired).');
  const expiration = metric('signet_zone_signature_expiration_timestamp_seconds', 'Unix time at which the earliest RRSIG of the zone expires.');
  const findings = metric('signet_zone_findings', 'Findings of the last verification of the zone, by severity.');
  const status = metric('signet_zone_status', 'Result of the last verification: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.');
  const checked = metric('signet_zone_verify_timestamp_seconds', 'Unix time of the last verification of the zone.');
  const rollover = metric('signet_zone_rollover_step', 'The step the rollover in progress is at (1 for the current step), by rollover kind.');
  for (const z of zones) {
    const zl = `zone="${prometheusLabel(z.zone)}"`;
    const r = z.result;
    status.samples.push(`{${zl}} ${r === null ? EXIT_UNKNOWN : r.status}`);
    checked.samples.push(`{${zl}} ${z.now}`);
    if (r !== null) {
      if (r.horizon !== null) {
        horizon.samples.push(`{${zl}} ${r.horizon - r.now}`);
        expiration.samples.push(`{${zl}} ${r.horizon}`);
      }
      for (const severity of ['critical', 'warning', 'info'] as const) {
        findings.samples.push(`{${zl},severity="${severity}"} ${r.stats.findings[severity]}`);
      }
    }
    if (z.rollover) rollover.samples.push(`{${zl},kind="${prometheusLabel(z.rollover.kind)}",step="${prometheusLabel(z.rollover.step)}"} 1`);
  }
  let out = '';
  for (const m of [horizon, expiration, findings, status, checked, rollover]) {
    if (m.samples.length === 0) continue;
    out += `# HELP ${m.name} ${m.help}\n# TYPE ${m.name} gauge\n`;
    for (const s of m.samples) out += `${m.name}${s}\n`;
  }
  return out;
}
