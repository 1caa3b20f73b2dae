/**
 * EchOffer (src/tls/ech/client.ts), the client's side of one ECH offer, against a server side made
 * of the same module's inverse functions: one HPKE seal per ClientHello, acceptance from the
 * ServerHello and HelloRetryRequest confirmations, a wrong confirmation read as rejection, and a
 * server that accepts in HelloRetryRequest but not in ServerHello refused with illegal_parameter.
 * (The same class is pinned against OpenSSL 4.0 and BoringSSL in ech-first-flight.test.ts.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Writer } from '../../src/tls/codec/bytes.js';
import {
  encodeClientHello,
  frameHandshake,
  HandshakeType,
  HRR_RANDOM,
  type ClientHello,
} from '../../src/tls/codec/handshake.js';
import { setupBaseR, x25519PublicKey } from '../../src/tls/crypto/hpke.js';
import { nodeProvider as p } from '../../src/tls/crypto/node.js';
import { encodeEchConfig, encodeEchConfigList, type EchConfigContents } from '../../src/tls/ech/config.js';
import { EchOffer } from '../../src/tls/ech/client.js';
import { clientHelloOuterAad, decodeClientHelloInner, EXT_ENCRYPTED_CLIENT_HELLO } from '../../src/tls/ech/inner.js';
import { echConfirmation, hrrForConfirmation, serverHelloForConfirmation } from '../../src/tls/ech/confirm.js';
import { TlsAlert } from '../../src/tls/errors.js';

const SK = new Uint8Array(32).fill(0x33);
const contents: EchConfigContents = {
  configId: 4,
  kemId: 0x20,
  publicKey: x25519PublicKey(p, SK),
  cipherSuites: [{ kdfId: 1, aeadId: 3 }],
  maximumNameLength: 16,
  publicName: 'public.example',
  extensions: [],
};
const raw = encodeEchConfig(contents);
const list = encodeEchConfigList([raw]);
const info = new Uint8Array([...new TextEncoder().encode('tls ech'), 0, ...raw]);

const ext = (type: number, data: number[]) => ({ type, data: Uint8Array.from(data) });
function inner(random: Uint8Array, share: number): ClientHello {
  return {
    legacyVersion: 0x0303,
    random,
    sessionId: new Uint8Array(32).fill(9),
    cipherSuites: [0x1301],
    extensions: [ext(43, [2, 3, 4]), ext(51, [0, 4, 0, share, 0, 0]), EchOffer.innerExtension()],
  };
}
const outerBase = (): ClientHello => ({
  legacyVersion: 0x0303,
  random: p.randomBytes(32),
  sessionId: new Uint8Array(32).fill(9),
  cipherSuites: [0x1301],
  extensions: [ext(0, [0, 17, 0, 0, 14, ...new TextEncoder().encode('public.example')]), ext(43, [4, 3, 4, 3, 3])],
});

function serverHello(random: Uint8Array, exts: Uint8Array): Uint8Array {
  const body = new Writer()
    .u16(0x0303)
    .bytes(random)
    .vec8(new Uint8Array(32).fill(9))
    .u16(0x1301)
    .u8(0)
    .vec16(exts)
    .finish();
  return frameHandshake(HandshakeType.server_hello, body).slice();
}
const framed = (ch: ClientHello): Uint8Array =>
  frameHandshake(HandshakeType.client_hello, encodeClientHello(ch)).slice();

/** The client-facing server: opens the outer hello and returns the inner one (framed). */
function serverOpen(outer: ClientHello, r = setupBaseR(p, { kdfId: 1, aeadId: 3 }, outerEnc(outer), SK, info)) {
  const { aad, fields } = clientHelloOuterAad(outer);
  const opened = r.open(aad, fields.payload);
  assert.ok(opened, 'server opens the payload');
  return { inner: framed(decodeClientHelloInner(opened, outer)), r };
}
function outerEnc(outer: ClientHello): Uint8Array {
  const f = clientHelloOuterAad(outer).fields;
  return f.enc;
}

/** The backend's ServerHello with the accept confirmation over `transcript` (or a wrong one). */
function confirmedServerHello(transcript: Uint8Array[], innerRandom: Uint8Array, wrong = false): Uint8Array {
  const sh = serverHello(new Uint8Array(32).fill(0x5a), Uint8Array.of(0, 43, 0, 2, 3, 4));
  const { zeroed } = serverHelloForConfirmation(sh);
  const th = p.digest('sha256', new Uint8Array([...transcript.flatMap((m) => [...m]), ...zeroed]));
  const conf = echConfirmation(p, 'sha256', innerRandom, th, false);
  if (wrong) conf[0] = (conf[0] ?? 0) ^ 1;
  zeroed.set(conf, 6 + 24);
  return zeroed;
}

test('accepted: the server opens the first hello, its confirmation matches; one HPKE seal', () => {
  const offer = EchOffer.create(p, list);
  assert.ok(offer);
  assert.equal(offer.publicName, 'public.example');
  const random = p.randomBytes(32);
  const outer = offer.seal(inner(random, 0x1d), outerBase(), []);
  const { inner: chInner } = serverOpen(outer);
  assert.equal(offer.serverHello('sha256', confirmedServerHello([chInner], random), null), true);
  assert.equal(offer.seals, 1);
});

test('a wrong confirmation reads as rejection (the handshake then runs on the outer transcript)', () => {
  const offer = EchOffer.create(p, list);
  assert.ok(offer);
  const random = p.randomBytes(32);
  const outer = offer.seal(inner(random, 0x1d), outerBase(), []);
  const { inner: chInner } = serverOpen(outer);
  assert.equal(offer.serverHello('sha256', confirmedServerHello([chInner], random, true), null), false);
});

test('HelloRetryRequest: accepted in both, second hello on the same context with empty enc; two seals', () => {
  const offer = EchOffer.create(p, list);
  assert.ok(offer);
  const random = p.randomBytes(32);
  const outer1 = offer.seal(inner(random, 0x1d), outerBase(), []);
  const { inner: ch1, r } = serverOpen(outer1);
  // The backend's HRR: ECH extension with 8 zero bytes, then the confirmation written in.
  const hrr0 = serverHello(
    HRR_RANDOM,
    new Writer().u16(43).vec16(Uint8Array.of(3, 4)).u16(EXT_ENCRYPTED_CLIENT_HELLO).vec16(new Uint8Array(8)).finish(),
  );
  const mh = frameHandshake(HandshakeType.message_hash, p.digest('sha256', ch1)).slice();
  const conf = echConfirmation(p, 'sha256', random, p.digest('sha256', new Uint8Array([...mh, ...hrr0])), true);
  const hrr = hrr0.slice();
  hrr.set(conf, hrr.length - 8);
  assert.ok(hrrForConfirmation(hrr));
  assert.equal(offer.helloRetryRequest('sha256', hrr), true);
  const outer2 = offer.seal(inner(random, 0x17), outerBase(), []);
  assert.equal(outerEnc(outer2).length, 0);
  const { inner: ch2 } = serverOpen(outer2, r);
  assert.equal(offer.serverHello('sha256', confirmedServerHello([mh, hrr, ch2], random), true), true);
  assert.equal(offer.seals, 2);
});

test('accepted in HelloRetryRequest, then a ServerHello without the confirmation: illegal_parameter', () => {
  const offer = EchOffer.create(p, list);
  assert.ok(offer);
  const random = p.randomBytes(32);
  const { inner: ch1, r } = serverOpen(offer.seal(inner(random, 0x1d), outerBase(), []));
  const hrr0 = serverHello(HRR_RANDOM, new Writer().u16(EXT_ENCRYPTED_CLIENT_HELLO).vec16(new Uint8Array(8)).finish());
  const mh = frameHandshake(HandshakeType.message_hash, p.digest('sha256', ch1)).slice();
  const hrr = hrr0.slice();
  hrr.set(
    echConfirmation(p, 'sha256', random, p.digest('sha256', new Uint8Array([...mh, ...hrr0])), true),
    hrr.length - 8,
  );
  assert.equal(offer.helloRetryRequest('sha256', hrr), true);
  const { inner: ch2 } = serverOpen(offer.seal(inner(random, 0x17), outerBase(), []), r);
  assert.throws(
    () => offer.serverHello('sha256', confirmedServerHello([mh, hrr, ch2], random, true), true),
    (e: unknown) => e instanceof TlsAlert && e.alertName === 'illegal_parameter',
  );
});

test('HelloRetryRequest without ECH: rejected for good; misuse is a TypeError; no usable config gives null', () => {
  const offer = EchOffer.create(p, list);
  assert.ok(offer);
  const random = p.randomBytes(32);
  offer.seal(inner(random, 0x1d), outerBase(), []);
  assert.throws(() => offer.seal(inner(random, 0x1d), outerBase(), []), /only after a HelloRetryRequest/);
  const hrr = serverHello(HRR_RANDOM, new Writer().u16(43).vec16(Uint8Array.of(3, 4)).finish());
  assert.equal(offer.helloRetryRequest('sha256', hrr), false);
  assert.throws(() => offer.seal(inner(p.randomBytes(32), 0x17), outerBase(), []), /keeps the first one random/);
  offer.seal(inner(random, 0x17), outerBase(), []);
  assert.equal(offer.serverHello('sha256', serverHello(new Uint8Array(32), new Uint8Array(0)), false), false);
  const unusable = encodeEchConfigList([encodeEchConfig({ ...contents, kemId: 0x10 })]);
  assert.equal(EchOffer.create(p, unusable), null);
});
