#!/usr/bin/env node
/**
 * Builds the standalone binary dist/tls-probe with Node's single-executable-application support
 * (`npm run binary`, which runs `npm run build` first):
 *
 *   1. esbuild: dist/cli/main.js (tsc output) -> one CommonJS file (SEA runs a CJS script whose
 *      `require` sees only builtins, so everything else is bundled; the version is inlined)
 *   2. a training run: one default handshake against a loopback server (code-cache.mjs trainingRun)
 *      through the binary's loader run by this node from files, which writes V8's code cache of the
 *      bundle at exit: every function such a run compiles, as the bundle's cache for bin/tls-probe.js
 *   3. node --experimental-sea-config: the blob (sea-main.mjs has both forms' main scripts). Default,
 *      a V8 startup snapshot (useSnapshot) taken after the bundle was compiled with that cache and
 *      its top level evaluated, the run left to the snapshot's deserialize-main function
 *      (src/cli/main.ts defers to it through globalThis.__tlsProbeDefer): the snapshot keeps the
 *      functions' bytecode, so a start neither compiles nor evaluates the bundle. --assets builds the
 *      other form: bundle and cache as SEA assets, compiled (from the cache) and evaluated at each
 *      start, which valgrind can run (V8 refuses a snapshot under it). README "Cold start" has both A/B
 *   4. a copy of this process's Node binary (process.execPath: run it under Node 20, not the Node 24
 *      of node_modules/.bin), stripped of its debug info when `strip` is on PATH
 *   5. postject puts the blob in the copy and flips the NODE_SEA_FUSE sentinel
 *   6. dist/tls-probe --version must answer with the package's version (and the binary say that V8
 *      accepted its code cache, or the build warns) before the copy is renamed into place
 *      (atomically: concurrent test runs may build at the same time)
 *
 * Step 2 onwards is skipped when dist/tls-probe was built from the same bundle (and main script) by the
 * same Node in the same form (dist/tls-probe.stamp holds their hash); --force rebuilds anyway.
 * Prints the binary's path.
 * The SEA config is generated (dist/sea-<pid>/sea-config.json), not kept in the repository.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postject from 'postject';
import { bundleSea, repoRoot, tscEntry } from './bundle.mjs';
import { trainingRun } from './code-cache.mjs';
import { mainScript } from './sea-main.mjs';

/** The sentinel Node's SEA code looks for (doc/api/single-executable-applications.md). */
export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
export const binaryPath = join(repoRoot, 'dist', 'tls-probe');
const stampPath = `${binaryPath}.stamp`;

function log(line) {
  process.stderr.write(`sea: ${line}\n`);
}

function onPath(cmd) {
  return (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, cmd)));
}

/**
 * postject's LIEF (WebAssembly) warns once per note section it cannot name, through console.warn
 * ("warning: Can't find string offset for section name '.note.100'"): harmless, the notes are kept
 * as they are. Those lines are counted instead of printed; anything else it says goes through.
 */
async function injectQuietly(exe, blob) {
  const warn = console.warn;
  let noteWarnings = 0;
  console.warn = (...a) => {
    if (/^warning: Can't find string offset for section name '\.note[.\w]*'/.test(String(a[0]))) noteWarnings++;
    else warn(...a);
  };
  try {
    await postject.inject(exe, 'NODE_SEA_BLOB', blob, { sentinelFuse: SEA_FUSE });
  } finally {
    console.warn = warn;
  }
  if (noteWarnings) log(`postject: ${noteWarnings} LIEF warnings about unnamed .note sections (harmless)`);
}

/**
 * The inputs of either form in `dir` (sea-main.mjs): the bundle, version.txt, help.txt and the code
 * cache a training run makes through the assets form's loader (main.cjs) from these files. Returns
 * the SEA config's `assets` and a note when the training run failed (the cache is then empty and
 * the binary compiles the bundle's functions lazily at run time).
 */
async function inputs(dir, bundle, version, help) {
  const loader = join(dir, 'main.cjs');
  writeFileSync(loader, mainScript('assets'));
  writeFileSync(join(dir, 'version.txt'), `${version}\n`);
  writeFileSync(join(dir, 'help.txt'), help);
  writeFileSync(join(dir, 'tls-probe.cjs.cache'), '');
  let note = '';
  try {
    await trainingRun(repoRoot, loader, { ...process.env, TLS_PROBE_SEA_ASSETS: dir, TLS_PROBE_WRITE_CODE_CACHE: '1' });
  } catch (e) {
    note = `no code cache: the training handshake failed: ${e instanceof Error ? e.message : String(e)}`;
  }
  const keys = ['tls-probe.cjs', 'tls-probe.cjs.cache', 'version.txt', 'help.txt'];
  return { assets: Object.fromEntries(keys.map((k) => [k, k === 'tls-probe.cjs' ? bundle : join(dir, k)])), note };
}

/**
 * Builds (or reuses) dist/tls-probe; returns its path. `form` is 'snapshot' (the default: a V8 startup
 * snapshot of the bundle compiled with its trained code cache and evaluated) or 'assets' (loader,
 * bundle and trained code cache as SEA assets, compiled and evaluated at each start).
 */
export async function buildBinary({ force = false, form = 'snapshot' } = {}) {
  if (!existsSync(tscEntry)) throw new Error(`${tscEntry} missing: run \`npm run build\` first`);
  if (form !== 'assets' && form !== 'snapshot') throw new Error(`unknown form '${form}'`);
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 12)) {
    throw new Error(`Node ${process.version} has no SEA assets/disableExperimentalSEAWarning (needs 20.12+)`);
  }
  const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const work = join(repoRoot, 'dist', `sea-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const bundle = join(work, 'tls-probe.cjs');
    await bundleSea(bundle);
    const help = execFileSync(process.execPath, [bundle, '--help'], { encoding: 'utf8', timeout: 30_000 });
    const stamp = createHash('sha256')
      .update(readFileSync(bundle))
      .update(mainScript(form))
      .update(`\0${process.version}\0${process.execPath}\0${statSync(process.execPath).size}\0${form}`)
      .digest('hex');
    if (!force && existsSync(binaryPath) && existsSync(stampPath) && readFileSync(stampPath, 'utf8').trim() === stamp) {
      log(`${binaryPath} is up to date (${process.version}, same bundle, ${form} form)`);
      return binaryPath;
    }

    const made = await inputs(work, bundle, version, help);
    if (made.note) log(made.note);
    const main = join(work, `${form}-main.cjs`);
    writeFileSync(main, mainScript(form));
    const blob = join(work, 'sea-prep.blob');
    const config = join(work, 'sea-config.json');
    // The snapshot builder reads the inputs from its working directory (seaSnapshotMain).
    const seaConfig = { main, output: blob, disableExperimentalSEAWarning: true };
    const formConfig = form === 'snapshot' ? { useSnapshot: true } : { assets: made.assets };
    writeFileSync(config, JSON.stringify({ ...seaConfig, ...formConfig }, null, 2) + '\n');
    // Its one line ("Wrote single executable preparation blob to ...") is shown only on failure.
    try {
      execFileSync(process.execPath, ['--experimental-sea-config', config], {
        cwd: work,
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 120_000,
      });
    } catch (e) {
      throw new Error(`node --experimental-sea-config failed: ${String(e.stderr || e.message).trim()}`, { cause: e });
    }

    const exe = join(work, 'tls-probe');
    if (onPath('strip')) {
      execFileSync('strip', ['-o', exe, process.execPath], {
        stdio: ['ignore', 'ignore', 'inherit'],
        timeout: 120_000,
      });
    } else {
      copyFileSync(process.execPath, exe);
    }
    chmodSync(exe, 0o755);
    await injectQuietly(exe, readFileSync(blob));

    const answer = execFileSync(exe, ['--version'], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, NODE_OPTIONS: '' },
    }).trim();
    if (answer !== version)
      throw new Error(`the new binary answered --version with '${answer}', expected '${version}'`);
    // V8 rejects a cache made by another V8 or with other flags: the binary would still work, but
    // compile the bundle's functions lazily at each start, which is what the cache is for avoiding.
    const cacheState = execFileSync(exe, [], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, NODE_OPTIONS: '', TLS_PROBE_SEA_CACHE_CHECK: '1' },
    }).trim();
    if (!cacheState.startsWith('code cache accepted')) log(`warning: the new binary says: ${cacheState}`);

    renameSync(exe, binaryPath);
    writeFileSync(`${stampPath}.${process.pid}`, stamp + '\n');
    renameSync(`${stampPath}.${process.pid}`, stampPath);
    log(
      `${binaryPath}: ${(statSync(binaryPath).size / 2 ** 20).toFixed(1)} MiB, Node ${process.version}, bundle ${(statSync(bundle).size / 1024).toFixed(0)} KiB + ${form === 'snapshot' ? 'startup snapshot' : 'assets'}, ${cacheState}`,
    );
    return binaryPath;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const t0 = performance.now();
    const path = await buildBinary({
      force: process.argv.includes('--force'),
      form: process.argv.includes('--assets') ? 'assets' : 'snapshot',
    });
    log(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    process.stdout.write(`${path}\n`);
  } catch (e) {
    log(`failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}
