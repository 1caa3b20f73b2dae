/**
 * Closing a link as s_client's `shut:` path does (apps/s_client.c): do_ssl_shutdown retries
 * SSL_shutdown until close_notify is written, then shutdown(fd, SHUT_WR), then incoming data is
 * consumed until EOF or for at most 500 ms ("some extreme round-trip") before BIO_closesocket, so
 * that unread data does not turn the close into a TCP RST (which drops what the kernel has not
 * sent yet).
 *
 * Node adds a step s_client does not need: bytes SSL_write handed to the socket may still sit in
 * this process (Node's write queue) instead of the kernel. They are the tail of the user's data
 * and die with the process, so the close waits until the socket has written every one of them and
 * the FIN (socket.end's 'finish'), bounded by --timeout while nothing moves. A socket error while
 * they were queued means they were lost: SYSCALL with the errno, exit 1. An error that can only
 * cost the close_notify is ignored, as do_ssl_shutdown ignores SSL_shutdown's failures.
 */
import { SslError } from '../tls/types.js';
import { SyscallError } from '../tls/errors.js';
import type { SocketTransport } from '../net/socket.js';
import { waitEvent, type Link } from './drive.js';
import { TimeoutError } from './exit.js';
import { monotonicMs } from './monotonic.js';

/** s_client's wait for the peer's EOF after SHUT_WR. */
const LINGER_MS = 500;

/**
 * Sends close_notify (SSL_shutdown), flushes every queued byte and half-closes, waits briefly for
 * the peer's EOF (`linger`: the end of the run; s_client's -reconnect closes the fd right after
 * do_ssl_shutdown), then closes the socket. Throws SyscallError when queued data could not be
 * written, TimeoutError when it did not move for `timeoutMs` (null: no limit).
 */
export async function closeLink(link: Link, timeoutMs: number | null, linger = true): Promise<void> {
  const { conn, transport } = link;
  // Application data still in this process (a failed transport keeps it there for good).
  const dataQueued = transport.queued > 0;
  if (!conn.failure) {
    // do_ssl_shutdown: retry while the close_notify would block (our send buffer is full).
    for (let r = conn.shutdown(); r < 0 && conn.getError(r) === SslError.WANT_WRITE; r = conn.shutdown()) {
      await waitMoving(transport, timeoutMs);
    }
  }
  conn.free();
  transport.end();
  while (!transport.finished) {
    const err = transport.error;
    if (err || link.socket.destroyed) {
      if (dataQueued && transport.queued > 0) {
        const e = err ?? { error: 'EPIPE', errno: 32 };
        throw new SyscallError(e.error, e.errno);
      }
      break;
    }
    await waitMoving(transport, timeoutMs);
  }
  if (linger) await awaitPeerEof(transport);
  link.socket.destroy();
}

/**
 * The next socket event; TimeoutError after `timeoutMs` only if the queue did not shrink in the
 * meantime (a slow reader is still traffic: Node reports no event per chunk the kernel takes).
 */
async function waitMoving(t: SocketTransport, timeoutMs: number | null): Promise<void> {
  let before = t.queued;
  for (;;) {
    try {
      return await waitEvent(t, timeoutMs, 'idle');
    } catch (e) {
      if (!(e instanceof TimeoutError) || t.queued >= before) throw e;
      before = t.queued;
    }
  }
}

/** Waits for the peer's EOF (or an error, or the close) for at most LINGER_MS. */
async function awaitPeerEof(t: SocketTransport): Promise<void> {
  const deadline = monotonicMs() + LINGER_MS;
  while (!t.peerGone) {
    const left = deadline - monotonicMs();
    if (left <= 0) return;
    try {
      await waitEvent(t, left, 'idle');
    } catch (e) {
      if (e instanceof TimeoutError) return;
      throw e;
    }
  }
}
