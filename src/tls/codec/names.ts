/**
 * Name tables: IANA code points with OpenSSL's spellings, one table each, so flags, reports and
 * JSON agree. Everything else looks names up here.
 */

export type HashName = 'sha256' | 'sha384' | 'sha512' | 'sha1';
export type AeadName = 'AES-128-GCM' | 'AES-256-GCM' | 'CHACHA20-POLY1305';

/** ProtocolVersion code points (RFC 8446 §4.1.2 and Appendix D, RFC 5246 §A.1, RFC 6101). */
export const ProtocolVersion = {
  SSL3_0: 0x0300,
  TLS1_0: 0x0301,
  TLS1_1: 0x0302,
  TLS1_2: 0x0303,
  TLS1_3: 0x0304,
} as const;
export type ProtocolVersion = (typeof ProtocolVersion)[keyof typeof ProtocolVersion];
/** The versions this client speaks today. */
export type SupportedVersion = typeof ProtocolVersion.TLS1_2 | typeof ProtocolVersion.TLS1_3;

/** Each version with its name as OpenSSL prints it (SSL_get_version). */
const VERSION_NAMES = new Map<number, string>([
  [ProtocolVersion.TLS1_3, 'TLSv1.3'],
  [ProtocolVersion.TLS1_2, 'TLSv1.2'],
  [ProtocolVersion.TLS1_1, 'TLSv1.1'],
  [ProtocolVersion.TLS1_0, 'TLSv1'],
  [ProtocolVersion.SSL3_0, 'SSLv3'],
]);

/** "TLSv1.3" etc., as OpenSSL prints protocol versions; unknown ones as 0xNNNN. */
export function versionName(v: number): string {
  return VERSION_NAMES.get(v) ?? `0x${v.toString(16).padStart(4, '0')}`;
}

/** Key exchange for TLS 1.2 suites; TLS 1.3 suites have none. */
export type KeyExchangeKind = 'ECDHE_ECDSA' | 'ECDHE_RSA' | 'TLS13';
export type SuiteCipher =
  | { kind: 'aead'; aead: AeadName; keyLength: number; fixedIvLength: number }
  | { kind: 'cbc'; keyLength: 16 | 32; macHash: HashName; macLength: number };

export interface CipherSuite {
  id: number;
  /** IANA name, e.g. TLS_AES_128_GCM_SHA256 / TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256. */
  iana: string;
  /** OpenSSL name, e.g. TLS_AES_128_GCM_SHA256 / ECDHE-RSA-AES128-GCM-SHA256. */
  openssl: string;
  /** Protocol version the suite belongs to. */
  version: SupportedVersion;
  kx: KeyExchangeKind;
  cipher: SuiteCipher;
  /** The handshake / PRF hash. */
  hash: HashName;
}

const gcm = (aead: AeadName, keyLength: number, fixedIvLength: number): SuiteCipher => ({
  kind: 'aead',
  aead,
  keyLength,
  fixedIvLength,
});

export const CIPHER_SUITES: readonly CipherSuite[] = [
  // TLS 1.3 (RFC 8446 §B.4); OpenSSL's default order.
  {
    id: 0x1302,
    iana: 'TLS_AES_256_GCM_SHA384',
    openssl: 'TLS_AES_256_GCM_SHA384',
    version: ProtocolVersion.TLS1_3,
    kx: 'TLS13',
    cipher: gcm('AES-256-GCM', 32, 12),
    hash: 'sha384',
  },
  {
    id: 0x1303,
    iana: 'TLS_CHACHA20_POLY1305_SHA256',
    openssl: 'TLS_CHACHA20_POLY1305_SHA256',
    version: ProtocolVersion.TLS1_3,
    kx: 'TLS13',
    cipher: gcm('CHACHA20-POLY1305', 32, 12),
    hash: 'sha256',
  },
  {
    id: 0x1301,
    iana: 'TLS_AES_128_GCM_SHA256',
    openssl: 'TLS_AES_128_GCM_SHA256',
    version: ProtocolVersion.TLS1_3,
    kx: 'TLS13',
    cipher: gcm('AES-128-GCM', 16, 12),
    hash: 'sha256',
  },
  // TLS 1.2 ECDHE AEAD suites (RFC 5289, RFC 7905); fixed IV 4 bytes for GCM, 12 for ChaCha.
  {
    id: 0xc02c,
    iana: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
    openssl: 'ECDHE-ECDSA-AES256-GCM-SHA384',
    version: ProtocolVersion.TLS1_2,
    kx: 'ECDHE_ECDSA',
    cipher: gcm('AES-256-GCM', 32, 4),
    hash: 'sha384',
  },
  {
    id: 0xc030,
    iana: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
    openssl: 'ECDHE-RSA-AES256-GCM-SHA384',
    version: ProtocolVersion.TLS1_2,
    kx: 'ECDHE_RSA',
    cipher: gcm('AES-256-GCM', 32, 4),
    hash: 'sha384',
  },
  {
    id: 0xcca9,
    iana: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
    openssl: 'ECDHE-ECDSA-CHACHA20-POLY1305',
    version: ProtocolVersion.TLS1_2,
    kx: 'ECDHE_ECDSA',
    cipher: gcm('CHACHA20-POLY1305', 32, 12),
    hash: 'sha256',
  },
  {
    id: 0xcca8,
    iana: 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
    openssl: 'ECDHE-RSA-CHACHA20-POLY1305',
    version: ProtocolVersion.TLS1_2,
    kx: 'ECDHE_RSA',
    cipher: gcm('CHACHA20-POLY1305', 32, 12),
    hash: 'sha256',
  },
  {
    id: 0xc02b,
    iana: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
    openssl: 'ECDHE-ECDSA-AES128-GCM-SHA256',
    version: ProtocolVersion.TLS1_2,
    kx: 'ECDHE_ECDSA',
    cipher: gcm('AES-128-GCM', 16, 4),
    hash: 'sha256',
  },
  {
    id: 0xc02f,
    iana: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
    openssl: 'ECDHE-RSA-AES128-GCM-SHA256',
    version: ProtocolVersion.TLS1_2,
    kx: 'ECDHE_RSA',
    cipher: gcm('AES-128-GCM', 16, 4),
    hash: 'sha256',
  },
  // TLS 1.2 CBC suites for old servers (RFC 5289, RFC 4492); EtM per RFC 7366 when agreed.
  {
    id: 0xc023,
    iana: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256',
    openssl: 'ECDHE-ECDSA-AES128-SHA256',
    version: ProtocolVersion.TLS1_2,
    kx: 'ECDHE_ECDSA',
    cipher: { kind: 'cbc', keyLength: 16, macHash: 'sha256', macLength: 32 },
    hash: 'sha256',
  },
  {
    id: 0xc027,
    iana: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256',
    openssl: 'ECDHE-RSA-AES128-SHA256',
    version: ProtocolVersion.TLS1_2,
    kx: 'ECDHE_RSA',
    cipher: { kind: 'cbc', keyLength: 16, macHash: 'sha256', macLength: 32 },
    hash: 'sha256',
  },
  {
    id: 0xc009,
    iana: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA',
    openssl: 'ECDHE-ECDSA-AES128-SHA',
    version: ProtocolVersion.TLS1_2,
    kx: 'ECDHE_ECDSA',
    cipher: { kind: 'cbc', keyLength: 16, macHash: 'sha1', macLength: 20 },
    hash: 'sha256',
  },
  {
    id: 0xc013,
    iana: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
    openssl: 'ECDHE-RSA-AES128-SHA',
    version: ProtocolVersion.TLS1_2,
    kx: 'ECDHE_RSA',
    cipher: { kind: 'cbc', keyLength: 16, macHash: 'sha1', macLength: 20 },
    hash: 'sha256',
  },
];

export const TLS13_SUITES = CIPHER_SUITES.filter((s) => s.version === ProtocolVersion.TLS1_3);
export const TLS12_SUITES = CIPHER_SUITES.filter((s) => s.version === ProtocolVersion.TLS1_2);

export function suiteById(id: number): CipherSuite | undefined {
  return CIPHER_SUITES.find((s) => s.id === id);
}
/** Looks a suite up by its OpenSSL or IANA name (case-insensitive). */
export function suiteByName(name: string): CipherSuite | undefined {
  const n = name.toUpperCase();
  return CIPHER_SUITES.find((s) => s.openssl.toUpperCase() === n || s.iana.toUpperCase() === n);
}
export function suiteName(id: number): string {
  return suiteById(id)?.openssl ?? `0x${id.toString(16).padStart(4, '0')}`;
}

export type GroupName = 'X25519MLKEM768' | 'x25519' | 'secp256r1' | 'secp384r1' | 'secp521r1';

export interface NamedGroup {
  id: number;
  name: GroupName;
  /** The spelling OpenSSL prints in "Server Temp Key" and accepts in -groups. */
  openssl: string;
  aliases: string[];
  /** "Server Temp Key: X25519, 253 bits" */
  tempKey: string;
}

export const NAMED_GROUPS: readonly NamedGroup[] = [
  // draft-ietf-tls-ecdhe-mlkem: codepoint 0x11EC, share = ML-KEM-768 part first, then X25519.
  {
    id: 0x11ec,
    name: 'X25519MLKEM768',
    openssl: 'X25519MLKEM768',
    aliases: ['x25519mlkem768'],
    tempKey: 'X25519MLKEM768',
  },
  { id: 0x001d, name: 'x25519', openssl: 'x25519', aliases: ['X25519'], tempKey: 'X25519, 253 bits' },
  {
    id: 0x0017,
    name: 'secp256r1',
    openssl: 'P-256',
    aliases: ['secp256r1', 'prime256v1', 'p256'],
    tempKey: 'ECDH, prime256v1, 256 bits',
  },
  {
    id: 0x0018,
    name: 'secp384r1',
    openssl: 'P-384',
    aliases: ['secp384r1', 'p384'],
    tempKey: 'ECDH, secp384r1, 384 bits',
  },
  {
    id: 0x0019,
    name: 'secp521r1',
    openssl: 'P-521',
    aliases: ['secp521r1', 'p521'],
    tempKey: 'ECDH, secp521r1, 521 bits',
  },
];

export function groupById(id: number): NamedGroup | undefined {
  return NAMED_GROUPS.find((g) => g.id === id);
}
export function groupByName(name: string): NamedGroup | undefined {
  const n = name.toLowerCase();
  return NAMED_GROUPS.find(
    (g) => g.openssl.toLowerCase() === n || g.name.toLowerCase() === n || g.aliases.some((a) => a.toLowerCase() === n),
  );
}
export function groupName(id: number): string {
  return groupById(id)?.openssl ?? `0x${id.toString(16).padStart(4, '0')}`;
}

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
  | 'rsa_pkcs1_sha1';

export interface SignatureScheme {
  id: number;
  name: SigAlgName;
  /** Signature algorithm family. */
  kind: 'ecdsa' | 'eddsa' | 'rsa-pss' | 'rsa-pkcs1';
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

/** Hash output lengths in bytes. */
export const HASH_LENGTH: Record<HashName, number> = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 };
