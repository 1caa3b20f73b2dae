#!/usr/bin/env node
/**
 * Scaling: 1, 16 and 256 handshakes in flight at once from one process (TLS 1.3 full handshakes,
 * chain verified, close_notify + FIN), the library with the node provider against node:tls.
 * The server must take connections concurrently (s_server serves one at a time), so it is a
 * node:tls server in its own process (this file with --serve, under the same Node), the same for
 * both contenders; on a 2-core machine it shares the CPU with the client, so at high concurrency
 * both contenders approach the server's own rate.
 *
 * A round at concurrency C: C workers each run handshakes back to back until C*PER (at least
 * MIN_TOTAL) have completed; throughput = completed / wall time; latency of each handshake =
 * TCP connect start to handshake done. ROUNDS rounds, contenders interleaved; figures are the
 * median (min-max) over rounds of throughput and of each round's p99.
 *
 *   node bench/scaling.mjs [--rounds 3] [--json]
 *   node bench/scaling.mjs --serve <cert> <key> <chain>     (the server; prints its port)
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tls from 'node:tls';
import { arg, loadLib, nodeOpen, nodeOptions, pki, probeClose, probeContext, probeOpen, stats } from './handshakes.mjs';

const LEVELS = [1, 16, 256];

if (process.argv[2] === '--serve') {
  const [cert, key, chain] = process.argv.slice(3);
  const server = tls.createServer(
    { cert: Buffer.concat([readFileSync(cert), readFileSync(chain)]), key: readFileSync(key), minVersion: 'TLSv1.2' },
    (s) => {
      s.on('data', () => {});
      s.on('end', () => s.end());
      s.on('error', () => {});
    },
  );
  server.on('tlsClientError', () => {});
  server.listen({ host: '127.0.0.1', port: 0, backlog: 1024 }, () =>
    process.stdout.write(`PORT ${server.address().port}\n`),
  );
  process.stdin.on('end', () => process.exit(0)); // the parent went away
  process.stdin.resume();
} else if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const res = await runScaling({ rounds: arg('rounds', 3), log: (l) => process.stderr.write(l + '\n') });
  if (process.argv.includes('--json')) process.stdout.write(JSON.stringify(res) + '\n');
  else {
    for (const r of res.rows) {
      process.stdout.write(
        `${r.group.padEnd(16)} ${r.name.padEnd(26)} ${r.median.toFixed(0).padStart(6)} (${r.min.toFixed(0)}-${r.max.toFixed(0)}) ${r.unit}\n`,
      );
    }
  }
}

/** The node:tls server child; resolves with { port, stop }. */
export function startServer(p) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve', p.cert, p.key, p.ica], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve({ port: Number(m[1]), stop: () => child.kill('SIGTERM') });
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`scaling server exited (${code})`)));
  });
}

function p99(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil(0.99 * s.length) - 1)];
}

/** C workers, handshakes back to back until `total` are done; { rate, p99 }. */
async function round(one, c, total) {
  const lat = [];
  let started = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (started < total) {
      started++;
      const s = performance.now();
      await one();
      lat.push(performance.now() - s);
    }
  };
  await Promise.all(Array.from({ length: c }, worker));
  const ms = performance.now() - t0;
  return { rate: (lat.length * 1000) / ms, p99: p99(lat) };
}

export async function runScaling({ rounds = 3, per = 2, minTotal = 120, log = () => {} } = {}) {
  const p = pki();
  const lib = await loadLib();
  const server = await startServer(p);
  try {
    const ctx = probeContext(lib, await lib.getProvider('node'), p, { version: 13 });
    const nopts = nodeOptions(p, { version: 13 });
    const contenders = [
      { name: 'tls-probe (node crypto)', one: async () => probeClose(await probeOpen(lib, ctx, server.port)) },
      { name: 'node:tls', one: async () => (await nodeOpen(nopts, server.port)).end() },
    ];
    const cells = [];
    for (const c of LEVELS) for (const k of contenders) cells.push({ c, k, rates: [], p99s: [] });
    for (const k of contenders) await round(k.one, 4, 40); // warm-up
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < cells.length; i++) {
        const cell = cells[(i + r) % cells.length];
        const res = await round(cell.k.one, cell.c, Math.max(minTotal, cell.c * per));
        cell.rates.push(res.rate);
        cell.p99s.push(res.p99);
      }
      log(`scaling: round ${r + 1}/${rounds}`);
    }
    const rows = [];
    for (const cell of cells) {
      rows.push({ group: `${cell.c} in flight`, name: cell.k.name, unit: 'hs/s', ...stats(cell.rates) });
      rows.push({ group: `${cell.c} in flight p99`, name: cell.k.name, unit: 'ms', ...stats(cell.p99s) });
    }
    return { server: 'node:tls server (separate process, same Node), TLS 1.3, P-256 leaf + intermediate', rows };
  } finally {
    server.stop();
  }
}
