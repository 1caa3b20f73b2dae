/**
 * The standalone binary's main scripts (the SEA config's `main`), one per form of scripts/sea.mjs.
 * Both run the esbuild bundle (scripts/bundle.mjs bundleSea) through vm.Script, wrapped as
 * bin/tls-probe.js wraps it, with a V8 code cache trained on that exact source by a default
 * handshake (scripts/code-cache.mjs trainingRun through seaMain below, from files), so the functions
 * such a run calls are compiled from the cache instead of lazily at run time. Inputs, files in one
 * directory at build time:
 *
 *   tls-probe.cjs        the bundle
 *   tls-probe.cjs.cache  V8's code cache of the wrapped bundle after the training run (may be empty)
 *   version.txt          the --version answer
 *   help.txt             the bundle's own --help at the 100 columns it uses on a pipe
 *
 * - snapshot (the default): seaSnapshotMain runs at build time, in the V8 startup snapshot builder
 *   (SEA `useSnapshot`): it compiles the bundle with the cache, evaluates its top level (the run
 *   deferred through globalThis.__tlsProbeDefer, src/cli/main.ts), and leaves the run to the
 *   snapshot's deserialize-main function. The snapshot keeps the functions' bytecode, so a start
 *   neither compiles nor evaluates the bundle, nor loads the builtins it requires.
 * - assets: seaMain is the main; the four files are SEA `assets` (Node 20.12+), and each start
 *   compiles the bundle with the cache and evaluates it. The build's training run is this same
 *   loader under plain `node` with TLS_PROBE_SEA_ASSETS=<the directory> and
 *   TLS_PROBE_WRITE_CODE_CACHE=1: it writes the cache into the directory at exit.
 *
 * The binary is a copy of the node that made the cache, so V8 accepts it (same version and flags);
 * TLS_PROBE_SEA_CACHE_CHECK=1 makes the binary say whether it did and stop (test/cli/binary.test.ts).
 *
 * Each function is written into the main script with Function.prototype.toString, so each is
 * self-contained: no closure over this module. SEA runs its main with a `require` that resolves only
 * builtins, which is all they and the bundle need.
 */

/** Module.wrap's wrapper, written out, as bin/tls-probe.js has it. */
export function wrapBundle(body) {
  return `(function (exports, require, module, __filename, __dirname) { ${body}\n});`;
}

/**
 * Answers a lone --version/-V or --help/-h (the texts from `text(key)`) and returns true, or returns
 * false. As bin/tls-probe.js: write(2) on fd 1 spares the answer process.stdout (on a pipe a
 * net.Socket); EPIPE ends quietly; the rest of a short write goes to process.stdout.
 */
export function quickAnswer(require, text) {
  const { fstatSync, writeSync } = require('node:fs');
  const args = process.argv.slice(2);
  if (args.length !== 1) return false;
  const [a] = args;
  // src/cli/options.ts wraps help at min(columns, 100); help.txt is the 100-column rendering.
  const narrowTerminal = () => {
    try {
      if (!fstatSync(1).isCharacterDevice()) return false;
    } catch {
      // fd 1 closed: process.stdout decides
    }
    return Boolean(process.stdout.isTTY && (process.stdout.columns || 100) < 100);
  };
  let answer;
  if (a === '--version' || a === '-V') answer = text('version.txt');
  else if ((a === '--help' || a === '-h') && !narrowTerminal()) answer = text('help.txt');
  else return false;
  const buf = Buffer.from(answer);
  let off = 0;
  try {
    while (off < buf.length) {
      const n = writeSync(1, buf, off, buf.length - off);
      if (n <= 0) break;
      off += n;
    }
  } catch (e) {
    if (e?.code === 'EPIPE') return true;
  }
  if (off < buf.length) process.stdout.write(buf.subarray(off));
  return true;
}

/** The assets form's main (and the training run's loader): see the file comment. */
export function seaMain(require, quickAnswer, wrapBundle) {
  const { readFileSync, renameSync, writeFileSync, writeSync } = require('node:fs');
  const sea = require('node:sea');
  const inSea = sea.isSea();
  const assetDir = process.env.TLS_PROBE_SEA_ASSETS;
  const training = !inSea && Boolean(process.env.TLS_PROBE_WRITE_CODE_CACHE);
  const asset = (key, encoding) => (inSea ? sea.getAsset(key, encoding) : readFileSync(`${assetDir}/${key}`, encoding));
  if (!training && quickAnswer(require, (key) => asset(key, 'utf8'))) return;

  const vm = require('node:vm');
  const bytes = training ? undefined : new Uint8Array(asset('tls-probe.cjs.cache'));
  const cachedData = bytes && bytes.byteLength > 0 ? bytes : undefined;
  const script = new vm.Script(wrapBundle(asset('tls-probe.cjs', 'utf8')), { filename: 'tls-probe.cjs', cachedData });
  if (process.env.TLS_PROBE_SEA_CACHE_CHECK) {
    const state = !cachedData ? 'absent' : script.cachedDataRejected ? 'rejected' : 'accepted';
    writeSync(1, `code cache ${state} (${cachedData?.byteLength ?? 0} bytes)\n`);
    return;
  }
  if (training) {
    // At exit the cache holds every function this run compiled, not only the top level.
    process.once('exit', () => {
      const file = `${assetDir}/tls-probe.cjs.cache`;
      writeFileSync(`${file}.tmp-${process.pid}`, script.createCachedData());
      renameSync(`${file}.tmp-${process.pid}`, file);
    });
  }
  const module = { exports: {} };
  const dir = process.execPath.replace(/[\\/][^\\/]*$/, '');
  script.runInThisContext().call(module.exports, module.exports, require, module, process.execPath, dir);
}

/**
 * The snapshot form's main: runs at build time with the inputs in the working directory (see the
 * file comment). No native handle may stay reachable into the snapshot: the vm.Script (a
 * ContextifyScript) is dropped once it has run; the bundle's top level opens no socket or file.
 */
export function seaSnapshotMain(require, quickAnswer, wrapBundle) {
  const { readFileSync, writeSync } = require('node:fs');
  const texts = { 'version.txt': readFileSync('version.txt', 'utf8'), 'help.txt': readFileSync('help.txt', 'utf8') };
  let run;
  let cacheState;
  {
    const bytes = readFileSync('tls-probe.cjs.cache');
    const cachedData = bytes.byteLength > 0 ? bytes : undefined;
    const vm = require('node:vm');
    const script = new vm.Script(wrapBundle(readFileSync('tls-probe.cjs', 'utf8')), {
      filename: 'tls-probe.cjs',
      cachedData,
    });
    const state = !cachedData ? 'absent' : script.cachedDataRejected ? 'rejected' : 'accepted';
    cacheState = `code cache ${state} (${cachedData?.byteLength ?? 0} bytes) at build time`;
    globalThis.__tlsProbeDefer = (r) => (run = r);
    const module = { exports: {} };
    script.runInThisContext().call(module.exports, module.exports, require, module, 'tls-probe.cjs', '.');
    delete globalThis.__tlsProbeDefer;
  }
  if (typeof run !== 'function') throw new Error('the bundle did not defer its run (src/cli/main.ts)');
  require('node:v8').startupSnapshot.setDeserializeMainFunction(() => {
    if (quickAnswer(require, (key) => texts[key])) return;
    if (process.env.TLS_PROBE_SEA_CACHE_CHECK) writeSync(1, `${cacheState}\n`);
    else run();
  });
}

/** The text of a form's main script. */
export function mainScript(form) {
  const main = form === 'snapshot' ? seaSnapshotMain : seaMain;
  return `'use strict';\n(${main})(require, ${quickAnswer}, ${wrapBundle});\n`;
}
