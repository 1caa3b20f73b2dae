/**
 * Server (and client) authentication helpers: what key a certificate holds, which signature
 * schemes fit it, and the CertificateVerify signed content (RFC 8446 §4.4.3).
 */
import type { X509Certificate } from 'node:crypto';
import { parseCertificate } from '../x509/cert.js';
import type { ParsedCertificate } from '../x509/cert-types.js';
import { type SignatureScheme, sigSchemeById } from '../codec/sigschemes.js';
import { mlDsaParameterSet } from '../crypto/mldsa.js';
import { certificateSpki, mlDsaKeyBits, mlDsaKeyName } from '../x509/mldsa.js';
import { TlsAlert, illegalParameter } from '../errors.js';
import { AlertDescription } from '../codec/alerts.js';
import { concat, utf8 } from '../codec/bytes.js';

export interface PeerKey {
  spki: Uint8Array;
  type: 'rsa' | 'rsa-pss' | 'ec' | 'ed25519' | 'ed448' | 'ML-DSA-44' | 'ML-DSA-65' | 'ML-DSA-87' | 'other';
  curve?: 'P-256' | 'P-384' | 'P-521';
  bits: number;
}

const CURVES: Record<string, PeerKey['curve']> = {
  prime256v1: 'P-256',
  'P-256': 'P-256',
  secp384r1: 'P-384',
  'P-384': 'P-384',
  secp521r1: 'P-521',
  'P-521': 'P-521',
};

/**
 * The public key of a DER certificate, as SPKI DER plus its type and size. Worked out once per
 * parsed certificate (x509/cert.ts shares a parse among equal encodings): node's SPKI export was
 * ~0.3 ms of every warm handshake. Each caller gets its own copy of the SPKI bytes.
 */
export function certificateKey(der: Uint8Array): PeerKey {
  let parsed: ParsedCertificate | undefined;
  try {
    parsed = parseCertificate(der);
  } catch {
    parsed = undefined; // certificateKeyOnce raises the alert
  }
  let k = parsed && PEER_KEYS.get(parsed);
  if (!k) {
    k = certificateKeyOnce(der);
    if (parsed) PEER_KEYS.set(parsed, k);
  }
  return { ...k, spki: k.spki.slice() };
}

const PEER_KEYS = new WeakMap<ParsedCertificate, PeerKey>();

function certificateKeyOnce(der: Uint8Array): PeerKey {
  let cert: X509Certificate;
  let keyAlgOid: string;
  try {
    const parsed = parseCertificate(der);
    cert = parsed.x509;
    keyAlgOid = parsed.keyAlgOid;
  } catch {
    throw new TlsAlert(AlertDescription.bad_certificate, 'unable to decode server certificate');
  }
  // ML-DSA keys (RFC 9881): node:crypto on Node 20 cannot load them; the SPKI is taken as is.
  const mldsa = mlDsaKeyName(keyAlgOid);
  if (mldsa !== null) {
    try {
      return { spki: certificateSpki(der), type: mldsa, bits: mlDsaKeyBits(keyAlgOid) ?? 0 };
    } catch {
      throw new TlsAlert(AlertDescription.bad_certificate, 'unable to decode the certificate public key');
    }
  }
  // A certificate can parse while its key does not (a point off the curve, an unknown curve):
  // node's publicKey getter then throws a plain Error, which must not become internal_error.
  let key: X509Certificate['publicKey'];
  let spki: Uint8Array;
  try {
    key = cert.publicKey;
    spki = new Uint8Array(key.export({ type: 'spki', format: 'der' }));
  } catch {
    throw new TlsAlert(AlertDescription.bad_certificate, 'unable to decode the certificate public key');
  }
  const d = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return { spki, type: 'rsa', bits: d.modulusLength ?? 0 };
    case 'rsa-pss':
      return { spki, type: 'rsa-pss', bits: d.modulusLength ?? 0 };
    case 'ec': {
      const curve = CURVES[d.namedCurve ?? ''];
      return { spki, type: 'ec', bits: curve ? Number(curve.slice(2)) : 0, ...(curve ? { curve } : {}) };
    }
    case 'ed25519':
      return { spki, type: 'ed25519', bits: 253 };
    case 'ed448':
      return { spki, type: 'ed448', bits: 456 };
    default:
      return { spki, type: 'other', bits: 0 };
  }
}

/** Whether `scheme` can be made with a key of this type (curve-bound in TLS 1.3). */
export function schemeFitsKey(scheme: SignatureScheme, key: PeerKey, tls13: boolean): boolean {
  switch (scheme.kind) {
    case 'ecdsa':
      if (key.type !== 'ec') return false;
      return !tls13 || scheme.curve === key.curve;
    case 'eddsa':
      return key.type === 'ed25519' && scheme.name === 'ed25519';
    case 'rsa-pss':
      return scheme.name.startsWith('rsa_pss_rsae') ? key.type === 'rsa' : key.type === 'rsa-pss';
    case 'rsa-pkcs1':
      return !tls13 && key.type === 'rsa';
    case 'mldsa':
      // draft-ietf-tls-mldsa: TLS 1.3 only, the scheme names the key's parameter set.
      return tls13 && key.type === mlDsaParameterSet(scheme);
  }
}

/**
 * Checks the scheme a peer signed with: one we offered, allowed in this version, fitting the key.
 * Failures are illegal_parameter as in OpenSSL ("wrong signature type").
 */
export function checkPeerScheme(id: number, offered: number[], key: PeerKey, tls13: boolean): SignatureScheme {
  const scheme = sigSchemeById(id);
  if (!scheme || !offered.includes(id)) throw illegalParameter('wrong signature type');
  if (tls13 && !scheme.tls13) throw illegalParameter('wrong signature type');
  if (!schemeFitsKey(scheme, key, tls13)) throw illegalParameter('wrong signature type');
  return scheme;
}

const SERVER_CONTEXT = 'TLS 1.3, server CertificateVerify';
const CLIENT_CONTEXT = 'TLS 1.3, client CertificateVerify';

/** The content covered by a TLS 1.3 CertificateVerify signature (RFC 8446 §4.4.3). */
export function certificateVerifyContent(server: boolean, transcriptHash: Uint8Array): Uint8Array {
  return concat(
    new Uint8Array(64).fill(0x20),
    utf8(server ? SERVER_CONTEXT : CLIENT_CONTEXT),
    Uint8Array.of(0),
    transcriptHash,
  );
}

/** Our public key type from the leaf of our own chain (client authentication). */
export function ownKey(chain: Uint8Array[]): PeerKey {
  const leaf = chain[0];
  if (!leaf) throw new TlsAlert(AlertDescription.internal_error, 'empty client certificate chain');
  return certificateKey(leaf);
}
