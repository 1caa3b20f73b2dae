#!/usr/bin/env node
// Launcher. Runs the esbuild bundle dist/bundle/tls-probe.mjs (one file to load on a cold start),
// else the tsc output dist/cli/main.js; `npm run build` writes both. In a source checkout (src/
// beside dist/) a bundle older than the tsc output is stale, e.g. after a bare `tsc`: then the tsc
// output runs. The published package has no src/ and always runs the bundle it ships.
import { statSync } from 'node:fs';

const bundle = new URL('../dist/bundle/tls-probe.mjs', import.meta.url);
const unbundled = new URL('../dist/cli/main.js', import.meta.url);

function mtime(url) {
  try {
    return statSync(url).mtimeMs;
  } catch {
    return undefined;
  }
}

function entry() {
  const b = mtime(bundle);
  if (b === undefined) return unbundled;
  if (mtime(new URL('../src/', import.meta.url)) === undefined) return bundle;
  const u = mtime(unbundled);
  return u === undefined || b >= u ? bundle : unbundled;
}

const target = entry();
import(target.href).catch((err) => {
  const notBuilt = err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js');
  process.stderr.write(
    notBuilt
      ? 'tls-probe: not built yet: run `npm run build`\n'
      : `tls-probe: internal error: ${err?.message ?? err}\n`,
  );
  process.exitCode = 1;
});
