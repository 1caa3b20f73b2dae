/**
 * KeyUpdate with update_requested (RFC 8446 §4.6.3): the receiver answers with its own KeyUpdate
 * before its next application data, and "an implementation which receives multiple KeyUpdates
 * while it is silent [responds] with a single update". BoGo KeyUpdate-RequestACK and
 * KeyUpdate-RequestACK-UnfinishedWrite (class F8 in test/bogo/FAILURES.md): five requests in a row
 * must get one answer (the runner refuses an unsolicited second one); each request was answered.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toHex, utf8 } from '../../src/tls/codec/bytes.js';
import { HandshakeType } from '../../src/tls/codec/handshake.js';
import { connectPair, handshake, readExactly, writeAll, type TestPair } from '../helpers/tls-server.js';

const PING = utf8('ping');
const PONG = utf8('pong');

/** KeyUpdate messages the client sent, with their request_update byte. */
function sentKeyUpdates(pair: TestPair): number[] {
  return pair.messages
    .filter((m) => m.direction === 'sent' && m.contentType === 22 && m.bytes[0] === HandshakeType.key_update)
    .map((m) => m.bytes[4] ?? -1);
}

/** The server sends `n` KeyUpdates asking for an update, then PONG; the client reads PONG. */
function requestsThenPong(pair: TestPair, n: number): void {
  for (let i = 0; i < n; i++) pair.server.keyUpdate(true);
  pair.server.send(PONG);
  assert.equal(toHex(readExactly(pair, PONG.length)), toHex(PONG));
  pair.server.pump();
}

test('five update_requested KeyUpdates while the client is silent get one answer (update_not_requested)', async () => {
  const pair = await connectPair();
  handshake(pair);
  requestsThenPong(pair, 5);
  assert.deepEqual(sentKeyUpdates(pair), [0]);
  assert.equal(pair.server.facts.keyUpdatesReceived, 1);
  // Both sides still agree on the keys: application data flows both ways.
  assert.equal(writeAll(pair, PING), PING.length);
  assert.equal(toHex(pair.server.received()), toHex(PING));
});

test('after the client sends application data, the next request is answered again', async () => {
  const pair = await connectPair();
  handshake(pair);
  requestsThenPong(pair, 2);
  assert.equal(writeAll(pair, PING), PING.length);
  requestsThenPong(pair, 3);
  assert.deepEqual(sentKeyUpdates(pair), [0, 0]);
  assert.equal(pair.server.facts.keyUpdatesReceived, 2);
  assert.equal(writeAll(pair, PING), PING.length);
  assert.equal(toHex(pair.server.received()), toHex(new Uint8Array([...PING, ...PING])));
});

test('KeyUpdates without update_requested are never answered', async () => {
  const pair = await connectPair();
  handshake(pair);
  for (let i = 0; i < 3; i++) pair.server.keyUpdate(false);
  pair.server.send(PONG);
  assert.equal(toHex(readExactly(pair, PONG.length)), toHex(PONG));
  assert.deepEqual(sentKeyUpdates(pair), []);
});
