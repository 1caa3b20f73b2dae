/**
 * Server-initiated TLS 1.2 renegotiation (HelloRequest) against real servers, and what the CLI
 * reports for it (spec/openssl-semantics.md §3, spec/cli.md):
 *
 * - `openssl s_server -tls1_2` with `r` written to its stdin once the connection is up. Without
 *   `--auto-retry` (s_client's mode) the SSL_read that finishes the renegotiation returns WANT_READ
 *   once: `read R BLOCK` exactly once per renegotiation, or with `--io-trace` exactly one
 *   `SSL_read(16384) = -1 WANT_READ (renegotiation)`. With `--auto-retry` neither appears. Data
 *   flows both ways afterwards in every case.
 * - `R` on s_server `-no_ticket -no_cache`: the renegotiation also requests a client certificate;
 *   answered with an empty Certificate, or with `--cert/--key` (which s_server then verifies).
 * - Node 20's `tls` server calling `socket.renegotiate()` (fixtures/peers/node-server.mjs
 *   --renegotiate-after-ms), an echo server.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { ensurePki, type Pki } from '../helpers/pki.js';
import {
  clientCommandPrefix,
  startGnutlsServer,
  startNodeServer,
  startOpenSslServer,
  type Peer,
} from '../helpers/peers.js';
import { CLI } from '../helpers/cli.js';

let pki: Pki;
before(async () => {
  pki = await ensurePki();
});

// --- an interactive client: stdin stays open until end() ------------------------------------------

interface Interactive {
  stdout(): string;
  stderr(): string;
  write(s: string): void;
  /** Waits (bounded) until stdout (or stderr with `on: 'stderr'`) matches. */
  waitFor(re: RegExp, opts?: { on?: 'stdout' | 'stderr'; ms?: number }): Promise<void>;
  /** Closes stdin (the client sends close_notify) and waits for the exit code (bounded). */
  end(ms?: number): Promise<number | null>;
  kill(): void;
}

function interactive(peer: Peer, args: string[], port = peer.port): Interactive {
  const argv = [
    ...clientCommandPrefix(peer),
    process.execPath,
    CLI,
    `127.0.0.1:${port}`,
    '--servername',
    'localhost',
    '--cafile',
    pki.root,
    ...args,
  ];
  const [cmd, ...rest] = argv as [string, ...string[]];
  const child = spawn(cmd, rest, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let code: number | null | undefined;
  const listeners = new Set<() => void>();
  const notify = (): void => listeners.forEach((l) => l());
  child.stdout.on('data', (c: Buffer) => ((out += c.toString('utf8')), notify()));
  child.stderr.on('data', (c: Buffer) => ((err += c.toString('utf8')), notify()));
  child.stdin.on('error', () => undefined);
  child.once('close', (c) => ((code = c), notify()));
  const describe = (): string =>
    `client exit ${String(code)}\n--- stdout ---\n${out}\n--- stderr ---\n${err}\n--- server ---\n${peer.stdout()}\n${peer.stderr()}`;
  const until = (ok: () => boolean, what: string, ms: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (ok()) return finish(resolve);
        if (code !== undefined) finish(() => reject(new Error(`client exited before ${what}\n${describe()}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`no ${what} within ${ms} ms\n${describe()}`))), ms);
      const finish = (f: () => void): void => {
        clearTimeout(timer);
        listeners.delete(check);
        f();
      };
      listeners.add(check);
      check();
    });
  return {
    stdout: () => out,
    stderr: () => err,
    write: (s) => void child.stdin.write(s),
    waitFor: (re, o = {}) =>
      until(() => re.test(o.on === 'stderr' ? err : out), `${String(re)} on ${o.on ?? 'stdout'}`, o.ms ?? 10_000),
    end: async (ms = 10_000) => {
      child.stdin.end();
      await until(() => code !== undefined, 'exit', ms).catch((e: unknown) => {
        child.kill('SIGKILL');
        throw e;
      });
      return code ?? null;
    },
    kill: () => void child.kill('SIGKILL'),
  };
}

const occurrences = (text: string, re: RegExp): number => text.match(new RegExp(re.source, 'gm'))?.length ?? 0;

async function waitForCount(peer: Peer, re: RegExp, n: number, ms = 10_000): Promise<void> {
  const text = (): string => peer.stdout() + peer.stderr();
  // Re-checked as the server's output arrives; the assertion below reports a shortfall.
  await peer.waitUntil(() => occurrences(text(), re) >= n, `${n} x ${String(re)}`, ms).catch(() => undefined);
  assert.ok(occurrences(text(), re) >= n, `${peer.kind}: fewer than ${n} ${String(re)} within ${ms} ms:\n${text()}`);
}

const READ_BLOCK = /^read R BLOCK$/m;
const WANT_READ_RENEG = /^SSL_read\(16384\) = -1 WANT_READ \(renegotiation\)$/m;

/** --msg lines of the client, counted. */
function msgCounts(stderr: string): { helloRequest: number; clientHello: number; finishedIn: number } {
  return {
    helloRequest: occurrences(stderr, /^<<< TLS 1\.2, Handshake \[length 0004\], HelloRequest$/),
    clientHello: occurrences(stderr, /^>>> TLS 1\.[02], Handshake \[length [0-9a-f]{4}\], ClientHello$/),
    finishedIn: occurrences(stderr, /^<<< TLS 1\.2, Handshake \[length 0010\], Finished$/),
  };
}

// --- openssl s_server -tls1_2, 'r' / 'R' on its stdin ----------------------------------------------

describe('s_server -tls1_2: renegotiation requested with r', () => {
  let peer: Peer;
  let connections = 0;
  before(async () => {
    const l = pki.leaf('p256');
    peer = await startOpenSslServer({ cert: l.cert, key: l.key, chain: l.chain, args: ['-tls1_2'] });
  });
  after(() => peer?.stop());

  /**
   * Connects, then `renegotiations` times: r on s_server's stdin, wait until the client has done
   * the renegotiation (per `settled`), then a line each way. Returns the client for assertions.
   */
  async function session(
    args: string[],
    renegotiations: number,
    settled: (c: Interactive, i: number) => Promise<void>,
  ): Promise<{ c: Interactive; code: number | null }> {
    const c = interactive(peer, ['--msg', ...args]);
    try {
      connections++;
      await waitForCount(peer, /^CIPHER is /, connections);
      for (let i = 1; i <= renegotiations; i++) {
        peer.write('r\n');
        await settled(c, i);
        peer.write(`server-line-${connections}-${i}\n`);
        await c.waitFor(new RegExp(`server-line-${connections}-${i}`));
        c.write(`client-line-${connections}-${i}\n`);
        await peer.waitForOutput(`client-line-${connections}-${i}`, 10_000);
      }
      const code = await c.end();
      return { c, code };
    } catch (e) {
      c.kill();
      throw e;
    }
  }

  /** Waits for the client's --msg trace to show `i` renegotiations completed (a Finished received each). */
  const renegotiated = (c: Interactive, i: number): Promise<void> =>
    c.waitFor(new RegExp(`(<<< TLS 1\\.2, Handshake \\[length 0010\\], Finished\\n[\\s\\S]*){${i + 1}}`), {
      on: 'stderr',
    });

  test('without --auto-retry: "read R BLOCK" exactly once, then data both ways', async () => {
    const { c, code } = await session([], 1, (cl) => cl.waitFor(READ_BLOCK, { on: 'stderr' }));
    assert.equal(code, 0, c.stderr());
    assert.equal(occurrences(c.stdout() + c.stderr(), READ_BLOCK), 1, c.stderr());
    assert.deepEqual(msgCounts(c.stderr()), { helloRequest: 1, clientHello: 2, finishedIn: 2 });
    assert.doesNotMatch(c.stderr(), /^tls-probe:/m);
  });

  test('--io-trace, two renegotiations: one "WANT_READ (renegotiation)" per renegotiation, no "read R BLOCK"', async () => {
    const { c, code } = await session(['--io-trace'], 2, (cl, i) =>
      cl.waitFor(new RegExp(`(SSL_read\\(16384\\) = -1 WANT_READ \\(renegotiation\\)\\n[\\s\\S]*){${i}}`), {
        on: 'stderr',
      }),
    );
    assert.equal(code, 0, c.stderr());
    assert.equal(occurrences(c.stderr(), WANT_READ_RENEG), 2, c.stderr());
    assert.equal(occurrences(c.stdout() + c.stderr(), READ_BLOCK), 0, c.stderr());
    assert.deepEqual(msgCounts(c.stderr()), { helloRequest: 2, clientHello: 3, finishedIn: 3 });
    // The data after each renegotiation was read by a successful SSL_read.
    assert.match(c.stderr(), /^SSL_read\(16384\) = \d+$/m);
  });

  test('--auto-retry: the renegotiation is invisible (no "read R BLOCK"), data both ways', async () => {
    const { c, code } = await session(['--auto-retry'], 1, renegotiated);
    assert.equal(code, 0, c.stderr());
    assert.equal(occurrences(c.stdout() + c.stderr(), READ_BLOCK), 0, c.stderr());
    assert.deepEqual(msgCounts(c.stderr()), { helloRequest: 1, clientHello: 2, finishedIn: 2 });
  });

  test('--auto-retry --io-trace: no WANT_READ tagged (renegotiation)', async () => {
    const { c, code } = await session(['--auto-retry', '--io-trace'], 1, renegotiated);
    assert.equal(code, 0, c.stderr());
    assert.equal(occurrences(c.stderr(), WANT_READ_RENEG), 0, c.stderr());
    assert.equal(occurrences(c.stdout() + c.stderr(), READ_BLOCK), 0, c.stderr());
    assert.equal(msgCounts(c.stderr()).helloRequest, 1);
  });
});

describe('s_server -tls1_2 -no_ticket -no_cache: R (renegotiation with a CertificateRequest)', () => {
  let peer: Peer;
  let connections = 0;
  before(async () => {
    const l = pki.leaf('p256');
    peer = await startOpenSslServer({
      cert: l.cert,
      key: l.key,
      chain: l.chain,
      args: ['-tls1_2', '-no_ticket', '-no_cache', '-CAfile', pki.root],
    });
  });
  after(() => peer?.stop());

  for (const withCert of [false, true]) {
    test(
      withCert
        ? 'with --cert/--key: the client certificate is sent, verified by s_server'
        : 'without a client certificate: an empty Certificate, the session goes on',
      async () => {
        const client = pki.leaf('client');
        const c = interactive(peer, ['--msg', ...(withCert ? ['--cert', client.chain, '--key', client.key] : [])]);
        try {
          connections++;
          await waitForCount(peer, /^CIPHER is /, connections);
          peer.write('R\n');
          await c.waitFor(READ_BLOCK, { on: 'stderr' });
          peer.write(`after-R-${connections}\n`);
          await c.waitFor(new RegExp(`after-R-${connections}`));
          c.write(`client-after-R-${connections}\n`);
          await peer.waitForOutput(`client-after-R-${connections}`, 10_000);
          const code = await c.end();
          assert.equal(code, 0, c.stderr());
        } catch (e) {
          c.kill();
          throw e;
        }
        const err = c.stderr();
        assert.equal(occurrences(err, READ_BLOCK), 1, err);
        assert.equal(occurrences(err, /^<<< TLS 1\.2, Handshake \[length [0-9a-f]{4}\], CertificateRequest$/), 1, err);
        if (withCert) {
          assert.match(err, /^>>> TLS 1\.2, Handshake \[length (?!0007)[0-9a-f]{4}\], Certificate$/m, err);
          assert.equal(occurrences(err, /^>>> TLS 1\.2, Handshake \[length [0-9a-f]{4}\], CertificateVerify$/), 1, err);
          await peer.waitForOutput(/depth=0 O = tls-probe test, CN = tls-probe client/, 5_000);
        } else {
          // An empty certificate_list: 4-byte header + 3-byte length.
          assert.match(err, /^>>> TLS 1\.2, Handshake \[length 0007\], Certificate$/m, err);
          assert.doesNotMatch(err, /CertificateVerify/);
        }
      },
    );
  }
});

describe('key log across a renegotiation', () => {
  test('--keylogfile gets one CLIENT_RANDOM line per handshake, equal to s_server -keylogfile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tls-probe-reneg-keylog-'));
    const serverLog = join(dir, 'server.keylog');
    const clientLog = join(dir, 'client.keylog');
    const l = pki.leaf('p256');
    const peer = await startOpenSslServer({
      cert: l.cert,
      key: l.key,
      chain: l.chain,
      args: ['-tls1_2', '-keylogfile', serverLog],
    });
    const c = interactive(peer, ['--keylogfile', clientLog]);
    try {
      await waitForCount(peer, /^CIPHER is /, 1);
      peer.write('r\n');
      await c.waitFor(READ_BLOCK, { on: 'stderr' });
      peer.write('after-renegotiation\n');
      await c.waitFor(/after-renegotiation/);
      assert.equal(await c.end(), 0, c.stderr());
      const lines = (f: string): string[] =>
        readFileSync(f, 'utf8')
          .split('\n')
          .filter((x) => x && !x.startsWith('#'));
      const server = lines(serverLog);
      const client = lines(clientLog);
      assert.equal(server.length, 2, server.join('\n'));
      // Each handshake has its own client random: the renegotiation's ClientHello.random names the
      // second master secret (what Wireshark needs to decrypt the traffic after the renegotiation).
      assert.notEqual(server[0]!.split(' ')[1], server[1]!.split(' ')[1]);
      assert.deepEqual(client, server, "client key log differs from s_server's");
    } catch (e) {
      c.kill();
      throw e;
    } finally {
      await peer.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// --- Node 20 tls server: socket.renegotiate() -----------------------------------------------------

describe('Node tls server (TLS 1.2) calling socket.renegotiate()', () => {
  let peer: Peer;
  before(async () => {
    const l = pki.leaf('rsa2048');
    peer = await startNodeServer({
      cert: l.cert,
      key: l.key,
      chain: l.chain,
      maxVersion: 'TLSv1.2',
      renegotiateAfterMs: 300,
    });
  });
  after(() => peer?.stop());

  let n = 0;
  for (const autoRetry of [false, true]) {
    test(
      autoRetry
        ? '--auto-retry: no "read R BLOCK", echo after the renegotiation'
        : 'default: "read R BLOCK" once, echo after the renegotiation',
      async () => {
        n++;
        const c = interactive(peer, ['--msg', ...(autoRetry ? ['--auto-retry'] : [])]);
        try {
          await waitForCount(peer, /^RENEGOTIATED$/, n);
          assert.equal(occurrences(peer.stdout(), /^RENEGOTIATE-ERROR/), 0, peer.stdout());
          await c.waitFor(/(<<< TLS 1\.2, Handshake \[length 0010\], Finished\n[\s\S]*){2}/, { on: 'stderr' });
          c.write(`ping-after-renegotiation-${n}\n`);
          await c.waitFor(new RegExp(`ping-after-renegotiation-${n}`));
          const code = await c.end();
          assert.equal(code, 0, c.stderr());
        } catch (e) {
          c.kill();
          throw e;
        }
        const all = c.stdout() + c.stderr();
        assert.match(c.stdout(), /^New, TLSv1\.2, Cipher is ECDHE-RSA-/m);
        assert.match(c.stdout(), /^Secure Renegotiation IS supported$/m);
        assert.equal(occurrences(all, READ_BLOCK), autoRetry ? 0 : 1, c.stderr());
        assert.deepEqual(msgCounts(c.stderr()), { helloRequest: 1, clientHello: 2, finishedIn: 2 });
        assert.doesNotMatch(c.stderr(), /^tls-probe:/m);
      },
    );
  }
});

// --- application data written during a renegotiation ----------------------------------------------

/** A TLS record header seen by the proxy. */
interface SeenRecord {
  dir: 'c2s' | 's2c';
  type: number;
  length: number;
}

/**
 * A TCP proxy between the client and a server that reads TLS record headers (cleartext in TLS 1.2)
 * in both directions. Once armed, it forwards the server's next handshake record (the
 * HelloRequest) at once and holds everything the server sends after it until release(): the
 * client has sent its renegotiation ClientHello and waits for the server's flight for as long as
 * the test needs, however slow the machine.
 */
class RecordProxy {
  readonly records: SeenRecord[] = [];
  port = 0;
  private server?: Server;
  private armed = false;
  private holding = false;
  private held: { to: Socket; data: Buffer }[] = [];
  private endAfterRelease: Socket[] = [];
  private readonly sockets: Socket[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(private readonly target: number) {}

  async start(): Promise<void> {
    const server = createServer((client) => {
      const upstream = createConnection({ host: '127.0.0.1', port: this.target });
      this.sockets.push(client, upstream);
      for (const s of [client, upstream])
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      client.on('close', () => upstream.destroy());
      // Whatever the server sent before closing still goes out, after the hold if there is one.
      upstream.on('close', () => (this.holding ? this.endAfterRelease.push(client) : client.end()));
      this.pipe(client, upstream, 'c2s');
      this.pipe(upstream, client, 's2c');
    });
    this.server = server;
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const a = server.address();
    this.port = typeof a === 'object' && a ? a.port : 0;
  }

  /** From now on, the server's next handshake record starts the hold. */
  arm(): void {
    this.armed = true;
  }

  /** Ends the hold: the server's held records go out in order. */
  release(): void {
    this.holding = false;
    for (const { to, data } of this.held.splice(0)) to.write(data);
    for (const c of this.endAfterRelease.splice(0)) c.end();
  }

  /** Records in one direction of one type. */
  count(dir: SeenRecord['dir'], type: number): number {
    return this.records.filter((r) => r.dir === dir && r.type === type).length;
  }

  /** Resolves once `count(dir, type)` exceeds `above` (the proxy saw the record go through). */
  waitForRecord(dir: SeenRecord['dir'], type: number, above: number, ms = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.count(dir, type) <= above) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no ${dir} record of type ${type} within ${ms} ms`));
      }, ms);
      this.waiters.add(check);
      check();
    });
  }

  private pipe(from: Socket, to: Socket, dir: SeenRecord['dir']): void {
    let buf = Buffer.alloc(0);
    from.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 5) {
        const len = buf.readUInt16BE(3);
        if (buf.length < 5 + len) break;
        const rec = buf.subarray(0, 5 + len);
        buf = buf.subarray(5 + len);
        const type = rec[0] ?? 0;
        this.records.push({ dir, type, length: len });
        const copy = Buffer.from(rec);
        if (dir === 's2c' && this.armed && type === 22) {
          this.armed = false;
          this.holding = true; // the HelloRequest goes now, the flight after it waits for release()
          to.write(copy);
        } else if (dir === 's2c' && this.holding) this.held.push({ to, data: copy });
        else to.write(copy);
        this.waiters.forEach((w) => w());
      }
    });
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((ok) => (this.server ? this.server.close(() => ok()) : ok()));
  }
}

describe('SSL_write while a renegotiation is in progress', () => {
  test('a line typed during the renegotiation is held until it completes (OpenSSL servers refuse interleaved data)', async () => {
    const l = pki.leaf('p256');
    const peer = await startOpenSslServer({ cert: l.cert, key: l.key, chain: l.chain, args: ['-tls1_2'] });
    const proxy = new RecordProxy(peer.port);
    await proxy.start();
    const c = interactive(peer, ['--msg', '--io-trace'], proxy.port);
    try {
      await waitForCount(peer, /^CIPHER is /, 1);
      const clientHellosBefore = proxy.count('c2s', 22);
      proxy.arm();
      peer.write('r\n');
      // The client answered the HelloRequest with its ClientHello; the server's flight is held.
      await proxy.waitForRecord('c2s', 22, clientHellosBefore);
      const start = proxy.records.length;
      c.write('typed-during-renegotiation\n');
      // The client has taken the line and tried to write it (--io-trace shows the SSL_write call)
      // while the server's flight is still held: the renegotiation is certainly in progress.
      await c.waitFor(/^SSL_write\(27\) = /m, { on: 'stderr' });
      proxy.release();
      // OpenSSL semantics: SSL_write finishes the renegotiation before it sends application data
      // (ssl3_write_bytes runs handshake_func while SSL_in_init), so the line reaches s_server after it.
      const seen = await peer.waitForOutput(/typed-during-renegotiation|unexpected record|^ERROR$/m, 10_000);
      assert.equal(seen, 'typed-during-renegotiation', 's_server aborted the connection instead of receiving the line');
      peer.write('server-after-renegotiation\n');
      await c.waitFor(/server-after-renegotiation/);
      const code = await c.end();
      const ours = proxy.records.slice(start).filter((r) => r.dir === 'c2s');
      const firstCcs = ours.findIndex((r) => r.type === 20);
      const early = ours.slice(0, firstCcs < 0 ? ours.length : firstCcs).filter((r) => r.type === 23);
      assert.deepEqual(
        early,
        [],
        `application data sent inside the renegotiation, before our ChangeCipherSpec: ${JSON.stringify(ours)}`,
      );
      assert.equal(code, 0, c.stderr());
      assert.doesNotMatch(peer.stdout() + peer.stderr(), /unexpected record|error:/);
    } catch (e) {
      c.kill();
      const ours = proxy.records
        .filter((r) => r.dir === 'c2s')
        .map((r) => r.type)
        .join(',');
      throw new Error(
        `${(e as Error).message}\nclient→server record types: ${ours}\nclient stderr:\n${c.stderr()}\ns_server:\n${peer.stdout().slice(-1500)}${peer.stderr().slice(-1500)}`,
        { cause: e },
      );
    } finally {
      await proxy.stop();
      await peer.stop();
    }
  });
});

// --- client-initiated renegotiation: the R command (issue 18 item 5) --------------------------------

describe('R: client-initiated TLS 1.2 renegotiation', () => {
  /** R on our stdin; once the renegotiation completed, `after` checks the data; then a clean end. */
  async function renegotiateWithR(peer: Peer, after: (c: Interactive) => Promise<void>): Promise<Interactive> {
    const c = interactive(peer, ['--msg']);
    try {
      await c.waitFor(/^Secure Renegotiation IS supported$/m);
      c.write('R\n');
      // Our second Finished received: the renegotiation completed.
      await c.waitFor(/(<<< TLS 1\.2, Handshake \[length 0010\], Finished\n[\s\S]*){2}/, { on: 'stderr' });
      await after(c);
      assert.equal(await c.end(), 0, c.stderr());
      return c;
    } catch (e) {
      c.kill();
      throw e;
    }
  }

  test('openssl s_server -client_renegotiation: RENEGOTIATING, s_server reads a second ClientHello, data both ways', async () => {
    const l = pki.leaf('p256');
    const peer = await startOpenSslServer({
      cert: l.cert,
      key: l.key,
      chain: l.chain,
      args: ['-tls1_2', '-client_renegotiation', '-msg'],
    });
    try {
      const c = await renegotiateWithR(peer, async (cl) => {
        await waitForCount(peer, /^<<< TLS 1\.[0-3], Handshake \[length [0-9a-f]{4}\], ClientHello$/, 2);
        cl.write('client-after-R\n');
        await peer.waitForOutput('client-after-R', 10_000);
        peer.write('server-after-R\n');
        await cl.waitFor(/server-after-R/);
      });
      assert.match(c.stderr(), /^RENEGOTIATING$/m);
      assert.deepEqual(msgCounts(c.stderr()), { helloRequest: 0, clientHello: 2, finishedIn: 2 });
      assert.doesNotMatch(c.stderr(), /^tls-probe:/m);
      // The R line was a command, never data.
      assert.doesNotMatch(peer.stdout(), /^R$/m);
    } finally {
      await peer.stop();
    }
  });

  test('openssl s_server 3.0 default (client renegotiation off): its no_renegotiation ends the run with one line, exit 1', async () => {
    const l = pki.leaf('p256');
    const peer = await startOpenSslServer({ cert: l.cert, key: l.key, chain: l.chain, args: ['-tls1_2'] });
    const c = interactive(peer, ['--msg']);
    try {
      await c.waitFor(/^Secure Renegotiation IS supported$/m);
      c.write('R\n');
      await c.waitFor(/^tls-probe: /m, { on: 'stderr' });
      const code = await c.end();
      assert.equal(code, 1, c.stderr());
      assert.match(c.stderr(), /^<<< TLS 1\.2, Alert \[length 0002\] \(warning no_renegotiation\)$/m);
      const lines = c.stderr().match(/^tls-probe: .*$/gm) ?? [];
      assert.equal(lines.length, 1, c.stderr());
      assert.match(lines[0]!, /server refused to renegotiate \(no_renegotiation\).*handshake_failure/);
    } catch (e) {
      c.kill();
      throw e;
    } finally {
      await peer.stop();
    }
  });

  test('gnutls-serv (safe renegotiation): it rehandshakes on our ClientHello, data both ways', async () => {
    const l = pki.leaf('p256');
    const peer = await startGnutlsServer({
      cert: l.cert,
      key: l.key,
      chain: l.chain,
      args: ['--priority=NORMAL:-VERS-ALL:+VERS-TLS1.2:%SAFE_RENEGOTIATION'],
    });
    try {
      const c = await renegotiateWithR(peer, async (cl) => {
        // gnutls-serv --echo returns what we send after the renegotiation, under the new keys.
        cl.write('client-after-R\n');
        await cl.waitFor(/client-after-R/);
      });
      assert.match(c.stderr(), /^RENEGOTIATING$/m);
      assert.deepEqual(msgCounts(c.stderr()), { helloRequest: 0, clientHello: 2, finishedIn: 2 });
      assert.doesNotMatch(c.stderr(), /^tls-probe:/m);
    } finally {
      await peer.stop();
    }
  });
});

// --- --no-renegotiation against a real server --------------------------------------------------------

describe('--no-renegotiation: s_server -tls1_2 asks with r', () => {
  test('refused with a fatal no_renegotiation s_server receives; exit 1 with one line', async () => {
    const l = pki.leaf('p256');
    const peer = await startOpenSslServer({ cert: l.cert, key: l.key, chain: l.chain, args: ['-tls1_2'] });
    const c = interactive(peer, ['--msg', '--no-renegotiation']);
    try {
      await waitForCount(peer, /^CIPHER is /, 1);
      peer.write('r\n');
      await c.waitFor(/^tls-probe: /m, { on: 'stderr' });
      assert.equal(await c.end(), 1, c.stderr());
      assert.match(c.stderr(), /^>>> TLS 1\.2, Alert \[length 0002\] \(fatal no_renegotiation\)$/m);
      const lines = c.stderr().match(/^tls-probe: .*$/gm) ?? [];
      assert.equal(lines.length, 1, c.stderr());
      assert.match(lines[0]!, /renegotiation refused \(renegotiation disabled\).*no_renegotiation/);
      assert.deepEqual(msgCounts(c.stderr()), { helloRequest: 1, clientHello: 1, finishedIn: 1 });
      // s_server saw our alert (OpenSSL prints the alert number: 100 is no_renegotiation).
      await peer.waitForOutput(/SSL alert number 100|no renegotiation/, 5_000);
    } catch (e) {
      c.kill();
      throw e;
    } finally {
      await peer.stop();
    }
  });
});
