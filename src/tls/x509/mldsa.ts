/**
 * ML-DSA certificates (RFC 9881; FIPS 204): what Node 20's X509Certificate cannot do for them.
 * Its publicKey getter fails on ML-DSA keys and X509Certificate.verify cannot check an ML-DSA
 * signature, so this file takes the certificate apart with the project's DER reader: the SPKI
 * (for the TLS handshake's CertificateVerify) and tbsCertificate + signature (for the chain, the
 * signature verified over the tbsCertificate DER with pure ML-DSA and an empty context, RFC 9881
 * §3). verify.ts calls mlDsaSignatureOk for certificates signed with id-ml-dsa-*.
 */
import { DerError, DerReader, Tag, ctxTag, derChildren, derOid } from '../codec/der.js';
import { mlDsaByOid, mlDsaVerify } from '../crypto/mldsa.js';

interface CertParts {
  tbs: Uint8Array;
  spki: Uint8Array;
  sigAlgOid: string;
  /** The signature AlgorithmIdentifier has parameters (RFC 9881 §2: they MUST be absent). */
  sigAlgHasParams: boolean;
  signature: Uint8Array;
}

/** The tbsCertificate, the SPKI and the signature of a DER certificate; throws DerError when malformed. */
function certParts(der: Uint8Array): CertParts {
  const top = new DerReader(der);
  const cert = derChildren(top.next(Tag.SEQUENCE));
  top.end('Certificate');
  const tbsTlv = cert.next(Tag.SEQUENCE);
  const sigAlg = derChildren(cert.next(Tag.SEQUENCE));
  const sigAlgOid = derOid(sigAlg.next(Tag.OID));
  const sigAlgHasParams = !sigAlg.done;
  const bits = cert.next(Tag.BIT_STRING).value;
  cert.end('Certificate');
  if (bits.length < 1 || bits[0] !== 0) throw new DerError('signature BIT STRING with unused bits');
  const tbs = derChildren(tbsTlv);
  tbs.optional(ctxTag(0, true));
  tbs.next(Tag.INTEGER);
  tbs.next(Tag.SEQUENCE);
  tbs.next(Tag.SEQUENCE);
  tbs.next(Tag.SEQUENCE);
  tbs.next(Tag.SEQUENCE);
  const spki = tbs.next(Tag.SEQUENCE).raw;
  return { tbs: tbsTlv.raw, spki, sigAlgOid, sigAlgHasParams, signature: bits.subarray(1) };
}

/** True when the certificate is signed with an ML-DSA algorithm (id-ml-dsa-44/65/87). */
export function isMlDsaSigned(sigAlgOid: string): boolean {
  return mlDsaByOid(sigAlgOid) !== undefined;
}

/** The FIPS 204 parameter set of an ML-DSA public key algorithm OID, or null. */
export function mlDsaKeyName(keyAlgOid: string): 'ML-DSA-44' | 'ML-DSA-65' | 'ML-DSA-87' | null {
  return mlDsaByOid(keyAlgOid)?.name ?? null;
}

/** Security bits of an ML-DSA key (OpenSSL 3.5: 128/192/256), or null for other keys. */
export function mlDsaSecurityBits(keyAlgOid: string): number | null {
  return mlDsaByOid(keyAlgOid)?.securityBits ?? null;
}

/** Key size in bits as OpenSSL 3.5 reports it (EVP_PKEY_get_bits: the public key's length x 8), or null. */
export function mlDsaKeyBits(keyAlgOid: string): number | null {
  const p = mlDsaByOid(keyAlgOid);
  return p ? p.publicKeyLength * 8 : null;
}

/** The SubjectPublicKeyInfo DER of a certificate (for keys node:crypto cannot load). */
export function certificateSpki(der: Uint8Array): Uint8Array {
  return certParts(der).spki;
}

/**
 * Whether `subjectDer` carries a valid ML-DSA signature by the key of `issuerDer`: the signature
 * algorithm must be the issuer key's parameter set, without parameters. False, never a throw,
 * for anything malformed.
 */
export function mlDsaSignatureOk(subjectDer: Uint8Array, issuerDer: Uint8Array): boolean {
  try {
    const s = certParts(subjectDer);
    const alg = mlDsaByOid(s.sigAlgOid);
    if (!alg || s.sigAlgHasParams) return false;
    return mlDsaVerify(alg.name, certParts(issuerDer).spki, s.tbs, s.signature);
  } catch {
    return false;
  }
}
