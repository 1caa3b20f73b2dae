/**
 * Decrypted application data waiting for SSL_read: the plaintext of each record, in order, taken
 * whole or in part by read() and copied without being taken by peek() (SSL_peek).
 */
export class AppDataQueue {
  private chunks: Uint8Array[] = [];

  /** Whether any bytes wait (empty records are never queued). */
  get nonEmpty(): boolean {
    return this.chunks.length > 0;
  }
  /** Bytes waiting (SSL_pending). */
  get size(): number {
    return this.chunks.reduce((n, c) => n + c.length, 0);
  }
  /** Queues one record's plaintext; the queue owns it from now on. */
  push(chunk: Uint8Array): void {
    if (chunk.length) this.chunks.push(chunk);
  }

  /** Moves up to buf.length bytes into buf; returns the count. */
  read(buf: Uint8Array): number {
    const n = this.peek(buf);
    let left = n;
    while (left > 0) {
      const c = this.chunks[0];
      if (!c) break;
      if (left >= c.length) {
        this.chunks.shift();
        left -= c.length;
      } else {
        this.chunks[0] = c.subarray(left);
        left = 0;
      }
    }
    return n;
  }

  /** Copies up to buf.length bytes into buf and leaves them queued; returns the count. */
  peek(buf: Uint8Array): number {
    let n = 0;
    for (const c of this.chunks) {
      if (n >= buf.length) break;
      const take = Math.min(c.length, buf.length - n);
      buf.set(c.subarray(0, take), n);
      n += take;
    }
    return n;
  }
}
