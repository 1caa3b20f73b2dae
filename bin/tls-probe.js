#!/usr/bin/env node
'use strict';
// Launcher, CommonJS on purpose (bin/package.json): an ES module entry costs a cold start ~20 ms of
// CPU for Node's ESM loader before any of our code runs. It
//   - answers a lone --version/-V or --help/-h without loading the CLI at all (dist/bundle/help.txt is
//     the bundle's own --help, rendered by `npm run build` at the width it uses on a pipe);
//   - otherwise runs the esbuild bundle dist/bundle/tls-probe.cjs through vm.Script with the V8 code
//     cache `npm run build` wrote beside it (tls-probe.cjs.cache), so the ~430 KiB bundle is not
//     parsed and compiled from scratch at each start; a cache made by another Node is rejected by V8
//     and the bundle is simply compiled;
//   - falls back to the tsc output dist/cli/main.js when there is no bundle, or, in a source
//     checkout (src/ beside dist/), when the bundle is older than the tsc output (after a bare tsc).
// The published package has no src/ and always runs the bundle it ships.
const { fstatSync, readFileSync, statSync, writeFileSync, writeSync, renameSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const bundle = join(root, 'dist', 'bundle', 'tls-probe.cjs');
const unbundled = join(root, 'dist', 'cli', 'main.js');
/** Set by scripts/bundle.mjs only: write the code cache of this run's compiled functions at exit. */
const WRITE_CACHE = 'TLS_PROBE_WRITE_CODE_CACHE';

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function bundleIsCurrent() {
  const b = mtime(bundle);
  if (b === undefined) return false;
  if (mtime(join(root, 'src')) === undefined) return true;
  const u = mtime(unbundled);
  return u === undefined || b >= u;
}

/**
 * Whether stdout is a terminal narrower than help.txt's 100 columns. A pipe or a file is not a
 * character device, which fstat tells without process.stdout (on a pipe a net.Socket, ~1 ms of
 * modules); only a character device (a terminal, /dev/null) is asked through process.stdout.
 */
function narrowTerminal() {
  try {
    if (!fstatSync(1).isCharacterDevice()) return false;
  } catch {
    // fd 1 closed: process.stdout decides below, as before
  }
  return Boolean(process.stdout.isTTY && (process.stdout.columns || 100) < 100);
}

/** The answers that need no CLI: the same text the bundle prints, read from files. */
function quickAnswer(args) {
  if (args.length !== 1 || process.env[WRITE_CACHE]) return undefined;
  const [a] = args;
  if (a === '--version' || a === '-V') {
    return `${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version}\n`;
  }
  // src/cli/options.ts wraps help at min(columns, 100); help.txt is the 100-column rendering.
  if ((a === '--help' || a === '-h') && !narrowTerminal()) {
    try {
      return readFileSync(join(root, 'dist', 'bundle', 'help.txt'), 'utf8');
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Writes a quick answer with write(2) on fd 1: process.stdout on a pipe is a net.Socket, whose
 * modules (net, stream) are ~1 ms of a `--version` start. EPIPE ends it quietly; a short write or
 * another error (EAGAIN on a non-blocking pipe that is full, ...) hands the rest to process.stdout.
 */
function writeStdout(text) {
  const buf = Buffer.from(text);
  let off = 0;
  try {
    while (off < buf.length) {
      const n = writeSync(1, buf, off, buf.length - off);
      if (n <= 0) break;
      off += n;
    }
  } catch (e) {
    // The reader has gone (`tls-probe --help | head -1`): nothing more to say, and no stack trace.
    if (e?.code === 'EPIPE') return;
    // Anything else is left to process.stdout below.
  }
  if (off < buf.length) process.stdout.write(buf.subarray(off));
}

/** Runs the CommonJS bundle as require() would, but with V8's code cache when there is one. */
function runBundle() {
  const vm = require('node:vm');
  const cacheFile = `${bundle}.cache`;
  let cachedData;
  try {
    cachedData = process.env[WRITE_CACHE] ? undefined : readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  // Module.wrap's wrapper, written out: node:module would cost a cold start its loading.
  const source = `(function (exports, require, module, __filename, __dirname) { ${readFileSync(bundle, 'utf8')}\n});`;
  const script = new vm.Script(source, { filename: bundle, cachedData });
  if (process.env[WRITE_CACHE]) {
    // At exit the cache holds every function this run compiled, not only the top level.
    process.once('exit', () => {
      const tmp = `${cacheFile}.tmp-${process.pid}`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
    });
  }
  const module = { exports: {} };
  script
    .runInThisContext()
    // The bundle requires nothing but Node's builtins (scripts/bundle.mjs), which this file's own
    // require resolves as well as createRequire(bundle) would.
    .call(module.exports, module.exports, require, module, bundle, join(root, 'dist', 'bundle'));
}

const useBundle = bundleIsCurrent();
const quick = useBundle ? quickAnswer(process.argv.slice(2)) : undefined;
if (quick !== undefined) {
  writeStdout(quick);
} else if (useBundle) {
  runBundle();
} else {
  import(require('node:url').pathToFileURL(unbundled).href).catch((err) => {
    const notBuilt = err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js');
    process.stderr.write(
      notBuilt
        ? 'tls-probe: not built yet: run `npm run build`\n'
        : `tls-probe: internal error: ${err?.message ?? err}\n`,
    );
    process.exitCode = 1;
  });
}
