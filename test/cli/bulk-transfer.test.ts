/**
 * No data loss in bulk: 50 MB from stdin through the CLI to a slow node:tls server (it pauses its
 * reads every 4 MB, so the client's SSL_write meets WANT_WRITE and must retry with the same buffer),
 * and 50 MB from the server to our stdout. Both sides hash what they got; the hashes must match
 * the input's. Bounded: each run is killed after 55 s; the throughput is printed as a diagnostic.
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

const SIZE = 50 * 1024 * 1024;
const KILL_MS = 55_000;

let pki: Pki;
let dir: string;
let data: Buffer;
let dataFile: string;
let dataHash: string;

before(async () => {
  pki = await ensurePki();
  dir = mkdtempSync(join(tmpdir(), 'tls-probe-bulk-'));
  data = randomBytes(SIZE);
  dataHash = createHash('sha256').update(data).digest('hex');
  dataFile = join(dir, 'input.bin');
  writeFileSync(dataFile, data);
});

after(() => rmSync(dir, { recursive: true, force: true }));

function tlsServer(onConnection: (s: TLSSocket) => void): Promise<{ server: Server; port: number }> {
  const leaf = pki.leaf('p256');
  const server = createServer({ key: readFileSync(leaf.key), cert: readFileSync(leaf.chain) }, onConnection);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdoutHash: string;
  stdoutBytes: number;
  stderr: string;
  ms: number;
}

/** Runs the CLI with stdin from a file descriptor (or /dev/null); hashes stdout as it streams. */
function runCli(args: string[], stdinPath: string): Promise<Run> {
  const fd = openSync(stdinPath, 'r');
  const t0 = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], { stdio: [fd, 'pipe', 'pipe'] });
  closeSync(fd);
  const hash = createHash('sha256');
  let bytes = 0;
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => {
    hash.update(c);
    bytes += c.length;
  });
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), KILL_MS);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdoutHash: hash.digest('hex'), stdoutBytes: bytes, stderr, ms: performance.now() - t0 });
    });
  });
}

function mbps(bytes: number, ms: number): string {
  return `${(bytes / (1024 * 1024) / (ms / 1000)).toFixed(1)} MiB/s`;
}

describe('bulk transfer through the CLI', () => {
  test(
    '50 MB from stdin to a slow server (reads paused every 4 MB) arrive complete (SHA-256)',
    { timeout: 60_000 },
    async (t) => {
      let received = 0;
      let pauses = 0;
      let done!: (v: { hash: string; bytes: number }) => void;
      const got = new Promise<{ hash: string; bytes: number }>((resolve) => (done = resolve));
      const { server, port } = await tlsServer((sock) => {
        const h = createHash('sha256');
        let nextPause = 4 * 1024 * 1024;
        sock.on('data', (c: Buffer) => {
          h.update(c);
          received += c.length;
          if (received >= nextPause) {
            nextPause += 4 * 1024 * 1024;
            pauses++;
            sock.pause();
            setTimeout(() => sock.resume(), 50);
          }
        });
        // 'end': the client's close_notify / FIN arrived after all its data.
        sock.on('end', () => {
          done({ hash: h.digest('hex'), bytes: received });
          sock.end();
        });
        sock.on('error', () => done({ hash: h.digest('hex'), bytes: received }));
      });
      try {
        const r = await runCli(
          [
            `127.0.0.1:${port}`,
            '--servername',
            'localhost',
            '--cafile',
            pki.root,
            '--quiet',
            '--connect-timeout',
            '10000',
          ],
          dataFile,
        );
        const s = await Promise.race([got, new Promise<null>((res) => setTimeout(() => res(null), 5000))]);
        const blocks = r.stderr.split('\n').filter((l) => l === 'write W BLOCK').length;
        t.diagnostic(
          `stdin → server: ${SIZE} bytes in ${(r.ms / 1000).toFixed(1)} s (${mbps(SIZE, r.ms)}), ${pauses} server pauses, ${blocks} WANT_WRITE retries`,
        );
        assert.equal(r.signal, null, `killed after ${KILL_MS} ms: ${r.stderr}`);
        assert.equal(r.code, 0, r.stderr);
        assert.ok(s, 'the server never saw the end of the stream');
        assert.equal(s.bytes, SIZE, `the server received ${s.bytes} of ${SIZE} bytes`);
        assert.equal(s.hash, dataHash);
        assert.ok(pauses >= 10, `the server paused ${pauses} times`);
        // The pauses pushed back: SSL_write met WANT_WRITE and the retry (same buffer) lost nothing.
        assert.ok(blocks > 0, `no WANT_WRITE: ${r.stderr.slice(0, 500)}`);
        assert.deepEqual(
          r.stderr.split('\n').filter((l) => l !== '' && l !== 'write W BLOCK' && l !== 'read R BLOCK'),
          [],
          r.stderr.slice(0, 2000),
        );
      } finally {
        server.close();
      }
    },
  );

  test(
    '50 MB from the server to our stdout arrive complete (SHA-256), then close_notify ends the run with exit 0',
    { timeout: 60_000 },
    async (t) => {
      const { server, port } = await tlsServer((sock) => {
        let off = 0;
        const chunk = 256 * 1024;
        const pump = (): void => {
          while (off < SIZE) {
            const ok = sock.write(data.subarray(off, off + chunk));
            off += chunk;
            if (!ok) return void sock.once('drain', pump);
          }
          sock.end(); // close_notify after the last byte
        };
        sock.on('error', () => undefined);
        pump();
      });
      try {
        const r = await runCli(
          [
            `127.0.0.1:${port}`,
            '--servername',
            'localhost',
            '--cafile',
            pki.root,
            '--quiet',
            '--ign-eof',
            '--connect-timeout',
            '10000',
          ],
          '/dev/null',
        );
        t.diagnostic(
          `server → stdout: ${r.stdoutBytes} bytes in ${(r.ms / 1000).toFixed(1)} s (${mbps(r.stdoutBytes, r.ms)})`,
        );
        assert.equal(r.signal, null, `killed after ${KILL_MS} ms: ${r.stderr}`);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdoutBytes, SIZE, `stdout carried ${r.stdoutBytes} of ${SIZE} bytes`);
        assert.equal(r.stdoutHash, dataHash);
        // Only s_client's "read R BLOCK" for the server's post-handshake NewSessionTickets (node sends two).
        assert.deepEqual(
          r.stderr.split('\n').filter((l) => l !== '' && l !== 'read R BLOCK'),
          [],
          r.stderr,
        );
      } finally {
        server.close();
      }
    },
  );
});
