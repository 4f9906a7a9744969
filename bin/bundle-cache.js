// The CLI's sources as plain-JavaScript modules (an entry, and a chunk for
// each command group's own code), kept in a cache beside the package and rebuilt with esbuild (which tsx brings along) whenever a
// source it was built from changes. Running that bundle needs no loader
// hooks: a start takes a fifth of a second instead of the second that tsx's
// loader thread and its per-module round trips cost. A fresh clone needs no
// build step: the first run builds the bundle. Every failure returns null,
// and the caller falls back to tsx.
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

// Part of every digest: bump it when the build options below change, so that
// bundles built the old way are not reused.
const FORMAT = 'signet-bundle-1';

const MANIFEST = 'manifest.json';

/**
 * Hashes the package root (the bundle holds absolute file URLs) and every
 * input's path and bytes, in order. Throws when an input is gone.
 */
function digestOf(root, inputs, bytesOf = (path) => readFileSync(path)) {
  const hash = createHash('sha256').update(`${FORMAT}\0${root}\0`);
  for (const input of inputs) hash.update(`${input}\0`).update(bytesOf(join(root, input))).update('\0');
  return hash.digest('hex');
}

/** The bundle the manifest names, when every input still has the bytes it was built from. */
function freshBundle(root, cacheDir) {
  try {
    const manifest = JSON.parse(readFileSync(join(cacheDir, MANIFEST), 'utf8'));
    const file = join(cacheDir, manifest.bundle);
    return manifest.digest === digestOf(root, manifest.inputs) && existsSync(file) ? file : null;
  } catch {
    return null;
  }
}

/**
 * Inlines import.meta.url, .dirname and .filename as the source file's own
 * (in the bundle they would name the bundle, and pool.ts finds its worker
 * beside itself), and records the bytes each input was read as, so that the
 * digest describes exactly what was bundled even if a file changes meanwhile.
 */
function sourcePlugin(read) {
  return {
    name: 'signet-sources',
    setup(build) {
      build.onLoad({ filter: /\.[cm]?[jt]s$/ }, ({ path }) => {
        const bytes = readFileSync(path);
        read.set(path, bytes);
        const text = bytes.toString('utf8')
          .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(path).href))
          .replaceAll('import.meta.dirname', JSON.stringify(dirname(path)))
          .replaceAll('import.meta.filename', JSON.stringify(path));
        // import.meta.resolve and the like would resolve from the bundle's place: not bundled.
        if (text.includes('import.meta')) throw new Error(`${path}: import.meta other than url, dirname or filename`);
        // Nor an import() of a computed specifier, which esbuild leaves to resolve at run time.
        if (/\bimport\(\s*[^'"\s]/.test(text)) throw new Error(`${path}: import() of a computed specifier`);
        return { contents: text, loader: extname(path).endsWith('ts') ? 'ts' : 'js' };
      });
    },
  };
}

// A build older than this may be removed once a newer one exists; younger,
// a process that started from it may still be loading its chunks. (The CLI
// loads every chunk it needs as it starts: commands/index.ts's imports.)
const KEEP_OLD_MS = 10 * 60_000;

async function build(root, entry, cacheDir) {
  const esbuild = await import('esbuild');
  const read = new Map();
  // tsconfig.json and package.json steer how esbuild reads the sources: inputs too.
  const settings = ['tsconfig.json', 'package.json'].filter((f) => existsSync(join(root, f)));
  const settingsDigest = digestOf(root, settings);
  // Split at dynamic imports, so that a command loads only its own modules;
  // .mjs because the cache is outside the package's "type": "module" scope.
  const result = await esbuild.build({
    entryPoints: { cli: join(root, entry) }, absWorkingDir: root, outdir: join(cacheDir, 'build'),
    bundle: true, splitting: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external',
    outExtension: { '.js': '.mjs' }, chunkNames: 'chunk-[hash]', sourcemap: 'linked',
    write: false, logLevel: 'silent', plugins: [sourcePlugin(read)],
  });
  if (digestOf(root, settings) !== settingsDigest) return null;

  const inputs = [...settings, ...[...read.keys()].map((p) => relative(root, p)).sort()];
  const digest = digestOf(root, inputs, (path) => read.get(path) ?? readFileSync(path));
  const name = digest.slice(0, 16);

  // Written under a temporary name and renamed: a concurrent start sees the
  // old manifest or the new one, each naming a complete build.
  const tmp = `.${process.pid}-${Date.now()}`;
  const tmpDir = join(cacheDir, `build${tmp}`);
  mkdirSync(tmpDir);
  for (const file of result.outputFiles) writeFileSync(join(tmpDir, relative(join(cacheDir, 'build'), file.path)), file.contents);
  try {
    renameSync(tmpDir, join(cacheDir, name));
  } catch {
    // Another process built the same sources first: use its build.
    rmSync(tmpDir, { recursive: true, force: true });
  }
  writeFileSync(join(cacheDir, `${MANIFEST}${tmp}`), JSON.stringify({ digest, bundle: `${name}/cli.mjs`, inputs }));
  renameSync(join(cacheDir, `${MANIFEST}${tmp}`), join(cacheDir, MANIFEST));

  for (const entry of readdirSync(cacheDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === name || !/^[0-9a-f]{16}$/.test(entry.name)) continue;
    const dir = join(cacheDir, entry.name);
    if (Date.now() - statSync(dir).mtimeMs > KEEP_OLD_MS) rmSync(dir, { recursive: true, force: true });
  }
  return join(cacheDir, name, 'cli.mjs');
}

/**
 * The path of an up-to-date bundle of `entry` (a path inside `root`, the
 * package root), building it into `cacheDir` when needed; null when it cannot.
 */
export async function cachedBundle(root, entry, cacheDir) {
  const fresh = freshBundle(root, cacheDir);
  if (fresh !== null) return fresh;
  try {
    mkdirSync(cacheDir, { recursive: true });
    // Read-only (a system-wide install): not worth a build that cannot be kept.
    accessSync(cacheDir, constants.W_OK);
    return await build(root, entry, cacheDir);
  } catch {
    return null;
  }
}
