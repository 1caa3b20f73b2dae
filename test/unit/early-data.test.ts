/**
 * TLS 1.3 0-RTT in the client's state machine (RFC 8446 §2.3, §4.2.10), in memory against the
 * TestServer (its early-data side: test/helpers/tls-server-early.ts): accepted data read by the
 * server under client_early_traffic_secret and closed by EndOfEarlyData, the ticket's
 * max_early_data_size never exceeded, the three ways of rejection (server policy, PSK refused,
 * HelloRetryRequest) with the handshake going on under handshake keys, "not sent" without a ticket
 * that allows it, and hostile servers that claim acceptance of early data that was not sent.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import { HandshakeType } from '../../src/tls/codec/handshake.js';
import { ExtensionType, findExtension } from '../../src/tls/codec/extensions.js';
import { ContentType } from '../../src/tls/record/protection.js';
import { TlsAlert } from '../../src/tls/errors.js';
import type { Session } from '../../src/tls/session/session.js';
import type { TestServerOptions } from '../helpers/tls-server-common.js';
import {
  connectPair,
  handshake,
  readOnce,
  resumeWithEarlyData,
  ServerStore,
  ticketFrom,
  writeAll,
  type TestPair,
} from '../helpers/tls-server.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const DATA = enc('GET /0rtt HTTP/1.1\r\n\r\n');

/** A full handshake that leaves a ticket from a server with these options; returns the session and store. */
const ticket = (server: Partial<TestServerOptions>): Promise<{ s: Session; store: ServerStore }> => ticketFrom(server);

/** The resumption with early data; the key log lines it produced. */
const resume = (
  server: Partial<TestServerOptions>,
  s: Session,
  data = DATA,
): Promise<{ pair: TestPair; keylog: string[] }> => resumeWithEarlyData(server, {}, s, data);

/** Handshake messages the client sent, by name of type. */
const sentTypes = (p: TestPair): number[] =>
  p.messages
    .filter((m) => m.direction === 'sent' && m.contentType === ContentType.handshake)
    .map((m) => m.bytes[0] ?? -1);

describe('0-RTT accepted', () => {
  test('the server reads the data under the early keys, then EndOfEarlyData; the connection carries on', async () => {
    const server = { maxEarlyData: 1000, acceptEarlyData: true };
    const { s, store } = await ticket(server);
    assert.equal(s.maxEarlyData, 1000);
    const { pair, keylog } = await resume({ ...server, store }, s);
    handshake(pair);
    const info = pair.conn.handshake.info;
    assert.equal(info.resumed, true);
    assert.equal(info.earlyData, 'accepted');
    assert.equal(info.maxEarlyData, 1000);
    assert.equal(info.earlyDataSent, DATA.length);
    assert.equal(pair.server.facts.earlyData, 'accepted');
    assert.equal(dec(pair.server.earlyData.received), dec(DATA));
    assert.ok(findExtension(pair.server.clientHellos[0]!.extensions, ExtensionType.early_data));
    // RFC 8446 §4.5: EndOfEarlyData before our Finished.
    const types = sentTypes(pair);
    assert.deepEqual(types.slice(-2), [HandshakeType.end_of_early_data, HandshakeType.finished]);
    assert.equal(keylog.filter((l) => l.startsWith('CLIENT_EARLY_TRAFFIC_SECRET ')).length, 1);
    writeAll(pair, enc('after'));
    assert.equal(dec(pair.server.received()), 'after', 'early data is not application data received twice');
  });

  test("never more than the ticket's max_early_data_size", async () => {
    const server = { maxEarlyData: 5, acceptEarlyData: true };
    const { s, store } = await ticket(server);
    const { pair } = await resume({ ...server, store }, s);
    handshake(pair);
    assert.equal(pair.conn.handshake.info.earlyDataSent, 5);
    assert.equal(dec(pair.server.earlyData.received), dec(DATA.subarray(0, 5)));
  });
});

describe('0-RTT rejected: reported, not resent, the handshake goes on', () => {
  const cases: [string, Partial<TestServerOptions>][] = [
    ['server policy (PSK accepted, no early_data in EncryptedExtensions)', { acceptEarlyData: false }],
    ['PSK refused (full handshake)', { acceptEarlyData: true, acceptPsk: false }],
    ['HelloRetryRequest', { acceptEarlyData: true, group: 'secp256r1' }],
  ];
  for (const [name, opts] of cases) {
    test(name, async () => {
      const { s, store } = await ticket({ maxEarlyData: 1000 });
      const { pair } = await resume({ maxEarlyData: 1000, store, ...opts }, s);
      handshake(pair);
      assert.equal(pair.conn.handshake.info.earlyData, 'rejected');
      assert.equal(pair.server.facts.earlyData, 'rejected');
      assert.equal(pair.server.earlyData.received.length, 0);
      assert.ok(pair.server.earlyData.skipped >= 1, 'the server skipped our early record');
      assert.ok(!sentTypes(pair).includes(HandshakeType.end_of_early_data));
      writeAll(pair, enc('x'));
      assert.equal(dec(pair.server.received()), 'x', 'nothing resent as application data');
    });
  }
});

describe('0-RTT not sent', () => {
  test('a ticket without early_data: no early_data extension, "not sent"', async () => {
    const { s, store } = await ticket({});
    assert.equal(s.maxEarlyData, 0);
    const { pair } = await resume({ store, acceptEarlyData: true }, s);
    handshake(pair);
    assert.equal(pair.conn.handshake.info.resumed, true);
    assert.equal(pair.conn.handshake.info.earlyData, 'not sent');
    assert.equal(findExtension(pair.server.clientHellos[0]!.extensions, ExtensionType.early_data), undefined);
    assert.equal(pair.server.facts.earlyData, 'not offered');
  });

  test("the ticket's ALPN protocol no longer offered", async () => {
    const server = { maxEarlyData: 1000, acceptEarlyData: true, alpn: ['h2', 'http/1.1'] };
    const store = new ServerStore();
    const first = await connectPair({ tickets: 1, store, ...server }, { alpn: ['h2'] });
    handshake(first);
    readOnce(first);
    const s = first.sessions.at(-1);
    assert.ok(s);
    assert.equal(first.conn.handshake.info.alpn, 'h2');
    const pair = await connectPair({ ...server, store }, { alpn: ['http/1.1'] }, { session: s, earlyData: DATA });
    handshake(pair);
    assert.equal(pair.conn.handshake.info.resumed, true);
    assert.equal(pair.conn.handshake.info.earlyData, 'not sent');
  });
});

describe('hostile: early data accepted that was not sent', () => {
  /** The client's failure after the server's flight, with the alert it sent. */
  function failure(pair: TestPair): TlsAlert {
    for (let i = 0; i < 10 && !pair.conn.failure; i++) {
      pair.conn.connect();
      pair.server.pump();
    }
    const f = pair.conn.failure;
    assert.ok(f instanceof TlsAlert, `expected an alert, got ${String(f)}`);
    return f;
  }

  test('early_data in EncryptedExtensions without our offer: unsupported_extension (RFC 8446 §4.2)', async () => {
    const pair = await connectPair({ forceEarlyDataExt: true });
    const f = failure(pair);
    assert.equal(f.description, AlertDescription.unsupported_extension);
    assert.deepEqual(pair.server.alertsReceived.at(-1)?.description, AlertDescription.unsupported_extension);
  });

  test('offered, the PSK refused, yet early_data in EncryptedExtensions: illegal_parameter', async () => {
    const { s, store } = await ticket({ maxEarlyData: 1000 });
    const { pair } = await resume({ store, acceptPsk: false, forceEarlyDataExt: true }, s);
    const f = failure(pair);
    assert.equal(f.description, AlertDescription.illegal_parameter);
    assert.match(f.reason, /without the PSK/);
  });
});
