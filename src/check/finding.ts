/**
 * Findings of a live check: the verifier's Finding (code, severity, owner,
 * type, one sentence of advice) plus the servers it was seen on.
 *
 * The same problem seen on several servers (an expired signature served by
 * every secondary) is one finding naming them all: findings are merged on
 * everything but the server.
 */
import type { Finding, Severity, SeverityCounts } from '../verify/finding.ts';
import type { Name } from '../zone/name.ts';
import { typeToString } from '../zone/types.ts';
import type { CheckCode } from './codes.ts';

export interface CheckFinding extends Omit<Finding, 'code'> {
  readonly code: CheckCode;
  /** The servers concerned ("ns1.example. 192.0.2.1" or "192.0.2.1:5300"); empty when the finding is about the zone as a whole. */
  readonly servers: readonly string[];
}

interface MutableFinding {
  code: CheckCode;
  severity: Severity;
  owner: string | null;
  type: string | null;
  message: string;
  details?: Readonly<Record<string, string | number>>;
  servers: string[];
}

const ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

export class CheckFindings {
  private readonly byKey = new Map<string, MutableFinding>();

  add(code: CheckCode, severity: Severity, owner: Name | null, type: number | null, message: string,
    options: { servers?: readonly string[]; details?: Record<string, string | number> } = {}): void {
    this.merge({
      code, severity, owner: owner === null ? null : owner.toString(), type: type === null ? null : typeToString(type), message,
      ...(options.details === undefined ? {} : { details: options.details }),
    }, options.servers ?? []);
  }

  /** A finding of the offline verifier's modules, seen on `servers`. */
  merge(f: Omit<CheckFinding, 'servers'>, servers: readonly string[]): void {
    const key = `${f.code}\0${f.severity}\0${f.owner ?? ''}\0${f.type ?? ''}\0${f.message}`;
    const known = this.byKey.get(key);
    if (known) {
      for (const s of servers) if (!known.servers.includes(s)) known.servers.push(s);
      return;
    }
    this.byKey.set(key, { ...f, servers: [...servers] });
  }

  has(code: CheckCode): boolean {
    for (const f of this.byKey.values()) if (f.code === code) return true;
    return false;
  }

  /** Most severe first, then in the order found. */
  list(): CheckFinding[] {
    return [...this.byKey.values()].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  }

  counts(): SeverityCounts {
    const c: SeverityCounts = { critical: 0, warning: 0, info: 0 };
    for (const f of this.byKey.values()) c[f.severity]++;
    return c;
  }
}
