/**
 * A scriptable, sans-IO TLS server for in-memory unit tests of the client, built from the
 * project's own codec, key schedule, PRF, transcript and record protection. It sits on the other
 * end of memoryPair() and does nothing until pump()ed: each pump drains what the client wrote,
 * processes whole records and writes the answers.
 *
 *   const pair = await connectPair({ version: 0x0304, group: 'secp256r1', tickets: 2 });
 *   handshake(pair);                         // alternates conn.connect() and server.pump()
 *   writeAll(pair, utf8('ping'));  pair.server.pump();
 *   assert.equal(toHex(pair.server.received()), toHex(utf8('ping')));
 *   pair.server.send(utf8('pong'));  readExactly(pair, 4);
 *   pair.server.closeNotify();               // client read → 0, getError ZERO_RETURN
 *
 * The server class: tls-server-core.ts; version flows: tls-server13.ts, tls-server12.ts; options,
 * store and codec: tls-server-common.ts.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { concat } from '../../src/tls/codec/bytes.js';
import { getProvider } from '../../src/net/providers.js';
import type { CryptoProvider } from '../../src/tls/crypto/index.js';
import { memoryPair, type MemoryTransport } from '../../src/net/memory.js';
import { Context } from '../../src/tls/context.js';
import { Connection, type ConnectionEvents } from '../../src/tls/connection.js';
import type { ClientParams } from '../../src/tls/handshake/client.js';
import type { Session } from '../../src/tls/session/session.js';
import { SslError, type ContextOptions, type MessageEvent } from '../../src/tls/types.js';
import { ensurePki, type LeafName } from './pki.js';
import { ServerStore, type TestServerOptions } from './tls-server-common.js';
import { TestServer } from './tls-server-core.js';

export { TestServer, type TestServerInit } from './tls-server-core.js';
export {
  ServerStore,
  type MutateHook,
  type MutateKind,
  type ParsedClientHello,
  type ServerFacts,
  type TestServerOptions,
} from './tls-server-common.js';

// --- pairs ---------------------------------------------------------------------------------------

/** DER certificates of a PEM file, in order. */
export function pemCertificates(path: string): Uint8Array[] {
  const blocks =
    readFileSync(path, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new Uint8Array(new X509Certificate(b).raw));
}

/** A PEM private key as PKCS#8 DER. */
export function pemKeyPkcs8(path: string): Uint8Array {
  return new Uint8Array(createPrivateKey(readFileSync(path, 'utf8')).export({ type: 'pkcs8', format: 'der' }));
}

export interface TestCredentials {
  /** Leaf + intermediate, DER. */
  chain: Uint8Array[];
  key: Uint8Array;
  /** The test root, DER: the client's trust anchor. */
  root: Uint8Array;
}

const credentials = new Map<LeafName, TestCredentials>();

/** A leaf of the test PKI (ensurePki) as DER, cached per process. */
export async function testCredentials(leaf: LeafName = 'p256'): Promise<TestCredentials> {
  const cached = credentials.get(leaf);
  if (cached) return cached;
  const pki = await ensurePki();
  const files = pki.leaf(leaf);
  const c = { chain: pemCertificates(files.chain), key: pemKeyPkcs8(files.key), root: pemCertificates(pki.root)[0]! };
  credentials.set(leaf, c);
  return c;
}

export interface TestPair {
  conn: Connection;
  server: TestServer;
  ctx: Context;
  clientTransport: MemoryTransport;
  serverTransport: MemoryTransport;
  /** Sessions the client handed out (events.session), in order. */
  sessions: Session[];
  /** The client's --msg trace. */
  messages: MessageEvent[];
}

export interface ClientSide {
  /** Offered for resumption (ClientParams.session). */
  session?: Session;
  /** 0-RTT data to send with it (ClientParams.earlyData). */
  earlyData?: Uint8Array;
  servername?: string | null;
  verifyName?: string | null;
  events?: ConnectionEvents;
  /** Test PKI leaf the server presents (default p256). */
  leaf?: LeafName;
  /**
   * The client's crypto provider: by default the CLI's node provider, with its AEADs on the native
   * binding when that is built (the server's are node:crypto's, so each record is checked across
   * the two).
   */
  provider?: CryptoProvider;
}

/**
 * memoryPair() + a Context (the node provider) trusting the test root + a Connection to 'localhost' + a TestServer
 * presenting the p256 leaf. Nothing is sent until handshake(pair) or the caller drives it.
 */
export async function connectPair(
  serverOpts: Partial<TestServerOptions> = {},
  clientCtxOverrides: Partial<ContextOptions> = {},
  client: ClientSide = {},
): Promise<TestPair> {
  const creds = await testCredentials(client.leaf ?? 'p256');
  const [clientTransport, serverTransport] = memoryPair();
  const provider = client.provider ?? (await getProvider('node'));
  const ctx = new Context(provider, { trustAnchors: [creds.root], now: Date.now, ...clientCtxOverrides });
  const sessions: Session[] = [];
  const messages: MessageEvent[] = [];
  const params: ClientParams = {
    servername: client.servername === undefined ? 'localhost' : client.servername,
    verifyName: client.verifyName === undefined ? 'localhost' : client.verifyName,
    ...(client.session ? { session: client.session } : {}),
    ...(client.earlyData ? { earlyData: client.earlyData } : {}),
  };
  const events: ConnectionEvents = {
    ...client.events,
    session: (s) => {
      sessions.push(s);
      client.events?.session?.(s);
    },
    message: (m) => {
      messages.push(m);
      client.events?.message?.(m);
    },
  };
  const conn = new Connection(ctx, clientTransport, params, events);
  const server = new TestServer(serverTransport, { chain: creds.chain, key: creds.key, ...serverOpts });
  return { conn, server, ctx, clientTransport, serverTransport, sessions, messages };
}

/** What went wrong on both sides, for assertion messages. */
export function describeFailure(pair: TestPair, ret: number): string {
  const e = pair.conn.getError(ret);
  return (
    `client: SslError ${SslError[e]} ${JSON.stringify(pair.conn.errors)} ${pair.conn.failure?.message ?? ''}; ` +
    `server: ${pair.server.error?.message ?? 'no error'}`
  );
}

/** Alternates conn.connect() and server.pump() until both sides finished the handshake. */
export function handshake(pair: TestPair, maxRounds = 50): void {
  for (let i = 0; i < maxRounds; i++) {
    const r = pair.conn.connect();
    if (r !== 1) {
      const e = pair.conn.getError(r);
      if (e !== SslError.WANT_READ && e !== SslError.WANT_WRITE)
        throw new Error(`handshake failed: ${describeFailure(pair, r)}`);
    }
    pair.server.pump();
    if (r === 1 && pair.server.connected) return;
    if (r === 1 && pair.server.error) throw new Error(`handshake failed on the server: ${pair.server.error.message}`);
  }
  throw new Error(`handshake did not complete in ${maxRounds} rounds: ${describeFailure(pair, -1)}`);
}

/** conn.write() until all of `data` is taken, pumping the server between WANT_WRITE retries. */
export function writeAll(pair: TestPair, data: Uint8Array, maxRounds = 1000): number {
  for (let i = 0; i < maxRounds; i++) {
    const r = pair.conn.write(data);
    if (r > 0) {
      pair.server.pump();
      return r;
    }
    const e = pair.conn.getError(r);
    if (e !== SslError.WANT_WRITE && e !== SslError.WANT_READ)
      throw new Error(`write failed: ${describeFailure(pair, r)}`);
    pair.server.pump();
  }
  throw new Error(`write did not complete in ${maxRounds} rounds`);
}

/** conn.read() until n bytes arrived, pumping the server in between. */
export function readExactly(pair: TestPair, n: number, maxRounds = 1000): Uint8Array {
  const parts: Uint8Array[] = [];
  let got = 0;
  const buf = new Uint8Array(16384);
  for (let i = 0; i < maxRounds && got < n; i++) {
    pair.server.pump();
    const r = pair.conn.read(buf.subarray(0, Math.min(buf.length, n - got)));
    if (r > 0) {
      parts.push(buf.slice(0, r));
      got += r;
      continue;
    }
    if (r === 0) throw new Error(`read: connection closed after ${got} of ${n} bytes`);
    const e = pair.conn.getError(r);
    if (e !== SslError.WANT_READ && e !== SslError.WANT_WRITE)
      throw new Error(`read failed: ${describeFailure(pair, r)}`);
  }
  if (got < n) throw new Error(`read: ${got} of ${n} bytes after ${maxRounds} rounds`);
  return concat(...parts);
}

/** One conn.read() after a pump: the return value and SSL_get_error. */
export function readOnce(pair: TestPair, size = 16384): { ret: number; error: SslError; data: Uint8Array } {
  pair.server.pump();
  const buf = new Uint8Array(size);
  const ret = pair.conn.read(buf);
  return { ret, error: pair.conn.getError(ret), data: buf.slice(0, Math.max(0, ret)) };
}

// --- tickets and resumption ------------------------------------------------------------------------

/** handshake(), then one read so that TLS 1.3 tickets are processed (the read then finds nothing: WANT_READ). */
export function handshakeAndReadTickets(pair: TestPair): void {
  handshake(pair);
  if (pair.server.facts.version !== 0x0304) return;
  const r = readOnce(pair);
  if (r.error !== SslError.WANT_READ) throw new Error(`reading the tickets: ${describeFailure(pair, r.ret)}`);
}

/** A full handshake with a server of these options (one ticket, a fresh store) that leaves a session. */
export async function ticketFrom(
  server: Partial<TestServerOptions> = {},
  clientCtxOverrides: Partial<ContextOptions> = {},
): Promise<{ pair: TestPair; s: Session; store: ServerStore }> {
  const store = new ServerStore();
  const pair = await connectPair({ tickets: 1, store, ...server }, clientCtxOverrides);
  handshakeAndReadTickets(pair);
  const s = pair.sessions.at(-1);
  if (!s) throw new Error('the handshake left no session');
  return { pair, s, store };
}

/** A resumption of `s` sending `earlyData` as 0-RTT, not yet driven; the key log lines it produces. */
export async function resumeWithEarlyData(
  server: Partial<TestServerOptions>,
  clientCtxOverrides: Partial<ContextOptions>,
  s: Session,
  earlyData: Uint8Array,
): Promise<{ pair: TestPair; keylog: string[] }> {
  const keylog: string[] = [];
  const pair = await connectPair({ tickets: 1, ...server }, clientCtxOverrides, {
    session: s,
    earlyData,
    events: { keylog: (l) => keylog.push(l) },
  });
  return { pair, keylog };
}
