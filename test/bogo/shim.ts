/**
 * The BoGo shim: BoringSSL's ssl/test/runner starts it once per test (PORTING.md). It connects to
 * the runner, sends the shim id, runs the TLS client over the library API (Context, Connection)
 * and mirrors bssl_shim.cc's DoConnection/DoExchange flow and checks. Exit 0 on success, 1 on
 * failure (reason on stderr), 89 for what it does not implement.
 *
 *   npm run bogo           builds the runner and this file (esbuild), runs the client tests
 */
import { Buffer } from 'node:buffer';
import { appendFileSync, readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  AlertDescription,
  Connection,
  Context,
  Mode,
  SocketTransport,
  SslError,
  UnexpectedEof,
  getProvider,
  isResumable,
  suiteById,
  type CryptoProvider,
  type MessageEvent,
  type Session,
} from '../../src/index.js';
import { ShimConfig, Unimplemented, firstUnimplemented, parseArgs, type ParsedArgs } from './flags.js';
import { INITIAL_WRITE, afterHandshake, earlyDataParam } from './early.js';
import { BSSL_TLS12, cipherString, contextOptions, type VerifyHooks } from './options.js';
import { checkEchRejection, checkHandshake, checkTls13Session, type TestState } from './checks.js';
import { AsyncTransport, connectRunner, drainAndClose } from './transport.js';

const EXIT_UNIMPLEMENTED = 89;
/** RFC 8446 §4.1.3: the random of a HelloRetryRequest (SHA-256 of "HelloRetryRequest"). */
const HRR_RANDOM = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';

/** A check or call failed: the test fails with this text. */
class ShimFailure extends Error {}

/** One TLS connection of a test, as bssl_shim's DoConnection sets it up. */
class ShimConnection {
  readonly conn: Connection;
  readonly sock: SocketTransport;
  readonly async?: AsyncTransport;

  constructor(
    readonly st: TestState,
    readonly c: ShimConfig,
    readonly socket: Socket,
    ctx: Context,
    session: Session | undefined,
  ) {
    this.sock = new SocketTransport(socket);
    if (c.bool('-async')) this.async = new AsyncTransport(this.sock);
    const host = c.str('-host-name');
    this.conn = new Connection(
      ctx,
      this.async ?? this.sock,
      {
        servername: host || null,
        verifyName: null,
        ...(session ? { session } : {}),
        ...(earlyDataParam(c, session) ? { earlyData: earlyDataParam(c, session) } : {}),
      },
      {
        // NewSessionCallback: only sessions a later connection could offer count.
        session: (s) => {
          if (!isResumable(s)) return;
          this.st.gotNewSession = true;
          this.st.newSession = s;
        },
        message: (e) => this.onMessage(e),
      },
    );
    if (c.bool('-partial-write')) this.conn.setMode(Mode.ENABLE_PARTIAL_WRITE);
  }

  private onMessage(e: MessageEvent): void {
    if (e.contentType !== 22) return;
    if (e.direction === 'sent' && e.bytes[0] === 1 && this.conn.handshake.done) this.st.renegotiations++;
    if (e.direction === 'received' && e.bytes[0] === 2 && e.bytes.length >= 39) {
      const b = e.bytes;
      const sidLen = b[38] ?? 0;
      const at = 39 + sidLen;
      this.st.serverHello = {
        version: ((b[4] ?? 0) << 8) | (b[5] ?? 0),
        suite: ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0),
      };
      // SSL_used_hello_retry_request: ConnectionInfo.handshake says 'resumed' for a resumption after HRR.
      if (Buffer.from(b.subarray(6, 38)).toString('hex') === HRR_RANDOM) this.st.usedHrr = true;
    }
  }

  /** RetryAsync: grants one byte on the side the library waits on (-async), or waits for the socket. */
  async drive(op: () => number): Promise<number> {
    for (;;) {
      const r = op();
      if (r > 0) return r;
      const err = this.conn.getError(r);
      const a = this.async;
      if (err === SslError.WANT_READ) {
        if (a && a.readQuota === 0) {
          a.readQuota = 1;
          continue;
        }
        await (this.sock.readable ? new Promise<void>((res) => setImmediate(res)) : this.sock.wait());
        continue;
      }
      // RetryAsync: -renegotiate-explicit answers WANT_RENEGOTIATE with SSL_renegotiate.
      if (err === SslError.WANT_RENEGOTIATE && this.c.bool('-renegotiate-explicit')) {
        this.st.explicitRenegotiates = (this.st.explicitRenegotiates ?? 0) + 1;
        if (this.conn.renegotiate() !== 1) return r;
        continue;
      }
      if (err === SslError.WANT_WRITE) {
        if (a && a.enforceWriteQuota && a.writeQuota === 0) {
          a.writeQuota = 1;
          continue;
        }
        await this.sock.wait();
        continue;
      }
      return r;
    }
  }

  /**
   * -peek-then-read (bssl_shim DoRead): SSL_peek, a second SSL_peek that must return the same
   * bytes, then SSL_read of that many, which must return them once more and consume them.
   */
  private peekThenRead(buf: Uint8Array): number {
    const n = this.conn.peek(buf);
    if (n <= 0) return n;
    const again = new Uint8Array(n);
    if (this.conn.peek(again) !== n || !again.every((b, i) => b === buf[i]))
      throw new ShimFailure('First and second SSL_peek did not match.');
    if (this.conn.read(again) !== n || !again.every((b, i) => b === buf[i]))
      throw new ShimFailure('SSL_peek and SSL_read did not match.');
    return n;
  }

  /** Why the last call failed, for stderr (SSL_get_error and the error queue). */
  failure(what: string): ShimFailure {
    const f = this.conn.failure;
    const q = this.conn.errors.map((e) => e.reason).join('; ');
    return new ShimFailure(`${what} failed: ${f?.message ?? 'no failure recorded'}${q ? ` [${q}]` : ''}`);
  }

  /** WriteAll: loops over partial writes; a retry passes the same buffer (SSL_write's rule). */
  async writeAll(data: Uint8Array): Promise<void> {
    if (data.length === 0) {
      if (this.conn.write(data) < 0) throw this.failure('SSL_write');
      return;
    }
    for (let off = 0; off < data.length;) {
      // The first call passes `data` itself: a retry of a pending write must present the same buffer.
      const chunk = off === 0 ? data : data.subarray(off);
      const n = await this.drive(() => this.conn.write(chunk));
      if (n <= 0) throw this.failure('SSL_write');
      off += n;
    }
  }

  /** DoRead: n > 0 bytes, 0 at a clean or unclean end (BoringSSL's ZERO_RETURN / SYSCALL with 0). */
  async read(buf: Uint8Array): Promise<number> {
    // DoRead lifts the write quota: SSL_read may have to write (a KeyUpdate answer, a renegotiation).
    if (this.async) this.async.enforceWriteQuota = false;
    try {
      const n = await this.drive(() => {
        const r = this.c.bool('-peek-then-read') ? this.peekThenRead(buf) : this.conn.read(buf);
        exporterBetweenReads(this, this.c);
        return r;
      });
      if (n > 0) return n;
      const err = this.conn.getError(n);
      if (err === SslError.ZERO_RETURN) return 0;
      if (this.conn.failure instanceof UnexpectedEof) return 0;
      throw this.failure('SSL_read');
    } finally {
      if (this.async) this.async.enforceWriteQuota = true;
    }
  }
}

/** DoExchange for a client: handshake, checks, the echo loop, shutdown, renegotiation checks. */
async function doExchange(
  sc: ShimConnection,
  args: ParsedArgs,
  resumeConfig: ShimConfig,
  isResume: boolean,
  offered: Session | undefined,
): Promise<void> {
  const { conn, st } = sc;
  let c = resumeConfig;
  // [early] Bytes of "hello" that went out as 0-RTT data; after a rejection the retry configuration
  // applies (test/bogo/early.ts). The library's handshake carries the early data, so an implicit
  // handshake with early data runs here too, without the handshake checks.
  let earlyOut = 0;
  const early0Rtt = isResume && c.bool('-enable-early-data');
  if (!c.bool('-implicit-handshake') || early0Rtt) {
    if ((await sc.drive(() => conn.connect())) !== 1) throw sc.failure('SSL_do_handshake');
    const early = afterHandshake(conn, args, c, isResume, offered, st);
    if (typeof early === 'string') throw new ShimFailure(early);
    ({ config: c, earlyOut } = early);
  }
  if (!c.bool('-implicit-handshake')) {
    const bad = checkHandshake(conn, c, isResume, st);
    if (bad) throw new ShimFailure(bad);
    if (c.bool('-handshake-twice') && (await sc.drive(() => conn.connect())) !== 1)
      throw sc.failure('second SSL_do_handshake');
    if (c.bool('-no-op-extra-handshake') && conn.connect() !== 1)
      throw new ShimFailure('Extra SSL_do_handshake was not a no-op.');
    st.gotNewSession = false;
  }
  // SSL_get_tls_unique, written for the runner to compare (bssl_shim DoExchange).
  if (c.bool('-tls-unique')) {
    const unique = conn.tlsUnique();
    if (!unique) throw new ShimFailure('failed to get tls-unique');
    if (unique.length !== 12) throw new ShimFailure(`expected 12 bytes of tls-unique but got ${unique.length}`);
    await sc.writeAll(unique);
  }
  await exports(sc, c);
  if (c.bool('-send-alert')) {
    // DoSendFatalAlert: SSL_send_fatal_alert(decompression_failure), and the exchange ends there.
    if ((await sc.drive(() => conn.sendFatalAlert(AlertDescription.decompression_failure))) < 0)
      throw sc.failure('SSL_send_fatal_alert');
    return;
  }
  if (c.bool('-write-different-record-sizes')) {
    const buf = new Uint8Array(32769).fill(0x42);
    for (const len of [0, 1, 255, 256, 257, 16383, 16384, 16385, 32767, 32768, 32769])
      await sc.writeAll(buf.subarray(0, len));
  } else {
    // -read-with-unfinished-write: let one byte of "hello" through, so the write is left pending
    // (WANT_WRITE) while the shim reads; it is finished after the first read, with the same buffer.
    let pendingWrite: Uint8Array | undefined;
    if (c.bool('-read-with-unfinished-write') && earlyOut === 0) {
      if (!sc.async) throw new ShimFailure('-read-with-unfinished-write requires -async.');
      const hello = Buffer.from('hello');
      sc.async.writeQuota = 1;
      if (conn.getError(conn.write(hello)) !== SslError.WANT_WRITE)
        throw new ShimFailure('Failed to leave unfinished write.');
      pendingWrite = hello;
    } else if (c.bool('-shim-writes-first') && earlyOut < INITIAL_WRITE.length)
      await sc.writeAll(INITIAL_WRITE.subarray(earlyOut)); // what did not fit max_early_data_size
    if (!c.bool('-shim-shuts-down')) {
      const readSize = c.int('-read-size') || 512;
      for (;;) {
        const buf = new Uint8Array(readSize);
        const n = await sc.read(buf);
        if (n === 0) break;
        if (pendingWrite) {
          await sc.writeAll(pendingWrite);
          pendingWrite = undefined;
        }
        if (c.bool('-key-update')) {
          try {
            conn.keyUpdate(false);
          } catch (e) {
            throw new ShimFailure(`SSL_key_update failed: ${(e as Error).message}`);
          }
        }
        for (let i = 0; i < n; i++) buf[i] = (buf[i] ?? 0) ^ 0xff;
        await sc.writeAll(buf.subarray(0, n));
      }
    }
  }
  const tls13 = conn.handshake.info.version === 0x0304;
  if (!tls13 && !c.bool('-implicit-handshake') && st.gotNewSession)
    throw new ShimFailure('new session was established after the handshake');
  if (tls13) {
    const bad = checkTls13Session(c, st);
    if (bad) throw new ShimFailure(bad);
  }
  await shutdown(sc, c);
  const want = c.int('-expect-total-renegotiations');
  if (st.renegotiations !== want) throw new ShimFailure(`Expected ${want} renegotiations, got ${st.renegotiations}`);
  if (c.bool('-renegotiate-explicit') && st.renegotiations !== (st.explicitRenegotiates ?? 0))
    throw new ShimFailure(
      `Performed ${st.renegotiations} renegotiations, but triggered ${st.explicitRenegotiates ?? 0} of them`,
    );
}

/**
 * -export-keying-material n (label -export-label, context -export-context with -use-export-context)
 * and -export-traffic-secrets: the bytes go to the runner as application data (bssl_shim DoExchange).
 */
async function exports(sc: ShimConnection, c: ShimConfig): Promise<void> {
  const n = c.int('-export-keying-material');
  if (n > 0) {
    const context = c.bool('-use-export-context') ? Buffer.from(c.str('-export-context'), 'latin1') : undefined;
    let out: Uint8Array;
    try {
      out = sc.conn.exportKeyingMaterial(c.str('-export-label'), n, context);
    } catch (e) {
      throw new ShimFailure(`failed to export keying material: ${(e as Error).message}`);
    }
    await sc.writeAll(out);
  }
  if (c.bool('-export-traffic-secrets')) {
    const s = sc.conn.trafficSecrets();
    if (!s) throw new ShimFailure('failed to export traffic secrets');
    // A uint16_t in the shim's (little-endian) byte order, then both secrets.
    await sc.writeAll(Uint8Array.of(s.read.length & 0xff, s.read.length >> 8));
    await sc.writeAll(s.read);
    await sc.writeAll(s.write);
  }
}

/** -use-exporter-between-reads: one byte with an empty label after every SSL_read (fails during a renegotiation). */
function exporterBetweenReads(sc: ShimConnection, c: ShimConfig): void {
  if (!c.bool('-use-exporter-between-reads')) return;
  try {
    sc.conn.exportKeyingMaterial('', 1);
  } catch (e) {
    throw new ShimFailure(`failed to export keying material: ${(e as Error).message}`);
  }
}

/**
 * DoShutdown. Without -check-close-notify BoringSSL's shim sets quiet shutdown (nothing sent,
 * result 1). With it, SSL_shutdown sends close_notify: 1 if the peer's arrived, else 0, and with
 * -shim-shuts-down a second call must read the peer's close_notify (read until ZERO_RETURN here).
 */
async function shutdown(sc: ShimConnection, c: ShimConfig): Promise<void> {
  if (!c.bool('-check-close-notify')) return;
  let ret = await sc.drive(() => sc.conn.shutdown());
  if (c.bool('-shim-shuts-down')) {
    if (ret !== 0) throw new ShimFailure(`Unexpected SSL_shutdown result: ${ret} != 0`);
    const buf = new Uint8Array(512);
    for (;;) {
      const n = await sc.drive(() => sc.conn.read(buf));
      // BoringSSL's SSL_shutdown reads until close_notify and fails on application data.
      if (n > 0) throw new ShimFailure('SSL_shutdown failed: APPLICATION_DATA_ON_SHUTDOWN');
      if (sc.conn.getError(n) === SslError.ZERO_RETURN) break;
      throw sc.failure('SSL_shutdown');
    }
    ret = await sc.drive(() => sc.conn.shutdown());
  }
  if (ret !== 1) throw new ShimFailure(`Unexpected SSL_shutdown result: ${ret} != 1`);
}

/**
 * A feature the library lacks, seen on the wire: BoringSSL would have offered a TLS 1.2 suite the
 * library does not implement (3DES, with -cipher), and the server refused us before any ServerHello
 * or chose it anyway. A test that fails after one is unimplemented, not failed.
 */
function missingFeature(c: ShimConfig, st: TestState): string | undefined {
  const wanted = c.has('-cipher') ? cipherString(c.str('-cipher')) : BSSL_TLS12;
  const missing = wanted.filter((id) => !suiteById(id));
  const sh = st.serverHello;
  if (missing.length && (!sh || missing.includes(sh.suite)))
    return `cipher suite ${missing.map((id) => `0x${id.toString(16).padStart(4, '0')}`).join(',')}: not in the library`;
  return undefined;
}

async function doConnection(
  args: ParsedArgs,
  c: ShimConfig,
  provider: CryptoProvider,
  now: () => number,
  isResume: boolean,
  session: Session | undefined,
): Promise<Session | undefined> {
  const st: TestState = { gotNewSession: false, renegotiations: 0 };
  // A rejected 0-RTT retry: BoringSSL's shim switches to the -on-retry- configuration before the
  // verification of the 1-RTT handshake (SetTestConfig after SSL_reset_early_data_reject). The
  // library's handshake goes on past the rejection, so the verify callback asks whether it happened.
  const hooks: VerifyHooks = { ...(isResume && c.bool('-enable-early-data') ? { retry: args.retry } : {}) };
  const ctx = new Context(provider, contextOptions(c, now, st, hooks));
  const socket = await connectRunner(c.int('-port'), c.bool('-ipv6'), BigInt(c.str('-shim-id') || '0'));
  const sc = new ShimConnection(st, c, socket, ctx, session);
  hooks.earlyRejected = () => sc.conn.handshake.info.earlyData === 'rejected';
  try {
    let failure: unknown;
    await doExchange(sc, args, c, isResume, session).catch((e: unknown) => (failure = e ?? new Error('failed')));
    // An ECH rejection appears as a failed connection (bssl_shim DoConnection).
    const ech = checkEchRejection(sc.conn, c, failure === undefined);
    if (ech) throw new ShimFailure(ech);
    if (failure !== undefined) throw failure;
  } catch (e) {
    if (st.verifyProblem) throw new ShimFailure(st.verifyProblem);
    const missing = missingFeature(c, sc.st);
    if (missing) throw new Unimplemented(missing);
    throw e;
  } finally {
    await drainAndClose(socket);
  }
  return sc.st.newSession;
}

/** config.json's UnimplementedFlags ($BOGO_CONFIG, set by scripts/bogo.mjs, or the file next to this one). */
function unimplementedFlags(): Record<string, string> {
  const file = process.env.BOGO_CONFIG ?? fileURLToPath(new URL('./config.json', import.meta.url));
  const config = JSON.parse(readFileSync(file, 'utf8')) as { UnimplementedFlags?: Record<string, string> };
  return config.UnimplementedFlags ?? {};
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('-is-handshaker-supported')) {
    process.stdout.write('No\n');
    return 0;
  }
  const args = parseArgs(argv);
  const unimplemented = firstUnimplemented(args, unimplementedFlags());
  if (unimplemented) throw new Unimplemented(unimplemented);
  const provider = await getProvider('node');
  // test_state.cc's clock: -resumption-delay moves it forward between connections.
  // [bogo-b, F10] Frozen at start as BoringSSL's g_clock is (it never ticks on its own): the library's
  // ticket age is now exact to the ms, and TLS13-TestValidTicketAge-Client wants exactly 10 000 ms.
  let clockOffset = 0;
  const clockStart = Date.now();
  const now = (): number => clockStart + clockOffset;
  let session: Session | undefined;
  const resumeCount = args.initial.int('-resume-count');
  for (let i = 0; i <= resumeCount; i++) {
    const isResume = i > 0;
    const c = isResume ? args.resume : args.initial;
    if (isResume && !session) throw new ShimFailure('No session to offer.');
    try {
      session = await doConnection(args, c, provider, now, isResume, session);
    } catch (e) {
      if (e instanceof ShimFailure) throw new ShimFailure(`${e.message}\nConnection ${i + 1} failed.`);
      throw e;
    }
    clockOffset += c.int('-resumption-delay') * 1000;
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof Unimplemented) {
      process.stderr.write(`unimplemented: ${e.message}\n`);
      // scripts/bogo.mjs tallies the reasons (the runner does not report an 89's stderr).
      const log = process.env.BOGO_UNIMPLEMENTED_LOG;
      if (log) appendFileSync(log, `${e.message.replace(/\n/g, ' ')}\n`);
      process.exit(EXIT_UNIMPLEMENTED);
    }
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
