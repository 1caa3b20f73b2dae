/**
 * The test server's side of TLS 1.3 post-handshake client authentication (RFC 8446 §4.6.2): a
 * CertificateRequest with a fresh context after the handshake, then the client's Certificate,
 * CertificateVerify (checked against the certificate's key) and Finished (checked with the
 * client's current application traffic secret over the handshake transcript plus this exchange).
 */
import { concat, constantTimeEqual } from '../../src/tls/codec/bytes.js';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import { encodeCertificateRequest13, decodeCertificate } from '../../src/tls/codec/certificate.js';
import { ExtensionType, signatureAlgorithmsExt } from '../../src/tls/codec/extensions.js';
import { decodeCertificateVerify, frameHandshake, HandshakeType } from '../../src/tls/codec/handshake.js';
import type { CipherSuite } from '../../src/tls/codec/names.js';
import { sigSchemeById } from '../../src/tls/codec/sigschemes.js';
import type { CryptoProvider } from '../../src/tls/crypto/provider.js';
import { TlsAlert, unexpectedMessage } from '../../src/tls/errors.js';
import { certificateKey, certificateVerifyContent } from '../../src/tls/handshake/auth.js';
import { finishedVerifyData } from '../../src/tls/handshake/keyschedule.js';
import type { Transcript } from '../../src/tls/handshake/transcript.js';

/** What one post-handshake authentication brought. */
export interface PhaResult {
  context: Uint8Array;
  /** The client's chain (DER, leaf first); empty when it declined. */
  chain: Uint8Array[];
  signed: boolean;
}

export class ServerPha {
  private pending: { context: Uint8Array; messages: Uint8Array[]; chain: Uint8Array[]; signed: boolean } | null = null;
  readonly results: PhaResult[] = [];

  constructor(
    private readonly p: CryptoProvider,
    private readonly suite: CipherSuite,
  ) {}

  get inProgress(): boolean {
    return this.pending !== null;
  }

  /** The CertificateRequest to send (the caller sends it under its application keys). */
  request(sigalgs: number[]): Uint8Array {
    const context = this.p.randomBytes(8);
    const body = encodeCertificateRequest13({
      context,
      extensions: [signatureAlgorithmsExt(sigalgs, ExtensionType.signature_algorithms)],
    });
    const msg = frameHandshake(HandshakeType.certificate_request, body);
    this.pending = { context, messages: [msg], chain: [], signed: false };
    return msg;
  }

  /** One client message of the exchange; `base` is the transcript through the client's Finished. */
  handle(type: number, body: Uint8Array, raw: Uint8Array, base: Transcript, clientSecret: Uint8Array): void {
    const x = this.pending;
    if (!x) throw unexpectedMessage('test server: no post-handshake authentication running');
    const hash = (): Uint8Array => base.hashWith(concat(...x.messages));
    if (type === HandshakeType.certificate && x.messages.length === 1) {
      const c = decodeCertificate(body, true);
      if (!constantTimeEqual(c.context, x.context)) throw new TlsAlert(AlertDescription.illegal_parameter, 'context');
      x.chain = c.entries.map((e) => e.der);
    } else if (type === HandshakeType.certificate_verify && x.messages.length === 2 && x.chain[0]) {
      const cv = decodeCertificateVerify(body);
      const scheme = sigSchemeById(cv.scheme);
      const key = certificateKey(x.chain[0]);
      if (!scheme || !this.p.verify(scheme, key.spki, certificateVerifyContent(false, hash()), cv.signature))
        throw new TlsAlert(AlertDescription.decrypt_error, 'test server: bad post-handshake CertificateVerify');
      x.signed = true;
    } else if (type === HandshakeType.finished && x.messages.length === (x.chain.length > 0 ? 3 : 2)) {
      const expected = finishedVerifyData(this.p, this.suite.hash, clientSecret, hash());
      if (!constantTimeEqual(expected, body))
        throw new TlsAlert(AlertDescription.decrypt_error, 'test server: bad post-handshake Finished');
      this.results.push({ context: x.context, chain: x.chain, signed: x.signed });
      this.pending = null;
      return;
    } else throw unexpectedMessage('test server: unexpected message in post-handshake authentication');
    x.messages.push(raw.slice());
  }
}
