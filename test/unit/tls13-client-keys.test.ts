/**
 * When the TLS 1.3 client switches its write keys and where its middlebox-compatibility CCS goes
 * (BoGo classes F1 and F2, test/bogo/FAILURES.md), against the in-memory test server:
 * - the handshake write key is installed on ServerHello, so an alert raised before the server's
 *   Finished reaches the server encrypted and readable (BoGo WrongMessageType-TLS13-*,
 *   TrailingMessageData-TLS13-*);
 * - after a HelloRetryRequest the CCS goes immediately before the second ClientHello, both with
 *   legacy_record_version 0x0303 (RFC 8446 §5.1, §D.4; BoGo TLS13-HelloRetryRequest-Client-*).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import { HandshakeType } from '../../src/tls/codec/handshake.js';
import { TlsAlert } from '../../src/tls/errors.js';
import { connectPair, handshake, type TestPair } from '../helpers/tls-server.js';

/** Records the client sent, as (content type, record version, name). */
function sent(pair: TestPair): { type: number; version: number; name: string }[] {
  return pair.messages
    .filter((m) => m.direction === 'sent')
    .map((m) => ({ type: m.contentType, version: m.version, name: m.name }));
}

test('after HelloRetryRequest: CCS then the second ClientHello, both at record version 0x0303', async () => {
  const pair = await connectPair({ group: 'secp256r1' });
  handshake(pair);
  assert.equal(pair.conn.handshake.info.handshake, 'full-hrr');
  const out = sent(pair);
  assert.deepEqual(
    out.slice(0, 3).map((r) => r.name),
    ['ClientHello', 'ChangeCipherSpec', 'ClientHello'],
  );
  assert.equal(out[1]?.version, 0x0303);
  assert.equal(out[2]?.version, 0x0303);
  // One compatibility CCS in all (RFC 8446 §D.4), none before the client's Finished again.
  assert.equal(out.filter((r) => r.type === 20).length, 1);
});

test('without HelloRetryRequest the one CCS goes out on ServerHello, before the server Finished is read', async () => {
  const pair = await connectPair();
  handshake(pair);
  const at = (pred: (m: TestPair['messages'][number]) => boolean): number => pair.messages.findIndex(pred);
  const ccs = at((m) => m.direction === 'sent' && m.contentType === 20);
  const serverHello = at((m) => m.direction === 'received' && m.name === 'ServerHello');
  const serverFinished = at((m) => m.direction === 'received' && m.name === 'Finished');
  assert.ok(
    serverHello < ccs && ccs < serverFinished,
    `ServerHello ${serverHello}, CCS ${ccs}, Finished ${serverFinished}`,
  );
  assert.equal(sent(pair).filter((r) => r.type === 20).length, 1);
});

test('an alert raised before the server Finished reaches the server under the handshake key', async () => {
  // EncryptedExtensions with one trailing byte: the client answers decode_error (RFC 8446 §6.2).
  const pair = await connectPair({
    mutate: (kind, type, bytes) => {
      if (kind !== 'handshake' || type !== HandshakeType.encrypted_extensions) return bytes;
      const m = new Uint8Array(bytes.length + 1);
      m.set(bytes);
      const len = bytes.length + 1 - 4;
      m.set([(len >> 16) & 0xff, (len >> 8) & 0xff, len & 0xff], 1);
      return m;
    },
  });
  // What the client puts on the wire: its last record must be protected (outer type 23), not a
  // plaintext alert (21) the server could only read by tolerating it.
  const wire: number[] = [];
  const write = pair.clientTransport.write.bind(pair.clientTransport);
  pair.clientTransport.write = (bytes) => {
    wire.push(...bytes);
    return write(bytes);
  };
  assert.throws(() => handshake(pair), /handshake failed/);
  let last = -1;
  for (let i = 0; i + 5 <= wire.length; i += 5 + (((wire[i + 3] ?? 0) << 8) | (wire[i + 4] ?? 0))) last = wire[i] ?? -1;
  assert.equal(last, 23, 'the alert went out under the handshake key');
  const f = pair.conn.failure;
  assert.ok(f instanceof TlsAlert && f.description === AlertDescription.decode_error, String(f));
  pair.server.pump();
  // The server decrypted the alert: it records the client's decode_error, not bad_record_mac.
  const e = pair.server.error;
  assert.ok(e instanceof TlsAlert, `server error is ${String(e)}`);
  assert.equal(e.description, AlertDescription.decode_error, e.message);
  assert.equal(e.received, true);
});
