/**
 * Keying-material exporters (src/tls/handshake/exporter.ts) against OpenSSL as Node embeds it:
 * a node:tls connection's key log gives the exporter_master_secret (TLS 1.3) or the master
 * secret (TLS 1.2, with the randoms read off the wire), and TLSSocket.exportKeyingMaterial (which
 * is SSL_export_keying_material) gives the expected bytes.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect as netConnect, createServer as createNetServer, type AddressInfo } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer } from 'node:tls';
import { nodeProvider } from '../../src/tls/crypto/index.js';
import { exportKeyingMaterial12, exportKeyingMaterial13 } from '../../src/tls/handshake/exporter.js';
import { prfHashFor } from '../../src/tls/handshake/prf.js';
import { ensurePki, type Pki } from '../helpers/pki.js';

interface Observed {
  keylog: string[];
  clientRandom: Buffer;
  serverRandom: Buffer;
  exported: Buffer;
  exportedWithContext: Buffer;
}

/** One node:tls connection through a relay that records the first bytes each way. */
async function observe(pki: Pki, version: 'TLSv1' | 'TLSv1.2' | 'TLSv1.3', cipher: string): Promise<Observed> {
  const leaf = pki.leaf('p256');
  // TLS 1.0 needs OpenSSL's security level 0 on both sides (SHA-1 signatures and PRF).
  const legacy = version === 'TLSv1' ? { minVersion: version, ciphers: `${cipher}:@SECLEVEL=0` } : {};
  const server = createTlsServer({ cert: readFileSync(leaf.chain), key: readFileSync(leaf.key), ...legacy }, (s) =>
    s.end(),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  let fromClient = Buffer.alloc(0);
  let fromServer = Buffer.alloc(0);
  const relay = createNetServer((c) => {
    const up = netConnect((server.address() as AddressInfo).port, '127.0.0.1');
    c.on('data', (b: Buffer) => {
      fromClient = Buffer.concat([fromClient, b]);
      up.write(b);
    });
    up.on('data', (b: Buffer) => {
      fromServer = Buffer.concat([fromServer, b]);
      c.write(b);
    });
    c.on('error', () => undefined);
    up.on('error', () => undefined);
    c.on('close', () => up.destroy());
    up.on('close', () => c.destroy());
  });
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
  try {
    const keylog: string[] = [];
    const sock = tlsConnect({
      host: '127.0.0.1',
      port: (relay.address() as AddressInfo).port,
      ca: readFileSync(pki.root),
      servername: 'localhost',
      minVersion: version,
      maxVersion: version,
      ...(version === 'TLSv1.2' ? { ciphers: cipher } : {}),
      ...legacy,
    });
    sock.on('keylog', (l: Buffer) => keylog.push(l.toString().trim()));
    await new Promise<void>((resolve, reject) => {
      sock.once('secureConnect', resolve);
      sock.once('error', reject);
    });
    // No context at all (use_context = 0), as s_client -keymatexport asks; @types/node insists on one.
    const exported = sock.exportKeyingMaterial(20, 'EXPERIMENTAL-x', undefined as unknown as Buffer);
    const exportedWithContext = sock.exportKeyingMaterial(32, 'EXPERIMENTAL-y', Buffer.from('ctx'));
    sock.destroy();
    // ClientHello and ServerHello: record header 5, handshake header 4, version 2, then the random.
    return {
      keylog,
      clientRandom: fromClient.subarray(11, 43),
      serverRandom: fromServer.subarray(11, 43),
      exported,
      exportedWithContext,
    };
  } finally {
    relay.close();
    server.close();
  }
}

const secretOf = (keylog: string[], label: string): Uint8Array => {
  const line = keylog.find((l) => l.startsWith(`${label} `));
  assert.ok(line, `no ${label} in the key log`);
  return new Uint8Array(Buffer.from(line.split(' ')[2] ?? '', 'hex'));
};

describe('keying-material exporters match SSL_export_keying_material', () => {
  let pki: Pki;
  before(async () => {
    pki = await ensurePki();
  });

  it('TLS 1.3 (RFC 8446 §7.5), with and without a context', async () => {
    const p = nodeProvider;
    const o = await observe(pki, 'TLSv1.3', '');
    const ems = secretOf(o.keylog, 'EXPORTER_SECRET');
    const hash = ems.length === 48 ? 'sha384' : 'sha256';
    assert.equal(
      Buffer.from(exportKeyingMaterial13(p, hash, ems, 'EXPERIMENTAL-x', null, 20)).toString('hex'),
      o.exported.toString('hex'),
    );
    assert.equal(
      Buffer.from(exportKeyingMaterial13(p, hash, ems, 'EXPERIMENTAL-y', new TextEncoder().encode('ctx'), 32)).toString(
        'hex',
      ),
      o.exportedWithContext.toString('hex'),
    );
  });

  it('TLS 1.2 (RFC 5705), SHA-256 and SHA-384 PRFs, with and without a context; reserved labels refused', async () => {
    const p = nodeProvider;
    for (const [cipher, hash] of [
      ['ECDHE-ECDSA-AES128-GCM-SHA256', 'sha256'],
      ['ECDHE-ECDSA-AES256-GCM-SHA384', 'sha384'],
    ] as const) {
      const o = await observe(pki, 'TLSv1.2', cipher);
      const ms = secretOf(o.keylog, 'CLIENT_RANDOM');
      const cr = new Uint8Array(o.clientRandom);
      const sr = new Uint8Array(o.serverRandom);
      assert.equal(
        Buffer.from(exportKeyingMaterial12(p, hash, ms, cr, sr, 'EXPERIMENTAL-x', null, 20)).toString('hex'),
        o.exported.toString('hex'),
        cipher,
      );
      assert.equal(
        Buffer.from(
          exportKeyingMaterial12(p, hash, ms, cr, sr, 'EXPERIMENTAL-y', new TextEncoder().encode('ctx'), 32),
        ).toString('hex'),
        o.exportedWithContext.toString('hex'),
        cipher,
      );
      assert.throws(() => exportKeyingMaterial12(p, hash, ms, cr, sr, 'key expansion', null, 20), /reserved/);
    }
  });

  it("TLS 1.0 (RFC 5705 over RFC 2246's MD5/SHA-1 PRF), with and without a context", async () => {
    // Regression: the TLS 1.2 exporter was called with the suite's hash (SHA-256) on TLS 1.0 (BoGo ExportKeyingMaterial-*-TLS1).
    const p = nodeProvider;
    const o = await observe(pki, 'TLSv1', 'ECDHE-ECDSA-AES128-SHA');
    const ms = secretOf(o.keylog, 'CLIENT_RANDOM');
    const cr = new Uint8Array(o.clientRandom);
    const sr = new Uint8Array(o.serverRandom);
    const hash = prfHashFor(0x0301, 'sha256');
    assert.equal(hash, 'md5-sha1');
    assert.equal(
      Buffer.from(exportKeyingMaterial12(p, hash, ms, cr, sr, 'EXPERIMENTAL-x', null, 20)).toString('hex'),
      o.exported.toString('hex'),
    );
    assert.equal(
      Buffer.from(
        exportKeyingMaterial12(p, hash, ms, cr, sr, 'EXPERIMENTAL-y', new TextEncoder().encode('ctx'), 32),
      ).toString('hex'),
      o.exportedWithContext.toString('hex'),
    );
  });
});
