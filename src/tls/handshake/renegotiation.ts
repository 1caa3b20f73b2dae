/**
 * Secure renegotiation (RFC 5746): the renegotiation_info a TLS 1.0–1.2 ServerHello carries, and
 * what a server without it is (a legacy server) for the connection.
 */
import type { ServerHello } from '../codec/handshake.js';
import { findExtension, readRenegotiationInfo } from '../codec/extensions.js';
import { ExtensionType } from '../codec/registry.js';
import { AlertDescription } from '../codec/alerts.js';
import { concat, constantTimeEqual } from '../codec/bytes.js';
import { TlsAlert, illegalParameter } from '../errors.js';
import type { ContextOptions } from '../types.js';

/** Both Finished verify_data of a handshake: the next renegotiation_info (RFC 5746 §3.4, §3.5). */
export interface VerifyData {
  client: Uint8Array;
  server: Uint8Array;
}

/**
 * What a renegotiation must keep from the handshake before it: its verify_data for
 * renegotiation_info (RFC 5746 §3.4), whether it had secure renegotiation and EMS, and the
 * server's leaf certificate.
 */
export interface PreviousHandshake extends VerifyData {
  secure: boolean;
  ems: boolean;
  leaf: Uint8Array | null;
}

/**
 * EMS may not appear or disappear in a renegotiation (RFC 7627 §5.2's rule carried over, as
 * BoringSSL's RENEGOTIATION_EMS_MISMATCH): otherwise the triple-handshake attack's synchronised
 * master secrets return.
 */
export function checkRenegotiationEms(previous: PreviousHandshake | null, ems: boolean): void {
  if (previous && ems !== previous.ems) throw illegalParameter('renegotiation EMS mismatch');
}

/**
 * The server certificate may not change in a renegotiation (the triple-handshake attack,
 * https://mitls.org/pages/attacks/3SHAKE; BoringSSL SERVER_CERT_CHANGED with illegal_parameter).
 */
export function checkRenegotiationLeaf(previous: PreviousHandshake | null, leaf: Uint8Array): void {
  const before = previous?.leaf;
  if (before && !constantTimeEqual(before, leaf)) throw illegalParameter('server certificate changed in renegotiation');
}

/**
 * renegotiation_info in a ServerHello (RFC 5746 §3.4, §3.5): when present it must echo the
 * previous handshake's client and server verify_data (empty initially). A server without it is a
 * legacy server (§4.1): connected to, as OpenSSL with SSL_OP_LEGACY_SERVER_CONNECT, unless
 * `legacyServerConnect` is off (OpenSSL 3.0's default, "unsafe legacy renegotiation disabled").
 * In a renegotiation the server may not switch between omitting the extension and sending it
 * (§3.5, §4.2; BoringSSL ext_ri_parse_serverhello: RENEGOTIATION_MISMATCH either way); a legacy
 * server reaches a renegotiation only with allowUnsafeLegacyRenegotiation. Returns whether
 * secure renegotiation is supported.
 */
export function checkRenegotiationInfo(
  sh: ServerHello,
  previous: PreviousHandshake | null,
  legacyServerConnect: boolean,
): boolean {
  const ri = findExtension(sh.extensions, ExtensionType.renegotiation_info);
  if (previous && !!ri !== previous.secure)
    throw new TlsAlert(AlertDescription.handshake_failure, 'renegotiation mismatch');
  if (!ri) {
    if (!previous && !legacyServerConnect)
      throw new TlsAlert(AlertDescription.handshake_failure, 'unsafe legacy renegotiation disabled');
    return false;
  }
  const expected = previous ? concat(previous.client, previous.server) : new Uint8Array(0);
  if (!constantTimeEqual(readRenegotiationInfo(ri.data), expected))
    throw new TlsAlert(AlertDescription.handshake_failure, 'renegotiation mismatch');
  return true;
}

/** What the client does with a HelloRequest: renegotiate, drop it, or refuse it (the reason). */
export type HelloRequestAnswer =
  { k: 'renegotiate' } | { k: 'ignore' } | { k: 'defer' } | { k: 'refuse'; reason: string };

/**
 * The renegotiation policy on a HelloRequest after `completed` renegotiations (BoringSSL
 * ssl_can_renegotiate and ssl_do_renegotiate): 'ignore' drops it; 'never', a second one under
 * 'once' and one past maxRenegotiations are refused; 'explicit' defers it to the caller
 * (BoringSSL renegotiate_pending). `explicit` is true for the caller's own renegotiate(). A
 * server without secure renegotiation is refused too unless allowUnsafeLegacyRenegotiation
 * (RFC 5746 §4.2: "It is RECOMMENDED that clients refuse this renegotiation request", with
 * no_renegotiation).
 */
export function answerHelloRequest(
  o: ContextOptions,
  secure: boolean,
  completed: number,
  explicit = false,
): HelloRequestAnswer {
  const mode = o.renegotiation;
  if (mode === 'ignore') return { k: 'ignore' };
  if (mode === 'explicit' && !explicit) return { k: 'defer' };
  if (mode === 'never') return { k: 'refuse', reason: 'renegotiation refused (renegotiation disabled)' };
  const limit = mode === 'once' ? 1 : o.maxRenegotiations;
  if (completed >= limit)
    return { k: 'refuse', reason: `renegotiation refused (limit of ${limit} per connection reached)` };
  if (!secure && !o.allowUnsafeLegacyRenegotiation)
    return {
      k: 'refuse',
      reason: 'renegotiation refused: the server does not support secure renegotiation (RFC 5746)',
    };
  return { k: 'renegotiate' };
}
