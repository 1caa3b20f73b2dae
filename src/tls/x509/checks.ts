/**
 * The checks run on one candidate path, in OpenSSL 3.0's order (x509_vfy.c verify_chain):
 * check_extensions, check_auth_level, internal_verify (signatures then validity, from the anchor
 * down) and check_name_constraints, plus the web-PKI rules that mainstream verifiers (Chrome, Go,
 * rustls-webpki) enforce by default and OpenSSL does not.
 */
import { KeyUsage, type ParsedCertificate } from './cert.js';
import { X509V } from './codes.js';
import { checkNameConstraints, checkNameConstraintsCn, validateConstraints, type NcBudget } from './constraints.js';
import { keySecurityBits, refusedKey } from './keys.js';
import { Eku, SUPPORTED_CRITICAL_EXTENSIONS } from './oids.js';
import { selfIssued, selfSigned, type Fail, type SignatureCache } from './path.js';

/** OpenSSL's check_ca: 1 a CA by basicConstraints, 3/4 tolerated legacy CAs, 0 not a CA. */
function checkCa(c: ParsedCertificate): number {
  if (c.keyUsage !== null && !(c.keyUsage & KeyUsage.keyCertSign)) return 0;
  if (c.basicConstraints) return c.basicConstraints.ca ? 1 : 0;
  if (c.version === 1 && selfSigned(c)) return 3;
  if (c.keyUsage !== null) return 4;
  return 0;
}

/**
 * X509_check_purpose for the SSL client/server purposes (nsCertType is not consulted). As Go and
 * Chrome, and unlike OpenSSL, anyExtendedKeyUsage (RFC 5280 §4.2.1.12) satisfies any purpose; a
 * CA's EKU constrains its whole subtree because every CA on the path is checked.
 */
function purposeOk(c: ParsedCertificate, purpose: 'sslserver' | 'sslclient', ca: boolean): boolean {
  const eku: string[] =
    purpose === 'sslserver' ? [Eku.serverAuth, Eku.nsSGC, Eku.msSGC, Eku.any] : [Eku.clientAuth, Eku.any];
  if (c.extKeyUsage && !c.extKeyUsage.some((o) => eku.includes(o))) return false;
  if (ca) return checkCa(c) !== 0;
  const ku =
    purpose === 'sslserver'
      ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyAgreement
      : KeyUsage.digitalSignature | KeyUsage.keyAgreement;
  return c.keyUsage === null || (c.keyUsage & ku) !== 0;
}

/** The default profile's key rule for one certificate (DSA, explicit EC parameters). */
export function checkKey(c: ParsedCertificate, depth: number): Fail {
  const r = refusedKey(c);
  return r ? { ...r, depth } : null;
}

/**
 * check_extensions plus the default web-PKI rules: malformed understood extensions (41), unknown
 * critical ones (34), refused key types, a leaf that is a CA (37: RFC 5280 §4.2.1.9 and BR
 * 7.1.2.7.8 say a subscriber certificate is not one), CA flags (79), purpose (26), path length (25,
 * RFC 5280 §6.1.4 (l)-(m): self-issued intermediates do not count, a leaf's pathLen is ignored), and
 * invalid name-constraint syntax on a CA (52).
 */
export function checkExtensions(path: ParsedCertificate[], purpose: 'sslserver' | 'sslclient' | 'any'): Fail {
  let plen = 0;
  for (let i = 0; i < path.length; i++) {
    const x = path[i];
    if (!x) break;
    if (x.invalidExtension)
      return { code: X509V.INVALID_EXTENSION, depth: i, rule: 'malformed extension', section: 'RFC 5280 §4.2' };
    if (x.extensions.some((e) => e.critical && !SUPPORTED_CRITICAL_EXTENSIONS.has(e.oid)))
      return { code: X509V.UNHANDLED_CRITICAL_EXTENSION, depth: i };
    const key = checkKey(x, i);
    if (key) return key;
    if (i === 0 && path.length > 1 && x.basicConstraints?.ca)
      return {
        code: X509V.INVALID_NON_CA,
        depth: 0,
        rule: 'leaf certificate with basicConstraints CA:TRUE',
        section: 'RFC 5280 §4.2.1.9',
      };
    if (i > 0) {
      const r = checkCa(x);
      if (r === 0 || (i + 1 < path.length && r !== 1)) return { code: X509V.INVALID_CA, depth: i };
    }
    if (purpose !== 'any' && !purposeOk(x, purpose, i > 0)) return { code: X509V.INVALID_PURPOSE, depth: i };
    const pl = x.basicConstraints?.ca ? x.basicConstraints.pathLen : null;
    if (i > 1 && pl !== null && plen > pl) return { code: X509V.PATH_LENGTH_EXCEEDED, depth: i };
    if (i > 0 && !selfIssued(x)) plen++;
    if (i > 0 && x.nameConstraints) {
      const bad = validateConstraints(x.nameConstraints);
      if (bad)
        return {
          code: X509V.UNSUPPORTED_CONSTRAINT_SYNTAX,
          depth: i,
          rule: `invalid name constraint: ${bad}`,
          section: 'RFC 5280 §4.2.1.10',
        };
    }
  }
  return null;
}

/** check_auth_level: CA keys (67) and the digests of all signatures below the anchor (68). */
export function checkAuthLevel(path: ParsedCertificate[], minBits: number): Fail {
  if (minBits <= 0) return null;
  for (let i = 0; i < path.length; i++) {
    const x = path[i];
    if (!x) break;
    if (i > 0 && keySecurityBits(x) < minBits) return { code: X509V.CA_KEY_TOO_SMALL, depth: i };
    if (i < path.length - 1 && (x.sigSecurityBits ?? 0) < minBits) return { code: X509V.CA_MD_TOO_WEAK, depth: i };
  }
  return null;
}

/**
 * internal_verify: from the anchor down, each signature then each validity period. Validity
 * includes notAfter itself (RFC 5280 §4.1.2.5: "the validity period ... inclusive"), as Go does;
 * OpenSSL treats the notAfter second as expired.
 */
export function checkSignaturesAndTimes(path: ParsedCertificate[], now: number, sigs: SignatureCache): Fail {
  for (let n = path.length - 1; n >= 0; n--) {
    const xs = path[n];
    if (!xs) continue;
    const xi = path[n + 1];
    if (xi) {
      if (xi.keyUsage !== null && !(xi.keyUsage & KeyUsage.keyCertSign))
        return { code: X509V.KEYUSAGE_NO_CERTSIGN, depth: n + 1 };
      if (!sigs.ok(xs, xi)) return { code: X509V.CERT_SIGNATURE_FAILURE, depth: n };
    }
    if (xs.notBefore === null) return { code: X509V.ERROR_IN_CERT_NOT_BEFORE_FIELD, depth: n };
    if (xs.notBefore.getTime() > now) return { code: X509V.CERT_NOT_YET_VALID, depth: n };
    if (xs.notAfter === null) return { code: X509V.ERROR_IN_CERT_NOT_AFTER_FIELD, depth: n };
    if (xs.notAfter.getTime() < now) return { code: X509V.CERT_HAS_EXPIRED, depth: n };
  }
  return null;
}

/**
 * check_name_constraints: every certificate against the constraints of all CAs above it
 * (RFC 5280 §6.1.3 (b)-(c), self-issued intermediates exempt), within the shared work budget.
 */
export function checkAllNameConstraints(path: ParsedCertificate[], budget: NcBudget): Fail {
  for (let i = path.length - 1; i >= 0; i--) {
    const x = path[i];
    if (!x || (i !== 0 && selfIssued(x))) continue;
    for (let j = path.length - 1; j > i; j--) {
      const nc = path[j]?.nameConstraints;
      if (!nc) continue;
      let rv = checkNameConstraints(x, nc, budget);
      if (rv === X509V.OK && i === 0 && !(x.subjectAltNames ?? []).some((g) => g.type === 'dns'))
        rv = checkNameConstraintsCn(x, nc, budget);
      if (budget.exhausted)
        return {
          code: X509V.UNSPECIFIED,
          depth: i,
          rule: `name-constraint work budget of ${budget.limit} comparisons exhausted`,
          section: 'RFC 5280 §6.1.3',
        };
      if (rv !== X509V.OK) return { code: rv, depth: i };
    }
  }
  return null;
}
