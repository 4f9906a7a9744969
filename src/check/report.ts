/**
 * `signet check` results as the operator or the monitoring system reads
 * them: human text (default), JSON, and a Prometheus textfile-collector
 * file. Pure functions from a CheckResult to strings; the command writes them.
 *
 * The text follows `signet verify` (src/verify/report.ts): a status line in
 * the monitoring-plugin style, then one line per finding. The Prometheus
 * metrics are named `signet_check_*`, not `signet_zone_*` like verify's: an
 * operator who writes both files for the same zone into one textfile
 * directory would otherwise give node_exporter the same series twice, which
 * it rejects.
 */
import { formatDuration, formatIso } from '../core/time.ts';
import { decodeNsec3Param } from '../zone/dnssec-rdata.ts';
import { EXIT_UNKNOWN } from '../verify/finding.ts';
import { prometheusLabel, statusName } from '../verify/report.ts';
import { computeKeyTag } from '../signer/keytag.ts';
import type { CheckResult } from './check-zone.ts';
import type { ChildServerReport } from './child.ts';
import type { CheckFinding } from './finding.ts';
import { describeDs } from './parent.ts';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function horizonText(r: CheckResult): string {
  if (r.horizon === null) return 'no signatures checked';
  const left = r.horizon - r.now;
  const when = left >= 0 ? `in ${formatDuration(left)}` : `${formatDuration(-left)} ago`;
  return `earliest signature expiration ${formatIso(r.horizon)} (${when})`;
}

/** The servers a finding concerns, unless its sentence names them all already. */
function serversSuffix(f: CheckFinding): string {
  if (f.servers.length === 0 || f.servers.every((s) => f.message.includes(s))) return '';
  return ` [${f.servers.join(', ')}]`;
}

function keysOf(s: ChildServerReport): string[] {
  return (s.dnskey?.rrset.rdatas ?? []).map((r) => {
    try {
      return `${computeKeyTag(r)}/${r[3]}`;
    } catch {
      return `?/${r[3]}`;
    }
  });
}

function nsec3Of(s: ChildServerReport): { iterations: number; salt: string; hashAlgorithm: number } | null {
  const rdata = s.nsec3param?.rrset.rdatas[0];
  if (rdata === undefined) return null;
  try {
    const p = decodeNsec3Param(rdata);
    return { hashAlgorithm: p.hashAlgorithm, iterations: p.iterations, salt: Buffer.from(p.salt).toString('hex').toUpperCase() || '-' };
  } catch {
    return null;
  }
}

function childLine(s: ChildServerReport): string {
  if (s.soa === null) return `${s.label}: ${s.failure ?? 'no SOA'}`;
  const keys = keysOf(s);
  const n3 = nsec3Of(s);
  const parts = [`serial ${s.serial ?? '?'}`, keys.length === 0 ? 'no DNSKEY' : `DNSKEY ${keys.join(' ')}`];
  if (n3 !== null) parts.push(`NSEC3 iterations ${n3.iterations} salt ${n3.salt}`);
  if (s.failure !== null) parts.push(s.failure);
  return `${s.label}: ${parts.join(', ')}`;
}

/** Human-readable report. */
export function renderCheckText(r: CheckResult): string {
  const c = r.counts;
  const counts = `${plural(c.critical, 'critical finding')}, ${plural(c.warning, 'warning')}`;
  const head = r.unknown === null ? `${counts}; ${horizonText(r)}` : `could not check in full: ${r.unknown}; ${counts}`;
  const lines = [`${statusName(r.status)} ${r.zone.toString()}: ${head}`];
  for (const f of r.findings) lines.push(`  ${f.severity.padEnd(8)} ${f.code}: ${f.message}${serversSuffix(f)}`);
  if (r.parent.length > 0) {
    const parent = r.parent.map((p) => `${p.label}: ${p.ds === null ? p.failure ?? 'failed' : p.ds.length === 0 ? 'no DS' : `DS ${p.ds.map(describeDs).join(' ')}`}`);
    lines.push(`  parent${r.parentZone === null ? '' : ` ${r.parentZone}`}: ${parent.join('; ')}`);
  }
  if (r.servers.length > 0) lines.push(`  servers: ${r.servers.map(childLine).join('; ')}`);
  return lines.join('\n') + '\n';
}

export function toCheckJson(r: CheckResult): unknown {
  return {
    zone: r.zone.toString(),
    status: statusName(r.status),
    exitCode: r.status,
    now: formatIso(r.now),
    unknown: r.unknown,
    horizon: r.horizon === null ? null : formatIso(r.horizon),
    horizonSeconds: r.horizon === null ? null : r.horizon - r.now,
    horizonType: r.horizonType,
    parent: {
      zone: r.parentZone,
      ds: r.ds,
      servers: r.parent.map((p) => ({
        server: p.label, name: p.server.name?.toString() ?? null, address: `${p.server.address.host}`, port: p.server.address.port,
        ds: p.ds === null ? null : p.ds.map(describeDs), failure: p.failure,
      })),
    },
    servers: r.servers.map((s) => ({
      server: s.label, name: s.server.name?.toString() ?? null, address: s.server.address.host, port: s.server.address.port,
      answered: s.soa !== null, serial: s.serial, dnskey: keysOf(s), nsec3param: nsec3Of(s), failure: s.failure,
    })),
    findings: r.findings,
    counts: r.counts,
  };
}

export function renderCheckJson(r: CheckResult): string {
  return JSON.stringify(toCheckJson(r), null, 2) + '\n';
}

const STATUS_METRIC = 'signet_check_status';
const STATUS_HELP = 'Result of the last live check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.';

/** The textfile-collector file when the check could not run: status UNKNOWN (3) alone. */
export function renderCheckUnknownPrometheus(zone: string): string {
  return `# HELP ${STATUS_METRIC} ${STATUS_HELP}\n# TYPE ${STATUS_METRIC} gauge\n${STATUS_METRIC}{zone="${prometheusLabel(zone)}"} ${EXIT_UNKNOWN}\n`;
}

/**
 * A node_exporter textfile-collector file (text exposition format 0.0.4):
 * status, when it ran, the signature horizon, findings by severity, and how
 * many servers of the parent and of the zone answered.
 */
export function renderCheckPrometheus(r: CheckResult): string {
  const z = `zone="${prometheusLabel(r.zone.toString())}"`;
  const metrics: [string, string, string[]][] = [
    [STATUS_METRIC, STATUS_HELP, [`{${z}} ${r.status}`]],
    ['signet_check_timestamp_seconds', 'Unix time of the last live check of the zone.', [`{${z}} ${r.now}`]],
    ['signet_check_signature_horizon_seconds', 'Seconds until the earliest RRSIG served for the zone apex expires (negative once expired).',
      r.horizon === null ? [] : [`{${z}} ${r.horizon - r.now}`]],
    ['signet_check_signature_expiration_timestamp_seconds', 'Unix time at which the earliest RRSIG served for the zone apex expires.',
      r.horizon === null ? [] : [`{${z}} ${r.horizon}`]],
    ['signet_check_findings', 'Findings of the last live check, by severity.',
      (['critical', 'warning', 'info'] as const).map((s) => `{${z},severity="${s}"} ${r.counts[s]}`)],
    ['signet_check_servers', 'Servers asked in the last live check, by role (parent or zone) and whether they answered.', [
      `{${z},role="parent",state="answered"} ${r.parent.filter((p) => p.ds !== null).length}`,
      `{${z},role="parent",state="failed"} ${r.parent.filter((p) => p.ds === null).length}`,
      `{${z},role="zone",state="answered"} ${r.servers.filter((s) => s.complete).length}`,
      `{${z},role="zone",state="failed"} ${r.servers.filter((s) => !s.complete).length}`,
    ]],
  ];
  let out = '';
  for (const [name, help, samples] of metrics) {
    if (samples.length === 0) continue;
    out += `# HELP ${name} ${help}\n# TYPE ${name} gauge\n`;
    for (const s of samples) out += `${name}${s}\n`;
  }
  return out;
}
