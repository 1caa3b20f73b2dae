/**
 * The client's renegotiation policy (ContextOptions.renegotiation, maxRenegotiations; BoringSSL's
 * ssl_renegotiate_mode_t and ssl_can_renegotiate), and what a renegotiation leaves behind: no new
 * resumable session (BoringSSL never caches one), the count in ConnectionInfo.renegotiations.
 * In-memory pairs against the test server: this is our own state machine. The real-server side is
 * test/interop/renegotiation.test.ts; the alerts of refusals are also in the hostile catalogue.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertDescription, AlertLevel } from '../../src/tls/codec/alerts.js';
import { ExtensionType } from '../../src/tls/codec/extensions.js';
import { editServerHello, onHandshake, removeExt } from '../helpers/hostile-server.js';
import { HandshakeType } from '../../src/tls/codec/handshake.js';
import { TlsAlert } from '../../src/tls/errors.js';
import { SslError, type ContextOptions } from '../../src/tls/types.js';
import { connectPair, handshake, readExactly, readOnce, type TestPair } from '../helpers/tls-server.js';
import { runHostile } from '../helpers/hostile-server.js';

const text = new TextEncoder();

async function connected12(client: Partial<ContextOptions> = {}): Promise<TestPair> {
  const pair = await connectPair({ version: 0x0303, ticket12: true }, client);
  handshake(pair);
  return pair;
}

/** A HelloRequest, then reads until the server has completed the renegotiation; then a line of data. */
function renegotiate(pair: TestPair, n: number): void {
  pair.server.helloRequest();
  for (let i = 0; i < 20 && pair.server.facts.renegotiations < n; i++) readOnce(pair);
  assert.equal(pair.server.facts.renegotiations, n, pair.conn.failure?.message ?? pair.server.error?.message);
  const line = `after renegotiation ${n}`;
  pair.server.send(text.encode(line));
  assert.equal(new TextDecoder().decode(readExactly(pair, line.length)), line);
}

function clientHellos(pair: TestPair): number {
  return pair.messages.filter((m) => m.direction === 'sent' && m.name === 'ClientHello').length;
}

/** The next HelloRequest is refused: a fatal no_renegotiation the server receives, with `reason`. */
function refused(pair: TestPair, reason: RegExp): void {
  const hellos = clientHellos(pair);
  const o = runHostile(pair, (s) => s.helloRequest());
  assert.equal(o.end, 'failed');
  assert.deepEqual(o.sent, ['no_renegotiation']);
  assert.deepEqual(o.serverReceived, ['no_renegotiation']);
  assert.ok(o.failure instanceof TlsAlert && o.failure.description === AlertDescription.no_renegotiation);
  assert.match(o.failure.message, reason);
  assert.equal(clientHellos(pair), hellos, 'no ClientHello answered the refused HelloRequest');
}

describe('renegotiation policy', () => {
  test("default ('freely', OpenSSL's): two renegotiations, counted, and no new session after either", async () => {
    const pair = await connected12();
    assert.equal(pair.sessions.length, 1, 'the first handshake made a session');
    const first = pair.sessions[0];
    renegotiate(pair, 1);
    renegotiate(pair, 2);
    assert.equal(pair.conn.handshake.info.renegotiations, 2);
    assert.equal(clientHellos(pair), 3);
    // BoringSSL never caches a renegotiation's session; the connection keeps the first one.
    assert.equal(pair.sessions.length, 1);
    assert.equal(pair.conn.session, first);
  });

  test("'never': the first HelloRequest is refused with a fatal no_renegotiation", async () => {
    refused(await connected12({ renegotiation: 'never' }), /renegotiation disabled/);
  });

  test("'once': the first renegotiation runs, the second HelloRequest is refused", async () => {
    const pair = await connected12({ renegotiation: 'once' });
    renegotiate(pair, 1);
    refused(pair, /limit of 1 per connection/);
  });

  test("'freely' with maxRenegotiations 2: the third HelloRequest is refused", async () => {
    const pair = await connected12({ maxRenegotiations: 2 });
    renegotiate(pair, 1);
    renegotiate(pair, 2);
    refused(pair, /limit of 2 per connection/);
  });

  test("'explicit': SSL_read gives WANT_RENEGOTIATE until renegotiate(), then the renegotiation runs", async () => {
    const pair = await connected12({ renegotiation: 'explicit' });
    pair.server.helloRequest();
    const first = readOnce(pair);
    assert.equal(first.error, SslError.WANT_RENEGOTIATE);
    assert.equal(readOnce(pair).error, SslError.WANT_RENEGOTIATE, 'pending until the caller acts');
    assert.equal(clientHellos(pair), 1);
    assert.equal(pair.conn.renegotiate(), 1);
    for (let i = 0; i < 20 && pair.server.facts.renegotiations === 0; i++) readOnce(pair);
    assert.equal(pair.server.facts.renegotiations, 1, pair.server.error?.message);
    pair.server.send(text.encode('explicit done'));
    assert.equal(new TextDecoder().decode(readExactly(pair, 13)), 'explicit done');
    assert.equal(pair.conn.handshake.info.renegotiations, 1);
  });

  test("'ignore': HelloRequests are dropped, data flows, no ClientHello answers them", async () => {
    const pair = await connected12({ renegotiation: 'ignore' });
    for (let i = 0; i < 3; i++) pair.server.helloRequest();
    pair.server.send(text.encode('still here'));
    assert.equal(new TextDecoder().decode(readExactly(pair, 10)), 'still here');
    assert.equal(clientHellos(pair), 1);
    assert.equal(pair.conn.handshake.info.renegotiations, 0);
    assert.equal(pair.conn.failure, undefined);
  });
});

describe('client-initiated renegotiation (SSL_renegotiate, the R command)', () => {
  test('TLS 1.2: renegotiate() returns 1, the server completes a handshake on the new ClientHello, data flows', async () => {
    const pair = await connected12();
    assert.equal(pair.conn.renegotiate(), 1, JSON.stringify(pair.conn.errors));
    for (let i = 0; i < 20 && pair.server.facts.renegotiations === 0; i++) readOnce(pair);
    assert.equal(pair.server.facts.renegotiations, 1, pair.server.error?.message);
    assert.equal(pair.server.clientHellos.length, 2);
    pair.server.send(text.encode('renegotiated'));
    assert.equal(new TextDecoder().decode(readExactly(pair, 12)), 'renegotiated');
    assert.equal(pair.conn.handshake.info.renegotiations, 1);
    assert.equal(pair.sessions.length, 1, 'no session from the renegotiation');
  });

  test('TLS 1.3: renegotiate() returns 0 with "wrong ssl version" (OpenSSL can_renegotiate); the connection goes on', async () => {
    const pair = await connectPair();
    handshake(pair);
    assert.equal(pair.conn.renegotiate(), 0);
    assert.match(pair.conn.errors[0]?.reason ?? '', /wrong ssl version/);
    pair.server.send(text.encode('still fine'));
    assert.equal(new TextDecoder().decode(readExactly(pair, 10)), 'still fine');
  });

  test('a server without secure renegotiation, or renegotiation off: renegotiate() returns 0 with the reason', async () => {
    const legacy = await connectPair(
      {
        version: 0x0303,
        mutate: onHandshake(HandshakeType.server_hello, (m) =>
          editServerHello(m, (sh) => removeExt(sh.extensions, ExtensionType.renegotiation_info)),
        ),
      },
      {},
    );
    handshake(legacy);
    assert.equal(legacy.conn.renegotiate(), 0);
    assert.match(legacy.conn.errors[0]?.reason ?? '', /does not support secure renegotiation \(RFC 5746\)/);
    assert.equal(clientHellos(legacy), 1);
    const never = await connected12({ renegotiation: 'never' });
    assert.equal(never.conn.renegotiate(), 0);
    assert.match(never.conn.errors[0]?.reason ?? '', /renegotiation disabled/);
    assert.equal(clientHellos(never), 1);
  });

  test("the server's warning no_renegotiation refuses it: handshake_failure (OpenSSL SSL_R_NO_RENEGOTIATION)", async () => {
    const pair = await connected12();
    assert.equal(pair.conn.renegotiate(), 1);
    pair.server.sendAlert(AlertLevel.warning, AlertDescription.no_renegotiation);
    const r = pair.conn.read(new Uint8Array(100));
    assert.equal(r, -1);
    assert.ok(pair.conn.failure instanceof TlsAlert);
    assert.equal(pair.conn.failure.description, AlertDescription.handshake_failure);
    assert.match(pair.conn.failure.message, /server refused to renegotiate/);
    assert.deepEqual(pair.conn.handshake.info.warningAlerts, ['no_renegotiation']);
  });
});
