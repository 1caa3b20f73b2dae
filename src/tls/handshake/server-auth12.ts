/**
 * The server's authentication in a TLS 1.2 full handshake (RFC 5246 §7.3): its Certificate
 * (§7.4.2), the CertificateStatus a status_request asked for (RFC 6066 §8), its ServerKeyExchange
 * (§7.4.3, RFC 8422 §5.4) and its CertificateRequest (§7.4.4). Each reads and checks one message
 * and adds it to the transcript; the state machine (handshake12.ts) decides what comes next.
 */
import type { HandshakeHost } from './host.js';
import type { Transcript } from './transcript.js';
import { certificateKey, checkLeafCurve12, checkLeafKeyUsage, type PeerKey } from './auth.js';
import { verifyPeer } from './verify.js';
import { checkRenegotiationLeaf, type PreviousHandshake } from './renegotiation.js';
import { keyFitsKeyExchange, readServerKeyExchange, type ServerKx } from './kx12.js';
import type { Hello12 } from './keys12.js';
import { noteCertificateRequest } from './negotiated.js';
import { AlertDescription } from '../codec/alerts.js';
import { findExtension } from '../codec/extensions.js';
import { decodeCertificate, decodeCertificateRequest12, type CertificateRequest12 } from '../codec/handshake.js';
import { ExtensionType } from '../codec/registry.js';
import { ProtocolVersion } from '../codec/names.js';
import { decodeCertificateRequest10 } from '../codec/keyexchange.js';
import { TlsAlert, decodeError } from '../errors.js';
import type { ConnectionInfo } from '../types.js';
import { decodeCertificateStatus } from '../codec/certificate.js';

/** What these steps need of the handshake (a part of Handshake12Params). */
export interface ServerAuthParams {
  host: HandshakeHost;
  info: ConnectionInfo;
  transcript: Transcript;
  clientRandom: Uint8Array;
  /**
   * verify_data of the previous handshake for renegotiation_info (RFC 5746 §3.4) and whether it
   * had secure renegotiation, or null initially (a renegotiation keeps its leaf and OCSP response).
   */
  previous: PreviousHandshake | null;
  verifyName: string | null;
}

/** The server's Certificate, read; `verified` false when the verdict waits for a CertificateStatus. */
export interface ServerCertificate12 {
  peerChain: Uint8Array[];
  peerKey: PeerKey;
  verified: boolean;
}

/** Certificate (RFC 5246 §7.4.2): a chain whose leaf key fits the suite's authentication, verified. */
export function readServerCertificate12(
  c: ServerAuthParams,
  hello: Hello12,
  body: Uint8Array,
  raw: Uint8Array,
): ServerCertificate12 {
  const msg = decodeCertificate(body, false);
  const peerChain = msg.entries.map((e) => e.der);
  const leaf = peerChain[0];
  if (!leaf) throw decodeError('server sent no certificate');
  checkRenegotiationLeaf(c.previous, leaf);
  const peerKey = certificateKey(leaf);
  if (!keyFitsKeyExchange(hello.suite.kx, peerKey, hello.version))
    throw new TlsAlert(AlertDescription.handshake_failure, 'wrong certificate type for the cipher suite');
  checkLeafCurve12(peerKey, c.host.options);
  checkLeafKeyUsage(peerKey, hello.suite.kx === 'RSA' ? 'encipher' : 'sign', false, c.host.options, c.info);
  // BoringSSL verifies after the CertificateStatus, so a verify callback sees the stapled response.
  const verified = hello.suite.kx === 'RSA' || !findExtension(hello.sh.extensions, ExtensionType.status_request);
  if (verified) verifyPeer(c.host.options, c.info, peerChain, c.verifyName);
  c.transcript.add(raw);
  return { peerChain, peerKey, verified };
}

/**
 * CertificateStatus right after Certificate when the ServerHello acked status_request (RFC 6066
 * §8), then the verdict on the chain. A renegotiation keeps the first response (BoringSSL
 * ssl_verify_peer_cert).
 */
export function readCertificateStatus12(
  c: ServerAuthParams,
  peerChain: Uint8Array[],
  body: Uint8Array,
  raw: Uint8Array,
): void {
  const ocsp = decodeCertificateStatus(body);
  if (!c.previous) c.info.ocspResponse = ocsp;
  c.transcript.add(raw);
  verifyPeer(c.host.options, c.info, peerChain, c.verifyName);
}

/** ServerKeyExchange (RFC 5246 §7.4.3, RFC 8422 §5.4): checked and verified by kx12.ts. */
export function readServerKeyExchange12(
  c: ServerAuthParams,
  hello: Hello12,
  peerKey: PeerKey,
  body: Uint8Array,
  raw: Uint8Array,
): ServerKx {
  const a = { version: hello.version, kx: hello.suite.kx, peerKey, clientRandom: c.clientRandom };
  const kx = readServerKeyExchange(
    c.host.options.provider,
    c.host.options,
    c.info,
    { ...a, serverRandom: hello.sh.random },
    body,
  );
  c.transcript.add(raw);
  return kx;
}

/** CertificateRequest (RFC 5246 §7.4.4; the TLS 1.0/1.1 form has no sigalgs): answered after ServerHelloDone. */
export function readCertificateRequest12(
  c: ServerAuthParams,
  version: number,
  body: Uint8Array,
  raw: Uint8Array,
): CertificateRequest12 {
  const certRequest =
    version >= ProtocolVersion.TLS1_2 ? decodeCertificateRequest12(body) : decodeCertificateRequest10(body);
  const { certificateTypes, sigalgs, authorities } = certRequest;
  noteCertificateRequest(c.info, certificateTypes, sigalgs, authorities, c.host.options);
  c.transcript.add(raw);
  return certRequest;
}
