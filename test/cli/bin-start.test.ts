/**
 * bin/signet.js runs the sources from a cached bundle (bin/bundle-cache.js),
 * or through tsx when told to or when the bundle cannot be had. Both ways
 * must behave as the in-process CLI, and the cache must never serve a bundle
 * of sources that have changed since.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeTempDir, runCli, runCliProcess } from '../helpers/cli.ts';

const EXAMPLE = resolve(import.meta.dirname, '../../zones/example.com.zone');
const BUNDLE_CACHE = pathToFileURL(resolve(import.meta.dirname, '../../bin/bundle-cache.js')).href;
const STACK_MAP = pathToFileURL(resolve(import.meta.dirname, '../../bin/stack-map.js')).href;

describe('bin/signet.js', () => {
  let tmp: { dir: string; cleanup(): void };
  beforeEach(() => { tmp = makeTempDir(); });
  afterEach(() => tmp.cleanup());

  it('prints the same help from the bundle, through tsx and in process', async () => {
    const want = await runCli(['--help']);
    for (const env of [{}, { SIGNET_NO_BUNDLE: '1' }] as Record<string, string>[]) {
      const got = runCliProcess(['--help'], { env });
      expect(got.stderr).toBe('');
      expect(got.status).toBe(0);
      expect(got.stdout).toBe(want.stdout);
    }
  });

  it('adds, signs and prints the DS of the example zone (the demo)', () => {
    copyFileSync(EXAMPLE, join(tmp.dir, 'example.com.zone'));
    const cli = (...args: string[]) => runCliProcess(['--db', 'state.db', ...args], { cwd: tmp.dir });
    expect(cli('zone', 'add', 'example.com', '--input', 'example.com.zone').status).toBe(0);
    const sign = cli('sign', 'example.com');
    expect(sign.stderr).toBe('');
    expect(sign.status).toBe(0);
    expect(readFileSync(join(tmp.dir, 'example.com.zone.signed'), 'utf8')).toMatch(/\tRRSIG\tSOA 13 2 /);
    expect(cli('ds', 'example.com').stdout).toMatch(/^example\.com\.\t\d+\tIN\tDS\t\d+ 13 2 [0-9A-F]{64}$/m);
    // A usage error keeps its exit status (SPEC: 2) on the way through the bundle.
    expect(cli('sign').status).toBe(2);
  });
});

describe('bundle cache', () => {
  let tmp: { dir: string; cleanup(): void };
  beforeEach(() => {
    tmp = makeTempDir();
    mkdirSync(join(tmp.dir, 'src'));
    writeFileSync(join(tmp.dir, 'package.json'), '{"type":"module"}\n');
    writeFileSync(join(tmp.dir, 'src/main.ts'), [
      "import { here } from './here.ts';",
      'export const answer: number = 42;',
      'export { here };',
      "export const later = async (): Promise<string> => (await import('./later.ts')).word;",
      '',
    ].join('\n'));
    writeFileSync(join(tmp.dir, 'src/here.ts'), 'export const here = [import.meta.url, import.meta.dirname, import.meta.filename];\n');
    writeFileSync(join(tmp.dir, 'src/later.ts'), "export const word: string = 'one';\n");
  });
  afterEach(() => tmp.cleanup());

  /** Asks for the bundle in a separate process and loads it there. */
  function load(): { bundle: string; answer: number; here: string[]; later: string } | null {
    const script = `
      const { cachedBundle } = await import(${JSON.stringify(BUNDLE_CACHE)});
      const bundle = await cachedBundle(${JSON.stringify(`${tmp.dir}/`)}, 'src/main.ts', ${JSON.stringify(join(tmp.dir, 'cache'))});
      if (bundle === null) { console.log('null'); process.exit(0); }
      const m = await import(bundle);
      console.log(JSON.stringify({ bundle, answer: m.answer, here: m.here, later: await m.later() }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout) as ReturnType<typeof load>;
  }

  it('builds once, reuses the build, and rebuilds when a source changes', () => {
    const first = load()!;
    expect(first).toMatchObject({ answer: 42, later: 'one' });
    // Sources find their neighbours as if they ran where they are.
    const here = join(tmp.dir, 'src/here.ts');
    expect(first.here).toEqual([pathToFileURL(here).href, join(tmp.dir, 'src'), here]);

    const manifest = join(tmp.dir, 'cache/manifest.json');
    const built = statSync(manifest).mtimeMs;
    expect(load()!.bundle).toBe(first.bundle);
    expect(statSync(manifest).mtimeMs).toBe(built);

    // A change to a module loaded only on demand counts too.
    writeFileSync(join(tmp.dir, 'src/later.ts'), "export const word: string = 'two';\n");
    const second = load()!;
    expect(second.later).toBe('two');
    expect(second.bundle).not.toBe(first.bundle);

    // Back to the first sources: the first build is current again.
    writeFileSync(join(tmp.dir, 'src/later.ts'), "export const word: string = 'one';\n");
    expect(load()).toMatchObject({ bundle: first.bundle, later: 'one' });
  });

  it('declines sources it cannot bundle faithfully, and ones that do not compile', () => {
    writeFileSync(join(tmp.dir, 'src/later.ts'), "export const word: string = import.meta.resolve('./here.ts');\n");
    expect(load()).toBe(null);
    writeFileSync(join(tmp.dir, 'src/later.ts'), "const name = './here.ts';\nexport const word: string = String(await import(name));\n");
    expect(load()).toBe(null);
    writeFileSync(join(tmp.dir, 'src/later.ts'), 'export const word: string = ;\n');
    expect(load()).toBe(null);
  });

  it('maps stack frames in the bundle back to the sources', () => {
    writeFileSync(join(tmp.dir, 'src/later.ts'), "\n\nexport const word: string = (() => { throw new Error('deep'); })();\n");
    const script = `
      const { cachedBundle } = await import(${JSON.stringify(BUNDLE_CACHE)});
      const { mapStacksIn } = await import(${JSON.stringify(STACK_MAP)});
      const bundle = await cachedBundle(${JSON.stringify(`${tmp.dir}/`)}, 'src/main.ts', ${JSON.stringify(join(tmp.dir, 'cache'))});
      const m = await import(bundle);
      mapStacksIn((await import('node:path')).dirname(bundle));
      try { await m.later(); } catch (e) { console.log(e.stack); }`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stdout).toMatch(/^Error: deep\n/);
    expect(r.stdout).toContain(`${join(tmp.dir, 'src/later.ts')}:3:`);
  });
});
