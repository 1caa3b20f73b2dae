/**
 * The authentication messages, both directions: Certificate (RFC 8446 §4.4.2, RFC 5246 §7.4.2),
 * CertificateVerify (RFC 8446 §4.4.3; TLS 1.2's digitally-signed has the same shape) and
 * CertificateRequest in its TLS 1.3 (RFC 8446 §4.3.2) and TLS 1.2 (RFC 5246 §7.4.4) forms.
 */
import { Reader, Writer } from './bytes.js';
import { illegalParameter } from '../errors.js';
import { readExtensions, writeExtensions, type Extension } from './extensions.js';

// --- CertificateStatus (RFC 6066 §8; TLS 1.3: the body of a Certificate entry's status_request) ---

/** status_type ocsp (RFC 6066 §8). */
export const CERT_STATUS_OCSP = 1;

/** Encodes a CertificateStatus body: status_type ocsp and the DER OCSPResponse. */
export function encodeCertificateStatus(ocspResponse: Uint8Array): Uint8Array {
  return new Writer(ocspResponse.length + 4).u8(CERT_STATUS_OCSP).vec24(ocspResponse).finish();
}

/** Decodes a CertificateStatus body to the DER OCSPResponse it carries (ocsp is the only status_type). */
export function decodeCertificateStatus(body: Uint8Array): Uint8Array {
  const r = new Reader(body, 'CertificateStatus');
  if (r.u8() !== CERT_STATUS_OCSP) throw illegalParameter('CertificateStatus with an unknown status_type');
  const der = r.vec24(1);
  r.end();
  return der;
}

/**
 * A SignedCertificateTimestampList (RFC 6962 §3.3: SerializedSCT sct_list<1..2^16-1>, each
 * SerializedSCT<1..2^16-1>), as the signed_certificate_timestamp extension carries it; returned
 * whole. An empty list or an empty SCT is decode_error (BoringSSL ssl_is_sct_list_valid).
 */
export function decodeSctList(data: Uint8Array): Uint8Array {
  const r = new Reader(data, 'SignedCertificateTimestampList');
  const list = r.sub16(1, 0xffff, 'sct_list');
  while (list.remaining > 0) list.vec16(1);
  r.end();
  return data;
}

// --- Certificate -----------------------------------------------------------------------------

export interface CertificateEntry {
  der: Uint8Array;
  extensions: Extension[];
}
export interface CertificateMsg {
  context: Uint8Array;
  entries: CertificateEntry[];
}

/** Encodes a Certificate body: TLS 1.3 form (request context, per-entry extensions) when tls13. */
export function encodeCertificateMsg(m: CertificateMsg, tls13: boolean): Uint8Array {
  const w = new Writer(1024);
  if (tls13) w.vec8(m.context);
  w.vec24((l) => {
    for (const e of m.entries) {
      l.vec24(e.der);
      if (tls13) writeExtensions(l, e.extensions);
    }
  });
  return w.finish();
}

/** Encodes a Certificate body for a plain chain (no entry extensions). */
export function encodeCertificate(
  chain: Uint8Array[],
  tls13: boolean,
  context: Uint8Array = new Uint8Array(0),
): Uint8Array {
  return encodeCertificateMsg({ context, entries: chain.map((der) => ({ der, extensions: [] })) }, tls13);
}

/** Certificate: TLS 1.3 form with request context and per-entry extensions, or TLS 1.2 form. */
export function decodeCertificate(body: Uint8Array, tls13: boolean): CertificateMsg {
  const r = new Reader(body, 'Certificate');
  const context = tls13 ? r.vec8() : new Uint8Array(0);
  const list = r.sub24(0, 0xffffff, 'Certificate list');
  const entries: CertificateEntry[] = [];
  while (list.remaining > 0) {
    const der = list.vec24(1);
    const extensions = tls13 ? readExtensions(list, 'CertificateEntry') : [];
    entries.push({ der, extensions });
  }
  r.end();
  return { context, entries };
}

// --- CertificateVerify -----------------------------------------------------------------------

export interface CertificateVerify {
  scheme: number;
  signature: Uint8Array;
}
/** Encodes a CertificateVerify body (also TLS 1.2's digitally-signed struct). */
export function encodeCertificateVerify(cv: CertificateVerify): Uint8Array {
  return new Writer(cv.signature.length + 4).u16(cv.scheme).vec16(cv.signature).finish();
}
/** CertificateVerify (RFC 8446 §4.4.3); TLS 1.2's digitally-signed has the same shape. */
export function decodeCertificateVerify(body: Uint8Array): CertificateVerify {
  const r = new Reader(body, 'CertificateVerify');
  const scheme = r.u16();
  const signature = r.vec16(1);
  r.end();
  return { scheme, signature };
}

// --- CertificateRequest ----------------------------------------------------------------------

export interface CertificateRequest13 {
  context: Uint8Array;
  extensions: Extension[];
}
/** Encodes a TLS 1.3 CertificateRequest body. */
export function encodeCertificateRequest13(m: CertificateRequest13): Uint8Array {
  const w = new Writer(128).vec8(m.context);
  writeExtensions(w, m.extensions);
  return w.finish().slice();
}
/** TLS 1.3 CertificateRequest (RFC 8446 §4.3.2). */
export function decodeCertificateRequest13(body: Uint8Array): CertificateRequest13 {
  const r = new Reader(body, 'CertificateRequest');
  const context = r.vec8();
  const extensions = readExtensions(r, 'CertificateRequest');
  r.end();
  return { context, extensions };
}

export interface CertificateRequest12 {
  certificateTypes: Uint8Array;
  sigalgs: number[];
  authorities: Uint8Array[];
}
/** Encodes a TLS 1.2 CertificateRequest body. */
export function encodeCertificateRequest12(m: CertificateRequest12): Uint8Array {
  const w = new Writer(128).vec8(m.certificateTypes);
  w.vec16((l) => m.sigalgs.forEach((s) => l.u16(s)));
  w.vec16((l) => m.authorities.forEach((a) => l.vec16(a)));
  return w.finish().slice();
}
/** TLS 1.2 CertificateRequest (RFC 5246 §7.4.4). */
export function decodeCertificateRequest12(body: Uint8Array): CertificateRequest12 {
  const r = new Reader(body, 'CertificateRequest');
  const certificateTypes = r.vec8(1);
  const sa = r.sub16(2, 0xfffe, 'CertificateRequest sigalgs');
  const sigalgs: number[] = [];
  while (sa.remaining > 0) sigalgs.push(sa.u16());
  const ca = r.sub16(0, 0xffff, 'CertificateRequest authorities');
  const authorities: Uint8Array[] = [];
  while (ca.remaining > 0) authorities.push(ca.vec16(1));
  r.end();
  return { certificateTypes, sigalgs, authorities };
}
