/**
 * A real HTTP CONNECT proxy on loopback for --proxy tests (node:http's 'connect' event, as a
 * forward proxy such as squid or tinyproxy answers it): it records every request line and header,
 * optionally demands Basic credentials (407 with Proxy-Authenticate), and then pipes bytes both
 * ways to the requested authority. Started on port 0 of 127.0.0.1, stopped by close().
 */
import { createServer, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export interface ProxyRequest {
  /** "CONNECT 127.0.0.1:443 HTTP/1.1" */
  requestLine: string;
  /** Header names in lower case. */
  headers: Record<string, string | string[] | undefined>;
}

export interface ConnectProxy {
  port: number;
  requests: ProxyRequest[];
  close(): Promise<void>;
}

export interface ConnectProxyOptions {
  /** "user:password" the proxy demands (407 otherwise). */
  basic?: string;
  /** Answer every CONNECT with this status line instead of tunnelling, e.g. "403 Forbidden". */
  refuse?: string;
}

/** Splits "host:port" / "[v6]:port" the way RFC 9110 §9.3.6 authority-form writes it. */
function splitAuthority(a: string): { host: string; port: number } | null {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d+)$/.exec(a);
  if (!m) return null;
  return { host: m[1] ?? m[2] ?? '', port: Number(m[3]) };
}

/** Starts the proxy. */
export async function startConnectProxy(o: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const sockets = new Set<Duplex>();
  const requests: ProxyRequest[] = [];
  const server = createServer((_req, res) => {
    res.writeHead(405, { Connection: 'close' }).end();
  });
  server.on('connect', (req: IncomingMessage, client: Duplex, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    requests.push({ requestLine: `${req.method} ${req.url} HTTP/${req.httpVersion}`, headers: { ...req.headers } });
    if (o.refuse) return void client.end(`HTTP/1.1 ${o.refuse}\r\nContent-Length: 0\r\n\r\n`);
    if (o.basic !== undefined) {
      const want = `Basic ${Buffer.from(o.basic).toString('base64')}`;
      if (req.headers['proxy-authorization'] !== want) {
        return void client.end(
          'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n',
        );
      }
    }
    const target = splitAuthority(req.url ?? '');
    if (!target) return void client.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
    const upstream: Socket = connect({ host: target.host, port: target.port });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n'));
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : 0,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
