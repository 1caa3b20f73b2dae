/**
 * Certificate revocation lists (RFC 5280 §5, §6.3) checked as OpenSSL 3.0 checks them with
 * `-crl_check` / `-crl_check_all` (x509_vfy.c check_revocation, check_cert, check_crl, cert_crl):
 *
 *   no CRL from the certificate's issuer             3  X509_V_ERR_UNABLE_TO_GET_CRL
 *   the issuer's keyUsage lacks cRLSign              35 X509_V_ERR_KEYUSAGE_NO_CRL_SIGN
 *   the CRL's signature does not verify              8  X509_V_ERR_CRL_SIGNATURE_FAILURE
 *   thisUpdate in the future / nextUpdate passed     11 / 12 (CRL_NOT_YET_VALID / CRL_HAS_EXPIRED)
 *   an unknown critical CRL or entry extension       36 X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION
 *   a scope the certificate is outside of (IDP)      44 X509_V_ERR_DIFFERENT_CRL_SCOPE
 *   the certificate's serial is listed               23 X509_V_ERR_CERT_REVOKED
 *
 * Delta CRLs (RFC 5280 §5.2.4) are not supported: their deltaCRLIndicator is critical, so one that
 * reaches verification is refused with 36; the CLI refuses them when loading --crl files.
 */
import { constants, verify as verifySignature, type KeyObject } from 'node:crypto';
import { DerError, DerReader, Tag, ctxTag, derChildren, derOid, derUint } from '../codec/der.js';
import { KeyUsage, parseTime, type ParsedCertificate } from './cert.js';
import { X509V } from './codes.js';
import { canonicalName, parseName, type DistinguishedName } from './name.js';
import { DIGESTS, Ext, SIG_ALGS } from './oids.js';
import { selfSigned, type Fail } from './path.js';
import { publicKeyOf } from './sig.js';

/** Which certificates to check: none, the leaf (-crl_check), all (-crl_check_all). */
export type CrlCheck = 'none' | 'leaf' | 'all';

/** A decoded CRL. */
export interface ParsedCrl {
  der: Uint8Array;
  issuer: DistinguishedName;
  issuerKey: string;
  thisUpdate: Date | null;
  nextUpdate: Date | null;
  /** Revoked serial numbers, as hex of the INTEGER content octets. */
  revoked: Set<string>;
  /** A delta CRL (deltaCRLIndicator present). */
  delta: boolean;
  /** A critical CRL or entry extension we do not process. */
  unhandledCritical: boolean;
  /** issuingDistributionPoint scope: only end-entity or only CA certificates. */
  onlyUser: boolean;
  onlyCa: boolean;
  tbs: Uint8Array;
  sigAlgOid: string;
  sigParams: Uint8Array | null;
  signature: Uint8Array;
}

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const HANDLED = new Set<string>([Ext.authorityKeyIdentifier, Ext.crlNumber, Ext.issuingDistributionPoint]);

/** issuingDistributionPoint (§5.2.5): onlyContainsUserCerts [1], onlyContainsCACerts [2]. */
function readIdp(value: Uint8Array, crl: ParsedCrl, critical: boolean): void {
  const s = derChildren(new DerReader(value).next(Tag.SEQUENCE));
  s.optional(ctxTag(0, true));
  const user = s.optional(ctxTag(1, false));
  const ca = s.optional(ctxTag(2, false));
  const reasons = s.optional(ctxTag(3, false));
  const indirect = s.optional(ctxTag(4, false));
  s.optional(ctxTag(5, false));
  s.end('issuingDistributionPoint');
  crl.onlyUser = user?.value[0] === 0xff;
  crl.onlyCa = ca?.value[0] === 0xff;
  // Partitioned by reason or indirect CRLs need RFC 5280 §6.3's full algorithm: not done here.
  if (critical && (reasons || indirect?.value[0] === 0xff)) crl.unhandledCritical = true;
}

/** Parses a DER CRL (RFC 5280 §5.1); throws DerError when it is not one. */
export function parseCrl(der: Uint8Array): ParsedCrl {
  const top = new DerReader(der);
  const outer = derChildren(top.next(Tag.SEQUENCE));
  top.end('CertificateList');
  const tbsTlv = outer.next(Tag.SEQUENCE);
  const alg = derChildren(outer.next(Tag.SEQUENCE));
  const sigAlgOid = derOid(alg.next(Tag.OID));
  const sigParams = alg.done ? null : alg.next().raw;
  const sig = outer.next(Tag.BIT_STRING).value;
  outer.end('CertificateList');
  const tbs = derChildren(tbsTlv);
  const version = tbs.optional(Tag.INTEGER);
  if (version && derUint(version) !== 1n) throw new DerError('unsupported CRL version');
  tbs.next(Tag.SEQUENCE);
  const issuer = parseName(tbs.next(Tag.SEQUENCE));
  const thisUpdate = parseTime(tbs.next());
  const nt = tbs.peekTag();
  const nextUpdate = nt === Tag.UTCTime || nt === Tag.GeneralizedTime ? parseTime(tbs.next()) : null;
  const crl: ParsedCrl = {
    der,
    issuer,
    issuerKey: canonicalName(issuer),
    thisUpdate,
    nextUpdate,
    revoked: new Set(),
    delta: false,
    unhandledCritical: false,
    onlyUser: false,
    onlyCa: false,
    tbs: tbsTlv.raw,
    sigAlgOid,
    sigParams,
    signature: sig.subarray(1),
  };
  const list = tbs.optional(Tag.SEQUENCE);
  if (list) {
    const r = derChildren(list);
    while (!r.done) {
      const e = derChildren(r.next(Tag.SEQUENCE));
      crl.revoked.add(hex(e.next(Tag.INTEGER).value));
      parseTime(e.next());
      const exts = e.optional(Tag.SEQUENCE);
      e.end('revokedCertificate');
      if (exts) {
        const x = derChildren(exts);
        while (!x.done) {
          const ext = readExtension(x);
          if (ext.critical && ext.oid !== Ext.crlReason && ext.oid !== Ext.invalidityDate) crl.unhandledCritical = true;
        }
      }
    }
  }
  const exts = tbs.optional(ctxTag(0, true));
  tbs.end('TBSCertList');
  if (exts) {
    const x = derChildren(derChildren(exts).next(Tag.SEQUENCE));
    while (!x.done) {
      const ext = readExtension(x);
      if (ext.oid === Ext.deltaCrlIndicator) crl.delta = true;
      if (ext.oid === Ext.issuingDistributionPoint) readIdp(ext.value, crl, ext.critical);
      else if (ext.critical && !HANDLED.has(ext.oid)) crl.unhandledCritical = true;
    }
  }
  return crl;
}

function readExtension(r: DerReader): { oid: string; critical: boolean; value: Uint8Array } {
  const e = derChildren(r.next(Tag.SEQUENCE));
  const oid = derOid(e.next(Tag.OID));
  const crit = e.optional(Tag.BOOLEAN);
  const value = e.next(Tag.OCTET_STRING).value;
  e.end('Extension');
  return { oid, critical: crit !== undefined && crit.value[0] !== 0, value };
}

/** The CRL's signature under the issuer's key (the digest named by its AlgorithmIdentifier). */
function crlSignatureOk(crl: ParsedCrl, key: KeyObject): boolean {
  const alg = SIG_ALGS[crl.sigAlgOid];
  if (!alg) return false;
  try {
    if (alg.sn === 'RSASSA-PSS') {
      const hash = pssHash(crl.sigParams);
      return verifySignature(
        hash,
        crl.tbs,
        { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO },
        crl.signature,
      );
    }
    return verifySignature(alg.digest, crl.tbs, key, crl.signature);
  } catch {
    return false;
  }
}

/** RSASSA-PSS-params hashAlgorithm (RFC 4055 §3.1; SHA-1 when absent). */
function pssHash(params: Uint8Array | null): string {
  if (!params) return 'sha1';
  const p = new DerReader(params).next(Tag.SEQUENCE);
  const h = derChildren(p).optional(ctxTag(0, true));
  if (!h) return 'sha1';
  const alg = derChildren(derChildren(h).next(Tag.SEQUENCE));
  return DIGESTS[derOid(alg.next(Tag.OID))]?.name ?? 'sha1';
}

const parsedCrls = new WeakMap<Uint8Array, ParsedCrl | null>();

function parsedOrNull(der: Uint8Array): ParsedCrl | null {
  let p = parsedCrls.get(der);
  if (p === undefined) {
    try {
      p = parseCrl(der);
    } catch {
      p = null; // a CRL that does not decode covers nothing
    }
    parsedCrls.set(der, p);
  }
  return p;
}

/** check_cert for one certificate: find its issuer's CRL, check the CRL, then the serial. */
function checkOne(
  cert: ParsedCertificate,
  issuer: ParsedCertificate,
  depth: number,
  crls: ParsedCrl[],
  now: number,
): Fail {
  // get_crl_sk: CRLs by the certificate's issuer, preferring a current one.
  const mine = crls.filter((c) => c.issuerKey === cert.issuerKey);
  const current = (c: ParsedCrl): boolean =>
    c.thisUpdate !== null && c.thisUpdate.getTime() <= now && (c.nextUpdate === null || c.nextUpdate.getTime() >= now);
  const crl = mine.find((c) => !c.delta && current(c)) ?? mine.find((c) => !c.delta) ?? mine[0];
  if (!crl) return { code: X509V.UNABLE_TO_GET_CRL, depth };
  if (issuer.keyUsage !== null && !(issuer.keyUsage & KeyUsage.cRLSign))
    return { code: X509V.KEYUSAGE_NO_CRL_SIGN, depth };
  const key = publicKeyOf(issuer);
  if (!key || !crlSignatureOk(crl, key)) return { code: X509V.CRL_SIGNATURE_FAILURE, depth };
  if (crl.thisUpdate === null) return { code: X509V.ERROR_IN_CRL_LAST_UPDATE_FIELD, depth };
  if (crl.thisUpdate.getTime() > now) return { code: X509V.CRL_NOT_YET_VALID, depth };
  if (crl.nextUpdate !== null && crl.nextUpdate.getTime() < now) return { code: X509V.CRL_HAS_EXPIRED, depth };
  if (crl.delta || crl.unhandledCritical) return { code: X509V.UNHANDLED_CRITICAL_CRL_EXTENSION, depth };
  if ((crl.onlyUser && depth > 0) || (crl.onlyCa && depth === 0)) return { code: X509V.DIFFERENT_CRL_SCOPE, depth };
  if (crl.revoked.has(hex(cert.serial))) return { code: X509V.CERT_REVOKED, depth };
  return null;
}

/**
 * check_revocation: the leaf ('leaf') or every certificate of the path ('all', the anchor included
 * as OpenSSL does, its issuer being itself when self-signed).
 */
export function checkCrls(path: ParsedCertificate[], ders: Uint8Array[], mode: CrlCheck, now: number): Fail {
  if (mode === 'none') return null;
  const crls = ders.map(parsedOrNull).filter((c): c is ParsedCrl => c !== null);
  const last = mode === 'all' ? path.length - 1 : 0;
  for (let i = 0; i <= last; i++) {
    const cert = path[i];
    if (!cert) break;
    const issuer = path[i + 1] ?? (selfSigned(cert) ? cert : undefined);
    if (!issuer) return { code: X509V.UNABLE_TO_GET_CRL_ISSUER, depth: i };
    const f = checkOne(cert, issuer, i, crls, now);
    if (f) return f;
  }
  return null;
}
