/**
 * The signed_certificate_timestamp extension (RFC 6962 §3.3.1; BoGo SignedCertificateTimestampList-*):
 * the list's shape is checked (decode_error for an empty list or an empty SCT, as BoringSSL), the
 * ClientHello offers it only when asked, and a session keeps the list for its resumptions.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeSctList } from '../../src/tls/codec/certificate.js';
import { findExtension } from '../../src/tls/codec/extensions.js';
import { ExtensionType } from '../../src/tls/codec/registry.js';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import { TlsAlert } from '../../src/tls/errors.js';
import { Context } from '../../src/tls/context.js';
import { nodeProvider } from '../../src/tls/crypto/index.js';
import { helloExtensions } from '../../src/tls/handshake/clienthello.js';
import { emptyInfo } from '../../src/tls/handshake/info.js';
import { restoreSessionFacts, sessionFacts } from '../../src/tls/handshake/negotiated.js';
import { createSession } from '../../src/tls/session/session.js';

test('an SCT list: one or more non-empty SCTs, else decode_error', () => {
  const good = Uint8Array.of(0, 6, 0, 1, 7, 0, 1, 8);
  assert.deepEqual(decodeSctList(good), good);
  for (const bad of [
    Uint8Array.of(0, 0),
    Uint8Array.of(0, 6, 0, 2, 1, 2, 0, 0),
    Uint8Array.of(0, 3, 0, 1),
    new Uint8Array(),
  ]) {
    assert.throws(
      () => decodeSctList(bad),
      (e: unknown) => e instanceof TlsAlert && e.description === AlertDescription.decode_error,
    );
  }
});

test('offered (empty) only with signedCertificateTimestamps', () => {
  const base = new Context(nodeProvider, { now: Date.now }).options;
  const h = { random: new Uint8Array(32), sessionId: new Uint8Array(0), servername: 'a.example', keyShares: [] };
  assert.equal(findExtension(helloExtensions(base, h), ExtensionType.signed_certificate_timestamp), undefined);
  const on = helloExtensions({ ...base, signedCertificateTimestamps: true }, h);
  assert.equal(findExtension(on, ExtensionType.signed_certificate_timestamp)?.data.length, 0);
});

test('a session keeps the SCT list and a resumption reports it', () => {
  const info = emptyInfo('localhost', 16384);
  info.signedCertificateTimestamps = Uint8Array.of(0, 3, 0, 1, 9);
  const s = createSession({
    version: 0x0304,
    cipherSuite: 0x1301,
    masterKey: new Uint8Array(32),
    ...sessionFacts(info, 0),
  });
  const resumed = emptyInfo('localhost', 16384);
  restoreSessionFacts(resumed, s, false);
  assert.deepEqual(resumed.signedCertificateTimestamps, Uint8Array.of(0, 3, 0, 1, 9));
});
