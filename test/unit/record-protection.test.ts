/**
 * Edge cases of TLS 1.3 record protection (RFC 8446 §5.2–5.4) in Tls13Protection: the per-record
 * nonce (IV XOR sequence number), padding, the empty/all-zero inner plaintext, authentication
 * failures and the two length limits (ciphertext 2^14+256, plaintext 2^14). Records are checked
 * against the raw AEAD of the provider so the test knows what is on the wire, not only that
 * seal and open agree. Runs once per crypto provider (node, noble).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import { concat, fromHex, toHex } from '../../src/tls/codec/bytes.js';
import type { AeadName } from '../../src/tls/codec/names.js';
import { getProvider } from '../../src/net/providers.js';
import type { CryptoProvider } from '../../src/tls/crypto/provider.js';
import { TlsAlert } from '../../src/tls/errors.js';
import {
  ContentType,
  MAX_CIPHERTEXT_13,
  MAX_PLAINTEXT,
  RECORD_HEADER,
  Tls13Protection,
  writeHeader,
  xorNonce,
} from '../../src/tls/record/protection.js';

const PROVIDERS: readonly CryptoProvider[] = [await getProvider('node'), await getProvider('noble')];

const TLS12 = 0x0303;
const TAG = 16;
const KEYS: Record<AeadName, Uint8Array> = {
  'AES-128-GCM': fromHex('000102030405060708090a0b0c0d0e0f'),
  'AES-256-GCM': fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'),
  'CHACHA20-POLY1305': fromHex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f'),
};
const AEADS = Object.keys(KEYS) as AeadName[];
const IV = fromHex('a0a1a2a3a4a5a6a7a8a9aaab');

function eq(actual: Uint8Array, expected: Uint8Array, what: string): void {
  assert.equal(toHex(actual), toHex(expected), what);
}

/** Asserts that `fn` throws the TlsAlert `name` (checked by description and by alertName). */
function expectAlert(fn: () => unknown, name: keyof typeof AlertDescription, what: string): void {
  assert.throws(
    fn,
    (e: unknown) => {
      assert.ok(e instanceof TlsAlert, `${what}: expected a TlsAlert, got ${String(e)}`);
      assert.equal(e.alertName, name, `${what}: alert name`);
      assert.equal(e.description, AlertDescription[name], `${what}: alert description`);
      assert.equal(e.received, false, `${what}: an alert we send`);
      return true;
    },
    what,
  );
}

function prot(p: CryptoProvider, aead: AeadName = 'AES-128-GCM'): Tls13Protection {
  return new Tls13Protection(p, aead, KEYS[aead], IV);
}

/** The record header (the AAD) for a body of `length` bytes. */
function header(length: number, type: number = ContentType.application_data, version = TLS12): Uint8Array {
  const h = new Uint8Array(RECORD_HEADER);
  writeHeader(h, type, version, length);
  return h;
}

/** Encrypts an arbitrary TLSInnerPlaintext with the raw AEAD at sequence number `seq`. */
function rawSeal(p: CryptoProvider, aead: AeadName, seq: bigint, innerPlaintext: Uint8Array): Uint8Array {
  return p.createAead(aead, KEYS[aead]).seal(xorNonce(IV, seq), innerPlaintext, header(innerPlaintext.length + TAG));
}

/** Decrypts a whole record with the raw AEAD at sequence number `seq`; the inner plaintext. */
function rawOpen(p: CryptoProvider, aead: AeadName, seq: bigint, record: Uint8Array): Uint8Array {
  const out = p
    .createAead(aead, KEYS[aead])
    .open(xorNonce(IV, seq), record.subarray(RECORD_HEADER), record.subarray(0, RECORD_HEADER));
  assert.ok(out, `raw AEAD open at seq ${seq}`);
  return out;
}

/** Opens a whole record (header included). */
function openRecord(rx: Tls13Protection, record: Uint8Array) {
  return rx.open(record[0]!, (record[1]! << 8) | record[2]!, record.subarray(RECORD_HEADER));
}

function filled(n: number, seed = 1): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff || 0x5a;
  return b;
}

describe('xorNonce (RFC 8446 §5.3)', () => {
  test('the 64-bit sequence number, big-endian, XORed into the last 8 bytes of the IV', () => {
    const iv = IV.slice();
    eq(xorNonce(iv, 0n), IV, 'seq 0: the IV itself');
    eq(xorNonce(iv, 1n), fromHex('a0a1a2a3a4a5a6a7a8a9aaaa'), 'seq 1');
    eq(xorNonce(iv, 0x0102030405060708n), fromHex('a0a1a2a3a5a7a5a3adafada3'), 'seq 0x0102030405060708');
    eq(
      xorNonce(iv, 0xffffffffffffffffn),
      fromHex('a0a1a2a35b5a595857565554'),
      'seq 2^64-1: first 4 IV bytes untouched',
    );
    eq(xorNonce(iv, 0x100n), fromHex('a0a1a2a3a4a5a6a7a8a9abab'), 'seq 256');
    eq(iv, IV, 'the IV is not modified');
  });
});

for (const p of PROVIDERS) {
  describe(`Tls13Protection edge cases [${p.name}]`, () => {
    test('the outer record is application_data / 0x0303 with the real type inside; length = inner + 16', () => {
      for (const aead of AEADS) {
        const rec = prot(p, aead).seal(ContentType.handshake, fromHex('14000000'), 0x0301);
        assert.equal(rec[0], ContentType.application_data, `${aead}: opaque_type`);
        assert.equal(
          (rec[1]! << 8) | rec[2]!,
          TLS12,
          `${aead}: legacy_record_version is 0x0303 whatever the caller passes`,
        );
        assert.equal((rec[3]! << 8) | rec[4]!, 4 + 1 + TAG, `${aead}: length`);
        eq(rawOpen(p, aead, 0n, rec), fromHex('1400000016'), `${aead}: inner plaintext = content || type`);
      }
    });

    test('sequence numbers past 2^32 reach the nonce whole (the IV kept as words, the count as a Number)', () => {
      for (const aead of AEADS) {
        const tx = prot(p, aead);
        const rx = prot(p, aead);
        // unseal(n) takes back n sealed records; a negative n moves the count forward instead.
        const seq = 2 ** 32 + 0x01020305;
        tx.unseal(-seq);
        rx.unseal(-seq);
        const fragment = filled(24, 7);
        const rec = tx.seal(ContentType.application_data, fragment, TLS12);
        eq(
          rawOpen(p, aead, BigInt(seq), rec),
          concat(fragment, Uint8Array.of(ContentType.application_data)),
          `${aead}: sealed at seq 2^32 + 0x01020305`,
        );
        eq(openRecord(rx, rec).fragment, fragment, `${aead}: opened at the same sequence number`);
        const next = tx.seal(ContentType.application_data, fragment, TLS12);
        eq(
          rawOpen(p, aead, BigInt(seq + 1), next),
          concat(fragment, Uint8Array.of(ContentType.application_data)),
          `${aead}: then seq + 1`,
        );
      }
    });

    test('the sequence number advances per record: nonce = iv XOR seq', () => {
      for (const aead of AEADS) {
        const tx = prot(p, aead);
        const fragment = filled(40);
        const recs = [0, 1, 2, 3].map(() => tx.seal(ContentType.application_data, fragment, TLS12));
        assert.equal(new Set(recs.map((r) => toHex(r))).size, 4, `${aead}: four different records for one fragment`);
        recs.forEach((rec, i) => {
          eq(
            rawOpen(p, aead, BigInt(i), rec),
            concat(fragment, Uint8Array.of(ContentType.application_data)),
            `${aead}: record ${i} sealed at seq ${i}`,
          );
          eq(
            rec,
            concat(header(fragment.length + 1 + TAG), rawSeal(p, aead, BigInt(i), concat(fragment, Uint8Array.of(23)))),
            `${aead}: record ${i} byte for byte`,
          );
        });
        const rx = prot(p, aead);
        for (const [i, rec] of recs.entries()) {
          const o = openRecord(rx, rec);
          assert.equal(o.type, ContentType.application_data, `${aead}: record ${i} type`);
          eq(o.fragment, fragment, `${aead}: record ${i} opened in order`);
        }
      }
    });

    test('a record out of order fails with bad_record_mac and does not advance the read sequence', () => {
      const tx = prot(p);
      const r0 = tx.seal(ContentType.application_data, filled(10, 1), TLS12);
      const r1 = tx.seal(ContentType.application_data, filled(10, 2), TLS12);
      const rx = prot(p);
      expectAlert(() => openRecord(rx, r1), 'bad_record_mac', 'record 1 at seq 0');
      eq(openRecord(rx, r0).fragment, filled(10, 1), 'record 0 still opens at seq 0');
      eq(openRecord(rx, r1).fragment, filled(10, 2), 'record 1 opens at seq 1');
      expectAlert(() => openRecord(rx, r1), 'bad_record_mac', 'a replayed record (seq 2)');
    });

    test('padTo: the inner plaintext is padded with zeros to a multiple, and open strips it', () => {
      for (const aead of AEADS) {
        for (const padTo of [0, 1, 16, 64, 256]) {
          for (const n of [0, 1, 15, 16, 17, 63, 64, 100, 1000]) {
            const tx = prot(p, aead);
            tx.padTo = padTo;
            const fragment = filled(n, n);
            const type = n === 0 ? ContentType.application_data : ContentType.handshake;
            const rec = tx.seal(type, fragment, TLS12);
            const innerLen = rec.length - RECORD_HEADER - TAG;
            const want = padTo > 0 ? Math.ceil((n + 1) / padTo) * padTo : n + 1;
            const what = `${aead} padTo=${padTo} n=${n}`;
            assert.equal(innerLen, want, `${what}: inner plaintext length`);
            const innerPlain = rawOpen(p, aead, 0n, rec);
            eq(
              innerPlain,
              concat(fragment, Uint8Array.of(type), new Uint8Array(want - n - 1)),
              `${what}: content || type || zeros`,
            );
            const o = openRecord(prot(p, aead), rec);
            assert.equal(o.type, type, `${what}: type`);
            eq(o.fragment, fragment, `${what}: padding stripped`);
          }
        }
      }
    });

    test('padding is stripped only down to the content type: content ending in zero bytes survives', () => {
      const content = fromHex('0102000000');
      const rec = concat(
        header(content.length + 1 + 300 + TAG),
        rawSeal(
          p,
          'AES-128-GCM',
          0n,
          concat(content, Uint8Array.of(ContentType.application_data), new Uint8Array(300)),
        ),
      );
      const o = openRecord(prot(p), rec);
      assert.equal(o.type, ContentType.application_data);
      eq(o.fragment, content, 'trailing zeros of the content kept');
      // An empty application_data fragment with padding is legal (RFC 8446 §5.4).
      const rec2 = concat(
        header(1 + 50 + TAG),
        rawSeal(p, 'AES-128-GCM', 1n, concat(Uint8Array.of(ContentType.application_data), new Uint8Array(50))),
      );
      const rx = prot(p);
      openRecord(rx, rec);
      const o2 = openRecord(rx, rec2);
      assert.equal(o2.type, ContentType.application_data);
      assert.equal(o2.fragment.length, 0, 'empty fragment');
    });

    test('padTo never makes a full-size record exceed the limits (RFC 8446 §5.4: TLSInnerPlaintext <= 2^14 + 1)', () => {
      for (const padTo of [2, 16, 256, 4096]) {
        const tx = prot(p);
        tx.padTo = padTo;
        const fragment = filled(MAX_PLAINTEXT, padTo);
        const rec = tx.seal(ContentType.application_data, fragment, TLS12);
        const bodyLength = rec.length - RECORD_HEADER;
        assert.ok(
          bodyLength - TAG <= MAX_PLAINTEXT + 1,
          `padTo=${padTo}: inner plaintext ${bodyLength - TAG} > 2^14 + 1`,
        );
        assert.ok(bodyLength <= MAX_CIPHERTEXT_13, `padTo=${padTo}: ciphertext ${bodyLength} > 2^14 + 256`);
        eq(openRecord(prot(p), rec).fragment, fragment, `padTo=${padTo}: a peer (our own open) accepts it`);
      }
    });

    test('an all-zero inner plaintext (no content type) is unexpected_message', () => {
      for (const aead of AEADS) {
        for (const n of [1, 2, 100]) {
          const rec = concat(header(n + TAG), rawSeal(p, aead, 0n, new Uint8Array(n)));
          expectAlert(() => openRecord(prot(p, aead), rec), 'unexpected_message', `${aead}: ${n} zero bytes`);
        }
      }
    });

    test('a tampered tag, ciphertext or header is bad_record_mac', () => {
      for (const aead of AEADS) {
        const rec = prot(p, aead).seal(ContentType.application_data, filled(33), TLS12);
        const badTag = rec.slice();
        badTag[badTag.length - 1]! ^= 0x01;
        expectAlert(() => openRecord(prot(p, aead), badTag), 'bad_record_mac', `${aead}: last tag byte flipped`);
        const badCt = rec.slice();
        badCt[RECORD_HEADER]! ^= 0x80;
        expectAlert(() => openRecord(prot(p, aead), badCt), 'bad_record_mac', `${aead}: first ciphertext byte flipped`);
        // The header is the AAD: the same body under another legacy_record_version fails.
        expectAlert(
          () => prot(p, aead).open(ContentType.application_data, 0x0301, rec.subarray(RECORD_HEADER)),
          'bad_record_mac',
          `${aead}: header version changed`,
        );
        // Truncated: one byte of the tag missing.
        expectAlert(
          () => prot(p, aead).open(ContentType.application_data, TLS12, rec.subarray(RECORD_HEADER, rec.length - 1)),
          'bad_record_mac',
          `${aead}: truncated`,
        );
        // After all these failures the genuine record opens at seq 0.
        const rx = prot(p, aead);
        expectAlert(() => openRecord(rx, badTag), 'bad_record_mac', `${aead}: bad tag first`);
        eq(openRecord(rx, rec).fragment, filled(33), `${aead}: genuine record after a failure`);
      }
    });

    test('a body too short to hold a tag and a content type is bad_record_mac', () => {
      for (const n of [0, 1, 15, 16]) {
        expectAlert(
          () => prot(p).open(ContentType.application_data, TLS12, new Uint8Array(n)),
          'bad_record_mac',
          `${n}-byte body`,
        );
      }
    });

    test('a protected epoch refuses a record whose outer type is not application_data (unexpected_message)', () => {
      const rec = prot(p).seal(ContentType.handshake, fromHex('14000000'), TLS12);
      expectAlert(
        () => prot(p).open(ContentType.handshake, TLS12, rec.subarray(RECORD_HEADER)),
        'unexpected_message',
        'outer type handshake',
      );
      expectAlert(
        () => prot(p).open(ContentType.alert, TLS12, fromHex('0100')),
        'unexpected_message',
        'plaintext alert',
      );
    });

    test('ciphertext over 2^14 + 256 is record_overflow; at the limit the inner-plaintext rule decides', () => {
      assert.equal(MAX_CIPHERTEXT_13, 16384 + 256);
      assert.equal(prot(p).maxCiphertext, MAX_CIPHERTEXT_13);
      expectAlert(
        () => prot(p).open(ContentType.application_data, TLS12, new Uint8Array(MAX_CIPHERTEXT_13 + 1)),
        'record_overflow',
        '2^14 + 257 bytes of ciphertext',
      );
      expectAlert(
        () => prot(p).open(ContentType.application_data, TLS12, new Uint8Array(MAX_CIPHERTEXT_13 + 5000)),
        'record_overflow',
        'much longer',
      );
      // At the limit the length is fine and the (garbage) record fails authentication instead.
      expectAlert(
        () => prot(p).open(ContentType.application_data, TLS12, filled(MAX_CIPHERTEXT_13)),
        'bad_record_mac',
        '2^14 + 256 bytes of garbage',
      );
      // A genuine record of exactly 2^14 + 256 bytes: 2^14 content, type, 239 bytes of padding, tag.
      // Its TLSInnerPlaintext exceeds 2^14 + 1, which RFC 8446 §5.4 forbids: record_overflow
      // (OpenSSL as a receiver lets it through; as a sender it never pads past the limit).
      const innerPlain = concat(
        filled(MAX_PLAINTEXT),
        Uint8Array.of(ContentType.application_data),
        new Uint8Array(MAX_CIPHERTEXT_13 - TAG - MAX_PLAINTEXT - 1),
      );
      const body = rawSeal(p, 'AES-128-GCM', 0n, innerPlain);
      assert.equal(body.length, MAX_CIPHERTEXT_13);
      expectAlert(
        () => prot(p).open(ContentType.application_data, TLS12, body),
        'record_overflow',
        'inner plaintext over 2^14 + 1',
      );
      // The largest legal record: 2^14 content + type, no padding, opens.
      const maximal = rawSeal(
        p,
        'AES-128-GCM',
        0n,
        concat(filled(MAX_PLAINTEXT), Uint8Array.of(ContentType.application_data)),
      );
      eq(
        prot(p).open(ContentType.application_data, TLS12, maximal).fragment,
        filled(MAX_PLAINTEXT),
        'maximal legal record opens',
      );
    });

    test('plaintext over 2^14 after decryption is record_overflow; exactly 2^14 opens', () => {
      for (const aead of AEADS) {
        const tx = prot(p, aead);
        const full = tx.seal(ContentType.application_data, filled(MAX_PLAINTEXT), TLS12);
        const over = tx.seal(ContentType.application_data, filled(MAX_PLAINTEXT + 1), TLS12);
        assert.ok(
          over.length - RECORD_HEADER <= MAX_CIPHERTEXT_13,
          'the oversized plaintext passes the ciphertext limit',
        );
        const rx = prot(p, aead);
        const o = openRecord(rx, full);
        assert.equal(o.fragment.length, MAX_PLAINTEXT, `${aead}: 2^14 bytes`);
        expectAlert(() => openRecord(rx, over), 'record_overflow', `${aead}: 2^14 + 1 bytes of content`);
        // Hand-made: 2^14 + 100 bytes of content with a valid tag.
        const big = concat(filled(MAX_PLAINTEXT + 100), Uint8Array.of(ContentType.handshake));
        const rec = concat(header(big.length + TAG), rawSeal(p, aead, 0n, big));
        expectAlert(() => openRecord(prot(p, aead), rec), 'record_overflow', `${aead}: 2^14 + 100 bytes of content`);
      }
    });
  });
}
