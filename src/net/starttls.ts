/**
 * STARTTLS as `openssl s_client -starttls` speaks it: the plain-text upgrade step of SMTP, IMAP,
 * POP3, FTP, XMPP, PostgreSQL and LDAP (LMTP, NNTP, ManageSieve, IRC and MySQL in starttls-more.ts)
 * on a connected socket, ending exactly after the server's
 * "go ahead" so that the next byte on the socket belongs to TLS. Reads use the socket's paused
 * ('readable') mode and give back whatever arrived past the reply (socket.unshift), so nothing
 * is swallowed and nothing is lost before the TLS transport attaches its own 'data' listener.
 */
import type { Socket } from 'node:net';
import {
  codeReply,
  Conversation,
  joined,
  MAX_MESSAGE,
  quote,
  StartTlsError,
  upToMatch,
  xmlAttr,
  type StartTlsProtocol,
} from './starttls-conversation.js';
import { irc, mysql, nntp, sieve } from './starttls-more.js';

export { StartTlsError, type StartTlsFailure, type StartTlsProtocol } from './starttls-conversation.js';

/** The name sent with SMTP EHLO (s_client sends "mail.example.com"). */
export const EHLO_NAME = 'tls-probe.invalid';
/** PostgreSQL SSLRequest: length 8, code 80877103. */
export const PG_SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
/** LDAP StartTLS: messageID 1, ExtendedRequest [APPLICATION 23] { requestName [0] 1.3.6.1.4.1.1466.20037 }. */
export const LDAP_STARTTLS_REQUEST = Buffer.concat([
  Buffer.from([0x30, 0x1d, 0x02, 0x01, 0x01, 0x77, 0x18, 0x80, 0x16]),
  Buffer.from('1.3.6.1.4.1.1466.20037', 'latin1'),
]);

const XMPP_TLS_NS = 'urn:ietf:params:xml:ns:xmpp-tls';

/** SMTP (RFC 3207), and LMTP (RFC 2033), which differs only in saying LHLO instead of EHLO. */
async function smtp(c: Conversation, hello: 'EHLO' | 'LHLO', name: string): Promise<void> {
  const greeting = await codeReply(c, 'the greeting');
  if (greeting.code !== '220') throw c.refused(joined(greeting.lines));
  c.send(`${hello} ${name}\r\n`);
  const ehlo = await codeReply(c, hello);
  if (ehlo.code !== '250') throw c.refused(joined(ehlo.lines));
  const caps = ehlo.lines.slice(1).map((l) => l.slice(4).trim());
  if (!caps.some((k) => /^STARTTLS(\s|$)/i.test(k))) {
    throw c.fail(
      'refused',
      `server does not offer STARTTLS (${hello} capabilities: ${caps.length > 0 ? quote(caps.join(', ')) : 'none'})`,
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

/** XMPP (RFC 6120 §5.4.2); `ns` 'server' for a server-to-server stream (s_client -starttls xmpp-server). */
async function xmpp(c: Conversation, host: string, ns: 'client' | 'server' = 'client'): Promise<void> {
  c.send(
    `<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:${ns}' to='${xmlAttr(host)}' version='1.0'>`,
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
  o: { host: string; timeoutMs: number; xmppHost?: string; ehloName?: string },
): Promise<void> {
  const c = new Conversation(socket, proto, o.timeoutMs);
  try {
    switch (proto) {
      case 'smtp':
        return await smtp(c, 'EHLO', o.ehloName ?? EHLO_NAME);
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
      case 'lmtp':
        return await smtp(c, 'LHLO', o.ehloName ?? EHLO_NAME);
      case 'xmpp-server':
        return await xmpp(c, o.xmppHost ?? o.host, 'server');
      case 'nntp':
        return await nntp(c);
      case 'sieve':
        return await sieve(c);
      case 'irc':
        return await irc(c);
      case 'mysql':
        return await mysql(c);
    }
  } finally {
    c.release();
  }
}
