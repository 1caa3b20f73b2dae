/**
 * MAC-then-encrypt CBC records with the maximum padding (RFC 5246 §6.2.3.2: up to 255 padding
 * bytes, 256 with the length byte). BoGo MaxCBCPadding (class F8 in test/bogo/FAILURES.md): the
 * constant-time padding check used an 8-bit mask, so pad + 1 = 256 lost its bit 8 and a valid
 * record failed with bad_record_mac.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concat, toHex, utf8 } from '../../src/tls/codec/bytes.js';
import { getProvider } from '../../src/net/providers.js';
import { Tls12CbcProtection } from '../../src/tls/record/protection12.js';

test('a MAC-then-encrypt record with 255 padding bytes opens', async () => {
  const p = await getProvider('node');
  const key = new Uint8Array(16).fill(7);
  const macKey = new Uint8Array(20).fill(9);
  const data = utf8('twelve bytes'); // 12 + 20 (HMAC-SHA1) = 32: a block multiple before padding
  // RFC 5246 §6.2.3.1: MAC over seq_num(0) || type || version || length || fragment.
  const header = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 23, 3, 3, 0, data.length);
  const inner = concat(data, p.hmac('sha1', macKey, concat(header, data)));
  const padded = concat(inner, new Uint8Array(256).fill(255));
  const iv = new Uint8Array(16).fill(1);
  const body = concat(iv, p.createCbc(key).encrypt(iv, padded));
  const reader = new Tls12CbcProtection(p, key, 'sha1', macKey, false);
  const opened = reader.open(23, 0x0303, body);
  assert.equal(toHex(opened.fragment), toHex(data));
});

test('the same record with one padding byte changed is bad_record_mac', async () => {
  const p = await getProvider('node');
  const key = new Uint8Array(16).fill(7);
  const macKey = new Uint8Array(20).fill(9);
  const data = utf8('twelve bytes');
  const header = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 23, 3, 3, 0, data.length);
  const inner = concat(data, p.hmac('sha1', macKey, concat(header, data)));
  const pad = new Uint8Array(256).fill(255);
  pad[10] = 254;
  const iv = new Uint8Array(16).fill(1);
  const body = concat(iv, p.createCbc(key).encrypt(iv, concat(inner, pad)));
  const reader = new Tls12CbcProtection(p, key, 'sha1', macKey, false);
  assert.throws(() => reader.open(23, 0x0303, body), /bad record mac/);
});
