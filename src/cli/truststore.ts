/**
 * Trust store loading (file I/O, so it lives outside the sans-IO core): --CAfile, --CApath and the
 * platform default (node's bundled roots, NODE_EXTRA_CA_CERTS, and OpenSSL's default bundle).
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './errors.js';
import { fileProblem } from './files.js';
import { Tag, derTlvAt } from '../tls/codec/der.js';

/** Where Debian's (and OpenSSL's default) CA bundle lives. */
export const OPENSSL_DEFAULT_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

const PEM_CERT =
  /-----BEGIN (?:TRUSTED |X509 )?CERTIFICATE-----([\s\S]*?)-----END (?:TRUSTED |X509 )?CERTIFICATE-----/g;

/**
 * Every CERTIFICATE block of a PEM text as DER (blocks that are not certificates are skipped). With
 * `validate` (files the user names), node's X509Certificate must read each block, as OpenSSL's loader
 * skips what it cannot use; without it (the platform store's own bundles), a block only has to hold
 * one well-framed DER SEQUENCE, its first TLV: node's X509Certificate for each of the ~290 platform
 * blocks (node's roots and the OpenSSL bundle) was ~70 ms of a cold run that does not name a --CAfile, and an anchor that then does not
 * parse trusts nothing (src/tls/x509/verify.ts parseAnchor).
 */
export function pemCertificates(text: string, validate = true): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const m of text.matchAll(PEM_CERT)) {
    const der = new Uint8Array(Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64'));
    // A TRUSTED CERTIFICATE block carries trust settings after the certificate: either way only the
    // certificate is kept (node's reader stops after it).
    if (!validate) {
      const tlv = derTlvAt(der, 0);
      if (tlv && tlv[0] === Tag.SEQUENCE) out.push(der.slice(0, tlv[2]));
      continue;
    }
    try {
      out.push(new Uint8Array(new X509Certificate(der).raw));
    } catch {
      // not a certificate node can parse: ignore, as OpenSSL's loader skips unusable entries
    }
  }
  return out;
}

/** Loads all certificates of a PEM (or single DER) file; UsageError if unreadable or empty. */
export function loadCaFile(path: string): Uint8Array[] {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw fileProblem('CA file', path, 'read', e);
  }
  const certs = pemCertificates(buf.toString('latin1'));
  if (certs.length === 0) {
    try {
      certs.push(new Uint8Array(new X509Certificate(buf).raw));
    } catch {
      throw new UsageError(`no certificates found in CA file ${path}`);
    }
  }
  return certs;
}

const CAPATH_NAME = /(\.pem|\.crt|\.cer|\.[0-9]+)$/i;

/** Loads every *.pem, *.crt, *.cer and hash-named (xxxxxxxx.N) file of a directory, once each. */
export function loadCaPath(dir: string): Uint8Array[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (e) {
    throw fileProblem('CA directory', dir, 'read', e);
  }
  const out: Uint8Array[] = [];
  const seen = new Set<string>();
  for (const n of names) {
    if (!CAPATH_NAME.test(n)) continue;
    const p = join(dir, n);
    try {
      if (!statSync(p).isFile()) continue;
      for (const der of pemCertificates(readFileSync(p, 'latin1'))) {
        const key = Buffer.from(der).toString('base64');
        if (!seen.has(key)) {
          seen.add(key);
          out.push(der);
        }
      }
    } catch {
      // unreadable entries are skipped, as OpenSSL's hashed-directory lookup does
    }
  }
  if (out.length === 0) throw new UsageError(`no certificates found in CA directory ${dir}`);
  return out;
}

let platform: Uint8Array[] | undefined;

/**
 * The default trust store, loaded once: node's bundled Mozilla roots, the file named by
 * NODE_EXTRA_CA_CERTS (if set and readable), and OpenSSL's default bundle if present; deduplicated.
 * Their blocks are framed, not decoded (pemCertificates without `validate`): node has read its own
 * roots and NODE_EXTRA_CA_CERTS already, and the verifier decodes an anchor when a chain needs it.
 */
export function platformRoots(): Uint8Array[] {
  if (platform) return platform;
  const seen = new Set<string>();
  const out: Uint8Array[] = [];
  const add = (ders: Uint8Array[]): void => {
    for (const d of ders) {
      const k = Buffer.from(d.buffer, d.byteOffset, d.length).toString('latin1');
      if (!seen.has(k)) {
        seen.add(k);
        out.push(d);
      }
    }
  };
  // node:tls is loaded only when the platform store is wanted (a --cafile run never pays for it).
  const { rootCertificates } = process.getBuiltinModule('node:tls') as typeof import('node:tls');
  add(pemCertificates(rootCertificates.join('\n'), false));
  const extra = process.env['NODE_EXTRA_CA_CERTS'];
  if (extra) {
    try {
      add(pemCertificates(readFileSync(extra, 'latin1'), false));
    } catch {
      // node itself only warns about an unreadable NODE_EXTRA_CA_CERTS
    }
  }
  if (existsSync(OPENSSL_DEFAULT_BUNDLE)) {
    try {
      add(pemCertificates(readFileSync(OPENSSL_DEFAULT_BUNDLE, 'latin1'), false));
    } catch {
      // unreadable system bundle: node's roots still apply
    }
  }
  platform = out;
  return out;
}
