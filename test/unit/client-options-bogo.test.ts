/**
 * Library options and accessors that BoringSSL exposes and BoGo's shim flags drive (test/bogo/
 * options.ts, checks.ts), each against the in-memory TestServer.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import { ExtensionType, selectedAlpnExt, signatureAlgorithmsExt } from '../../src/tls/codec/extensions.js';
import {
  decodeCertificate,
  encodeCertificate,
  encodeCertificateRequest12,
  encodeCertificateRequest13,
} from '../../src/tls/codec/certificate.js';
import { concat, utf8 } from '../../src/tls/codec/bytes.js';
import { HandshakeType, frameHandshake } from '../../src/tls/codec/handshake.js';
import { ProtocolVersion, TLS_FALLBACK_SCSV } from '../../src/tls/codec/names.js';
import { TlsAlert } from '../../src/tls/errors.js';
import { editServerHello, onHandshake, runHostile, setExt } from '../helpers/hostile-server.js';
import { ServerStore, connectPair, handshake, type TestPair } from '../helpers/tls-server.js';

/** A TLS 1.2 server whose ServerHello selects ALPN "baz" whatever we offered. */
const selectsBaz = () => ({
  version: ProtocolVersion.TLS1_2,
  mutate: onHandshake(HandshakeType.server_hello, (m) =>
    editServerHello(m, (s) =>
      setExt(s.extensions, ExtensionType.application_layer_protocol_negotiation, selectedAlpnExt('baz').data),
    ),
  ),
});

test('ALPN: a protocol we did not offer is illegal_parameter (RFC 7301 §3.2)', async () => {
  const pair = await connectPair(selectsBaz(), { alpn: ['foo', 'bar'] });
  runHostile(pair);
  const f = pair.conn.failure;
  assert.ok(f instanceof TlsAlert, String(f));
  assert.equal(f.description, AlertDescription.illegal_parameter);
});

test('ALPN with allowUnknownAlpn: the unoffered protocol is accepted and reported (BoGo ALPNClient-AllowUnknown-*)', async () => {
  const pair = await connectPair(selectsBaz(), { alpn: ['foo', 'bar'], allowUnknownAlpn: true });
  handshake(pair);
  assert.equal(pair.conn.handshake.info.alpn, 'baz');
});

/** The verify_data of the Finished message the client sent or received. */
function finished(pair: TestPair, direction: 'sent' | 'received'): string {
  const m = pair.messages.find(
    (e) => e.direction === direction && e.contentType === 22 && e.bytes[0] === HandshakeType.finished,
  );
  assert.ok(m, `no ${direction} Finished`);
  return Buffer.from(m.bytes.subarray(4)).toString('hex');
}

const hex = (b: Uint8Array | null): string | null => (b ? Buffer.from(b).toString('hex') : null);

for (const ems of [true, false]) {
  test(`tls-unique (RFC 5929 §3.1), TLS 1.2 ${ems ? 'with' : 'without'} EMS: the first Finished; none for a resumption without EMS`, async () => {
    const store = new ServerStore();
    const server = { version: ProtocolVersion.TLS1_2, store, sessionCache: true, ticket12: false, ems } as const;
    const full = await connectPair(server);
    assert.equal(full.conn.tlsUnique(), null, 'nothing before the handshake');
    handshake(full);
    assert.equal(hex(full.conn.tlsUnique()), finished(full, 'sent'), 'full handshake: our Finished');
    const session = full.sessions[0];
    assert.ok(session);
    const resumed = await connectPair(server, {}, { session });
    handshake(resumed);
    assert.equal(resumed.conn.handshake.info.resumed, true);
    // BoGo TLSUnique-Resume-{EMS,NoEMS}-Client: the server's Finished, or nothing (RFC 7627 §1).
    assert.equal(hex(resumed.conn.tlsUnique()), ems ? finished(resumed, 'received') : null);
  });
}

test('tls-unique: none for TLS 1.3 (RFC 9266)', async () => {
  const pair = await connectPair({ version: ProtocolVersion.TLS1_3 });
  handshake(pair);
  assert.equal(pair.conn.tlsUnique(), null);
});

test('fallbackScsv: TLS_FALLBACK_SCSV (0x5600) goes last in the cipher suites (RFC 7507 §4); absent by default', async () => {
  const plain = await connectPair({ version: ProtocolVersion.TLS1_2 }, { maxVersion: ProtocolVersion.TLS1_2 });
  handshake(plain);
  assert.ok(!plain.server.clientHellos[0]?.cipherSuites.includes(TLS_FALLBACK_SCSV));
  const fallback = await connectPair(
    { version: ProtocolVersion.TLS1_2 },
    { maxVersion: ProtocolVersion.TLS1_2, fallbackScsv: true },
  );
  handshake(fallback);
  assert.equal(fallback.server.clientHellos[0]?.cipherSuites.at(-1), TLS_FALLBACK_SCSV);
  assert.equal(fallback.conn.handshake.info.version, ProtocolVersion.TLS1_2);
});

test('the server CertificateRequest is reported: TLS 1.2 certificate_types and signature_algorithms', async () => {
  const request = frameHandshake(
    HandshakeType.certificate_request,
    encodeCertificateRequest12({
      certificateTypes: Uint8Array.of(2, 1, 64),
      sigalgs: [0x0804, 0x0403],
      authorities: [],
    }),
  );
  const pair = await connectPair({
    version: ProtocolVersion.TLS1_2,
    mutate: onHandshake(HandshakeType.server_hello_done, (m) => concat(request, m)),
  });
  runHostile(pair);
  assert.equal(pair.conn.handshake.info.clientCertRequested, true);
  // BoGo ClientCertificateTypes and ClientAuth-PeerVerifyPrefs-TLS12 (SSL_get0_certificate_types,
  // SSL_get0_peer_verify_algorithms).
  assert.deepEqual(pair.conn.handshake.info.certificateRequest, {
    certificateTypes: [2, 1, 64],
    signatureAlgorithms: [0x0804, 0x0403],
    // SSL_get_shared_sigalgs: both are among the schemes we sign with.
    sharedSignatureAlgorithms: [0x0804, 0x0403],
  });
});

test('the server CertificateRequest is reported: TLS 1.3 signature_algorithms, no certificate_types', async () => {
  const request = frameHandshake(
    HandshakeType.certificate_request,
    encodeCertificateRequest13({ context: new Uint8Array(0), extensions: [signatureAlgorithmsExt([0x0807, 0x0403])] }),
  );
  const pair = await connectPair({
    version: ProtocolVersion.TLS1_3,
    mutate: onHandshake(HandshakeType.certificate, (m) => concat(request, m)),
  });
  runHostile(pair);
  assert.deepEqual(pair.conn.handshake.info.certificateRequest, {
    certificateTypes: [],
    signatureAlgorithms: [0x0807, 0x0403],
    sharedSignatureAlgorithms: [0x0807, 0x0403],
  });
});

test('no CertificateRequest: nothing reported', async () => {
  const pair = await connectPair({ version: ProtocolVersion.TLS1_3 });
  handshake(pair);
  assert.equal(pair.conn.handshake.info.certificateRequest, undefined);
  assert.equal(pair.conn.handshake.info.clientCertRequested, false);
});

test('peek (SSL_peek) copies application data without taking it; read takes it; both see close_notify', async () => {
  const pair = await connectPair({ version: ProtocolVersion.TLS1_3 });
  handshake(pair);
  pair.server.send(utf8('hello'));
  pair.server.send(utf8(' world'));
  // As SSL_read, SSL_peek returns what one record holds.
  const buf = new Uint8Array(8);
  assert.equal(pair.conn.peek(buf), 5);
  assert.equal(Buffer.from(buf.subarray(0, 5)).toString(), 'hello');
  assert.equal(pair.conn.pending(), 5);
  const three = new Uint8Array(3);
  assert.equal(pair.conn.peek(three), 3);
  assert.equal(Buffer.from(three).toString(), 'hel');
  assert.equal(pair.conn.read(three), 3, 'read takes what peek showed');
  assert.equal(Buffer.from(three).toString(), 'hel');
  assert.equal(pair.conn.pending(), 2);
  const rest = new Uint8Array(16);
  assert.equal(pair.conn.peek(rest), 2);
  assert.equal(Buffer.from(rest.subarray(0, 2)).toString(), 'lo');
  assert.equal(pair.conn.read(rest), 2);
  assert.equal(pair.conn.peek(rest), 6, 'the next record');
  assert.equal(pair.conn.read(rest), 6);
  assert.equal(Buffer.from(rest.subarray(0, 6)).toString(), ' world');
  assert.equal(pair.conn.pending(), 0);
  pair.server.closeNotify();
  pair.server.pump();
  assert.equal(pair.conn.peek(rest), 0);
  assert.equal(pair.conn.read(rest), 0);
});

/** A server whose Certificate message carries an extra 20000-byte entry after its chain. */
const bigCertificate = () => ({
  version: ProtocolVersion.TLS1_2,
  mutate: onHandshake(HandshakeType.certificate, (m) => {
    const msg = decodeCertificate(m.subarray(4), false);
    const chain = [...msg.entries.map((e) => e.der), new Uint8Array(20000).fill(0x30)];
    return frameHandshake(HandshakeType.certificate, encodeCertificate(chain, false));
  }),
});

test('maxCertList bounds the Certificate message: illegal_parameter "excessive message size" (BoGo LargeMessage-Reject)', async () => {
  const capped = await connectPair(bigCertificate(), { maxCertList: 16384 });
  runHostile(capped);
  const f = capped.conn.failure;
  assert.ok(f instanceof TlsAlert, String(f));
  assert.equal(f.description, AlertDescription.illegal_parameter);
  assert.match(f.message, /excessive message size/);
  // The default bound (256 KiB) takes the message; whatever follows is not about its size.
  const uncapped = await connectPair(bigCertificate());
  runHostile(uncapped);
  assert.doesNotMatch(uncapped.conn.failure?.message ?? '', /excessive message size/);
  assert.ok(uncapped.server.clientHellos.length === 1);
  assert.ok(uncapped.messages.some((m) => m.direction === 'received' && m.name === 'Certificate'));
});
