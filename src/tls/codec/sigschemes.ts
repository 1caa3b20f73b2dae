/**
 * The signature-scheme registry (RFC 8446 §4.2.3, IANA TLS SignatureScheme, draft-ietf-tls-mldsa)
 * and the certificate-compression algorithms (RFC 8879 §7.3), one table each with OpenSSL's names.
 */
import type { HashName } from './names.js';

export type SigAlgName =
  | 'ecdsa_secp256r1_sha256'
  | 'ecdsa_secp384r1_sha384'
  | 'ecdsa_secp521r1_sha512'
  | 'ed25519'
  | 'rsa_pss_rsae_sha256'
  | 'rsa_pss_rsae_sha384'
  | 'rsa_pss_rsae_sha512'
  | 'rsa_pss_pss_sha256'
  | 'rsa_pss_pss_sha384'
  | 'rsa_pss_pss_sha512'
  | 'rsa_pkcs1_sha256'
  | 'rsa_pkcs1_sha384'
  | 'rsa_pkcs1_sha512'
  | 'ecdsa_sha1'
  | 'rsa_pkcs1_sha1'
  | 'mldsa44'
  | 'mldsa65'
  | 'mldsa87';

export interface SignatureScheme {
  id: number;
  name: SigAlgName;
  /** Signature algorithm family. */
  kind: 'ecdsa' | 'eddsa' | 'rsa-pss' | 'rsa-pkcs1' | 'mldsa';
  hash: HashName | null;
  /** For ECDSA in TLS 1.3 the curve is bound to the scheme. */
  curve?: 'P-256' | 'P-384' | 'P-521';
  /** "Peer signature type" as s_client prints it. */
  sigType: string;
  /** Allowed in TLS 1.3 CertificateVerify. */
  tls13: boolean;
}

export const SIGNATURE_SCHEMES: readonly SignatureScheme[] = [
  {
    id: 0x0403,
    name: 'ecdsa_secp256r1_sha256',
    kind: 'ecdsa',
    hash: 'sha256',
    curve: 'P-256',
    sigType: 'ECDSA',
    tls13: true,
  },
  {
    id: 0x0503,
    name: 'ecdsa_secp384r1_sha384',
    kind: 'ecdsa',
    hash: 'sha384',
    curve: 'P-384',
    sigType: 'ECDSA',
    tls13: true,
  },
  {
    id: 0x0603,
    name: 'ecdsa_secp521r1_sha512',
    kind: 'ecdsa',
    hash: 'sha512',
    curve: 'P-521',
    sigType: 'ECDSA',
    tls13: true,
  },
  { id: 0x0807, name: 'ed25519', kind: 'eddsa', hash: null, sigType: 'Ed25519', tls13: true },
  { id: 0x0804, name: 'rsa_pss_rsae_sha256', kind: 'rsa-pss', hash: 'sha256', sigType: 'RSA-PSS', tls13: true },
  { id: 0x0805, name: 'rsa_pss_rsae_sha384', kind: 'rsa-pss', hash: 'sha384', sigType: 'RSA-PSS', tls13: true },
  { id: 0x0806, name: 'rsa_pss_rsae_sha512', kind: 'rsa-pss', hash: 'sha512', sigType: 'RSA-PSS', tls13: true },
  { id: 0x0809, name: 'rsa_pss_pss_sha256', kind: 'rsa-pss', hash: 'sha256', sigType: 'RSA-PSS', tls13: true },
  { id: 0x080a, name: 'rsa_pss_pss_sha384', kind: 'rsa-pss', hash: 'sha384', sigType: 'RSA-PSS', tls13: true },
  { id: 0x080b, name: 'rsa_pss_pss_sha512', kind: 'rsa-pss', hash: 'sha512', sigType: 'RSA-PSS', tls13: true },
  { id: 0x0401, name: 'rsa_pkcs1_sha256', kind: 'rsa-pkcs1', hash: 'sha256', sigType: 'RSA', tls13: false },
  { id: 0x0501, name: 'rsa_pkcs1_sha384', kind: 'rsa-pkcs1', hash: 'sha384', sigType: 'RSA', tls13: false },
  { id: 0x0601, name: 'rsa_pkcs1_sha512', kind: 'rsa-pkcs1', hash: 'sha512', sigType: 'RSA', tls13: false },
  { id: 0x0203, name: 'ecdsa_sha1', kind: 'ecdsa', hash: 'sha1', sigType: 'ECDSA', tls13: false },
  { id: 0x0201, name: 'rsa_pkcs1_sha1', kind: 'rsa-pkcs1', hash: 'sha1', sigType: 'RSA', tls13: false },
  // draft-ietf-tls-mldsa: pure ML-DSA (FIPS 204), TLS 1.3 only; OpenSSL 3.5 prints the scheme name.
  { id: 0x0904, name: 'mldsa44', kind: 'mldsa', hash: null, sigType: 'mldsa44', tls13: true },
  { id: 0x0905, name: 'mldsa65', kind: 'mldsa', hash: null, sigType: 'mldsa65', tls13: true },
  { id: 0x0906, name: 'mldsa87', kind: 'mldsa', hash: null, sigType: 'mldsa87', tls13: true },
];

export function sigSchemeById(id: number): SignatureScheme | undefined {
  return SIGNATURE_SCHEMES.find((s) => s.id === id);
}
export function sigSchemeByName(name: string): SignatureScheme | undefined {
  const n = name.toLowerCase();
  return SIGNATURE_SCHEMES.find((s) => s.name === n);
}
export function sigSchemeName(id: number): string {
  return sigSchemeById(id)?.name ?? `0x${id.toString(16).padStart(4, '0')}`;
}

/** Certificate compression algorithms (RFC 8879 §7.3; IANA TLS CertificateCompressionAlgorithm). */
export type CertCompressionName = 'zlib' | 'brotli' | 'zstd';

export interface CertCompressionAlgorithm {
  id: number;
  name: CertCompressionName;
}

/** In the order tls-probe offers them by default (OpenSSL 3.2+ offers zlib, brotli, zstd when built with them). */
export const CERT_COMPRESSION_ALGORITHMS: readonly CertCompressionAlgorithm[] = [
  { id: 1, name: 'zlib' },
  { id: 2, name: 'brotli' },
  { id: 3, name: 'zstd' },
];

export function certCompressionById(id: number): CertCompressionAlgorithm | undefined {
  return CERT_COMPRESSION_ALGORITHMS.find((a) => a.id === id);
}
export function certCompressionByName(name: string): CertCompressionAlgorithm | undefined {
  const n = name.toLowerCase();
  return CERT_COMPRESSION_ALGORITHMS.find((a) => a.name === n);
}
