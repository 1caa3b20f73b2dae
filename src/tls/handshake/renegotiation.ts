/**
 * Secure renegotiation (RFC 5746): the renegotiation_info a TLS 1.0–1.2 ServerHello carries, and
 * what a server without it is (a legacy server) for the connection.
 */
import type { ServerHello } from '../codec/handshake.js';
import { findExtension, readRenegotiationInfo } from '../codec/extensions.js';
import { ExtensionType } from '../codec/registry.js';
import { AlertDescription } from '../codec/alerts.js';
import { concat, constantTimeEqual } from '../codec/bytes.js';
import { TlsAlert } from '../errors.js';

/**
 * renegotiation_info in a ServerHello (RFC 5746 §3.4, §3.5): when present it must echo the
 * previous handshake's client and server verify_data (empty initially). A server without it is a
 * legacy server (§4.1): connected to, as OpenSSL with SSL_OP_LEGACY_SERVER_CONNECT, unless
 * `legacyServerConnect` is off (OpenSSL 3.0's default, "unsafe legacy renegotiation disabled");
 * in a renegotiation it is always refused. Returns whether secure renegotiation is supported.
 */
export function checkRenegotiationInfo(
  sh: ServerHello,
  previous: { client: Uint8Array; server: Uint8Array } | null,
  legacyServerConnect: boolean,
): boolean {
  const ri = findExtension(sh.extensions, ExtensionType.renegotiation_info);
  if (!ri) {
    if (previous || !legacyServerConnect)
      throw new TlsAlert(AlertDescription.handshake_failure, 'unsafe legacy renegotiation disabled');
    return false;
  }
  const expected = previous ? concat(previous.client, previous.server) : new Uint8Array(0);
  if (!constantTimeEqual(readRenegotiationInfo(ri.data), expected))
    throw new TlsAlert(AlertDescription.handshake_failure, 'renegotiation mismatch');
  return true;
}
