/**
 * An HTTP CONNECT tunnel (RFC 9110 §9.3.6) on a socket connected to the proxy, as curl opens one:
 * `CONNECT host:port HTTP/1.1` with a Host header of the same authority, IPv6 literals in brackets
 * (RFC 3986 §3.2.2; openssl#19891 is s_client forgetting them), and Basic credentials (RFC 7617)
 * in Proxy-Authorization. Resolves once a 2xx response's header block is read, with every byte
 * after it left in the socket for TLS; rejects with ProxyError quoting the proxy's status line.
 */
import type { Socket } from 'node:net';

/** What the tunnel is for and how to authenticate. */
export interface ConnectRequest {
  /** The TLS server: a host name, IPv4 or IPv6 literal (without brackets). */
  host: string;
  port: number;
  /** Basic credentials, or null. */
  user: string | null;
  password: string | null;
  /** Bound on the whole exchange. */
  timeoutMs: number;
}

/** Why the tunnel was not opened: the proxy said no, closed, went silent or spoke nonsense. */
export class ProxyError extends Error {
  override readonly name = 'ProxyError';
  /** 'ETIMEDOUT' for a timeout (so it classifies like one), else undefined. */
  readonly code: 'ETIMEDOUT' | undefined;
  constructor(
    readonly reason: 'refused' | 'eof' | 'timeout' | 'malformed',
    message: string,
    /** The status code of a refusal (407, 403, 502 ...). */
    readonly status: number | null = null,
  ) {
    super(message);
    this.code = reason === 'timeout' ? 'ETIMEDOUT' : undefined;
  }
}

const MAX_HEADER = 65536;

/** "host:port", with an IPv6 literal in brackets. */
export function authority(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The request bytes (no body). */
export function connectRequest(r: Pick<ConnectRequest, 'host' | 'port' | 'user' | 'password'>): string {
  const a = authority(r.host, r.port);
  const lines = [`CONNECT ${a} HTTP/1.1`, `Host: ${a}`];
  if (r.user !== null && r.password !== null) {
    const token = Buffer.from(`${r.user}:${r.password}`, 'utf8').toString('base64');
    lines.push(`Proxy-Authorization: Basic ${token}`);
  }
  lines.push('User-Agent: tls-probe', 'Proxy-Connection: Keep-Alive');
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Opens the tunnel on `socket` (connected to the proxy); see the module comment. */
export function httpConnect(socket: Socket, r: ConnectRequest, proxyName: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const target = authority(r.host, r.port);
    const done = (e?: Error): void => {
      clearTimeout(timer);
      socket.off('readable', onReadable);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.off('error', onError);
      if (e) reject(e);
      else resolve();
    };
    const onError = (e: Error): void => done(e);
    const onEnd = (): void =>
      done(
        new ProxyError(
          'eof',
          `proxy ${proxyName} closed the connection before answering CONNECT ${target}` +
            (buf.length ? ` (it said ${JSON.stringify(buf.toString('latin1').slice(0, 120))})` : ''),
        ),
      );
    const onReadable = (): void => {
      for (let chunk = socket.read() as Buffer | null; chunk; chunk = socket.read() as Buffer | null) {
        buf = Buffer.concat([buf, chunk]);
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) {
          if (buf.length > MAX_HEADER)
            return done(new ProxyError('malformed', `proxy ${proxyName} sent more than ${MAX_HEADER} header bytes`));
          continue;
        }
        const head = buf.subarray(0, end).toString('latin1');
        const rest = buf.subarray(end + 4);
        const statusLine = head.split('\r\n')[0] ?? '';
        const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(statusLine);
        if (!m) return done(new ProxyError('malformed', `proxy ${proxyName} answered ${JSON.stringify(statusLine)}`));
        const status = Number(m[1]);
        // RFC 9110 §9.3.6: any 2xx response means the tunnel is open; everything else refuses it.
        if (status < 200 || status > 299) {
          return done(
            new ProxyError(
              'refused',
              `proxy ${proxyName} refused CONNECT ${target}: ${JSON.stringify(statusLine)}`,
              status,
            ),
          );
        }
        if (rest.length > 0) socket.unshift(rest);
        return done();
      }
    };
    const timer = setTimeout(
      () =>
        done(new ProxyError('timeout', `proxy ${proxyName} did not answer CONNECT ${target} within ${r.timeoutMs} ms`)),
      r.timeoutMs,
    );
    socket.on('readable', onReadable);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.on('error', onError);
    socket.write(connectRequest(r));
  });
}
