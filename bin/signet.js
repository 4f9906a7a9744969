#!/usr/bin/env node
// Entry point. A fresh clone needs no build step before `npx signet` works:
// the sources run from a bundle that bundle-cache.js keeps up to date (built
// at the first run and after each change), else through tsx's loader as they
// are. SIGNET_NO_BUNDLE=1 forces tsx (to compare the two, or to rule the
// bundle out when something looks wrong).
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname } from 'node:path';
import { cachedBundle } from './bundle-cache.js';
import { mapStacksIn } from './stack-map.js';

const root = fileURLToPath(new URL('..', import.meta.url));

async function loadCli() {
  if (process.env.SIGNET_NO_BUNDLE !== '1') {
    const bundle = await cachedBundle(root, 'src/cli.ts', `${root}node_modules/.cache/signet`);
    if (bundle !== null) {
      try {
        const cli = await import(pathToFileURL(bundle).href);
        // Stack traces of unexpected errors name the TypeScript sources, as under tsx.
        mapStacksIn(dirname(bundle));
        return cli;
      } catch (e) {
        // Removed by a concurrent rebuild between the check and the import: use tsx.
        if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
      }
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import('../src/cli.ts');
}

const { runFromProcess } = await loadCli();
await runFromProcess();
