/**
 * Key strength as OpenSSL's security levels measure it (EVP_PKEY_get_security_bits), and the key
 * algorithms the web PKI accepts at all.
 */
import type { ParsedCertificate } from './cert.js';
import { KEY_ALGS } from './oids.js';
import { mlDsaSecurityBits } from './mldsa.js';

/** RSA/DSA strength per OpenSSL's ossl_ifc_ffc_compute_security_bits (SP 800-56B). */
export function ifcSecurityBits(n: number): number {
  const canonical: Record<number, number> = {
    2048: 112,
    3072: 128,
    4096: 152,
    6144: 176,
    7680: 192,
    8192: 200,
    15360: 256,
  };
  const c = canonical[n];
  if (c !== undefined) return c;
  if (n >= 687737) return 1200;
  if (n < 8) return 0;
  const cap = n <= 7680 ? 192 : n <= 15360 ? 256 : 1200;
  const x = n * Math.LN2;
  const lx = Math.log(x);
  const y = Math.floor((1.923 * Math.cbrt(x * lx * lx) - 4.69) / Math.LN2);
  return Math.min((y + 4) & ~7, cap);
}

/** EVP_PKEY_get_security_bits for a certificate's key. */
export function keySecurityBits(c: ParsedCertificate): number {
  switch (KEY_ALGS[c.keyAlgOid]) {
    case 'rsaEncryption':
    case 'RSASSA-PSS':
    case 'DSA':
      return ifcSecurityBits(c.publicKeyBits);
    case 'id-ecPublicKey': {
      const b = c.publicKeyBits;
      return b >= 512 ? 256 : b >= 384 ? 192 : b >= 256 ? 128 : b >= 224 ? 112 : b >= 160 ? 80 : b >> 1;
    }
    case 'ED25519':
    case 'X25519':
      return 128;
    case 'ED448':
    case 'X448':
      return 224;
    default:
      return mlDsaSecurityBits(c.keyAlgOid) ?? 0;
  }
}

/**
 * Keys the web PKI refuses whatever their size (the default profile): DSA (BR 6.1.5 allows only RSA
 * and ECDSA; Chrome, Go and rustls-webpki dropped DSA) and EC keys with explicit domain parameters
 * (RFC 5480 §2.1.1 requires namedCurve; OpenSSL's X509_V_ERR_EC_KEY_EXPLICIT_PARAMS).
 */
export function refusedKey(c: ParsedCertificate): { code: number; rule: string; section: string } | null {
  if (KEY_ALGS[c.keyAlgOid] === 'DSA') return { code: 76, rule: 'DSA public key', section: 'BR 6.1.5' };
  if (c.explicitCurve)
    return { code: 94, rule: 'EC public key with explicit domain parameters', section: 'RFC 5480 §2.1.1' };
  return null;
}
