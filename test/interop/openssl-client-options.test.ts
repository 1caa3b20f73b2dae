/**
 * Library options against a real `openssl s_server` 3.0 over TCP (the library API, no CLI):
 *  - grease (RFC 8701): a ClientHello full of reserved values is ignored by the server and the
 *    handshake completes, TLS 1.3 and TLS 1.2;
 *  - fallbackScsv (RFC 7507): a TLS 1.2-only ClientHello with TLS_FALLBACK_SCSV makes a server that
 *    supports TLS 1.3 answer inappropriate_fallback; without the SCSV it connects at TLS 1.2.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { Connection, Context, SslError, nodeProvider } from '../../src/index.js';
import { SocketTransport } from '../../src/net/socket.js';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import { ProtocolVersion } from '../../src/tls/codec/names.js';
import { TlsAlert } from '../../src/tls/errors.js';
import type { ContextOptions } from '../../src/tls/types.js';
import { ensurePki, type Pki } from '../helpers/pki.js';
import { pemCertificates } from '../helpers/tls-server.js';
import { startOpenSslServer, type Peer } from '../helpers/peers.js';

let pki: Pki;
const peers: Peer[] = [];
before(async () => {
  pki = await ensurePki();
});
after(async () => {
  for (const p of peers) await p.stop();
});

async function server(args: string[]): Promise<Peer> {
  const l = pki.leaf('p256');
  const peer = await startOpenSslServer({ cert: l.cert, key: l.key, chain: l.chain, args });
  peers.push(peer);
  return peer;
}

/** Runs a handshake with the library over TCP: the Connection once it completed or failed. */
async function handshakeWith(peer: Peer, options: Omit<Partial<ContextOptions>, 'now'>): Promise<Connection> {
  const socket = connect(peer.port, peer.host);
  await new Promise<void>((res, rej) => socket.once('connect', res).once('error', rej));
  const transport = new SocketTransport(socket);
  const ctx = new Context(nodeProvider, { trustAnchors: pemCertificates(pki.root), now: Date.now, ...options });
  const conn = new Connection(ctx, transport, { servername: 'localhost', verifyName: 'localhost' });
  try {
    for (;;) {
      const r = conn.connect();
      if (r === 1) return conn;
      const e = conn.getError(r);
      if (e !== SslError.WANT_READ && e !== SslError.WANT_WRITE) return conn;
      await transport.wait();
    }
  } finally {
    socket.destroy();
  }
}

for (const [name, args, version] of [
  ['TLS 1.3', ['-tls1_3'], ProtocolVersion.TLS1_3],
  ['TLS 1.2', ['-tls1_2'], ProtocolVersion.TLS1_2],
] as const) {
  test(`grease: openssl s_server ignores the GREASE values, ${name} completes`, { timeout: 30_000 }, async () => {
    const conn = await handshakeWith(await server([...args]), { grease: true });
    assert.equal(conn.failure, undefined, conn.failure?.message);
    assert.equal(conn.handshake.info.version, version);
  });
}

test(
  'fallbackScsv: a TLS 1.3-capable s_server answers a TLS 1.2 fallback with inappropriate_fallback',
  { timeout: 30_000 },
  async () => {
    const peer = await server([]);
    const refused = await handshakeWith(peer, { maxVersion: ProtocolVersion.TLS1_2, fallbackScsv: true });
    const f = refused.failure;
    assert.ok(f instanceof TlsAlert, String(f));
    assert.equal(f.received, true);
    assert.equal(f.description, AlertDescription.inappropriate_fallback);
    const plain = await handshakeWith(peer, { maxVersion: ProtocolVersion.TLS1_2 });
    assert.equal(plain.failure, undefined, plain.failure?.message);
    assert.equal(plain.handshake.info.version, ProtocolVersion.TLS1_2);
  },
);
