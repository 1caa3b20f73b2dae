/**
 * Connection.sendFatalAlert (BoringSSL's SSL_send_fatal_alert, BoGo -send-alert) against the
 * in-memory TestServer: the alert reaches the server as a fatal alert under the connection's keys,
 * the connection is unusable afterwards and its session is not resumable (OpenSSL's rule for a
 * fatal alert, spec/openssl-semantics.md §5.2).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlertDescription, AlertLevel } from '../../src/tls/codec/alerts.js';
import { isResumable } from '../../src/tls/session/session.js';
import { SslError } from '../../src/tls/types.js';
import { connectPair, describeFailure, handshake, readOnce } from '../helpers/tls-server.js';

for (const version of [0x0303, 0x0304] as const) {
  test(`${version.toString(16)}: a fatal alert of the application's choosing, then nothing more`, async () => {
    const pair = await connectPair({ version, tickets: 1 });
    handshake(pair);
    if (version === 0x0304) assert.equal(readOnce(pair).error, SslError.WANT_READ);
    const s = pair.sessions.at(-1);
    assert.ok(s && isResumable(s), 'a resumable session before the alert');
    assert.equal(pair.conn.sendFatalAlert(AlertDescription.decompression_failure), 1, describeFailure(pair, -1));
    pair.server.pump();
    assert.deepEqual(pair.server.alertsReceived.at(-1), {
      level: AlertLevel.fatal,
      description: AlertDescription.decompression_failure,
    });
    assert.equal(isResumable(s), false, 'the session is dropped');
    const w = pair.conn.write(new Uint8Array([1, 2, 3]));
    assert.equal(w, -1);
    assert.equal(pair.conn.getError(w), SslError.SSL);
    assert.equal(pair.conn.sendFatalAlert(AlertDescription.internal_error), -1, 'a second alert is refused');
  });
}
