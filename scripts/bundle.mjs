#!/usr/bin/env node
/**
 * esbuild bundles of the CLI, made from the tsc output (dist/cli/main.js), so `npm run build` runs
 * tsc first and this second:
 *
 *   node scripts/bundle.mjs   dist/bundle/tls-probe.cjs, the one CommonJS file bin/tls-probe.js runs,
 *                             its V8 code cache (tls-probe.cjs.cache) and help.txt
 *   node scripts/bundle.mjs --metafile meta.json
 *                             the same, and esbuild's metafile (what each input adds to the bundle)
 *                             for https://esbuild.github.io/analyze/ or a script
 *
 * scripts/sea.mjs imports bundleSea() for the same CommonJS file, for the single executable.
 * Only Node's builtins stay external: commander, chalk and @noble/* are bundled, so a cold start
 * reads one file instead of about eighty. The noble provider stays lazy inside it: esbuild wraps a
 * dynamically imported module in an init function that runs on the first import('./noble.js').
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trainingRun } from './code-cache.mjs';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const tscEntry = join(repoRoot, 'dist', 'cli', 'main.js');
export const bundleDir = join(repoRoot, 'dist', 'bundle');
/** What bin/tls-probe.js loads when present. Two levels under the root, as dist/cli/main.js is, so
 * the relative `new URL('../../package.json', import.meta.url)` in src/cli/options.ts still works. */
export const bundleFile = join(bundleDir, 'tls-probe.cjs');

/** Settings both bundles share. */
const common = {
  entryPoints: [tscEntry],
  bundle: true,
  platform: 'node',
  target: 'node20.19',
  // Builtins are external by platform: 'node'; everything else is bundled.
  legalComments: 'eof',
  logLevel: 'warning',
  metafile: true,
  absWorkingDir: repoRoot,
  // Whitespace and syntax only: V8 parses ~35% fewer bytes at each start (the cold start of
  // `--version` runs ~8% fewer instructions under callgrind), while identifiers, and so function
  // names in TLS_PROBE_DEBUG=1 stack traces, stay as written. Renaming identifiers too saved <1% more.
  minifyWhitespace: true,
  minifySyntax: true,
  minifyIdentifiers: false,
};

/** Sizes of a build's outputs, for the log line. */
function outputs(result) {
  return Object.entries(result.metafile.outputs).map(([file, o]) => ({ file, bytes: o.bytes }));
}

/**
 * The CommonJS bundle bin/tls-probe.js runs (CommonJS skips Node's ESM loader at each start), then
 * what the launcher reads instead of running it: help.txt (the bundle's own --help on a pipe) and
 * the V8 code cache of a default handshake run (scripts/code-cache.mjs): the top level, option
 * parsing, the handshake, chain verification and the report compiled.
 */
export async function bundleCli(metafileOut) {
  const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const result = await build({ ...cjs(version), outfile: bundleFile, write: false });
  if (metafileOut) writeFileSync(metafileOut, JSON.stringify(result.metafile));
  publish(result.outputFiles);
  const launcher = join(repoRoot, 'bin', 'tls-probe.js');
  const env = { ...process.env, TLS_PROBE_WRITE_CODE_CACHE: '1' };
  const help = execFileSync(process.execPath, [launcher, '--help'], { env, encoding: 'utf8' });
  writeAtomically(join(bundleDir, 'help.txt'), help);
  // The --help run above wrote a cache of the top level and option parsing; the training run's cache
  // (a default handshake's functions too) replaces it, or, if it fails, that one stays.
  let note = '';
  try {
    await trainingRun(repoRoot, launcher, env);
  } catch (e) {
    note = ` (from --help only: the training handshake failed: ${e instanceof Error ? e.message : String(e)})`;
  }
  const cache = { file: `${bundleFile}.cache${note}`, bytes: statSync(`${bundleFile}.cache`).size };
  return [...outputs(result), cache];
}

/**
 * Writes each file beside its place and renames it there, chunks before the entry, then removes
 * .mjs files of earlier builds: a tls-probe started meanwhile (other test runs share this tree)
 * sees the old bundle or the new one, never half a file.
 */
function publish(files) {
  mkdirSync(bundleDir, { recursive: true });
  const entryLast = [...files].sort((a, b) => Number(a.path === bundleFile) - Number(b.path === bundleFile));
  for (const f of entryLast) writeAtomically(f.path, f.contents);
  const keep = new Set(files.map((f) => basename(f.path)));
  for (const name of readdirSync(bundleDir)) {
    if (/\.(mjs|cjs)$/.test(name) && !keep.has(name)) rmSync(join(bundleDir, name), { force: true });
  }
}

function writeAtomically(path, contents) {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, contents);
  renameSync(tmp, path);
}

/**
 * Replaces the one run-time read of package.json (the --version text) with the version itself: a
 * single executable has no package.json beside it and no import.meta. Fails the build if the code
 * it rewrites has changed, rather than shipping a binary whose --version says 0.0.0.
 */
function inlineVersionPlugin(version) {
  const pattern = /readFileSync\(new URL\(['"]\.\.\/\.\.\/package\.json['"], import\.meta\.url\), ['"]utf8['"]\)/g;
  return {
    name: 'inline-package-version',
    setup(b) {
      b.onLoad({ filter: /[\\/]dist[\\/]cli[\\/]options\.js$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        const count = text.match(pattern)?.length ?? 0;
        if (count !== 1) {
          return {
            errors: [
              {
                text: `inline-package-version: expected one package.json read in ${args.path}, found ${count}; update scripts/bundle.mjs`,
              },
            ],
          };
        }
        return { contents: text.replace(pattern, JSON.stringify(JSON.stringify({ version }))), loader: 'js' };
      });
    },
  };
}

/**
 * src/net/native-aead.ts finds the native AEAD binding relative to its own module URL, two levels
 * under the root as dist/net/ is; the CommonJS bundle (dist/bundle/, also two levels down) has no
 * import.meta but its __dirname (bin/tls-probe.js passes it). A single executable ships no binding
 * and looks for none (its __dirname is not the package's): the lookup throws, and node:crypto is
 * used. Fails the build if the line it rewrites has changed, rather than bundling a reader that
 * never finds the binding.
 */
function nativeAddonPathPlugin(sea) {
  const pattern = /new URL\((['"])(\.\.\/\.\.\/native\/[\w/.]+\.node)\1, import\.meta\.url\)/g;
  return {
    name: 'native-addon-path',
    setup(b) {
      b.onLoad({ filter: /[\\/]dist[\\/]net[\\/]native-aead\.js$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        const count = text.match(pattern)?.length ?? 0;
        if (count !== 1) {
          return { errors: [{ text: `native-addon-path: expected one addon URL in ${args.path}, found ${count}` }] };
        }
        const rewritten = text.replace(pattern, (_m, _q, rel) =>
          sea
            ? `(() => { throw new Error('a single executable has no native AEAD'); })()`
            : `require('node:url').pathToFileURL(require('node:path').join(__dirname, ${JSON.stringify(rel)}))`,
        );
        return { contents: rewritten, loader: 'js' };
      });
    },
  };
}

/**
 * src/tls/libs.ts imports the libraries only some runs need (tldts, noble's ML-DSA and ML-KEM, fzstd,
 * node:zlib), src/cli/cli-libs.ts chalk (a report in colour only); the bundle takes src/lazy-libs.ts
 * in the place of both, whose `require` calls esbuild turns into module initialisers run at the first
 * call. Fails the build if either file was not swapped, rather than silently bundling the eager
 * imports again.
 */
function lazyLibsPlugin() {
  const lazy = join(repoRoot, 'dist', 'lazy-libs.js');
  const swapped = new Map([
    [join(repoRoot, 'dist', 'tls', 'libs.js'), 0],
    [join(repoRoot, 'dist', 'cli', 'cli-libs.js'), 0],
  ]);
  return {
    name: 'lazy-libs',
    setup(b) {
      b.onResolve({ filter: /[\\/](cli-)?libs\.js$/ }, (args) => {
        const path = join(args.resolveDir, args.path);
        const n = swapped.get(path);
        if (n === undefined) return undefined;
        swapped.set(path, n + 1);
        return { path: lazy };
      });
      b.onEnd((result) => {
        for (const [eager, n] of swapped) {
          if (result.errors.length === 0 && n === 0) {
            result.errors.push({ text: `lazy-libs: nothing imported ${eager}; update scripts/bundle.mjs` });
          }
        }
      });
    },
  };
}

/**
 * commander's lib/command.js requires node:child_process at its top level for one use, spawning the
 * executable of a stand-alone subcommand, which tls-probe (no subcommands) never does; loading it
 * costs every cold start ~2.5 ms of CPU (child_process, dgram, net's socket list and their bindings).
 * The bundle gets a stand-in that requires it at the first spawn. Fails the build if the line it
 * rewrites has changed (a new commander), rather than bundling the eager require again unnoticed.
 */
function lazyChildProcessPlugin() {
  const eager = "const childProcess = require('node:child_process');";
  const lazy = "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };";
  return {
    name: 'lazy-child-process',
    setup(b) {
      b.onLoad({ filter: /[\\/]node_modules[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        const uses = text.match(/childProcess\.(\w+)/g) ?? [];
        if (!text.includes(eager) || uses.some((u) => u !== 'childProcess.spawn')) {
          return { errors: [{ text: `lazy-child-process: ${args.path} changed; update scripts/bundle.mjs` }] };
        }
        return { contents: text.replace(eager, lazy), loader: 'js' };
      });
    },
  };
}

/** Settings of a CommonJS bundle: no import.meta, so the version is inlined. */
function cjs(version, sea = false) {
  return {
    ...common,
    format: 'cjs',
    plugins: [inlineVersionPlugin(version), nativeAddonPathPlugin(sea), lazyLibsPlugin(), lazyChildProcessPlugin()],
    // The CLI has no other import.meta use; this makes esbuild say so if one appears.
    logOverride: { 'empty-import-meta': 'error' },
  };
}

/** The same CommonJS file for Node's single-executable support, written to `outfile`. */
export async function bundleSea(outfile) {
  const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  return outputs(await build({ ...cjs(version, true), outfile }));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t0 = performance.now();
  try {
    const m = process.argv.indexOf('--metafile');
    const files = await bundleCli(m > 0 ? process.argv[m + 1] : undefined);
    const list = files.map((f) => `${f.file} ${(f.bytes / 1024).toFixed(0)} KiB`).join(', ');
    process.stdout.write(`bundle: ${list} (${Math.round(performance.now() - t0)} ms)\n`);
  } catch (e) {
    // esbuild has printed the errors already (logLevel 'warning').
    process.stderr.write(`bundle: failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`);
    process.exitCode = 1;
  }
}
