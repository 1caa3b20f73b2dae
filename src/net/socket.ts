/**
 * A Transport over a node:net socket. Node sockets never refuse a write, so this emulates a
 * non-blocking socket: a write is taken only while fewer than `sndbuf` bytes are unflushed
 * (--sndbuf; by default 64 KiB, about a loopback socket's buffer), otherwise it would block.
 * Reads come from what the socket has delivered; errors and EOF are reported as a socket would.
 */
import type { Socket } from 'node:net';
import type { Transport, TransportRead, TransportWrite } from '../tls/types.js';
import { errnoOf } from './errno.js';

export const DEFAULT_SNDBUF = 64 * 1024;

export class SocketTransport implements Transport {
  private readonly chunks: Uint8Array[] = [];
  private ended = false;
  private failed?: { error: string; errno: number };
  private waiters: (() => void)[] = [];
  /** Total bytes read from and written to the socket. */
  readonly counts = { read: 0, written: 0 };

  constructor(readonly socket: Socket, private readonly sndbuf = DEFAULT_SNDBUF, private readonly throttled = false) {
    socket.on('data', (b: Buffer) => {
      this.chunks.push(new Uint8Array(b.buffer, b.byteOffset, b.length));
      this.wake();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', (e) => {
      this.failed = errnoOf(e);
      this.wake();
    });
    socket.on('drain', () => this.wake());
  }

  read(max: number): TransportRead {
    const c = this.chunks[0];
    if (!c) {
      if (this.failed) return { ...this.failed };
      return this.ended ? { eof: true } : { wouldBlock: true };
    }
    if (c.length <= max) {
      this.chunks.shift();
      this.counts.read += c.length;
      return { data: c };
    }
    this.chunks[0] = c.subarray(max);
    this.counts.read += max;
    return { data: c.subarray(0, max) };
  }

  write(bytes: Uint8Array): TransportWrite {
    if (this.failed) return { ...this.failed };
    if (this.socket.destroyed || this.socket.writableEnded) return { error: 'EPIPE', errno: 32 };
    const room = this.sndbuf - this.socket.writableLength;
    if (room <= 0) return { wouldBlock: true };
    const n = this.throttled ? Math.min(room, bytes.length) : bytes.length;
    this.socket.write(Buffer.from(bytes.subarray(0, n)));
    this.counts.written += n;
    return { n };
  }

  /** True once data, EOF or an error is there to be read. */
  get readable(): boolean {
    return this.chunks.length > 0 || this.ended || this.failed !== undefined;
  }

  /** Resolves at the next socket event (data, drain, end, error). */
  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
