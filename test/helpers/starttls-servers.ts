/**
 * Local plain-text servers for --starttls tests, one per protocol (127.0.0.1, port 0): each
 * speaks the greeting and upgrade exactly, then wraps the socket in node:tls with the test PKI's
 * p256 leaf and answers every line of application data with the line reversed ("ping" -> "gnip").
 * The 'refuse' variants say no the way real servers do (no STARTTLS capability, 'N', resultCode 2).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { readFileSync } from 'node:fs';
import { ensurePki } from './pki.js';
import type { StartTlsProtocol } from '../../src/net/starttls-conversation.js';

export type Proto = StartTlsProtocol;
export const PROTOS: readonly Proto[] = ['smtp', 'imap', 'pop3', 'ftp', 'xmpp', 'postgres', 'ldap'];
/** The six added for issue 18, to s_client's thirteen (tested in starttls-more.test.ts). */
export const MORE_PROTOS: readonly Proto[] = ['lmtp', 'nntp', 'sieve', 'irc', 'mysql', 'xmpp-server'];

export interface StartTlsServerOptions {
  /** 'ok' upgrades; 'refuse' says no (default 'ok'). */
  mode?: 'ok' | 'refuse';
  /** Bytes sent in the same write as the "go ahead" reply (to prove a client does not swallow them). */
  trailing?: Buffer;
  /** Wrap in TLS after the reply (default true). */
  tls?: boolean;
}

export interface StartTlsServer {
  port: number;
  /** What clients sent in plain text, per connection, in order (lines without CRLF; binary as hex). */
  received: string[][];
  /** Plain-text bytes a client sent after its upgrade command and before TLS (should stay 0). */
  strayBytes: number;
  /** Lines received over TLS. */
  tlsLines: string[];
  close(): Promise<void>;
}

/** A server-side reader: 'data' into a buffer, takes exactly what a step needs. */
class PlainReader {
  private buf = Buffer.alloc(0);
  private wake: (() => void) | null = null;
  private ended = false;
  private readonly onData = (b: Buffer): void => {
    this.buf = Buffer.concat([this.buf, b]);
    this.poke();
  };
  private readonly onEnd = (): void => {
    this.ended = true;
    this.poke();
  };
  constructor(private readonly socket: Socket) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
  }
  private poke(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
  /** Takes need(buf) bytes once need says how many (-1: more). Rejects on EOF. */
  async take(need: (b: Buffer) => number): Promise<Buffer> {
    for (;;) {
      const n = need(this.buf);
      if (n >= 0) {
        const out = this.buf.subarray(0, n);
        this.buf = this.buf.subarray(n);
        return out;
      }
      if (this.ended) throw new Error('client closed');
      await new Promise<void>((r) => (this.wake = r));
    }
  }
  async line(): Promise<string> {
    const b = await this.take((buf) => (buf.indexOf(0x0a) < 0 ? -1 : buf.indexOf(0x0a) + 1));
    return b.toString('utf8').replace(/\r?\n$/, '');
  }
  /** Stops reading; returns the unread bytes. */
  detach(): Buffer {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    this.socket.pause();
    return this.buf;
  }
}

/** An LDAP ExtendedResponse for messageID 1 with a resultCode and diagnosticMessage. */
export function ldapResponse(code: number, diag: string, messageId = 1): Buffer {
  const d = Buffer.from(diag, 'utf8');
  const name = Buffer.from('1.3.6.1.4.1.1466.20037', 'latin1');
  const op = Buffer.concat([
    Buffer.from([0x0a, 0x01, code, 0x04, 0x00, 0x04, d.length]),
    d,
    Buffer.from([0x8a, name.length]),
    name,
  ]);
  const body = Buffer.concat([Buffer.from([0x02, 0x01, messageId, 0x78, op.length]), op]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

const XMPP_FEATURES =
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='s1' from='localhost' version='1.0'>" +
  "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>" +
  "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>";

/**
 * The plain-text part of each protocol: logs what the client says, writes the replies, and
 * returns the final "go ahead" reply (sent together with `trailing`), or null after a refusal.
 */
type Script = (
  r: PlainReader,
  w: (s: string | Buffer) => void,
  log: (s: string) => void,
  refuse: boolean,
) => Promise<string | Buffer | null>;

/** A MySQL 8 Initial Handshake (protocol 10), with or without CLIENT_SSL (0x0800) in its flags. */
export function mysqlGreeting(ssl: boolean): Buffer {
  const payload = Buffer.concat([
    Buffer.from([0x0a]),
    Buffer.from('8.0.36-test\0', 'latin1'),
    Buffer.from([0x2a, 0, 0, 0]), // connection id
    Buffer.from('abcdefgh', 'latin1'), // auth-plugin-data part 1
    Buffer.from([0x00]), // filler
    Buffer.from(ssl ? [0xff, 0xff] : [0xff, 0xf7]), // capability flags, lower 2 bytes
    Buffer.from([0xff]), // character set
    Buffer.from([0x02, 0x00]), // status flags
    Buffer.from([0xff, 0xdf]), // capability flags, upper 2 bytes
    Buffer.from([21]), // auth-plugin-data length
    Buffer.alloc(10), // reserved
    Buffer.from('ijklmnopqrst\0', 'latin1'), // auth-plugin-data part 2
    Buffer.from('caching_sha2_password\0', 'latin1'),
  ]);
  const header = Buffer.from([payload.length & 0xff, (payload.length >> 8) & 0xff, 0, 0]);
  return Buffer.concat([header, payload]);
}

/** The XMPP stream header and features a server sends for `ns` ('client' or 'server'). */
function xmppFeatures(ns: string): string {
  return XMPP_FEATURES.replace("xmlns='jabber:client'", `xmlns='jabber:${ns}'`);
}

const SCRIPTS: Record<Proto, Script> = {
  async smtp(r, w, log, refuse) {
    w('220-smtp.test ESMTP test server\r\n220 ready\r\n');
    log(await r.line());
    w(
      refuse
        ? '250-smtp.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n'
        : '250-smtp.test\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n',
    );
    if (refuse) return null;
    log(await r.line());
    return '220 2.0.0 Ready to start TLS\r\n';
  },
  async imap(r, w, log, refuse) {
    w('* OK [CAPABILITY IMAP4rev1] test server ready\r\n');
    log(await r.line());
    w(`* CAPABILITY IMAP4rev1 ${refuse ? '' : 'STARTTLS '}LOGINDISABLED\r\n. OK CAPABILITY completed\r\n`);
    log(await r.line());
    if (refuse) return (w('. BAD Unknown command\r\n'), null);
    return '. OK Begin TLS negotiation now\r\n';
  },
  async pop3(r, w, log, refuse) {
    w('+OK POP3 test server ready\r\n');
    log(await r.line());
    if (refuse) return (w('-ERR Unknown command: STLS\r\n'), null);
    return '+OK Begin TLS negotiation\r\n';
  },
  async ftp(r, w, log, refuse) {
    // RFC 959 multi-line reply: middle lines need not start with the code.
    w('220-Welcome to the test FTP server\r\n  second line of the banner\r\n220 ready\r\n');
    log(await r.line());
    if (refuse) return (w('504 AUTH TLS not supported\r\n'), null);
    return '234 AUTH TLS OK.\r\n';
  },
  async xmpp(r, w, log, refuse) {
    log((await r.take((b) => (b.indexOf('>') < 0 ? -1 : b.indexOf('>') + 1))).toString('utf8'));
    w(XMPP_FEATURES);
    log((await r.take((b) => (b.indexOf('/>') < 0 ? -1 : b.indexOf('/>') + 2))).toString('utf8'));
    if (refuse) return (w("<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:stream>"), null);
    return "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>";
  },
  async postgres(r, _w, log, refuse) {
    log((await r.take((b) => (b.length >= 8 ? 8 : -1))).toString('hex'));
    return refuse ? 'N' : 'S';
  },
  async lmtp(r, w, log, refuse) {
    w('220 lmtp.test LMTP server ready\r\n');
    log(await r.line());
    w(refuse ? '250-lmtp.test\r\n250 PIPELINING\r\n' : '250-lmtp.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n');
    if (refuse) return null;
    log(await r.line());
    return '220 2.0.0 Ready to start TLS\r\n';
  },
  async nntp(r, w, log, refuse) {
    w('200 news.test NNTP service ready, posting allowed\r\n');
    log(await r.line());
    w(`101 Capability list:\r\nVERSION 2\r\nREADER\r\n${refuse ? '' : 'STARTTLS\r\n'}.\r\n`);
    log(await r.line());
    if (refuse) return (w('580 Can not initiate TLS negotiation\r\n'), null);
    return '382 Continue with TLS negotiation\r\n';
  },
  async sieve(r, w, log, refuse) {
    w(
      `"IMPLEMENTATION" "test sieve"\r\n"SIEVE" "fileinto"\r\n${refuse ? '' : '"STARTTLS"\r\n'}"VERSION" "1.0"\r\nOK "ready"\r\n`,
    );
    log(await r.line());
    if (refuse) return (w('NO "STARTTLS is not available"\r\n'), null);
    return 'OK "Begin TLS negotiation now."\r\n';
  },
  async irc(r, w, log, refuse) {
    log(await r.line());
    // Numerics only before the answer: s_client 3.0 stops at the first line without one.
    w(':irc.test 020 * :Please wait while we process your connection.\r\n');
    if (refuse) return (w(':irc.test 421 * STARTTLS :Unknown command\r\n'), null);
    return ':irc.test 670 * :STARTTLS successful, go ahead with TLS handshake\r\n';
  },
  async mysql(r, w, log, refuse) {
    w(mysqlGreeting(!refuse));
    if (refuse) return null;
    // The client's SSLRequest (36 bytes) is followed directly by its ClientHello: no reply.
    log((await r.take((b) => (b.length >= 36 ? 36 : -1))).toString('hex'));
    return '';
  },
  async 'xmpp-server'(r, w, log, refuse) {
    log((await r.take((b) => (b.indexOf('>') < 0 ? -1 : b.indexOf('>') + 1))).toString('utf8'));
    w(xmppFeatures('server'));
    log((await r.take((b) => (b.indexOf('/>') < 0 ? -1 : b.indexOf('/>') + 2))).toString('utf8'));
    if (refuse) return (w("<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:stream>"), null);
    return "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>";
  },
  async ldap(r, w, log, refuse) {
    log((await r.take((b) => (b.length >= 2 && b.length >= 2 + (b[1] ?? 0) ? 2 + (b[1] ?? 0) : -1))).toString('hex'));
    if (refuse) return (w(ldapResponse(2, 'unsupported extended operation')), null);
    return ldapResponse(0, '');
  },
};

/** Starts a server for `proto` on 127.0.0.1 (ephemeral port). */
export async function startTlsServer(proto: Proto, o: StartTlsServerOptions = {}): Promise<StartTlsServer> {
  const pki = await ensurePki();
  const leaf = pki.leaf('p256');
  const cert = readFileSync(leaf.chain);
  const key = readFileSync(leaf.key);
  const sockets = new Set<Socket>();
  const state: StartTlsServer = { port: 0, received: [], strayBytes: 0, tlsLines: [], close: () => Promise.resolve() };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const log: string[] = [];
    state.received.push(log);
    const reader = new PlainReader(socket);
    const write = (s: string | Buffer): void => void socket.write(s);
    void SCRIPTS[proto](reader, write, (s) => log.push(s), o.mode === 'refuse').then(
      (reply) => {
        if (reply === null) return;
        const bytes = typeof reply === 'string' ? Buffer.from(reply, 'latin1') : reply;
        socket.write(o.trailing ? Buffer.concat([bytes, o.trailing]) : bytes);
        const rest = reader.detach();
        // MySQL clients send their ClientHello right behind the SSLRequest: TLS bytes, not stray ones.
        if (proto === 'mysql') socket.unshift(rest);
        else state.strayBytes += rest.length;
        if (o.tls === false) return;
        const t = new TLSSocket(socket, { isServer: true, cert, key });
        sockets.add(t as unknown as Socket);
        t.on('error', () => undefined);
        let pending = '';
        t.on('data', (b: Buffer) => {
          pending += b.toString('utf8');
          for (let i = pending.indexOf('\n'); i >= 0; i = pending.indexOf('\n')) {
            const line = pending.slice(0, i);
            pending = pending.slice(i + 1);
            state.tlsLines.push(line);
            t.write([...line].reverse().join('') + '\n');
          }
        });
        t.on('end', () => t.end());
      },
      () => socket.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  state.port = typeof addr === 'object' && addr ? addr.port : 0;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return state;
}

/** A server on 127.0.0.1 that runs `script` on each raw connection; close() destroys what is open. */
export async function rawServer(script: (s: Socket) => void): Promise<{ port: number; close: () => Promise<void> }> {
  const open = new Set<Socket>();
  const server = createServer((s) => {
    open.add(s);
    s.on('error', () => undefined);
    script(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of open) s.destroy();
        server.close(() => r());
      }),
  };
}
