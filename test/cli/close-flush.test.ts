/**
 * Nothing the CLI accepted from stdin may be lost at exit. Bytes handed to the socket can still sit
 * in the process (Node's write queue) when stdin ends; they reach the kernel only while the process
 * lives. Made deterministic with --sndbuf 64 MiB (the transport accepts the whole 40 MiB input at
 * once) and a node:tls server that does not read until told: at stdin EOF most of the input is
 * still queued in the client, whatever the kernel's buffer sizes (tcp_wmem max 4 MiB here).
 * Readiness signals only: the server resumes on the CLI's "DONE" line, its exit, or never.
 * The other direction too: server data queued for a stdout pipe that is not read yet.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, closeSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { CLI } from '../helpers/cli.js';
import { ensurePki, type Pki } from '../helpers/pki.js';

const SIZE = 40 * 1024 * 1024;
const SNDBUF = String(64 * 1024 * 1024);
const KILL_MS = 50_000;

let pki: Pki;
let dir: string;
let dataFile: string;
let dataHash: string;

before(async () => {
  pki = await ensurePki();
  dir = mkdtempSync(join(tmpdir(), 'tls-probe-flush-'));
  const data = randomBytes(SIZE);
  dataHash = createHash('sha256').update(data).digest('hex');
  dataFile = join(dir, 'input.bin');
  writeFileSync(dataFile, data);
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** What the server got: bytes, their hash, and how its side ended. */
interface Received {
  bytes: number;
  hash: string;
  how: 'end' | 'error';
}

/** A node:tls server whose one connection does not read application data until `resume()`. */
async function pausedServer(): Promise<{
  server: Server;
  port: number;
  connected: Promise<TLSSocket>;
  received: Promise<Received>;
}> {
  const leaf = pki.leaf('p256');
  let onConn!: (s: TLSSocket) => void;
  let onDone!: (r: Received) => void;
  const connected = new Promise<TLSSocket>((resolve) => (onConn = resolve));
  const received = new Promise<Received>((resolve) => (onDone = resolve));
  const server = createServer({ key: readFileSync(leaf.key), cert: readFileSync(leaf.chain) }, (sock) => {
    sock.pause();
    const h = createHash('sha256');
    let bytes = 0;
    sock.on('data', (c: Buffer) => {
      h.update(c);
      bytes += c.length;
    });
    sock.on('end', () => {
      onDone({ bytes, hash: h.digest('hex'), how: 'end' });
      sock.end();
    });
    sock.on('error', () => onDone({ bytes, hash: h.digest('hex'), how: 'error' }));
    onConn(sock);
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
  return { server, port, connected, received };
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs the CLI with the input file on stdin; `onStderr` sees stderr as it grows. */
function runCli(args: string[], onStderr: (text: string) => void = () => undefined): Promise<Run> {
  const fd = openSync(dataFile, 'r');
  const child = spawn(process.execPath, [CLI, ...args], { stdio: [fd, 'ignore', 'pipe'] });
  closeSync(fd);
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
    onStderr(stderr);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), KILL_MS);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

// --no-interactive: random stdin holds lines that are exactly "Q" or "K" now and then, and
// s_client's stdin commands would act on them (issue 18 item 5).
const common = (port: number): string[] => [
  `127.0.0.1:${port}`,
  '--no-interactive',
  '--servername',
  'localhost',
  '--cafile',
  pki.root,
  '--sndbuf',
  SNDBUF,
];

describe('closing after stdin EOF flushes every accepted byte', () => {
  test('the server reads only once the CLI printed DONE: all 40 MiB arrive, exit 0', { timeout: 60_000 }, async () => {
    const srv = await pausedServer();
    try {
      let resumed = false;
      const r = await runCli(common(srv.port), (text) => {
        if (!resumed && /^DONE$/m.test(text)) {
          resumed = true;
          void srv.connected.then((s) => s.resume());
        }
      });
      assert.equal(r.signal, null, `killed after ${KILL_MS} ms: ${r.stderr}`);
      assert.ok(resumed, `no DONE line: ${r.stderr}`);
      srv.connected.then((s) => s.resume()); // a CLI that exited early: count what did arrive
      const got = await srv.received;
      assert.equal(got.bytes, SIZE, `exit ${r.code}, the server received ${got.bytes} of ${SIZE} bytes`);
      assert.equal(got.hash, dataHash);
      assert.equal(got.how, 'end');
      assert.equal(r.code, 0, r.stderr);
    } finally {
      srv.server.close();
    }
  });

  test(
    'a server that never reads: the CLI does not exit 0 but gives up after --timeout (exit 1)',
    {
      timeout: 60_000,
    },
    async () => {
      const srv = await pausedServer();
      try {
        const r = await runCli([...common(srv.port), '--quiet', '--timeout', '1000']);
        assert.equal(r.signal, null, `killed after ${KILL_MS} ms: ${r.stderr}`);
        // Only now does the server read: what reached its kernel buffers, then the end of the stream.
        srv.connected.then((s) => s.resume());
        const got = await srv.received;
        assert.ok(got.bytes < SIZE, `the server got all ${got.bytes} bytes without reading`);
        assert.equal(r.code, 1, `exit ${r.code} with ${SIZE - got.bytes} bytes never sent: ${r.stderr}`);
        assert.match(r.stderr, /^tls-probe: .*no traffic for 1000 ms \(--timeout\)/m);
      } finally {
        srv.server.close();
      }
    },
  );

  test(
    'the server resets while the tail is still queued: SYSCALL with errno, exit 1',
    { timeout: 60_000 },
    async () => {
      const srv = await pausedServer();
      try {
        let reset = false;
        const r = await runCli(common(srv.port), (text) => {
          if (!reset && /^DONE$/m.test(text)) {
            reset = true;
            // Unread data in its receive buffer: closing sends RST, the client's queued writes fail.
            void srv.connected.then((s) => s.destroy());
          }
        });
        assert.equal(r.signal, null, `killed after ${KILL_MS} ms: ${r.stderr}`);
        assert.ok(reset, `no DONE line: ${r.stderr}`);
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, /^tls-probe: .*SYSCALL errno=(104 ECONNRESET|32 EPIPE)$/m);
      } finally {
        srv.server.close();
      }
    },
  );

  test(
    'server -> stdout: data still queued for a stdout pipe nobody reads yet is all there after the exit',
    {
      timeout: 60_000,
    },
    async () => {
      const OUT = 8 * 1024 * 1024;
      const payload = randomBytes(OUT);
      const leaf = pki.leaf('p256');
      let closed!: () => void;
      const serverClosed = new Promise<void>((resolve) => (closed = resolve));
      const server = createServer({ key: readFileSync(leaf.key), cert: readFileSync(leaf.chain) }, (sock) => {
        sock.on('error', () => undefined);
        sock.on('close', () => closed());
        sock.end(payload); // then close_notify
      });
      const port = await new Promise<number>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
      );
      try {
        const args = [`127.0.0.1:${port}`, '--servername', 'localhost', '--cafile', pki.root, '--quiet', '--ign-eof'];
        const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        const out = child.stdout;
        assert.ok(out);
        // Nobody reads stdout until the CLI has closed the TLS connection: the 8 MiB wait in its
        // stdout queue (a pipe holds 64 KiB), and the exit must not drop them.
        out.pause();
        const hash = createHash('sha256');
        let bytes = 0;
        out.on('data', (c: Buffer) => {
          hash.update(c);
          bytes += c.length;
        });
        let stderr = '';
        child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
        const timer = setTimeout(() => child.kill('SIGKILL'), KILL_MS);
        const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
        await serverClosed;
        out.resume();
        const code = await exited;
        clearTimeout(timer);
        assert.equal(bytes, OUT, `stdout carried ${bytes} of ${OUT} bytes (exit ${code}): ${stderr}`);
        assert.equal(hash.digest('hex'), createHash('sha256').update(payload).digest('hex'));
        assert.equal(code, 0, stderr);
      } finally {
        server.close();
      }
    },
  );
});
