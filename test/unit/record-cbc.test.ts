/**
 * CBC record protection for TLS 1.0, 1.1 and 1.2 (Tls12CbcProtection): MAC-then-encrypt with
 * HMAC-SHA1 (RFC 2246 §6.2.3.2, RFC 4346 §6.2.3.2), the implicit chained IV of TLS 1.0 and its
 * 1/n-1 record splitting, the explicit IV of TLS 1.1, and the padding/MAC check: every failure is
 * bad_record_mac, and the largest legal padding (255 bytes, BoGo MaxCBCPadding) is accepted.
 * Records are built or taken apart with the provider's raw AES-CBC and HMAC, so the test knows
 * what is on the wire. Runs once per crypto provider (node, noble).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import { concat, fromHex, toHex, utf8 } from '../../src/tls/codec/bytes.js';
import { getProvider } from '../../src/net/providers.js';
import type { CryptoProvider } from '../../src/tls/crypto/provider.js';
import { TlsAlert } from '../../src/tls/errors.js';
import { ContentType, RECORD_HEADER } from '../../src/tls/record/protection.js';
import { Tls12CbcProtection, ctMaskEq, ctMaskLe } from '../../src/tls/record/protection12.js';

const PROVIDERS: readonly CryptoProvider[] = [await getProvider('node'), await getProvider('noble')];

const TLS10 = 0x0301;
const TLS11 = 0x0302;
const KEY = fromHex('000102030405060708090a0b0c0d0e0f');
const MAC_KEY = fromHex('404142434445464748494a4b4c4d4e4f50515253');
const IV = fromHex('a0a1a2a3a4a5a6a7a8a9aaabacadaeaf');
const APP = ContentType.application_data;

/** seq || type || version || length || data: what the record MAC covers (RFC 2246 §6.2.3.1). */
function macInput(seq: number, type: number, version: number, data: Uint8Array): Uint8Array {
  const h = new Uint8Array(13);
  new DataView(h.buffer).setBigUint64(0, BigInt(seq));
  h.set([type, version >> 8, version & 0xff, data.length >> 8, data.length & 0xff], 8);
  return concat(h, data);
}

/** The wire record an independent MAC-then-encrypt would produce with `padLen` + 1 padding bytes. */
function rawRecord(
  p: CryptoProvider,
  o: { seq: number; version: number; iv: Uint8Array; explicitIv: boolean; data: Uint8Array; padLen: number },
): Uint8Array {
  const mac = p.hmac('sha1', MAC_KEY, macInput(o.seq, APP, o.version, o.data));
  const padded = concat(o.data, mac, new Uint8Array(o.padLen + 1).fill(o.padLen));
  const ct = p.createCbc(KEY).encrypt(o.iv, padded);
  const body = o.explicitIv ? concat(o.iv, ct) : ct;
  return concat(Uint8Array.of(APP, o.version >> 8, o.version & 0xff, body.length >> 8, body.length & 0xff), body);
}

/** Splits a byte string of wire records into [type, version, body] triples. */
function records(wire: Uint8Array): { type: number; version: number; body: Uint8Array }[] {
  const out = [];
  for (let off = 0; off < wire.length;) {
    const len = ((wire[off + 3] ?? 0) << 8) | (wire[off + 4] ?? 0);
    out.push({
      type: wire[off] ?? 0,
      version: ((wire[off + 1] ?? 0) << 8) | (wire[off + 2] ?? 0),
      body: wire.subarray(off + RECORD_HEADER, off + RECORD_HEADER + len),
    });
    off += RECORD_HEADER + len;
  }
  return out;
}

function expectBadMac(fn: () => unknown, what: string): void {
  assert.throws(
    fn,
    (e: unknown) =>
      e instanceof TlsAlert &&
      e.description === AlertDescription.bad_record_mac &&
      e.reason === 'decryption failed or bad record mac',
    what,
  );
}

const tls10 = (p: CryptoProvider): Tls12CbcProtection => new Tls12CbcProtection(p, KEY, 'sha1', MAC_KEY, false, IV);
const explicit = (p: CryptoProvider): Tls12CbcProtection => new Tls12CbcProtection(p, KEY, 'sha1', MAC_KEY, false);

test('constant-time masks are full width: pad + 1 = 256 keeps bit 8', () => {
  assert.equal(ctMaskLe(256, 300), -1);
  assert.equal(ctMaskLe(301, 300), 0);
  assert.equal(256 & ctMaskLe(1, 256), 256);
  assert.equal(ctMaskEq(0xff, 0xff), -1);
  assert.equal(ctMaskEq(0xfe, 0xff), 0);
  assert.equal(ctMaskEq(0, 0x80), 0);
});

test('MAC-then-encrypt accepts the largest padding (255 bytes + length byte, BoGo MaxCBCPadding), TLS 1.0 and 1.1', () => {
  for (const p of PROVIDERS) {
    const data = utf8('max padding!'); // 12 + 20 + 256 = 288, a block multiple
    for (const version of [TLS10, TLS11]) {
      const explicitIv = version === TLS11;
      const wire = rawRecord(p, { seq: 0, version, iv: IV, explicitIv, data, padLen: 255 });
      const [rec] = records(wire);
      assert.ok(rec);
      assert.equal(rec.body.length, (explicitIv ? 16 : 0) + Math.ceil((data.length + 20 + 256) / 16) * 16);
      const opened = (explicitIv ? explicit(p) : tls10(p)).open(APP, version, rec.body);
      assert.equal(toHex(opened.fragment), toHex(data), `${p.name} ${version.toString(16)}`);
    }
  }
});

test('TLS 1.0 implicit IV: the first record uses the key-block IV, the next the last ciphertext block', () => {
  for (const p of PROVIDERS) {
    const w = tls10(p);
    const hs = utf8('a handshake message of some length');
    const wire1 = w.seal(ContentType.handshake, hs, TLS10);
    const wire2 = w.seal(ContentType.handshake, hs, TLS10);
    const [r1] = records(wire1);
    const [r2] = records(wire2);
    assert.ok(r1 && r2);
    // No explicit IV: body = E(IV, data || MAC || padding), 34 + 20 = 54 -> 64 bytes.
    assert.equal(r1.body.length, 64);
    const cbc = p.createCbc(KEY);
    const plain1 = cbc.decrypt(IV, r1.body);
    assert.equal(toHex(plain1.subarray(0, hs.length)), toHex(hs));
    const mac1 = p.hmac('sha1', MAC_KEY, macInput(0, ContentType.handshake, TLS10, hs));
    assert.equal(toHex(plain1.subarray(hs.length, hs.length + 20)), toHex(mac1));
    assert.equal(toHex(plain1.subarray(54)), '09'.repeat(10));
    const plain2 = cbc.decrypt(r1.body.subarray(48), r2.body);
    assert.equal(toHex(plain2.subarray(0, hs.length)), toHex(hs), 'second record chained on the first');
    assert.notEqual(toHex(r1.body), toHex(r2.body), 'same plaintext, different ciphertext');
    // The receiving side chains the same way.
    const r = tls10(p);
    assert.equal(toHex(r.open(ContentType.handshake, TLS10, r1.body).fragment), toHex(hs));
    assert.equal(toHex(r.open(ContentType.handshake, TLS10, r2.body).fragment), toHex(hs));
  }
});

test('TLS 1.0 1/n-1 record splitting: application data goes out as 1 byte, then the rest', () => {
  for (const p of PROVIDERS) {
    const w = tls10(p);
    const r = tls10(p);
    const data = new Uint8Array(100_000 % 16384).map((_, i) => i & 0xff);
    const recs = records(w.seal(APP, data, TLS10));
    assert.equal(recs.length, 2, 'two records');
    const first = r.open(APP, TLS10, recs[0]?.body ?? new Uint8Array());
    const rest = r.open(APP, TLS10, recs[1]?.body ?? new Uint8Array());
    assert.equal(first.fragment.length, 1);
    assert.equal(rest.fragment.length, data.length - 1);
    assert.equal(toHex(concat(first.fragment, rest.fragment)), toHex(data));
    // A one-byte write and a handshake message are not split.
    assert.equal(records(w.seal(APP, Uint8Array.of(7), TLS10)).length, 1);
    assert.equal(records(w.seal(ContentType.handshake, data.subarray(0, 50), TLS10)).length, 1);
    // Explicit-IV protections (TLS 1.1, 1.2) never split.
    assert.equal(records(explicit(p).seal(APP, data, TLS11)).length, 1);
  }
});

test('TLS 1.1 explicit IV: a fresh IV in front of each record, the record version in the MAC', () => {
  for (const p of PROVIDERS) {
    const w = explicit(p);
    const data = utf8('tls 1.1 record');
    const [rec] = records(w.seal(APP, data, TLS11));
    assert.ok(rec);
    assert.equal(rec.version, TLS11);
    assert.equal(rec.body.length, 16 + 48);
    const plain = p.createCbc(KEY).decrypt(rec.body.subarray(0, 16), rec.body.subarray(16));
    assert.equal(toHex(plain.subarray(0, data.length)), toHex(data));
    const mac = p.hmac('sha1', MAC_KEY, macInput(0, APP, TLS11, data));
    assert.equal(toHex(plain.subarray(data.length, data.length + 20)), toHex(mac));
    // Opened under another version the MAC fails.
    expectBadMac(() => explicit(p).open(APP, TLS10, rec.body), `${p.name}: version is in the MAC`);
    assert.equal(toHex(explicit(p).open(APP, TLS11, rec.body).fragment), toHex(data));
  }
});

test('padding oracle: bad padding, bad MAC, short and misaligned records all give the same bad_record_mac', () => {
  for (const p of PROVIDERS) {
    const data = utf8('0123456789abcdef0123456789');
    const build = (padLen: number, mutate?: (plain: Uint8Array) => void): Uint8Array => {
      const mac = p.hmac('sha1', MAC_KEY, macInput(0, APP, TLS11, data));
      const plain = concat(data, mac, new Uint8Array(padLen + 1).fill(padLen));
      mutate?.(plain);
      return concat(IV, p.createCbc(KEY).encrypt(IV, plain));
    };
    assert.equal(toHex(explicit(p).open(APP, TLS11, build(1)).fragment), toHex(data), 'the unmodified record');
    const cases: [string, Uint8Array][] = [
      ['padding byte inconsistent', build(17, (b) => (b[b.length - 3] = 16))],
      ['padding longer than the record', build(1, (b) => (b[b.length - 1] = 200))],
      ['padding eats into the MAC', build(1, (b) => b.fill(60, b.length - 2))],
      ['MAC flipped', build(1, (b) => (b[data.length] = (b[data.length] ?? 0) ^ 1))],
      ['data flipped', build(1, (b) => (b[0] = (b[0] ?? 0) ^ 0x80))],
      ['too short for IV + MAC', build(1).subarray(0, 32)],
      ['not a block multiple', build(1).subarray(0, 63)],
    ];
    for (const [what, body] of cases) expectBadMac(() => explicit(p).open(APP, TLS11, body), `${p.name}: ${what}`);
    // TLS 1.0 (no explicit IV): the minimum is one block over MAC + 1.
    expectBadMac(() => tls10(p).open(APP, TLS10, new Uint8Array(16)), `${p.name}: TLS 1.0 one block`);
  }
});
