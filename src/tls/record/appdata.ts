/**
 * Decrypted application data waiting for SSL_read: the plaintext of each record, in order, taken
 * whole or in part by read() and copied without being taken by peek() (SSL_peek).
 */
export class AppDataQueue {
  /** The records' plaintexts, in order; null while none waits (issue 14: an idle connection keeps no array). */
  private chunks: Uint8Array[] | null = null;

  /** Whether any bytes wait (empty records are never queued). */
  get nonEmpty(): boolean {
    return this.chunks !== null;
  }
  /** Bytes waiting (SSL_pending). */
  get size(): number {
    return this.chunks?.reduce((n, c) => n + c.length, 0) ?? 0;
  }
  /** Queues one record's plaintext; the queue owns it from now on. */
  push(chunk: Uint8Array): void {
    if (chunk.length) (this.chunks ??= []).push(chunk);
  }

  /** Moves up to buf.length bytes into buf; returns the count. */
  read(buf: Uint8Array): number {
    const n = this.peek(buf);
    let left = n;
    const chunks = this.chunks;
    while (chunks && left > 0) {
      const c = chunks[0];
      if (!c) break;
      if (left >= c.length) {
        chunks.shift();
        left -= c.length;
      } else {
        chunks[0] = c.subarray(left);
        left = 0;
      }
    }
    if (chunks?.length === 0) this.chunks = null;
    return n;
  }

  /** Copies up to buf.length bytes into buf and leaves them queued; returns the count. */
  peek(buf: Uint8Array): number {
    let n = 0;
    for (const c of this.chunks ?? []) {
      if (n >= buf.length) break;
      const take = Math.min(c.length, buf.length - n);
      buf.set(c.subarray(0, take), n);
      n += take;
    }
    return n;
  }
}
