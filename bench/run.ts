/**
 * `npm run bench`: signet against dnssec-signzone, ldns-signzone and
 * kzonesign on generated zones of 10k, 100k and 1M names (bench/zones.ts),
 * all with ECDSA P-256 (algorithm 13) and NSEC3 with 0 iterations and no
 * salt (RFC 9276). Every signer runs as its own process under
 * /usr/bin/time, so wall time, CPU time and peak RSS are measured the same
 * way for all. Every output is checked with a validator. signet runs as
 * an operator runs it: `signet sign` (bin/signet.js, a state database, the
 * safety gate). It also times a re-sign of the unchanged zone (from the
 * full sign's output) and then of the zone with one record changed.
 *
 *   npm run bench -- --sizes 10k,100k        (default 10k,100k,1m)
 *   npm run bench -- --peers bind,knot       (default every peer installed)
 *   npm run bench -- --no-peers --no-verify
 *   npm run bench -- --validator kzonecheck  (default ldns-verify-zone)
 *   npm run bench -- --repeat 3              (best of 3 runs per signer: the machine may be busy)
 *
 * Everything goes to bench/work/ (gitignored).
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, createReadStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { wallClockNow } from '../src/core/clock.ts';
import { BENCH_ORIGIN, benchLabel, writeBenchZone } from './zones.ts';

const ROOT = resolve(import.meta.dirname, '..');
const WORK = join(ROOT, 'bench', 'work');
const SIGNET = join(ROOT, 'bin', 'signet.js');

interface Options {
  sizes: number[];
  peers: string[];
  verify: boolean;
  validator: 'ldns-verify-zone' | 'kzonecheck' | 'dnssec-verify';
  repeat: number;
}

function parseSize(text: string): number {
  const m = /^(\d+)([kKmM]?)$/.exec(text.trim());
  if (!m) throw new Error(`bad size "${text}" (use 10k, 100k, 1m or a number)`);
  const unit = m[2]!.toLowerCase();
  return Number(m[1]) * (unit === 'k' ? 1000 : unit === 'm' ? 1_000_000 : 1);
}

function sizeLabel(n: number): string {
  return n >= 1_000_000 && n % 1_000_000 === 0 ? `${n / 1_000_000}M` : n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);
}

function parseArgs(argv: string[]): Options {
  const o: Options = { sizes: [10_000, 100_000, 1_000_000], peers: ['bind', 'ldns', 'knot'], verify: true, validator: 'ldns-verify-zone', repeat: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--sizes') o.sizes = value().split(',').map(parseSize);
    else if (a === '--peers') o.peers = value().split(',').map((s) => s.trim()).filter(Boolean);
    else if (a === '--no-peers') o.peers = [];
    else if (a === '--no-verify') o.verify = false;
    else if (a === '--validator') o.validator = value() as Options['validator'];
    else if (a === '--repeat') o.repeat = Math.max(1, Number(value()));
    else if (a === '--help' || a === '-h') {
      process.stdout.write(readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0]!.replace(/^\/\*\*?|^ \* ?/gm, '') + '\n');
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  return o;
}

function have(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}

function firstLine(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').find((l) => l.trim() !== '')?.trim() ?? '?';
}

interface Measured {
  wall: number;
  cpu: number | null;
  rssMiB: number | null;
  stdout: string;
  stderr: string;
  status: number | null;
}

const TIME_MARK = 'BENCH_TIME';

/** Runs a command under /usr/bin/time (when present) and measures it. */
function measure(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Measured> {
  const useTime = existsSync('/usr/bin/time');
  const argv = useTime ? ['-f', `${TIME_MARK} %e %U %S %M`, cmd, ...args] : args;
  const start = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(useTime ? '/usr/bin/time' : cmd, argv, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', fail);
    child.on('close', (status) => {
      const wallMs = performance.now() - start;
      const line = stderr.split('\n').reverse().find((l) => l.startsWith(TIME_MARK));
      if (line) {
        const [, e, u, s, m] = line.split(' ');
        done({ wall: Number(e), cpu: Number(u) + Number(s), rssMiB: Number(m) / 1024, stdout, stderr, status });
      } else {
        done({ wall: wallMs / 1000, cpu: null, rssMiB: null, stdout, stderr, status });
      }
    });
  });
}

let repeatRuns = 1;

/** The fastest of `repeatRuns` runs (wall time); each run must succeed. */
async function best(run: () => Promise<Measured>): Promise<Measured> {
  let fastest: Measured | null = null;
  for (let i = 0; i < repeatRuns; i++) {
    const m = await run();
    if (m.status !== 0) return m;
    if (fastest === null || m.wall < fastest.wall) fastest = m;
  }
  return fastest!;
}

/** Counts the RRSIG records in a master file (fourth field RRSIG). */
async function countRrsigs(file: string): Promise<number> {
  let n = 0;
  const lines = createInterface({ input: createReadStream(file, { encoding: 'latin1', highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.includes('RRSIG')) continue;
    const f = line.split(/\s+/);
    if (f[3] === 'RRSIG' || f[2] === 'RRSIG') n++;
  }
  return n;
}

interface Row {
  size: number;
  signer: string;
  wall: number;
  cpu: number | null;
  rssMiB: number | null;
  signatures: number;
  created: number | null;
  valid: string;
  file: string;
  note?: string;
}

function fail(what: string, m: Measured): never {
  throw new Error(`${what} failed (exit ${m.status}):\n${m.stderr.slice(-2000)}`);
}

/** What `signet --json sign` prints (src/manager/sign-and-publish.ts SignResult). */
interface SignetResult {
  readonly serial: number;
  readonly signatures: number;
  readonly created: number;
  readonly method: 'in-memory' | 'streaming' | 'patched';
}

/**
 * signet as an operator runs it: a state database of its own with the zone
 * added (KSK + ZSK made by `zone add`: ECDSA P-256, NSEC3 with 0 iterations
 * and no salt, 14 days of validity: the default policy) and `signet sign`
 * through bin/signet.js, the safety gate included.
 */
class SignetZone {
  readonly input: string;
  readonly output: string;
  private readonly db: string;

  constructor(dir: string, zoneFile: string, now: number) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    this.input = join(dir, 'input.zone');
    this.output = join(dir, 'output.signed');
    this.db = join(dir, 'state.db');
    copyFileSync(zoneFile, this.input);
    const r = spawnSync(process.execPath, [SIGNET, '--db', this.db, '--now', String(now), 'zone', 'add', BENCH_ORIGIN, '--input', this.input, '--output', this.output], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`signet zone add failed: ${r.stderr}`);
  }

  /** `signet sign` at `now`; with `fresh`, the previous output is removed first so that everything is signed anew. */
  async sign(now: number, fresh: boolean): Promise<{ m: Measured; r: SignetResult }> {
    const m = await best(() => {
      if (fresh) rmSync(this.output, { force: true });
      return measure(process.execPath, [SIGNET, '--db', this.db, '--now', String(now), '--json', 'sign', BENCH_ORIGIN]);
    });
    if (m.status !== 0) fail('signet sign', m);
    return { m, r: JSON.parse(m.stdout) as SignetResult };
  }

  /** A copy of the current output, for the validator after the timed runs. */
  keep(as: string): string {
    copyFileSync(this.output, as);
    return as;
  }
}

/** BIND key pair (KSK, ZSK) for dnssec-signzone and ldns-signzone; returns their base names. */
function bindKeys(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const existing = readKeyNames(dir);
  if (existing.length === 2) return existing;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const args of [['-f', 'KSK'], []]) {
    const r = spawnSync('dnssec-keygen', ['-q', '-K', dir, '-a', 'ECDSAP256SHA256', ...args, BENCH_ORIGIN], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`dnssec-keygen failed: ${r.stderr}`);
  }
  return readKeyNames(dir);
}

function readKeyNames(dir: string): string[] {
  const r = spawnSync('sh', ['-c', `ls ${dir} 2>/dev/null | grep '\\.private$' | sed 's/\\.private$//'`], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map((n) => join(dir, n));
}

/** A Knot configuration for kzonesign over `zoneFile`, with its KSK and ZSK generated once. */
function knotSetup(dir: string, zoneFile: string, threads: number): string {
  mkdirSync(join(dir, 'kasp'), { recursive: true });
  const storage = join(dir, 'storage');
  rmSync(storage, { recursive: true, force: true });
  mkdirSync(storage, { recursive: true });
  const conf = join(dir, 'knot.conf');
  writeFileSync(conf, [
    'server:', `    rundir: ${storage}`,
    'database:', `    storage: ${storage}`, `    kasp-db: ${join(dir, 'kasp')}`,
    'template:', '  - id: default', `    storage: ${storage}`,
    'policy:', '  - id: bench', '    algorithm: ecdsap256sha256', '    ksk-lifetime: 0', '    zsk-lifetime: 0', '    manual: on',
    '    nsec3: on', '    nsec3-iterations: 0', '    nsec3-salt-length: 0', `    signing-threads: ${threads}`,
    '    rrsig-lifetime: 14d', '    rrsig-refresh: 5d',
    'zone:', `  - domain: ${BENCH_ORIGIN}`, `    file: ${zoneFile}`, '    dnssec-signing: on', '    dnssec-policy: bench', '',
  ].join('\n'));
  const list = spawnSync('keymgr', ['-c', conf, BENCH_ORIGIN, 'list'], { encoding: 'utf8' });
  if (!/KSK/.test(list.stdout) || !/ZSK/.test(list.stdout)) {
    for (const args of [['ksk=yes', 'zsk=no'], ['ksk=no', 'zsk=yes']]) {
      const r = spawnSync('keymgr', ['-c', conf, BENCH_ORIGIN, 'generate', 'algorithm=13', ...args], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`keymgr failed: ${r.stdout}${r.stderr}`);
    }
  }
  return conf;
}

async function validate(file: string, validator: Options['validator']): Promise<string> {
  const args = validator === 'ldns-verify-zone' ? [file]
    : validator === 'kzonecheck' ? ['-d', 'on', '-o', BENCH_ORIGIN, file]
    : ['-q', '-o', BENCH_ORIGIN, file];
  const m = await measure(validator, args);
  return m.status === 0 ? `ok (${validator}, ${m.wall.toFixed(0)} s)` : `FAILED (${validator}): ${(m.stdout + m.stderr).trim().split('\n').slice(-3).join(' | ')}`;
}

/** A copy of the zone with one host's A record changed. */
function changeOneRecord(zoneFile: string, out: string): string {
  const text = readFileSync(zoneFile, 'latin1');
  // The first host with an A record of the generated names: its address changes.
  for (let i = 0; ; i++) {
    const label = benchLabel(i);
    const re = new RegExp(`^${label}\\tA\\t[^\\n]*$`, 'm');
    const m = re.exec(text);
    if (!m) continue;
    writeFileSync(out, text.slice(0, m.index) + `${label}\tA\t198.51.100.77` + text.slice(m.index + m[0].length), 'latin1');
    return label;
  }
}

function fmt(n: number | null, digits = 1): string {
  return n === null ? '-' : n.toFixed(digits);
}

function group(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  repeatRuns = o.repeat;
  mkdirSync(WORK, { recursive: true });
  const cores = availableParallelism();
  const peers = {
    bind: o.peers.includes('bind') && have('dnssec-signzone') && have('dnssec-keygen'),
    ldns: o.peers.includes('ldns') && have('ldns-signzone') && have('dnssec-keygen'),
    knot: o.peers.includes('knot') && have('kzonesign') && have('keymgr'),
  };
  if (o.verify && !have(o.validator)) throw new Error(`validator ${o.validator} is not installed (or use --no-verify)`);
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cores} cores available, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}`;
  console.log(`machine: ${machine}`);
  for (const [name, on, tool] of [['bind', peers.bind, 'dnssec-signzone'], ['ldns', peers.ldns, 'ldns-signzone'], ['knot', peers.knot, 'kzonesign']] as const) {
    console.log(`peer ${name}: ${on ? firstLine(tool, tool === 'ldns-signzone' ? ['-v'] : ['-V']) : 'not run'}`);
  }
  const rows: Row[] = [];
  const resign: Array<{ size: number; full: Row; unchanged: Row; changed: Row }> = [];
  const keyDir = join(WORK, 'keys');
  mkdirSync(keyDir, { recursive: true });
  const bind = peers.bind || peers.ldns ? bindKeys(join(keyDir, 'bind')) : [];

  for (const size of o.sizes) {
    const label = sizeLabel(size);
    const dir = join(WORK, label);
    mkdirSync(dir, { recursive: true });
    const zoneFile = join(dir, `zone-${label}.zone`);
    if (!existsSync(zoneFile)) {
      console.log(`\n[${label}] generating ${zoneFile}`);
      await writeBenchZone(zoneFile, size);
    }
    console.log(`\n[${label}] ${size} names`);
    const now = wallClockNow();

    // signet: full sign, then re-sign unchanged and with one record changed, each from the output before it.
    const signet = new SignetZone(join(dir, 'signet'), zoneFile, now);
    const full = await signet.sign(now, true);
    const fullOut = signet.keep(join(dir, 'signet-full.signed'));
    const fullRow: Row = { size, signer: `signet sign (${cores} workers)`, wall: full.m.wall, cpu: full.m.cpu, rssMiB: full.m.rssMiB, signatures: full.r.signatures, created: full.r.created, valid: '', file: fullOut };
    rows.push(fullRow);
    console.log(`  signet full (${full.r.method}): ${fmt(full.m.wall, 2)} s, ${group(full.r.signatures)} signatures`);
    // A repeated re-sign would start from its own output: one run each.
    const repeat = repeatRuns;
    repeatRuns = 1;
    const unchanged = await signet.sign(now + 3600, false);
    const unchangedOut = signet.keep(join(dir, 'signet-unchanged.signed'));
    const unchangedRow: Row = { size, signer: 'signet re-sign, unchanged', wall: unchanged.m.wall, cpu: unchanged.m.cpu, rssMiB: unchanged.m.rssMiB, signatures: unchanged.r.signatures, created: unchanged.r.created, valid: '', file: unchangedOut };
    console.log(`  signet unchanged re-sign (${unchanged.r.method}): ${fmt(unchanged.m.wall, 2)} s, ${group(unchanged.r.created)} signatures made, ${group(unchanged.r.signatures - unchanged.r.created)} kept`);
    const changedLabel = changeOneRecord(zoneFile, signet.input);
    // Also an hour on, not more: the validators run on the real clock, and a signature made at --now is
    // valid from --now − inception-offset (1 h).
    const changed = await signet.sign(now + 3600, false);
    const changedOut = signet.keep(join(dir, 'signet-changed.signed'));
    repeatRuns = repeat;
    const changedRow: Row = { size, signer: 'signet re-sign, 1 record changed', wall: changed.m.wall, cpu: changed.m.cpu, rssMiB: changed.m.rssMiB, signatures: changed.r.signatures, created: changed.r.created, valid: '', file: changedOut, note: `${changedLabel} A` };
    console.log(`  signet one-change re-sign (${changed.r.method}, ${changedLabel} A): ${fmt(changed.m.wall, 2)} s, ${group(changed.r.created)} signatures made, ${group(changed.r.signatures - changed.r.created)} kept`);
    resign.push({ size, full: fullRow, unchanged: unchangedRow, changed: changedRow });

    if (peers.bind) {
      const out = join(dir, 'bind.signed');
      const m = await best(() => measure('dnssec-signzone', [
        '-q', '-O', 'full', '-n', String(cores), '-S', '-K', join(keyDir, 'bind'), '-3', '-', '-H', '0',
        '-s', 'now-3600', '-e', 'now+1209600', '-j', '43200', '-o', BENCH_ORIGIN, '-f', out, zoneFile,
      ]));
      if (m.status !== 0) fail('dnssec-signzone', m);
      rows.push({ size, signer: `dnssec-signzone -n ${cores}`, wall: m.wall, cpu: m.cpu, rssMiB: m.rssMiB, signatures: await countRrsigs(out), created: null, valid: '', file: out });
      console.log(`  dnssec-signzone: ${fmt(m.wall, 2)} s`);
    }
    if (peers.ldns) {
      const out = join(dir, 'ldns.signed');
      const m = await best(() => measure('ldns-signzone', ['-n', '-t', '0', '-s', '', '-i', String(now - 3600), '-e', String(now + 1209600), '-o', BENCH_ORIGIN, '-f', out, zoneFile, ...bind]));
      if (m.status !== 0) fail('ldns-signzone', m);
      rows.push({ size, signer: 'ldns-signzone', wall: m.wall, cpu: m.cpu, rssMiB: m.rssMiB, signatures: await countRrsigs(out), created: null, valid: '', file: out });
      console.log(`  ldns-signzone: ${fmt(m.wall, 2)} s`);
    }
    if (peers.knot) {
      const kdir = join(dir, 'knot');
      const outDir = join(kdir, 'out');
      const m = await best(async () => {
        // A fresh storage each time: kzonesign must sign the whole zone, not continue from its journal.
        const conf = knotSetup(kdir, zoneFile, cores);
        rmSync(outDir, { recursive: true, force: true });
        mkdirSync(outDir, { recursive: true });
        return measure('kzonesign', ['-c', conf, '-o', outDir, BENCH_ORIGIN]);
      });
      if (m.status !== 0) fail('kzonesign', m);
      const out = join(outDir, basename(zoneFile));
      rows.push({ size, signer: `kzonesign (${cores} threads)`, wall: m.wall, cpu: m.cpu, rssMiB: m.rssMiB, signatures: await countRrsigs(out), created: null, valid: '', file: out });
      console.log(`  kzonesign: ${fmt(m.wall, 2)} s`);
    }

    if (o.verify) {
      // Two validators at a time, after the timed runs so they do not disturb them.
      const todo = [...rows.filter((r) => r.size === size), unchangedRow, changedRow];
      for (let i = 0; i < todo.length; i += 2) {
        const pair = todo.slice(i, i + 2);
        const results = await Promise.all(pair.map((r) => validate(r.file, o.validator)));
        pair.forEach((r, k) => { r.valid = results[k]!; });
      }
      for (const r of todo) console.log(`  ${r.signer}: ${r.valid}`);
    }
  }

  // The table.
  console.log(`\n## signet bench\n\nMachine: ${machine}. ECDSA P-256 (KSK + ZSK), NSEC3 with 0 iterations and no salt.${o.repeat > 1 ? ` Best of ${o.repeat} runs each.` : ''}\n`);
  console.log('| zone | signer | wall s | CPU s | peak RSS MiB | signatures | signatures/s | speed vs fastest peer | valid |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const size of o.sizes) {
    const here = rows.filter((r) => r.size === size);
    const peerRows = here.filter((r) => !r.signer.startsWith('signet'));
    const fastest = peerRows.length > 0 ? Math.min(...peerRows.map((r) => r.wall)) : null;
    for (const r of here) {
      // Above 1: faster than the fastest of the other signers in this run.
      const ratio = fastest === null ? '-' : `${(fastest / r.wall).toFixed(2)}×`;
      console.log(`| ${sizeLabel(size)} | ${r.signer} | ${fmt(r.wall, 2)} | ${fmt(r.cpu, 1)} | ${fmt(r.rssMiB, 0)} | ${group(r.signatures)} | ${group(r.signatures / r.wall)} | ${ratio} | ${o.verify ? (r.valid.startsWith('ok') ? 'yes' : 'NO') : 'not checked'} |`);
    }
  }
  console.log('\n| zone | run | wall s | peak RSS MiB | signatures made | kept | full sign ÷ this | valid |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const { size, full, unchanged, changed } of resign) {
    for (const r of [full, unchanged, changed]) {
      const kept = r.created === null ? '-' : group(r.signatures - r.created);
      console.log(`| ${sizeLabel(size)} | ${r === full ? 'full sign' : r.signer.replace('signet ', '')}${r.note ? ` (${r.note})` : ''} | ${fmt(r.wall, 2)} | ${fmt(r.rssMiB, 0)} | ${r.created === null ? '-' : group(r.created)} | ${kept} | ${(full.wall / r.wall).toFixed(1)}× | ${o.verify ? (r.valid.startsWith('ok') ? 'yes' : 'NO') : 'not checked'} |`);
    }
  }
  const bad = [...rows, ...resign.flatMap((x) => [x.unchanged, x.changed])].filter((r) => o.verify && !r.valid.startsWith('ok'));
  if (bad.length > 0) {
    console.error(`\n${bad.length} output(s) failed validation: ${bad.map((r) => r.file).join(', ')}`);
    process.exitCode = 1;
  }
}

await main();
