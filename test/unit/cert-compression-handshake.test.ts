/**
 * Certificate compression in a whole TLS 1.3 handshake (RFC 8879 §4) against the in-memory server
 * (the product's codec and record layer): the server answers our compress_certificate offer with a
 * CompressedCertificate in place of its Certificate. Brotli is covered here because no Debian peer
 * compresses with it (OpenSSL 3.5's Debian build has zlib and zstd only; the real-peer tests are in
 * test/interop/cert-compression.test.ts). The message is built from the server's own Certificate.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brotliCompressSync, deflateSync } from 'node:zlib';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import {
  HANDSHAKE_COMPRESSED_CERTIFICATE,
  encodeCompressedCertificate,
} from '../../src/tls/codec/compressed-certificate.js';
import { HandshakeType, frameHandshake } from '../../src/tls/codec/handshake.js';
import { ProtocolVersion } from '../../src/tls/codec/names.js';
import type { CertCompressionName } from '../../src/tls/codec/sigschemes.js';
import { TlsAlert } from '../../src/tls/errors.js';
import { onHandshake, runHostile } from '../helpers/hostile-server.js';
import { connectPair, handshake } from '../helpers/tls-server.js';

const ALGORITHMS = { zlib: [1, deflateSync], brotli: [2, brotliCompressSync] } as const;

/** Replaces the server's Certificate with a CompressedCertificate of it (`lie` shifts the announced length). */
function compressedBy(name: keyof typeof ALGORITHMS, lie = 0) {
  const [algorithm, compress] = ALGORITHMS[name];
  return onHandshake(HandshakeType.certificate, (m) => {
    const body = m.subarray(4);
    const compressed = new Uint8Array(compress(body));
    const msg = encodeCompressedCertificate({ algorithm, uncompressedLength: body.length + lie, compressed });
    return frameHandshake(HANDSHAKE_COMPRESSED_CERTIFICATE, msg);
  });
}

for (const name of ['brotli', 'zlib'] as const) {
  test(`${name}: the server's compressed Certificate is verified and reported with both lengths`, async () => {
    const offer: CertCompressionName[] = [name];
    const pair = await connectPair(
      { version: ProtocolVersion.TLS1_3, mutate: compressedBy(name) },
      { certCompression: offer },
    );
    handshake(pair);
    const info = pair.conn.handshake.info;
    assert.equal(info.verify.ok, true, info.verify.message);
    const c = info.certificateCompression;
    assert.ok(c, 'certificateCompression reported');
    assert.equal(c.algorithm, name);
    assert.ok(c.compressedLength < c.uncompressedLength, `${c.compressedLength} < ${c.uncompressedLength}`);
  });
}

test('brotli with an announced length one byte short: bad_certificate, the handshake fails', async () => {
  const pair = await connectPair(
    { version: ProtocolVersion.TLS1_3, mutate: compressedBy('brotli', -1) },
    { certCompression: ['brotli'] },
  );
  const out = runHostile(pair);
  assert.equal(out.end, 'failed');
  const f = pair.conn.failure;
  assert.ok(f instanceof TlsAlert && f.description === AlertDescription.bad_certificate, String(f));
});

test('brotli when only zlib was offered: the algorithm was not offered, illegal_parameter', async () => {
  const pair = await connectPair(
    { version: ProtocolVersion.TLS1_3, mutate: compressedBy('brotli') },
    { certCompression: ['zlib'] },
  );
  const out = runHostile(pair);
  assert.equal(out.end, 'failed');
  const f = pair.conn.failure;
  assert.ok(f instanceof TlsAlert, String(f));
  assert.equal(f.description, AlertDescription.illegal_parameter, f.message);
});
