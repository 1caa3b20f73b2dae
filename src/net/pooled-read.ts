/**
 * Socket reads into recycled buffers (issue 14, downloads): by default Node allocates a new 64 KiB
 * Buffer for every read of a socket, and on a bulk download that garbage (1 MiB per MiB received,
 * as much again as the decrypted records) keeps V8's collector busy. A socket opened by
 * `connectPooled` reads through net's `onread` option instead:
 *
 * - While reads come in full (a transfer is running), each goes to a 64 KiB buffer of the
 *   connection's own, which the SocketTransport hands out as it is and gives back once read
 *   (Transport.read's rule: bytes stay unchanged until the next read), to be read into again.
 * - After a short read (the peer has paused: most reads of a handshake or an idle connection),
 *   the next read goes to one buffer shared by all such sockets and is copied out at once, so an
 *   idle connection holds no read buffer, as with Node's default.
 * - Until a SocketTransport takes the socket over (a proxy CONNECT or STARTTLS talk comes first),
 *   what is read is pushed, as a copy, into the socket's own stream, so 'data', 'readable' and
 *   read() work as on any socket.
 */
import { connect as netConnect, type NetConnectOpts, type Socket } from 'node:net';

/** Bytes per socket read: Node's default read size. */
export const READ_SIZE = 64 * 1024;
/** Released read buffers a connection keeps for its next reads while a transfer runs. */
const KEEP = 4;

/** The buffer reads go to after a short read, shared: its bytes are copied out at once. */
let shared: Buffer | null = null;
function sharedBuffer(): Buffer {
  shared ??= Buffer.allocUnsafeSlow(READ_SIZE);
  return shared;
}

/** Where a pooled socket's reads go once a transport has taken it. */
export interface ReadSink {
  /** The bytes of one read (a view of a lent buffer, to be given back with `release`, or a copy). */
  received(bytes: Uint8Array): void;
}

/** The read side of one pooled socket. */
export class PooledReads {
  private sink: ReadSink | null = null;
  /** Buffers given back, kept for the next reads (null while there are none: an idle connection). */
  private free: Uint8Array[] | null = null;
  /** Buffers lent to the sink and not given back yet (null while there are none). */
  private out: Uint8Array[] | null = null;
  /** Whether the last read filled its buffer (more is likely to follow at once). */
  private streaming = false;

  constructor(private readonly socket: Socket) {}

  /** The buffer for the socket's next read (net's onread.buffer, called after each read). */
  next(): Uint8Array {
    if (!this.streaming) return sharedBuffer();
    return this.free?.pop() ?? Buffer.allocUnsafeSlow(READ_SIZE);
  }

  /** One read of `n` bytes into `buf` (net's onread.callback). */
  deliver(n: number, buf: Uint8Array): boolean {
    this.streaming = n === buf.length;
    const sink = this.sink;
    if (!sink) {
      this.socket.push(Buffer.from(buf.subarray(0, n)));
      if (buf !== shared) this.recycle(buf);
    } else if (buf === shared) sink.received(new Uint8Array(buf.subarray(0, n)));
    else {
      (this.out ??= []).push(buf);
      sink.received(new Uint8Array(buf.buffer, buf.byteOffset, n));
    }
    return true;
  }

  /** Whether `bytes` lie in a buffer lent to the sink. */
  lends(bytes: Uint8Array): boolean {
    return this.out?.some((b) => b.buffer === bytes.buffer) ?? false;
  }

  /** The sink is done with `bytes` (one read's, as it received them): a lent buffer is read into again. */
  release(bytes: Uint8Array): void {
    const out = this.out;
    const at = out ? out.findIndex((b) => b.buffer === bytes.buffer) : -1;
    if (!out || at < 0) return;
    const [buf] = out.splice(at, 1);
    if (out.length === 0) this.out = null;
    if (buf) this.recycle(buf);
  }

  /** Keeps a buffer for the next reads. */
  private recycle(buf: Uint8Array): void {
    this.free ??= [];
    if (this.free.length < KEEP) this.free.push(buf);
  }

  /**
   * The transport has handed out every byte read: once the peer has paused too (the last read was
   * short), the kept buffers go, so that an idle connection holds none.
   */
  idle(): void {
    if (!this.streaming) this.free = null;
  }

  /** From now on, reads go to `sink` (the SocketTransport) instead of the socket's stream. */
  attach(sink: ReadSink): void {
    this.sink = sink;
  }
}

const pooled = new WeakMap<Socket, PooledReads>();

/** The pooled reads of `socket`, when it was opened by connectPooled. */
export function pooledReads(socket: Socket): PooledReads | undefined {
  return pooled.get(socket);
}

/** net.connect with reads into recycled buffers (see the top of this file). */
export function connectPooled(options: NetConnectOpts): Socket {
  let reads: PooledReads | null = null;
  const socket = netConnect({
    ...options,
    onread: {
      buffer: () => (reads ? reads.next() : sharedBuffer()),
      callback: (n: number, buf: Uint8Array) => (reads ? reads.deliver(n, buf) : true),
    },
  });
  reads = new PooledReads(socket);
  pooled.set(socket, reads);
  return socket;
}
