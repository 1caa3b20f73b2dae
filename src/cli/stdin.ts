/**
 * Standard input as chunks to send: read only when there is a consumer, never from a terminal
 * when stdin is not a TTY (a pipe or /dev/null just ends). With --crlf, LF becomes CRLF.
 */
export class StdinReader {
  private chunks: Uint8Array[] = [];
  private done = false;
  private waiters: (() => void)[] = [];

  constructor(
    stream: NodeJS.ReadableStream,
    private readonly crlf: boolean,
  ) {
    stream.on('data', (b: Buffer | string) => {
      const bytes = typeof b === 'string' ? Buffer.from(b) : b;
      this.chunks.push(this.crlf ? toCrlf(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
      this.wake();
    });
    stream.on('end', () => this.end());
    stream.on('error', () => this.end());
    stream.on('close', () => this.end());
  }

  /** True once stdin has ended and every chunk was taken. */
  get ended(): boolean {
    return this.done && this.chunks.length === 0;
  }

  /** The next chunk, or null. */
  take(): Uint8Array | null {
    return this.chunks.shift() ?? null;
  }

  /** Resolves when data arrives or stdin ends. */
  wait(): Promise<void> {
    if (this.chunks.length || this.done) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private end(): void {
    this.done = true;
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

/** LF → CRLF (an existing CRLF is left alone). */
function toCrlf(b: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (const [i, byte] of b.entries()) {
    if (byte === 0x0a && (i === 0 || b[i - 1] !== 0x0d)) out.push(0x0d);
    out.push(byte);
  }
  return Uint8Array.from(out);
}
