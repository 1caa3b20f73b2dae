/**
 * 0-RTT under ECH (RFC 9849 §6.1) against the in-memory client-facing server
 * (test/helpers/tls-server-ech.ts, tls-server-early.ts): the PSK and early_data go in
 * ClientHelloInner and the early keys come from its transcript, so a server that opens the inner
 * hello reads the data; the outer hello carries early_data without a PSK, so a server that rejects
 * ECH skips the data, the client reports it rejected and ends in ech_required; a server that
 * rejects ECH yet claims to accept the data is refused. Real servers: test/interop/ech.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import { ExtensionType, findExtension } from '../../src/tls/codec/extensions.js';
import { TlsAlert } from '../../src/tls/errors.js';
import { nodeProvider } from '../../src/tls/crypto/node.js';
import type { Session } from '../../src/tls/session/session.js';
import type { TestServerOptions } from '../helpers/tls-server-common.js';
import { handshake, resumeWithEarlyData, ServerStore, ticketFrom, type TestPair } from '../helpers/tls-server.js';
import { testEchKey } from '../helpers/tls-server-ech.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const DATA = enc('GET /ech-0rtt HTTP/1.1\r\n\r\n');
// The public name is on the test certificate (localhost), so a rejection gets as far as ech_required.
const key = testEchKey(nodeProvider, 'localhost');
const client = { ech: { configList: key.configList } };

/** A full handshake with ECH accepted that leaves a ticket allowing 1000 bytes of early data. */
async function ticket(): Promise<{ s: Session; store: ServerStore }> {
  const { pair, s, store } = await ticketFrom({ maxEarlyData: 1000, ech: { key } }, client);
  assert.equal(pair.conn.handshake.info.ech.status, 'accepted');
  return { s, store };
}

const resume = (server: Partial<TestServerOptions>, s: Session): Promise<{ pair: TestPair; keylog: string[] }> =>
  resumeWithEarlyData({ maxEarlyData: 1000, ...server }, client, s, DATA);

test('ECH accepted: the server reads the early data under keys from ClientHelloInner', async () => {
  const { s, store } = await ticket();
  const { pair, keylog } = await resume({ store, ech: { key }, acceptEarlyData: true }, s);
  handshake(pair);
  const info = pair.conn.handshake.info;
  assert.equal(info.ech.status, 'accepted');
  assert.equal(info.resumed, true);
  assert.equal(info.earlyData, 'accepted');
  assert.equal(info.earlyDataSent, DATA.length);
  // The test server derives client_early_traffic_secret from the hello it answers: the inner one.
  assert.equal(dec(pair.server.earlyData.received), dec(DATA));
  const outer = pair.server.clientHellos[0];
  assert.ok(outer);
  assert.ok(findExtension(outer.extensions, ExtensionType.early_data), 'early_data in ClientHelloOuter');
  assert.equal(findExtension(outer.extensions, ExtensionType.pre_shared_key), undefined, 'no PSK outside');
  const early = keylog.filter((l) => l.startsWith('CLIENT_EARLY_TRAFFIC_SECRET '));
  assert.equal(early.length, 1);
  assert.equal(early[0]?.split(' ')[1], Buffer.from(pair.server.facts.echInnerRandom ?? []).toString('hex'));
});

test('ECH accepted, early data refused by policy: rejected, the handshake goes on', async () => {
  const { s, store } = await ticket();
  const { pair } = await resume({ store, ech: { key }, acceptEarlyData: false }, s);
  handshake(pair);
  assert.equal(pair.conn.handshake.info.ech.status, 'accepted');
  assert.equal(pair.conn.handshake.info.earlyData, 'rejected');
  assert.equal(pair.server.earlyData.received.length, 0);
  assert.ok(pair.server.earlyData.skipped >= 1);
});

test('ECH rejected: the outer hello has no PSK, early data is skipped and reported rejected, then ech_required', async () => {
  const { s, store } = await ticket();
  const { pair } = await resume({ store, acceptEarlyData: true }, s);
  assert.throws(() => handshake(pair));
  const f = pair.conn.failure;
  assert.ok(f instanceof TlsAlert && f.description === AlertDescription.ech_required, String(f));
  const info = pair.conn.handshake.info;
  assert.equal(info.ech.status, 'rejected');
  assert.equal(info.earlyData, 'rejected');
  assert.equal(info.earlyDataSent, DATA.length);
  assert.equal(pair.server.facts.earlyData, 'rejected');
  assert.equal(pair.server.earlyData.received.length, 0);
  assert.ok(pair.server.earlyData.skipped >= 1, 'the server skipped our early record');
});

test('ECH rejected but early_data in EncryptedExtensions: illegal_parameter (no PSK was accepted)', async () => {
  const { s, store } = await ticket();
  const { pair } = await resume({ store, forceEarlyDataExt: true }, s);
  assert.throws(() => handshake(pair));
  const f = pair.conn.failure;
  assert.ok(f instanceof TlsAlert && f.description === AlertDescription.illegal_parameter, String(f));
  assert.match(f.message, /early data without the PSK/);
});
