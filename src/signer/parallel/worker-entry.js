// Worker bootstrap: worker threads start without the parent's module hooks,
// so this plain-JS entry registers tsx before loading the TypeScript worker.
// It works whether the parent runs under tsx, vitest or bin/signet.js.
import { register } from 'tsx/esm/api';
register();
await import('./worker.ts');
