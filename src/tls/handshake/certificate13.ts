/**
 * What a TLS 1.3 server may wrap around its Certificate message: the stapled OCSP response in the
 * end-entity's CertificateEntry (RFC 8446 §4.4.2.1) and certificate compression (RFC 8879 §4).
 */
import { AlertDescription } from '../codec/alerts.js';
import { decodeCertificateStatus, decodeSctList } from '../codec/certificate.js';
import { decodeCompressedCertificate } from '../codec/compressed-certificate.js';
import { findExtension, type Extension } from '../codec/extensions.js';
import { ExtensionType } from '../codec/registry.js';
import { certCompressionById, certCompressionByName } from '../codec/sigschemes.js';
import { decompressCertificate } from '../crypto/cert-decompress.js';
import { TlsAlert } from '../errors.js';
import type { ConnectionInfo, ContextOptions } from '../types.js';

/**
 * The end-entity's status_request entry extension (RFC 8446 §4.4.2.1): a CertificateStatus with the
 * stapled OCSP response, allowed only when the ClientHello asked (§4.2).
 */
export function stapledOcsp(exts: readonly Extension[], options: ContextOptions, info: ConnectionInfo): void {
  // The SCT list (RFC 6962 §3.3.1) travels in the same entry in TLS 1.3 (RFC 8446 §4.4.2).
  const sct = findExtension(exts, ExtensionType.signed_certificate_timestamp);
  if (sct && !options.signedCertificateTimestamps)
    throw new TlsAlert(AlertDescription.unsupported_extension, 'signed_certificate_timestamp not asked for');
  if (sct) info.signedCertificateTimestamps = decodeSctList(sct.data);
  const sr = findExtension(exts, ExtensionType.status_request);
  if (!sr) return;
  if (!options.statusRequest)
    throw new TlsAlert(AlertDescription.unsupported_extension, 'status_request in a Certificate entry not asked for');
  info.ocspResponse = decodeCertificateStatus(sr.data);
}

/**
 * CompressedCertificate (RFC 8879 §4): only with an algorithm we offered, decompressed within the
 * announced length; returns the Certificate message body it holds (the transcript keeps the
 * CompressedCertificate message as received).
 */
export function uncompressCertificate(body: Uint8Array, options: ContextOptions, info: ConnectionInfo): Uint8Array {
  const offered = options.certCompression.map((n) => certCompressionByName(n)?.id ?? 0);
  const m = decodeCompressedCertificate(body);
  const certificate = decompressCertificate(m, offered);
  info.certificateCompression = {
    algorithm: certCompressionById(m.algorithm)?.name ?? String(m.algorithm),
    uncompressedLength: m.uncompressedLength,
    compressedLength: m.compressed.length,
  };
  return certificate;
}
