/**
 * SSL engine modes end to end through the CLI (spec/cli.md, spec/openssl-semantics.md §1–§4):
 *
 * - --partial-write / default mode with --sndbuf 4096 and --io-trace against a local node:tls
 *   server that reads 4 KB every 20 ms: the SSL_write return values and the WANT_WRITE retries.
 * - AUTO_RETRY against `openssl s_server` (TLS 1.3, 2 tickets): `read R BLOCK` per ticket without
 *   --auto-retry, none with it; the io-trace lines name the NewSessionTicket.
 * - A server that drops the TCP connection while 1 MB is being written: SYSCALL EPIPE/ECONNRESET on
 *   stderr and exit 1, whether the drop is a FIN (destroy) or an RST (resetAndDestroy).
 * - --max-send-fragment and --max-fragment-length (RFC 6066, TLS 1.2 and 1.3) against s_server.
 *
 * The CLI reads standard input in pipe-sized chunks (64 KiB), so 100000 bytes are usually two
 * logical writes (65536 + 34464); the checks follow each logical write through its retries.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TLSSocket, createSecureContext, createServer, type Server as TlsServer } from 'node:tls';
import { ensurePki, type Pki } from '../helpers/pki.js';
import { startOpenSslServer } from '../helpers/peers.js';
import { probe, type CliResult, type CliRun, connectionOf } from '../helpers/cli.js';

let pki: Pki;
before(async () => {
  pki = await ensurePki();
});

const TOTAL = 100000;
/** 100000 printable bytes that are not all alike (a lost or repeated record changes the hash). */
const INPUT = Array.from({ length: TOTAL }, (_, i) => String.fromCharCode(97 + ((i * 7) % 26))).join('');

function sha256(b: Buffer | string): string {
  return createHash('sha256').update(b).digest('hex');
}

function clientArgs(port: number, ...extra: string[]): string[] {
  return [`127.0.0.1:${port}`, '--servername', 'localhost', '--cafile', pki.root, ...extra];
}

function explain(r: CliResult): string {
  return `exit ${r.code}${r.timedOut ? ' (timed out)' : ''}\n--- stdout\n${r.stdout.slice(0, 2000)}\n--- stderr\n${r.stderr.slice(0, 4000)}`;
}

async function listen(server: TcpServer | TlsServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function close(server: TcpServer | TlsServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

// --- io-trace parsing ---------------------------------------------------------------------------

interface Call {
  len: number;
  ret: number;
  /** What follows the return value, e.g. "WANT_WRITE" or "WANT_READ (NewSessionTicket)". */
  rest: string;
}

function calls(stderr: string, fn: 'SSL_write' | 'SSL_read'): Call[] {
  const re = new RegExp(`^${fn}\\((\\d+)\\) = (-?\\d+)(.*)$`, 'gm');
  return [...stderr.matchAll(re)].map((m) => ({ len: Number(m[1]), ret: Number(m[2]), rest: m[3]!.trim() }));
}

interface LogicalWrite {
  /** Length of its first call. */
  len: number;
  /** Successful return values, in order. */
  successes: number[];
  wantWrites: number;
}

/**
 * Groups SSL_write calls into logical writes and checks the retry contract on the way: after
 * WANT_WRITE the same length again, after a partial success exactly the rest.
 */
function logicalWrites(trace: Call[]): LogicalWrite[] {
  const out: LogicalWrite[] = [];
  let cur: LogicalWrite | null = null;
  let expect: number | null = null;
  for (const c of trace) {
    if (expect !== null) assert.equal(c.len, expect, `call SSL_write(${c.len}) should have been SSL_write(${expect})`);
    if (!cur) {
      cur = { len: c.len, successes: [], wantWrites: 0 };
      out.push(cur);
    }
    if (c.ret > 0) {
      cur.successes.push(c.ret);
      assert.ok(c.ret <= c.len);
      if (c.ret === c.len) {
        cur = null;
        expect = null;
      } else expect = c.len - c.ret;
    } else {
      assert.equal(c.rest, 'WANT_WRITE', `SSL_write(${c.len}) = ${c.ret} ${c.rest}`);
      cur.wantWrites++;
      expect = c.len;
    }
  }
  assert.equal(cur, null, 'the last logical write did not complete');
  return out;
}

// --- a server that reads 4 KB every 20 ms ---------------------------------------------------------

interface SlowServer {
  port: number;
  /** Resolves with what the server read, once the client closed. */
  received: Promise<Buffer>;
  stop(): Promise<void>;
}

async function slowServer(): Promise<SlowServer> {
  const leaf = pki.leaf('p256');
  let deliver!: (b: Buffer) => void;
  const received = new Promise<Buffer>((resolve) => (deliver = resolve));
  const server = createServer({ cert: readFileSync(leaf.chain), key: readFileSync(leaf.key) }, (s) => {
    s.pause();
    const parts: Buffer[] = [];
    const timer = setInterval(() => {
      s.read(0);
      const n = Math.min(4096, s.readableLength);
      const c = n > 0 ? (s.read(n) as Buffer | null) : null;
      if (c) parts.push(c);
    }, 20);
    const done = (): void => {
      clearInterval(timer);
      for (let c = s.read() as Buffer | null; c; c = s.read() as Buffer | null) parts.push(c);
      deliver(Buffer.concat(parts));
    };
    s.on('end', done);
    s.on('close', done);
    s.on('error', () => undefined);
  });
  const port = await listen(server);
  return { port, received, stop: () => close(server) };
}

describe('--partial-write and WANT_WRITE with --sndbuf 4096 (slow local server)', () => {
  for (const partial of [true, false]) {
    const what = partial ? 'record multiples, the rest with the last success' : 'only whole writes';
    test(
      `${partial ? '--partial-write' : 'default mode'}: SSL_write returns ${what}; 100000 bytes arrive intact`,
      { timeout: 30_000 },
      async () => {
        const server = await slowServer();
        try {
          const args = clientArgs(
            server.port,
            '--sndbuf',
            '4096',
            '--io-trace',
            '--quiet',
            ...(partial ? ['--partial-write'] : []),
          );
          const r = await probe(null, args, { send: INPUT, timeoutMs: 25_000 });
          assert.equal(r.code, 0, explain(r));
          const writes = logicalWrites(calls(r.stderr, 'SSL_write'));
          const all = writes.flatMap((w) => w.successes);
          assert.equal(
            all.reduce((a, b) => a + b, 0),
            TOTAL,
            explain(r),
          );
          assert.ok(writes.reduce((n, w) => n + w.wantWrites, 0) > 0, `no WANT_WRITE at all\n${explain(r)}`);
          for (const w of writes) {
            if (partial) {
              // Every success but the one completing the logical write is a whole number of records.
              for (const v of w.successes.slice(0, -1)) assert.equal(v % 16384, 0, `${v} in ${JSON.stringify(w)}`);
              assert.equal(w.successes[w.successes.length - 1]! % 16384, w.len % 16384, JSON.stringify(w));
            } else {
              // Without the mode a logical write reports success once: its whole length.
              assert.deepEqual(w.successes, [w.len], JSON.stringify(w));
            }
          }
          // With the mode, the first record of a fresh write fits the empty emulated buffer: 16384 at once.
          if (partial)
            assert.ok(
              writes.some((w) => w.successes[0] === 16384 && w.len > 16384),
              explain(r),
            );
          const got = await server.received;
          assert.equal(got.length, TOTAL);
          assert.equal(sha256(got), sha256(INPUT));
        } finally {
          await server.stop();
        }
      },
    );
  }
});

describe('AUTO_RETRY against openssl s_server (TLS 1.3, 2 tickets)', () => {
  const ROUND_TRIP: CliRun = { send: 'hello modes\n', waitFor: /sedom olleh/, timeoutMs: 15_000 };
  const TICKET_BLOCK = /Post-Handshake New Session Ticket arrived:/g;

  async function withServer(args: string[], check: (r: CliResult) => void): Promise<void> {
    const l = pki.leaf('p256');
    const peer = await startOpenSslServer({
      cert: l.cert,
      key: l.key,
      chain: l.chain,
      args: ['-tls1_3', '-num_tickets', '2', '-rev'],
    });
    try {
      check(await probe(peer, clientArgs(peer.port, ...args), ROUND_TRIP));
    } finally {
      await peer.stop();
    }
  }

  test('default (AUTO_RETRY off, as s_client): "read R BLOCK" once per ticket', () =>
    withServer([], (r) => {
      assert.equal(r.code, 0, explain(r));
      assert.match(r.stdout, /sedom olleh/);
      assert.equal(r.stderr.match(/^read R BLOCK$/gm)?.length, 2, explain(r));
      assert.equal(r.stdout.match(TICKET_BLOCK)?.length, 2, explain(r));
    }));

  test('--io-trace: SSL_read(16384) = -1 WANT_READ (NewSessionTicket) twice, then the data', () =>
    withServer(['--io-trace'], (r) => {
      assert.equal(r.code, 0, explain(r));
      const reads = calls(r.stderr, 'SSL_read');
      assert.deepEqual(
        reads.filter((c) => c.ret < 0 && c.rest !== 'WANT_READ').map((c) => `SSL_read(${c.len}) = ${c.ret} ${c.rest}`),
        ['SSL_read(16384) = -1 WANT_READ (NewSessionTicket)', 'SSL_read(16384) = -1 WANT_READ (NewSessionTicket)'],
        explain(r),
      );
      assert.ok(
        reads.some((c) => c.ret === 'hello modes\n'.length),
        explain(r),
      );
      assert.doesNotMatch(r.stderr, /read R BLOCK/, '--io-trace replaces the s_client lines');
    }));

  test('--auto-retry --io-trace: no post-handshake WANT_READ; the tickets are still processed', () =>
    withServer(['--auto-retry', '--io-trace'], (r) => {
      assert.equal(r.code, 0, explain(r));
      assert.doesNotMatch(r.stderr, /read R BLOCK|NewSessionTicket/, explain(r));
      assert.ok(
        calls(r.stderr, 'SSL_read').some((c) => c.ret === 'hello modes\n'.length),
        explain(r),
      );
      assert.equal(r.stdout.match(TICKET_BLOCK)?.length, 2, explain(r));
    }));

  test('--auto-retry: no read R BLOCK line', () =>
    withServer(['--auto-retry'], (r) => {
      assert.equal(r.code, 0, explain(r));
      assert.match(r.stdout, /sedom olleh/);
      assert.doesNotMatch(r.stderr, /read R BLOCK/, explain(r));
    }));
});

describe('the peer drops TCP while 1 MB is being written', () => {
  const MEGABYTE = 'z'.repeat(1 << 20);
  const SYSCALL_LINE = /^tls-probe: (write|read) failed: SYSCALL errno=(32 EPIPE|104 ECONNRESET)$/m;
  const SYSCALL_TRACE = /^SSL_(write|read)\((\d+)\) = -1 SYSCALL errno=(32 EPIPE|104 ECONNRESET)$/gm;

  type Drop = 'fin-after-handshake' | 'fin-after-data' | 'rst-after-handshake';

  /** A TLS server that completes the handshake and then drops the connection. */
  async function droppingServer(drop: Drop): Promise<{ port: number; stop(): Promise<void> }> {
    const leaf = pki.leaf('p256');
    const context = createSecureContext({ cert: readFileSync(leaf.chain), key: readFileSync(leaf.key) });
    const server = createTcpServer((raw: Socket) => {
      raw.on('error', () => undefined);
      const s = new TLSSocket(raw, { isServer: true, secureContext: context });
      s.on('error', () => undefined);
      s.once('secure', () => {
        if (drop === 'fin-after-handshake') s.destroy();
        else if (drop === 'rst-after-handshake') raw.resetAndDestroy();
        else s.once('data', () => s.destroy());
      });
    });
    const port = await listen(server);
    return { port, stop: () => close(server) };
  }

  for (const drop of ['fin-after-handshake', 'fin-after-data', 'rst-after-handshake'] as const) {
    test(`${drop}: SYSCALL EPIPE/ECONNRESET on stderr, exit 1, no hang`, { timeout: 10_000 }, async () => {
      const server = await droppingServer(drop);
      try {
        const r = await probe(null, clientArgs(server.port, '--quiet'), { send: MEGABYTE, timeoutMs: 8_000 });
        assert.equal(r.timedOut, false, explain(r));
        assert.equal(r.code, 1, explain(r));
        assert.match(r.stderr, SYSCALL_LINE, explain(r));
        assert.doesNotMatch(r.stderr, /without close_notify/, 'data was still to be sent: not a clean end');
      } finally {
        await server.stop();
      }
    });
  }

  for (const partial of [false, true]) {
    const name = `--sndbuf 4096 --io-trace${partial ? ' --partial-write' : ''}: one SYSCALL result, the last call`;
    test(name, { timeout: 10_000 }, async () => {
      const server = await droppingServer('fin-after-data');
      try {
        const args = clientArgs(
          server.port,
          '--quiet',
          '--sndbuf',
          '4096',
          '--io-trace',
          ...(partial ? ['--partial-write'] : []),
        );
        const r = await probe(null, args, { send: MEGABYTE, timeoutMs: 8_000 });
        assert.equal(r.code, 1, explain(r));
        assert.match(r.stderr, SYSCALL_LINE, explain(r));
        const failed = [...r.stderr.matchAll(SYSCALL_TRACE)];
        assert.equal(failed.length, 1, explain(r));
        const ioLines = r.stderr.split('\n').filter((l) => /^SSL_(write|read)\(/.test(l));
        assert.equal(ioLines[ioLines.length - 1], failed[0]![0], explain(r));
        // The megabyte was not reported written: the failure is not swallowed.
        const writes = calls(r.stderr, 'SSL_write');
        const written = writes.filter((c) => c.ret > 0).reduce((n, c) => n + c.ret, 0);
        assert.ok(written < MEGABYTE.length, explain(r));
        assert.ok(
          writes.some((c) => c.rest === 'WANT_WRITE'),
          explain(r),
        );
        // With the mode the first record is reported as soon as it is flushed into the empty buffer
        // (the server drops once it has it); without it only whole writes succeed.
        if (partial) assert.equal(writes.find((c) => c.ret > 0)?.ret, 16384, explain(r));
        else
          assert.ok(
            writes.every((c) => c.ret < 0 || c.ret === c.len),
            explain(r),
          );
      } finally {
        await server.stop();
      }
    });
  }
});

describe('record sizes against openssl s_server', () => {
  const LINE = 'x'.repeat(3000) + '\n';
  const ECHO: CliRun = { send: LINE, waitFor: /x{3000}/, timeoutMs: 15_000 };

  async function against(serverArgs: string[], args: string[], run: CliRun): Promise<CliResult> {
    const l = pki.leaf('p256');
    const peer = await startOpenSslServer({ cert: l.cert, key: l.key, chain: l.chain, args: [...serverArgs, '-rev'] });
    try {
      return await probe(peer, clientArgs(peer.port, ...args), run);
    } finally {
      await peer.stop();
    }
  }

  function successes(stderr: string, fn: 'SSL_write' | 'SSL_read'): number[] {
    return calls(stderr, fn)
      .filter((c) => c.ret > 0)
      .map((c) => c.ret);
  }

  test('--max-send-fragment 512 --partial-write: 512 per SSL_write; the server takes the fragmented ClientHello', async () => {
    const r = await against(['-tls1_3'], ['--max-send-fragment', '512', '--partial-write', '--io-trace'], ECHO);
    assert.equal(r.code, 0, explain(r));
    assert.deepEqual(successes(r.stderr, 'SSL_write'), [512, 512, 512, 512, 512, LINE.length - 5 * 512], explain(r));
  });

  for (const version of ['-tls1_3', '-tls1_2']) {
    for (const mfl of [512, 1024, 2048, 4096]) {
      test(`--max-fragment-length ${mfl} (${version.slice(1)}): records both ways are at most ${mfl}`, async () => {
        const r = await against(
          [version],
          ['--max-fragment-length', String(mfl), '--partial-write', '--io-trace'],
          ECHO,
        );
        assert.equal(r.code, 0, explain(r));
        const expected = Array.from({ length: Math.ceil(LINE.length / mfl) }, (_, i) =>
          Math.min(mfl, LINE.length - i * mfl),
        );
        assert.deepEqual(successes(r.stderr, 'SSL_write'), expected, explain(r));
        const reads = successes(r.stderr, 'SSL_read');
        assert.equal(
          reads.reduce((a, b) => a + b, 0),
          LINE.length,
          explain(r),
        );
        assert.ok(
          reads.every((n) => n <= mfl),
          `reads ${reads.join(' ')}`,
        );
      });
    }
    test(`--max-fragment-length 512 (${version.slice(1)}): --json reports maxSendFragment 512`, async () => {
      const r = await against([version], ['--max-fragment-length', '512', '--json'], {
        send: 'hi\n',
        timeoutMs: 15_000,
      });
      assert.equal(r.code, 0, explain(r));
      const c = connectionOf(r);
      assert.equal(c.maxSendFragment, 512);
      assert.equal(c.protocol, version === '-tls1_3' ? 'TLSv1.3' : 'TLSv1.2');
    });
  }
  test('without --max-fragment-length --json reports maxSendFragment 16384', async () => {
    const r = await against(['-tls1_3'], ['--json'], { send: 'hi\n', timeoutMs: 15_000 });
    assert.equal(r.code, 0, explain(r));
    assert.equal(connectionOf(r).maxSendFragment, 16384);
  });
});
