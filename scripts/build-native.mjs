#!/usr/bin/env node
/**
 * Builds the optional native AEAD (native/aead.c, issue 14) with node-gyp against the running
 * Node's headers and its OpenSSL, in a source checkout: `npm run build` runs it (and so `npm test`,
 * `npm run demo` and `npm run bench`). Without a compiler (or node-gyp, or Node's headers) it says
 * so in one line and exits 0: tls-probe then seals and opens records with node:crypto, the same
 * OpenSSL with one cipher object per record, only slower. The published package has neither the
 * binding nor install scripts (test/cli/pack.test.ts), so an installed tls-probe runs without it.
 *
 *   node scripts/build-native.mjs [--required]
 *
 * --required (CI) makes a failed build exit 1. A build is skipped while the binding is newer than
 * its sources and was built for this Node (the ABI it records beside it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'native');
const addon = join(dir, 'build', 'Release', 'tls_probe_aead.node');
const stamp = join(dir, 'build', 'node-abi');
const sources = ['aead.c', 'binding.gyp'].map((f) => join(dir, f));
const abi = `${process.version} ${process.arch} ${process.execPath}`;

function upToDate() {
  if (!existsSync(addon) || !existsSync(stamp) || readFileSync(stamp, 'utf8') !== abi) return false;
  const built = statSync(addon).mtimeMs;
  return sources.every((s) => statSync(s).mtimeMs <= built);
}

/** npm's own node-gyp: npm names it in npm_config_node_gyp; otherwise next to this Node's npm. */
function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(
      dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  ];
  return candidates.find((c) => c && existsSync(c));
}

function main() {
  const required = process.argv.includes('--required');
  if (!existsSync(join(dir, 'aead.c'))) return 0; // a package without the sources: nothing to build
  if (upToDate()) return 0;
  const gyp = nodeGyp();
  const why = (reason) => {
    process.stderr.write(`tls-probe: native AEAD not built (${reason}); records are sealed with node:crypto\n`);
    return required ? 1 : 0;
  };
  if (!gyp) return why('node-gyp not found');
  // This Node's own headers when it has them (an official or distribution install keeps them at
  // <prefix>/include/node), so node-gyp downloads nothing; otherwise npm's nodedir, or a download.
  const prefix = join(dirname(process.execPath), '..');
  const args = [gyp, 'rebuild'];
  if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
  const r = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) {
    const lines = `${r.stderr ?? ''}${r.stdout ?? ''}`.split('\n').map((l) => l.trim());
    // A compiler's "error:", node-gyp's own error, or make's "*** ... Error 1" (npm's --silent
    // silences node-gyp's log), in that order of use to a reader.
    const reason =
      lines.find((l) => /error:|ERR! stack Error:/.test(l)) ??
      lines.find((l) => l.includes('ERR!')) ??
      lines.find((l) => /\bError \d+$|not found|No such file/.test(l)) ??
      r.error?.message ??
      `exit ${r.status}`;
    return why(`node-gyp: ${reason.replace(/^gyp ERR! (stack )?/, '')}`);
  }
  writeFileSync(stamp, abi);
  return 0;
}

process.exitCode = main();
