/**
 * The RecordLayer on its own, in both roles (the client's Connection and the test server own one
 * each): fragmentation and reassembly, and the record-level policy OpenSSL applies in
 * ssl3_read_bytes / tls_get_more_records: empty-record, warning-alert and KeyUpdate limits,
 * ChangeCipherSpec and plaintext-alert rules, no interleaving inside a handshake message.
 * In-memory pairs only: this is our own state machine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryPair, type MemoryTransport } from '../../src/net/memory.js';
import { AlertDescription, AlertLevel } from '../../src/tls/codec/alerts.js';
import { HandshakeType, frameHandshake } from '../../src/tls/codec/handshake.js';
import { ProtocolVersion } from '../../src/tls/codec/names.js';
import { nodeProvider } from '../../src/tls/crypto/index.js';
import { TlsAlert } from '../../src/tls/errors.js';
import type { HandshakeMsg } from '../../src/tls/record/hsbuffer.js';
import { RecordLayer, MAX_EMPTY_RECORDS, MAX_KEY_UPDATES, type RecordOwner } from '../../src/tls/record/layer.js';
import { ContentType, NullProtection, Tls13Protection } from '../../src/tls/record/protection.js';
import type { MessageEvent } from '../../src/tls/types.js';

interface TestOwner extends RecordOwner {
  established: boolean;
  version: number | null;
  sendFragment: number;
  messages: HandshakeMsg[];
  ccs: number;
  traces: MessageEvent[];
}

function owner(init: Partial<TestOwner> = {}): TestOwner {
  const o: TestOwner = {
    mode: 0,
    established: false,
    version: null,
    sendFragment: 16384,
    handshakeBytes: { read: 0, written: 0 },
    messages: [],
    ccs: 0,
    traces: [],
    handshake: (m) => void o.messages.push(m),
    changeCipherSpec: () => void o.ccs++,
    message: (e) => void o.traces.push(e),
    ...init,
  };
  return o;
}

/** Two record layers facing each other over an in-memory pair. */
function pair(
  a: TestOwner,
  b: TestOwner,
): { a: RecordLayer; b: RecordLayer; ta: MemoryTransport; tb: MemoryTransport } {
  const [ta, tb] = memoryPair();
  const layers = { a: new RecordLayer(a), b: new RecordLayer(b) };
  // Both write what a TLS 1.2 or 1.3 peer writes past its hello (RFC 8446 §5.1: 0x0303), so a
  // reader whose owner knows the version takes their records (layer.ts checkRecordVersion).
  layers.a.setRecordVersion(ProtocolVersion.TLS1_2);
  layers.b.setRecordVersion(ProtocolVersion.TLS1_2);
  return { ...layers, ta, tb };
}

/** The body lengths of the records waiting for `t`, read from their headers. */
function recordLengths(t: MemoryTransport): number[] {
  const wire = Uint8Array.from(t.incoming.queue.flatMap((c) => [...c]));
  const out: number[] = [];
  for (let at = 0; at + 5 <= wire.length; at += 5 + (out.at(-1) ?? 0)) {
    out.push(((wire[at + 3] ?? 0) << 8) | (wire[at + 4] ?? 0));
  }
  return out;
}

/** Reads records on `layer` until the transport would block; returns how many were read. */
function readAll(layer: RecordLayer, t: MemoryTransport): number {
  let n = 0;
  while (layer.readRecord(t) === 'ok') n++;
  return n;
}

const alertWith = (desc: number, reason?: RegExp) => (e: unknown) =>
  e instanceof TlsAlert && e.description === desc && (!reason || reason.test(e.message));

test('a handshake message larger than the fragment size goes out in records of that size and arrives whole', () => {
  const server = owner({ sendFragment: 100 });
  const client = owner();
  const { a, b, ta, tb } = pair(server, client);
  a.setRecordVersion(ProtocolVersion.TLS1_2);
  const body = Uint8Array.from({ length: 250 }, (_, i) => i & 0xff);
  a.queueHandshake(frameHandshake(HandshakeType.certificate, body));
  assert.equal(a.flush(ta), 'ok');
  assert.deepEqual(recordLengths(tb), [100, 100, 54], 'three records carry the 254-byte message');
  assert.equal(server.handshakeBytes.written, 269);
  assert.equal(readAll(b, tb), 3);
  assert.equal(client.messages.length, 1);
  assert.equal(client.messages[0]?.type, HandshakeType.certificate);
  assert.deepEqual([...(client.messages[0]?.body ?? [])], [...body]);
  assert.equal(client.handshakeBytes.read, 269);
});

test('application data: refused before the handshake completes, delivered after', () => {
  const { a, b, ta, tb } = pair(owner({ established: true }), owner());
  a.queueAppData(Uint8Array.of(1, 2, 3));
  a.flush(ta);
  assert.throws(() => b.readRecord(tb), alertWith(AlertDescription.unexpected_message, /before the handshake/));

  const r = pair(owner({ established: true }), owner({ established: true }));
  r.a.queueAppData(Uint8Array.of(1, 2, 3));
  r.a.flush(r.ta);
  assert.equal(r.b.readRecord(r.tb), 'ok');
  assert.equal(r.b.pendingAppData(), 3);
  const buf = new Uint8Array(8);
  assert.equal(r.b.readAppData(buf), 3);
  assert.deepEqual([...buf.subarray(0, 3)], [1, 2, 3]);
});

test(`${MAX_EMPTY_RECORDS} empty records in a row are tolerated, one more is unexpected_message`, () => {
  const { a, b, ta, tb } = pair(owner({ established: true }), owner({ established: true }));
  for (let i = 0; i < MAX_EMPTY_RECORDS; i++) a.queueRecord(ContentType.application_data, new Uint8Array(0));
  a.flush(ta);
  assert.equal(readAll(b, tb), MAX_EMPTY_RECORDS);
  a.queueRecord(ContentType.application_data, new Uint8Array(0));
  a.flush(ta);
  assert.throws(() => b.readRecord(tb), alertWith(AlertDescription.unexpected_message, /too many empty records/));
});

test('warning alerts: close_notify ends reading, the fifth warning in a row is fatal, a fatal alert is received', () => {
  const { a, b, ta, tb } = pair(owner(), owner({ version: ProtocolVersion.TLS1_2 }));
  a.queueAlert(AlertLevel.warning, AlertDescription.close_notify);
  a.flush(ta);
  assert.equal(b.readRecord(tb), 'ok');
  assert.equal(b.closeNotifyReceived, true);
  for (let i = 0; i < 3; i++) a.queueAlert(AlertLevel.warning, AlertDescription.user_canceled);
  a.flush(ta);
  assert.equal(readAll(b, tb), 3);
  a.queueAlert(AlertLevel.warning, AlertDescription.user_canceled);
  a.flush(ta);
  assert.throws(() => b.readRecord(tb), alertWith(AlertDescription.unexpected_message, /too many warn alerts/));

  const r = pair(owner(), owner());
  r.a.queueAlert(AlertLevel.fatal, AlertDescription.handshake_failure);
  r.a.flush(r.ta);
  assert.throws(
    () => r.b.readRecord(r.tb),
    (e: unknown) => e instanceof TlsAlert && e.received && e.description === AlertDescription.handshake_failure,
  );
});

test('TLS 1.2: four warning alerts in a row are tolerated and reported by name (BoringSSL kMaxWarningAlerts)', () => {
  const seen: number[] = [];
  const { a, b, ta, tb } = pair(owner(), owner({ version: ProtocolVersion.TLS1_2, warningAlert: (d) => seen.push(d) }));
  a.queueAlert(AlertLevel.warning, AlertDescription.unrecognized_name);
  for (let i = 0; i < 3; i++) a.queueAlert(AlertLevel.warning, AlertDescription.unexpected_message);
  a.flush(ta);
  assert.equal(readAll(b, tb), 4);
  assert.deepEqual(seen, [AlertDescription.unrecognized_name, ...Array(3).fill(AlertDescription.unexpected_message)]);
  // Any other record resets the count (BoringSSL: warning_alert_count = 0 on a non-alert record).
  a.queueRecord(ContentType.handshake, frameHandshake(HandshakeType.hello_request, new Uint8Array(0)));
  for (let i = 0; i < 4; i++) a.queueAlert(AlertLevel.warning, AlertDescription.no_renegotiation);
  a.flush(ta);
  assert.equal(readAll(b, tb), 5);
  a.queueAlert(AlertLevel.warning, AlertDescription.no_renegotiation);
  a.flush(ta);
  assert.throws(() => b.readRecord(tb), alertWith(AlertDescription.unexpected_message, /too many warn alerts/));
});

test('TLS 1.3: a warning alert other than user_canceled is decode_error; user_canceled is tolerated', () => {
  const seen: number[] = [];
  const { a, b, ta, tb } = pair(owner(), owner({ version: ProtocolVersion.TLS1_3, warningAlert: (d) => seen.push(d) }));
  a.queueAlert(AlertLevel.warning, AlertDescription.user_canceled);
  a.flush(ta);
  assert.equal(b.readRecord(tb), 'ok');
  assert.deepEqual(seen, [AlertDescription.user_canceled]);
  a.queueAlert(AlertLevel.warning, AlertDescription.unrecognized_name);
  a.flush(ta);
  assert.throws(() => b.readRecord(tb), alertWith(AlertDescription.decode_error, /warning alert unrecognized_name/));
});

for (const version of [ProtocolVersion.TLS1_2, ProtocolVersion.TLS1_3]) {
  test(`an alert level that is neither warning nor fatal is illegal_parameter (version ${version.toString(16)})`, () => {
    const { a, b, ta, tb } = pair(owner(), owner({ version }));
    a.queueRecord(ContentType.alert, Uint8Array.of(3, AlertDescription.close_notify));
    a.flush(ta);
    assert.throws(() => b.readRecord(tb), alertWith(AlertDescription.illegal_parameter, /unknown alert type 3/));
  });
}

test('a fatal alert is received as fatal at either version, whatever its description', () => {
  for (const version of [ProtocolVersion.TLS1_2, ProtocolVersion.TLS1_3]) {
    const { a, b, ta, tb } = pair(owner(), owner({ version }));
    a.queueAlert(AlertLevel.fatal, AlertDescription.user_canceled);
    a.flush(ta);
    assert.throws(
      () => b.readRecord(tb),
      (e: unknown) => e instanceof TlsAlert && e.received && e.description === AlertDescription.user_canceled,
    );
  }
});

test('TLS 1.3: a plaintext CCS passes under read keys; a plaintext alert only while allowPlainAlerts', () => {
  const keys = () => new Tls13Protection(nodeProvider, 'AES-128-GCM', new Uint8Array(16), new Uint8Array(12));
  const reader = owner({ version: ProtocolVersion.TLS1_3 });
  const { a, b, ta, tb } = pair(owner(), reader);
  b.setReadProtection(keys());
  a.queueChangeCipherSpec();
  a.flush(ta);
  assert.equal(b.readRecord(tb), 'ok');
  assert.equal(reader.ccs, 1);

  b.allowPlainAlerts = true;
  a.queueAlert(AlertLevel.fatal, AlertDescription.decrypt_error);
  a.flush(ta);
  assert.throws(() => b.readRecord(tb), alertWith(AlertDescription.decrypt_error));

  b.allowPlainAlerts = false;
  a.queueAlert(AlertLevel.fatal, AlertDescription.decrypt_error);
  a.flush(ta);
  assert.throws(() => b.readRecord(tb), alertWith(AlertDescription.unexpected_message, /unprotected record/));
});

test('TLS 1.3: no other record inside a fragmented handshake message; CCS never inside one', () => {
  const hs = frameHandshake(HandshakeType.certificate, new Uint8Array(20));
  const { a, b, ta, tb } = pair(owner(), owner({ version: ProtocolVersion.TLS1_3 }));
  a.queueRecord(ContentType.handshake, hs.subarray(0, 10));
  a.queueAlert(AlertLevel.warning, AlertDescription.close_notify);
  a.flush(ta);
  assert.equal(b.readRecord(tb), 'ok');
  assert.throws(() => b.readRecord(tb), alertWith(AlertDescription.unexpected_message, /mixed handshake/));

  const r = pair(owner(), owner({ version: ProtocolVersion.TLS1_2 }));
  r.a.queueRecord(ContentType.handshake, hs.subarray(0, 10));
  r.a.queueChangeCipherSpec();
  r.a.flush(r.ta);
  assert.equal(r.b.readRecord(r.tb), 'ok');
  assert.throws(() => r.b.readRecord(r.tb), alertWith(AlertDescription.unexpected_message, /inside a fragmented/));
});

test(`post-handshake: ${MAX_KEY_UPDATES} KeyUpdates without application data between, then one too many`, () => {
  const { a, b, ta, tb } = pair(owner({ established: true }), owner({ established: true }));
  const ku = frameHandshake(HandshakeType.key_update, Uint8Array.of(0));
  for (let i = 0; i < MAX_KEY_UPDATES; i++) a.queueHandshake(ku);
  a.queueAppData(Uint8Array.of(7)); // resets the count
  for (let i = 0; i < MAX_KEY_UPDATES; i++) a.queueHandshake(ku);
  a.flush(ta);
  let seen = 0;
  while (b.readRecord(tb) === 'ok') {
    for (let m = b.nextPostHandshake(); m; m = b.nextPostHandshake()) seen++;
  }
  assert.equal(seen, 2 * MAX_KEY_UPDATES);
  a.queueHandshake(ku);
  a.flush(ta);
  assert.equal(b.readRecord(tb), 'ok');
  assert.throws(() => b.nextPostHandshake(), alertWith(AlertDescription.unexpected_message, /too many key updates/));
});

test("an owner's sealed look can rewrite or drop records; takeUnopened takes a record before it is opened", () => {
  const writer = owner();
  writer.sealed = (type, rec) => (type === ContentType.alert ? null : rec);
  const taken: number[] = [];
  const reader = owner();
  reader.takeUnopened = (type) => (type === ContentType.change_cipher_spec ? (taken.push(type), true) : false);
  const { a, b, ta, tb } = pair(writer, reader);
  a.queueAlert(AlertLevel.warning, AlertDescription.close_notify);
  a.queueChangeCipherSpec();
  a.queueRaw(
    new NullProtection().seal(ContentType.handshake, frameHandshake(HandshakeType.finished, Uint8Array.of(9)), 0x0303),
  );
  a.flush(ta);
  assert.equal(readAll(b, tb), 2, 'the alert was dropped');
  assert.deepEqual(taken, [ContentType.change_cipher_spec]);
  assert.equal(reader.ccs, 0, 'the taken CCS did not reach the dispatcher');
  assert.equal(reader.messages[0]?.type, HandshakeType.finished);
  assert.equal(b.closeNotifyReceived, false);
});

test('received ChangeCipherSpec and alert events keep their bytes after the read buffer is reused', () => {
  // RecordReader.next's body is a view valid until the next read; a MessageEvent outlives it.
  // A ServerHello (type 0x02) read after a CCS made the kept CCS event read "02" (tls-server.test.ts flake).
  const reader = owner({ version: ProtocolVersion.TLS1_2 });
  const { a, b, ta, tb } = pair(owner(), reader);
  a.queueChangeCipherSpec();
  a.queueAlert(AlertLevel.warning, AlertDescription.user_canceled);
  a.queueHandshake(frameHandshake(HandshakeType.server_hello, new Uint8Array(40).fill(0xee)));
  a.flush(ta);
  assert.equal(readAll(b, tb), 3);
  const seen = reader.traces.map((e) => `${e.contentType}:${Buffer.from(e.bytes).toString('hex')}`);
  assert.deepEqual(seen.slice(0, 2), ['20:01', `21:01${AlertDescription.user_canceled.toString(16)}`]);
  assert.equal(seen[2]?.slice(0, 11), '22:02000028');
});
