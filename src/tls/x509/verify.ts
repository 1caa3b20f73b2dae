/**
 * Server certificate chain verification with OpenSSL 3.0's semantics (crypto/x509/x509_vfy.c,
 * X509_verify_cert), so the code and depth reported are the ones `openssl verify -purpose sslserver
 * -auth_level 2` and `openssl s_client -verify_return_error` report. The checks run in OpenSSL's
 * order and the first failure wins:
 *
 *   1. leaf key strength (66)                          5. host name (62), IP address (64)
 *   2. path building (18, 19, 20, 2, 22)               6. from the anchor down: signature (7),
 *   3. per certificate, leaf first: critical              validity (9, 10, 13, 14)
 *      extensions (34), CA flag (79), purpose (26),    7. name constraints (47, 48, ...)
 *      path length (25)
 *   4. CA key strength (67), signature digest (68)
 *
 * Security level 2 is the default because that is OpenSSL's default on this platform (RSA and DSA
 * keys under 2048 bits and SHA-1/MD5 signatures are rejected); level 0 turns those checks off.
 * Trust anchors are trusted by presence; their own signatures are never checked. Path building
 * prefers anchors over certificates the peer sent, tolerates extra and out-of-order certificates,
 * and is bounded (at most MAX_SENT certificates considered, at most maxDepth intermediates).
 */
import { decodeError } from '../errors.js';
import { KeyUsage, parseCertificate, parsePeerCertificate, type ParsedCertificate } from './cert.js';
import { X509V, x509ErrorText } from './codes.js';
import { checkNameConstraints, checkNameConstraintsCn } from './constraints.js';
import { checkHostname, checkIpAddress, isIpAddress, type HostCheckOptions } from './hostname.js';
import { canonicalName, nameValues } from './name.js';
import { Eku, KEY_ALGS, OID_CN, SIG_ALGS, SUPPORTED_CRITICAL_EXTENSIONS } from './oids.js';

/** What to verify, and against what. */
export interface VerifyInput extends HostCheckOptions {
  /** DER certificates as the peer sent them, leaf first. */
  chain: Uint8Array[];
  /** Trusted DER certificates. */
  anchors: Uint8Array[];
  /** Reference DNS name (an IP literal here is checked as an IP address). */
  hostname?: string;
  /** Reference IP address (IPv4 or IPv6 literal). */
  ip?: string;
  now: Date;
  /** OpenSSL security level 0..5 for key and digest strength; default 2. */
  securityLevel?: number;
  /** Certificate purpose to enforce; default 'sslserver' (what a TLS client checks). */
  purpose?: 'sslserver' | 'sslclient' | 'any';
  /** Maximum number of intermediates; default 10. */
  maxDepth?: number;
}

/** The outcome: an X509_V_ERR code (0 = ok), its text, the depth it applies to, the path built. */
export interface VerifyResult {
  code: number;
  message: string;
  depth: number;
  path: Uint8Array[];
}

/** The most certificates from the peer that path building will look at. */
export const MAX_SENT = 100;
const MIN_BITS = [0, 80, 112, 128, 192, 256];

const anchorCache = new WeakMap<Uint8Array, ParsedCertificate | null>();

function parseAnchor(der: Uint8Array): ParsedCertificate | null {
  let p = anchorCache.get(der);
  if (p === undefined) {
    try {
      p = parseCertificate(der);
    } catch {
      p = null; // an unparseable anchor simply trusts nothing
    }
    anchorCache.set(der, p);
  }
  return p;
}

const sameDer = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** Key family a signature algorithm needs from its issuer's key. */
function sigKeyFamily(oid: string): string | null {
  const sn = SIG_ALGS[oid]?.sn;
  if (!sn) return null;
  if (sn === 'RSASSA-PSS' || sn.startsWith('RSA-')) return 'rsa';
  if (sn.startsWith('ecdsa')) return 'id-ecPublicKey';
  if (sn.startsWith('DSA') || sn.startsWith('dsa')) return 'DSA';
  return sn; // ED25519, ED448
}

function keyFamily(c: ParsedCertificate): string | null {
  const k = KEY_ALGS[c.keyAlgOid];
  return k === 'rsaEncryption' || k === 'RSASSA-PSS' ? 'rsa' : (k ?? null);
}

/** ossl_x509_likely_issued: names chain, the AKI agrees with the issuer, key type fits. */
function likelyIssued(issuer: ParsedCertificate, subject: ParsedCertificate): boolean {
  if (issuer.subjectKey !== subject.issuerKey) return false;
  const aki = subject.authorityKeyId;
  if (aki) {
    if (aki.keyId && issuer.subjectKeyId && aki.keyId !== issuer.subjectKeyId) return false;
    if (aki.serialHex && aki.serialHex !== issuer.serialHex) return false;
    const dn = aki.issuer?.find((g) => g.type === 'dirName');
    if (dn && dn.type === 'dirName' && canonicalName(dn.name) !== issuer.issuerKey) return false;
  }
  const want = sigKeyFamily(subject.sigAlgOid);
  const have = keyFamily(issuer);
  return want === null || have === null || want === have;
}

const selfIssued = (c: ParsedCertificate): boolean => c.subjectKey === c.issuerKey;
const selfSigned = (c: ParsedCertificate): boolean => likelyIssued(c, c);

function signatureOk(subject: ParsedCertificate, issuer: ParsedCertificate): boolean {
  try {
    return subject.x509.verify(issuer.x509.publicKey);
  } catch {
    return false;
  }
}

const timeValid = (c: ParsedCertificate, now: number): boolean =>
  c.notBefore !== null && c.notAfter !== null && c.notBefore.getTime() <= now && now < c.notAfter.getTime();

/** find_issuer: among candidates prefer a verifying, time-valid one, then time-valid, then latest notAfter. */
function pickIssuer(
  subject: ParsedCertificate,
  cands: ParsedCertificate[],
  now: number,
): ParsedCertificate | undefined {
  let best: ParsedCertificate | undefined;
  let bestScore = -1;
  for (const c of cands) {
    if (!likelyIssued(c, subject)) continue;
    const score = (timeValid(c, now) ? 2 : 0) + (signatureOk(subject, c) ? 1 : 0);
    if (score === 3) return c;
    if (score > bestScore || (score === bestScore && (c.notAfter?.getTime() ?? 0) > (best?.notAfter?.getTime() ?? 0))) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

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
  const known = canonical[n];
  if (known !== undefined) return known;
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
      return 0;
  }
}

/** OpenSSL's check_ca: 1 a CA by basicConstraints, 3/4 tolerated legacy CAs, 0 not a CA. */
function checkCa(c: ParsedCertificate): number {
  if (c.keyUsage !== null && !(c.keyUsage & KeyUsage.keyCertSign)) return 0;
  if (c.basicConstraints) return c.basicConstraints.ca ? 1 : 0;
  if (c.version === 1 && selfSigned(c)) return 3;
  if (c.keyUsage !== null) return 4;
  return 0;
}

/** X509_check_purpose for the SSL client/server purposes (nsCertType is not consulted). */
function purposeOk(c: ParsedCertificate, purpose: 'sslserver' | 'sslclient', ca: boolean): boolean {
  const eku = purpose === 'sslserver' ? [Eku.serverAuth, Eku.nsSGC, Eku.msSGC] : [Eku.clientAuth];
  if (c.extKeyUsage && !c.extKeyUsage.some((o) => (eku as string[]).includes(o))) return false;
  if (ca) return checkCa(c) !== 0;
  const ku =
    purpose === 'sslserver'
      ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyAgreement
      : KeyUsage.digitalSignature | KeyUsage.keyAgreement;
  return c.keyUsage === null || (c.keyUsage & ku) !== 0;
}

type Fail = { code: number; depth: number } | null;

/** check_extensions: critical extensions, CA flags, purpose and path length, leaf first. */
function checkExtensions(path: ParsedCertificate[], purpose: VerifyInput['purpose']): Fail {
  let plen = 0;
  for (const [i, x] of path.entries()) {
    if (x.invalidExtension) return { code: X509V.INVALID_EXTENSION, depth: i };
    if (x.extensions.some((e) => e.critical && !SUPPORTED_CRITICAL_EXTENSIONS.has(e.oid))) {
      return { code: X509V.UNHANDLED_CRITICAL_EXTENSION, depth: i };
    }
    if (i > 0) {
      const r = checkCa(x);
      if (r === 0 || (i + 1 < path.length && r !== 1)) return { code: X509V.INVALID_CA, depth: i };
    }
    if (purpose !== 'any' && purpose !== undefined && !purposeOk(x, purpose, i > 0))
      return { code: X509V.INVALID_PURPOSE, depth: i };
    const pl = x.basicConstraints?.ca ? x.basicConstraints.pathLen : null;
    if (i > 1 && pl !== null && plen > pl) return { code: X509V.PATH_LENGTH_EXCEEDED, depth: i };
    if (i > 0 && !selfIssued(x)) plen++;
  }
  return null;
}

/** check_auth_level: CA keys (67) and the digests of all signatures below the anchor (68). */
function checkAuthLevel(path: ParsedCertificate[], minBits: number): Fail {
  if (minBits <= 0) return null;
  for (const [i, x] of path.entries()) {
    if (i > 0 && keySecurityBits(x) < minBits) return { code: X509V.CA_KEY_TOO_SMALL, depth: i };
    if (i < path.length - 1 && (x.sigSecurityBits ?? 0) < minBits) return { code: X509V.CA_MD_TOO_WEAK, depth: i };
  }
  return null;
}

/** internal_verify: from the anchor down, each signature then each validity period. */
function checkSignaturesAndTimes(path: ParsedCertificate[], now: number): Fail {
  for (let n = path.length - 1; n >= 0; n--) {
    const xs = path[n];
    if (!xs) continue;
    const xi = path[n + 1];
    if (xi) {
      if (xi.keyUsage !== null && !(xi.keyUsage & KeyUsage.keyCertSign))
        return { code: X509V.KEYUSAGE_NO_CERTSIGN, depth: n + 1 };
      if (!signatureOk(xs, xi)) return { code: X509V.CERT_SIGNATURE_FAILURE, depth: n };
    }
    if (xs.notBefore === null) return { code: X509V.ERROR_IN_CERT_NOT_BEFORE_FIELD, depth: n };
    if (xs.notBefore.getTime() > now) return { code: X509V.CERT_NOT_YET_VALID, depth: n };
    if (xs.notAfter === null) return { code: X509V.ERROR_IN_CERT_NOT_AFTER_FIELD, depth: n };
    if (xs.notAfter.getTime() <= now) return { code: X509V.CERT_HAS_EXPIRED, depth: n };
  }
  return null;
}

/** check_name_constraints: every certificate against the constraints of all CAs above it. */
function checkAllNameConstraints(path: ParsedCertificate[]): Fail {
  for (let i = path.length - 1; i >= 0; i--) {
    const x = path[i];
    if (!x || (i !== 0 && selfIssued(x))) continue;
    for (let j = path.length - 1; j > i; j--) {
      const nc = path[j]?.nameConstraints;
      if (!nc) continue;
      let rv = checkNameConstraints(x, nc);
      if (rv === X509V.OK && i === 0 && !(x.subjectAltNames ?? []).some((g) => g.type === 'dns'))
        rv = checkNameConstraintsCn(x, nc);
      if (rv !== X509V.OK) return { code: rv, depth: i };
    }
  }
  return null;
}

interface Built {
  path: ParsedCertificate[];
  fail: Fail;
}

/** build_chain: leaf upward, anchors before sent certificates, until a self-signed anchor. */
function buildPath(
  leaf: ParsedCertificate,
  sent: ParsedCertificate[],
  anchors: ParsedCertificate[],
  now: number,
  maxDepth: number,
): Built {
  const path = [leaf];
  let numUntrusted = 1;
  const unused = (c: ParsedCertificate): boolean => !path.some((p) => p === c || sameDer(p.der, c.der));
  for (;;) {
    const top = path[path.length - 1] ?? leaf;
    const inTrusted = path.length > numUntrusted;
    const ss = selfSigned(top);
    if (ss && inTrusted) return { path, fail: null };
    if (ss) {
      const twin = anchors.find((a) => sameDer(a.der, top.der));
      if (twin) {
        path[path.length - 1] = twin;
        return { path, fail: null };
      }
    }
    // OpenSSL's -verify_depth: more than maxDepth untrusted intermediates fail, counted before
    // looking for the anchor (so leaf + maxDepth intermediates + anchor is the longest path).
    if (!inTrusted && path.length > maxDepth + 1)
      return { path, fail: { code: X509V.CERT_CHAIN_TOO_LONG, depth: path.length - 1 } };
    const fromAnchors = pickIssuer(top, anchors.filter(unused), now);
    if (fromAnchors) {
      path.push(fromAnchors);
      continue;
    }
    if (!inTrusted && !ss) {
      const fromSent = pickIssuer(top, sent.filter(unused), now);
      if (fromSent) {
        path.push(fromSent);
        numUntrusted++;
        continue;
      }
    }
    const depth = path.length - 1;
    if (ss)
      return {
        path,
        fail: { code: path.length === 1 ? X509V.DEPTH_ZERO_SELF_SIGNED_CERT : X509V.SELF_SIGNED_CERT_IN_CHAIN, depth },
      };
    return {
      path,
      fail: {
        code: numUntrusted < path.length ? X509V.UNABLE_TO_GET_ISSUER_CERT : X509V.UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
        depth,
      },
    };
  }
}

/** Verifies a server's chain like OpenSSL's X509_verify_cert; returns the first failure or ok. */
export function verifyServerChain(input: VerifyInput): VerifyResult {
  const sent = input.chain.slice(0, MAX_SENT).map(parsePeerCertificate);
  const leaf = sent[0];
  if (!leaf) throw decodeError('empty certificate chain');
  const anchors = input.anchors.map(parseAnchor).filter((a): a is ParsedCertificate => a !== null);
  const now = input.now.getTime();
  const level = Math.max(0, Math.min(5, input.securityLevel ?? 2));
  const minBits = MIN_BITS[level] ?? 0;
  const result = (path: ParsedCertificate[], f: Fail): VerifyResult => {
    const code = f?.code ?? X509V.OK;
    return { code, message: x509ErrorText(code), depth: f?.depth ?? 0, path: path.map((c) => c.der) };
  };

  if (minBits > 0 && keySecurityBits(leaf) < minBits) return result([leaf], { code: X509V.EE_KEY_TOO_SMALL, depth: 0 });
  const built = buildPath(leaf, sent.slice(1), anchors, now, input.maxDepth ?? 10);
  const path = built.path;
  const fail =
    built.fail ??
    checkExtensions(path, input.purpose ?? 'sslserver') ??
    checkAuthLevel(path, minBits) ??
    checkIdentity(leaf, input) ??
    checkSignaturesAndTimes(path, now) ??
    checkAllNameConstraints(path);
  return result(path, fail);
}

/** check_id: the host name, then the IP address, against the leaf. */
function checkIdentity(leaf: ParsedCertificate, input: VerifyInput): Fail {
  let ip = input.ip;
  if (input.hostname !== undefined) {
    if (isIpAddress(input.hostname)) ip ??= input.hostname;
    else if (!checkHostname(leaf.subjectAltNames, nameValues(leaf.subject, OID_CN), input.hostname, input)) {
      return { code: X509V.HOSTNAME_MISMATCH, depth: 0 };
    }
  }
  if (ip !== undefined && !checkIpAddress(leaf.subjectAltNames, ip))
    return { code: X509V.IP_ADDRESS_MISMATCH, depth: 0 };
  return null;
}
