/**
 * Server certificate chain verification: RFC 5280 path validation with OpenSSL 3.0's codes and
 * order (crypto/x509/x509_vfy.c, X509_verify_cert), so the code and depth reported are the ones
 * `openssl verify -purpose sslserver -auth_level 2` reports, plus the web-PKI profile that browsers,
 * Go and rustls-webpki apply. For each candidate path (path.ts) the checks run in OpenSSL's order
 * and the first failure wins:
 *
 *   1. leaf key: refused type (76, 94), strength (66)  5. host name (62), IP address (64)
 *   2. path building (18, 19, 20, 2, 22)               6. CRLs with crlCheck (3, 8, 12, 23, 35, ...)
 *   3. per certificate, leaf first: extensions (41,    7. from the anchor down: signature (7),
 *      34), refused keys, leaf CA (37), CA flag (79),     validity (9, 10, 13, 14)
 *      purpose (26), path length (25), NC syntax (52)  8. name constraints (47, 48, ...)
 *   4. CA key strength (67), signature digest (68)     9. strict profile: lint.ts rules
 *
 * When a path fails a check that depends on the path, the next candidate is tried (cross-signed
 * roots, expired or excluded intermediates with a valid sibling); the first path's failure is the
 * one reported when none succeeds. Profiles: 'default' rejects what mainstream verifiers reject and
 * reports the pedantic BR/RFC 5280 rules as warnings; 'strict' fails on them too.
 *
 * Security level 2 is the default because that is OpenSSL's default on this platform (RSA and DSA
 * keys under 2048 bits and SHA-1/MD5 signatures are rejected); level 0 turns those checks off.
 * Trust anchors are trusted by presence; their own signatures are never checked.
 */
import { decodeError } from '../errors.js';
import { certificateSubjectKey, parseCertificate, parsePeerCertificate, type ParsedCertificate } from './cert.js';
import {
  checkAllNameConstraints,
  checkAuthLevel,
  checkExtensions,
  checkKey,
  checkSignaturesAndTimes,
} from './checks.js';
import { X509V, x509ErrorText } from './codes.js';
import { NC_BUDGET, NcBudget } from './constraints.js';
import { checkCrls, type CrlCheck } from './crl.js';
import { checkHostname, checkIpAddress, isIpAddress, type HostCheckOptions } from './hostname.js';
import { keySecurityBits } from './keys.js';
import { lintPath, type Finding } from './lint.js';
import { nameValues } from './name.js';
import { OID_CN } from './oids.js';
import { SignatureCache, candidatePaths, distinct, type Fail } from './path.js';

export { ifcSecurityBits, keySecurityBits } from './keys.js';

/** 'default': what Chrome, Go and rustls-webpki reject; 'strict': also the pedantic BR/RFC 5280 rules. */
export type VerifyProfile = 'default' | 'strict';

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
  /** Maximum number of non-self-issued intermediates; default 10. */
  maxDepth?: number;
  /** Rule set; default 'default'. */
  profile?: VerifyProfile;
  /** CRLs (DER) for crlCheck. */
  crls?: Uint8Array[];
  /** Check revocation of the leaf ('leaf', s_client -crl_check) or of every certificate ('all'). */
  crlCheck?: CrlCheck;
  /** Name-constraint comparisons allowed per verification (default NC_BUDGET). */
  nameConstraintBudget?: number;
}

/** The verification choices a Context carries (ContextOptions.verifyOptions). */
export type VerifyOptions = Pick<
  VerifyInput,
  'profile' | 'crls' | 'crlCheck' | 'nameConstraintBudget' | 'maxDepth' | 'securityLevel' | 'cnFallback'
>;

/** A pedantic rule broken by the certificate at `depth` (a warning under the default profile). */
export interface VerifyWarning {
  code: number;
  depth: number;
  rule: string;
  section: string;
}

/** The outcome: an X509_V_ERR code (0 = ok), its text, the depth it applies to, the path built. */
export interface VerifyResult {
  code: number;
  message: string;
  depth: number;
  path: Uint8Array[];
  /** For failures of a profile rule: the rule and its section, e.g. "DSA public key (BR 6.1.5)". */
  rule?: string;
  warnings: VerifyWarning[];
  /** Work done, for the bounds: candidate paths, signatures computed, name-constraint comparisons. */
  work: { paths: number; signatures: number; nameComparisons: number };
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

const subjectKeys = new WeakMap<Uint8Array, string | null>();

/** An anchor's canonical subject, decoded once per DER array; null when it does not decode. */
function anchorSubjectKey(der: Uint8Array): string | null {
  let k = subjectKeys.get(der);
  if (k === undefined) {
    try {
      k = certificateSubjectKey(der);
    } catch {
      k = null;
    }
    subjectKeys.set(der, k);
  }
  return k;
}

/**
 * The anchors path building can reach from these certificates, in their order, decoded: those whose
 * subject is the issuer of a certificate of the chain or of another reachable anchor. Path building
 * looks at an anchor only as an issuer (likelyIssued, which compares the subject first) or as the
 * twin of a self-signed certificate sent (same subject, then), so the others need no full decode: a
 * platform store's 156 anchors each cost ~0.1 ms to decode in a cold run.
 */
function reachableAnchors(ders: Uint8Array[], chain: ParsedCertificate[]): ParsedCertificate[] {
  const wanted = new Set(chain.map((c) => c.issuerKey));
  const picked = new Set<Uint8Array>();
  for (let grew = true; grew;) {
    grew = false;
    for (const der of ders) {
      const key = picked.has(der) ? null : anchorSubjectKey(der);
      if (key === null || !wanted.has(key)) continue;
      picked.add(der);
      grew = true;
      const a = parseAnchor(der);
      if (a && !wanted.has(a.issuerKey)) wanted.add(a.issuerKey);
    }
  }
  return ders
    .filter((d) => picked.has(d))
    .map(parseAnchor)
    .filter((a): a is ParsedCertificate => a !== null);
}

/** check_id: the host name, then the IP address, against the leaf (a SAN is required: RFC 6125 §6.4.4). */
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

/** Failures that another path cannot cure: the leaf's own names. */
const pathIndependent = (f: NonNullable<Fail>): boolean =>
  f.code === X509V.HOSTNAME_MISMATCH || f.code === X509V.IP_ADDRESS_MISMATCH;

const asFail = (f: Finding | undefined): Fail => (f ? { ...f } : null);

/** Verifies a server's chain; returns the first failure (or ok) with the warnings of the path. */
export function verifyServerChain(input: VerifyInput): VerifyResult {
  if (input.chain.length === 0) throw decodeError('empty certificate chain');
  // The leaf is decoded by node too now (decode_error if it refuses it); the others when used.
  const sent = input.chain.slice(0, MAX_SENT).map((der, i) => parsePeerCertificate(der, i > 0));
  const leaf = sent[0];
  if (!leaf) throw decodeError('empty certificate chain');
  const anchors = reachableAnchors(input.anchors, [leaf, ...sent]);
  const now = input.now.getTime();
  const level = Math.max(0, Math.min(5, input.securityLevel ?? 2));
  const minBits = MIN_BITS[level] ?? 0;
  const strict = input.profile === 'strict';
  const sigs = new SignatureCache();
  const budget = new NcBudget(input.nameConstraintBudget ?? NC_BUDGET);
  let paths = 0;

  const result = (path: ParsedCertificate[], f: Fail): VerifyResult => {
    const code = f?.code ?? X509V.OK;
    const findings = lintPath(path).filter(
      (w) => !(f && w.code === f.code && w.depth === f.depth && w.rule === f.rule),
    );
    return {
      code,
      message: x509ErrorText(code),
      depth: f?.depth ?? 0,
      path: path.map((c) => c.der),
      ...(f?.rule ? { rule: f.section ? `${f.rule} (${f.section})` : f.rule } : {}),
      warnings: findings,
      work: { paths, signatures: sigs.computed, nameComparisons: budget.used },
    };
  };

  const leafFail =
    checkKey(leaf, 0) ??
    (minBits > 0 && keySecurityBits(leaf) < minBits ? { code: X509V.EE_KEY_TOO_SMALL, depth: 0 } : null);
  if (leafFail) return result([leaf], leafFail);

  const checks = (path: ParsedCertificate[]): Fail =>
    checkExtensions(path, input.purpose ?? 'sslserver') ??
    checkAuthLevel(path, minBits) ??
    checkIdentity(leaf, input) ??
    checkCrls(path, input.crls ?? [], input.crlCheck ?? 'none', now) ??
    checkSignaturesAndTimes(path, now, sigs) ??
    checkAllNameConstraints(path, budget) ??
    (strict ? asFail(lintPath(path)[0]) : null);

  let first: { path: ParsedCertificate[]; fail: NonNullable<Fail> } | null = null;
  const search = { leaf, sent: distinct(sent.slice(1)), anchors, now, maxDepth: input.maxDepth ?? 10, sigs };
  for (const cand of candidatePaths(search)) {
    paths++;
    const fail = cand.fail ?? checks(cand.path);
    if (!fail) return result(cand.path, null);
    first ??= { path: cand.path, fail };
    if (pathIndependent(fail) || budget.exhausted) break;
  }
  const bound = { code: X509V.UNSPECIFIED, depth: 0, rule: 'path-building work bound reached', section: 'RFC 4158' };
  return first ? result(first.path, first.fail) : result([leaf], bound);
}
