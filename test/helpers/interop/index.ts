/**
 * Interop harness: checks signed zones from outside signet, with the
 * validators, servers and resolver that real deployments use.
 */
export * from './validators.ts';
export * from './servers.ts';
export * from './query.ts';
export * from './bind-signer.ts';
export * from './tamper.ts';
export * from './tempdir.ts';
export { MissingToolError, TOOL_PACKAGES, execTool, findMissingTools } from './exec.ts';
