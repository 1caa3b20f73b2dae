#!/usr/bin/env node
// SSL_MODE_RELEASE_BUFFERS: memory held by idle connections, with and without the mode
// (spec/openssl-semantics.md §4, Appendix A item 6: OpenSSL saves ~33 KB per idle connection).
//
//   npm run build && node bench/release-buffers.mjs [--connections 1000]
//
// Real loopback, the library as built into dist/. A node:tls echo server runs in its own process,
// so this process holds only the client side. For each mode a fresh measuring process (run with
// --expose-gc) opens N TLS 1.3 connections (x25519, the CLI's node provider: its record AEADs on
// the native binding when that is built, whose contexts are native memory), exchanges one line on
// each (so both record buffers have been used) and leaves them idle. The figure per connection is
// the growth of V8's heap plus ArrayBuffer memory (the record buffers are Uint8Arrays, whose
// backing stores live outside the V8 heap) between before and after, each after a full GC, divided
// by N. The library's own account (Connection.bufferState()) is printed next to it.
//
// Prints the two figures, the difference and the ratio. It asserts nothing: it is a measurement.
//
//   node bench/release-buffers.mjs --heap-diff [--connections 200]
//
// instead writes a V8 heap snapshot before and after the connections (RELEASE_BUFFERS only) and
// prints what grew, per connection, by node type and constructor: where the figure's bytes are.
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const self = fileURLToPath(import.meta.url);

const { values: o } = parseArgs({
  options: {
    role: { type: 'string', default: 'main' },
    connections: { type: 'string', default: '1000' },
    port: { type: 'string' },
    mode: { type: 'string' },
    'heap-diff': { type: 'boolean', default: false },
  },
});

/** The test PKI (fixtures/pki/generate.sh), generated on first use as the tests do. */
function pki() {
  const dir = join(root, 'fixtures', 'out', 'pki');
  if (!existsSync(join(dir, '.complete'))) {
    execFileSync('bash', [join(root, 'fixtures', 'pki', 'generate.sh'), dir], {
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 120_000,
    });
  }
  return { root: join(dir, 'root.pem'), chain: join(dir, 'p256.chain.pem'), key: join(dir, 'p256.key') };
}

// --- role: server (a node:tls line echo server) -----------------------------------------------------

async function server() {
  const tls = await import('node:tls');
  const p = pki();
  const srv = tls.createServer(
    { cert: readFileSync(p.chain), key: readFileSync(p.key), minVersion: 'TLSv1.3' },
    (s) => {
      s.on('data', (d) => s.write(d));
      s.on('error', () => undefined);
    },
  );
  srv.maxConnections = 100_000;
  srv.listen(0, '127.0.0.1', 4096, () => console.log(`LISTENING ${srv.address().port}`));
  process.on('SIGTERM', () => process.exit(0));
}

// --- role: client (measures one mode) ---------------------------------------------------------------

async function client() {
  if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');
  const d = (p) => import(pathToFileURL(join(root, 'dist', p)).href);
  const [
    { Context },
    { Connection },
    { SocketTransport },
    { SslError, Mode },
    { getProvider },
    { loadCaFile },
    { tcpConnect },
  ] = await Promise.all([
    d('tls/context.js'),
    d('tls/connection.js'),
    d('net/socket.js'),
    d('tls/types.js'),
    d('net/providers.js'),
    d('cli/truststore.js'),
    d('cli/drive.js'),
  ]);
  const n = Number(o.connections);
  const port = Number(o.port);
  const release = o.mode === 'with';
  // The CLI's node provider: its AEADs on the native binding when that is built (issue 14).
  const ctx = new Context(await getProvider('node'), {
    trustAnchors: loadCaFile(pki().root),
    minVersion: 0x0304,
    keyShareGroups: ['x25519'],
    now: Date.now,
  });
  if (release) ctx.setMode(Mode.RELEASE_BUFFERS);

  async function drive(conn, transport, op) {
    for (;;) {
      const r = op();
      if (r > 0) return r;
      const e = conn.getError(r);
      if (e !== SslError.WANT_READ && e !== SslError.WANT_WRITE) throw conn.failure ?? new Error(`SslError ${e}`);
      await transport.wait();
    }
  }

  async function open() {
    const socket = await tcpConnect('127.0.0.1', port, 10_000);
    const transport = new SocketTransport(socket);
    const conn = new Connection(ctx, transport, { servername: 'localhost', verifyName: 'localhost' });
    await drive(conn, transport, () => conn.connect());
    const line = new TextEncoder().encode('ping\n');
    await drive(conn, transport, () => conn.write(line));
    const buf = new Uint8Array(64);
    // Read until the echo is in (the server's tickets come first and are consumed on the way).
    let got = 0;
    while (got < line.length) got += await drive(conn, transport, () => conn.read(buf));
    return { socket, transport, conn };
  }

  const sample = () => {
    globalThis.gc();
    globalThis.gc();
    const m = process.memoryUsage();
    return { heap: m.heapUsed, arrayBuffers: m.arrayBuffers };
  };

  // Warm up (code, provider, caches) with a few connections that are then closed.
  const warm = [];
  for (let i = 0; i < 20; i++) warm.push(await open());
  for (const l of warm) l.socket.destroy();
  await new Promise((r) => setTimeout(r, 200));

  const before = sample();
  const snapshots = o['heap-diff'] ? [await heapSnapshot('before')] : [];
  const links = [];
  const batch = 50;
  for (let i = 0; i < n; i += batch) {
    links.push(...(await Promise.all(Array.from({ length: Math.min(batch, n - i) }, open))));
  }
  await new Promise((r) => setTimeout(r, 200)); // idle: nothing in flight
  const after = sample();
  if (o['heap-diff']) {
    snapshots.push(await heapSnapshot('after'));
    printHeapDiff(snapshots[0], snapshots[1], links.length);
    for (const f of snapshots) rmSync(f);
    for (const l of links) l.socket.destroy();
    return;
  }
  let held = 0;
  let readHeld = 0;
  for (const l of links) {
    const b = l.conn.bufferState();
    held += b.readBuffer + b.writeBuffer;
    readHeld += b.readBuffer;
  }
  const result = {
    mode: release ? 'RELEASE_BUFFERS' : 'default',
    connections: links.length,
    heapPerConn: (after.heap - before.heap) / links.length,
    arrayBuffersPerConn: (after.arrayBuffers - before.arrayBuffers) / links.length,
    bufferStatePerConn: held / links.length,
    // The read buffer is a real allocation; bufferState()'s write figure is the size OpenSSL's
    // wbuf would have (WriteBuffer.allocated): the write path holds no buffer while idle.
    readBufferPerConn: readHeld / links.length,
  };
  result.totalPerConn = result.heapPerConn + result.arrayBuffersPerConn;
  console.log(JSON.stringify(result));
  for (const l of links) l.socket.destroy();
}

/** Writes a heap snapshot after a full GC; returns its file. */
async function heapSnapshot(tag) {
  const v8 = await import('node:v8');
  globalThis.gc();
  return v8.writeHeapSnapshot(join(tmpdir(), `release-buffers-${process.pid}-${tag}.heapsnapshot`));
}

/** Self size and count by "type:name" of a snapshot's nodes (strings and code lumped together). */
function heapByConstructor(file) {
  const snap = JSON.parse(readFileSync(file, 'utf8'));
  const { node_fields: fields, node_types: nodeTypes } = snap.snapshot.meta;
  const [type, name, size] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const by = new Map();
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const t = nodeTypes[0][snap.nodes[i + type]];
    const n = /string/.test(t)
      ? '(strings)'
      : t === 'code'
        ? '(code)'
        : snap.strings[snap.nodes[i + name]].slice(0, 60);
    const e = by.get(`${t}:${n}`) ?? { count: 0, size: 0 };
    e.count++;
    e.size += snap.nodes[i + size];
    by.set(`${t}:${n}`, e);
  }
  return by;
}

/** Prints the growth between two snapshots per connection, largest first (8 B per connection or more). */
function printHeapDiff(beforeFile, afterFile, n) {
  const a = heapByConstructor(beforeFile);
  const rows = [];
  for (const [k, v] of heapByConstructor(afterFile)) {
    const u = a.get(k) ?? { count: 0, size: 0 };
    if (Math.abs(v.size - u.size) >= 8 * n) rows.push([k, (v.count - u.count) / n, (v.size - u.size) / n]);
  }
  rows.sort((x, y) => y[2] - x[2]);
  console.log(
    `heap snapshot growth per idle RELEASE_BUFFERS connection (${n} connections): bytes, count, type:constructor`,
  );
  for (const [k, c, b] of rows) console.log(`${b.toFixed(0).padStart(6)} ${c.toFixed(2).padStart(7)}  ${k}`);
  console.log(
    `${rows
      .reduce((t, r) => t + r[2], 0)
      .toFixed(0)
      .padStart(6)}  in all (native: outside the V8 heap; code: one-off JIT)`,
  );
}

// --- role: main --------------------------------------------------------------------------------------

function run(args, { waitFor } = {}) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const done = new Promise((resolve, reject) => {
    child.stdout.on('data', (c) => {
      out += c;
      if (waitFor) {
        const m = waitFor.exec(out);
        if (m) resolve(m);
      }
    });
    child.on('exit', (code) =>
      code === 0 || waitFor ? resolve(out) : reject(new Error(`${args.join(' ')} exited ${code}`)),
    );
  });
  return { child, done };
}

async function main() {
  if (!existsSync(join(root, 'dist', 'tls', 'connection.js'))) throw new Error('run `npm run build` first');
  const srv = run([self, '--role', 'server'], { waitFor: /LISTENING (\d+)/ });
  const m = await Promise.race([
    srv.done,
    new Promise((_, reject) => setTimeout(() => reject(new Error('server did not start')), 15_000)),
  ]);
  const port = m[1];
  try {
    if (o['heap-diff']) {
      const args = ['--expose-gc', self, '--role', 'client', '--mode', 'with', '--port', port];
      process.stdout.write(await run([...args, '--connections', o.connections, '--heap-diff']).done);
      return;
    }
    const results = [];
    for (const mode of ['without', 'with']) {
      const c = run([
        '--expose-gc',
        self,
        '--role',
        'client',
        '--mode',
        mode,
        '--port',
        port,
        '--connections',
        o.connections,
      ]);
      const out = await c.done;
      results.push(JSON.parse(out.trim().split('\n').pop()));
    }
    const kb = (x) => `${(x / 1024).toFixed(1)} KiB`;
    const bytes = (x) => `${Math.round(x)} B`;
    console.log(
      `idle TLS 1.3 connections held by the library: ${results[0].connections} per mode (loopback, node:tls echo server in another process)`,
    );
    console.log('mode              heap/conn   ArrayBuffers/conn   total/conn   bufferState()/conn');
    for (const r of results) {
      console.log(
        `${r.mode.padEnd(16)}  ${kb(r.heapPerConn).padStart(9)}   ${kb(r.arrayBuffersPerConn).padStart(17)}   ${kb(r.totalPerConn).padStart(10)}   ${kb(r.bufferStatePerConn).padStart(18)}`,
      );
    }
    const [off, on] = results;
    console.log(`RELEASE_BUFFERS total per idle connection: ${bytes(on.totalPerConn)}`);
    // What the mode can free is what the default mode's idle connection holds in record buffers:
    // here the read buffer only (the write path keeps no buffer once its records are written),
    // where OpenSSL 3.0 frees its two buffers, rbuf + wbuf (33296 B).
    console.log(
      `saved per idle connection: ${bytes(off.totalPerConn - on.totalPerConn)} of the ${bytes(off.readBufferPerConn)} read buffer the default mode holds (OpenSSL 3.0 frees 33296 B, its read and write buffers); ratio with/without: ${(on.totalPerConn / off.totalPerConn).toFixed(3)}`,
    );
  } finally {
    srv.child.kill('SIGTERM');
  }
}

if (o.role === 'server') await server();
else if (o.role === 'client') await client();
else await main();
