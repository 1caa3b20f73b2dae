/**
 * The client's renegotiation policy (ContextOptions.renegotiation, maxRenegotiations; BoringSSL's
 * ssl_renegotiate_mode_t and ssl_can_renegotiate), and what a renegotiation leaves behind: no new
 * resumable session (BoringSSL never caches one), the count in ConnectionInfo.renegotiations.
 * In-memory pairs against the test server: this is our own state machine. The real-server side is
 * test/interop/renegotiation.test.ts; the alerts of refusals are also in the hostile catalogue.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import { TlsAlert } from '../../src/tls/errors.js';
import type { ContextOptions } from '../../src/tls/types.js';
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
