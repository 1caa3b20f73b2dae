/**
 * A TLS 1.2 ServerHello that answers our supported_groups with its own list: tolerated, as
 * BoringSSL, OpenSSL and Go do (BoGo SupportedCurves-ServerHello-TLS12, class F8 in
 * test/bogo/FAILURES.md). An extension we never offered is still unsupported_extension.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import { ExtensionType } from '../../src/tls/codec/extensions.js';
import { HandshakeType } from '../../src/tls/codec/handshake.js';
import { ProtocolVersion } from '../../src/tls/codec/names.js';
import { TlsAlert } from '../../src/tls/errors.js';
import { editServerHello, onHandshake } from '../helpers/hostile-server.js';
import { connectPair, handshake } from '../helpers/tls-server.js';

/** supported_groups body: secp256r1 only. */
const GROUPS = Uint8Array.of(0, 2, 0x00, 0x17);

test('TLS 1.2 ServerHello with supported_groups: the handshake completes', async () => {
  const pair = await connectPair({
    version: ProtocolVersion.TLS1_2,
    mutate: onHandshake(HandshakeType.server_hello, (m) =>
      editServerHello(m, (s) => s.extensions.push({ type: ExtensionType.supported_groups, data: GROUPS })),
    ),
  });
  handshake(pair);
  assert.equal(pair.conn.handshake.info.version, ProtocolVersion.TLS1_2);
});

test('TLS 1.2 ServerHello with an extension we never offered is still unsupported_extension', async () => {
  const pair = await connectPair({
    version: ProtocolVersion.TLS1_2,
    mutate: onHandshake(HandshakeType.server_hello, (m) =>
      editServerHello(m, (s) => s.extensions.push({ type: ExtensionType.cookie, data: Uint8Array.of(0, 1, 7) })),
    ),
  });
  assert.throws(() => handshake(pair), /handshake failed/);
  const f = pair.conn.failure;
  assert.ok(f instanceof TlsAlert, String(f));
  assert.equal(f.description, AlertDescription.unsupported_extension, f.message);
});
