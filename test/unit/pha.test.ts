/**
 * TLS 1.3 post-handshake client authentication in the client's state machine (RFC 8446 §4.6.2),
 * in memory against the TestServer (its side: test/helpers/tls-server-pha.ts, which checks the
 * CertificateVerify against the certificate and the Finished against the client's current
 * application traffic secret): without postHandshakeAuth a post-handshake CertificateRequest is
 * unexpected_message; with it, answered with the certificate or an empty Certificate, again after
 * a KeyUpdate, and the connection carries on.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import { ExtensionType, findExtension } from '../../src/tls/codec/extensions.js';
import { TlsAlert } from '../../src/tls/errors.js';
import { SslError, type ContextOptions } from '../../src/tls/types.js';
import { connectPair, handshake, readOnce, testCredentials, writeAll, type TestPair } from '../helpers/tls-server.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

async function pair(client: Partial<ContextOptions>): Promise<TestPair> {
  const p = await connectPair({}, client);
  handshake(p);
  return p;
}

/** The server asks; the client reads (and answers); the server reads the answer. */
function authenticate(p: TestPair): { ret: number; error: SslError } {
  p.server.requestClientCertificate();
  const r = readOnce(p);
  p.server.pump();
  return r;
}

describe('post-handshake client authentication', () => {
  test('without postHandshakeAuth: no post_handshake_auth offered, a CertificateRequest is unexpected_message', async () => {
    const p = await pair({});
    assert.equal(findExtension(p.server.clientHellos[0]!.extensions, ExtensionType.post_handshake_auth), undefined);
    const r = authenticate(p);
    assert.equal(r.error, SslError.SSL);
    assert.ok(p.conn.failure instanceof TlsAlert);
    assert.equal(p.conn.failure.description, AlertDescription.unexpected_message);
    assert.equal(p.server.alertsReceived.at(-1)?.description, AlertDescription.unexpected_message);
    assert.equal(p.server.phaResults.length, 0);
  });

  test('with a certificate: Certificate, CertificateVerify and Finished, verified by the server', async () => {
    const { chain, key } = await testCredentials('client');
    const p = await pair({ postHandshakeAuth: true, clientCertificate: { chain, key } });
    assert.ok(findExtension(p.server.clientHellos[0]!.extensions, ExtensionType.post_handshake_auth));
    assert.equal(p.conn.handshake.info.clientCertSent, false);
    const r = authenticate(p);
    assert.equal(r.error, SslError.WANT_READ, p.conn.failure?.message);
    assert.equal(p.server.error, undefined);
    assert.equal(p.server.phaResults.length, 1);
    assert.deepEqual(p.server.phaResults[0]!.chain, chain);
    assert.equal(p.server.phaResults[0]!.signed, true);
    assert.equal(p.conn.handshake.info.clientCertRequested, true);
    assert.equal(p.conn.handshake.info.clientCertSent, true);
    writeAll(p, enc('still here'));
    assert.equal(new TextDecoder().decode(p.server.received()), 'still here');
  });

  test('without a certificate: an empty Certificate and Finished', async () => {
    const p = await pair({ postHandshakeAuth: true });
    const r = authenticate(p);
    assert.equal(r.error, SslError.WANT_READ, p.conn.failure?.message);
    assert.equal(p.server.error, undefined);
    assert.deepEqual(
      p.server.phaResults.map((x) => [x.chain.length, x.signed]),
      [[0, false]],
    );
    assert.equal(p.conn.handshake.info.clientCertSent, false);
  });

  test('twice, with a KeyUpdate between: each Finished under the current traffic secret', async () => {
    const { chain, key } = await testCredentials('client');
    const p = await pair({ postHandshakeAuth: true, clientCertificate: { chain, key } });
    authenticate(p);
    p.conn.keyUpdate(false);
    p.server.pump();
    assert.equal(p.server.facts.keyUpdatesReceived, 1);
    const r = authenticate(p);
    assert.equal(r.error, SslError.WANT_READ, p.conn.failure?.message);
    assert.equal(p.server.error, undefined);
    assert.equal(p.server.phaResults.length, 2);
    assert.notDeepEqual(p.server.phaResults[0]!.context, p.server.phaResults[1]!.context);
  });
});
