/**
 * Makes a broken copy of a signed zone file to prove that validators and the
 * resolver reject it. Expects one record per line with absolute owners, as
 * signet writes and `dnssec-signzone -O full` writes.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const CLASSES = new Set(['IN', 'CH', 'HS', 'CS']);

/** Splits a record line into owner, type and the text after the type, or null for comments/directives. */
function splitRecord(line: string): { owner: string; type: string; rdataStart: number } | null {
  if (line.trim() === '' || /^\s*[;$]/.test(line) || /^\s/.test(line)) return null;
  const re = /\S+/g;
  const owner = re.exec(line)?.[0];
  if (owner === undefined) return null;
  let m: RegExpExecArray | null;
  // Skip TTL and class in either order (RFC 1035 §5.1).
  while ((m = re.exec(line)) !== null) {
    const tok = m[0];
    if (/^\d+$/.test(tok) || CLASSES.has(tok.toUpperCase()) || /^CLASS\d+$/i.test(tok)) continue;
    return { owner, type: tok.toUpperCase(), rdataStart: re.lastIndex };
  }
  return null;
}

/**
 * Returns `zoneText` with the RDATA of the first `owner` `type` record
 * replaced by `newRdata`, the RRSIG left as it was. Throws when there is no
 * such record, so a tamper test cannot silently test nothing.
 */
export function tamperRdata(zoneText: string, owner: string, type: string, newRdata: string): string {
  const want = owner.endsWith('.') ? owner.toLowerCase() : `${owner.toLowerCase()}.`;
  const lines = zoneText.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const rec = splitRecord(line);
    if (rec === null || rec.owner.toLowerCase() !== want || rec.type !== type.toUpperCase()) continue;
    const replaced = `${line.slice(0, rec.rdataStart)}\t${newRdata}`;
    if (replaced.trim() === line.trim()) throw new Error(`interop: tampering ${want} ${type} changed nothing`);
    lines[i] = replaced;
    return lines.join('\n');
  }
  throw new Error(`interop: no ${want} ${type} record to tamper with (is the file one record per line?)`);
}

/** File version of tamperRdata: writes the tampered copy to `output`. */
export function writeTamperedCopy(input: string, output: string, owner: string, type: string, newRdata: string): void {
  writeFileSync(output, tamperRdata(readFileSync(input, 'utf8'), owner, type, newRdata));
}
