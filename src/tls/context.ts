/**
 * The Context (OpenSSL's SSL_CTX): options shared by the connections it creates, the mode mask
 * they copy at creation, and the client session cache.
 */
import { Mode, type ContextOptions } from './types.js';
import { ProtocolVersion, PSK_SUITES, TLS13_SUITES, TLS12_SUITES } from './codec/names.js';
import { sigSchemeByName, type SigAlgName } from './codec/sigschemes.js';
import type { CryptoProvider } from './crypto/provider.js';
import { SessionCache } from './session/cache.js';

/** OpenSSL 3.x's default client signature_algorithms order (restricted to what we implement). */
export const DEFAULT_SIGALGS: SigAlgName[] = [
  'ecdsa_secp256r1_sha256',
  'ecdsa_secp384r1_sha384',
  'ecdsa_secp521r1_sha512',
  'ed25519',
  'rsa_pss_rsae_sha256',
  'rsa_pss_rsae_sha384',
  'rsa_pss_rsae_sha512',
  'rsa_pss_pss_sha256',
  'rsa_pss_pss_sha384',
  'rsa_pss_pss_sha512',
  'rsa_pkcs1_sha256',
  'rsa_pkcs1_sha384',
  'rsa_pkcs1_sha512',
  // draft-ietf-tls-mldsa: offered after every classic scheme, so a server with both prefers classic.
  'mldsa44',
  'mldsa65',
  'mldsa87',
];

/**
 * What a Context needs from its caller besides the defaults: the wall clock, in milliseconds.
 * The core reads no clock of its own (DESIGN.md: sans-IO); the CLI passes src/net/clock.ts's.
 */
export type ContextOverrides = Partial<ContextOptions> & Pick<ContextOptions, 'now'>;

/** Library defaults: TLS 1.2–1.3, OpenSSL 3.5's groups and key shares, AUTO_RETRY on. */
export function defaultOptions(provider: CryptoProvider, now: () => number): ContextOptions {
  return {
    provider,
    minVersion: ProtocolVersion.TLS1_2,
    maxVersion: ProtocolVersion.TLS1_3,
    cipherSuites13: TLS13_SUITES.map((s) => s.id),
    cipherSuites12: TLS12_SUITES.map((s) => s.id),
    groups: ['X25519MLKEM768', 'x25519', 'secp256r1', 'secp384r1'],
    keyShareGroups: ['X25519MLKEM768', 'x25519'],
    signatureAlgorithms: DEFAULT_SIGALGS.flatMap((n) => sigSchemeByName(n)?.id ?? []),
    alpn: [],
    trustAnchors: [],
    verifyPeer: true,
    verifyFailIsFatal: true,
    mode: Mode.AUTO_RETRY,
    maxSendFragment: 16384,
    maxFragmentLength: 0,
    // RFC 8879, offered by default as OpenSSL 3.2+ does.
    certCompression: ['zlib', 'brotli', 'zstd'],
    now,
    securityLevel: 2,
    legacyServerConnect: true,
    // OpenSSL's client accepts a secure renegotiation whenever the server asks (no bound).
    renegotiation: 'freely',
    maxRenegotiations: Infinity,
    allowUnsafeLegacyRenegotiation: false,
  };
}

export class Context {
  readonly options: ContextOptions;
  /** The client session cache (SSL_SESS_CACHE_CLIENT); the bad-session rule removes from it. */
  readonly sessions = new SessionCache();

  constructor(provider: CryptoProvider, overrides: ContextOverrides) {
    this.options = { ...defaultOptions(provider, overrides.now), ...overrides };
    // A PSK without a suite list: the PSK suites join the default ones, ECDHE-PSK first (OpenSSL's
    // DEFAULT list keeps them and drops them only when no PSK is configured, ssl_cipher_disabled).
    if (overrides.psk && !overrides.cipherSuites12)
      this.options.cipherSuites12 = [...PSK_SUITES.map((s) => s.id), ...TLS12_SUITES.map((s) => s.id)];
  }

  /** SSL_CTX_set_mode: ORs bits in and returns the new mask. */
  setMode(bits: number): number {
    return (this.options.mode |= bits);
  }
  /** SSL_CTX_clear_mode: clears bits and returns the new mask. */
  clearMode(bits: number): number {
    return (this.options.mode &= ~bits);
  }
  /** SSL_CTX_get_mode. */
  getMode(): number {
    return this.options.mode;
  }
}
