/**
 * A Transport over a node:net socket, emulating a non-blocking socket (OpenSSL's socket BIO):
 *
 * - Writes. Node sockets never refuse a write, so the send buffer is emulated. As in Linux's
 *   tcp_sendmsg, a write is taken whole while fewer than `sndbuf` bytes are queued, and would
 *   block once `sndbuf` or more are. By default (64 KiB, about a loopback socket's buffer) the
 *   queue is what the kernel has not taken yet (socket.writableLength), so writes block only when
 *   the peer stops reading. With an explicit --sndbuf (`emulated`), bytes stay queued until Node
 *   reports them written (the write callback, at the earliest on the next turn of the event loop):
 *   a send buffer that drains between event-loop turns, so WANT_WRITE and partial writes become
 *   visible even on a fast link.
 * - Errors. Node reports socket errors asynchronously (the 'error' event); from then on every
 *   write (and a read once the delivered data is consumed) returns that errno. A socket Node has
 *   ended or destroyed, or whose peer has sent FIN (Node closes the write side then, unless
 *   allowHalfOpen), gives EPIPE on write, as write(2) would.
 * - Reads come from what the socket has delivered; then the error, EOF, or would-block.
 * - Closing. Bytes write() accepted may still be queued in this process (`queued`): the caller
 *   must wait for `finished` after `end()` before the process exits, or they are lost.
 */
import type { Socket } from 'node:net';
import type { Transport, TransportRead, TransportWrite } from '../tls/types.js';
import { errnoOf } from './errno.js';
import { pooledReads, type PooledReads, type ReadSink } from './pooled-read.js';

export const DEFAULT_SNDBUF = 64 * 1024;

const EPIPE = { error: 'EPIPE', errno: 32 } as const;

export class SocketTransport implements Transport, ReadSink {
  /** What arrived and was not read yet, in order; NO_CHUNKS while there is none (issue 14: an idle connection keeps no array). */
  private chunks: Uint8Array[] = NO_CHUNKS;
  /** A chunk of a pooled socket wholly handed out by the last read: given back at the next read. */
  private drained: Uint8Array | null = null;
  private readonly pool: PooledReads | undefined;
  /** The peer's FIN arrived ('end'). */
  private readEnded = false;
  /** The socket is closed ('close'). */
  private closed = false;
  private failed?: { error: string; errno: number };
  /** Callers of wait() until the next event; null while there are none (issue 14 idle memory). */
  private waiters: (() => void)[] | null = null;
  /** Emulated send buffer: bytes written whose write callback has not run yet. */
  private inFlight = 0;
  /** Total bytes read from and written to the socket. */
  readonly counts = { read: 0, written: 0 };

  /**
   * @param sndbuf emulated send-buffer size in bytes
   * @param emulated true for an explicit --sndbuf: queued bytes drain only through write callbacks
   */
  constructor(
    readonly socket: Socket,
    private readonly sndbuf = DEFAULT_SNDBUF,
    private readonly emulated = false,
  ) {
    // Module-level listeners that find their transport on the socket: no closures per connection
    // (issue #14: ~380 B per idle connection). A second transport on the same socket would take
    // the events over (none is ever made).
    const first = (socket as TransportSocket)[TRANSPORT] === undefined;
    (socket as TransportSocket)[TRANSPORT] = this;
    if (first) {
      socket.on('data', onData);
      socket.on('end', onEnd);
      socket.on('close', onClose);
      socket.on('error', onError);
      socket.on('drain', onWake);
      socket.on('finish', onWake);
    }
    // A socket from connectPooled: what its stream holds (bytes a proxy or STARTTLS talk gave
    // back) comes first, through 'data'; the reads after it come here directly.
    this.pool = pooledReads(socket);
    if (this.pool) {
      while (socket.read() !== null);
      this.pool.attach(this);
    }
  }

  /** The socket's events, as its listeners (module functions below) hand them over. */
  onData(b: Buffer): void {
    this.received(new Uint8Array(b.buffer, b.byteOffset, b.length));
  }
  onEnd(): void {
    this.readEnded = true;
    this.wake();
  }
  onClose(): void {
    this.closed = true;
    this.wake();
  }
  onError(e: Error): void {
    this.failed ??= errnoOf(e);
    this.wake();
  }
  onWake(): void {
    this.wake();
  }

  /** One read's bytes (ReadSink). */
  received(bytes: Uint8Array): void {
    // Into an empty list, a fresh one-element array: push would grow the old one to 17 slots,
    // which an idle connection then keeps (issue #14).
    if (this.chunks.length === 0) this.chunks = [bytes];
    else this.chunks.push(bytes);
    this.wake();
  }

  /** Bytes handed out stay unchanged until the next read (a pooled buffer is given back then). */
  read(max: number): TransportRead {
    if (this.drained) {
      this.pool?.release(this.drained);
      this.drained = null;
    }
    const c = this.chunks[0];
    if (!c) {
      this.pool?.idle();
      if (this.failed) return { ...this.failed };
      return this.readEnded || this.closed ? { eof: true } : { wouldBlock: true };
    }
    if (c.length <= max) {
      this.chunks.shift();
      if (this.chunks.length === 0) this.chunks = NO_CHUNKS;
      if (this.pool?.lends(c)) this.drained = c;
      this.counts.read += c.length;
      return { data: c };
    }
    this.chunks[0] = c.subarray(max);
    this.counts.read += max;
    return { data: c.subarray(0, max) };
  }

  /** Takes a copy of `bytes` (the caller may reuse its buffer). */
  write(bytes: Uint8Array): TransportWrite {
    return this.writev([new Uint8Array(bytes)]);
  }

  /**
   * The chunks go to the socket as views (the record layer never changes a chunk it has handed
   * over), corked so Node hands them to the kernel in one writev(2). Each chunk is taken like a
   * write of its own (whole while fewer than `sndbuf` bytes are queued), so a full send buffer
   * gives a short count, as sendmsg(2) does, and the next call would block. A chunk in parts (a
   * record sealed in parts) is taken as one: its parts are written one after the other, uncopied.
   */
  writev(chunks: readonly (Uint8Array | readonly Uint8Array[])[]): TransportWrite {
    if (this.failed) return { ...this.failed };
    const s = this.socket;
    if (s.destroyed || s.writableEnded || this.closed || (this.readEnded && !s.allowHalfOpen)) return { ...EPIPE };
    let n = 0;
    const cork = chunks.length > 1 || Array.isArray(chunks[0]);
    if (cork) s.cork();
    // Whole chunks that lie next to each other in memory (records sealed one after another into
    // the native AEAD's arena) go to the socket as one Buffer: one stream write per batch, not per
    // record. Each is still taken or refused as if written on its own (`queued` counts the joined
    // bytes); an emulated --sndbuf, whose write callbacks count each chunk, gets them one by one.
    let joined: Uint8Array | null = null;
    const writeJoined = () => {
      if (joined) s.write(Buffer.from(joined.buffer, joined.byteOffset, joined.length));
      joined = null;
    };
    for (const c of chunks) {
      const parts: readonly Uint8Array[] = c instanceof Uint8Array ? [c] : c;
      const queued = this.emulated ? this.inFlight : s.writableLength + (joined?.length ?? 0);
      if (queued >= this.sndbuf) break;
      const len = lengthOf(c);
      n += len;
      if (!this.emulated && c instanceof Uint8Array) {
        if (joined && joined.buffer === c.buffer && joined.byteOffset + joined.length === c.byteOffset) {
          joined = new Uint8Array(c.buffer, joined.byteOffset, joined.length + len);
        } else {
          writeJoined();
          joined = c;
        }
        continue;
      }
      writeJoined();
      if (this.emulated) this.inFlight += len;
      parts.forEach((p, i) => {
        const b = Buffer.from(p.buffer, p.byteOffset, p.length);
        // The last part's callback runs after the others': the whole chunk has drained then.
        if (this.emulated && i === parts.length - 1) {
          s.write(b, () => {
            this.inFlight -= len;
            this.wake();
          });
        } else s.write(b);
      });
    }
    writeJoined();
    if (cork) s.uncork();
    if (n === 0 && chunks.some((c) => lengthOf(c) > 0)) return { wouldBlock: true };
    this.counts.written += n;
    return { n };
  }

  /**
   * Bytes write() accepted that Node has not handed to the kernel yet. They exist only in this
   * process: an exit now loses them, so closing waits for them (see `end`).
   */
  get queued(): number {
    return this.socket.writableLength;
  }

  /**
   * Transport.holdsNoChunks: Node's stream has nothing queued, so every chunk given to it went to
   * the kernel in the write call itself (a write libuv could not finish at once keeps its chunks
   * queued, and counted, until it has).
   */
  get holdsNoChunks(): boolean {
    return this.socket.writableLength === 0;
  }

  /** The socket error seen, if any (the errno every later write and read returns). */
  get error(): { error: string; errno: number } | undefined {
    return this.failed;
  }

  /**
   * shutdown(SHUT_WR) once every queued byte is written (socket.end): `finished` turns true, with
   * a wake, when Node has handed all of them and the FIN to the kernel.
   */
  end(): void {
    if (!this.socket.writableEnded && !this.socket.destroyed) this.socket.end();
  }

  /** True once end() completed: nothing of ours is left in this process. */
  get finished(): boolean {
    return this.socket.writableFinished;
  }

  /** True once the peer's FIN, the close or an error has been seen (whether or not data is still to be read). */
  get peerGone(): boolean {
    return this.readEnded || this.closed || this.failed !== undefined;
  }

  /** True once data, EOF or an error is there to be read. */
  get readable(): boolean {
    return this.chunks.length > 0 || this.readEnded || this.closed || this.failed !== undefined;
  }

  /** Resolves at the next socket event (data, drain, a write completing, end, close, error). */
  wait(): Promise<void> {
    return new Promise((resolve) => (this.waiters ??= []).push(resolve));
  }

  private wake(): void {
    const w = this.waiters;
    if (!w) return;
    this.waiters = null;
    for (const f of w) f();
  }
}

/**
 * The empty chunk list every SocketTransport shares: received() replaces it with a list of its own
 * rather than pushing onto it, and read() puts it back when its list empties.
 */
const NO_CHUNKS: Uint8Array[] = [];

/** Where a socket's listeners find their SocketTransport. */
const TRANSPORT = Symbol('SocketTransport');
type TransportSocket = Socket & { [TRANSPORT]?: SocketTransport };
const handlers = (s: Socket): SocketTransport | undefined => (s as TransportSocket)[TRANSPORT];

function onData(this: Socket, b: Buffer): void {
  handlers(this)?.onData(b);
}
function onEnd(this: Socket): void {
  handlers(this)?.onEnd();
}
function onClose(this: Socket): void {
  handlers(this)?.onClose();
}
function onError(this: Socket, e: Error): void {
  handlers(this)?.onError(e);
}
function onWake(this: Socket): void {
  handlers(this)?.onWake();
}

/** Bytes of one writev chunk, whole or in parts. */
function lengthOf(c: Uint8Array | readonly Uint8Array[]): number {
  if (c instanceof Uint8Array) return c.length;
  let n = 0;
  for (const p of c) n += p.length;
  return n;
}
