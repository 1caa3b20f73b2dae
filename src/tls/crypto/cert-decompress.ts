/**
 * Certificate decompression (RFC 8879 §4): zlib (RFC 1950) and brotli (RFC 7932) through node:zlib,
 * zstd (RFC 8878) through fzstd (pure JS; Node 20 has no zstd). Every algorithm is bounded by the
 * announced uncompressed_length: output beyond it stops the decoder, and zstd frame headers are
 * checked before fzstd allocates its window, so a bomb costs at most the announced length (itself
 * capped like any handshake message) and ends in bad_certificate, never in memory growth.
 */
import { libs } from '../libs.js';
import { TlsAlert, illegalParameter } from '../errors.js';
import { AlertDescription } from '../codec/alerts.js';
import { certCompressionById } from '../codec/sigschemes.js';
import type { CompressedCertificate } from '../codec/compressed-certificate.js';

/** The most a compressed Certificate may announce: the largest handshake message we accept (hsbuffer.ts). */
export const MAX_UNCOMPRESSED_CERTIFICATE = 256 * 1024;

function badCertificate(reason: string): TlsAlert {
  return new TlsAlert(AlertDescription.bad_certificate, reason);
}

const ZSTD_MAGIC = 0xfd2fb528;
const ZSTD_MAX_BLOCK = 128 * 1024;

function le(b: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let i = n - 1; i >= 0; i--) v = v * 256 + (b[at + i] ?? 0);
  return v;
}

/**
 * Walks one zstd frame (RFC 8878 §3.1.1) without decoding it: the data must be exactly one frame,
 * no dictionary, a content size (if present) equal to `expected`, and a window no larger than the
 * cap, so fzstd's window allocation (the window size, or the content size for single-segment
 * frames) stays within bounds.
 */
function checkZstdFrame(data: Uint8Array, expected: number): void {
  if (data.length < 6 || le(data, 0, 4) !== ZSTD_MAGIC) throw badCertificate('zstd: not a single zstd frame');
  const fhd = data[4] ?? 0;
  const fcsFlag = fhd >> 6;
  const singleSegment = (fhd >> 5) & 1;
  if (fhd & 0x08) throw badCertificate('zstd: reserved frame header bit set');
  if (fhd & 0x03) throw badCertificate('zstd: dictionaries are not supported');
  let at = 5;
  let window = 0;
  if (!singleSegment) {
    const wd = data[at++] ?? 0;
    const base = 2 ** (10 + (wd >> 3));
    window = base + (base / 8) * (wd & 7);
  }
  const fcsSize = fcsFlag === 0 ? singleSegment : 1 << fcsFlag;
  if (at + fcsSize > data.length) throw badCertificate('zstd: truncated frame header');
  if (fcsSize > 0) {
    const contentSize = le(data, at, fcsSize) + (fcsSize === 2 ? 256 : 0);
    if (contentSize !== expected) {
      throw badCertificate(`zstd: frame content size ${contentSize} is not the announced ${expected}`);
    }
    if (singleSegment) window = contentSize;
  }
  at += fcsSize;
  if (window > MAX_UNCOMPRESSED_CERTIFICATE) throw badCertificate(`zstd: window of ${window} bytes`);
  for (;;) {
    if (at + 3 > data.length) throw badCertificate('zstd: truncated block');
    const header = le(data, at, 3);
    at += 3;
    const type = (header >> 1) & 3;
    const size = header >>> 3;
    if (type === 3 || size > ZSTD_MAX_BLOCK) throw badCertificate('zstd: invalid block');
    at += type === 1 ? 1 : size;
    if (header & 1) break;
  }
  if (fhd & 0x04) at += 4;
  if (at !== data.length) throw badCertificate('zstd: data after the frame');
}

/** zstd through fzstd's streaming decoder, stopped as soon as the output passes `expected`. */
function zstdDecompress(data: Uint8Array, expected: number): Uint8Array {
  checkZstdFrame(data, expected);
  const out = new Uint8Array(expected);
  let length = 0;
  let overflow = false;
  const d = new (libs.fzstd().Decompress)((chunk) => {
    if (overflow) return;
    if (length + chunk.length > expected) {
      overflow = true;
      throw badCertificate('zstd: more data than the announced length');
    }
    out.set(chunk, length);
    length += chunk.length;
  });
  try {
    d.push(data, true);
  } catch (e) {
    if (e instanceof TlsAlert) throw e;
    throw badCertificate('zstd: cannot decompress');
  }
  if (length !== expected) throw badCertificate(`zstd: ${length} bytes, announced ${expected}`);
  return out;
}

/** zlib or brotli through node:zlib, its output capped at `expected` bytes (ERR_BUFFER_TOO_LARGE beyond). */
function zlibDecompress(kind: 'zlib' | 'brotli', data: Uint8Array, expected: number): Uint8Array {
  let out: Buffer;
  try {
    out =
      kind === 'zlib'
        ? libs.zlib().inflateSync(data, { maxOutputLength: expected })
        : libs.zlib().brotliDecompressSync(data, { maxOutputLength: expected });
  } catch (e) {
    const tooLarge = (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
    throw badCertificate(`${kind}: ${tooLarge ? 'more data than the announced length' : 'cannot decompress'}`);
  }
  if (out.length !== expected) throw badCertificate(`${kind}: ${out.length} bytes, announced ${expected}`);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/**
 * The Certificate message body inside a CompressedCertificate (RFC 8879 §4). An algorithm we did
 * not offer is illegal_parameter; an announced length of 0 or over the cap, data that does not
 * decompress, or a length that is not the announced one is bad_certificate.
 */
export function decompressCertificate(m: CompressedCertificate, offered: readonly number[]): Uint8Array {
  const alg = certCompressionById(m.algorithm);
  if (alg === undefined || !offered.includes(m.algorithm)) {
    throw illegalParameter(`certificate compressed with algorithm ${m.algorithm}, which was not offered`);
  }
  if (m.uncompressedLength === 0 || m.uncompressedLength > MAX_UNCOMPRESSED_CERTIFICATE) {
    throw badCertificate(`compressed certificate announces ${m.uncompressedLength} bytes`);
  }
  return alg.name === 'zstd'
    ? zstdDecompress(m.compressed, m.uncompressedLength)
    : zlibDecompress(alg.name, m.compressed, m.uncompressedLength);
}
