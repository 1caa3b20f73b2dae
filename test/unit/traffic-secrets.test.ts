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
  const logged = (label: string): string => keylog.find((l) => l.startsWith(label + ' '))?.split(' ')[2] ?? '';
  const s0 = p.conn.trafficSecrets();
  assert.ok(s0);
  assert.equal(toHex(s0.write), logged('CLIENT_TRAFFIC_SECRET_0'));
  assert.equal(toHex(s0.read), logged('SERVER_TRAFFIC_SECRET_0'));
  assert.equal(p.conn.exportKeyingMaterial('EXPERIMENTAL-x', 8).length, 8);
  p.conn.keyUpdate(false);
  p.server.keyUpdate(false);
  readOnce(p);
  const s1 = p.conn.trafficSecrets();
  assert.ok(s1);
  assert.notEqual(toHex(s1.write), toHex(s0.write));
  assert.notEqual(toHex(s1.read), toHex(s0.read));
});

test('TLS 1.2: no traffic secrets', async () => {
  const p = await connectPair({ version: 0x0303 });
  handshake(p);
  assert.equal(p.conn.trafficSecrets(), null);
  assert.equal(p.conn.exportKeyingMaterial('EXPERIMENTAL-x', 12).length, 12);
});
