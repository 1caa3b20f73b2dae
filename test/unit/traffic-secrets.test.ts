/**
 * Connection.trafficSecrets (BoringSSL SSL_get_traffic_secrets) and exportKeyingMaterial in
 * memory: the secrets are the key log's CLIENT/SERVER_TRAFFIC_SECRET_0, move on with each
 * KeyUpdate (RFC 8446 §7.2), and are null under TLS 1.2; the exporter refuses before the handshake.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../../src/tls/codec/bytes.js';
import { connectPair, handshake, readOnce } from '../helpers/tls-server.js';

test('TLS 1.3 traffic secrets: the key log values, then the next generation after KeyUpdates', async () => {
  const keylog: string[] = [];
  const p = await connectPair({}, {}, { events: { keylog: (l) => keylog.push(l) } });
  assert.throws(() => p.conn.exportKeyingMaterial('EXPERIMENTAL-x', 8), /has not completed/);
  assert.equal(p.conn.trafficSecrets(), null);
  handshake(p);
  // SSL_connect again on an established connection: 1, the handshake state released a second time harmlessly.
  assert.equal(p.conn.connect(), 1);
  assert.equal(p.conn.connect(), 1);
  const logged = (label: string): string => keylog.find((l) => l.startsWith(label + ' '))?.split(' ')[2] ?? '';
  const s0 = p.conn.trafficSecrets();
  assert.ok(s0);
  assert.equal(toHex(s0.write), logged('CLIENT_TRAFFIC_SECRET_0'));
  assert.equal(toHex(s0.read), logged('SERVER_TRAFFIC_SECRET_0'));
  const exported = toHex(p.conn.exportKeyingMaterial('EXPERIMENTAL-x', 8));
  assert.equal(exported.length, 16);
  p.conn.keyUpdate(false);
  p.server.keyUpdate(false);
  readOnce(p);
  const s1 = p.conn.trafficSecrets();
  assert.ok(s1);
  assert.notEqual(toHex(s1.write), toHex(s0.write));
  assert.notEqual(toHex(s1.read), toHex(s0.read));
  // The secrets live in one array that KeyUpdate rewrites in place: what was handed out stays as it was.
  assert.equal(toHex(s0.write), logged('CLIENT_TRAFFIC_SECRET_0'), 'an earlier result is a copy');
  assert.equal(toHex(s0.read), logged('SERVER_TRAFFIC_SECRET_0'), 'an earlier result is a copy');
  // RFC 8446 §7.5: the exporter master secret does not move with KeyUpdate.
  assert.equal(toHex(p.conn.exportKeyingMaterial('EXPERIMENTAL-x', 8)), exported, 'exporter unchanged by KeyUpdate');
});

test('TLS 1.2: no traffic secrets', async () => {
  const p = await connectPair({ version: 0x0303 });
  handshake(p);
  assert.equal(p.conn.connect(), 1, 'SSL_connect again: 1');
  assert.equal(p.conn.trafficSecrets(), null);
  assert.equal(p.conn.exportKeyingMaterial('EXPERIMENTAL-x', 12).length, 12);
});
