/**
 * `key import` / `key export`: BIND K<zone>.+<alg>+<tag> key pairs in and
 * out of the state database.
 *
 * Import policy (BIND's own Publish/Activate times describe BIND's zone, not
 * ours, so they are not taken as facts): a key whose role has no signing key
 * in the zone yet is published and active at once, so that keys made by
 * `dnssec-keygen` sign straight away; otherwise it is stored unpublished, for
 * a rollover to introduce.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { UnixSeconds } from '../core/time.ts';
import { Name } from '../zone/name.ts';
import { exportKeyToBindFiles, newKeyFromBindKey, readBindKeyFiles } from '../keystore/bind-files.ts';
import type { StateDb } from '../keystore/state-db.ts';
import type { KeyRole, KeyRow } from '../keystore/types.ts';
import { isSigning } from './key-selection.ts';

export interface ImportOptions {
  cwd: string;
  now: UnixSeconds;
  passphrase: string | null;
  /** The role to give every imported key; null: KSK for SEP keys, else ZSK. */
  role: KeyRole | null;
}

export function importBindKeyFiles(db: StateDb, zone: string, files: readonly string[], options: ImportOptions): KeyRow[] {
  const origin = Name.parse(zone);
  // `K….key` and `K….private` name the same pair; import each pair once.
  const bases = [...new Set(files.map((f) => resolve(options.cwd, f).replace(/\.(key|private)$/, '')))];
  const rows: KeyRow[] = [];
  for (const base of bases) {
    const newKey = newKeyFromBindKey(readBindKeyFiles(base), { zone: origin, role: options.role ?? undefined, now: options.now, passphrase: options.passphrase });
    const roleHasSigner = db.listKeys(zone).some((k) => k.role === newKey.role && isSigning(k, options.now));
    const timing = roleHasSigner ? {} : { publishedAt: options.now, activeAt: options.now };
    rows.push(db.addKey({ ...newKey, ...timing }));
  }
  return rows;
}

export interface ExportOptions {
  dir: string;
  cwd: string;
  passphrase: string | null;
}

/** Writes the key pair; returns the two paths (the .private file has mode 0600). */
export function exportBindKey(key: KeyRow, options: ExportOptions): string[] {
  const dir = resolve(options.cwd, options.dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { keyPath, privatePath } = exportKeyToBindFiles(key, Name.parse(key.zone), options.passphrase, dir);
  return [keyPath, privatePath];
}
