/** The keystore's public surface: the state database and key files. */
export { openStateDb, normalizeZoneName, StateDb, DEFAULT_POLICY } from './state-db.ts';
export { SCHEMA_VERSION } from './schema.ts';
export type * from './types.ts';
export {
  decodePrivateKey, encodePrivateKey, flagsForRole, generateNewKey, loadSigningKey, newKeyFromPrivateKey,
} from './private-key.ts';
export type { NewKeyOptions } from './private-key.ts';
export {
  bindKeyBaseName, bindTimingOfKey, exportKeyToBindFiles, formatBindKeyFiles, newKeyFromBindKey, parseBindKeyPair,
  readBindKeyFiles, writeBindKeyFiles,
} from './bind-files.ts';
export type { BindKey, BindKeyExport, BindTiming, ImportOptions } from './bind-files.ts';
