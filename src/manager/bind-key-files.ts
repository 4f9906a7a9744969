import type { StateDb } from '../keystore/state-db.ts';
import type { KeyRole, KeyRow } from '../keystore/types.ts';
export function importBindKeyFiles(_db: StateDb, _zone: string, _files: string[], _o: { cwd: string; now: number; passphrase: string | null; role: KeyRole | null }): KeyRow[] { throw new Error('todo'); }
export function exportBindKey(_k: KeyRow, _o: { dir: string; cwd: string; passphrase: string | null }): string[] { throw new Error('todo'); }
