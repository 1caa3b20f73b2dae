/**
 * STARTTLS as `openssl s_client -starttls` speaks it: the plain-text upgrade step of SMTP, IMAP,
 * POP3, FTP, XMPP, PostgreSQL and LDAP on a connected socket, ending exactly after the server's
 * "go ahead" so that the next byte on the socket belongs to TLS. Reads use the socket's paused
 * ('readable') mode and give back whatever arrived past the reply (socket.unshift), so nothing
 * is swallowed and nothing is lost before the TLS transport attaches its own 'data' listener.
 */
import type { Socket } from 'node:net';

/** Protocols that can be upgraded (the CLI's --starttls values). */
export type StartTlsProtocol = 'smtp' | 'imap' | 'pop3' | 'ftp' | 'xmpp' | 'postgres' | 'ldap';

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

/** The name sent with SMTP EHLO (s_client sends "mail.example.com"). */
export const EHLO_NAME = 'tls-probe.invalid';
/** PostgreSQL SSLRequest: length 8, code 80877103. */
export const PG_SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
/** LDAP StartTLS: messageID 1, ExtendedRequest [APPLICATION 23] { requestName [0] 1.3.6.1.4.1.1466.20037 }. */
export const LDAP_STARTTLS_REQUEST = Buffer.concat([
  Buffer.from([0x30, 0x1d, 0x02, 0x01, 0x01, 0x77, 0x18, 0x80, 0x16]),
  Buffer.from('1.3.6.1.4.1.1466.20037', 'latin1'),
]);

const MAX_LINE = 8192;
const MAX_MESSAGE = 65536;
const XMPP_TLS_NS = 'urn:ietf:params:xml:ns:xmpp-tls';

/** Quotes what a server said for a one-line message (escaped, shortened). */
function quote(text: string): string {
  const t = text.replace(/\r?\n$/, '');
  return JSON.stringify(t.length > 200 ? `${t.slice(0, 200)}...` : t);
}

/** Number of bytes to take from the front of the buffer, or -1 while more are needed. */
type Need = (buf: Buffer) => number;

/** The plain-text exchange on one socket: bounded reads that never go past what they need. */
class Conversation {
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
async function codeReply(c: Conversation, what: string): Promise<{ code: string; lines: string[] }> {
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
function joined(lines: string[]): string {
  return lines.join(' / ');
}

async function smtp(c: Conversation): Promise<void> {
  const greeting = await codeReply(c, 'the greeting');
  if (greeting.code !== '220') throw c.refused(joined(greeting.lines));
  c.send(`EHLO ${EHLO_NAME}\r\n`);
  const ehlo = await codeReply(c, 'EHLO');
  if (ehlo.code !== '250') throw c.refused(joined(ehlo.lines));
  const caps = ehlo.lines.slice(1).map((l) => l.slice(4).trim());
  if (!caps.some((k) => /^STARTTLS(\s|$)/i.test(k))) {
    throw c.fail(
      'refused',
      `server does not offer STARTTLS (EHLO capabilities: ${caps.length > 0 ? quote(caps.join(', ')) : 'none'})`,
    );
  }
  c.send('STARTTLS\r\n');
  const r = await codeReply(c, 'STARTTLS');
  if (r.code !== '220') throw c.refused(joined(r.lines));
}

/** IMAP: lines up to the tagged response of the command sent with tag ".". */
async function imapTagged(c: Conversation, what: string): Promise<{ tagged: string; untagged: string[] }> {
  const untagged: string[] = [];
  for (;;) {
    const l = await c.line(what);
    if (l.startsWith('. ')) return { tagged: l, untagged };
    untagged.push(l);
    if (untagged.length > 1000) throw c.fail('refused', `server sent more than 1000 lines answering ${what}`);
  }
}

async function imap(c: Conversation): Promise<void> {
  const greeting = await c.line('the greeting');
  if (!/^\* OK\b/i.test(greeting)) throw c.refused(greeting);
  c.send('. CAPABILITY\r\n');
  const cap = await imapTagged(c, 'CAPABILITY');
  const offered = cap.untagged.some((l) => /^\* CAPABILITY\b.*\sSTARTTLS(\s|$)/i.test(l));
  // Like s_client, ask even when STARTTLS is not listed: the server's answer is what counts.
  c.send('. STARTTLS\r\n');
  const r = await imapTagged(c, 'STARTTLS');
  if (!/^\. OK\b/i.test(r.tagged))
    throw c.refused(r.tagged, offered ? '' : ' (STARTTLS is not in its CAPABILITY list)');
}

async function pop3(c: Conversation): Promise<void> {
  const greeting = await c.line('the greeting');
  if (!/^\+OK\b/.test(greeting)) throw c.refused(greeting);
  c.send('STLS\r\n');
  const r = await c.line('STLS');
  if (!/^\+OK\b/.test(r)) throw c.refused(r);
}

async function ftp(c: Conversation): Promise<void> {
  let greeting = await codeReply(c, 'the greeting');
  // 120: "service ready in nnn minutes", followed by the real greeting.
  for (let i = 0; greeting.code === '120' && i < 3; i++) greeting = await codeReply(c, 'the greeting');
  if (greeting.code !== '220') throw c.refused(joined(greeting.lines));
  c.send('AUTH TLS\r\n');
  const r = await codeReply(c, 'AUTH TLS');
  if (r.code !== '234') throw c.refused(joined(r.lines));
}

/** Escapes text for an XML attribute value in single quotes. */
function xmlAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;');
}

/** Bytes up to the end of the first match of `re` in the (latin1) buffer, or -1. */
function upToMatch(re: RegExp): Need {
  return (buf) => {
    const m = re.exec(buf.toString('latin1'));
    return m ? m.index + m[0].length : -1;
  };
}

async function xmpp(c: Conversation, host: string): Promise<void> {
  c.send(
    `<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:client' to='${xmlAttr(host)}' version='1.0'>`,
  );
  const features = (
    await c.take(
      'the stream header',
      upToMatch(/<\/(?:stream:)?features\s*>|<(?:stream:)?features\b[^>]*\/>|<\/stream:error\s*>|<\/stream:stream\s*>/),
    )
  ).toString('utf8');
  c.lastSaid = features;
  const error = /<stream:error\b[\s\S]*$/.exec(features);
  if (error) throw c.refused(error[0]);
  if (!/<starttls\b[^>]*urn:ietf:params:xml:ns:xmpp-tls/.test(features)) {
    const f = /<(?:stream:)?features\b[\s\S]*$/.exec(features);
    throw c.fail('refused', `server does not offer STARTTLS (stream features: ${quote(f ? f[0] : features)})`);
  }
  c.send(`<starttls xmlns='${XMPP_TLS_NS}'/>`);
  const answer = (
    await c.take(
      '<starttls/>',
      upToMatch(/<(proceed|failure)\b[^>]*\/>|<(proceed|failure)\b[^>]*>[\s\S]*?<\/\2\s*>|<\/stream:stream\s*>/),
    )
  ).toString('utf8');
  const tail = /<(proceed|failure|\/stream:stream)\b[\s\S]*$/.exec(answer);
  if (!tail || tail[1] !== 'proceed') throw c.refused(tail ? tail[0] : answer);
}

/** Fields of a PostgreSQL ErrorResponse body ("S", "M"... type byte, then a C string). */
function pgErrorText(body: Buffer): string {
  const fields = new Map<string, string>();
  let i = 0;
  while (i < body.length && body[i] !== 0) {
    const type = String.fromCharCode(body[i] ?? 0);
    const end = body.indexOf(0, i + 1);
    if (end < 0) break;
    fields.set(type, body.subarray(i + 1, end).toString('utf8'));
    i = end + 1;
  }
  const sev = fields.get('S');
  const msg = fields.get('M');
  return msg !== undefined ? `${sev !== undefined ? `${sev}: ` : ''}${msg}` : body.toString('latin1');
}

async function postgres(c: Conversation): Promise<void> {
  c.send(PG_SSL_REQUEST);
  const b = (await c.exact('the SSLRequest', 1))[0];
  if (b === 0x53) return; // 'S'
  if (b === 0x4e) throw c.fail('refused', `server answered 'N' to the SSLRequest (it does not accept SSL)`);
  if (b === 0x45) {
    // 'E': an ErrorResponse (int32 length, fields); servers close right after it.
    let text = '';
    try {
      const len = (await c.exact('the SSLRequest', 4)).readUInt32BE(0);
      if (len >= 4 && len <= MAX_MESSAGE) text = pgErrorText(await c.exact('the SSLRequest', len - 4));
    } catch (e) {
      if (!(e instanceof StartTlsError)) throw e;
    }
    throw c.fail('refused', `server answered the SSLRequest with an error${text ? ` ${quote(text)}` : ''}`);
  }
  throw c.fail(
    'refused',
    `server answered the SSLRequest with byte 0x${(b ?? 0).toString(16).padStart(2, '0')}, not 'S' or 'N'`,
  );
}

/** One BER element: tag, and where its contents are. */
interface Tlv {
  tag: number;
  start: number;
  end: number;
}

/** Reads the BER header at `off` (definite lengths up to 4 bytes); null when incomplete or bad. */
function berHeader(buf: Buffer, off: number): { tag: number; hdr: number; len: number } | null {
  const tag = buf[off];
  const l0 = buf[off + 1];
  if (tag === undefined || l0 === undefined) return null;
  if (l0 < 0x80) return { tag, hdr: 2, len: l0 };
  const n = l0 & 0x7f;
  if (n === 0 || n > 4 || buf.length < off + 2 + n) return null;
  return { tag, hdr: 2 + n, len: buf.readUIntBE(off + 2, n) };
}

/** The elements inside [start, end), or null when they do not parse. */
function berChildren(buf: Buffer, start: number, end: number): Tlv[] | null {
  const out: Tlv[] = [];
  for (let off = start; off < end;) {
    const h = berHeader(buf, off);
    if (!h || off + h.hdr + h.len > end) return null;
    out.push({ tag: h.tag, start: off + h.hdr, end: off + h.hdr + h.len });
    off += h.hdr + h.len;
  }
  return out;
}

const LDAP_RESULTS: Record<number, string> = {
  1: 'operationsError',
  2: 'protocolError',
  7: 'authMethodNotSupported',
  8: 'strongerAuthRequired',
  12: 'unavailableCriticalExtension',
  13: 'confidentialityRequired',
  51: 'busy',
  52: 'unavailable',
  53: 'unwillingToPerform',
  80: 'other',
};

async function ldap(c: Conversation): Promise<void> {
  c.send(LDAP_STARTTLS_REQUEST);
  const what = 'the StartTLS extended request';
  const msg = await c.take(what, (buf) => {
    if (buf[0] !== 0x30)
      throw c.fail(
        'refused',
        `server answered with bytes ${quote(buf.subarray(0, 16).toString('hex'))}, not an LDAP message`,
      );
    const l0 = buf[1] ?? 0;
    if (l0 === 0x80 || l0 > 0x84)
      throw c.fail('refused', `server answered with an LDAP message of unsupported length form 0x${l0.toString(16)}`);
    const h = berHeader(buf, 0);
    if (!h) return -1;
    if (h.len > MAX_MESSAGE) throw c.fail('refused', `server answered with an LDAP message of ${h.len} bytes`);
    return buf.length >= h.hdr + h.len ? h.hdr + h.len : -1;
  });
  const bad = (): StartTlsError =>
    c.fail(
      'refused',
      `server answered with an LDAP message that is not an ExtendedResponse (${msg.subarray(0, 32).toString('hex')})`,
    );
  const h = berHeader(msg, 0);
  const top = h ? berChildren(msg, h.hdr, msg.length) : null;
  const [id, op] = top ?? [];
  if (!id || !op || id.tag !== 0x02 || op.tag !== 0x78) throw bad();
  const fields = berChildren(msg, op.start, op.end);
  const [result, , diag] = fields ?? [];
  if (!result || result.tag !== 0x0a || result.end - result.start < 1 || result.end - result.start > 4) throw bad();
  const code = msg.readUIntBE(result.start, result.end - result.start);
  const messageId = id.end - id.start >= 1 && id.end - id.start <= 4 ? msg.readUIntBE(id.start, id.end - id.start) : -1;
  const text = diag && diag.tag === 0x04 ? msg.subarray(diag.start, diag.end).toString('utf8') : '';
  if (code === 0 && messageId === 1) return;
  const name = LDAP_RESULTS[code];
  const notice = messageId === 0 ? ' in a notice of disconnection' : '';
  throw c.fail(
    'refused',
    `server answered resultCode ${code}${name ? ` (${name})` : ''}${notice}${text ? `: ${quote(text)}` : ''}`,
  );
}

/**
 * Speaks `proto`'s plain-text upgrade on a connected socket and resolves when the next byte is
 * the server's TLS; rejects with StartTlsError (refusal, EOF, timeout after `timeoutMs` for the
 * whole exchange) or the socket's own error. Our listeners are gone when it settles.
 */
export async function startTls(
  socket: Socket,
  proto: StartTlsProtocol,
  o: { host: string; timeoutMs: number; xmppHost?: string },
): Promise<void> {
  const c = new Conversation(socket, proto, o.timeoutMs);
  try {
    switch (proto) {
      case 'smtp':
        return await smtp(c);
      case 'imap':
        return await imap(c);
      case 'pop3':
        return await pop3(c);
      case 'ftp':
        return await ftp(c);
      case 'xmpp':
        return await xmpp(c, o.xmppHost ?? o.host);
      case 'postgres':
        return await postgres(c);
      case 'ldap':
        return await ldap(c);
    }
  } finally {
    c.release();
  }
}
