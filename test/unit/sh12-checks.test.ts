/**
 * TLS 1.2 ServerHello checks that BoGo found missing (class F7 in test/bogo/FAILURES.md):
 *  - EchoTLS13CompatibilitySessionID: a server that echoes our random middlebox-compatibility
 *    session ID (RFC 8446 §D.4) in a full TLS 1.2 handshake, where RFC 5246 §7.4.1.3 has it assign
 *    a new one, gets illegal_parameter (BoringSSL SERVER_ECHOED_INVALID_SESSION_ID);
 *  - PointFormat-Client-MissingUncompressed: ec_point_formats without uncompressed(0) gets
 *    illegal_parameter (RFC 8422 §5.2), an empty or malformed list decode_error.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import { ExtensionType } from '../../src/tls/codec/extensions.js';
import { HandshakeType } from '../../src/tls/codec/handshake.js';
import { ProtocolVersion } from '../../src/tls/codec/names.js';
import { TlsAlert } from '../../src/tls/errors.js';
import { editServerHello, onHandshake, runHostile, setExt } from '../helpers/hostile-server.js';
import { connectPair, handshake, type TestPair } from '../helpers/tls-server.js';
import type { TestServer } from '../helpers/tls-server.js';

function assertAlert(pair: TestPair, desc: number, reason: RegExp): void {
  const out = runHostile(pair);
  assert.equal(out.end, 'failed');
  const f = pair.conn.failure;
  assert.ok(f instanceof TlsAlert, String(f));
  assert.equal(f.description, desc, f.message);
  assert.match(f.message, reason);
  assert.ok(out.serverReceived.length === 1, JSON.stringify(out));
}

/** A ServerHello hook that copies the session ID of the client's ClientHello into the ServerHello. */
function echoClientSessionId(server: () => TestServer) {
  return onHandshake(HandshakeType.server_hello, (m) =>
    editServerHello(m, (s) => {
      const ch = server().clientHellos[0];
      assert.ok(ch && ch.sessionId.length === 32, 'the client sent a compatibility session ID');
      s.sessionId = ch.sessionId.slice();
    }),
  );
}

test('TLS 1.2 full handshake echoing our compatibility session ID: illegal_parameter', async () => {
  const ref: { server?: TestServer } = {};
  const pair = await connectPair({ version: ProtocolVersion.TLS1_2, mutate: echoClientSessionId(() => ref.server!) });
  ref.server = pair.server;
  assertAlert(pair, AlertDescription.illegal_parameter, /echoed a session ID/);
});

test('TLS 1.2 server assigning its own session ID (control): the handshake completes', async () => {
  const pair = await connectPair({ version: ProtocolVersion.TLS1_2, sessionCache: true });
  handshake(pair);
  const ch = pair.server.clientHellos[0];
  assert.ok(ch);
  assert.notDeepEqual(pair.conn.handshake.info.sessionId, ch.sessionId);
  assert.equal(pair.conn.handshake.info.resumed, false);
});

const pointFormats = (list: number[]) => Uint8Array.of(list.length, ...list);

for (const [name, body, desc, reason] of [
  ['compressed formats only', pointFormats([1, 2]), AlertDescription.illegal_parameter, /without uncompressed/],
  ['an empty list', pointFormats([]), AlertDescription.decode_error, /ec_point_formats/],
  ['a length beyond the body', Uint8Array.of(3, 0), AlertDescription.decode_error, /ec_point_formats/],
] as const) {
  test(`TLS 1.2 ServerHello with ec_point_formats of ${name}: refused`, async () => {
    const pair = await connectPair({
      version: ProtocolVersion.TLS1_2,
      mutate: onHandshake(HandshakeType.server_hello, (m) =>
        editServerHello(m, (s) => setExt(s.extensions, ExtensionType.ec_point_formats, body)),
      ),
    });
    assertAlert(pair, desc, reason);
  });
}

test('TLS 1.2 ServerHello with ec_point_formats listing uncompressed among others: accepted', async () => {
  const pair = await connectPair({
    version: ProtocolVersion.TLS1_2,
    mutate: onHandshake(HandshakeType.server_hello, (m) =>
      editServerHello(m, (s) => setExt(s.extensions, ExtensionType.ec_point_formats, pointFormats([1, 0, 2]))),
    ),
  });
  handshake(pair);
  assert.equal(pair.conn.handshake.info.version, ProtocolVersion.TLS1_2);
});
