/**
 * The client's side of the TLS 1.2 pre-shared key exchanges: plain PSK (RFC 4279 §2) and
 * ECDHE_PSK (RFC 5489 §2). Neither has a Certificate; the ServerKeyExchange carries a
 * psk_identity_hint (optional for plain PSK), and the ClientKeyExchange our psk_identity.
 * Sans-IO: bytes in, bytes out, crypto through the provider.
 */
import type { CryptoProvider } from '../crypto/provider.js';
import { Reader, Writer, utf8 } from '../codec/bytes.js';
import { groupById, type NamedGroup } from '../codec/names.js';
import { TlsAlert, decodeError, illegalParameter } from '../errors.js';
import { AlertDescription } from '../codec/alerts.js';
import { HandshakeType } from '../codec/registry.js';
import type { ConnectionInfo, ContextOptions } from '../types.js';

/** PSK_MAX_IDENTITY_LEN of OpenSSL's and BoringSSL's ssl.h. */
const PSK_MAX_IDENTITY_LEN = 128;

/** What the server's ServerKeyExchange (or its absence, for plain PSK) gave us to answer. */
export type PskServerKx =
  | { kind: 'psk'; hint: Uint8Array | null }
  | { kind: 'ecdhe_psk'; hint: Uint8Array; group: NamedGroup; point: Uint8Array };

/**
 * A PSK suite's ServerKeyExchange: psk_identity_hint<0..2^16-1> (RFC 4279 §2), followed for
 * ECDHE_PSK by ServerECDHParams (RFC 5489 §2), unsigned. The group must be one we offered.
 */
export function readPskServerKeyExchange(
  o: ContextOptions,
  info: ConnectionInfo,
  ecdhe: boolean,
  body: Uint8Array,
): PskServerKx {
  const r = new Reader(body, 'ServerKeyExchange');
  const hint = r.vec16();
  // OpenSSL tls_process_ske_psk_preamble and BoringSSL: at most PSK_MAX_IDENTITY_LEN (128) bytes;
  // BoringSSL also refuses a NUL, as the hint is kept as a C string.
  if (hint.length > PSK_MAX_IDENTITY_LEN || hint.includes(0))
    throw new TlsAlert(AlertDescription.handshake_failure, 'psk identity hint too long or with a NUL byte');
  // BoringSSL keeps an empty hint as none (ExplicitEmptyPSKHint); OpenSSL's prints as none too.
  if (hint.length > 0) info.pskIdentityHint = new TextDecoder().decode(hint);
  if (!ecdhe) {
    r.end();
    return { kind: 'psk', hint };
  }
  if (r.u8() !== 3) throw decodeError('ServerKeyExchange: only named_curve is supported');
  const group = groupById(r.u16());
  const point = r.vec8(1);
  r.end();
  if (!group || group.name === 'X25519MLKEM768' || !o.groups.includes(group.name))
    throw illegalParameter('server chose a group we did not offer');
  info.group = group.id;
  return { kind: 'ecdhe_psk', hint, group, point };
}

/**
 * A PSK suite's message after ServerHello (RFC 4279 §2, RFC 5489 §2): no Certificate; a
 * ServerKeyExchange with the identity hint (required for ECDHE_PSK), or straight to ServerHelloDone
 * for plain PSK. Returns what our ClientKeyExchange answers, or null for any other message.
 */
export function pskServerMessage(
  o: ContextOptions,
  info: ConnectionInfo,
  ecdhe: boolean,
  type: number,
  body: Uint8Array,
): PskServerKx | null {
  // The PSK authenticates the server; no certificate to verify (OpenSSL's verify_result stays X509_V_OK).
  info.verify = { ok: true, code: 0, message: 'ok', depth: 0 };
  const id = o.psk?.identity;
  if (id !== undefined) info.pskIdentity = typeof id === 'string' ? id : new TextDecoder().decode(id);
  if (type === HandshakeType.server_key_exchange) return readPskServerKeyExchange(o, info, ecdhe, body);
  return type === HandshakeType.server_hello_done && !ecdhe ? { kind: 'psk', hint: null } : null;
}

/** The identity as sent: a string in UTF-8 (s_client's -psk_identity), bytes as given. */
function identityBytes(identity: string | Uint8Array): Uint8Array {
  return typeof identity === 'string' ? utf8(identity) : identity;
}

/**
 * Our ClientKeyExchange and pre-master secret (RFC 4279 §2): psk_identity<0..2^16-1>, then for
 * ECDHE_PSK our ECPoint (RFC 5489 §2). pre-master = uint16 len(other) || other || uint16 len(psk)
 * || psk, where other is len(psk) zero bytes for plain PSK and the ECDH shared secret for ECDHE_PSK.
 */
export function pskClientKeyExchange(
  p: CryptoProvider,
  o: ContextOptions,
  kx: PskServerKx,
): { preMaster: Uint8Array; body: Uint8Array } {
  const psk = o.psk;
  if (!psk) throw new TlsAlert(AlertDescription.internal_error, 'PSK suite without a PSK');
  const w = new Writer().vec16(identityBytes(psk.identity));
  let other: Uint8Array;
  if (kx.kind === 'ecdhe_psk') {
    const share = p.generateKeyShare(kx.group.name);
    other = share.computeSecret(kx.point);
    w.vec8(share.publicKey);
  } else {
    other = new Uint8Array(psk.key.length);
  }
  return { preMaster: new Writer().vec16(other).vec16(psk.key).finish(), body: w.finish() };
}
