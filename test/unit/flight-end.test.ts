/**
 * A server flight ends with its last message: nothing of a further handshake message may follow
 * it in the same record when our flight answers it (BoringSSL EXCESS_HANDSHAKE_DATA; RFC 8446 §5.1
 * for messages before a key change). BoGo PartialNewSessionTicketWithServerHelloDone (TLS 1.2) and
 * PartialServerHelloWithHelloRetryRequest (TLS 1.3), class F7 in test/bogo/FAILURES.md:
 * unexpected_message, before our next flight goes out.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import { concat } from '../../src/tls/codec/bytes.js';
import { HandshakeType } from '../../src/tls/codec/handshake.js';
import { ProtocolVersion } from '../../src/tls/codec/names.js';
import { TlsAlert } from '../../src/tls/errors.js';
import { onHandshake, runHostile } from '../helpers/hostile-server.js';
import { connectPair, handshake, type TestPair } from '../helpers/tls-server.js';

/** Handshake messages the client sent, by name. */
const sentHandshakes = (pair: TestPair): string[] =>
  pair.messages.filter((m) => m.direction === 'sent' && m.contentType === 22).map((m) => m.name);

function assertExcess(pair: TestPair): void {
  const out = runHostile(pair);
  assert.equal(out.end, 'failed');
  const f = pair.conn.failure;
  assert.ok(f instanceof TlsAlert, String(f));
  assert.equal(f.description, AlertDescription.unexpected_message, f.message);
  assert.match(f.message, /excess handshake data/);
  assert.deepEqual(out.sent, ['unexpected_message']);
  assert.deepEqual(out.serverReceived, ['unexpected_message']);
}

test('TLS 1.2: ServerHelloDone with the first byte of a NewSessionTicket in its record is unexpected_message', async () => {
  const pair = await connectPair({
    version: ProtocolVersion.TLS1_2,
    mutate: onHandshake(HandshakeType.server_hello_done, (m) =>
      concat(m, Uint8Array.of(HandshakeType.new_session_ticket)),
    ),
  });
  assertExcess(pair);
  assert.ok(!sentHandshakes(pair).includes('ClientKeyExchange'), 'no flight answered the broken one');
});

test('TLS 1.3: HelloRetryRequest with the first byte of the ServerHello in its record is unexpected_message', async () => {
  const pair = await connectPair({
    version: ProtocolVersion.TLS1_3,
    group: 'secp384r1',
    mutate: onHandshake(HandshakeType.server_hello, (m) => concat(m, Uint8Array.of(HandshakeType.server_hello))),
  });
  assertExcess(pair);
  assert.equal(sentHandshakes(pair).filter((n) => n === 'ClientHello').length, 1, 'no second ClientHello');
});

test('the same servers without the trailing byte (control): the handshakes complete', async () => {
  for (const server of [
    { version: ProtocolVersion.TLS1_2 },
    { version: ProtocolVersion.TLS1_3, group: 'secp384r1' as const },
  ]) {
    const pair = await connectPair(server);
    handshake(pair);
    assert.equal(pair.conn.handshake.info.version, server.version);
  }
});
