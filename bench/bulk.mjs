#!/usr/bin/env node
/**
 * Bulk throughput over loopback, TLS 1.3, one AEAD at a time: the library (dist/) with each crypto
 * provider against node:tls, both against the same native servers (`openssl s_server`, separate
 * processes, so the server is not what is measured):
 *
 *   up     the client writes VOLUME bytes (1 MiB SSL_write calls; node:tls: socket.write with
 *          backpressure), then close_notify; done when the server has read it all and closed
 *          (s_server copies what it reads to /dev/null)
 *   down   the client asks `s_server -WWW` for a VOLUME-byte file and reads until the server closes
 *
 * Timed from the first application byte to the end (handshake excluded). 256 MiB each way for the
 * node provider and node:tls; the noble provider (pure TypeScript AES-GCM/ChaCha20) gets 32 MiB.
 * A warm-up round that is not counted, then ROUNDS rounds interleaved; MiB/s median (min-max).
 *
 *   node bench/bulk.mjs [--rounds 3] [--mib 256] [--noble-mib 32] [--json]
 */
import { spawn } from 'node:child_process';
import { createServer, connect as netConnect } from 'node:net';
import { mkdtempSync, openSync, writeSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import * as tls from 'node:tls';
import { arg, loadLib, median, nodeOptions, pki, probeContext, probeOpen, stats } from './handshakes.mjs';

export const SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];
const MiB = 1024 * 1024;
const CHUNK = MiB;

/** A free loopback port (bound, read, released). */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on the port. */
async function waitListening(port, ms = 15_000) {
  const end = performance.now() + ms;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = netConnect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (performance.now() > end) throw new Error(`nothing listening on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The upload sink: s_server in its default mode with stdout on /dev/null (stdin a pipe kept open: EOF there would end it). */
export async function startSink(p) {
  const port = await freePort();
  const child = spawn(
    'openssl',
    ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', p.cert, '-key', p.key, '-cert_chain', p.ica, '-quiet'],
    {
      stdio: ['pipe', 'ignore', 'ignore'],
    },
  );
  child.once('error', () => {});
  await waitListening(port);
  return { port, stop: () => child.kill('SIGTERM') };
}

/** A file of `bytes` random-looking bytes (one random MiB repeated) in `dir`. */
export function makeFile(dir, name, bytes) {
  const block = randomBytes(MiB);
  const fd = openSync(join(dir, name), 'w');
  for (let n = 0; n < bytes; n += MiB) writeSync(fd, block, 0, Math.min(MiB, bytes - n));
  closeSync(fd);
  return name;
}

// --- the library ----------------------------------------------------------------------------------

export async function probeUp(lib, ctx, port, volume, chunk) {
  const link = await probeLink(lib, ctx, port);
  const closed = new Promise((r) => link.socket.once('close', r));
  const { conn, transport } = link;
  const t0 = performance.now();
  let sent = 0;
  while (sent < volume) {
    const len = Math.min(chunk.length, volume - sent);
    const r = conn.write(chunk, len); // a retry after WANT_WRITE passes the same buffer and length
    if (r > 0) {
      sent += r;
      continue;
    }
    if (conn.getError(r) !== lib.SslError.WANT_WRITE) throw lib.failureOf(conn);
    await transport.wait();
  }
  while (conn.shutdown() < 0 && conn.getError(-1) === lib.SslError.WANT_WRITE) await transport.wait();
  link.socket.end();
  await closed;
  conn.free();
  return performance.now() - t0;
}

export async function probeDown(lib, ctx, port, volume, file) {
  const link = await probeLink(lib, ctx, port);
  const { conn, transport } = link;
  const t0 = performance.now();
  const req = new TextEncoder().encode(`GET /${file} HTTP/1.0\r\n\r\n`);
  for (;;) {
    const r = conn.write(req);
    if (r > 0) break;
    if (conn.getError(r) !== lib.SslError.WANT_WRITE) throw lib.failureOf(conn);
    await transport.wait();
  }
  const buf = new Uint8Array(64 * 1024);
  let got = 0;
  for (;;) {
    const r = conn.read(buf);
    if (r > 0) {
      got += r;
      continue;
    }
    const e = conn.getError(r);
    if (e === lib.SslError.WANT_READ) {
      await transport.wait();
      continue;
    }
    break; // close_notify (ZERO_RETURN) or EOF without it
  }
  const ms = performance.now() - t0;
  conn.free();
  link.socket.destroy();
  if (got < volume) throw new Error(`tls-probe: downloaded ${got} of ${volume} bytes`);
  return ms;
}

// --- node:tls ---------------------------------------------------------------------------------------

/** tls.connect; fails unless the TLS 1.3 suite the options name (nodeOptions) was negotiated. */
function nodeConnect(opts, port) {
  const { suite, ...options } = opts;
  return new Promise((resolve, reject) => {
    const s = tls.connect({ ...options, port }, () => {
      const got = s.getCipher().standardName;
      if (suite && got !== suite) reject(new Error(`node:tls negotiated ${got}, not ${suite}`));
      else resolve(s);
    });
    s.once('error', reject);
  });
}

/** probeOpen; fails unless the suite the Context offers alone was negotiated. */
async function probeLink(lib, ctx, port) {
  const link = await probeOpen(lib, ctx, port);
  const offered = ctx.options.cipherSuites13;
  const want = offered.length === 1 ? offered[0] : undefined;
  const got = link.conn.handshake.info.cipherSuite;
  if (want !== undefined && got !== want)
    throw new Error(`tls-probe negotiated 0x${got.toString(16)}, not 0x${want.toString(16)}`);
  return link;
}

export async function nodeUp(opts, port, volume, chunk) {
  const s = await nodeConnect(opts, port);
  const closed = new Promise((r) => s.once('close', r));
  s.on('data', () => {});
  const t0 = performance.now();
  const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
  for (let sent = 0; sent < volume; sent += buf.length) {
    const part = volume - sent >= buf.length ? buf : buf.subarray(0, volume - sent);
    if (!s.write(part)) await new Promise((r) => s.once('drain', r));
  }
  s.end();
  await closed;
  return performance.now() - t0;
}

export async function nodeDown(opts, port, volume, file) {
  const s = await nodeConnect(opts, port);
  let got = 0;
  const done = new Promise((resolve, reject) => {
    s.on('data', (d) => (got += d.length));
    s.once('end', resolve);
    s.once('close', resolve);
    s.once('error', reject);
  });
  const t0 = performance.now();
  s.write(`GET /${file} HTTP/1.0\r\n\r\n`);
  await done;
  const ms = performance.now() - t0;
  s.destroy();
  if (got < volume) throw new Error(`node:tls: downloaded ${got} of ${volume} bytes`);
  return ms;
}

// --- the benchmark -------------------------------------------------------------------------------------

export async function runBulk({ rounds = 3, mib = 256, nobleMib = 32, log = () => {} } = {}) {
  const p = pki();
  const lib = await loadLib();
  const dir = mkdtempSync(join(tmpdir(), 'tls-probe-bulk-'));
  const big = makeFile(dir, 'big.bin', mib * MiB);
  const small = makeFile(dir, 'small.bin', nobleMib * MiB);
  const down = await startWww(p, dir);
  const up = await startSink(p);
  const chunk = new Uint8Array(randomBytes(CHUNK));
  // The default node provider, with the native AEAD when it is built; node:crypto's AEADs; noble.
  const node = await lib.getProvider('node');
  const providers = [
    ...(node === lib.nodeCryptoProvider ? [] : [{ provider: node, label: 'node crypto, native AEAD' }]),
    { provider: lib.nodeCryptoProvider, label: 'node crypto' },
    { provider: await lib.getProvider('noble'), label: 'noble crypto' },
  ];
  try {
    const list = [];
    for (const suite of SUITES) {
      for (const { provider, label } of providers) {
        const ctx = probeContext(lib, provider, p, { version: 13, suite });
        const volume = (provider.name === 'noble' ? nobleMib : mib) * MiB;
        const file = provider.name === 'noble' ? small : big;
        list.push({
          suite,
          dir: 'up',
          name: `tls-probe (${label})`,
          volume,
          run: () => probeUp(lib, ctx, up.port, volume, chunk),
        });
        list.push({
          suite,
          dir: 'down',
          name: `tls-probe (${label})`,
          volume,
          run: () => probeDown(lib, ctx, down.port, volume, file),
        });
      }
      const opts = nodeOptions(p, { version: 13, suite });
      list.push({
        suite,
        dir: 'up',
        name: 'node:tls',
        volume: mib * MiB,
        run: () => nodeUp(opts, up.port, mib * MiB, chunk),
      });
      list.push({
        suite,
        dir: 'down',
        name: 'node:tls',
        volume: mib * MiB,
        run: () => nodeDown(opts, down.port, mib * MiB, big),
      });
    }
    for (const c of list) {
      c.rates = [];
      c.cpu = [];
    }
    // One round first that is not counted, for every contender alike: the first transfer of each
    // pays for compiling its code (tls-probe's record path; node:tls's first connections too), up to
    // 1.5x the CPU per MiB of the next ones, and would otherwise be one of three rounds.
    for (const c of list) await c.run();
    log('bulk: warm-up round done');
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < list.length; i++) {
        const c = list[(i + r) % list.length];
        const c0 = process.cpuUsage();
        const ms = await c.run();
        const cpu = process.cpuUsage(c0);
        c.rates.push(c.volume / MiB / (ms / 1000));
        c.cpu.push((cpu.user + cpu.system) / 1000 / (c.volume / MiB)); // this process's CPU ms per MiB
      }
      log(`bulk: round ${r + 1}/${rounds}`);
    }
    return {
      server:
        'openssl s_server (separate processes): default mode to /dev/null for up, -WWW file for down; TLS 1.3, P-256 leaf',
      volumes: { mib, nobleMib },
      rows: list.map((c) => ({
        group: `${c.suite} ${c.dir}`,
        name: c.name,
        unit: 'MiB/s',
        volumeMiB: c.volume / MiB,
        ...stats(c.rates),
        cpuMsPerMiB: median(c.cpu),
      })),
    };
  } finally {
    down.stop();
    up.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** s_server -WWW with its working directory in `dir`. */
export async function startWww(p, dir) {
  const port = await freePort();
  const child = spawn(
    'openssl',
    [
      's_server',
      '-accept',
      `127.0.0.1:${port}`,
      '-cert',
      p.cert,
      '-key',
      p.key,
      '-cert_chain',
      p.ica,
      '-WWW',
      '-quiet',
    ],
    {
      stdio: ['pipe', 'ignore', 'ignore'],
      cwd: dir,
    },
  );
  child.once('error', () => {});
  await waitListening(port);
  return { port, stop: () => child.kill('SIGTERM') };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const res = await runBulk({
    rounds: arg('rounds', 3),
    mib: arg('mib', 256),
    nobleMib: arg('noble-mib', 32),
    log: (l) => process.stderr.write(l + '\n'),
  });
  if (process.argv.includes('--json')) process.stdout.write(JSON.stringify(res) + '\n');
  else {
    for (const r of res.rows) {
      process.stdout.write(
        `${r.group.padEnd(34)} ${r.name.padEnd(26)} ${r.median.toFixed(0).padStart(6)} (${r.min.toFixed(0)}-${r.max.toFixed(0)}) MiB/s  CPU ${r.cpuMsPerMiB.toFixed(2)} ms/MiB  [${r.volumeMiB} MiB]\n`,
      );
    }
  }
}
