/**
 * Certification path building (RFC 4158 in spirit, OpenSSL's build_chain for the first path).
 *
 * The first path is the one OpenSSL 3.0 builds (x509_vfy.c build_chain with find_issuer's
 * preference: trusted certificates before the peer's, then a verifying and time-valid issuer, then
 * the latest notAfter), so its error is the one `openssl verify` reports. When that path fails a
 * later check, the verifier asks for the next one: a depth-first search over every plausible issuer
 * (ossl_x509_likely_issued) tries cross-signed roots, swapped or extra certificates, an expired
 * intermediate's valid sibling, an excluded intermediate's allowed sibling. The search is bounded:
 * at most MAX_PATHS complete candidates and MAX_STEPS issuer look-ups per verification, whatever
 * the peer sends (Go's x509 bounds its search the same way: maxChainSignatureChecks).
 */
import type { ParsedCertificate } from './cert.js';
import { X509V } from './codes.js';
import { canonicalName } from './name.js';
import { KEY_ALGS, SIG_ALGS } from './oids.js';
import { certificateSignatureOk } from './sig.js';

/** A failed check: code, depth, and for profile rules the rule and where it is written. */
export type Fail = { code: number; depth: number; rule?: string; section?: string } | null;

/** One candidate path, leaf first, and why building it failed (null: it reaches an anchor). */
export interface Candidate {
  path: ParsedCertificate[];
  fail: Fail;
}

/** Most complete candidate paths tried per verification. */
export const MAX_PATHS = 8;
/** Most issuer look-ups per verification. */
export const MAX_STEPS = 64;
/** Most signatures computed per verification (a same-name hostile chain would otherwise cost n^2). */
export const MAX_SIGNATURES = 64;

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
export function likelyIssued(issuer: ParsedCertificate, subject: ParsedCertificate): boolean {
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

/** RFC 5280 §6.1: a self-issued certificate has the same subject and issuer. */
export const selfIssued = (c: ParsedCertificate): boolean => c.subjectKey === c.issuerKey;
export const selfSigned = (c: ParsedCertificate): boolean => likelyIssued(c, c);

/** Signature checks, cached per (subject, issuer) pair for one verification. */
export class SignatureCache {
  private readonly done = new Map<ParsedCertificate, Map<ParsedCertificate, boolean>>();
  /** Signatures actually computed (for the work bounds). */
  computed = 0;

  /** Whether `issuer`'s key verifies `subject`'s signature. */
  ok(subject: ParsedCertificate, issuer: ParsedCertificate): boolean {
    let m = this.done.get(subject);
    if (!m) this.done.set(subject, (m = new Map()));
    const hit = m.get(issuer);
    if (hit !== undefined) return hit;
    let v: boolean;
    if (this.computed >= MAX_SIGNATURES) return false; // the search stops at this bound too
    try {
      this.computed++;
      v = certificateSignatureOk(subject, issuer);
    } catch {
      v = false;
    }
    m.set(issuer, v);
    return v;
  }
}

/** RFC 5280 §4.1.2.5: the validity period includes both notBefore and notAfter. */
export const timeValid = (c: ParsedCertificate, now: number): boolean =>
  c.notBefore !== null && c.notAfter !== null && c.notBefore.getTime() <= now && now <= c.notAfter.getTime();

/**
 * find_issuer's order (OpenSSL 3.0): time-valid candidates first in the order given, then the rest
 * by latest notAfter. Signatures are not consulted here: a candidate whose signature fails makes its
 * path fail, and the search moves on to the next one.
 */
function rankIssuers(subject: ParsedCertificate, cands: ParsedCertificate[], now: number): ParsedCertificate[] {
  const scored = cands.filter((c) => likelyIssued(c, subject)).map((c, i) => ({ c, i, valid: timeValid(c, now) }));
  scored.sort((a, b) => {
    if (a.valid !== b.valid) return a.valid ? -1 : 1;
    if (a.valid) return a.i - b.i;
    const na = a.c.notAfter?.getTime() ?? 0;
    const nb = b.c.notAfter?.getTime() ?? 0;
    return na !== nb ? nb - na : a.i - b.i;
  });
  return scored.map((s) => s.c);
}

/** The certificates with distinct encodings, first occurrence kept (a peer may repeat one 100 times). */
export function distinct(certs: ParsedCertificate[]): ParsedCertificate[] {
  const seen = new Set<string>();
  return certs.filter((c) => {
    const k = Buffer.from(c.der).toString('base64');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Inputs of the search. */
export interface PathSearch {
  leaf: ParsedCertificate;
  sent: ParsedCertificate[];
  anchors: ParsedCertificate[];
  now: number;
  /** Most non-self-issued intermediates (RFC 5280 §6.1 counts only those). */
  maxDepth: number;
  sigs: SignatureCache;
}

/**
 * Candidate paths in preference order, the first being OpenSSL's. A path that cannot be completed
 * is yielded with its build error (2, 18, 19, 20, 22) only where the search has nowhere else to go.
 */
export function* candidatePaths(s: PathSearch): Generator<Candidate> {
  let steps = 0;
  let yielded = 0;
  const path: ParsedCertificate[] = [s.leaf];

  function* extend(numUntrusted: number, intermediates: number): Generator<Candidate> {
    const top = path[path.length - 1];
    if (!top || yielded >= MAX_PATHS || steps >= MAX_STEPS || s.sigs.computed >= MAX_SIGNATURES) return;
    const inTrusted = path.length > numUntrusted;
    const ss = selfSigned(top);
    if (ss && inTrusted) {
      yielded++;
      yield { path: [...path], fail: null };
      return;
    }
    if (ss) {
      const twin = s.anchors.find((a) => sameDer(a.der, top.der));
      if (twin) {
        yielded++;
        yield { path: [...path.slice(0, -1), twin], fail: null };
        return;
      }
    }
    // OpenSSL's -verify_depth, counted as RFC 5280 §6.1.4 (l) counts max_path_length: self-issued
    // intermediates are free.
    if (!inTrusted && intermediates > s.maxDepth) {
      yielded++;
      yield { path: [...path], fail: { code: X509V.CERT_CHAIN_TOO_LONG, depth: path.length - 1 } };
      return;
    }
    steps++;
    const unused = (c: ParsedCertificate): boolean => !path.some((p) => p === c || sameDer(p.der, c.der));
    const fromAnchors = rankIssuers(top, s.anchors.filter(unused), s.now);
    const fromSent = !inTrusted && !ss ? rankIssuers(top, s.sent.filter(unused), s.now) : [];
    if (fromAnchors.length === 0 && fromSent.length === 0) {
      yielded++;
      const depth = path.length - 1;
      const code = ss
        ? path.length === 1
          ? X509V.DEPTH_ZERO_SELF_SIGNED_CERT
          : X509V.SELF_SIGNED_CERT_IN_CHAIN
        : numUntrusted < path.length
          ? X509V.UNABLE_TO_GET_ISSUER_CERT
          : X509V.UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
      yield { path: [...path], fail: { code, depth } };
      return;
    }
    const counts = (c: ParsedCertificate): number => (selfIssued(c) ? 0 : 1);
    for (const c of fromAnchors) {
      path.push(c);
      yield* extend(numUntrusted, intermediates + counts(c));
      path.pop();
    }
    for (const c of fromSent) {
      path.push(c);
      yield* extend(numUntrusted + 1, intermediates + counts(c));
      path.pop();
    }
  }
  yield* extend(1, 0);
}
