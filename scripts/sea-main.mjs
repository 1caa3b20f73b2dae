/**
 * The standalone binary's main script (the SEA config's `main`) in its default form, code cache as
 * assets: a small loader that runs the bundle, which the blob carries as an asset, through vm.Script
 * with a V8 code cache, another asset, trained by a default handshake on that exact source (as
 * bin/tls-probe.js does for dist/bundle/tls-probe.cjs). Assets (SEA config `assets`, Node 20.12+):
 *
 *   tls-probe.cjs        the esbuild bundle (scripts/bundle.mjs bundleSea)
 *   tls-probe.cjs.cache  V8's code cache of the wrapped bundle after a training run (may be empty)
 *   version.txt          the --version answer
 *   help.txt             the bundle's own --help at the 100 columns it uses on a pipe
 *
 * The same loader runs under plain `node` at build time with TLS_PROBE_SEA_ASSETS=<dir of those
 * files> and TLS_PROBE_WRITE_CODE_CACHE=1 (scripts/code-cache.mjs trainingRun): the source V8 sees is
 * then byte for byte the one the binary compiles, and the loader writes the cache into <dir> at exit.
 * The binary is a copy of the same node, so V8 accepts that cache (same version and flags);
 * TLS_PROBE_SEA_CACHE_CHECK=1 makes the binary say whether it did and stop (test/cli/binary.test.ts).
 */

/**
 * Written into the blob as `(${seaMain})(require);`: SEA runs its main with a `require` that resolves
 * only builtins, which is all this and the bundle need. Self-contained on purpose (serialized with
 * Function.prototype.toString): no closure over this module.
 */
export function seaMain(require) {
  'use strict';
  const { fstatSync, readFileSync, renameSync, writeFileSync, writeSync } = require('node:fs');
  const sea = require('node:sea');
  const inSea = sea.isSea();
  const assetDir = process.env.TLS_PROBE_SEA_ASSETS;
  const training = !inSea && Boolean(process.env.TLS_PROBE_WRITE_CODE_CACHE);
  const asset = (key, encoding) => (inSea ? sea.getAsset(key, encoding) : readFileSync(`${assetDir}/${key}`, encoding));

  // As bin/tls-probe.js writeStdout: write(2) on fd 1 spares a quick answer process.stdout (on a pipe
  // a net.Socket); EPIPE ends quietly; the rest of a short write goes to process.stdout.
  const write = (text) => {
    const buf = Buffer.from(text);
    let off = 0;
    try {
      while (off < buf.length) {
        const n = writeSync(1, buf, off, buf.length - off);
        if (n <= 0) break;
        off += n;
      }
    } catch (e) {
      if (e?.code === 'EPIPE') return;
    }
    if (off < buf.length) process.stdout.write(buf.subarray(off));
  };
  // src/cli/options.ts wraps help at min(columns, 100); help.txt is the 100-column rendering.
  const narrowTerminal = () => {
    try {
      if (!fstatSync(1).isCharacterDevice()) return false;
    } catch {
      // fd 1 closed: process.stdout decides
    }
    return Boolean(process.stdout.isTTY && (process.stdout.columns || 100) < 100);
  };

  const args = process.argv.slice(2);
  if (args.length === 1 && !training) {
    const [a] = args;
    if (a === '--version' || a === '-V') return write(asset('version.txt', 'utf8'));
    if ((a === '--help' || a === '-h') && !narrowTerminal()) return write(asset('help.txt', 'utf8'));
  }

  const vm = require('node:vm');
  const bytes = training ? undefined : new Uint8Array(asset('tls-probe.cjs.cache'));
  const cachedData = bytes && bytes.byteLength > 0 ? bytes : undefined;
  // Module.wrap's wrapper, written out, as bin/tls-probe.js has it.
  const source = `(function (exports, require, module, __filename, __dirname) { ${asset('tls-probe.cjs', 'utf8')}\n});`;
  const script = new vm.Script(source, { filename: 'tls-probe.cjs', cachedData });
  if (process.env.TLS_PROBE_SEA_CACHE_CHECK) {
    const state = !cachedData ? 'absent' : script.cachedDataRejected ? 'rejected' : 'accepted';
    return write(`code cache ${state} (${cachedData?.byteLength ?? 0} bytes)\n`);
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
