/**
 * Driving a sans-IO Connection over a SocketTransport: TCP connect with a bound, the handshake
 * loop (WANT_READ/WANT_WRITE wait for socket events), and bounded waits.
 */
import type { Socket } from 'node:net';
import { Connection, type ConnectionEvents } from '../tls/connection.js';
import type { Context } from '../tls/context.js';
import type { ClientParams } from '../tls/handshake/client.js';
import { SslError } from '../tls/types.js';
import { SocketTransport, DEFAULT_SNDBUF } from '../net/socket.js';
import { connectPooled } from '../net/pooled-read.js';
import { UnexpectedEof } from '../tls/errors.js';
import { PeerClosedError, TimeoutError } from './exit.js';
import { httpConnect } from '../net/proxy.js';
import type { ProxyOptions } from './cli-options.js';
import { monotonicMs } from './monotonic.js';

/** A TCP connection plus the TLS connection over it. */
export interface Link {
  socket: Socket;
  transport: SocketTransport;
  conn: Connection;
  connectMs: number;
  handshakeMs: number;
}

/** A bound and the flag that set it: the smaller of --connect-timeout and --timeout. */
export interface Bound {
  ms: number;
  flag: '--connect-timeout' | '--timeout';
}

/** The limit for connect, STARTTLS, proxy and handshake: --timeout also bounds them when it is smaller. */
export function setupBound(connectTimeoutMs: number, timeoutMs: number | null): Bound {
  return timeoutMs !== null && timeoutMs < connectTimeoutMs
    ? { ms: timeoutMs, flag: '--timeout' }
    : { ms: connectTimeoutMs, flag: '--connect-timeout' };
}

/**
 * Opens a TCP connection within the bound; rejects with the socket error or TimeoutError. With
 * `family` 4 or 6 only that address family is looked up and tried (s_client -4/-6).
 */
export function tcpConnect(host: string, port: number, limit: Bound | number, family: 0 | 4 | 6 = 0): Promise<Socket> {
  const bound: Bound = typeof limit === 'number' ? { ms: limit, flag: '--connect-timeout' } : limit;
  return new Promise((resolve, reject) => {
    const socket = connectPooled({
      host,
      port,
      noDelay: true,
      ...(family !== 0 ? { family, autoSelectFamily: false } : {}),
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new TimeoutError('connect', bound.ms, bound.flag));
    }, bound.ms);
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
  flag?: TimeoutError['flag'],
): Promise<void> {
  if (ms === null) return t.wait();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(phase, limitMs ?? ms, flag)), ms);
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
  /** --timeout: also bounds each wait of the handshake (null: only the connect timeout does). */
  idleTimeoutMs?: number | null;
  /** -4 / -6 (0: either family). */
  family?: 0 | 4 | 6;
  /** Tunnel through this HTTP CONNECT proxy (the TCP connection goes to it). */
  proxy?: ProxyOptions | null;
  sndbuf: number | null;
  /** Called once TCP is connected (the run loop's error context moves to "handshake"). */
  onTcpConnected?: () => void;
  /** Called once the proxy opened its tunnel. */
  onTunnelOpen?: () => void;
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
  const t0 = monotonicMs();
  const bound = setupBound(o.connectTimeoutMs, o.idleTimeoutMs ?? null);
  const proxy = o.proxy ?? null;
  const socket = await tcpConnect(proxy ? proxy.host : o.host, proxy ? proxy.port : o.port, bound, o.family ?? 0);
  const connectMs = monotonicMs() - t0;
  o.onTcpConnected?.();
  try {
    if (proxy) {
      const req = { host: o.host, port: o.port, user: proxy.user, password: proxy.password, timeoutMs: bound.ms };
      await httpConnect(socket, req, proxy.target);
      o.onTunnelOpen?.();
    }
    if (o.beforeTls) await o.beforeTls(socket);
    const transport = new SocketTransport(socket, o.sndbuf ?? DEFAULT_SNDBUF, o.sndbuf !== null);
    const conn = new Connection(ctx, transport, params, events);
    o.onConnection?.(conn);
    const deadline = monotonicMs() + o.connectTimeoutMs;
    const idle = o.idleTimeoutMs ?? null;
    for (;;) {
      const r = conn.connect();
      if (r === 1) break;
      const e = conn.getError(r);
      if (e !== SslError.WANT_READ && e !== SslError.WANT_WRITE) throw failureOf(conn);
      const left = deadline - monotonicMs();
      if (left <= 0) throw new TimeoutError('handshake', o.connectTimeoutMs);
      // --timeout is an idle limit: a server silent that long mid-handshake is given up on too.
      if (idle !== null && idle < left) await waitEvent(transport, idle, 'handshake', idle, '--timeout');
      else await waitEvent(transport, left, 'handshake', o.connectTimeoutMs);
    }
    return { socket, transport, conn, connectMs, handshakeMs: monotonicMs() - t0 - connectMs };
  } catch (e) {
    socket.destroy();
    throw e;
  }
}
