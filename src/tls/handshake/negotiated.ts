/**
 * What TLS 1.2 and TLS 1.3 negotiate alike, checked once: which extensions a server message may
 * carry (and the alert for one it may not), the cipher suite and compression of a ServerHello,
 * ALPN, max_fragment_length, the client certificate's signature scheme, and the facts a new
 * session records.
 */
import { AlertDescription } from '../codec/alerts.js';
import { utf8 } from '../codec/bytes.js';
import { findExtension, readEcPointFormats, readSelectedAlpn, type Extension } from '../codec/extensions.js';
import type { ServerHello } from '../codec/handshake.js';
import { sigSchemeById, type SignatureScheme } from '../codec/sigschemes.js';
import { ExtensionType, extensionName, isRecognizedExtension, maxFragmentLengthBytes } from '../codec/registry.js';
import { TlsAlert, illegalParameter } from '../errors.js';
import type { Session } from '../session/session.js';
import { formatName, parseNameDer } from '../x509/name.js';
import type { ConnectionInfo, ContextOptions, EchInfo } from '../types.js';
import { ownKey, schemeFitsKey } from './auth.js';

/** The server messages whose extensions the client checks. */
export type ServerExtensionMessage =
  'ServerHello12' | 'ServerHello13' | 'HelloRetryRequest' | 'EncryptedExtensions' | 'Certificate';

const E = ExtensionType;

/**
 * Where each extension may appear in what a server sends up to its Certificate: the RFC 8446
 * §4.2 table (SH, HRR, EE, CT columns; record_size_limit from RFC 8449 §4) and, for a TLS 1.2
 * ServerHello, RFC 5246 §7.4.1.4 with RFC 6066, 7301, 7366, 7627, 8422, 5077, 5746, 6962.
 */
const ALLOWED_IN = new Map<number, readonly ServerExtensionMessage[]>([
  [E.server_name, ['ServerHello12', 'EncryptedExtensions']],
  [E.max_fragment_length, ['ServerHello12', 'EncryptedExtensions']],
  [E.status_request, ['ServerHello12', 'Certificate']],
  // In a TLS 1.2 ServerHello as an answer to ours: RFC 8422 §5.2 defines none, but servers send
  // one and BoringSSL, OpenSSL and Go ignore it (BoGo SupportedCurves-ServerHello-TLS12).
  [E.supported_groups, ['ServerHello12', 'EncryptedExtensions']],
  [E.ec_point_formats, ['ServerHello12']],
  [E.use_srtp, ['EncryptedExtensions']],
  [E.heartbeat, ['EncryptedExtensions']],
  [E.application_layer_protocol_negotiation, ['ServerHello12', 'EncryptedExtensions']],
  [E.signed_certificate_timestamp, ['ServerHello12', 'Certificate']],
  [E.client_certificate_type, ['EncryptedExtensions']],
  [E.server_certificate_type, ['EncryptedExtensions']],
  [E.encrypt_then_mac, ['ServerHello12']],
  [E.extended_master_secret, ['ServerHello12']],
  [E.record_size_limit, ['EncryptedExtensions']],
  [E.session_ticket, ['ServerHello12']],
  [E.pre_shared_key, ['ServerHello13']],
  [E.early_data, ['EncryptedExtensions']],
  [E.supported_versions, ['ServerHello13', 'HelloRetryRequest']],
  [E.cookie, ['HelloRetryRequest']],
  [E.key_share, ['ServerHello13', 'HelloRetryRequest']],
  [E.renegotiation_info, ['ServerHello12']],
  // RFC 9849 §5: the HRR confirmation (§7.2.1) and the retry configs in EncryptedExtensions.
  [E.encrypted_client_hello, ['HelloRetryRequest', 'EncryptedExtensions']],
]);

/**
 * Extensions a server may send without the client having sent them: supported_groups in
 * EncryptedExtensions (RFC 8446 §4.2.7) and the HelloRetryRequest cookie (§4.2.2).
 */
const SERVER_INITIATED: ReadonlyMap<ServerExtensionMessage, number> = new Map([
  ['EncryptedExtensions', E.supported_groups],
  ['HelloRetryRequest', E.cookie],
]);

/**
 * The one extension policy for server messages. RFC 8446 §4.2: a recognized extension in a
 * message it is not specified for is illegal_parameter; a response to an extension we did not
 * send is unsupported_extension. RFC 5246 §7.4.1.4 knows only the second rule, so in a TLS 1.2
 * ServerHello anything but an answer to an offer is unsupported_extension.
 */
export function checkServerExtensions(
  msg: ServerExtensionMessage,
  exts: readonly Extension[],
  offered: readonly Extension[],
): void {
  const where = msg === 'ServerHello12' || msg === 'ServerHello13' ? 'ServerHello' : msg;
  for (const e of exts) {
    const allowed = ALLOWED_IN.get(e.type)?.includes(msg) ?? false;
    if (!allowed && msg !== 'ServerHello12' && isRecognizedExtension(e.type))
      throw illegalParameter(`${extensionName(e.type)} not allowed in ${where}`);
    const solicited = SERVER_INITIATED.get(msg) === e.type || findExtension(offered, e.type) !== undefined;
    if (!allowed || !solicited)
      throw new TlsAlert(AlertDescription.unsupported_extension, `unsolicited ${extensionName(e.type)} in ${where}`);
  }
  if (msg === 'ServerHello12') checkPointFormats(exts);
}

/**
 * ec_point_formats in a ServerHello (RFC 8422 §5.2): a non-empty list that must contain
 * uncompressed(0), the only format anyone uses; without it illegal_parameter (as BoringSSL and Go).
 */
function checkPointFormats(exts: readonly Extension[]): void {
  const e = findExtension(exts, ExtensionType.ec_point_formats);
  if (!e) return;
  if (!readEcPointFormats(e.data).includes(0)) throw illegalParameter('ec_point_formats without uncompressed');
}

/** A ServerHello's cipher suite is one we offered and its compression is null (RFC 8446 §4.1.3, RFC 5246 §7.4.1.3). */
export function checkSuiteAndCompression(sh: ServerHello, offeredSuites: readonly number[]): void {
  if (!offeredSuites.includes(sh.cipherSuite)) throw illegalParameter('server chose a cipher suite we did not offer');
  if (sh.compression !== 0) throw illegalParameter('non-zero compression method');
}

/** ALPN (RFC 7301 §3.1): the server selects exactly one protocol, and one we offered (unless allowUnknownAlpn). */
export function negotiateAlpn(exts: readonly Extension[], o: ContextOptions, info: ConnectionInfo): void {
  const e = findExtension(exts, E.application_layer_protocol_negotiation);
  if (!e) return;
  const proto = readSelectedAlpn(e.data);
  if (!o.alpn.includes(proto) && !o.allowUnknownAlpn)
    throw illegalParameter(`server selected ALPN protocol ${proto} we did not offer`);
  info.alpn = proto;
}

/** max_fragment_length (RFC 6066 §4): the server echoes the requested code exactly; it caps what we send. */
export function negotiateMaxFragmentLength(exts: readonly Extension[], o: ContextOptions, info: ConnectionInfo): void {
  const e = findExtension(exts, E.max_fragment_length);
  if (!e) return;
  const code = e.data.length === 1 ? e.data[0] : undefined;
  const bytes = code === o.maxFragmentLength && code !== undefined ? maxFragmentLengthBytes(code) : undefined;
  if (bytes === undefined) throw illegalParameter('max_fragment_length mismatch');
  info.maxSendFragment = Math.min(info.maxSendFragment, bytes);
}

/** A CertificateRequest arrived (RFC 5246 §7.4.4, RFC 8446 §4.3.2): what it asked, for the report and API. */
export function noteCertificateRequest(
  info: ConnectionInfo,
  certificateTypes: Uint8Array,
  sigalgs: number[],
  authorities: readonly Uint8Array[],
  o: Pick<ContextOptions, 'signingAlgorithms' | 'signatureAlgorithms'>,
): void {
  const ours = o.signingAlgorithms ?? o.signatureAlgorithms;
  info.clientCertRequested = true;
  info.certificateRequest = {
    certificateTypes: [...certificateTypes],
    signatureAlgorithms: [...sigalgs],
    sharedSignatureAlgorithms: sigalgs.filter((id) => ours.includes(id)),
  };
  info.clientCaNames = authorities.map(caName);
}

/**
 * One CA name of a CertificateRequest as s_client prints it (OpenSSL's one-line form). A name that
 * does not parse is shown as such rather than failing the handshake: the list only tells which
 * certificates the server would accept (BoringSSL keeps the names unparsed; OpenSSL's
 * parse_ca_names would send decode_error).
 */
function caName(der: Uint8Array): string {
  try {
    return formatName(parseNameDer(der));
  } catch {
    return `(unparsable name, ${der.length} bytes)`;
  }
}

/** Our certificate chain and key, with the scheme to sign CertificateVerify with. */
export interface ClientCredential {
  chain: Uint8Array[];
  key: Uint8Array;
  scheme: SignatureScheme;
}

/**
 * Our client certificate for a CertificateRequest, or undefined (no certificate configured) to send
 * an empty Certificate: our first signing preference (signingAlgorithms, else signature_algorithms)
 * that the server listed and our key can make (RFC 8446 §4.4.2.2 and §4.4.3, where the curve binds
 * and PKCS#1 is out; RFC 5246 §7.4.4, §7.4.8). With a certificate and no such scheme the handshake
 * fails with handshake_failure, as BoringSSL's tls1_choose_signature_algorithm
 * (NO_COMMON_SIGNATURE_ALGORITHMS).
 */
export function chooseClientCredential(
  o: ContextOptions,
  serverSigalgs: readonly number[],
  tls13: boolean,
  ech?: EchInfo,
): ClientCredential | undefined {
  const cc = o.clientCertificate;
  // RFC 9849 §6.1.6: after an ECH rejection the client answers a CertificateRequest with no certificate.
  if (!cc || ech?.status === 'rejected') return undefined;
  const key = ownKey(cc.chain);
  for (const id of o.signingAlgorithms ?? o.signatureAlgorithms) {
    const s = sigSchemeById(id);
    if (s && serverSigalgs.includes(id) && (!tls13 || s.tls13) && schemeFitsKey(s, key, tls13))
      return { chain: cc.chain, key: cc.key, scheme: s };
  }
  throw new TlsAlert(AlertDescription.handshake_failure, 'no common signature algorithm for the client certificate');
}

/** The session fields that come from the connection rather than the version (OpenSSL's SSL_SESSION). */
export type SessionFacts = Pick<
  Session,
  | 'time'
  | 'peerCertificate'
  | 'verifyResult'
  | 'hostname'
  | 'alpnSelected'
  | 'kexGroup'
  | 'peerSignatureScheme'
  | 'ocspResponse'
  | 'signedCertificateTimestamps'
  | 'pskIdentity'
  | 'pskIdentityHint'
>;

/** The facts a new session records: leaf certificate, verify result, acknowledged SNI, ALPN, group. */
export function sessionFacts(info: ConnectionInfo, nowMs: number): SessionFacts {
  return {
    time: Math.floor(nowMs / 1000),
    peerCertificate: info.peerCertificates[0]?.der,
    verifyResult: info.verify.code,
    hostname: info.sniAcknowledged ? (info.servername ?? undefined) : undefined,
    alpnSelected: info.alpn !== null ? utf8(info.alpn) : undefined,
    kexGroup: info.group ?? 0,
    peerSignatureScheme: info.peerSignatureScheme ?? undefined,
    ocspResponse: info.ocspResponse,
    signedCertificateTimestamps: info.signedCertificateTimestamps,
    ...(info.pskIdentity !== undefined ? { pskIdentity: info.pskIdentity } : {}),
    ...(info.pskIdentityHint !== undefined ? { pskIdentityHint: info.pskIdentityHint } : {}),
  };
}

/**
 * A resumption reports what the session knows (BoringSSL: the connection's session is the resumed
 * one, so SSL_get_peer_signature_algorithm and the verify result come from it): the peer's
 * signature scheme and the verify result, and in TLS 1.2, where no key is exchanged, the group.
 */
export function restoreSessionFacts(info: ConnectionInfo, s: Session, tls12: boolean): void {
  info.verify = {
    ok: s.verifyResult === 0,
    code: s.verifyResult,
    message: s.verifyResult === 0 ? 'ok' : 'stored verification result',
    depth: 0,
  };
  info.peerSignatureScheme = s.peerSignatureScheme ?? null;
  // BoringSSL SSL_get0_ocsp_response: the session's response (a server's staple on resumption is ignored).
  if (s.ocspResponse) info.ocspResponse = s.ocspResponse;
  if (s.signedCertificateTimestamps) info.signedCertificateTimestamps = s.signedCertificateTimestamps;
  if (tls12) info.group = s.kexGroup === 0 ? null : s.kexGroup;
}

/**
 * The facts of a session renewed on a resumption (a new TLS 1.2 ticket, TLS 1.3 tickets after a
 * PSK handshake): the server sent no certificate and no SNI acknowledgement this time, so the
 * leaf and host name carry over from the resumed session (as ssl_session_dup does).
 */
export function renewedFacts<F extends SessionFacts>(facts: F, resumed: Session | undefined): F {
  if (!resumed) return facts;
  return {
    ...facts,
    peerCertificate: facts.peerCertificate ?? resumed.peerCertificate,
    hostname: facts.hostname ?? resumed.hostname,
    ocspResponse: facts.ocspResponse ?? resumed.ocspResponse,
    signedCertificateTimestamps: facts.signedCertificateTimestamps ?? resumed.signedCertificateTimestamps,
    ...(resumed.pskIdentity !== undefined ? { pskIdentity: resumed.pskIdentity } : {}),
    ...(resumed.pskIdentityHint !== undefined ? { pskIdentityHint: resumed.pskIdentityHint } : {}),
  };
}
