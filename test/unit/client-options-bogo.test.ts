/**
 * Library options and accessors that BoringSSL exposes and BoGo's shim flags drive (test/bogo/
 * options.ts, checks.ts), each against the in-memory TestServer.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import { ExtensionType, selectedAlpnExt } from '../../src/tls/codec/extensions.js';
import { HandshakeType } from '../../src/tls/codec/handshake.js';
import { ProtocolVersion } from '../../src/tls/codec/names.js';
import { TlsAlert } from '../../src/tls/errors.js';
import { editServerHello, onHandshake, runHostile, setExt } from '../helpers/hostile-server.js';
import { connectPair, handshake } from '../helpers/tls-server.js';

/** A TLS 1.2 server whose ServerHello selects ALPN "baz" whatever we offered. */
const selectsBaz = () => ({
  version: ProtocolVersion.TLS1_2,
  mutate: onHandshake(HandshakeType.server_hello, (m) =>
    editServerHello(m, (s) =>
      setExt(s.extensions, ExtensionType.application_layer_protocol_negotiation, selectedAlpnExt('baz').data),
    ),
  ),
});

test('ALPN: a protocol we did not offer is illegal_parameter (RFC 7301 §3.2)', async () => {
  const pair = await connectPair(selectsBaz(), { alpn: ['foo', 'bar'] });
  runHostile(pair);
  const f = pair.conn.failure;
  assert.ok(f instanceof TlsAlert, String(f));
  assert.equal(f.description, AlertDescription.illegal_parameter);
});

test('ALPN with allowUnknownAlpn: the unoffered protocol is accepted and reported (BoGo ALPNClient-AllowUnknown-*)', async () => {
  const pair = await connectPair(selectsBaz(), { alpn: ['foo', 'bar'], allowUnknownAlpn: true });
  handshake(pair);
  assert.equal(pair.conn.handshake.info.alpn, 'baz');
});
