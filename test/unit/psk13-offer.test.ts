/**
 * The TLS 1.3 external PSK offer (handshake/psk-offer.ts, RFC 8446 §4.2.11): identity, an
 * obfuscated_ticket_age of 0, SHA-256, and a binder under the "ext binder" label (§7.1) checked
 * against an independent HKDF/HMAC computation with node:crypto; not offered without a SHA-256
 * suite or without TLS 1.3. Interop against s_server is test/interop/psk13.test.ts.
 */
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { test } from 'node:test';
import { suiteByName, ProtocolVersion } from '../../src/tls/codec/names.js';
import { getProvider } from '../../src/net/providers.js';
import { Context } from '../../src/tls/context.js';
import { Transcript } from '../../src/tls/handshake/transcript.js';
import { pskOffer } from '../../src/tls/handshake/psk-offer.js';
import type { ContextOverrides } from '../../src/tls/context.js';

const KEY = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 + i);
const p = await getProvider('node');

function options(extra: Partial<ContextOverrides> = {}) {
  return new Context(p, { now: () => 0, psk: { identity: 'Client_identity', key: KEY }, ...extra }).options;
}

/**
 * HKDF-Expand-Label (RFC 8446 §7.1) over SHA-256 for at most 32 bytes: HKDF-Expand's first block,
 * HMAC(secret, HkdfLabel || 0x01) (RFC 5869 §2.3), written out with node:crypto's HMAC.
 */
function expandLabel(secret: Buffer, label: string, context: Buffer, length: number): Buffer {
  const full = Buffer.from(`tls13 ${label}`);
  const info = Buffer.concat([
    Buffer.from([length >> 8, length & 0xff, full.length]),
    full,
    Buffer.from([context.length]),
    context,
  ]);
  return crypto
    .createHmac('sha256', secret)
    .update(Buffer.concat([info, Buffer.from([1])]))
    .digest()
    .subarray(0, length);
}

test('external PSK: identity, age 0, SHA-256 and an "ext binder" binder over the truncated hello', () => {
  const o = options();
  const offer = pskOffer(o, undefined, undefined, new Transcript(p));
  assert.ok(offer && 'external' in offer);
  assert.equal(Buffer.from(offer.psk.identity).toString(), 'Client_identity');
  assert.equal(offer.psk.obfuscatedAge, 0);
  assert.equal(offer.psk.hash, 'sha256');
  const truncated = Buffer.from('a ClientHello up to its binders');
  const early = crypto.createHmac('sha256', Buffer.alloc(32)).update(KEY).digest();
  const emptyHash = crypto.createHash('sha256').digest();
  const binderKey = expandLabel(early, 'ext binder', emptyHash, 32);
  const finishedKey = expandLabel(binderKey, 'finished', Buffer.alloc(0), 32);
  const want = crypto
    .createHmac('sha256', finishedKey)
    .update(crypto.createHash('sha256').update(truncated).digest())
    .digest();
  assert.equal(Buffer.from(offer.psk.binder(truncated)).toString('hex'), want.toString('hex'));
  // A resumption binder ("res binder") of the same key differs: the label is what tells them apart.
  const res = crypto.createHmac(
    'sha256',
    expandLabel(expandLabel(early, 'res binder', emptyHash, 32), 'finished', Buffer.alloc(0), 32),
  );
  assert.notEqual(
    res.update(crypto.createHash('sha256').update(truncated).digest()).digest('hex'),
    want.toString('hex'),
  );
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
