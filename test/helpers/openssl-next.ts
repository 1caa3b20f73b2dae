/**
 * OpenSSL 3.5 and 4.0 peers (Debian trixie / experimental packages run with trixie's glibc loader),
 * installed by scripts/install-openssl-next.sh into a cache dir (.ci/run calls it). This finds the
 * wrappers, installing them on first use, and starts `s_server` from either version.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { launch, type Peer } from './peer-process.js';
import type { CommonOptions } from './peers.js';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export type OpenSslNextVersion = '3.5' | '4.0';

/** The cache dir the install script uses by default (keep in step with scripts/install-openssl-next.sh). */
export function opensslNextDir(): string {
  const base =
    process.env.TLS_PROBE_PEER_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tls-probe');
  return join(base, 'openssl-next');
}

/** Path of the `openssl-<version>` wrapper, running the install script once if it is missing. */
export function opensslNextBinary(version: OpenSslNextVersion): string {
  const bin = join(opensslNextDir(), 'bin', `openssl-${version}`);
  if (!existsSync(bin)) {
    execFileSync(join(repoRoot, 'scripts', 'install-openssl-next.sh'), [opensslNextDir()], { stdio: 'ignore' });
  }
  if (!existsSync(bin)) throw new Error(`OpenSSL ${version} missing at ${bin}: run scripts/install-openssl-next.sh`);
  return bin;
}

/** Runs `openssl-<version> ARGS...` (no config file) and returns its stdout. */
export async function opensslNext(version: OpenSslNextVersion, args: string[]): Promise<string> {
  const { stdout } = await run(opensslNextBinary(version), args, {
    env: { ...process.env, OPENSSL_CONF: '/dev/null' },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\s*/g;

/**
 * `openssl-<version> s_server -accept 127.0.0.1:0` with the given certificate (chain file: leaf
 * first, then intermediates), waiting for its ACCEPT line. Extra flags (-cert_comp, -ech_key,
 * -groups ...) go in `args`.
 */
export async function startOpenSslNextServer(
  version: OpenSslNextVersion,
  opts: CommonOptions & { env?: Record<string, string> },
): Promise<Peer> {
  const dir = mkdtempSync(join(tmpdir(), `tls-probe-openssl${version}-`));
  const args = ['s_server', '-accept', '127.0.0.1:0', '-cert', opts.cert, '-key', opts.key];
  if (opts.chain) {
    const leaf = readFileSync(opts.cert, 'utf8').match(PEM_CERT)?.[0]?.trim();
    const ica = (readFileSync(opts.chain, 'utf8').match(PEM_CERT) ?? []).filter((p) => p.trim() !== leaf);
    if (ica.length > 0) {
      writeFileSync(join(dir, 'chain.pem'), ica.map((p) => p.trim() + '\n').join(''));
      args.push('-cert_chain', join(dir, 'chain.pem'));
    }
  }
  return launch({
    kind: `openssl-${version}`,
    command: opensslNextBinary(version),
    args: [...args, ...(opts.args ?? [])],
    env: { OPENSSL_CONF: '/dev/null', ...opts.env },
    ready: { output: /^ACCEPT 127\.0\.0\.1:(\d+)$/m },
    stdin: opts.stdin ?? 'keep-open',
    startTimeoutMs: opts.startTimeoutMs,
    tempDirs: [dir],
  });
}
