/**
 * Code-point registries of the handshake layer, one table each: handshake message types (RFC 8446
 * §4, RFC 5246 §7.4), extension types (IANA "TLS ExtensionType Values") and max_fragment_length
 * codes (RFC 6066 §4). Protocol versions, suites, groups and signature schemes are in names.ts.
 */

/** HandshakeType (RFC 8446 §4, RFC 5246 §7.4). */
export const HandshakeType = {
  hello_request: 0,
  client_hello: 1,
  server_hello: 2,
  new_session_ticket: 4,
  end_of_early_data: 5,
  encrypted_extensions: 8,
  certificate: 11,
  server_key_exchange: 12,
  certificate_request: 13,
  server_hello_done: 14,
  certificate_verify: 15,
  client_key_exchange: 16,
  finished: 20,
  certificate_status: 22,
  key_update: 24,
  compressed_certificate: 25,
  message_hash: 254,
} as const;

/** Handshake message names as s_client's -msg prints them, keyed by HandshakeType. */
const HANDSHAKE_NAMES = new Map<number, string>([
  [HandshakeType.hello_request, 'HelloRequest'],
  [HandshakeType.client_hello, 'ClientHello'],
  [HandshakeType.server_hello, 'ServerHello'],
  [HandshakeType.new_session_ticket, 'NewSessionTicket'],
  [HandshakeType.end_of_early_data, 'EndOfEarlyData'],
  [HandshakeType.encrypted_extensions, 'EncryptedExtensions'],
  [HandshakeType.certificate, 'Certificate'],
  [HandshakeType.server_key_exchange, 'ServerKeyExchange'],
  [HandshakeType.certificate_request, 'CertificateRequest'],
  [HandshakeType.server_hello_done, 'ServerHelloDone'],
  [HandshakeType.certificate_verify, 'CertificateVerify'],
  [HandshakeType.client_key_exchange, 'ClientKeyExchange'],
  [HandshakeType.finished, 'Finished'],
  [HandshakeType.certificate_status, 'CertificateStatus'],
  [HandshakeType.key_update, 'KeyUpdate'],
  [HandshakeType.compressed_certificate, 'CompressedCertificate'],
  [HandshakeType.message_hash, 'MessageHash'],
]);

/** Message name as s_client's -msg prints it (e.g. "ClientHello"). */
export function handshakeName(type: number): string {
  return HANDSHAKE_NAMES.get(type) ?? `UnknownHandshake(${type})`;
}

/**
 * ExtensionType (IANA registry). use_srtp, heartbeat and the certificate types are never sent by
 * us but are recognized, which decides their alert (RFC 8446 §4.2; see handshake/negotiated.ts).
 */
export const ExtensionType = {
  server_name: 0,
  max_fragment_length: 1,
  status_request: 5,
  supported_groups: 10,
  ec_point_formats: 11,
  signature_algorithms: 13,
  use_srtp: 14,
  heartbeat: 15,
  application_layer_protocol_negotiation: 16,
  signed_certificate_timestamp: 18,
  client_certificate_type: 19,
  server_certificate_type: 20,
  padding: 21,
  compress_certificate: 27,
  encrypt_then_mac: 22,
  extended_master_secret: 23,
  record_size_limit: 28,
  session_ticket: 35,
  pre_shared_key: 41,
  early_data: 42,
  supported_versions: 43,
  cookie: 44,
  psk_key_exchange_modes: 45,
  certificate_authorities: 47,
  post_handshake_auth: 49,
  signature_algorithms_cert: 50,
  key_share: 51,
  // RFC 9849 §11.1: ech_outer_extensions (ClientHelloInner only) and encrypted_client_hello.
  ech_outer_extensions: 0xfd00,
  encrypted_client_hello: 0xfe0d,
  renegotiation_info: 0xff01,
} as const;

const EXTENSION_NAMES = new Map<number, string>(Object.entries(ExtensionType).map(([k, v]) => [v, k]));

/**
 * Whether we recognize an extension type (RFC 8446 §4.2: a recognized extension in a message it
 * is not specified for is illegal_parameter; an unrecognized one we never sent is unsupported_extension).
 */
export function isRecognizedExtension(type: number): boolean {
  return EXTENSION_NAMES.has(type);
}

/** The extension's RFC name, or "unknown(N)". */
export function extensionName(type: number): string {
  return EXTENSION_NAMES.get(type) ?? `unknown(${type})`;
}

/** max_fragment_length codes (RFC 6066 §4): code n means 2^(8+n) bytes of plaintext. */
export const MaxFragmentLength = {
  512: 1,
  1024: 2,
  2048: 3,
  4096: 4,
} as const;
export type MaxFragmentLengthCode = (typeof MaxFragmentLength)[keyof typeof MaxFragmentLength];

/** The plaintext limit a max_fragment_length code stands for (RFC 6066 §4), or undefined. */
export function maxFragmentLengthBytes(code: number): number | undefined {
  for (const [bytes, c] of Object.entries(MaxFragmentLength)) if (c === code) return Number(bytes);
  return undefined;
}
