/**
 * TLS 1.3 post-handshake client authentication (RFC 8446 §4.6.2), offered with post_handshake_auth
 * (§4.2.6, OpenSSL SSL_set_post_handshake_auth): a CertificateRequest after the handshake is
 * answered with Certificate, CertificateVerify (when we have a certificate) and Finished, over the
 * handshake transcript through our Finished plus this exchange only (§4.4.1), the Finished keyed
 * by the current client_application_traffic_secret_N (§4.4).
 */
import type { HandshakeHost } from './host.js';
import type { Transcript } from './transcript.js';
import { certificateVerifyContent } from './auth.js';
import { finishedVerifyData } from './keyschedule.js';
import { chooseClientCredential } from './negotiated.js';
import { AlertDescription } from '../codec/alerts.js';
import { concat } from '../codec/bytes.js';
import { findExtension, ExtensionType, readU16List } from '../codec/extensions.js';
import {
  decodeCertificateRequest13,
  encodeCertificate,
  encodeCertificateVerify,
  frameHandshake,
  HandshakeType,
} from '../codec/handshake.js';
import type { CipherSuite } from '../codec/names.js';
import { TlsAlert } from '../errors.js';
import type { ConnectionInfo } from '../types.js';

/**
 * Answers one post-handshake CertificateRequest (`raw`, header included). `base` is the
 * handshake transcript through our Finished; it is not changed (each exchange starts from it).
 */
export function answerPostHandshakeCertificateRequest(
  c: { host: HandshakeHost; suite: CipherSuite; info: ConnectionInfo },
  base: Transcript,
  clientTrafficSecret: Uint8Array,
  body: Uint8Array,
  raw: Uint8Array,
): void {
  const { host, suite, info } = c;
  const cr = decodeCertificateRequest13(body);
  const sa = findExtension(cr.extensions, ExtensionType.signature_algorithms);
  if (!sa) throw new TlsAlert(AlertDescription.missing_extension, 'CertificateRequest without signature_algorithms');
  info.clientCertRequested = true;
  host.state('TLS_ST_CR_CERT_REQ (post-handshake)');
  const p = host.options.provider;
  const cred = chooseClientCredential(host.options, readU16List(sa.data, 'signature_algorithms'), true);
  // RFC 8446 §4.4.2: the Certificate echoes the request's certificate_request_context.
  const cert = frameHandshake(HandshakeType.certificate, encodeCertificate(cred ? cred.chain : [], true, cr.context));
  const sent: Uint8Array[] = [raw, cert];
  host.sendHandshake(cert);
  host.state('TLS_ST_CW_CERT (post-handshake)');
  if (cred) {
    const content = certificateVerifyContent(false, base.hashWith(concat(...sent)));
    const sig = p.sign(cred.scheme, cred.key, content);
    const cv = frameHandshake(
      HandshakeType.certificate_verify,
      encodeCertificateVerify({ scheme: cred.scheme.id, signature: sig }),
    );
    sent.push(cv);
    host.sendHandshake(cv);
    host.state('TLS_ST_CW_CERT_VRFY (post-handshake)');
    info.clientCertSent = true;
  }
  const verifyData = finishedVerifyData(p, suite.hash, clientTrafficSecret, base.hashWith(concat(...sent)));
  host.sendHandshake(frameHandshake(HandshakeType.finished, verifyData));
  host.state('TLS_ST_CW_FINISHED (post-handshake)');
}
