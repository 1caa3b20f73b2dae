/**
 * --crl files (s_client's -CRL): PEM ("X509 CRL" blocks, several per file allowed) or one DER CRL.
 * Read and decoded before anything is sent, so a missing or malformed file is exit 2. Delta CRLs
 * (RFC 5280 §5.2.4) are refused here with a clear message: only complete CRLs are supported.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from './errors.js';
import { parseCrl } from '../tls/x509/crl.js';
import { fileProblem } from './files.js';

const PEM_CRL = /-----BEGIN X509 CRL-----([A-Za-z0-9+/=\s]*?)-----END X509 CRL-----/g;

/** The DER CRLs of one --crl file. */
export function loadCrlFile(path: string): Uint8Array[] {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw fileProblem('--crl', path, 'read', e);
  }
  const text = buf.toString('latin1');
  const ders = [...text.matchAll(PEM_CRL)].map((m) => new Uint8Array(Buffer.from(m[1] ?? '', 'base64')));
  if (ders.length === 0) {
    if (text.includes('-----BEGIN')) throw new UsageError(`--crl ${path}: no "X509 CRL" PEM block in the file`);
    ders.push(new Uint8Array(buf));
  }
  for (const der of ders) {
    let crl;
    try {
      crl = parseCrl(der);
    } catch (e) {
      throw new UsageError(`--crl ${path}: not a CRL (${e instanceof Error ? e.message : String(e)})`);
    }
    if (crl.delta)
      throw new UsageError(`--crl ${path}: delta CRLs are not supported (RFC 5280 §5.2.4); give the complete CRL`);
  }
  return ders;
}
