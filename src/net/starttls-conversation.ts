/**
 * The plain-text half of STARTTLS: one bounded conversation on a connected socket (reads that
 * never go past what a step needs, whatever came after given back with socket.unshift), the
 * failure type, and the reply readers the line protocols share. The protocols are in starttls.ts
 * and starttls-more.ts.
 */
import type { Socket } from 'node:net';

/**
 * Protocols that can be upgraded (the CLI's --starttls values): s_client's 13 (apps/s_client.c
 * starttls_protocols), the first seven in tls-probe's historical order.
 */
export const STARTTLS_PROTOCOLS = [
  ...(['smtp', 'imap', 'pop3', 'ftp', 'xmpp', 'postgres', 'ldap'] as const),
  ...(['lmtp', 'nntp', 'sieve', 'irc', 'mysql', 'xmpp-server'] as const),
] as const;
export type StartTlsProtocol = (typeof STARTTLS_PROTOCOLS)[number];

/** Why a STARTTLS step failed: the server said no (or nonsense), closed, or went silent. */
export type StartTlsFailure = 'refused' | 'eof' | 'timeout';

/** A failed STARTTLS step; the message says which protocol and what the server said. */
export class StartTlsError extends Error {
  override readonly name = 'StartTlsError';
  /** 'ETIMEDOUT' for a timeout (so it classifies like one), else undefined. */
  readonly code: 'ETIMEDOUT' | undefined;
  constructor(
    readonly protocol: StartTlsProtocol,
    readonly reason: StartTlsFailure,
    detail: string,
  ) {
    super(`STARTTLS failed: ${protocol} ${detail}`);
    this.code = reason === 'timeout' ? 'ETIMEDOUT' : undefined;
  }
}

export const MAX_LINE = 8192;
export const MAX_MESSAGE = 65536;

/** Quotes what a server said for a one-line message (escaped, shortened). */
export function quote(text: string): string {
  const t = text.replace(/\r?\n$/, '');
  return JSON.stringify(t.length > 200 ? `${t.slice(0, 200)}...` : t);
}

/** Number of bytes to take from the front of the buffer, or -1 while more are needed. */
export type Need = (buf: Buffer) => number;

/** The plain-text exchange on one socket: bounded reads that never go past what they need. */
export class Conversation {
  private buf: Buffer = Buffer.alloc(0);
  private wake: (() => void) | null = null;
  private ended = false;
  private failure: Error | null = null;
  private timedOut = false;
  private readonly timer: NodeJS.Timeout;
  /** The last complete thing the server said, for EOF messages. */
  lastSaid: string | null = null;
  private readonly onReadable = (): void => this.poke();
  private readonly onEnd = (): void => {
    this.ended = true;
    this.poke();
  };
  private readonly onError = (e: Error): void => {
    this.failure ??= e;
    this.poke();
  };

  constructor(
    private readonly socket: Socket,
    readonly proto: StartTlsProtocol,
    readonly timeoutMs: number,
  ) {
    // A 'readable' listener puts the socket in paused mode: bytes wait in its buffer until read().
    socket.on('readable', this.onReadable);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', this.onError);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.poke();
    }, timeoutMs);
  }

  /**
   * Hands the socket back: no listener of ours left, unread bytes still in the socket's buffer
   * (take() keeps none of its own after a success; after a failure the socket is dropped anyway).
   * Removing the last 'readable' listener makes Node leave paused mode on the next tick, and a
   * 'data' listener added before or after that starts the flow with those bytes: none is lost.
   */
  release(): void {
    clearTimeout(this.timer);
    this.socket.off('readable', this.onReadable);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    this.socket.off('error', this.onError);
  }

  private poke(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  send(data: string | Buffer): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(data);
  }

  /** A StartTlsError for this protocol. */
  fail(reason: StartTlsFailure, detail: string): StartTlsError {
    return new StartTlsError(this.proto, reason, detail);
  }

  /** The refusal "<proto> server answered "<text>"" (plus a hint). */
  refused(text: string, hint = ''): StartTlsError {
    return this.fail('refused', `server answered ${quote(text)}${hint}`);
  }

  /**
   * Takes the bytes `need` asks for, waiting for the server as long as the deadline allows.
   * Whatever came after them goes back into the socket at once (before 'end' could be emitted).
   * @param what the step waited for, for messages: "the greeting", "EHLO"...
   */
  async take(what: string, need: Need, limit = MAX_MESSAGE): Promise<Buffer> {
    for (;;) {
      const chunk = this.socket.read() as Buffer | null;
      if (chunk) this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
      const n = this.buf.length > 0 ? need(this.buf) : -1;
      if (n >= 0) {
        const out = this.buf.subarray(0, n);
        const rest = this.buf.subarray(n);
        this.buf = Buffer.alloc(0);
        if (rest.length > 0) this.socket.unshift(rest);
        return out;
      }
      if (this.buf.length > limit)
        throw this.fail('refused', `server sent more than ${limit} bytes without completing its answer to ${what}`);
      if (this.failure) throw this.failure;
      if (this.ended) {
        const said = this.buf.length > 0 ? this.buf.toString('latin1') : this.lastSaid;
        const before = what === 'the greeting' ? 'before its greeting' : `before answering ${what}`;
        throw this.fail(
          'eof',
          `server closed the connection ${before}${said !== null ? ` (last said ${quote(said)})` : ''}`,
        );
      }
      if (this.timedOut) {
        const verb = what === 'the greeting' ? 'sent no greeting' : `did not answer ${what}`;
        throw this.fail('timeout', `server ${verb} within ${this.timeoutMs} ms`);
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** One text line without its line ending. */
  async line(what: string): Promise<string> {
    const b = await this.take(
      what,
      (buf) => {
        const i = buf.indexOf(0x0a);
        return i < 0 ? -1 : i + 1;
      },
      MAX_LINE,
    );
    const text = b.toString('utf8').replace(/\r?\n$/, '');
    this.lastSaid = text;
    return text;
  }

  /** Exactly n bytes. */
  exact(what: string, n: number): Promise<Buffer> {
    return this.take(what, (buf) => (buf.length >= n ? n : -1));
  }
}

/** An SMTP/FTP reply: "ddd text" or "ddd-..." lines ending with "ddd text" (RFC 5321 §4.2, RFC 959 §4.2). */
export async function codeReply(c: Conversation, what: string): Promise<{ code: string; lines: string[] }> {
  const first = await c.line(what);
  const m = /^(\d{3})([ -]|$)/.exec(first);
  if (!m) throw c.refused(first);
  const code = m[1] ?? '';
  const lines = [first];
  if (m[2] === '-') {
    for (;;) {
      const l = await c.line(what);
      lines.push(l);
      if (l === code || l.startsWith(`${code} `)) break;
      if (lines.length > 1000) throw c.fail('refused', `server sent more than 1000 lines answering ${what}`);
    }
  }
  return { code, lines };
}

/** A multi-line reply as one quotable string. */
export function joined(lines: string[]): string {
  return lines.join(' / ');
}

/** Escapes text for an XML attribute value in single quotes. */
export function xmlAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;');
}

/** Bytes up to the end of the first match of `re` in the (latin1) buffer, or -1. */
export function upToMatch(re: RegExp): Need {
  return (buf) => {
    const m = re.exec(buf.toString('latin1'));
    return m ? m.index + m[0].length : -1;
  };
}
