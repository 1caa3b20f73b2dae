/**
 * TLS 1.3 downgrade protection (RFC 8446 §4.1.3) in the client, against the in-memory TestServer.
 *
 * A server that supports TLS 1.3 but negotiates TLS 1.2 puts "DOWNGRD\x01" in the last 8 bytes of
 * ServerHello.random ("DOWNGRD\x00" when it negotiates TLS 1.1 or below). A client that offered
 * TLS 1.3 and receives a TLS 1.2 ServerHello ending with either value MUST abort with
 * illegal_parameter. A client that offered only TLS 1.2 (maxVersion 0x0303) is not being
 * downgraded and accepts it, as OpenSSL does (it checks only when its real maximum is above the
 * negotiated version). The values never matter in a TLS 1.3 ServerHello.
 *
 * To give a server random that ends with a sentinel whatever the client offered, the server runs
 * on a provider whose 32-byte randomBytes() ends with the chosen 8 bytes; the server derives its
 * keys from that same random, so an accepted handshake completes and both Finished messages verify.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toHex, utf8 } from '../../src/tls/codec/bytes.js';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import {
  DOWNGRADE_JDK11,
  DOWNGRADE_TLS11,
  DOWNGRADE_TLS12,
  HandshakeType,
  decodeServerHello,
} from '../../src/tls/codec/handshake.js';
import { nodeProvider } from '../../src/tls/crypto/index.js';
import type { CryptoProvider } from '../../src/tls/crypto/provider.js';
import { TlsAlert } from '../../src/tls/errors.js';
import { SslError } from '../../src/tls/types.js';
import { clientVersions } from '../helpers/tls-server-common.js';
import {
  connectPair,
  describeFailure,
  handshake,
  readExactly,
  readOnce,
  writeAll,
  type TestPair,
} from '../helpers/tls-server.js';

/** A provider whose 32-byte random values (the server random, session IDs) end with `tail`. */
function providerWithRandomTail(tail: Uint8Array): CryptoProvider {
  return {
    ...nodeProvider,
    randomBytes(n: number): Uint8Array {
      const b = nodeProvider.randomBytes(n);
      if (n === 32) b.set(tail, 24);
      return b;
    },
  };
}

const equalBytes = (a: Uint8Array, b: Uint8Array): boolean => toHex(a) === toHex(b);

/** The ServerHello the client received, decoded. */
function receivedServerHello(pair: TestPair): ReturnType<typeof decodeServerHello> {
  const sh = pair.messages.find((m) => m.direction === 'received' && m.bytes[0] === HandshakeType.server_hello);
  assert.ok(sh, 'the client received no ServerHello');
  return decodeServerHello(sh.bytes.subarray(4));
}

/** Handshake messages the client sent, by name. */
function sent(pair: TestPair): string[] {
  return pair.messages.filter((m) => m.direction === 'sent' && m.contentType === 22).map((m) => m.name);
}

/** The client failed with illegal_parameter, sent by itself, and the server got it as a fatal alert. */
function assertRefused(pair: TestPair): void {
  assert.throws(() => handshake(pair), /handshake failed/);
  const f = pair.conn.failure;
  assert.ok(f instanceof TlsAlert, `client failure is ${String(f)}`);
  assert.equal(f.alertName, 'illegal_parameter', f.message);
  assert.equal(f.description, AlertDescription.illegal_parameter);
  assert.equal(f.received, false, 'the client must send the alert, not receive it');
  pair.server.pump();
  assert.deepEqual(pair.server.alertsReceived, [{ level: 2, description: AlertDescription.illegal_parameter }]);
  // Nothing after ServerHello: no ClientKeyExchange, no Finished.
  assert.deepEqual(sent(pair), ['ClientHello']);
  assert.equal(pair.server.connected, false);
  // The failure is sticky: a further connect() does not resume the handshake.
  const r = pair.conn.connect();
  assert.notEqual(r, 1);
  assert.equal(pair.conn.getError(r), SslError.SSL, describeFailure(pair, r));
}

/** Data both ways and a clean close over an accepted connection. */
function roundTripAndClose(pair: TestPair): void {
  const ping = utf8('ping over TLS 1.2');
  const pong = utf8('pong over TLS 1.2, a little longer');
  assert.equal(writeAll(pair, ping), ping.length);
  assert.equal(toHex(pair.server.received()), toHex(ping));
  pair.server.send(pong);
  assert.equal(toHex(readExactly(pair, pong.length)), toHex(pong));
  pair.server.closeNotify();
  const r = readOnce(pair);
  assert.equal(r.ret, 0, describeFailure(pair, r.ret));
  assert.equal(r.error, SslError.ZERO_RETURN);
  assert.equal(pair.conn.shutdown(), 1);
  pair.server.pump();
  assert.equal(pair.server.closeNotifyReceived, true);
  assert.equal(pair.server.error, undefined);
}

describe('TLS 1.3 downgrade sentinel', () => {
  test('a client offering 1.3 and 1.2 refuses a TLS 1.2 ServerHello with DOWNGRD\\x01 (illegal_parameter)', async () => {
    const pair = await connectPair({ version: 0x0303, downgradeSentinel: true });
    assertRefused(pair);
    // The server did offer the sentinel, in a TLS 1.2 ServerHello, to a client that offered 1.3.
    assert.ok(clientVersions(pair.server.clientHellos[0]!).includes(0x0304));
    const sh = receivedServerHello(pair);
    assert.ok(equalBytes(sh.random.subarray(24), DOWNGRADE_TLS12), toHex(sh.random));
    assert.equal(pair.conn.handshake.info.version === 0x0304, false);
  });

  test('the same server is accepted by a client offering only TLS 1.2 (maxVersion 0x0303)', async () => {
    const pair = await connectPair({ version: 0x0303, downgradeSentinel: true }, { maxVersion: 0x0303 });
    handshake(pair);
    assert.deepEqual(clientVersions(pair.server.clientHellos[0]!), [0x0303]);
    assert.equal(pair.conn.handshake.info.version, 0x0303);
    assert.equal(pair.server.facts.version, 0x0303);
    roundTripAndClose(pair);
  });

  test('a 1.2-only client accepts DOWNGRD\\x01 even when the server sends it regardless of the offer', async () => {
    // A sloppy (or merely 1.3-capable) server marking every TLS 1.2 ServerHello: the 1.2-only client
    // was not downgraded, so the value is just random bytes to it.
    const pair = await connectPair(
      { version: 0x0303, sessionCache: false, provider: providerWithRandomTail(DOWNGRADE_TLS12) },
      { maxVersion: 0x0303 },
    );
    handshake(pair);
    assert.ok(equalBytes(receivedServerHello(pair).random.subarray(24), DOWNGRADE_TLS12));
    assert.equal(pair.conn.handshake.info.version, 0x0303);
    roundTripAndClose(pair);
  });

  test('the same always-marking server is refused by a client that offered 1.3', async () => {
    const pair = await connectPair({
      version: 0x0303,
      sessionCache: false,
      provider: providerWithRandomTail(DOWNGRADE_TLS12),
    });
    assertRefused(pair);
  });

  test('DOWNGRD\\x00 (the TLS 1.1-or-below value) in a TLS 1.2 ServerHello is refused too when 1.3 was offered', async () => {
    // RFC 8446 §4.1.3: "TLS 1.3 clients receiving a ServerHello indicating TLS 1.2 or below MUST
    // check that the last 8 bytes are not equal to either of these values."
    const pair = await connectPair({
      version: 0x0303,
      sessionCache: false,
      provider: providerWithRandomTail(DOWNGRADE_TLS11),
    });
    assertRefused(pair);
    assert.ok(equalBytes(receivedServerHello(pair).random.subarray(24), DOWNGRADE_TLS11));
  });

  test("BoringSSL's JDK 11 downgrade marker in a TLS 1.2 ServerHello is refused when 1.3 was offered", async () => {
    // BoGo Client-RejectJDK11DowngradeRandom (F7 in test/bogo/FAILURES.md): BoringSSL's client
    // treats kJDK11DowngradeRandom as a downgrade sentinel (TLS13_DOWNGRADE, illegal_parameter).
    const pair = await connectPair({
      version: 0x0303,
      sessionCache: false,
      provider: providerWithRandomTail(DOWNGRADE_JDK11),
    });
    assertRefused(pair);
    assert.ok(equalBytes(receivedServerHello(pair).random.subarray(24), DOWNGRADE_JDK11));
  });

  test('the JDK 11 marker is only random bytes to a 1.2-only client (Client-AcceptJDK11DowngradeRandom)', async () => {
    const pair = await connectPair(
      { version: 0x0303, sessionCache: false, provider: providerWithRandomTail(DOWNGRADE_JDK11) },
      { maxVersion: 0x0303 },
    );
    handshake(pair);
    assert.equal(pair.conn.handshake.info.version, 0x0303);
    roundTripAndClose(pair);
  });

  test('a TLS 1.3 ServerHello whose random happens to end with DOWNGRD\\x01 is accepted', async () => {
    const pair = await connectPair({ version: 0x0304, provider: providerWithRandomTail(DOWNGRADE_TLS12) });
    handshake(pair);
    assert.ok(equalBytes(receivedServerHello(pair).random.subarray(24), DOWNGRADE_TLS12));
    assert.equal(pair.conn.handshake.info.version, 0x0304);
    assert.equal(pair.conn.failure, undefined);
  });

  test('almost the sentinel (DOWNGRD\\x02) in a TLS 1.2 ServerHello is only random bytes', async () => {
    const almost = Uint8Array.from([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x02]);
    const pair = await connectPair({ version: 0x0303, sessionCache: false, provider: providerWithRandomTail(almost) });
    handshake(pair);
    assert.equal(pair.conn.handshake.info.version, 0x0303);
    roundTripAndClose(pair);
  });
});
