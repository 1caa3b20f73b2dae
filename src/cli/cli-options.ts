/**
 * The validated command line as the run loop sees it. A module of its own so that options.ts
 * (the parser) and option-values.ts (the value checks it calls) both
 * import it without importing
 * each other.
 */
import type { GroupName, SupportedVersion } from '../tls/codec/names.js';
import type { CertCompressionName } from '../tls/codec/sigschemes.js';
import type { CertificateOptions } from './options-x509.js';
import type { Tls13ExtraOptions } from './options-tls13.js';
import type { PskCliOptions } from './options-psk.js';
import type { StartTlsProtocol } from '../net/starttls-conversation.js';

export { STARTTLS_PROTOCOLS, type StartTlsProtocol } from '../net/starttls-conversation.js';
export type OutputMode = 'report' | 'brief' | 'json' | 'quiet';
/** A version the command line can ask for: TLS 1.0 to 1.3 (ProtocolVersion in codec/names.ts). */
export type TlsVersion = SupportedVersion;

/** Everything the run loop needs, validated; lists are null when the library default applies. */
export interface CliOptions extends ScriptOptions, CertificateOptions, EchCliOptions, Tls13ExtraOptions, PskCliOptions {
  /** Host name or IP literal (IPv6 without brackets). */
  host: string;
  port: number;
  /** 4 or 6 when host is an IP literal, else 0. */
  hostIp: 0 | 4 | 6;
  /** The target as the user would write it: "example.com:443", "[::1]:8443". */
  target: string;
  /** SNI to send; null with --no-servername or for an IP-literal host. */
  servername: string | null;
  /** Name (or IP) the certificate is verified against: --servername, else the host. */
  verifyHost: string;
  alpn: string[];
  minVersion: TlsVersion;
  maxVersion: TlsVersion;
  groups: GroupName[] | null;
  /** TLS 1.3 suite ids (--ciphersuites). */
  ciphersuites: number[] | null;
  /** TLS 1.2 suite ids (--cipher). */
  cipher: number[] | null;
  /** OpenSSL security level (--seclevel or --cipher ...:@SECLEVEL=n), null for the default (2). */
  securityLevel: number | null;
  /** Connect to servers without renegotiation_info (default; --no-legacy-server-connect refuses them). */
  legacyServerConnect: boolean;
  /** Accept server-initiated TLS 1.2 renegotiation (default; --no-renegotiation refuses it). */
  renegotiation: boolean;
  /** Renegotiate with servers without renegotiation_info (--legacy-renegotiation). */
  legacyRenegotiation: boolean;
  /** Signature scheme ids (--sigalgs). */
  sigalgs: number[] | null;
  connectTimeoutMs: number;
  /** Idle limit in ms (--timeout); null: none. */
  timeoutMs: number | null;
  cert: string | null;
  key: string | null;
  starttls: StartTlsProtocol | null;
  crypto: 'node' | 'noble';
  cafile: string | null;
  capath: string | null;
  insecure: boolean;
  verifyReturnError: boolean;
  showcerts: boolean;
  sessOut: string | null;
  sessIn: string | null;
  ticketWaitMs: number;
  /** Reconnections after the first handshake; 0 without --reconnect. */
  reconnect: number;
  expectResume: boolean;
  partialWrite: boolean;
  acceptMovingWriteBuffer: boolean;
  autoRetry: boolean;
  releaseBuffers: boolean;
  /** SSL_MODE_* mask built from the four mode flags. */
  mode: number;
  maxSendFragment: number;
  /** RFC 6066 length to request (0: none) and its extension code 1..4 (0: none). */
  maxFragmentLength: 0 | 512 | 1024 | 2048 | 4096;
  /** --cert-compression list, [] for --no-cert-compression, null for the default (all). */
  certCompression: CertCompressionName[] | null;
  maxFragmentLengthCode: 0 | 1 | 2 | 3 | 4;
  /** Emulated socket send buffer in bytes; null: the real socket. */
  sndbuf: number | null;
  ioTrace: boolean;
  output: OutputMode;
  msg: boolean;
  trace: boolean;
  state: boolean;
  /** --keylogfile, else $SSLKEYLOGFILE, else null. */
  keylogfile: string | null;
  /** --color: true, --no-color: false, neither: null (decided by useColor). */
  color: boolean | null;
  ignEof: boolean;
  crlf: boolean;
}

/** Where the HTTP CONNECT proxy listens, and the Basic credentials for it. */
export interface ProxyOptions {
  host: string;
  port: number;
  /** "host:port" / "[::1]:port", for messages. */
  target: string;
  /** Basic credentials (RFC 7617), or null to send none. */
  user: string | null;
  password: string | null;
}

/** The CliOptions fields this module decides. */
export interface ScriptOptions {
  /** -4 / -6: only that address family is tried (0: either). */
  family: 0 | 4 | 6;
  /** --proxy: tunnel through this HTTP CONNECT proxy; null: connect directly. */
  proxy: ProxyOptions | null;
  /** Stdin lines R, K, k, Q are commands, as in s_client (false: --no-interactive, -nocommands). */
  interactive: boolean;
  /** --xmpphost: the XMPP stream's 'to' (default: the server name). */
  xmppHost: string | null;
  /** --starttls-name: the name said in SMTP EHLO / LMTP LHLO (s_client -name). */
  starttlsName: string | null;
  /** --status: ask for a stapled OCSP response, verify and print it. */
  status: boolean;
  /** --save-ocsp: write the stapled response (DER) here; implies --status. */
  saveOcsp: string | null;
  /** --keymatexport / --keymatexportlen: export keying material with this label and length. */
  keymatexport: { label: string; length: number } | null;
}

/** What the ECH flags ask for. */
/** (options-ech.ts checks these.) */
export interface EchCliOptions {
  /** --ech-config-list: the ECHConfigList to offer; null: no real ECH. */
  echConfigList: Uint8Array | null;
  /** --ech-outer-sni: ClientHelloOuter's server_name instead of the config's public_name. */
  echOuterSni: string | null;
  /** --ech-grease: a GREASE encrypted_client_hello (RFC 9849 §6.2). */
  echGrease: boolean;
}
