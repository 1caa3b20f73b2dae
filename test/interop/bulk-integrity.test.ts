/**
 * Bulk data both ways over a real socket to OpenSSL as Node embeds it (a node:tls server on
 * loopback), for every AEAD of TLS 1.3 and TLS 1.2 (issue 14): with the native binding built,
 * records are sealed and opened in memory the record layer reuses once the socket has handed the
 * records to the kernel (Transport.holdsNoChunks) or the application has read them. The server
 * hashes every byte it reads before it answers with data of its own, which the client hashes too.
 * One server reads slowly at first, so that Node's socket keeps records queued (views the record
 * layer must not write over) while the client goes on writing.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { getProvider } from '../../src/net/providers.js';
import { suiteByName } from '../../src/tls/codec/names.js';
import { SslError } from '../../src/tls/types.js';
import { failureOf } from '../../src/cli/drive.js';
import { ensurePki, type Pki } from '../helpers/pki.js';
import { linkToNodeTls, listenNodeTls, type NodeTlsVersion } from '../helpers/node-tls-peer.js';

const VOLUME = 6 * 1024 * 1024;
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** A node:tls server that reads VOLUME bytes (after `pauseMs`), then sends their hash and `answer`. */
function bulkServer(pki: Pki, version: NodeTlsVersion, answer: Buffer, pauseMs: number) {
  return listenNodeTls(pki, version, (s: TLSSocket) => {
    const h = createHash('sha256');
    let got = 0;
    if (pauseMs) {
      s.pause();
      setTimeout(() => s.resume(), pauseMs);
    }
    s.on('data', (d: Buffer) => {
      h.update(d);
      got += d.length;
      if (got === VOLUME) s.end(Buffer.concat([Buffer.from(h.digest('hex')), answer]));
    });
    s.on('error', () => {});
  });
}

async function roundTrip(pki: Pki, version: NodeTlsVersion, suite: string, pauseMs = 0) {
  const answer = randomBytes(VOLUME);
  const server = await bulkServer(pki, version, answer, pauseMs);
  const id = suiteByName(suite)?.id;
  assert.ok(id, suite);
  const link = await linkToNodeTls(server, await getProvider('node'), version, id);
  try {
    const { conn, transport } = link;
    assert.equal(conn.handshake.info.cipherSuite, id, suite);
    const data = randomBytes(VOLUME);
    const chunk = 1024 * 1024;
    let piece = data.subarray(0, chunk);
    for (let off = 0; off < VOLUME;) {
      const r = conn.write(piece); // a retry after WANT_WRITE passes the same buffer (§1.5)
      if (r > 0) {
        off += r;
        piece = data.subarray(off, off + chunk);
      } else if (conn.getError(r) === SslError.WANT_WRITE) await transport.wait();
      else throw failureOf(conn);
    }
    const got: Buffer[] = [];
    const buf = new Uint8Array(20000);
    for (;;) {
      const r = conn.read(buf);
      if (r > 0) got.push(Buffer.from(buf.subarray(0, r)));
      else if (r === 0) break;
      else if (conn.getError(r) === SslError.WANT_READ) await transport.wait();
      else throw failureOf(conn);
    }
    const all = Buffer.concat(got);
    return {
      sent: sha256(data),
      theirHashOfIt: all.subarray(0, 64).toString(),
      answer: sha256(answer),
      got: sha256(all.subarray(64)),
    };
  } finally {
    link.socket.destroy();
    server.close();
  }
}

describe('bulk data both ways against node:tls, every AEAD', () => {
  let pki: Pki;
  before(async () => {
    pki = await ensurePki();
  });
  const cases: [NodeTlsVersion, string][] = [
    ['TLSv1.3', 'TLS_AES_128_GCM_SHA256'],
    ['TLSv1.3', 'TLS_AES_256_GCM_SHA384'],
    ['TLSv1.3', 'TLS_CHACHA20_POLY1305_SHA256'],
    ['TLSv1.2', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'],
    ['TLSv1.2', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'],
    ['TLSv1.2', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256'],
  ];
  for (const [version, suite] of cases) {
    it(`${version} ${suite}: ${VOLUME >> 20} MiB each way arrive whole`, async () => {
      const r = await roundTrip(pki, version, suite);
      assert.equal(r.theirHashOfIt, r.sent);
      assert.equal(r.got, r.answer);
    });
  }
  it('a server that reads late: records Node keeps queued are not written over', async () => {
    const r = await roundTrip(pki, 'TLSv1.3', 'TLS_AES_128_GCM_SHA256', 300);
    assert.equal(r.theirHashOfIt, r.sent);
    assert.equal(r.got, r.answer);
  });
});
