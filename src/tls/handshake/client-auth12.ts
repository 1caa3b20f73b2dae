/**
 * Client authentication in TLS 1.0-1.2 (RFC 5246 §7.4.6, §7.4.8; RFC 4346 §7.4.6, §7.4.8; RFC
 * 4492 §5.8): which certificate answers a CertificateRequest, and how its CertificateVerify signs.
 */
import type { CryptoProvider } from '../crypto/provider.js';
import type { CertificateRequest12 } from '../codec/handshake.js';
import { encodeCertificateVerify } from '../codec/handshake.js';
import { Writer } from '../codec/bytes.js';
import { ProtocolVersion } from '../codec/names.js';
import { sigSchemeByName } from '../codec/sigschemes.js';
import type { ContextOptions, EchInfo } from '../types.js';
import { ownKey } from './auth.js';
import { chooseClientCredential } from './negotiated.js';

/** ClientCertificateType values of a TLS 1.0/1.1 CertificateRequest (RFC 4346 §7.4.4, RFC 4492 §5.5). */
const RSA_SIGN = 1;
const ECDSA_SIGN = 64;

/** The certificate that answers a CertificateRequest, and the CertificateVerify body it signs. */
export interface ClientAuth12 {
  chain: Uint8Array[];
  /** The CertificateVerify body over every handshake message so far (RFC 5246 §7.4.8). */
  certificateVerify(p: CryptoProvider, handshakeMessages: Uint8Array): Uint8Array;
}

/**
 * Our answer to a CertificateRequest, or undefined for an empty Certificate (no certificate
 * configured, or one the request does not allow).
 * - TLS 1.2: a scheme from both lists that fits the key (chooseClientCredential; none in common is
 *   handshake_failure, as BoringSSL's NO_COMMON_SIGNATURE_ALGORITHMS).
 * - TLS 1.0/1.1: certificate_types must name the key's type (rsa_sign, ecdsa_sign), else no
 *   certificate, as OpenSSL's client does. RSA signs MD5(messages) || SHA-1(messages) without
 *   DigestInfo (RFC 4346 §7.4.8); ECDSA signs SHA-1(messages) (RFC 4492 §5.8). The body is the
 *   signature alone: no SignatureAndHashAlgorithm before TLS 1.2.
 */
export function clientAuth12(
  o: ContextOptions,
  version: number,
  request: CertificateRequest12,
  ech?: EchInfo,
): ClientAuth12 | undefined {
  const cc = o.clientCertificate;
  // RFC 9849 §6.1.6: after an ECH rejection the client answers a CertificateRequest with no certificate.
  if (!cc || ech?.status === 'rejected') return undefined;
  if (version >= ProtocolVersion.TLS1_2) {
    const cred = chooseClientCredential(o, request.sigalgs, false);
    if (!cred) return undefined;
    return {
      chain: cred.chain,
      certificateVerify: (p, messages) =>
        encodeCertificateVerify({ scheme: cred.scheme.id, signature: p.sign(cred.scheme, cred.key, messages) }),
    };
  }
  const type = ownKey(cc.chain).type;
  const sign =
    type === 'rsa' && request.certificateTypes.includes(RSA_SIGN)
      ? (p: CryptoProvider, m: Uint8Array) => p.signMd5Sha1(cc.key, m)
      : type === 'ec' && request.certificateTypes.includes(ECDSA_SIGN)
        ? ecdsaSha1(cc.key)
        : undefined;
  if (!sign) return undefined;
  return {
    chain: cc.chain,
    certificateVerify: (p, messages) => {
      const signature = sign(p, messages);
      return new Writer(signature.length + 2).vec16(signature).finish();
    },
  };
}

/** ECDSA over SHA-1 (RFC 4492 §5.8), the only hash a TLS 1.0/1.1 ECDSA CertificateVerify has. */
function ecdsaSha1(key: Uint8Array): ((p: CryptoProvider, m: Uint8Array) => Uint8Array) | undefined {
  const scheme = sigSchemeByName('ecdsa_sha1');
  return scheme ? (p, m) => p.sign(scheme, key, m) : undefined;
}
