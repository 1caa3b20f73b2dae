/**
 * The shapes of a parsed X.509 certificate (RFC 5280 §4.1 and the §4.2 extensions we interpret),
 * apart from the parser so that the extension readers (extensions.ts) and the parser (cert.ts)
 * both use them without importing each other.
 */
import type { X509Certificate } from 'node:crypto';
import type { DistinguishedName } from './name.js';

/** A GeneralName (RFC 5280 §4.2.1.6); types we do not interpret keep their raw TLV. */
export type GeneralName =
  | { type: 'dns'; value: string }
  | { type: 'email'; value: string }
  | { type: 'uri'; value: string }
  | { type: 'ip'; bytes: Uint8Array }
  | { type: 'dirName'; name: DistinguishedName }
  | { type: 'other'; tag: number; raw: Uint8Array };

/** keyUsage bit numbers (RFC 5280 §4.2.1.3); `keyUsage & KeyUsage.keyCertSign` tests a bit. */
export const KeyUsage = {
  digitalSignature: 1 << 0,
  nonRepudiation: 1 << 1,
  keyEncipherment: 1 << 2,
  dataEncipherment: 1 << 3,
  keyAgreement: 1 << 4,
  keyCertSign: 1 << 5,
  cRLSign: 1 << 6,
  encipherOnly: 1 << 7,
  decipherOnly: 1 << 8,
} as const;

/** One extension as found in the certificate. */
export interface Extension {
  oid: string;
  critical: boolean;
  value: Uint8Array;
}

/** A GeneralSubtree of nameConstraints; minimum/maximum as encoded (OpenSSL allows only 0/absent). */
export interface Subtree {
  base: GeneralName;
  minimum: number;
  maximum: number | null;
}

/** Everything the verifier and the reports need from one certificate. */
export interface ParsedCertificate {
  der: Uint8Array;
  /** node's view, built on first use (it costs a key decode: ~0.1-0.8 ms per certificate). */
  readonly x509: X509Certificate;
  /** The signed TBSCertificate, the outer and inner signature AlgorithmIdentifiers, the signature. */
  tbsDer: Uint8Array;
  sigAlgDer: Uint8Array;
  tbsSigAlgDer: Uint8Array;
  signatureValue: Uint8Array;
  /** The SubjectPublicKeyInfo as encoded. */
  spkiDer: Uint8Array;
  version: number;
  serialHex: string;
  /** The serial number's INTEGER content octets as encoded (RFC 5280 §4.1.2.2). */
  serial: Uint8Array;
  subject: DistinguishedName;
  issuer: DistinguishedName;
  /** Canonical forms for name comparison (see name.ts). */
  subjectKey: string;
  issuerKey: string;
  /** Validity; null when the time field is malformed (OpenSSL errors 13/14). */
  notBefore: Date | null;
  notAfter: Date | null;
  sigAlgOid: string;
  /** Digest security bits of the signature (OpenSSL 3.0 rules), null if unknown. */
  sigSecurityBits: number | null;
  keyAlgOid: string;
  /** Curve OID for EC keys. */
  curveOid: string | null;
  /** An EC key with explicit domain parameters instead of a named curve (RFC 5480 §2.1.1). */
  explicitCurve: boolean;
  publicKeyBits: number;
  extensions: Extension[];
  basicConstraints: { ca: boolean; pathLen: number | null } | null;
  keyUsage: number | null;
  extKeyUsage: string[] | null;
  subjectKeyId: string | null;
  authorityKeyId: { keyId: string | null; issuer: GeneralName[] | null; serialHex: string | null } | null;
  subjectAltNames: GeneralName[] | null;
  nameConstraints: { permitted: Subtree[]; excluded: Subtree[] } | null;
  /** An extension we understand failed to decode (OpenSSL: X509_V_ERR_INVALID_EXTENSION). */
  invalidExtension: boolean;
}
