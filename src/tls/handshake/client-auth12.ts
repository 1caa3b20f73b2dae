/**
 * The client's answer to a TLS 1.0–1.2 CertificateRequest (RFC 5246 §7.4.6, §7.4.8): the chain to
 * send and the CertificateVerify body over the handshake messages so far. TLS 1.2 signs with a
 * scheme from the server's signature_algorithms (chooseClientCredential). Before TLS 1.2 there is
 * no such list (RFC 2246 §7.4.8, RFC 4346 §7.4.8, RFC 4492 §5.8): an RSA key signs MD5 || SHA-1 of
 * the messages, an ECDSA key their SHA-1, and the CertificateVerify is the bare signature, as
 * BoringSSL's tls1_choose_signature_algorithm and OpenSSL's tls_construct_cert_verify do.
 */
import { AlertDescription } from '../codec/alerts.js';
import { Writer } from '../codec/bytes.js';
import { encodeCertificateVerify } from '../codec/certificate.js';
import { ProtocolVersion } from '../codec/names.js';
import { sigSchemeByName } from '../codec/sigschemes.js';
import type { CertificateRequest12 } from '../codec/handshake.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { TlsAlert } from '../errors.js';
import type { ContextOptions } from '../types.js';
import { ownKey } from './auth.js';
import { chooseClientCredential } from './negotiated.js';

export interface ClientAuth12 {
  chain: Uint8Array[];
  /** The CertificateVerify body signing `messages` (every handshake message before it). */
  certificateVerify(messages: Uint8Array): Uint8Array;
}

/** Our certificate and its signer for this request, or undefined to send an empty Certificate. */
export function clientAuth12(
  p: CryptoProvider,
  o: ContextOptions,
  request: CertificateRequest12,
  version: number,
): ClientAuth12 | undefined {
  if (version >= ProtocolVersion.TLS1_2) {
    const cred = chooseClientCredential(o, request.sigalgs, false);
    if (!cred) return undefined;
    return {
      chain: cred.chain,
      certificateVerify: (m) =>
        encodeCertificateVerify({ scheme: cred.scheme.id, signature: p.sign(cred.scheme, cred.key, m) }),
    };
  }
  const cc = o.clientCertificate;
  if (!cc) return undefined;
  const key = ownKey(cc.chain);
  const bare = (signature: Uint8Array): Uint8Array => new Writer(signature.length + 2).vec16(signature).finish();
  const ecdsaSha1 = sigSchemeByName('ecdsa_sha1');
  if (key.type === 'rsa') return { chain: cc.chain, certificateVerify: (m) => bare(p.signMd5Sha1(cc.key, m)) };
  if (key.type === 'ec' && ecdsaSha1)
    return { chain: cc.chain, certificateVerify: (m) => bare(p.sign(ecdsaSha1, cc.key, m)) };
  throw new TlsAlert(AlertDescription.handshake_failure, `no TLS 1.0/1.1 signature for a ${key.type} client key`);
}
