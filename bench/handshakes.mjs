#!/usr/bin/env node
/**
 * Warm in-process handshakes per second: the library (dist/, as `npm run build` makes it) against
 * node:tls, one client in this process, connections one after another, against ONE server for
 * both: `openssl s_server` in its own process (native, on the other core), P-256 leaf +
 * intermediate, every chain verified against the test root and the name "localhost".
 *
 *   full      a new TCP connection, full handshake, close_notify + FIN
 *   resumed   the same, offering one session obtained beforehand (TLS 1.3: a ticket, PSK with
 *             (EC)DHE as both clients do; TLS 1.2: the server's ticket), offered again each time
 *             (OpenSSL accepts a ticket more than once); every resumed handshake is checked resumed
 *
 * Each contender runs ROUNDS timed batches (a batch: as many handshakes as fit in BATCH_MS, at
 * least 3), rounds interleaved across contenders; the figure is handshakes/s, median (min-max).
 * Also exports the helpers bench/bulk.mjs and bench/scaling.mjs share (PKI, servers, clients).
 *
 *   node bench/handshakes.mjs [--rounds 5] [--batch-ms 1000] [--json]
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tls from 'node:tls';

export const root = fileURLToPath(new URL('..', import.meta.url));

// --- shared helpers ---------------------------------------------------------------------------

/** Command-line value of `--name` (or the default). */
export function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = process.argv[i + 1];
  return typeof dflt === 'number' ? Number(v) : v;
}

/** The test PKI (fixtures/pki/generate.sh), as test/helpers/pki.ts and bench/coldstart.mjs make it. */
export function pki() {
  const dir = join(root, 'fixtures', 'out', 'pki');
  if (!existsSync(join(dir, '.complete'))) {
    execFileSync('bash', [join(root, 'fixtures', 'pki', 'generate.sh'), dir], {
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 120_000,
    });
  }
  return {
    root: join(dir, 'root.pem'),
    cert: join(dir, 'p256.pem'),
    key: join(dir, 'p256.key'),
    ica: join(dir, 'ica.pem'),
    rootPem: readFileSync(join(dir, 'root.pem')),
  };
}

/**
 * `openssl s_server` on 127.0.0.1 (TLS 1.2 and 1.3, session cache and tickets on), P-256 leaf +
 * intermediate. Resolves with { port, stop }.
 */
export function startSServer(p, extra = []) {
  const child = spawn(
    'openssl',
    ['s_server', '-accept', '127.0.0.1:0', '-cert', p.cert, '-key', p.key, '-cert_chain', p.ica, ...extra],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`s_server did not start within 15 s\n${out}\n${err}`));
    }, 15_000);
    child.stderr.on('data', (c) => (err += c));
    child.stdout.on('data', (c) => {
      out += c;
      const m = /^ACCEPT 127\.0\.0\.1:(\d+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout.removeAllListeners('data');
        child.stderr.removeAllListeners('data');
        child.stdout.resume();
        child.stderr.resume();
        child.removeAllListeners('exit');
        resolve({ port: Number(m[1]), stop: () => child.kill('SIGTERM') });
      }
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`s_server exited (${code}) before listening\n${err}`));
    });
  });
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** { median, min, max } of a list of numbers. */
export function stats(xs) {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length };
}

/** The library as built into dist/ (run `npm run build` first), or another build of it (A/B runs). */
export async function loadLib(dist = join(root, 'dist')) {
  const d = (p) => import(pathToFileURL(join(dist, p)).href);
  const [context, connection, socket, types, providers, names, truststore, drive, crypto] = await Promise.all([
    d('tls/context.js'),
    d('tls/connection.js'),
    d('net/socket.js'),
    d('tls/types.js'),
    d('net/providers.js'),
    d('tls/codec/names.js'),
    d('cli/truststore.js'),
    d('cli/drive.js'),
    d('tls/crypto/index.js'),
  ]);
  return {
    Context: context.Context,
    Connection: connection.Connection,
    SocketTransport: socket.SocketTransport,
    SslError: types.SslError,
    Mode: types.Mode,
    getProvider: providers.getProvider,
    /** The node provider with node:crypto's AEADs, whether or not the native binding is built. */
    nodeCryptoProvider: crypto.nodeProvider,
    suiteByName: names.suiteByName,
    loadCaFile: truststore.loadCaFile,
    tcpConnect: drive.tcpConnect,
    failureOf: drive.failureOf,
  };
}

/**
 * A Context for the benchmarks: trust the test root; `version` 13 or 12 pins the protocol;
 * `suite` an IANA TLS 1.3 suite name; `keyShare` 'default' (X25519MLKEM768 + x25519, as the CLI)
 * or a single group ('x25519', what node:tls and OpenSSL 3.0 send).
 */
export function probeContext(
  lib,
  provider,
  p,
  { version = 13, suite, keyShare = 'x25519', releaseBuffers = false } = {},
) {
  const o = { trustAnchors: lib.loadCaFile(p.root), now: Date.now };
  if (version === 12) o.maxVersion = 0x0303;
  if (version === 13) o.minVersion = 0x0304;
  if (suite) o.cipherSuites13 = [lib.suiteByName(suite).id];
  if (keyShare !== 'default') o.keyShareGroups = [keyShare];
  const ctx = new lib.Context(provider, o);
  if (releaseBuffers) ctx.setMode(lib.Mode.RELEASE_BUFFERS);
  return ctx;
}

/** TCP connect + the library's handshake (connect() driven by transport.wait()). */
export async function probeOpen(lib, ctx, port, { session, events = {} } = {}) {
  const socket = await lib.tcpConnect('127.0.0.1', port, 10_000);
  const transport = new lib.SocketTransport(socket);
  const conn = new lib.Connection(
    ctx,
    transport,
    { servername: 'localhost', verifyName: 'localhost', ...(session ? { session } : {}) },
    events,
  );
  for (;;) {
    const r = conn.connect();
    if (r === 1) return { socket, transport, conn };
    const e = conn.getError(r);
    if (e !== lib.SslError.WANT_READ && e !== lib.SslError.WANT_WRITE) {
      socket.destroy();
      throw lib.failureOf(conn);
    }
    await transport.wait();
  }
}

/** close_notify, SSL_free, FIN (as the CLI's closeLink). */
export function probeClose(link) {
  if (!link.conn.failure) link.conn.shutdown();
  link.conn.free();
  link.socket.end();
}

/** Reads (and discards) until `done()` holds: for TLS 1.3 tickets, which come after the handshake. */
export async function probeReadUntil(lib, link, done) {
  const buf = new Uint8Array(16384);
  while (!done()) {
    const r = link.conn.read(buf);
    if (r > 0 || done()) continue;
    const e = link.conn.getError(r);
    if (e !== lib.SslError.WANT_READ) throw lib.failureOf(link.conn);
    await link.transport.wait();
  }
}

/** A session from the server for later resumption (the first one the library reports). */
export async function probeSession(lib, ctx, port) {
  let session;
  const link = await probeOpen(lib, ctx, port, { events: { session: (s) => (session ??= s) } });
  await probeReadUntil(lib, link, () => session !== undefined);
  probeClose(link);
  return session;
}

/** node:tls client options equivalent to a probeContext. */
export function nodeOptions(p, { version = 13, suite } = {}) {
  // One SecureContext for all connections, as the library's one Context (tls.connect with `ca`
  // alone would build a new context and X509_STORE per connection).
  // Node takes TLS 1.3 suites in `ciphers`, a SecureContext setting; it has no `ciphersuites`
  // option and says nothing of one (until 2026-12-06 the bulk rows' node:tls ran
  // TLS_AES_256_GCM_SHA384 whatever suite they were named after). Each suite gets a context of its
  // own, and bulk.mjs checks what both clients negotiated.
  p.nodeContexts ??= new Map();
  const key = suite ?? '';
  if (!p.nodeContexts.has(key)) {
    p.nodeContexts.set(key, tls.createSecureContext({ ca: p.rootPem, ...(suite ? { ciphers: suite } : {}) }));
  }
  const o = {
    host: '127.0.0.1',
    servername: 'localhost',
    secureContext: p.nodeContexts.get(key),
    rejectUnauthorized: true,
  };
  if (version === 12) o.maxVersion = 'TLSv1.2';
  if (version === 13) o.minVersion = 'TLSv1.3';
  if (suite) o.suite = suite;
  return o;
}

/** tls.connect to the handshake's end. */
export function nodeOpen(options, port, session) {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ ...options, port, ...(session ? { session } : {}) }, () => resolve(s));
    s.once('error', reject);
  });
}

/** A node:tls session (the first 'session' event: during the handshake in TLS 1.2, after it in 1.3). */
export function nodeSession(options, port) {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ ...options, port });
    s.once('session', (session) => {
      s.end();
      resolve(session);
    });
    s.once('error', reject);
  });
}

/** Host facts for the table footers. */
export function machine() {
  let cpu = 'unknown';
  try {
    cpu = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch {
    /* not Linux */
  }
  let openssl = 'unknown';
  try {
    openssl = execFileSync('openssl', ['version'], { encoding: 'utf8' }).trim();
  } catch {
    /* absent */
  }
  return { cpu, node: process.version, openssl, nodeOpenssl: process.versions.openssl };
}

// --- the benchmark ------------------------------------------------------------------------------

/** Contenders: { name, kind ('full'|'resumed'), version, setup() -> one(): Promise<void> }. */
async function contenders(lib, p, port) {
  const node = await lib.getProvider('node');
  const noble = await lib.getProvider('noble');
  const list = [];
  for (const version of [13, 12]) {
    const v = version === 13 ? 'TLS 1.3' : 'TLS 1.2';
    const probe = (label, provider, keyShare) => {
      const ctx = probeContext(lib, provider, p, { version, keyShare });
      list.push({
        group: `${v} full`,
        name: `tls-probe ${label}`,
        provider: provider.name,
        one: async () => probeClose(await probeOpen(lib, ctx, port)),
      });
    };
    probe('(node crypto)', node, 'x25519');
    if (version === 13) probe('(node crypto, default shares X25519MLKEM768+x25519)', node, 'default');
    probe('(noble crypto)', noble, 'x25519');
    const nopts = nodeOptions(p, { version });
    list.push({ group: `${v} full`, name: 'node:tls', one: async () => (await nodeOpen(nopts, port)).end() });

    for (const provider of [node, noble]) {
      const ctx = probeContext(lib, provider, p, { version });
      let session;
      list.push({
        group: `${v} resumed`,
        name: `tls-probe (${provider.name} crypto)`,
        provider: provider.name,
        one: async () => {
          session ??= await probeSession(lib, ctx, port);
          const link = await probeOpen(lib, ctx, port, { session });
          if (!link.conn.handshake.info.resumed) throw new Error('tls-probe: session not resumed');
          probeClose(link);
        },
      });
    }
    let nsession;
    list.push({
      group: `${v} resumed`,
      name: 'node:tls',
      one: async () => {
        nsession ??= await nodeSession(nopts, port);
        const s = await nodeOpen(nopts, port, nsession);
        if (!s.isSessionReused()) throw new Error('node:tls: session not resumed');
        s.end();
      },
    });
  }
  return list;
}

/**
 * Runs as many handshakes as fit in `ms` (at least `min`); returns handshakes/s and this process's
 * CPU time per handshake (user + system: the client's own cost, less sensitive to a busy machine
 * than the wall-clock rate).
 */
async function batch(c, ms, min = 3) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let n = 0;
  while (n < min || performance.now() - t0 < ms) {
    await c.one();
    n++;
  }
  const cpu = process.cpuUsage(c0);
  return { rate: (n * 1000) / (performance.now() - t0), cpuMs: (cpu.user + cpu.system) / 1000 / n };
}

export async function runHandshakes({ rounds = 5, batchMs = 1000, log = () => {} } = {}) {
  const p = pki();
  const lib = await loadLib();
  const server = await startSServer(p);
  try {
    const list = await contenders(lib, p, server.port);
    // Warm-up: JIT, session set-up, each contender's first connections.
    for (const c of list) {
      c.rates = [];
      c.cpu = [];
      await batch(c, 150, 5);
    }
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < list.length; i++) {
        const c = list[(i + r) % list.length];
        const b = await batch(c, batchMs);
        c.rates.push(b.rate);
        c.cpu.push(b.cpuMs);
      }
      log(`handshakes: round ${r + 1}/${rounds}`);
    }
    return {
      server: 'openssl s_server (separate process), P-256 ECDSA leaf + intermediate, chain verified',
      rows: list.map((c) => ({ group: c.group, name: c.name, unit: 'hs/s', ...stats(c.rates), cpuMs: median(c.cpu) })),
    };
  } finally {
    server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const res = await runHandshakes({
    rounds: arg('rounds', 5),
    batchMs: arg('batch-ms', 1000),
    log: (l) => process.stderr.write(l + '\n'),
  });
  if (process.argv.includes('--json')) process.stdout.write(JSON.stringify(res) + '\n');
  else {
    for (const r of res.rows) {
      process.stdout.write(
        `${r.group.padEnd(16)} ${r.name.padEnd(56)} ${r.median.toFixed(0).padStart(6)} (${r.min.toFixed(0)}-${r.max.toFixed(0)}) hs/s  client CPU ${r.cpuMs.toFixed(2)} ms/hs\n`,
      );
    }
  }
}
