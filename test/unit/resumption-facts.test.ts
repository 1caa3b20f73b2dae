/**
 * A resumption reports what the session knows (BoGo class F5; BoringSSL reports the resumed
 * session's peer_signature_algorithm, group and verify result): against the in-memory TestServer,
 * a TLS 1.2 resumption reports the signature scheme and group of the original handshake, a TLS 1.3
 * one the signature scheme and verify result, and the tickets of a TLS 1.3 resumption keep the
 * peer's leaf certificate.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toHex } from '../../src/tls/codec/bytes.js';
import { renewedFacts } from '../../src/tls/handshake/negotiated.js';
import { createSession, type Session } from '../../src/tls/session/session.js';
import {
  ServerStore,
  connectPair,
  describeFailure,
  handshakeAndReadTickets,
  type TestPair,
} from '../helpers/tls-server.js';

async function fullThenResumed(version: 0x0303 | 0x0304): Promise<{ first: TestPair; second: TestPair; s: Session }> {
  const store = new ServerStore();
  const first = await connectPair({ version, store, tickets: 2 }, { verifyPeer: false });
  handshakeAndReadTickets(first);
  const s = first.sessions.at(-1);
  assert.ok(s, 'a session from the full handshake');
  const second = await connectPair({ version, store, tickets: 2 }, { verifyPeer: false }, { session: s });
  handshakeAndReadTickets(second);
  assert.equal(second.conn.handshake.info.resumed, true, describeFailure(second, -1));
  return { first, second, s };
}

describe('resumption reports what the session knows (BoGo F5)', () => {
  test('TLS 1.2: the peer signature scheme and the group of the original handshake', async () => {
    const { first, second, s } = await fullThenResumed(0x0303);
    const a = first.conn.handshake.info;
    const b = second.conn.handshake.info;
    assert.notEqual(a.peerSignatureScheme, null);
    assert.notEqual(a.group, null);
    assert.equal(s.peerSignatureScheme, a.peerSignatureScheme);
    assert.equal(s.kexGroup, a.group);
    assert.equal(b.peerSignatureScheme, a.peerSignatureScheme);
    assert.equal(b.group, a.group);
    assert.equal(b.verify.code, s.verifyResult);
  });

  test('TLS 1.3: the peer signature scheme and verify result of the session; its tickets keep the leaf', async () => {
    const { first, second, s } = await fullThenResumed(0x0304);
    const a = first.conn.handshake.info;
    const b = second.conn.handshake.info;
    assert.notEqual(a.peerSignatureScheme, null);
    assert.equal(b.peerSignatureScheme, a.peerSignatureScheme);
    assert.equal(b.verify.code, s.verifyResult);
    assert.equal(b.verify.code, a.verify.code);
    assert.notEqual(b.verify.code, 50, 'not the initial "application verification failure"');
    const renewed = second.sessions.at(-1);
    assert.ok(renewed && renewed !== s, 'a ticket from the resumed connection');
    assert.ok(renewed.peerCertificate && s.peerCertificate);
    assert.equal(toHex(renewed.peerCertificate), toHex(s.peerCertificate));
    assert.equal(renewed.peerSignatureScheme, a.peerSignatureScheme);
  });

  test('a renewed session keeps the resumed leaf and host name when the handshake had none', () => {
    const resumed = createSession({
      version: 0x0303,
      cipherSuite: 0xc02f,
      masterKey: new Uint8Array(48),
      time: 1,
      peerCertificate: Uint8Array.of(0x30, 0),
      hostname: 'example.com',
    });
    const facts = {
      time: 2,
      peerCertificate: undefined,
      verifyResult: 0,
      hostname: undefined,
      alpnSelected: undefined,
      kexGroup: 29,
      peerSignatureScheme: 0x0804,
    };
    const r = renewedFacts(facts, resumed);
    assert.equal(r.hostname, 'example.com');
    assert.deepEqual(r.peerCertificate, Uint8Array.of(0x30, 0));
    assert.equal(r.kexGroup, 29);
    assert.equal(renewedFacts(facts, undefined).peerCertificate, undefined);
  });
});
