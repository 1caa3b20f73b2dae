#!/usr/bin/env node
/**
 * esbuild bundles of the CLI, made from the tsc output (dist/cli/main.js), so `npm run build` runs
 * tsc first and this second:
 *
 *   node scripts/bundle.mjs          ESM bundle for the launcher: one file, dist/bundle/tls-probe.mjs
 *   node scripts/bundle.mjs --split  the noble provider (--crypto noble) as a lazily imported chunk
 *                                    instead, plus a chunk of what it shares with the rest (so two
 *                                    files per start): only to measure; it saved ~4% of the
 *                                    instructions of a `--version` start, not worth a second file
 *
 * scripts/sea.mjs imports bundleSea() for the CommonJS single file a single executable needs.
 * Only Node's builtins stay external: commander, chalk and @noble/* are bundled, so a cold start
 * reads one file instead of about eighty. The noble provider stays lazy inside it: esbuild wraps a
 * dynamically imported module in an init function that runs on the first import('./noble.js').
 */
import { build } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const tscEntry = join(repoRoot, 'dist', 'cli', 'main.js');
export const bundleDir = join(repoRoot, 'dist', 'bundle');
/** What bin/tls-probe.js loads when present. Two levels under the root, as dist/cli/main.js is, so
 * the relative `new URL('../../package.json', import.meta.url)` in src/cli/options.ts still works. */
export const bundleFile = join(bundleDir, 'tls-probe.mjs');

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
 * The ESM bundle for the launcher. Commander is CommonJS and requires builtins, which an ESM bundle
 * can only do through a real `require`: the banner makes one (esbuild's shim uses it when defined).
 */
export async function bundleEsm({ split = false } = {}) {
  const result = await build({
    ...common,
    entryPoints: { 'tls-probe': tscEntry },
    format: 'esm',
    outdir: bundleDir,
    outExtension: { '.js': '.mjs' },
    splitting: split,
    chunkNames: '[name]-[hash]',
    banner: {
      js: "import { createRequire as __tlsProbeCreateRequire } from 'node:module';\nconst require = __tlsProbeCreateRequire(import.meta.url);",
    },
    write: false,
  });
  publish(result.outputFiles);
  return outputs(result);
}

/**
 * Writes each file beside its place and renames it there, chunks before the entry, then removes
 * .mjs files of earlier builds: a tls-probe started meanwhile (other test runs share this tree)
 * sees the old bundle or the new one, never half a file.
 */
function publish(files) {
  mkdirSync(bundleDir, { recursive: true });
  const entryLast = [...files].sort((a, b) => Number(a.path === bundleFile) - Number(b.path === bundleFile));
  for (const f of entryLast) {
    const tmp = `${f.path}.tmp-${process.pid}`;
    writeFileSync(tmp, f.contents);
    renameSync(tmp, f.path);
  }
  const keep = new Set(files.map((f) => basename(f.path)));
  for (const name of readdirSync(bundleDir)) {
    if (name.endsWith('.mjs') && !keep.has(name)) rmSync(join(bundleDir, name), { force: true });
  }
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

/** One CommonJS file for Node's single-executable support (no splitting, no import.meta). */
export async function bundleSea(outfile) {
  const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const result = await build({
    ...common,
    format: 'cjs',
    outfile,
    plugins: [inlineVersionPlugin(version)],
    // The CLI has no other import.meta use; this makes esbuild say so if one appears.
    logOverride: { 'empty-import-meta': 'error' },
  });
  return outputs(result);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t0 = performance.now();
  try {
    const files = await bundleEsm({ split: process.argv.includes('--split') });
    const list = files.map((f) => `${f.file} ${(f.bytes / 1024).toFixed(0)} KiB`).join(', ');
    process.stdout.write(`bundle: ${list} (${Math.round(performance.now() - t0)} ms)\n`);
  } catch (e) {
    // esbuild has printed the errors already (logLevel 'warning').
    process.stderr.write(`bundle: failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`);
    process.exitCode = 1;
  }
}
