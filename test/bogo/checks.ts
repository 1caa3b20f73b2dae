/**
 * bssl_shim.cc's per-connection checks (CheckAuthProperties, CheckHandshakeProperties) over the
 * library's ConnectionInfo. Each returns the failure text bssl_shim prints, or undefined.
 */
import { Buffer } from 'node:buffer';
import { AlertDescription, TlsAlert, type Connection, type Session } from '../../src/index.js';
import type { ShimConfig } from './flags.js';
import { loadChain } from './options.js';

/** What the shim's TestState records about one connection (test_state.h). */
export interface TestState {
  /** NewSessionCallback ran (a resumable session was made) since the last reset. */
  gotNewSession: boolean;
  newSession?: Session;
  /** ClientHellos sent after the first handshake completed: SSL_total_renegotiations. */
  renegotiations: number;
  /** -renegotiate-explicit: renegotiations the shim started on WANT_RENEGOTIATE (test_state.h explicit_renegotiates). */
  explicitRenegotiates?: number;
  /** Version and suite of the last ServerHello, read off the wire. */
  serverHello?: { version: number; suite: number };
  /** What the verify callback found wrong (CheckVerifyCallback). */
  verifyProblem?: string;
  /** A HelloRetryRequest arrived. */
  usedHrr?: boolean;
}

const hex4 = (n: number | null): string => (n ?? 0).toString(16).padStart(4, '0');

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameList(got: number[] | undefined, want: number[]): boolean {
  return (got ?? []).length === want.length && want.every((x, i) => got?.[i] === x);
}

/** The peer's chain as SSL_get_peer_cert_chain sees it: on resumption, the session's certificate. */
function peerChain(conn: Connection): Uint8Array[] {
  const info = conn.handshake.info;
  if (info.peerCertificates.length) return info.peerCertificates.map((c) => c.der);
  const leaf = info.resumed ? conn.session?.peerCertificate : undefined;
  return leaf ? [leaf] : [];
}

/** CheckAuthProperties: verify result and peer certificate. */
export function checkAuth(conn: Connection, c: ShimConfig): string | undefined {
  const info = conn.handshake.info;
  if (
    c.has('-expect-ocsp-response') &&
    !sameBytes(info.ocspResponse ?? new Uint8Array(), c.bytesOf('-expect-ocsp-response'))
  )
    return 'OCSP response mismatch';
  const sct = info.signedCertificateTimestamps ?? new Uint8Array();
  if (c.has('-expect-signed-cert-timestamps') && !sameBytes(sct, c.bytesOf('-expect-signed-cert-timestamps')))
    return 'SCT list mismatch';
  if (c.bool('-expect-verify-result') && info.verify.ok === c.bool('-verify-fail'))
    return `Wrong certificate verification result (${info.verify.code} ${info.verify.message})`;
  if (c.has('-expect-peer-cert-file')) {
    const want = loadChain(c.str('-expect-peer-cert-file'));
    const got = peerChain(conn);
    // On resumption only the leaf is kept in the session.
    const cmp = info.resumed ? want.slice(0, got.length) : want;
    if (got.length === 0 || cmp.length !== got.length || !cmp.every((d, i) => sameBytes(d, got[i] ?? new Uint8Array())))
      return 'peer certificate chain mismatch';
  }
  return undefined;
}

/** CheckHandshakeProperties for a client (bssl_shim.cc), in its order. */
export function checkHandshake(conn: Connection, c: ShimConfig, isResume: boolean, st: TestState): string | undefined {
  const info = conn.handshake.info;
  if (st.verifyProblem) return st.verifyProblem;
  const auth = checkAuth(conn, c);
  if (auth) return auth;
  if (info.cipherSuite === null) return 'null cipher after handshake';
  const expectVersion = c.int('-expect-version');
  if (expectVersion && info.version !== expectVersion)
    return `want version ${hex4(expectVersion)}, got ${hex4(info.version)}`;
  const expectResume = isResume && !c.bool('-expect-session-miss');
  if (info.resumed !== expectResume) return `session unexpectedly was${info.resumed ? '' : ' not'} reused`;
  const tls13 = info.version === 0x0304;
  const expectNewSession =
    !c.bool('-expect-no-session') && (!info.resumed || c.bool('-expect-ticket-renewal')) && !tls13;
  if (expectNewSession !== st.gotNewSession)
    return `new session was${st.gotNewSession ? '' : ' not'} cached, but we expected the opposite`;
  if (!isResume) {
    if (c.bool('-expect-session-id') && !st.gotNewSession) return 'session was not cached on the server.';
    if (c.bool('-expect-no-session-id') && st.gotNewSession) return 'session was unexpectedly cached on the server.';
  }
  if ((info.alpn ?? '') !== c.str('-expect-alpn')) return 'negotiated alpn proto mismatch';
  // SSL_get_extms_support and SSL_get_secure_renegotiation_support are 1 for TLS 1.3.
  if (c.bool('-expect-extended-master-secret') && !(tls13 || info.extendedMasterSecret))
    return 'No EMS for connection when expected';
  const secureReneg = tls13 || info.secureRenegotiation;
  if (c.bool('-expect-secure-renegotiation') && !secureReneg)
    return 'No secure renegotiation for connection when expected';
  if (c.bool('-expect-no-secure-renegotiation') && secureReneg)
    return 'Secure renegotiation unexpectedly negotiated for connection';
  const sigalg = c.int('-expect-peer-signature-algorithm');
  if (sigalg && sigalg !== info.peerSignatureScheme)
    return `Peer signature algorithm was ${hex4(info.peerSignatureScheme)}, wanted ${hex4(sigalg)}.`;
  const curve = c.int('-expect-curve-id');
  if (curve && curve !== info.group) return `curve_id was ${hex4(info.group)}, wanted ${hex4(curve)}`;
  // The shim claims AES hardware (EVP_has_aes_hardware), as the library's suite order assumes.
  for (const flag of ['-expect-cipher-aes', '-expect-cipher']) {
    const want = c.int(flag);
    if (want && want !== info.cipherSuite) return `Cipher ID was ${hex4(info.cipherSuite)}, wanted ${hex4(want)}`;
  }
  // bssl_shim.cc CheckHandshakeProperties: a PSK cipher has no certificate, any other one has.
  if (c.has('-psk')) {
    if (peerChain(conn).length > 0) return 'Received peer certificate on a PSK cipher.';
  } else if (peerChain(conn).length === 0) return 'Received no peer certificate but expected one.';
  // SSL_get0_certificate_types and SSL_get0_peer_verify_algorithms: the server's CertificateRequest.
  const cr = info.certificateRequest;
  if (
    c.has('-expect-certificate-types') &&
    !sameList(
      cr?.certificateTypes,
      [...c.bytes('-expect-certificate-types')].map((ch) => ch.charCodeAt(0)),
    )
  )
    return 'certificate types mismatch';
  if (c.has('-expect-peer-verify-pref') && !sameList(cr?.signatureAlgorithms, c.ints('-expect-peer-verify-pref')))
    return 'peer verify preferences mismatch';
  // SSL_was_key_usage_invalid.
  if (c.bool('-expect-key-usage-invalid') !== (info.keyUsageInvalid === true))
    return `key usage was${info.keyUsageInvalid ? '' : ' not'} invalid, but we expected the opposite`;
  const hrr = info.handshake === 'full-hrr' || st.usedHrr === true;
  if ((c.bool('-expect-hrr') && !hrr) || (c.bool('-expect-no-hrr') && hrr))
    return `Got ${hrr ? '' : 'no '}HRR, but wanted opposite.`;
  const echAccepted = info.ech.status === 'accepted';
  if (c.bool('-expect-ech-accept') !== echAccepted)
    return `ECH was ${echAccepted ? '' : 'not '}accepted, but wanted opposite.`;
  return echNameOverride(conn, c);
}

/**
 * SSL_get0_ech_name_override as the verify callback sees it: the public name a rejected ECH
 * offer is verified for (RFC 9849 §6.1.6), empty otherwise.
 */
export function echNameOverride(conn: Connection, c: ShimConfig): string | undefined {
  const e = conn.handshake.info.ech;
  const name = e.status === 'rejected' ? (e.outerServerName ?? '') : '';
  if (c.bool('-expect-no-ech-name-override') && name !== '') return 'Unexpected ECH name override.';
  const want = c.str('-expect-ech-name-override');
  if (want && want !== name) return 'ECH name did not match expected value.';
  return undefined;
}

/**
 * DoConnection's ECH rejection check: with -expect-(no-)ech-retry-configs the connection must
 * have failed with ECH_REJECTED (our ech_required) and carry exactly those retry configs.
 */
export function checkEchRejection(conn: Connection, c: ShimConfig, succeeded: boolean): string | undefined {
  const noRetry = c.bool('-expect-no-ech-retry-configs');
  if (!noRetry && !c.has('-expect-ech-retry-configs')) return undefined;
  const f = conn.failure;
  const rejected = f instanceof TlsAlert && f.description === AlertDescription.ech_required && !f.received;
  if (succeeded || !rejected) return 'Expected ECH rejection, but connection succeeded.';
  const want = noRetry
    ? new Uint8Array(0)
    : new Uint8Array(Buffer.from(c.bytes('-expect-ech-retry-configs'), 'latin1'));
  if (!sameBytes(conn.handshake.info.ech.retryConfigs ?? new Uint8Array(0), want))
    return 'ECH retry configs did not match expectations.';
  return echNameOverride(conn, c);
}

/** The TLS 1.3 post-exchange session check of DoExchange. */
export function checkTls13Session(c: ShimConfig, st: TestState): string | undefined {
  const expectNewSession = !c.bool('-expect-no-session') && !c.bool('-shim-shuts-down');
  if (expectNewSession !== st.gotNewSession)
    return `new session was${st.gotNewSession ? '' : ' not'} cached, but we expected the opposite`;
  if (expectNewSession) {
    const early = (st.newSession?.maxEarlyData ?? 0) !== 0;
    if (c.bool('-expect-ticket-supports-early-data') !== early)
      return `new session did${early ? '' : ' not'} support early data, but we expected the opposite`;
  }
  return undefined;
}
