/**
 * Connection.exportKeyingMaterial (SSL_export_keying_material in the core) against OpenSSL as
 * Node embeds it: a node:tls server on loopback exports for the same connection with
 * TLSSocket.exportKeyingMaterial, and both sides must agree, TLS 1.2 (RFC 5705; SHA-256 and SHA-384
 * PRFs, extended master secret) and TLS 1.3 (RFC 8446 §7.5), with and without a context.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import type { TLSSocket } from 'node:tls';
import { Context } from '../../src/tls/context.js';
import { Connection } from '../../src/tls/connection.js';
import { nodeProvider } from '../../src/tls/crypto/index.js';
import { suiteByName } from '../../src/tls/codec/names.js';
import { memoryPair } from '../../src/net/memory.js';
import { ensurePki, type Pki } from '../helpers/pki.js';
import { linkToNodeTls, listenNodeTls } from '../helpers/node-tls-peer.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const ctxBytes = new TextEncoder().encode('a context');

/** One connection of ours to a node:tls server; returns what both sides exported. */
async function exportBoth(
  pki: Pki,
  version: 'TLSv1.2' | 'TLSv1.3',
  suite12?: string,
): Promise<{ ours: string[]; theirs: string[]; ems: boolean; reservedRefused: boolean }> {
  const server = await listenNodeTls(pki, version);
  const serverSide = new Promise<TLSSocket>((resolve) => server.once('secureConnection', resolve));
  const link = await linkToNodeTls(server, nodeProvider, version, suite12 ? suiteByName(suite12)?.id : undefined);
  try {
    const theirSocket = await serverSide;
    const ours = [
      hex(link.conn.exportKeyingMaterial('EXPERIMENTAL-a', 20)),
      hex(link.conn.exportKeyingMaterial('EXPERIMENTAL-b', 64, ctxBytes)),
      hex(link.conn.exportKeyingMaterial('EXPERIMENTAL-c', 16, new Uint8Array(0))),
    ];
    const theirs = [
      // No context at all (use_context = 0); @types/node insists on one.
      theirSocket.exportKeyingMaterial(20, 'EXPERIMENTAL-a', undefined as unknown as Buffer).toString('hex'),
      theirSocket.exportKeyingMaterial(64, 'EXPERIMENTAL-b', Buffer.from(ctxBytes)).toString('hex'),
      theirSocket.exportKeyingMaterial(16, 'EXPERIMENTAL-c', Buffer.alloc(0)).toString('hex'),
    ];
    theirSocket.destroy();
    let reservedRefused = false;
    try {
      link.conn.exportKeyingMaterial('key expansion', 20);
    } catch {
      reservedRefused = true;
    }
    return { ours, theirs, ems: link.conn.handshake.info.extendedMasterSecret, reservedRefused };
  } finally {
    link.socket.destroy();
    server.close();
  }
}

describe('Connection.exportKeyingMaterial agrees with OpenSSL (node:tls server)', () => {
  let pki: Pki;
  before(async () => {
    pki = await ensurePki();
  });

  it('TLS 1.3: no context, a context, an empty context', async () => {
    const r = await exportBoth(pki, 'TLSv1.3');
    assert.deepEqual(r.ours, r.theirs);
    assert.equal(r.reservedRefused, false, 'RFC 5705 §4 reserves labels for TLS 1.2 only (as OpenSSL)');
  });

  for (const suite of ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384']) {
    it(`TLS 1.2 ${suite}: no context, a context, an empty context (RFC 5705 §4)`, async () => {
      const r = await exportBoth(pki, 'TLSv1.2', suite);
      assert.equal(r.ems, true, 'OpenSSL negotiates extended master secret');
      assert.deepEqual(r.ours, r.theirs);
      assert.equal(r.reservedRefused, true, 'key expansion is reserved (RFC 5705 §4)');
    });
  }

  it('refuses before the handshake has completed', () => {
    const [a] = memoryPair();
    const conn = new Connection(new Context(nodeProvider, { now: Date.now }), a, {
      servername: null,
      verifyName: null,
    });
    assert.throws(() => conn.exportKeyingMaterial('EXPERIMENTAL-a', 20), /handshake has not completed/);
  });
});
