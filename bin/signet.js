#!/usr/bin/env node
// Entry point: runs the TypeScript CLI through tsx's loader, so that a fresh
// clone needs no build step before `npx signet` works.
import { register } from 'tsx/esm/api';
register();
const { runFromProcess } = await import('../src/cli.ts');
await runFromProcess();
