/** TLS alert levels and descriptions (RFC 8446 §6, RFC 5246 §7.2), with OpenSSL's names. */

export const AlertLevel = { warning: 1, fatal: 2 } as const;

export enum AlertDescription {
  close_notify = 0,
  unexpected_message = 10,
  bad_record_mac = 20,
  decryption_failed = 21,
  record_overflow = 22,
  decompression_failure = 30,
  handshake_failure = 40,
  no_certificate = 41,
  bad_certificate = 42,
  unsupported_certificate = 43,
  certificate_revoked = 44,
  certificate_expired = 45,
  certificate_unknown = 46,
  illegal_parameter = 47,
  unknown_ca = 48,
  access_denied = 49,
  decode_error = 50,
  decrypt_error = 51,
  export_restriction = 60,
  protocol_version = 70,
  insufficient_security = 71,
  internal_error = 80,
  inappropriate_fallback = 86,
  user_canceled = 90,
  no_renegotiation = 100,
  missing_extension = 109,
  unsupported_extension = 110,
  certificate_unobtainable = 111,
  unrecognized_name = 112,
  bad_certificate_status_response = 113,
  bad_certificate_hash_value = 114,
  unknown_psk_identity = 115,
  certificate_required = 116,
  no_application_protocol = 120,
  /** RFC 9849 §11.2: the client offered ECH, the server used ClientHelloOuter. */
  ech_required = 121,
}

/** Name of an alert description as OpenSSL prints it; unknown values as "unknown(N)". */
export function alertName(d: number): string {
  const n = (AlertDescription as unknown as Record<number, string>)[d];
  return n ?? `unknown(${d})`;
}
