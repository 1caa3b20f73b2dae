/**
 * The project's client (Connection) against the in-memory TestServer (test/helpers/tls-server.ts):
 * full TLS 1.3 handshakes for each suite and for x25519, P-256 (via HelloRetryRequest) and
 * X25519MLKEM768; TLS 1.2 ECDHE with AES-GCM and ChaCha20-Poly1305; data both ways; clean
 * close_notify; TLS 1.3 ticket resumption (binder checked by the server), TLS 1.2 session-ID and
 * RFC 5077 ticket resumption; KeyUpdate; record sizes; blocked writes; the mutation hook. Every
 * handshake here proves both sides: the server's Finished, CertificateVerify and binder checks
 * run against the client's, and vice versa.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toHex, utf8, Reader } from '../../src/tls/codec/bytes.js';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import { ExtensionType, findExtension } from '../../src/tls/codec/extensions.js';
import { HandshakeType, decodeServerHello } from '../../src/tls/codec/handshake.js';
import { suiteById } from '../../src/tls/codec/names.js';
import { getProvider } from '../../src/net/providers.js';
import { TlsAlert } from '../../src/tls/errors.js';
import { SslError } from '../../src/tls/types.js';
import {
  ServerStore,
  connectPair,
  describeFailure,
  handshake,
  readExactly,
  readOnce,
  writeAll,
  type TestPair,
} from '../helpers/tls-server.js';

const PING = utf8('ping from the client');
const PONG = utf8('pong from the test server, a little longer');

/** Data both ways: what the client writes reaches the server, and back. */
function roundTrip(pair: TestPair): void {
  const before = pair.server.received().length;
  assert.equal(writeAll(pair, PING), PING.length);
  assert.equal(toHex(pair.server.received().subarray(before)), toHex(PING));
  pair.server.send(PONG);
  assert.equal(toHex(readExactly(pair, PONG.length)), toHex(PONG));
}

/** Server close_notify → client read 0 / ZERO_RETURN; the client's answer reaches the server. */
function closeCleanly(pair: TestPair): void {
  pair.server.closeNotify();
  const r = readOnce(pair);
  assert.equal(r.ret, 0, describeFailure(pair, r.ret));
  assert.equal(r.error, SslError.ZERO_RETURN);
  assert.equal(pair.conn.shutdown(), 1);
  pair.server.pump();
  assert.equal(pair.server.closeNotifyReceived, true);
  assert.equal(pair.server.error, undefined);
}

/** Handshake messages the client received, by name. */
function received(pair: TestPair): string[] {
  return pair.messages.filter((m) => m.direction === 'received' && m.contentType === 22).map((m) => m.name);
}

/** The ServerHello the client received (the last one, after any HelloRetryRequest). */
function serverHello(pair: TestPair): ReturnType<typeof decodeServerHello> {
  const sh = pair.messages
    // Handshake messages only: a ServerHello is one (a CCS event once read 02, see record-layer.test.ts).
    .filter((m) => m.direction === 'received' && m.contentType === 22 && m.bytes[0] === HandshakeType.server_hello)
    .at(-1);
  assert.ok(sh, 'no ServerHello received');
  return decodeServerHello(sh.bytes.subarray(4));
}

/** Expects the client to have failed with an alert of `description` (sent or received). */
function assertClientAlert(pair: TestPair, description: AlertDescription, received: boolean): void {
  const f = pair.conn.failure;
  assert.ok(f instanceof TlsAlert, `client failure is ${String(f)}`);
  assert.equal(f.description, description, f.message);
  assert.equal(f.received, received);
}

describe('TLS 1.3 against the test server', () => {
  for (const id of [0x1301, 0x1302, 0x1303]) {
    const name = suiteById(id)!.openssl;
    test(`${name} over x25519: handshake, data both ways, clean close`, async () => {
      const pair = await connectPair({ suite: id });
      handshake(pair);
      const info = pair.conn.handshake.info;
      assert.equal(info.version, 0x0304);
      assert.equal(info.cipherSuite, id);
      assert.equal(info.group, 0x001d);
      assert.equal(info.handshake, 'full');
      assert.equal(info.resumed, false);
      assert.equal(info.peerSignatureScheme, 0x0403);
      assert.equal(info.verify.ok, true, info.verify.message);
      assert.equal(info.sniAcknowledged, true);
      assert.deepEqual(received(pair), [
        'ServerHello',
        'EncryptedExtensions',
        'Certificate',
        'CertificateVerify',
        'Finished',
      ]);
      assert.equal(pair.server.facts.suite, id);
      assert.equal(pair.server.facts.hrrSent, false);
      assert.equal(pair.server.facts.servername, 'localhost');
      roundTrip(pair);
      closeCleanly(pair);
    });
  }

  test('P-256 via HelloRetryRequest (ClientHello2 carries only the P-256 share)', async () => {
    // CCS after the ServerHello here; the next test uses OpenSSL's placement (right after the HRR).
    const pair = await connectPair({ group: 'secp256r1', ccs: 'server-hello' });
    handshake(pair);
    const info = pair.conn.handshake.info;
    assert.equal(info.handshake, 'full-hrr');
    assert.equal(info.group, 0x0017);
    assert.equal(pair.server.facts.hrrSent, true);
    assert.equal(pair.server.clientHellos.length, 2);
    const shares = new Reader(
      findExtension(pair.server.clientHellos[1]!.extensions, ExtensionType.key_share)!.data,
    ).sub16();
    assert.equal(shares.u16(), 0x0017);
    assert.equal(shares.vec16().length, 65);
    assert.equal(shares.remaining, 0);
    roundTrip(pair);
    closeCleanly(pair);
  });

  test('HelloRetryRequest followed at once by the compatibility CCS (OpenSSL servers, RFC 8446 §5 and §D.4)', async () => {
    const pair = await connectPair({ group: 'secp256r1' }); // ccs: 'first-message' is the default
    handshake(pair);
    assert.equal(pair.conn.handshake.info.handshake, 'full-hrr');
    assert.ok(
      pair.messages.some((m) => m.direction === 'received' && m.contentType === 20),
      'the CCS reached the client',
    );
    roundTrip(pair);
  });

  test('ALPN: the server picks its first protocol the client offers', async () => {
    const pair = await connectPair({ alpn: ['h2', 'http/1.1'] }, { alpn: ['http/1.1', 'h2'] });
    handshake(pair);
    assert.equal(pair.conn.handshake.info.alpn, 'h2');
    assert.equal(pair.server.facts.alpn, 'h2');
  });

  test('a client without TLS 1.3 gets protocol_version from a TLS 1.3-only server', async () => {
    const pair = await connectPair({}, { maxVersion: 0x0303 });
    assert.throws(() => handshake(pair), /handshake failed/);
    assert.equal((pair.server.error as TlsAlert).description, AlertDescription.protocol_version);
    assertClientAlert(pair, AlertDescription.protocol_version, true);
  });

  test('HelloRetryRequest with a cookie: the client echoes it', async () => {
    const cookie = utf8('stateless-cookie-0123456789');
    const pair = await connectPair({ group: 'secp384r1', cookie, ccs: 'none' });
    handshake(pair);
    assert.equal(pair.conn.handshake.info.group, 0x0018);
    const ck = findExtension(pair.server.clientHellos[1]!.extensions, ExtensionType.cookie);
    assert.ok(ck);
    assert.equal(toHex(new Reader(ck.data).vec16()), toHex(cookie));
    assert.equal(findExtension(pair.server.clientHellos[0]!.extensions, ExtensionType.cookie), undefined);
    roundTrip(pair);
  });

  test('X25519MLKEM768: no HelloRetryRequest, 1120-byte server share', async () => {
    const pair = await connectPair({ group: 'X25519MLKEM768' });
    handshake(pair);
    assert.equal(pair.conn.handshake.info.group, 0x11ec);
    assert.equal(pair.conn.handshake.info.handshake, 'full');
    assert.equal(pair.server.facts.hrrSent, false);
    const ks = findExtension(serverHello(pair).extensions, ExtensionType.key_share)!;
    const r = new Reader(ks.data);
    assert.equal(r.u16(), 0x11ec);
    assert.equal(r.vec16().length, 1088 + 32);
    roundTrip(pair);
    closeCleanly(pair);
  });

  test('ticket resumption: the server checks the binder and skips the certificate', async () => {
    const store = new ServerStore();
    // A fixed client clock (one reading, on a whole second): the ticket age the server recovers is
    // exact, not timed. The client counts the milliseconds since receipt (RFC 8446 §4.2.11.1):
    // 2.5 s later is 2500 ms.
    const T0 = Math.floor(Date.now() / 1000) * 1000;
    const first = await connectPair({ tickets: 2, store }, { now: () => T0 });
    handshake(first);
    const r = readOnce(first); // the tickets arrive; no application data
    assert.equal(r.error, SslError.WANT_READ, describeFailure(first, r.ret));
    assert.equal(first.sessions.length, 2);
    assert.equal(first.conn.handshake.info.tickets, 2);
    assert.equal(first.server.facts.ticketsSent, 2);
    assert.equal(store.psks.size, 2);
    closeCleanly(first);

    const second = await connectPair({ store }, { now: () => T0 + 2500 }, { session: first.sessions[1]! });
    handshake(second);
    const info = second.conn.handshake.info;
    assert.equal(info.resumed, true);
    assert.equal(info.handshake, 'resumed');
    assert.equal(second.server.facts.resumed, true);
    assert.equal(second.server.facts.psk?.identity, 0);
    assert.equal(second.server.facts.psk?.ticketAgeMs, 2500, 'the obfuscated age, de-obfuscated by the server');
    assert.deepEqual(received(second), ['ServerHello', 'EncryptedExtensions', 'Finished']);
    assert.equal(findExtension(serverHello(second).extensions, ExtensionType.pre_shared_key)?.data.length, 2);
    roundTrip(second);
    closeCleanly(second);
  });

  test('ticket resumption through a HelloRetryRequest: the binder covers message_hash(CH1) + HRR', async () => {
    const store = new ServerStore();
    const first = await connectPair({ tickets: 1, store, group: 'secp256r1', ccs: 'none' });
    handshake(first);
    readOnce(first);
    assert.equal(first.sessions.length, 1);
    const second = await connectPair({ store, group: 'secp256r1', ccs: 'none' }, {}, { session: first.sessions[0]! });
    handshake(second);
    assert.equal(second.server.facts.hrrSent, true);
    assert.equal(second.server.clientHellos.length, 2);
    assert.ok(
      findExtension(second.server.clientHellos[1]!.extensions, ExtensionType.pre_shared_key),
      'ClientHello2 offers the PSK again',
    );
    assert.equal(second.conn.handshake.info.resumed, true);
    assert.equal(second.server.facts.resumed, true);
    roundTrip(second);
  });

  test('a PSK with a wrong binder is refused with decrypt_error', async () => {
    const store = new ServerStore();
    const first = await connectPair({ tickets: 1, store });
    handshake(first);
    readOnce(first);
    const s = first.sessions[0]!;
    const forged = { ...s, masterKey: s.masterKey.map((b) => b ^ 1) };
    const second = await connectPair({ store }, {}, { session: forged });
    assert.throws(() => handshake(second), /handshake failed/);
    assert.ok(second.server.error instanceof TlsAlert);
    assert.equal(second.server.error.description, AlertDescription.decrypt_error);
    assertClientAlert(second, AlertDescription.decrypt_error, true);
  });

  test('a ticket from another server is ignored: full handshake', async () => {
    const first = await connectPair({ tickets: 1 });
    handshake(first);
    readOnce(first);
    const second = await connectPair({}, {}, { session: first.sessions[0]! });
    handshake(second);
    assert.equal(second.conn.handshake.info.resumed, false);
    assert.ok(
      findExtension(second.server.clientHellos[0]!.extensions, ExtensionType.pre_shared_key),
      'client offered the PSK',
    );
    assert.ok(received(second).includes('Certificate'));
  });

  test('KeyUpdate both ways, with and without update_requested', async () => {
    const pair = await connectPair();
    handshake(pair);
    pair.server.keyUpdate(true); // the client must update its read keys and answer with its own KeyUpdate
    roundTrip(pair);
    pair.server.pump(); // the client's answering KeyUpdate went out during its read
    assert.equal(pair.server.facts.keyUpdatesReceived, 1);
    pair.conn.keyUpdate(false);
    roundTrip(pair);
    assert.equal(pair.server.facts.keyUpdatesReceived, 2);
    pair.conn.keyUpdate(true); // the server answers with update_not_requested
    roundTrip(pair);
    assert.equal(pair.server.facts.keyUpdatesReceived, 3);
    closeCleanly(pair);
  });

  test('100000 bytes from the client arrive in 7 records (6 × 16384 + 1696)', async () => {
    const pair = await connectPair();
    handshake(pair);
    const data = new Uint8Array(100000).map((_, i) => (i * 7) & 0xff);
    assert.equal(writeAll(pair, data), data.length);
    assert.deepEqual(pair.server.recordsReceived, [16384, 16384, 16384, 16384, 16384, 16384, 1696]);
    assert.equal(toHex(pair.server.received()), toHex(data));
  });

  test('a slow reader makes the client write block (WANT_WRITE) until the server drains', async () => {
    const pair = await connectPair();
    handshake(pair);
    pair.clientTransport.capacity = 20000;
    pair.server.readSlowly(4096);
    const data = new Uint8Array(60000).fill(0x5a);
    const first = pair.conn.write(data);
    assert.equal(first, -1);
    assert.equal(pair.conn.getError(first), SslError.WANT_WRITE);
    let blocked = 1;
    let r = first;
    for (let i = 0; i < 200 && r < 0; i++) {
      pair.server.pump();
      r = pair.conn.write(data);
      if (r < 0) {
        assert.equal(pair.conn.getError(r), SslError.WANT_WRITE);
        blocked++;
      }
    }
    assert.equal(r, data.length);
    assert.ok(blocked > 3, `blocked only ${blocked} times`);
    for (let i = 0; i < 50 && pair.server.received().length < data.length; i++) pair.server.pump();
    assert.equal(pair.server.received().length, data.length);
    assert.equal(pair.server.recordsReceived.length, 4);
  });

  test('close() without close_notify: the client sees an unexpected EOF', async () => {
    const pair = await connectPair();
    handshake(pair);
    pair.server.close();
    const r = readOnce(pair);
    assert.equal(r.ret, -1);
    assert.equal(r.error, SslError.SSL);
    assert.equal(pair.conn.errors[0]?.reason, 'unexpected eof while reading');
  });

  test('mutate hook: a flipped bit in the server Finished fails the client with decrypt_error', async () => {
    const pair = await connectPair({
      mutate: (kind, type, bytes) => {
        if (kind !== 'handshake' || type !== HandshakeType.finished) return bytes;
        const m = bytes.slice();
        m[m.length - 1]! ^= 0x01;
        return m;
      },
    });
    assert.throws(() => handshake(pair), /handshake failed/);
    assertClientAlert(pair, AlertDescription.decrypt_error, false);
    pair.server.pump();
    assert.deepEqual(pair.server.alertsReceived, [{ level: 2, description: AlertDescription.decrypt_error }]);
  });

  test('mutate hook: a corrupted application-data record fails the client with bad_record_mac', async () => {
    let corrupt = false;
    const pair = await connectPair({
      mutate: (kind, type, bytes) => {
        if (kind !== 'record' || type !== 23 || !corrupt) return bytes;
        const m = bytes.slice();
        m[m.length - 1]! ^= 0x80;
        return m;
      },
    });
    handshake(pair);
    corrupt = true;
    pair.server.send(PONG);
    const r = readOnce(pair);
    assert.equal(r.error, SslError.SSL);
    assertClientAlert(pair, AlertDescription.bad_record_mac, false);
  });
});

describe('TLS 1.2 against the test server', () => {
  for (const id of [0xc02b, 0xcca9]) {
    const name = suiteById(id)!.openssl;
    test(`${name}: ECDHE + EMS handshake, data both ways, clean close`, async () => {
      const pair = await connectPair({ version: 0x0303, suite: id });
      handshake(pair);
      const info = pair.conn.handshake.info;
      assert.equal(info.version, 0x0303);
      assert.equal(info.cipherSuite, id);
      assert.equal(info.group, 0x001d);
      assert.equal(info.extendedMasterSecret, true);
      assert.equal(info.secureRenegotiation, true);
      assert.equal(info.peerSignatureScheme, 0x0403);
      assert.equal(info.verify.ok, true, info.verify.message);
      assert.deepEqual(received(pair), [
        'ServerHello',
        'Certificate',
        'ServerKeyExchange',
        'ServerHelloDone',
        'Finished',
      ]);
      assert.equal(pair.server.facts.extendedMasterSecret, true);
      roundTrip(pair);
      closeCleanly(pair);
    });
  }

  test('P-256 ECDHE and a 100000-byte write in 7 records', async () => {
    const pair = await connectPair({ version: 0x0303, group: 'secp256r1' });
    handshake(pair);
    assert.equal(pair.conn.handshake.info.group, 0x0017);
    const data = new Uint8Array(100000).fill(0x33);
    writeAll(pair, data);
    assert.deepEqual(pair.server.recordsReceived, [16384, 16384, 16384, 16384, 16384, 16384, 1696]);
  });

  test('session-ID resumption: abbreviated handshake with the cached master secret', async () => {
    const store = new ServerStore();
    const first = await connectPair({ version: 0x0303, store });
    handshake(first);
    assert.equal(first.sessions.length, 1);
    const s = first.sessions[0]!;
    assert.equal(s.sessionId.length, 32);
    assert.equal(s.ticket, undefined);
    assert.equal(toHex(s.sessionId), toHex(serverHello(first).sessionId));
    closeCleanly(first);

    const second = await connectPair({ version: 0x0303, store }, {}, { session: s });
    handshake(second);
    const info = second.conn.handshake.info;
    assert.equal(info.resumed, true);
    assert.equal(info.handshake, 'resumed');
    assert.equal(info.extendedMasterSecret, true);
    assert.equal(second.server.facts.resumed, true);
    assert.equal(toHex(second.server.clientHellos[0]!.sessionId), toHex(s.sessionId));
    assert.deepEqual(received(second), ['ServerHello', 'Finished']);
    roundTrip(second);
    closeCleanly(second);
  });

  test('RFC 5077 ticket resumption', async () => {
    const store = new ServerStore();
    const first = await connectPair({ version: 0x0303, store, ticket12: true, sessionCache: false });
    handshake(first);
    assert.deepEqual(received(first), [
      'ServerHello',
      'Certificate',
      'ServerKeyExchange',
      'ServerHelloDone',
      'NewSessionTicket',
      'Finished',
    ]);
    const s = first.sessions[0]!;
    assert.ok(s.ticket && s.ticket.length === 64);
    closeCleanly(first);

    const second = await connectPair(
      { version: 0x0303, store, ticket12: true, sessionCache: false },
      {},
      { session: s },
    );
    handshake(second);
    assert.equal(second.conn.handshake.info.resumed, true);
    assert.equal(second.server.facts.resumed, true);
    assert.deepEqual(received(second), ['ServerHello', 'Finished']);
    roundTrip(second);
  });

  test('server-initiated renegotiation: HelloRequest, renegotiation_info both ways, new keys', async () => {
    const pair = await connectPair({ version: 0x0303 });
    handshake(pair);
    roundTrip(pair);
    pair.server.helloRequest();
    for (let i = 0; i < 20 && pair.server.facts.renegotiations === 0; i++) {
      const r = readOnce(pair);
      assert.equal(r.error, SslError.WANT_READ, describeFailure(pair, r.ret));
    }
    assert.equal(pair.server.facts.renegotiations, 1);
    assert.equal(pair.server.error, undefined);
    // RFC 5746 §3.5: the client's renegotiation_info carries its previous verify_data (12 bytes)...
    assert.equal(pair.server.clientHellos.length, 2);
    const clientRi = new Reader(
      findExtension(pair.server.clientHellos[1]!.extensions, ExtensionType.renegotiation_info)!.data,
    ).vec8();
    assert.equal(clientRi.length, 12);
    roundTrip(pair); // the client completes the renegotiation in its read
    // ...and the server's carries client || server verify_data.
    const serverRi = new Reader(
      findExtension(serverHello(pair).extensions, ExtensionType.renegotiation_info)!.data,
    ).vec8();
    assert.equal(serverRi.length, 24);
    assert.equal(toHex(serverRi.subarray(0, 12)), toHex(clientRi));
    assert.equal(received(pair).filter((n) => n === 'ServerHello').length, 2);
    assert.equal(pair.server.facts.plaintextCcsAccepted, 0);
    closeCleanly(pair);
  });

  test('a session the server does not know gets a full handshake', async () => {
    const first = await connectPair({ version: 0x0303 });
    handshake(first);
    const second = await connectPair({ version: 0x0303 }, {}, { session: first.sessions[0]! });
    handshake(second);
    assert.equal(second.conn.handshake.info.resumed, false);
    assert.ok(received(second).includes('Certificate'));
  });

  test('the TLS 1.3 downgrade sentinel in a TLS 1.2 ServerHello is refused', async () => {
    const pair = await connectPair({ version: 0x0303, downgradeSentinel: true });
    assert.throws(() => handshake(pair), /handshake failed/);
    assertClientAlert(pair, AlertDescription.illegal_parameter, false);
    pair.server.pump();
    assert.deepEqual(pair.server.alertsReceived, [{ level: 2, description: AlertDescription.illegal_parameter }]);
  });

  test('the same client with maxVersion 1.2 negotiates without the sentinel check', async () => {
    const pair = await connectPair({ version: 0x0303, downgradeSentinel: true }, { maxVersion: 0x0303 });
    handshake(pair);
    assert.equal(pair.conn.handshake.info.version, 0x0303);
    assert.equal(clientOffers13(pair), false);
  });
});

describe('test server on the noble provider, client on node:crypto', () => {
  const cases = [
    { version: 0x0304, suite: 0x1303, group: 'x25519' },
    { version: 0x0304, suite: 0x1302, group: 'X25519MLKEM768' },
    { version: 0x0303, suite: 0xcca9, group: 'secp256r1' },
  ] as const;
  for (const c of cases) {
    test(`${suiteById(c.suite)!.openssl} over ${c.group}`, async () => {
      const pair = await connectPair({ ...c, provider: await getProvider('noble') });
      handshake(pair);
      assert.equal(pair.server.p.name, 'noble');
      assert.equal(pair.conn.handshake.info.cipherSuite, c.suite);
      roundTrip(pair);
      closeCleanly(pair);
    });
  }
});

function clientOffers13(pair: TestPair): boolean {
  return findExtension(pair.server.clientHellos[0]!.extensions, ExtensionType.supported_versions) !== undefined;
}
