/** Small helpers for asserting on verification results. */
import type { VerifyResult } from '../../../src/verify/verify-zone.ts';

/** The findings as `SEVERITY:CODE` strings, sorted, for compact equality checks. */
export function codes(r: VerifyResult): string[] {
  return r.findings.map((f) => `${f.severity}:${f.code}`).sort();
}

/** The distinct finding codes. */
export function codeSet(r: VerifyResult): string[] {
  return [...new Set(r.findings.map((f) => f.code))].sort();
}
