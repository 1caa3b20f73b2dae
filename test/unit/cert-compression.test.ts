/**
 * Certificate compression (RFC 8879): the compress_certificate and CompressedCertificate codecs
 * both ways, zlib / brotli (node:zlib) and zstd (fzstd) decompression of real data, and the hostile
 * cases: a length that lies either way, a bomb, a zstd frame that would make the decoder allocate
 * a large window, an algorithm that was not offered. Each ends in the right alert; memory stays
 * bounded by the announced length.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brotliCompressSync, deflateSync } from 'node:zlib';
import {
  decodeCompressCertificateExt,
  decodeCompressedCertificate,
  encodeCompressCertificateExt,
  encodeCompressedCertificate,
} from '../../src/tls/codec/compressed-certificate.js';
import { certCompressionByName, CERT_COMPRESSION_ALGORITHMS } from '../../src/tls/codec/sigschemes.js';
import { decompressCertificate, MAX_UNCOMPRESSED_CERTIFICATE } from '../../src/tls/crypto/cert-decompress.js';
import { TlsAlert } from '../../src/tls/errors.js';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
const alert =
  (name: string, reason?: RegExp) =>
  (e: unknown): boolean =>
    e instanceof TlsAlert && e.alertName === name && (reason === undefined || reason.test(e.reason));
const ALL = CERT_COMPRESSION_ALGORITHMS.map((a) => a.id);

/** 1520 bytes of text, and its zstd frame as written by the zstd 1.5.4 CLI (`zstd -19`). */
const TEXT = Array.from(
  { length: 40 },
  (_, i) => `tls-probe compressed certificate ${String(i % 17).padStart(3, '0')}; `,
).join('');
const TEXT_ZSTD =
  '28b52ffd64f00495020092c30c10a06fe80a79a94655cbc9a75952f51fd69b0a192234373aa69021426f62e6fdaadc3557e7fbb2a7f4a784d1' +
  'f7579c12d0570311a810d85bff3bd09be510feffbfd2fb1b6713210a522539a8a54b526f2df063';
const TEXT_BYTES = new TextEncoder().encode(TEXT);

test('compress_certificate extension and CompressedCertificate message: encode and decode both ways', () => {
  assert.equal(Buffer.from(encodeCompressCertificateExt([2, 1, 3])).toString('hex'), '06000200010003');
  assert.deepEqual(decodeCompressCertificateExt(hex('06000200010003')), [2, 1, 3]);
  assert.throws(() => decodeCompressCertificateExt(hex('00')), alert('decode_error'));
  assert.throws(() => decodeCompressCertificateExt(hex('0300010002')), alert('decode_error'));
  assert.throws(() => decodeCompressCertificateExt(hex('020001ff')), alert('decode_error'));
  const m = { algorithm: 2, uncompressedLength: 4102, compressed: Uint8Array.of(1, 2, 3) };
  const body = encodeCompressedCertificate(m);
  assert.equal(Buffer.from(body).toString('hex'), '0002001006000003010203');
  assert.deepEqual(decodeCompressedCertificate(body), m);
  assert.throws(() => decodeCompressedCertificate(hex('000200100600000001')), alert('decode_error'));
  assert.throws(() => decodeCompressedCertificate(hex('0002001006000000')), alert('decode_error')); // empty data
  assert.throws(() => decodeCompressedCertificate(hex('00020010060000010102')), alert('decode_error'));
  assert.equal(certCompressionByName('Brotli')?.id, 2);
});

test('zstd frame from the zstd CLI decompresses to the original', () => {
  const out = decompressCertificate({ algorithm: 3, uncompressedLength: 1520, compressed: hex(TEXT_ZSTD) }, ALL);
  assert.equal(new TextDecoder().decode(out), TEXT);
});

for (const [name, id, compress] of [
  ['zlib', 1, deflateSync],
  ['brotli', 2, brotliCompressSync],
] as const) {
  test(`${name}: round trip, and a length that lies either way is bad_certificate`, () => {
    const compressed = new Uint8Array(compress(TEXT_BYTES));
    assert.ok(compressed.length < TEXT_BYTES.length / 4);
    const ok = decompressCertificate({ algorithm: id, uncompressedLength: TEXT_BYTES.length, compressed }, ALL);
    assert.equal(new TextDecoder().decode(ok), TEXT);
    for (const lie of [TEXT_BYTES.length - 1, TEXT_BYTES.length + 1, 100]) {
      assert.throws(
        () => decompressCertificate({ algorithm: id, uncompressedLength: lie, compressed }, ALL),
        alert('bad_certificate'),
      );
    }
    const corrupt = compressed.slice(0, compressed.length - 3);
    assert.throws(
      () => decompressCertificate({ algorithm: id, uncompressedLength: TEXT_BYTES.length, compressed: corrupt }, ALL),
      alert('bad_certificate'),
    );
  });

  test(`${name} bomb (32 MiB of zeros announced as 1000 bytes): bad_certificate, memory stays bounded`, () => {
    let bomb: Uint8Array | undefined = new Uint8Array(compress(new Uint8Array(32 * 1024 * 1024)));
    const before = process.memoryUsage().arrayBuffers;
    let peak = before;
    for (let i = 0; i < 5; i++) {
      assert.throws(
        () =>
          decompressCertificate(
            { algorithm: id, uncompressedLength: 1000, compressed: bomb ?? new Uint8Array(0) },
            ALL,
          ),
        alert('bad_certificate', /more data than the announced length/),
      );
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }
    bomb = undefined;
    assert.ok(peak - before < 4 * 1024 * 1024, `arrayBuffers grew by ${peak - before} bytes`);
  });
}

/** A zstd frame by hand (RFC 8878 §3.1.1): single segment, 4-byte content size, RLE blocks of `blockSize` zeros. */
function rleFrame(contentSize: number, blocks: number, blockSize: number): Uint8Array {
  const out = [0x28, 0xb5, 0x2f, 0xfd, 0xa0];
  for (let i = 0; i < 4; i++) out.push((contentSize >>> (8 * i)) & 0xff);
  for (let b = 0; b < blocks; b++) {
    const header = ((blockSize << 3) | (1 << 1) | (b === blocks - 1 ? 1 : 0)) >>> 0;
    out.push(header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff, 0);
  }
  return Uint8Array.from(out);
}

test('zstd: a hand-made RLE frame decodes; the same frame lying about its size is bad_certificate', () => {
  const ok = decompressCertificate(
    { algorithm: 3, uncompressedLength: 3000, compressed: rleFrame(3000, 3, 1000) },
    ALL,
  );
  assert.equal(ok.length, 3000);
  assert.ok(ok.every((b) => b === 0));
  // Content size and announced length agree (300) but the blocks hold 10 MiB: stopped at the first block.
  const before = process.memoryUsage().arrayBuffers;
  assert.throws(
    () =>
      decompressCertificate({ algorithm: 3, uncompressedLength: 300, compressed: rleFrame(300, 80, 128 * 1024) }, ALL),
    alert('bad_certificate'),
  );
  assert.ok(process.memoryUsage().arrayBuffers - before < 4 * 1024 * 1024);
  // Frame content size differs from the announced length.
  assert.throws(
    () => decompressCertificate({ algorithm: 3, uncompressedLength: 3001, compressed: rleFrame(3000, 3, 1000) }, ALL),
    alert('bad_certificate', /content size 3000/),
  );
  // Fewer bytes than announced.
  assert.throws(
    () => decompressCertificate({ algorithm: 3, uncompressedLength: 3000, compressed: rleFrame(3000, 2, 1000) }, ALL),
    alert('bad_certificate'),
  );
  // Trailing bytes after the frame, a second frame, not a frame at all.
  const frame = rleFrame(3000, 3, 1000);
  for (const bad of [
    new Uint8Array([...frame, 0]),
    new Uint8Array([...frame, ...frame]),
    Uint8Array.of(1, 2, 3, 4, 5, 6),
  ]) {
    assert.throws(
      () => decompressCertificate({ algorithm: 3, uncompressedLength: 3000, compressed: bad }, ALL),
      alert('bad_certificate'),
    );
  }
});

test('zstd: a frame asking for a 2 GiB window is refused before the decoder allocates it', () => {
  // Non-single-segment, no content size, window descriptor exponent 21 (2 GiB), one empty raw last block.
  const frame = Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x00, 21 << 3, 0x01, 0x00, 0x00);
  const before = process.memoryUsage().arrayBuffers;
  assert.throws(
    () => decompressCertificate({ algorithm: 3, uncompressedLength: 3000, compressed: frame }, ALL),
    alert('bad_certificate', /window/),
  );
  assert.ok(process.memoryUsage().arrayBuffers - before < 1024 * 1024);
});

test('an algorithm that was not offered is illegal_parameter; a zero or oversized length is bad_certificate', () => {
  const compressed = new Uint8Array(deflateSync(TEXT_BYTES));
  assert.throws(
    () => decompressCertificate({ algorithm: 1, uncompressedLength: 1520, compressed }, [2, 3]),
    alert('illegal_parameter'),
  );
  assert.throws(
    () => decompressCertificate({ algorithm: 9, uncompressedLength: 1520, compressed }, [9]),
    alert('illegal_parameter'),
  );
  assert.throws(
    () => decompressCertificate({ algorithm: 1, uncompressedLength: 0, compressed }, ALL),
    alert('bad_certificate'),
  );
  assert.throws(
    () =>
      decompressCertificate({ algorithm: 1, uncompressedLength: MAX_UNCOMPRESSED_CERTIFICATE + 1, compressed }, ALL),
    alert('bad_certificate'),
  );
});
