/**
 * OBJECT IDENTIFIERs the X.509 code understands, with OpenSSL's short and long names
 * (crypto/objects/objects.txt), and the security strength OpenSSL assigns to each signature
 * algorithm's digest (x509_set.c: half the digest size, SHA-1 cut to 63 and MD5 to 39 bits).
 */

/** A signature algorithm: OpenSSL names, digest, and security bits of that digest. */
export interface SigAlgInfo {
  /** OpenSSL short name (OBJ_nid2sn), as s_client's "sigalg:" shows it, e.g. "RSA-SHA256". */
  sn: string;
  /** OpenSSL long name (OBJ_nid2ln), as `openssl x509 -text` shows it. */
  ln: string;
  /** Digest name for node:crypto ("sha256"), or null when the algorithm carries its own (EdDSA). */
  digest: string | null;
  /** Security bits of the signature's digest per OpenSSL 3.0 (null: derived from parameters). */
  secbits: number | null;
}

export const SIG_ALGS: Readonly<Record<string, SigAlgInfo>> = {
  '1.2.840.113549.1.1.4': { sn: 'RSA-MD5', ln: 'md5WithRSAEncryption', digest: 'md5', secbits: 39 },
  '1.2.840.113549.1.1.5': { sn: 'RSA-SHA1', ln: 'sha1WithRSAEncryption', digest: 'sha1', secbits: 63 },
  '1.2.840.113549.1.1.14': { sn: 'RSA-SHA224', ln: 'sha224WithRSAEncryption', digest: 'sha224', secbits: 112 },
  '1.2.840.113549.1.1.11': { sn: 'RSA-SHA256', ln: 'sha256WithRSAEncryption', digest: 'sha256', secbits: 128 },
  '1.2.840.113549.1.1.12': { sn: 'RSA-SHA384', ln: 'sha384WithRSAEncryption', digest: 'sha384', secbits: 192 },
  '1.2.840.113549.1.1.13': { sn: 'RSA-SHA512', ln: 'sha512WithRSAEncryption', digest: 'sha512', secbits: 256 },
  '1.2.840.113549.1.1.10': { sn: 'RSASSA-PSS', ln: 'rsassaPss', digest: null, secbits: null },
  '1.2.840.10045.4.1': { sn: 'ecdsa-with-SHA1', ln: 'ecdsa-with-SHA1', digest: 'sha1', secbits: 63 },
  '1.2.840.10045.4.3.1': { sn: 'ecdsa-with-SHA224', ln: 'ecdsa-with-SHA224', digest: 'sha224', secbits: 112 },
  '1.2.840.10045.4.3.2': { sn: 'ecdsa-with-SHA256', ln: 'ecdsa-with-SHA256', digest: 'sha256', secbits: 128 },
  '1.2.840.10045.4.3.3': { sn: 'ecdsa-with-SHA384', ln: 'ecdsa-with-SHA384', digest: 'sha384', secbits: 192 },
  '1.2.840.10045.4.3.4': { sn: 'ecdsa-with-SHA512', ln: 'ecdsa-with-SHA512', digest: 'sha512', secbits: 256 },
  '1.3.101.112': { sn: 'ED25519', ln: 'ED25519', digest: null, secbits: 128 },
  '1.3.101.113': { sn: 'ED448', ln: 'ED448', digest: null, secbits: 224 },
  '1.2.840.10040.4.3': { sn: 'DSA-SHA1', ln: 'dsaWithSHA1', digest: 'sha1', secbits: 63 },
  '2.16.840.1.101.3.4.3.2': { sn: 'dsa_with_SHA256', ln: 'dsa_with_SHA256', digest: 'sha256', secbits: 128 },
  // RFC 9881 (FIPS 204): pure ML-DSA; security bits as OpenSSL 3.5 assigns them.
  '2.16.840.1.101.3.4.3.17': { sn: 'ML-DSA-44', ln: 'ML-DSA-44', digest: null, secbits: 128 },
  '2.16.840.1.101.3.4.3.18': { sn: 'ML-DSA-65', ln: 'ML-DSA-65', digest: null, secbits: 192 },
  '2.16.840.1.101.3.4.3.19': { sn: 'ML-DSA-87', ln: 'ML-DSA-87', digest: null, secbits: 256 },
};

/** Digest OIDs (as found in RSASSA-PSS parameters) and their OpenSSL 3.0 security bits. */
export const DIGESTS: Readonly<Record<string, { name: string; secbits: number }>> = {
  '1.2.840.113549.2.5': { name: 'md5', secbits: 39 },
  '1.3.14.3.2.26': { name: 'sha1', secbits: 63 },
  '2.16.840.1.101.3.4.2.4': { name: 'sha224', secbits: 112 },
  '2.16.840.1.101.3.4.2.1': { name: 'sha256', secbits: 128 },
  '2.16.840.1.101.3.4.2.2': { name: 'sha384', secbits: 192 },
  '2.16.840.1.101.3.4.2.3': { name: 'sha512', secbits: 256 },
};

/** Public-key algorithm OIDs with OpenSSL's short names (s_client's "a:PKEY:"). */
export const KEY_ALGS: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.1': 'rsaEncryption',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.10045.2.1': 'id-ecPublicKey',
  '1.3.101.110': 'X25519',
  '1.3.101.111': 'X448',
  '1.3.101.112': 'ED25519',
  '1.3.101.113': 'ED448',
  '1.2.840.10040.4.1': 'DSA',
  '2.16.840.1.101.3.4.3.17': 'ML-DSA-44',
  '2.16.840.1.101.3.4.3.18': 'ML-DSA-65',
  '2.16.840.1.101.3.4.3.19': 'ML-DSA-87',
};

/** Named curves (SPKI parameters) with their order size in bits. */
export const CURVES: Readonly<Record<string, { name: string; bits: number }>> = {
  '1.2.840.10045.3.1.7': { name: 'prime256v1', bits: 256 },
  '1.3.132.0.34': { name: 'secp384r1', bits: 384 },
  '1.3.132.0.35': { name: 'secp521r1', bits: 521 },
  '1.3.132.0.33': { name: 'secp224r1', bits: 224 },
  '1.2.840.10045.3.1.1': { name: 'prime192v1', bits: 192 },
  '1.3.132.0.10': { name: 'secp256k1', bits: 256 },
};

export const Ext = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  policyMappings: '2.5.29.33',
  authorityKeyIdentifier: '2.5.29.35',
  policyConstraints: '2.5.29.36',
  extKeyUsage: '2.5.29.37',
  inhibitAnyPolicy: '2.5.29.54',
  nsCertType: '2.16.840.1.113730.1.1',
  proxyCertInfo: '1.3.6.1.5.5.7.1.14',
  ipAddrBlock: '1.3.6.1.5.5.7.1.7',
  autonomousSysNum: '1.3.6.1.5.5.7.1.8',
  ocspNoCheck: '1.3.6.1.5.5.7.48.1.5',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  crlNumber: '2.5.29.20',
  deltaCrlIndicator: '2.5.29.27',
  issuingDistributionPoint: '2.5.29.28',
  freshestCrl: '2.5.29.46',
  crlReason: '2.5.29.21',
  invalidityDate: '2.5.29.24',
} as const;

/**
 * Extensions OpenSSL 3.0 understands (v3_purp.c X509_supported_extension); any other extension
 * marked critical fails verification with X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION.
 */
export const SUPPORTED_CRITICAL_EXTENSIONS: ReadonlySet<string> = new Set([
  Ext.nsCertType,
  Ext.keyUsage,
  Ext.subjectAltName,
  Ext.basicConstraints,
  Ext.certificatePolicies,
  Ext.crlDistributionPoints,
  Ext.extKeyUsage,
  Ext.ipAddrBlock,
  Ext.autonomousSysNum,
  Ext.ocspNoCheck,
  Ext.policyConstraints,
  Ext.proxyCertInfo,
  Ext.nameConstraints,
  Ext.policyMappings,
  Ext.inhibitAnyPolicy,
]);

export const Eku = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  any: '2.5.29.37.0',
  nsSGC: '2.16.840.1.113730.4.1',
  msSGC: '1.3.6.1.4.1.311.10.3.3',
} as const;

/** Key purposes BR 7.1.2.7.10 forbids in a TLS subscriber certificate, with their names. */
export const FORBIDDEN_LEAF_EKU: Readonly<Record<string, string>> = {
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '1.3.6.1.4.1.11129.2.4.4': 'precertificate signing (RFC 6962)',
};

/** Attribute types of distinguished names with OpenSSL's short names (long name when none). */
export const NAME_ATTRS: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.13': 'description',
  '2.5.4.15': 'businessCategory',
  '2.5.4.17': 'postalCode',
  '2.5.4.41': 'name',
  '2.5.4.42': 'GN',
  '2.5.4.43': 'initials',
  '2.5.4.44': 'generationQualifier',
  '2.5.4.46': 'dnQualifier',
  '2.5.4.65': 'pseudonym',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
  '1.3.6.1.4.1.311.60.2.1.1': 'jurisdictionL',
  '1.3.6.1.4.1.311.60.2.1.2': 'jurisdictionST',
  '1.3.6.1.4.1.311.60.2.1.3': 'jurisdictionC',
};

export const OID_CN = '2.5.4.3';
