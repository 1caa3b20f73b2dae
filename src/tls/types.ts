/**
 * Types shared by the core and its callers: the transport (OpenSSL's BIO), SSL_get_error classes,
 * modes, and the facts a report shows about a connection.
 */
import type { CryptoProvider } from './crypto/provider.js';
import type { GroupName, SupportedVersion } from './codec/names.js';
import type { CertCompressionName } from './codec/sigschemes.js';
import type { VerifyOptions, VerifyWarning } from './x509/verify.js';
import type { CertInfo } from './x509/cert-info.js';

export type { CertInfo } from './x509/cert-info.js';

/** OpenSSL SSL_MODE_* bits (include/openssl/ssl.h.in). */
export const Mode = {
  ENABLE_PARTIAL_WRITE: 0x1,
  ACCEPT_MOVING_WRITE_BUFFER: 0x2,
  AUTO_RETRY: 0x4,
  RELEASE_BUFFERS: 0x10,
} as const;

/** SSL_get_error() classes with OpenSSL's numeric values. */
export enum SslError {
  NONE = 0,
  SSL = 1,
  WANT_READ = 2,
  WANT_WRITE = 3,
  SYSCALL = 5,
  ZERO_RETURN = 6,
  /** BoringSSL's SSL_ERROR_WANT_RENEGOTIATE: renegotiation 'explicit' got a HelloRequest; call renegotiate(). */
  WANT_RENEGOTIATE = 19,
}

/** Result of a transport write: bytes taken, would-block, or an errno-like failure. */
export type TransportWrite = { n: number } | { wouldBlock: true } | { error: string; errno: number };
/** Result of a transport read: bytes, would-block, EOF, or an errno-like failure. */
export type TransportRead =
  { data: Uint8Array } | { wouldBlock: true } | { eof: true } | { error: string; errno: number };

/**
 * The byte pipe under a connection (OpenSSL's BIO). Synchronous and non-blocking: the caller's
 * event loop feeds it and re-drives the connection when it reports would-block.
 */
export interface Transport {
  /** Takes up to bytes.length bytes (a short count is retried by the caller at once). */
  write(bytes: Uint8Array): TransportWrite;
  /**
   * Optional: takes the chunks in order as one write would take their concatenation (a short count
   * may end inside any chunk). A chunk given as a list is one chunk in parts (a record sealed in
   * parts), taken as that one chunk would be. The caller never changes the chunks afterwards, so
   * it may keep views of them (no copy).
   */
  writev?(chunks: readonly (Uint8Array | readonly Uint8Array[])[]): TransportWrite;
  /**
   * Optional: true when the transport keeps no view of any chunk written so far (all of them have
   * gone where they were going: a socket has handed them to the kernel). The record layer may then
   * write over the memory of records already written (issue 14: no garbage per record). A
   * transport that keeps views, or cannot tell, leaves it out, and every record is fresh memory.
   */
  readonly holdsNoChunks?: boolean;
  /**
   * Returns up to `max` bytes that have arrived. The bytes must stay unchanged until the next read:
   * the record layer opens a record that came whole in one read where it lies, without a copy.
   */
  read(max: number): TransportRead;
}

/** One entry of the per-connection error queue (OpenSSL's ERR queue). */
export interface ErrorEntry {
  /** "SSL" for libssl reasons, "SYS" for system errors (ERR_LIB_SYS). */
  lib: 'SSL' | 'SYS';
  /** OpenSSL-style reason text, e.g. "bad write retry" or "Broken pipe". */
  reason: string;
  /** For SYS entries: the errno. */
  errno?: number;
  /** Free-form data, e.g. "tls_retry_write_records failure". */
  data?: string;
  /** The function name OpenSSL would show. */
  func?: string;
}

/** Direction of a traced record/message. */
export type Direction = 'sent' | 'received';

/** A protocol message as seen by --msg/--trace: a handshake message, alert or CCS. */
export interface MessageEvent {
  direction: Direction;
  /** Record-layer version the message travelled under (0x0301..0x0304). */
  version: number;
  /** 20 CCS, 21 alert, 22 handshake, 23 application data, 256 record header (s_client prints it as such). */
  contentType: number;
  /** The message bytes (handshake header included). */
  bytes: Uint8Array;
  /** Human name, e.g. "ClientHello", "Alert warning close_notify". */
  name: string;
}

/** What a report needs to know about a finished (or failed) connection. */
export interface ConnectionInfo {
  /** The negotiated ProtocolVersion (codec/names.ts), null before ServerHello. */
  version: number | null;
  /** Negotiated suite id. */
  cipherSuite: number | null;
  /** Key-exchange group (IANA id). */
  group: number | null;
  /** "full", "full-hrr" or "resumed". */
  handshake: 'full' | 'full-hrr' | 'resumed' | null;
  resumed: boolean;
  alpn: string | null;
  /** SNI sent (null with --no-servername / IP targets). */
  servername: string | null;
  /** Server acknowledged SNI (empty server_name in EE / ServerHello). */
  sniAcknowledged: boolean;
  peerCertificates: CertInfo[];
  verify: {
    ok: boolean;
    code: number;
    message: string;
    depth: number;
    /** A failed profile rule and its section, e.g. "DSA public key (BR 6.1.5)". */
    rule?: string;
    /** Pedantic BR/RFC 5280 rules the chain breaks (reported, not fatal, without --x509-strict). */
    warnings?: VerifyWarning[];
  };
  /** The scheme the server signed with (CertificateVerify / ServerKeyExchange). */
  peerSignatureScheme: number | null;
  /** TLS 1.0/1.1 RSA ServerKeyExchange signature: MD5 || SHA-1, which has no scheme id (RFC 2246 §7.4.3). */
  peerSignatureMd5Sha1: boolean;
  /** DHE: the size in bits of the server's prime ("Server Temp Key: DH, 2048 bits"); null otherwise. */
  dhBits: number | null;
  /** NewSessionTickets received so far. */
  tickets: number;
  /** TLS 1.2: extended master secret; secure renegotiation. */
  extendedMasterSecret: boolean;
  secureRenegotiation: boolean;
  /** Bytes of TLS records read and written during the handshake (s_client's "SSL handshake has read"). */
  handshakeBytes: { read: number; written: number };
  /** Application bytes over the connection's life. */
  appBytes: { read: number; written: number };
  /** Whether a client certificate was requested / sent. */
  clientCertRequested: boolean;
  clientCertSent: boolean;
  /**
   * The server's CertificateRequest: its certificate_types (TLS 1.0-1.2; SSL_get0_certificate_types)
   * and the signature schemes it accepts from us (SSL_get0_peer_verify_algorithms; none before TLS 1.2).
   */
  certificateRequest?: {
    certificateTypes: number[];
    signatureAlgorithms: number[];
    /** Those of signatureAlgorithms we can sign with, in the server's order (SSL_get_shared_sigalgs). */
    sharedSignatureAlgorithms?: number[];
  };
  /** CA names the server listed in CertificateRequest (s_client prints them). */
  clientCaNames: string[];
  /** TLS 1.2 "Master-Key" / 1.3 nothing; hex of the session ID. */
  sessionId: Uint8Array;
  /** Max record plaintext length in force for sending. */
  maxSendFragment: number;
  /** Early data status (TLS 1.3 0-RTT, SSL_get_early_data_status). */
  earlyData: 'not sent' | 'rejected' | 'accepted';
  /** max_early_data_size of the ticket this connection offered (0: none, or it allows no early data). */
  maxEarlyData: number;
  /** Bytes sent as early data (whether or not the server accepted them). */
  earlyDataSent: number;
  /** The OCSP response the server stapled (DER; TLS 1.2 CertificateStatus or TLS 1.3 entry), if any. */
  ocspResponse?: Uint8Array;
  /** The server's SignedCertificateTimestampList (RFC 6962 §3.3), when asked for and sent. */
  signedCertificateTimestamps?: Uint8Array;
  /** A TLS 1.2 PSK suite: the identity we sent and the server's non-empty hint (SSL_SESSION_print's "PSK identity"). */
  pskIdentity?: string;
  pskIdentityHint?: string;
  /**
   * TLS 1.0-1.2: the verify_data of the first Finished of the latest handshake (ours in a full
   * handshake, the server's in a resumption), the tls-unique channel binding (RFC 5929 §3.1).
   */
  tlsUnique?: Uint8Array;
  /**
   * TLS 1.0-1.2 with ContextOptions.ignoreRsaKeyUsage: the RSA leaf's keyUsage did not allow its use
   * and was let through (BoringSSL SSL_was_key_usage_invalid).
   */
  keyUsageInvalid?: boolean;
  /** RFC 8879: the server's certificate arrived compressed (algorithm, announced and received lengths). */
  certificateCompression: { algorithm: string; uncompressedLength: number; compressedLength: number } | null;
  /** Warning alerts received and tolerated (TLS 1.2: e.g. unrecognized_name), by name, in order. */
  warningAlerts: string[];
  /** TLS 1.2 renegotiations completed (SSL_num_renegotiations). */
  renegotiations: number;
  /** RFC 9849: what became of ECH (see EchInfo). */
  ech: EchInfo;
}

/**
 * ECH's outcome (RFC 9849): 'accepted' (the server used ClientHelloInner), 'rejected' (it used
 * ClientHelloOuter; the handshake is verified for the outer name and ends in ech_required),
 * 'grease' (a GREASE extension went out, §6.2), 'not offered'.
 */
export interface EchInfo {
  status: 'accepted' | 'rejected' | 'grease' | 'not offered';
  /** The server_name of ClientHelloOuter (the config's public_name unless overridden); null without ECH. */
  outerServerName: string | null;
  /** The ECHConfigList the server sent in EncryptedExtensions after a rejection (§6.1.6), as received. */
  retryConfigs: Uint8Array | null;
}

/** ECH for the client (RFC 9849 §6.1, §6.2). */
export interface EchOptions {
  /** An ECHConfigList (§4); its first usable config is offered. */
  configList?: Uint8Array;
  /** The outer server_name instead of the config's public_name (also the name a rejection is verified for). */
  outerServerName?: string;
  /** Send a GREASE encrypted_client_hello when no config is offered (§6.2). */
  grease?: boolean;
}

/** What a verify callback (ContextOptions.verifyCallback) is told. */
export interface VerifyCallbackInput {
  /** The server's chain as sent (DER, leaf first); on a resumption, the session's leaf. */
  chain: readonly Uint8Array[];
  /** The built-in verification's X509_V_ERR code (0 = ok), or the stored one on a resumption. */
  code: number;
  /** The stapled OCSP response, when the server sent one (TLS 1.2 CertificateStatus comes before the verdict). */
  ocspResponse: Uint8Array | undefined;
  resumed: boolean;
}

/** Options that a Context carries to every connection it creates. */
export interface ContextOptions {
  provider: CryptoProvider;
  /** Lowest and highest protocol version offered. */
  minVersion: SupportedVersion;
  maxVersion: SupportedVersion;
  /** TLS 1.3 suites in preference order (IANA ids). */
  cipherSuites13: number[];
  /** TLS 1.2 suites in preference order (IANA ids). */
  cipherSuites12: number[];
  /**
   * External PSK for the TLS 1.2 PSK suites (RFC 4279 §2, RFC 5489): the identity sent in the
   * ClientKeyExchange and the key. PSK suites are offered only when this is set (s_client -psk).
   */
  psk?: { identity: string | Uint8Array; key: Uint8Array };
  /** supported_groups in preference order. */
  groups: GroupName[];
  /** Groups we send a key share for in the first ClientHello (the rest via HRR). */
  keyShareGroups: GroupName[];
  /** signature_algorithms in preference order (IANA ids). */
  signatureAlgorithms: number[];
  /**
   * The schemes our client certificate may sign with, in preference order (IANA ids), apart from
   * the list we verify with (BoringSSL SSL_set_signing_algorithm_prefs); unset: signatureAlgorithms.
   */
  signingAlgorithms?: number[];
  alpn: string[];
  /**
   * The largest handshake message accepted, the server's Certificate being the one that grows
   * (OpenSSL and BoringSSL SSL_CTX_set_max_cert_list; raised to 16384 if below). Unset: 256 KiB.
   * A larger message is illegal_parameter ("excessive message size").
   */
  maxCertList?: number;
  /**
   * GREASE (RFC 8701): random reserved values in our ClientHello's cipher suites, supported_groups,
   * key_share, supported_versions and two extensions, so servers that choke on unknown values show
   * up (BoringSSL SSL_CTX_set_grease_enabled). Default false.
   */
  grease?: boolean;
  /**
   * Send our ClientHello extensions in an order drawn from the client random, pre_shared_key still
   * last (BoringSSL SSL_set_permute_extensions; Chrome's default). Default false: OpenSSL's order.
   */
  permuteExtensions?: boolean;
  /**
   * Send TLS_FALLBACK_SCSV (RFC 7507; s_client -fallback_scsv, BoringSSL SSL_set_mode
   * SSL_MODE_SEND_FALLBACK_SCSV): this connection is a retry with a lowered maximum version.
   */
  fallbackScsv?: boolean;
  /**
   * Accept a protocol the server selected that we did not offer (RFC 7301 §3.2 says to refuse it;
   * BoringSSL SSL_CTX_set_allow_unknown_alpn_protos). Default false: illegal_parameter.
   */
  allowUnknownAlpn?: boolean;
  /** Trust anchors as DER certificates; empty means nothing is trusted. */
  trustAnchors: Uint8Array[];
  /** Verify the chain (on by default). When false verification still runs and is reported. */
  verifyPeer: boolean;
  /** Abort the handshake on a verification failure (default true; --insecure sets false). */
  verifyFailIsFatal: boolean;
  /**
   * The application's verdict on the server's certificate (OpenSSL's SSL_CTX_set_verify callback,
   * BoringSSL's SSL_CTX_set_cert_verify_callback): called once per handshake that verifies, after the
   * built-in verification, with its result; returns the X509_V_ERR code that counts (0 accepts). With
   * verifyPeer and verifyFailIsFatal a non-zero code aborts the handshake, as any verify failure.
   * It may throw a TlsAlert to abort with that alert whatever the verify mode (BoringSSL's custom
   * verify callback setting out_alert; an OCSP status callback's bad_certificate_status_response).
   */
  verifyCallback?: (v: VerifyCallbackInput) => number;
  /**
   * Run the verify verdict again on a resumption (BoringSSL SSL_CTX_set_reverify_on_resume): the
   * callback is asked with the session's stored result and chain (leaf only), and a failure is fatal
   * as on a full handshake. Default false: a resumption keeps the stored result.
   */
  reverifyOnResume?: boolean;
  /** Ask for the server's SCT list (signed_certificate_timestamp, RFC 6962 §3.3.1); default false. */
  signedCertificateTimestamps?: boolean;
  /** Ask for a stapled OCSP response (status_request, RFC 6066 §8); default false. */
  statusRequest?: boolean;
  /** Verification profile, CRLs and CRL checking (--x509-strict, --crl, --crl-check[-all]). */
  verifyOptions?: VerifyOptions;
  /**
   * TLS 1.3 post-handshake client authentication (RFC 8446 §4.6.2; OpenSSL
   * SSL_set_post_handshake_auth): offer post_handshake_auth and answer a CertificateRequest after
   * the handshake with clientCertificate, or an empty Certificate. Default false: such a request
   * is unexpected_message.
   */
  postHandshakeAuth?: boolean;
  /** Client certificate chain (DER, leaf first) and PKCS#8 key. */
  clientCertificate?: { chain: Uint8Array[]; key: Uint8Array };
  /** Initial SSL_MODE_* mask for connections. */
  mode: number;
  /** 512..16384. */
  maxSendFragment: number;
  /** RFC 6066 max_fragment_length code 1..4 to request, or 0. */
  maxFragmentLength: 0 | 1 | 2 | 3 | 4;
  /** RFC 8879 algorithms offered in compress_certificate (TLS 1.3), in preference order; [] offers none. */
  certCompression: CertCompressionName[];
  /** Wall clock in milliseconds (injectable for tests; the core reads no clock otherwise). */
  now: () => number;
  /**
   * OpenSSL security level 0..5 (SSL_CTX_set_security_level; default 2): the floor on DHE groups
   * (2048 bits at level 2) and on certificate keys and signatures.
   */
  securityLevel: number;
  /**
   * Connect to a TLS 1.0–1.2 server that does not send renegotiation_info (RFC 5746 §4.1; OpenSSL's
   * SSL_OP_LEGACY_SERVER_CONNECT). Default true; such a server is never renegotiated with.
   */
  legacyServerConnect: boolean;
  /**
   * TLS 1.0-1.2: accept an RSA server leaf whose keyUsage forbids its use (digitalSignature for
   * ECDHE/DHE, keyEncipherment for RSA key exchange) and only report it (keyUsageInvalid), as
   * BoringSSL's SSL_set_enforce_rsa_key_usage(0). Default false: refused (unsupported_certificate).
   * TLS 1.3 and ECDSA/EdDSA leaves are always checked.
   */
  ignoreRsaKeyUsage?: boolean;
  /**
   * What the client does with a TLS 1.2 HelloRequest (BoringSSL's ssl_renegotiate_mode_t): 'never'
   * refuses it, 'once' accepts the first one, 'freely' every one (up to maxRenegotiations),
   * 'ignore' drops it, 'explicit' makes SSL_read return WANT_RENEGOTIATE until the caller calls
   * renegotiate(). A refusal is a no_renegotiation alert that ends the connection, as BoringSSL's
   * ssl_do_renegotiate sends it. Default 'freely', as OpenSSL accepts a secure one.
   */
  renegotiation: RenegotiationMode;
  /** Renegotiations accepted per connection before the next HelloRequest is refused (default: no bound). */
  maxRenegotiations: number;
  /**
   * Renegotiate with a server that did not send renegotiation_info (OpenSSL's
   * SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION). Default false: RFC 5746 §4.2 recommends refusing.
   */
  allowUnsafeLegacyRenegotiation: boolean;
  /** Encrypted Client Hello (RFC 9849); unset: not offered. */
  ech?: EchOptions;
}

/** A TLS 1.2 client's answer to HelloRequest (BoringSSL SSL_set_renegotiate_mode). */
export type RenegotiationMode = 'never' | 'once' | 'freely' | 'ignore' | 'explicit';
