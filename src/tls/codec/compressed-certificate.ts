/**
 * Certificate compression messages (RFC 8879): the compress_certificate extension body (§3) and
 * the CompressedCertificate handshake message (§4), both directions. Decompression itself lives
 * in src/tls/crypto/cert-decompress.ts.
 */
import { Reader, Writer } from './bytes.js';
import { decodeError } from '../errors.js';

/** RFC 8879 §7.1 and §7.2 code points. */
export const EXT_COMPRESS_CERTIFICATE = 27;
export const HANDSHAKE_COMPRESSED_CERTIFICATE = 25;

/** compress_certificate (§3): `CertificateCompressionAlgorithm algorithms<2..2^8-2>`. */
export function encodeCompressCertificateExt(ids: readonly number[]): Uint8Array {
  if (ids.length === 0 || ids.length > 127) throw new RangeError('compress_certificate needs 1..127 algorithms');
  return new Writer(2 + 2 * ids.length)
    .vec8((w) => ids.forEach((id) => w.u16(id)))
    .finish()
    .slice();
}

export function decodeCompressCertificateExt(data: Uint8Array): number[] {
  const r = new Reader(data, 'compress_certificate');
  const list = r.sub8(2, 254);
  r.end();
  if (list.remaining % 2 !== 0) throw decodeError('compress_certificate list has an odd length');
  const out: number[] = [];
  while (list.remaining > 0) out.push(list.u16());
  return out;
}

/** CompressedCertificate (§4). */
export interface CompressedCertificate {
  algorithm: number;
  /** The announced length of the Certificate message body once decompressed. */
  uncompressedLength: number;
  compressed: Uint8Array;
}

export function decodeCompressedCertificate(body: Uint8Array): CompressedCertificate {
  const r = new Reader(body, 'CompressedCertificate');
  const algorithm = r.u16();
  const uncompressedLength = r.u24();
  const compressed = r.vec24(1);
  r.end();
  return { algorithm, uncompressedLength, compressed };
}

export function encodeCompressedCertificate(m: CompressedCertificate): Uint8Array {
  return new Writer(m.compressed.length + 8)
    .u16(m.algorithm)
    .u24(m.uncompressedLength)
    .vec24(m.compressed)
    .finish()
    .slice();
}
