/**
 * Driving a sans-IO Connection over a SocketTransport: TCP connect with a bound, the handshake
 * loop (WANT_READ/WANT_WRITE wait for socket events), and bounded waits.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { Connection, type ConnectionEvents } from '../tls/connection.js';
import type { Context } from '../tls/context.js';
import type { ClientParams } from '../tls/handshake/client.js';
import { SslError } from '../tls/types.js';
import { SocketTransport, DEFAULT_SNDBUF } from '../net/socket.js';
import { UnexpectedEof } from '../tls/errors.js';
import { PeerClosedError, TimeoutError } from './exit.js';

/** A TCP connection plus the TLS connection over it. */
export interface Link {
  socket: Socket;
  transport: SocketTransport;
  conn: Connection;
  connectMs: number;
  handshakeMs: number;
}

/** Opens a TCP connection within `timeoutMs`; rejects with the socket error or TimeoutError. */
export function tcpConnect(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port, noDelay: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new TimeoutError('connect', timeoutMs));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** Resolves after `ms`, or never when ms is null; the timer does not keep the process alive. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * Waits for the next socket event, failing with TimeoutError after `ms` (null: no limit);
 * `limitMs` is the configured limit the error message names (default `ms`).
 */
export async function waitEvent(
  t: SocketTransport,
  ms: number | null,
  phase: TimeoutError['phase'],
  limitMs = ms,
): Promise<void> {
  if (ms === null) return t.wait();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(phase, limitMs ?? ms)), ms);
  });
  try {
    await Promise.race([t.wait(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The error behind a failed call, as the exit mapper should see it. */
export function failureOf(conn: Connection): Error {
  const f = conn.failure;
  if (f instanceof UnexpectedEof && !f.afterHandshake) return new PeerClosedError('handshake');
  return f ?? new Error('connection failed');
}

export interface LinkOptions {
  host: string;
  port: number;
  connectTimeoutMs: number;
  sndbuf: number | null;
  /** Called once TCP is connected (the run loop's error context moves to "handshake"). */
  onTcpConnected?: () => void;
  /** Called with the Connection before its handshake, so a failed one can still be reported. */
  onConnection?: (conn: Connection) => void;
  /** Something to do on the plain socket before TLS (STARTTLS). */
  beforeTls?: (socket: Socket) => Promise<void>;
}

/** TCP connect, then the TLS handshake within the connect timeout. Throws the failure. */
export async function openLink(
  ctx: Context,
  o: LinkOptions,
  params: ClientParams,
  events: ConnectionEvents,
): Promise<Link> {
  const t0 = performance.now();
  const socket = await tcpConnect(o.host, o.port, o.connectTimeoutMs);
  const connectMs = performance.now() - t0;
  o.onTcpConnected?.();
  try {
    if (o.beforeTls) await o.beforeTls(socket);
    const transport = new SocketTransport(socket, o.sndbuf ?? DEFAULT_SNDBUF, o.sndbuf !== null);
    const conn = new Connection(ctx, transport, params, events);
    o.onConnection?.(conn);
    const deadline = performance.now() + o.connectTimeoutMs;
    for (;;) {
      const r = conn.connect();
      if (r === 1) break;
      const e = conn.getError(r);
      if (e !== SslError.WANT_READ && e !== SslError.WANT_WRITE) throw failureOf(conn);
      const left = deadline - performance.now();
      if (left <= 0) throw new TimeoutError('handshake', o.connectTimeoutMs);
      await waitEvent(transport, left, 'handshake', o.connectTimeoutMs);
    }
    return { socket, transport, conn, connectMs, handshakeMs: performance.now() - t0 - connectMs };
  } catch (e) {
    socket.destroy();
    throw e;
  }
}
