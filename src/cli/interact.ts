/**
 * The interactive part of a run, as s_client does it: server data to stdout, stdin to the server
 * with the SSL_write retry contract, `read R BLOCK`/`write W BLOCK` or --io-trace lines, and the
 * TLS 1.3 ticket wait before closing.
 */
import { ProtocolVersion } from '../tls/codec/names.js';
import type { CliOptions } from './options.js';
import { SslError } from '../tls/types.js';
import { SyscallError, UnexpectedEof } from '../tls/errors.js';
import { failureOf, waitEvent, type Link } from './drive.js';
import { formatBlock, formatIoCall } from './iotrace.js';
import { TimeoutError, warningLine, type ErrorContext } from './exit.js';
import { StdinReader, type StdinCommand } from './stdin.js';
import type { Io } from './io.js';
import { monotonicMs } from './monotonic.js';

type Phase = { current: NonNullable<ErrorContext['phase']> };
/** How reading stopped: nothing more to read now, close_notify, or TCP EOF without close_notify. */
type ReadEnd = 'idle' | 'closed' | 'closed-without-notify';

const READ_SIZE = 16384;

/** Calls SSL_read while the socket has data; echoes it; reports WANT_READ as s_client does. */
function pumpReads(opts: CliOptions, io: Io, link: Link, phase: Phase): { end: ReadEnd; progressed: boolean } {
  const { conn, transport } = link;
  const buf = new Uint8Array(READ_SIZE);
  let progressed = false;
  while (transport.readable || conn.pending() > 0) {
    const r = conn.read(buf);
    const e = conn.getError(r);
    if (opts.ioTrace) {
      io.stderr.write(
        formatIoCall('SSL_read', buf.length, {
          ret: r,
          error: e,
          errno: conn.lastErrno?.code ?? null,
          ...(conn.errors[0] ? { reason: conn.errors[0].reason } : {}),
          ...(conn.wantReason ? { note: conn.wantReason } : {}),
        }) + '\n',
      );
    }
    if (r > 0) {
      if (opts.output !== 'json') io.stdout.write(buf.slice(0, r));
      progressed = true;
      continue;
    }
    if (e === SslError.ZERO_RETURN) return { end: 'closed', progressed: true };
    if (e === SslError.WANT_READ) {
      if (!conn.wantReason) break; // a partial record: wait for the rest
      if (!opts.ioTrace) io.stderr.write(formatBlock('read') + '\n');
      progressed = true;
      continue;
    }
    if (e === SslError.WANT_WRITE) break;
    if (conn.failure instanceof UnexpectedEof && conn.failure.afterHandshake)
      return { end: 'closed-without-notify', progressed: true };
    phase.current = 'read';
    throw failureOf(conn);
  }
  return { end: 'idle', progressed };
}

/** One SSL_write attempt for the pending stdin chunk; returns what is left to send. */
function writeOnce(opts: CliOptions, io: Io, link: Link, out: Uint8Array, phase: Phase): Uint8Array | null | 'blocked' {
  const { conn } = link;
  const r = conn.write(out);
  const e = conn.getError(r);
  if (opts.ioTrace) {
    io.stderr.write(
      formatIoCall('SSL_write', out.length, {
        ret: r,
        error: e,
        errno: conn.lastErrno?.code ?? null,
        ...(conn.errors[0] ? { reason: conn.errors[0].reason } : {}),
      }) + '\n',
    );
  }
  if (r > 0) return r < out.length ? out.subarray(r) : null; // a partial write: the rest goes next
  if (e === SslError.WANT_WRITE) {
    if (!opts.ioTrace) io.stderr.write(formatBlock('write') + '\n');
    return 'blocked';
  }
  if (e === SslError.WANT_READ) {
    // A renegotiation must finish first (s_client prints "write R BLOCK"); retry on socket events.
    if (!opts.ioTrace) io.stderr.write('write R BLOCK\n');
    return 'blocked';
  }
  phase.current = 'write';
  if (e === SslError.SYSCALL) throw new SyscallError(conn.lastErrno?.code ?? 'EIO', conn.lastErrno?.errno ?? 5);
  throw failureOf(conn);
}

/**
 * Relays until stdin ends (then `beforeClose`, e.g. the ticket wait) or the server closes.
 * Retries after WANT_WRITE present the same buffer and length, as OpenSSL requires. As in
 * s_client's loop, pending output is written before reading: when the peer has gone away while
 * data is still to be sent, that write reports the transport error (EPIPE, ECONNRESET) instead
 * of the read reporting a close.
 */
export async function interact(
  opts: CliOptions,
  io: Io,
  link: Link,
  phase: Phase,
  beforeClose?: () => Promise<void>,
): Promise<ReadEnd | 'eof' | 'quit'> {
  // s_client reads commands only without -ign_eof and -nocommands (apps/s_client.c: cmdletters,
  // c_ign_eof), and its -quiet sets c_ign_eof: so --quiet turns them off here too (binary stdin).
  const commands = opts.interactive && !opts.ignEof && opts.output !== 'quiet';
  const stdin = new StdinReader(io.stdin, opts.crlf, commands);
  let out: Uint8Array | null = null;
  for (;;) {
    let progressed = false;
    if (!out && !stdin.ended && link.transport.peerGone) {
      // The peer closed or failed while standard input is still open: input that has already
      // arrived gets one turn of the event loop to reach us, so that it is written (and the
      // write reports EPIPE/ECONNRESET) rather than the close being taken for a clean end.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (!out) {
      const next = stdin.take();
      if (typeof next === 'string') {
        if (command(opts, io, link, next) === 'quit') return 'quit';
        continue;
      }
      out = next;
    }
    if (out) {
      const left = writeOnce(opts, io, link, out, phase);
      if (left !== 'blocked') {
        out = left;
        progressed = true;
      }
    }
    const reads = pumpReads(opts, io, link, phase);
    if (reads.end !== 'idle') return reads.end;
    progressed ||= reads.progressed;
    if (!out && stdin.ended && !opts.ignEof) {
      if (opts.output === 'report') io.stderr.write('DONE\n');
      if (beforeClose) await beforeClose();
      return 'eof';
    }
    if (!progressed) {
      const waits: Promise<void>[] = [waitEvent(link.transport, opts.timeoutMs, 'idle')];
      if (!out && !stdin.ended) waits.push(stdin.wait());
      await Promise.race(waits);
    }
  }
}

/**
 * One stdin command, as s_client's loop runs it: `Q` prints DONE and ends the session at once
 * (close_notify, exit 0); `K`/`k` send a TLS 1.3 KeyUpdate with update_requested or
 * update_not_requested (RFC 8446 §4.6.3), announced by KEYUPDATE; `R` starts a TLS 1.2
 * renegotiation (RFC 5246 §7.4.1.2, secure renegotiation only), announced by RENEGOTIATING, which
 * SSL_read/SSL_write then drive. A command that cannot run on this connection is a warning, never data.
 */
function command(opts: CliOptions, io: Io, link: Link, c: StdinCommand): 'quit' | 'done' {
  const report = opts.output === 'report';
  if (c === 'Q') {
    if (report) io.stderr.write('DONE\n');
    return 'quit';
  }
  const tls13 = link.conn.handshake.info.version === ProtocolVersion.TLS1_3;
  if (c === 'K' || c === 'k') {
    if (!tls13) {
      io.stderr.write(warningLine(`${c}: KeyUpdate needs TLS 1.3; command ignored`) + '\n');
      return 'done';
    }
    if (report) io.stderr.write('KEYUPDATE\n');
    link.conn.keyUpdate(c === 'K');
    return 'done';
  }
  // R: as s_client, RENEGOTIATING then SSL_renegotiate; what refuses it is said, and the session goes on.
  if (report) io.stderr.write('RENEGOTIATING\n');
  if (link.conn.renegotiate() !== 1) {
    const why = link.conn.errors[0]?.reason ?? 'renegotiation refused';
    io.stderr.write(warningLine(`R: ${why}; command ignored`) + '\n');
  }
  return 'done';
}

/** After a TLS 1.3 handshake: reads until a NewSessionTicket arrived or --ticket-wait ran out. */
export async function awaitTicket(opts: CliOptions, io: Io, link: Link): Promise<void> {
  const deadline = monotonicMs() + opts.ticketWaitMs;
  const phase: Phase = { current: 'read' };
  while (link.conn.handshake.info.tickets === 0) {
    const reads = pumpReads(opts, io, link, phase);
    if (reads.end !== 'idle' || link.conn.handshake.info.tickets > 0) return;
    const left = deadline - monotonicMs();
    if (left <= 0) return;
    try {
      await waitEvent(link.transport, left, 'idle');
    } catch (e) {
      if (e instanceof TimeoutError) return;
      throw e;
    }
  }
  pumpReads(opts, io, link, phase); // what else already arrived (OpenSSL sends its tickets together)
}
