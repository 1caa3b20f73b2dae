/**
 * Standard input as chunks to send: read only when there is a consumer, never from a terminal
 * when stdin is not a TTY (a pipe or /dev/null just ends). With --crlf, LF becomes CRLF.
 * With commands on, a line that is exactly `Q`, `R`, `K` or `k` is s_client's command, not data
 * (as OpenSSL 3.2+ reads them: the letter alone on its line; s_client 3.0 looked at the first byte
 * of each read(), which made the result depend on how the pipe happened to split the input).
 */
import { fstatSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';

export type StdinCommand = 'Q' | 'R' | 'K' | 'k';
const COMMANDS: ReadonlySet<number> = new Set([0x51, 0x52, 0x4b, 0x6b]);

/**
 * process.stdin, except when fd 0 is /dev/null (`</dev/null`, or a parent's stdio 'ignore'): then a
 * stream that ends at once, as process.stdin would at its first read, but without the fs.ReadStream
 * Node makes for that fd, whose module (internal/fs/streams) costs a cold start ~2 ms of CPU.
 */
export function standardInput(): NodeJS.ReadableStream {
  try {
    const fd0 = fstatSync(0);
    if (process.platform !== 'win32' && fd0.isCharacterDevice() && fd0.rdev === statSync('/dev/null').rdev) {
      return new Readable({
        read() {
          this.push(null);
        },
      });
    }
  } catch {
    // fd 0 closed or unreadable: process.stdin decides what that means, as before.
  }
  return process.stdin;
}

export class StdinReader {
  private items: (Uint8Array | StdinCommand)[] = [];
  private done = false;
  private waiters: (() => void)[] = [];
  /** The next byte starts a line (commands are only recognised there). */
  private atLineStart = true;
  /** A held-back "Q" or "Q\r" at the end of a chunk: a command if the line ends there. */
  private held: Uint8Array | null = null;

  constructor(
    stream: NodeJS.ReadableStream,
    private readonly crlf: boolean,
    private readonly commands = false,
  ) {
    stream.on('data', (b: Buffer | string) => {
      const bytes = typeof b === 'string' ? Buffer.from(b) : b;
      this.push(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
      this.wake();
    });
    stream.on('end', () => this.end());
    stream.on('error', () => this.end());
    stream.on('close', () => this.end());
  }

  /** True once stdin has ended and every chunk was taken. */
  get ended(): boolean {
    return this.done && this.items.length === 0;
  }

  /** The next chunk or command, or null. */
  take(): Uint8Array | StdinCommand | null {
    return this.items.shift() ?? null;
  }

  /** Resolves when data arrives or stdin ends. */
  wait(): Promise<void> {
    if (this.items.length || this.done) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private data(b: Uint8Array): void {
    if (b.length > 0) this.items.push(this.crlf ? toCrlf(b) : b);
  }

  private push(input: Uint8Array): void {
    if (!this.commands) return this.data(input);
    let b = input;
    if (this.held) {
      b = concat(this.held, input);
      this.held = null;
    }
    let start = 0; // first byte not yet emitted
    let i = 0;
    while (i < b.length) {
      const nl = b.indexOf(0x0a, i);
      const lineEnd = nl < 0 ? b.length : nl + 1;
      const line = b.subarray(i, lineEnd);
      const letter = this.atLineStart ? commandOf(line, nl >= 0) : undefined;
      if (letter === 'partial') {
        // "Q" or "Q\r" with no newline yet: wait for the rest of the line before deciding.
        this.data(b.subarray(start, i));
        this.held = b.slice(i);
        return;
      }
      if (letter !== undefined) {
        this.data(b.subarray(start, i));
        this.items.push(letter);
        start = lineEnd;
      }
      this.atLineStart = nl >= 0;
      i = lineEnd;
    }
    this.data(b.subarray(start));
  }

  private end(): void {
    if (this.held) {
      // The input ended right after the letter: a command, as the line ends with the input.
      const letter = commandOf(this.held, true);
      if (letter !== undefined && letter !== 'partial') this.items.push(letter);
      else this.data(this.held);
      this.held = null;
    }
    this.done = true;
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

/**
 * The command a line is (the letter, then optional CR, then LF or the end of input), 'partial'
 * when the line could still become one, or undefined.
 */
function commandOf(line: Uint8Array, complete: boolean): StdinCommand | 'partial' | undefined {
  const c = line[0];
  if (c === undefined || !COMMANDS.has(c)) return undefined;
  const rest = line.subarray(1);
  const ok =
    rest.length === 0 ||
    (rest.length === 1 && (rest[0] === 0x0a || rest[0] === 0x0d)) ||
    (rest.length === 2 && rest[0] === 0x0d && rest[1] === 0x0a);
  if (!ok) return undefined;
  const ended = rest[rest.length - 1] === 0x0a || (complete && rest.length <= 1);
  if (!ended) return 'partial';
  return String.fromCharCode(c) as StdinCommand;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
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
