/**
 * Name tables: IANA code points with OpenSSL's spellings, one table each, so flags, reports and
 * JSON agree. Everything else looks names up here.
 */

/** Hashes by node:crypto's names; md5 only inside the TLS 1.0/1.1 PRF and MD5-SHA1 (RFC 2246 §5, §7.4.3). */
export type HashName = 'sha256' | 'sha384' | 'sha512' | 'sha1' | 'md5';

/** Hash output lengths in bytes. */
export const HASH_LENGTH: Record<HashName, number> = { md5: 16, sha1: 20, sha256: 32, sha384: 48, sha512: 64 };
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
/** The versions this client speaks: TLS 1.0 to 1.3 (1.0 and 1.1 only when asked for, see context.ts). */
export type SupportedVersion =
  | typeof ProtocolVersion.TLS1_0
  | typeof ProtocolVersion.TLS1_1
  | typeof ProtocolVersion.TLS1_2
  | typeof ProtocolVersion.TLS1_3;

/** Narrows a wire version to one this client speaks. */
export function isSupportedVersion(v: number): v is SupportedVersion {
  return v >= ProtocolVersion.TLS1_0 && v <= ProtocolVersion.TLS1_3;
}

/**
 * Each version with its names as OpenSSL prints them: SSL_get_version / ssl_protocol_to_string
 * ("TLSv1.3") and the -msg trace header of ssl_trace / msg_cb ("TLS 1.3"), and the --tls flag value.
 */
const VERSION_NAMES = new Map<number, { openssl: string; msg: string; flag: string }>([
  [ProtocolVersion.TLS1_3, { openssl: 'TLSv1.3', msg: 'TLS 1.3', flag: '1.3' }],
  [ProtocolVersion.TLS1_2, { openssl: 'TLSv1.2', msg: 'TLS 1.2', flag: '1.2' }],
  [ProtocolVersion.TLS1_1, { openssl: 'TLSv1.1', msg: 'TLS 1.1', flag: '1.1' }],
  [ProtocolVersion.TLS1_0, { openssl: 'TLSv1', msg: 'TLS 1.0', flag: '1.0' }],
  [ProtocolVersion.SSL3_0, { openssl: 'SSLv3', msg: 'SSL 3.0', flag: '3.0' }],
]);

/** "TLSv1.3" etc., as OpenSSL prints protocol versions; unknown ones as 0xNNNN. */
export function versionName(v: number): string {
  return VERSION_NAMES.get(v)?.openssl ?? `0x${v.toString(16).padStart(4, '0')}`;
}

/** "TLS 1.3" etc., as s_client -msg prints a version; undefined for one it would not name. */
export function versionMsgName(v: number): string | undefined {
  return v === ProtocolVersion.SSL3_0 ? undefined : VERSION_NAMES.get(v)?.msg;
}

/** The version a --min-tls/--max-tls value ("1.0" .. "1.3") names, if any. */
export function versionByFlag(flag: string): number | undefined {
  for (const [v, n] of VERSION_NAMES) if (n.flag === flag && v !== ProtocolVersion.SSL3_0) return v;
  return undefined;
}

/** The --min-tls/--max-tls value of a version ("1.2"). */
export function versionFlag(v: number): string {
  return VERSION_NAMES.get(v)?.flag ?? versionName(v);
}

/**
 * Key exchange for TLS 1.0–1.2 suites; TLS 1.3 suites have none. RSA: the client encrypts the
 * pre-master secret to the server's RSA key (RFC 5246 §7.4.7.1); DHE_RSA: finite-field
 * Diffie-Hellman signed with RSA (RFC 5246 §7.4.3, groups checked against RFC 7919).
 */
export type KeyExchangeKind = 'ECDHE_ECDSA' | 'ECDHE_RSA' | 'DHE_RSA' | 'RSA' | 'PSK' | 'ECDHE_PSK' | 'TLS13';

/** The pre-shared key exchanges (RFC 4279 §2, RFC 5489 §2): no certificate, offered only with a PSK configured. */
export function isPskKeyExchange(kx: KeyExchangeKind): kx is 'PSK' | 'ECDHE_PSK' {
  return kx === 'PSK' || kx === 'ECDHE_PSK';
}
export type SuiteCipher =
  | { kind: 'aead'; aead: AeadName; keyLength: number; fixedIvLength: number }
  | { kind: 'cbc'; keyLength: 16 | 32; macHash: HashName; macLength: number };

export interface CipherSuite {
  id: number;
  /** IANA name, e.g. TLS_AES_128_GCM_SHA256 / TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256. */
  iana: string;
  /** OpenSSL name, e.g. TLS_AES_128_GCM_SHA256 / ECDHE-RSA-AES128-GCM-SHA256. */
  openssl: string;
  /** Protocol version the suite belongs to (TLS 1.2 for every TLS 1.0–1.2 suite; see suiteMinVersion). */
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

const cbc = (keyLength: 16 | 32, macHash: 'sha1' | 'sha256' | 'sha384'): SuiteCipher => ({
  kind: 'cbc',
  keyLength,
  macHash,
  macLength: HASH_LENGTH[macHash],
});
const GCM128 = gcm('AES-128-GCM', 16, 4);
const GCM256 = gcm('AES-256-GCM', 32, 4);
const CHACHA = gcm('CHACHA20-POLY1305', 32, 12);
const CBC128_SHA1 = cbc(16, 'sha1');
const CBC256_SHA1 = cbc(32, 'sha1');
const CBC128_SHA256 = cbc(16, 'sha256');
const CBC256_SHA256 = cbc(32, 'sha256');
const CBC256_SHA384 = cbc(32, 'sha384');
/** One TLS 1.0–1.2 row: id, IANA name, OpenSSL name, key exchange, record cipher, PRF hash. */
const tls12 = (id: number, iana: string, openssl: string, kx: KeyExchangeKind, cipher: SuiteCipher, hash: HashName) =>
  ({ id, iana, openssl, version: ProtocolVersion.TLS1_2, kx, cipher, hash }) as const;

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
  // TLS 1.0–1.2 suites in OpenSSL 3.0's DEFAULT order (`openssl ciphers -V DEFAULT`, 3.0.19, less
  // the PSK/SRP suites): AEAD before CBC, each DHE suite right after its ECDHE twin, RSA key
  // exchange last. RFC 5289 / RFC 4492 / RFC 8422 (ECDHE), RFC 5288 / RFC 5246 / RFC 3268 (DHE and
  // RSA), RFC 7905 (ChaCha20); fixed IV 4 bytes for GCM, 12 for ChaCha; CBC: EtM (RFC 7366) when agreed.
  tls12(
    0xc02c,
    'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
    'ECDHE-ECDSA-AES256-GCM-SHA384',
    'ECDHE_ECDSA',
    GCM256,
    'sha384',
  ),
  tls12(0xc030, 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE_RSA', GCM256, 'sha384'),
  tls12(0x009f, 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', 'DHE-RSA-AES256-GCM-SHA384', 'DHE_RSA', GCM256, 'sha384'),
  tls12(
    0xcca9,
    'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
    'ECDHE-ECDSA-CHACHA20-POLY1305',
    'ECDHE_ECDSA',
    CHACHA,
    'sha256',
  ),
  tls12(
    0xcca8,
    'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
    'ECDHE-RSA-CHACHA20-POLY1305',
    'ECDHE_RSA',
    CHACHA,
    'sha256',
  ),
  tls12(0xccaa, 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'DHE-RSA-CHACHA20-POLY1305', 'DHE_RSA', CHACHA, 'sha256'),
  tls12(
    0xc02b,
    'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
    'ECDHE-ECDSA-AES128-GCM-SHA256',
    'ECDHE_ECDSA',
    GCM128,
    'sha256',
  ),
  tls12(0xc02f, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE_RSA', GCM128, 'sha256'),
  tls12(0x009e, 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', 'DHE-RSA-AES128-GCM-SHA256', 'DHE_RSA', GCM128, 'sha256'),
  tls12(
    0xc024,
    'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384',
    'ECDHE-ECDSA-AES256-SHA384',
    'ECDHE_ECDSA',
    CBC256_SHA384,
    'sha384',
  ),
  tls12(
    0xc028,
    'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384',
    'ECDHE-RSA-AES256-SHA384',
    'ECDHE_RSA',
    CBC256_SHA384,
    'sha384',
  ),
  tls12(0x006b, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256', 'DHE-RSA-AES256-SHA256', 'DHE_RSA', CBC256_SHA256, 'sha256'),
  tls12(
    0xc023,
    'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256',
    'ECDHE-ECDSA-AES128-SHA256',
    'ECDHE_ECDSA',
    CBC128_SHA256,
    'sha256',
  ),
  tls12(
    0xc027,
    'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256',
    'ECDHE-RSA-AES128-SHA256',
    'ECDHE_RSA',
    CBC128_SHA256,
    'sha256',
  ),
  tls12(0x0067, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256', 'DHE-RSA-AES128-SHA256', 'DHE_RSA', CBC128_SHA256, 'sha256'),
  tls12(0xc00a, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', 'ECDHE-ECDSA-AES256-SHA', 'ECDHE_ECDSA', CBC256_SHA1, 'sha256'),
  tls12(0xc014, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'ECDHE-RSA-AES256-SHA', 'ECDHE_RSA', CBC256_SHA1, 'sha256'),
  tls12(0x0039, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA', 'DHE-RSA-AES256-SHA', 'DHE_RSA', CBC256_SHA1, 'sha256'),
  tls12(0xc009, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 'ECDHE-ECDSA-AES128-SHA', 'ECDHE_ECDSA', CBC128_SHA1, 'sha256'),
  tls12(0xc013, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'ECDHE-RSA-AES128-SHA', 'ECDHE_RSA', CBC128_SHA1, 'sha256'),
  tls12(0x0033, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA', 'DHE-RSA-AES128-SHA', 'DHE_RSA', CBC128_SHA1, 'sha256'),
  tls12(0x009d, 'TLS_RSA_WITH_AES_256_GCM_SHA384', 'AES256-GCM-SHA384', 'RSA', GCM256, 'sha384'),
  tls12(0x009c, 'TLS_RSA_WITH_AES_128_GCM_SHA256', 'AES128-GCM-SHA256', 'RSA', GCM128, 'sha256'),
  tls12(0x003d, 'TLS_RSA_WITH_AES_256_CBC_SHA256', 'AES256-SHA256', 'RSA', CBC256_SHA256, 'sha256'),
  tls12(0x003c, 'TLS_RSA_WITH_AES_128_CBC_SHA256', 'AES128-SHA256', 'RSA', CBC128_SHA256, 'sha256'),
  tls12(0x0035, 'TLS_RSA_WITH_AES_256_CBC_SHA', 'AES256-SHA', 'RSA', CBC256_SHA1, 'sha256'),
  tls12(0x002f, 'TLS_RSA_WITH_AES_128_CBC_SHA', 'AES128-SHA', 'RSA', CBC128_SHA1, 'sha256'),
  // PSK suites (RFC 5489 §3, RFC 7905 §2, RFC 4279 §2), the ones BoringSSL implements; offered only
  // with a PSK configured, as OpenSSL offers them only with a PSK callback (ssl_cipher_disabled).
  tls12(
    0xccac,
    'TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256',
    'ECDHE-PSK-CHACHA20-POLY1305',
    'ECDHE_PSK',
    CHACHA,
    'sha256',
  ),
  tls12(0xc036, 'TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA', 'ECDHE-PSK-AES256-CBC-SHA', 'ECDHE_PSK', CBC256_SHA1, 'sha256'),
  tls12(0xc035, 'TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA', 'ECDHE-PSK-AES128-CBC-SHA', 'ECDHE_PSK', CBC128_SHA1, 'sha256'),
  tls12(0x008d, 'TLS_PSK_WITH_AES_256_CBC_SHA', 'PSK-AES256-CBC-SHA', 'PSK', CBC256_SHA1, 'sha256'),
  tls12(0x008c, 'TLS_PSK_WITH_AES_128_CBC_SHA', 'PSK-AES128-CBC-SHA', 'PSK', CBC128_SHA1, 'sha256'),
];

/**
 * TLS_FALLBACK_SCSV (RFC 7507 §6): a signalling value, not a suite, that a client sends last in a
 * fallback retry with a lower maximum version; a server supporting a higher one answers
 * inappropriate_fallback.
 */
export const TLS_FALLBACK_SCSV = 0x5600;

/**
 * GREASE (RFC 8701 §2): the 16 reserved values 0x0A0A, 0x1A1A, ..., 0xFAFA, valid as cipher
 * suites, extensions, groups, signature schemes and versions, which a peer must ignore. `seed`
 * picks one (its high nibble).
 */
export function greaseValue(seed: number): number {
  const b = (seed & 0xf0) | 0x0a;
  return (b << 8) | b;
}

export const TLS13_SUITES = CIPHER_SUITES.filter((s) => s.version === ProtocolVersion.TLS1_3);
/**
 * The TLS 1.0–1.2 suites in OpenSSL 3.0's DEFAULT order: ECDHE, DHE-RSA and RSA key exchange, all
 * offered by default as s_client offers them (an ECDHE-capable server still picks ECDHE).
 */
export const TLS12_SUITES = CIPHER_SUITES.filter(
  (s) => s.version === ProtocolVersion.TLS1_2 && !isPskKeyExchange(s.kx),
);
/** The TLS 1.2 PSK suites (RFC 4279, RFC 5489, RFC 7905), offered only when a PSK is configured. */
export const PSK_SUITES = CIPHER_SUITES.filter((s) => isPskKeyExchange(s.kx));

/**
 * The lowest protocol version a suite may be negotiated at: the CBC suites with HMAC-SHA1 exist
 * since TLS 1.0 (RFC 4346 / RFC 4492 / RFC 3268); AEAD suites and SHA-256/384 MACs are TLS 1.2 only
 * (RFC 5246 §A.5, RFC 5288 §4, RFC 5289 §4), as OpenSSL's min_tls column (`openssl ciphers -v`).
 */
export function suiteMinVersion(s: CipherSuite): number {
  if (s.version === ProtocolVersion.TLS1_3) return ProtocolVersion.TLS1_3;
  return s.cipher.kind === 'cbc' && s.cipher.macHash === 'sha1' ? ProtocolVersion.TLS1_0 : ProtocolVersion.TLS1_2;
}

/** Whether a suite may be negotiated at `version` (TLS 1.3 suites only at 1.3; others from their minimum to 1.2). */
export function suiteUsableAt(s: CipherSuite, version: number): boolean {
  if (s.version === ProtocolVersion.TLS1_3) return version === ProtocolVersion.TLS1_3;
  return suiteMinVersion(s) <= version && version <= ProtocolVersion.TLS1_2;
}

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

export type GroupName =
  | 'X25519MLKEM768'
  | 'x25519'
  | 'secp256r1'
  | 'secp384r1'
  | 'secp521r1'
  | 'SecP256r1MLKEM768'
  | 'SecP384r1MLKEM1024'
  | 'MLKEM768'
  | 'MLKEM1024';

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
  // draft-ietf-tls-ecdhe-mlkem (EC share first) and draft-ietf-tls-mlkem; TLS 1.3 only. OpenSSL 3.5 spellings.
  { id: 0x11eb, name: 'SecP256r1MLKEM768', openssl: 'SecP256r1MLKEM768', aliases: [], tempKey: 'SecP256r1MLKEM768' },
  { id: 0x11ed, name: 'SecP384r1MLKEM1024', openssl: 'SecP384r1MLKEM1024', aliases: [], tempKey: 'SecP384r1MLKEM1024' },
  { id: 0x0201, name: 'MLKEM768', openssl: 'MLKEM768', aliases: [], tempKey: 'MLKEM768' },
  { id: 0x0202, name: 'MLKEM1024', openssl: 'MLKEM1024', aliases: [], tempKey: 'MLKEM1024' },
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
