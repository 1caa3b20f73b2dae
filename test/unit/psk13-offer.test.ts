/**
 * The TLS 1.3 external PSK offer (handshake/psk-offer.ts, RFC 8446 §4.2.11): identity, an
 * obfuscated_ticket_age of 0, SHA-256, and a binder under the "ext binder" label (§7.1) checked
 * against an independent HKDF/HMAC computation (test/helpers/binder-oracle.ts); not offered without a SHA-256
 * suite or without TLS 1.3. Interop against s_server is test/interop/psk13.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { suiteByName, ProtocolVersion } from '../../src/tls/codec/names.js';
import { getProvider } from '../../src/net/providers.js';
import { Context } from '../../src/tls/context.js';
import { Transcript } from '../../src/tls/handshake/transcript.js';
import { pskOffer } from '../../src/tls/handshake/psk-offer.js';
import type { ContextOverrides } from '../../src/tls/context.js';
import { expectedBinder } from '../helpers/binder-oracle.js';

const KEY = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 + i);
const p = await getProvider('node');

function options(extra: Partial<ContextOverrides> = {}) {
  return new Context(p, { now: () => 0, psk: { identity: 'Client_identity', key: KEY }, ...extra }).options;
}

test('external PSK: identity, age 0, SHA-256 and an "ext binder" binder over the truncated hello', () => {
  const o = options();
  const offer = pskOffer(o, undefined, undefined, new Transcript(p));
  assert.ok(offer && 'external' in offer);
  assert.equal(Buffer.from(offer.psk.identity).toString(), 'Client_identity');
  assert.equal(offer.psk.obfuscatedAge, 0);
  assert.equal(offer.psk.hash, 'sha256');
  const truncated = Buffer.from('a ClientHello up to its binders');
  const want = expectedBinder('sha256', KEY, truncated, 'ext binder');
  assert.equal(Buffer.from(offer.psk.binder(truncated)).toString('hex'), want.toString('hex'));
  // A resumption binder ("res binder") of the same key differs: the label is what tells them apart.
  assert.notEqual(expectedBinder('sha256', KEY, truncated, 'res binder').toString('hex'), want.toString('hex'));
});

test('not offered without a SHA-256 TLS 1.3 suite, without TLS 1.3, or without a PSK', () => {
  const only384 = suiteByName('TLS_AES_256_GCM_SHA384');
  assert.ok(only384);
  assert.equal(pskOffer(options({ cipherSuites13: [only384.id] }), undefined, undefined, new Transcript(p)), undefined);
  assert.equal(
    pskOffer(options({ maxVersion: ProtocolVersion.TLS1_2 }), undefined, undefined, new Transcript(p)),
    undefined,
  );
  const none = new Context(p, { now: () => 0 }).options;
  assert.equal(pskOffer(none, undefined, undefined, new Transcript(p)), undefined);
});
