/**
 * An in-memory transport pair for unit tests of the state machine: what one side writes the
 * other reads. Capacity limits and injected errors make WANT_WRITE and SYSCALL reproducible.
 */
import type { Transport, TransportRead, TransportWrite } from '../tls/types.js';

export class MemoryPipe {
  readonly queue: Uint8Array[] = [];
  closed = false;
  get size(): number {
    return this.queue.reduce((n, c) => n + c.length, 0);
  }
}

/** One end of an in-memory connection. */
export class MemoryTransport implements Transport {
  /** Max bytes that may sit unread in the outgoing pipe (Infinity: never blocks). */
  capacity = Infinity;
  /** When set, every write fails with this errno (e.g. EPIPE). */
  writeError?: { error: string; errno: number };
  /** Transport.holdsNoChunks: write() queues a copy, never the caller's bytes. */
  readonly holdsNoChunks: boolean = true;

  constructor(
    readonly incoming: MemoryPipe,
    readonly outgoing: MemoryPipe,
  ) {}

  read(max: number): TransportRead {
    const c = this.incoming.queue[0];
    if (!c) return this.incoming.closed ? { eof: true } : { wouldBlock: true };
    if (c.length <= max) {
      this.incoming.queue.shift();
      return { data: c };
    }
    this.incoming.queue[0] = c.subarray(max);
    return { data: c.subarray(0, max) };
  }

  write(bytes: Uint8Array): TransportWrite {
    if (this.writeError) return { ...this.writeError };
    const room = this.capacity - this.outgoing.size;
    if (room <= 0) return { wouldBlock: true };
    const n = Math.min(room, bytes.length);
    this.outgoing.queue.push(bytes.slice(0, n));
    return { n };
  }
}

/** Two connected in-memory transports. */
export function memoryPair(): [MemoryTransport, MemoryTransport] {
  const a = new MemoryPipe();
  const b = new MemoryPipe();
  return [new MemoryTransport(a, b), new MemoryTransport(b, a)];
}
