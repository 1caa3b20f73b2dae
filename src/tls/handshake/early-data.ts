/**
 * TLS 1.3 0-RTT on the client (RFC 8446 §2.3, §4.2.10): when to offer early data, sending it
 * under client_early_traffic_secret right after the ClientHello, and the checks on the server's
 * answer. Early data has no forward secrecy and can be replayed by an attacker (RFC 8446 §8,
 * Appendix E.5): the caller asks for it explicitly (ClientParams.earlyData); nothing is sent
 * early by default.
 */
import type { HandshakeHost } from './host.js';
import type { EarlyOffer, HelloOutcome } from './hello-outcome.js';
import type { ConnectionInfo } from '../types.js';
import { findExtension, ExtensionType, type Extension } from '../codec/extensions.js';
import { deriveSecret, KeySchedule, Label, trafficKeys } from './keyschedule.js';
import { Tls13Protection } from '../record/protection.js';
import { ProtocolVersion, suiteById, type CipherSuite } from '../codec/names.js';
import { illegalParameter } from '../errors.js';
import type { Session } from '../session/session.js';

/**
 * Whether early data may be offered with `session` (OpenSSL tls_construct_ctos_early_data,
 * RFC 8446 §4.2.10): a ticket that allows it (max_early_data_size > 0), its exact cipher suite
 * still offered, and the ALPN protocol it negotiated among those we offer (the server must keep it).
 */
export function earlyDataAllowed(host: HandshakeHost, session: Session): boolean {
  const o = host.options;
  if (session.maxEarlyData <= 0 || !o.cipherSuites13.includes(session.cipherSuite)) return false;
  if (!session.alpnSelected) return true;
  const alpn = new TextDecoder().decode(session.alpnSelected);
  return o.alpn.includes(alpn);
}

/**
 * The data to send early with this ClientHello, if any (RFC 8446 §4.2.10): only in the first
 * ClientHello (never after a HelloRetryRequest), asked for by the caller, with a ticket that allows it.
 */
export function earlyDataFor(
  host: HandshakeHost,
  data: Uint8Array | undefined,
  session: Session | undefined,
  afterHrr: boolean,
): Uint8Array | undefined {
  return !afterHrr && session && data && earlyDataAllowed(host, session) ? data : undefined;
}

/**
 * Sends `data` (cut to the ticket's max_early_data_size) once `clientHello` is out and records it
 * in `info`. With ECH that is ClientHelloInner and its random (RFC 9849 §6.1: the PSK and
 * early_data are offered in the inner hello, and 0-RTT keys come from its transcript); when the
 * server then rejects ECH it answers the outer hello, which has no PSK, so it cannot accept the
 * data (earlyDataVerdict: "rejected"). The data goes out as 0-RTT application data under
 * client_early_traffic_secret = Derive-Secret(Early Secret, "c e traffic", ClientHello) (RFC 8446
 * §7.1), right after `clientHello`. In middlebox-compatibility mode the dummy ChangeCipherSpec goes
 * first, before the first encrypted record (§D.4), as OpenSSL sends it.
 */
export function sendEarly(
  host: HandshakeHost,
  info: ConnectionInfo,
  session: Session,
  clientHello: Uint8Array,
  clientRandom: Uint8Array,
  compatMode: boolean,
  data: Uint8Array,
): EarlyOffer {
  const p = host.options.provider;
  const suite = suiteById(session.cipherSuite);
  if (!suite || suite.cipher.kind !== 'aead') throw illegalParameter('early data needs a TLS 1.3 suite');
  const ks = new KeySchedule(p, suite.hash, session.masterKey);
  const secret = deriveSecret(
    p,
    suite.hash,
    ks.earlySecret,
    Label.clientEarlyTraffic,
    p.digest(suite.hash, clientHello),
  );
  host.keylog('CLIENT_EARLY_TRAFFIC_SECRET', clientRandom, secret);
  // RFC 8446 §5.1: every record but the initial ClientHello carries legacy_record_version 0x0303.
  host.setRecordVersion(ProtocolVersion.TLS1_2);
  if (compatMode) host.sendChangeCipherSpec();
  host.setWriteProtection(earlyProtection(host, suite, secret));
  const bytes = data.subarray(0, Math.min(data.length, session.maxEarlyData >>> 0));
  host.sendEarlyData(bytes);
  info.earlyDataSent = bytes.length;
  return { session, secret, bytes: bytes.length };
}

/** Record protection under client_early_traffic_secret (RFC 8446 §7.3). */
export function earlyProtection(host: HandshakeHost, suite: CipherSuite, secret: Uint8Array): Tls13Protection {
  const p = host.options.provider;
  const c = suite.cipher;
  if (c.kind !== 'aead') throw illegalParameter('early data needs a TLS 1.3 suite');
  const { key, iv } = trafficKeys(p, suite.hash, secret, c.keyLength, 12);
  return new Tls13Protection(p, c.aead, key, iv);
}

/**
 * early_data in EncryptedExtensions accepts our 0-RTT data (RFC 8446 §4.2.10), its absence
 * rejects it; null when none was sent. Rejected data is not resent: the caller sees "rejected",
 * as s_client reports SSL_EARLY_DATA_REJECTED and sends nothing again.
 */
export function earlyDataVerdict(
  exts: readonly Extension[],
  o: Pick<HelloOutcome, 'host' | 'info' | 'early' | 'suite'>,
  pskAccepted: boolean,
): 'accepted' | 'rejected' | null {
  if (findExtension(exts, ExtensionType.early_data)) {
    checkEarlyAccepted(o.early, pskAccepted, o.suite, o.info.alpn);
    o.info.earlyData = 'accepted';
    return 'accepted';
  }
  if (!o.early) return null;
  o.info.earlyData = 'rejected';
  return 'rejected';
}

/**
 * The server accepted our early data (early_data in EncryptedExtensions, RFC 8446 §4.2.10): only
 * with the PSK it was sent under (selected_identity 0), the ticket's cipher suite and its ALPN
 * protocol (BoringSSL: SSL_R_ALPN_MISMATCH_ON_EARLY_DATA); anything else is illegal_parameter.
 */
export function checkEarlyAccepted(
  offer: EarlyOffer | undefined,
  pskAccepted: boolean,
  suite: CipherSuite,
  alpn: string | null,
): void {
  if (!offer) throw illegalParameter('server accepted early data we did not send');
  if (!pskAccepted) throw illegalParameter('server accepted early data without the PSK it was sent under');
  if (suite.id !== offer.session.cipherSuite)
    throw illegalParameter('server accepted early data under another cipher suite');
  const want = offer.session.alpnSelected ? new TextDecoder().decode(offer.session.alpnSelected) : null;
  if (want !== alpn) throw illegalParameter('server accepted early data with another ALPN protocol');
}
