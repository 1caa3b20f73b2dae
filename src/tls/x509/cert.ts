/**
 * X.509 certificate parsing: node's X509Certificate for keys and signatures, the project's DER
 * reader for what node does not expose (signature algorithm, basicConstraints, keyUsage,
 * extendedKeyUsage, key identifiers, SAN and nameConstraints as structured values).
 */
import { X509Certificate } from 'node:crypto';
import { DerError, DerReader, Tag, ctxTag, derChildren, derOid, derUint, type Tlv } from '../codec/der.js';
import { decodeError } from '../errors.js';
import type { CertInfo } from '../types.js';
import { canonicalName, formatName, parseName, type DistinguishedName } from './name.js';
import { CURVES, DIGESTS, Ext, KEY_ALGS, SIG_ALGS } from './oids.js';

/** A GeneralName (RFC 5280 §4.2.1.6); types we do not interpret keep their raw TLV. */
export type GeneralName =
  | { type: 'dns'; value: string }
  | { type: 'email'; value: string }
  | { type: 'uri'; value: string }
  | { type: 'ip'; bytes: Uint8Array }
  | { type: 'dirName'; name: DistinguishedName }
  | { type: 'other'; tag: number; raw: Uint8Array };

/** keyUsage bit numbers (RFC 5280 §4.2.1.3); `keyUsage & KeyUsage.keyCertSign` tests a bit. */
export const KeyUsage = {
  digitalSignature: 1 << 0,
  nonRepudiation: 1 << 1,
  keyEncipherment: 1 << 2,
  dataEncipherment: 1 << 3,
  keyAgreement: 1 << 4,
  keyCertSign: 1 << 5,
  cRLSign: 1 << 6,
  encipherOnly: 1 << 7,
  decipherOnly: 1 << 8,
} as const;

/** One extension as found in the certificate. */
export interface Extension {
  oid: string;
  critical: boolean;
  value: Uint8Array;
}

/** A GeneralSubtree of nameConstraints; minimum/maximum as encoded (OpenSSL allows only 0/absent). */
export interface Subtree {
  base: GeneralName;
  minimum: number;
  maximum: number | null;
}

/** Everything the verifier and the reports need from one certificate. */
export interface ParsedCertificate {
  der: Uint8Array;
  x509: X509Certificate;
  version: number;
  serialHex: string;
  subject: DistinguishedName;
  issuer: DistinguishedName;
  /** Canonical forms for name comparison (see name.ts). */
  subjectKey: string;
  issuerKey: string;
  /** Validity; null when the time field is malformed (OpenSSL errors 13/14). */
  notBefore: Date | null;
  notAfter: Date | null;
  sigAlgOid: string;
  /** Digest security bits of the signature (OpenSSL 3.0 rules), null if unknown. */
  sigSecurityBits: number | null;
  keyAlgOid: string;
  /** Curve OID for EC keys. */
  curveOid: string | null;
  publicKeyBits: number;
  extensions: Extension[];
  basicConstraints: { ca: boolean; pathLen: number | null } | null;
  keyUsage: number | null;
  extKeyUsage: string[] | null;
  subjectKeyId: string | null;
  authorityKeyId: { keyId: string | null; issuer: GeneralName[] | null; serialHex: string | null } | null;
  subjectAltNames: GeneralName[] | null;
  nameConstraints: { permitted: Subtree[]; excluded: Subtree[] } | null;
  /** An extension we understand failed to decode (OpenSSL: X509_V_ERR_INVALID_EXTENSION). */
  invalidExtension: boolean;
}

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** Parses an ASN.1 UTCTime or GeneralizedTime (RFC 5280 §4.1.2.5 forms); null if malformed. */
export function parseTime(t: Tlv): Date | null {
  const s = new TextDecoder('latin1').decode(t.value);
  let m: RegExpExecArray | null;
  let year: number;
  if (t.tag === Tag.UTCTime && (m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s))) {
    const yy = Number(m[1]);
    year = yy < 50 ? 2000 + yy : 1900 + yy;
  } else if (t.tag === Tag.GeneralizedTime && (m = /^(\d\d\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s))) {
    year = Number(m[1]);
  } else return null;
  const [mo = 0, d = 0, h = 0, mi = 0, se = 0] = m.slice(2, 7).map(Number);
  const ms = Date.UTC(year, mo - 1, d, h, mi, se);
  const dt = new Date(ms);
  if (dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) return null;
  if (year < 100) dt.setUTCFullYear(year);
  return dt;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Formats a time as OpenSSL's ASN1_TIME_print does: "Jan  1 00:00:00 2020 GMT". */
export function formatOpensslTime(d: Date): string {
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${d.getUTCFullYear()} GMT`;
}

function parseGeneralName(t: Tlv): GeneralName {
  const text = (): string => new TextDecoder('latin1').decode(t.value);
  switch (t.tag) {
    case ctxTag(1, false):
      return { type: 'email', value: text() };
    case ctxTag(2, false):
      return { type: 'dns', value: text() };
    case ctxTag(6, false):
      return { type: 'uri', value: text() };
    case ctxTag(7, false):
      return { type: 'ip', bytes: t.value };
    case ctxTag(4, true): {
      const r = derChildren(t);
      const name = parseName(r.next(Tag.SEQUENCE));
      r.end('directoryName');
      return { type: 'dirName', name };
    }
    default:
      return { type: 'other', tag: t.tag, raw: t.raw };
  }
}

function parseGeneralNames(r: DerReader): GeneralName[] {
  const out: GeneralName[] = [];
  while (!r.done) out.push(parseGeneralName(r.next()));
  return out;
}

function parseSubtrees(t: Tlv): Subtree[] {
  const out: Subtree[] = [];
  const r = derChildren(t);
  while (!r.done) {
    const s = derChildren(r.next(Tag.SEQUENCE));
    const base = parseGeneralName(s.next());
    const min = s.optional(ctxTag(0, false));
    const max = s.optional(ctxTag(1, false));
    s.end('GeneralSubtree');
    out.push({ base, minimum: min ? Number(derUint(min)) : 0, maximum: max ? Number(derUint(max)) : null });
  }
  return out;
}

/** Decodes the extensions we interpret into `c`; throws DerError on a malformed one. */
function interpretExtension(c: ParsedCertificate, e: Extension): void {
  const r = new DerReader(e.value);
  switch (e.oid) {
    case Ext.basicConstraints: {
      const s = derChildren(r.next(Tag.SEQUENCE));
      const ca = s.optional(Tag.BOOLEAN);
      const pl = s.optional(Tag.INTEGER);
      s.end('basicConstraints');
      c.basicConstraints = { ca: ca !== undefined && ca.value[0] !== 0, pathLen: pl ? Number(derUint(pl)) : null };
      break;
    }
    case Ext.keyUsage: {
      const bs = r.next(Tag.BIT_STRING).value;
      let ku = 0;
      for (let i = 1; i < bs.length && i <= 2; i++) {
        for (let bit = 0; bit < 8; bit++) if ((bs[i] ?? 0) & (0x80 >> bit)) ku |= 1 << ((i - 1) * 8 + bit);
      }
      c.keyUsage = ku;
      break;
    }
    case Ext.extKeyUsage: {
      const s = derChildren(r.next(Tag.SEQUENCE));
      const oids: string[] = [];
      while (!s.done) oids.push(derOid(s.next(Tag.OID)));
      c.extKeyUsage = oids;
      break;
    }
    case Ext.subjectKeyIdentifier:
      c.subjectKeyId = hex(r.next(Tag.OCTET_STRING).value);
      break;
    case Ext.authorityKeyIdentifier: {
      const s = derChildren(r.next(Tag.SEQUENCE));
      const kid = s.optional(ctxTag(0, false));
      const iss = s.optional(ctxTag(1, true));
      const ser = s.optional(ctxTag(2, false));
      s.end('authorityKeyIdentifier');
      c.authorityKeyId = {
        keyId: kid ? hex(kid.value) : null,
        issuer: iss ? parseGeneralNames(derChildren(iss)) : null,
        serialHex: ser ? hex(ser.value) : null,
      };
      break;
    }
    case Ext.subjectAltName:
      c.subjectAltNames = parseGeneralNames(derChildren(r.next(Tag.SEQUENCE)));
      break;
    case Ext.nameConstraints: {
      const s = derChildren(r.next(Tag.SEQUENCE));
      const p = s.optional(ctxTag(0, true));
      const x = s.optional(ctxTag(1, true));
      s.end('nameConstraints');
      c.nameConstraints = { permitted: p ? parseSubtrees(p) : [], excluded: x ? parseSubtrees(x) : [] };
      break;
    }
    default:
      return;
  }
  r.end(`extension ${e.oid}`);
}

/** Security bits of the RSASSA-PSS signature's hash (default SHA-1 per RFC 4055). */
function pssSecurityBits(params: Tlv | undefined): number | null {
  if (!params || params.tag !== Tag.SEQUENCE) return DIGESTS['1.3.14.3.2.26']?.secbits ?? null;
  const r = derChildren(params);
  const h = r.optional(ctxTag(0, true));
  if (!h) return DIGESTS['1.3.14.3.2.26']?.secbits ?? null;
  const alg = derChildren(derChildren(h).next(Tag.SEQUENCE));
  return DIGESTS[derOid(alg.next(Tag.OID))]?.secbits ?? null;
}

function keyBits(x: X509Certificate, keyOid: string, curveOid: string | null): number {
  switch (KEY_ALGS[keyOid]) {
    case 'ED25519':
    case 'X25519':
      return 253;
    case 'ED448':
      return 456;
    case 'X448':
      return 448;
    case 'id-ecPublicKey':
      return (curveOid && CURVES[curveOid]?.bits) || 0;
    default:
      try {
        return x.publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
      } catch {
        return 0;
      }
  }
}

/** Parses a DER certificate; throws DerError (or node's error) when it is not one. */
export function parseCertificate(der: Uint8Array): ParsedCertificate {
  // One parse per certificate object: describing, verifying and taking the key share it.
  const cached = PARSED.get(der);
  if (cached) return cached;
  const parsed = parseCertificateUncached(der);
  PARSED.set(der, parsed);
  return parsed;
}

/** Parses keyed by the DER array's identity; entries go with the arrays. */
const PARSED = new WeakMap<Uint8Array, ParsedCertificate>();

function parseCertificateUncached(der: Uint8Array): ParsedCertificate {
  const top = new DerReader(der);
  const certSeq = top.next(Tag.SEQUENCE);
  top.end('Certificate');
  const cert = derChildren(certSeq);
  const tbs = derChildren(cert.next(Tag.SEQUENCE));
  const sigAlg = derChildren(cert.next(Tag.SEQUENCE));
  const sigAlgOid = derOid(sigAlg.next(Tag.OID));
  const sigParams = sigAlg.done ? undefined : sigAlg.next();
  cert.next(Tag.BIT_STRING);
  cert.end('Certificate');

  const v = tbs.optional(ctxTag(0, true));
  const version = v ? Number(derUint(derChildren(v).next(Tag.INTEGER))) + 1 : 1;
  const serial = tbs.next(Tag.INTEGER);
  tbs.next(Tag.SEQUENCE); // signature (inner AlgorithmIdentifier)
  const issuer = parseName(tbs.next(Tag.SEQUENCE));
  const validity = derChildren(tbs.next(Tag.SEQUENCE));
  const nb = validity.next();
  const na = validity.next();
  const subject = parseName(tbs.next(Tag.SEQUENCE));
  const spki = derChildren(tbs.next(Tag.SEQUENCE));
  const keyAlg = derChildren(spki.next(Tag.SEQUENCE));
  const keyAlgOid = derOid(keyAlg.next(Tag.OID));
  const keyParams = keyAlg.done ? undefined : keyAlg.next();
  const curveOid = keyParams?.tag === Tag.OID ? derOid(keyParams) : null;
  tbs.optional(ctxTag(1, false));
  tbs.optional(ctxTag(2, false));
  const exts = tbs.optional(ctxTag(3, true));
  tbs.end('TBSCertificate');

  const x509 = new X509Certificate(der);
  const sig = SIG_ALGS[sigAlgOid];
  const c: ParsedCertificate = {
    der,
    x509,
    version,
    serialHex: hex(serial.value),
    subject,
    issuer,
    subjectKey: canonicalName(subject),
    issuerKey: canonicalName(issuer),
    notBefore: parseTime(nb),
    notAfter: parseTime(na),
    sigAlgOid,
    sigSecurityBits: sig ? (sig.secbits ?? pssSecurityBits(sigParams)) : null,
    keyAlgOid,
    curveOid,
    publicKeyBits: keyBits(x509, keyAlgOid, curveOid),
    extensions: [],
    basicConstraints: null,
    keyUsage: null,
    extKeyUsage: null,
    subjectKeyId: null,
    authorityKeyId: null,
    subjectAltNames: null,
    nameConstraints: null,
    invalidExtension: false,
  };
  if (exts) {
    const list = derChildren(derChildren(exts).next(Tag.SEQUENCE));
    const seen = new Set<string>();
    while (!list.done) {
      const e = derChildren(list.next(Tag.SEQUENCE));
      const oid = derOid(e.next(Tag.OID));
      const crit = e.optional(Tag.BOOLEAN);
      const value = e.next(Tag.OCTET_STRING).value;
      e.end('Extension');
      const ext = { oid, critical: crit !== undefined && crit.value[0] !== 0, value };
      c.extensions.push(ext);
      if (seen.has(oid)) c.invalidExtension = true; // RFC 5280: at most one instance of each
      seen.add(oid);
      try {
        interpretExtension(c, ext);
      } catch (err) {
        if (!(err instanceof DerError)) throw err;
        c.invalidExtension = true;
      }
    }
  }
  return c;
}

/** Parses a certificate received from a peer; a malformed one becomes a decode_error alert. */
export function parsePeerCertificate(der: Uint8Array): ParsedCertificate {
  try {
    return parseCertificate(der);
  } catch (e) {
    throw decodeError(`unable to decode certificate: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** OpenSSL's long name of a certificate's signature algorithm ("sha256WithRSAEncryption"). */
export function sigAlgLongName(oid: string): string {
  return SIG_ALGS[oid]?.ln ?? oid;
}

/** OpenSSL's short name of a signature algorithm, as s_client's "sigalg:" shows ("RSA-SHA256"). */
export function sigAlgShortName(oid: string): string {
  return SIG_ALGS[oid]?.sn ?? oid;
}

/**
 * Facts about a DER certificate for reports, spelled as OpenSSL prints them (sha256 is the
 * colon-separated upper-case form of `openssl x509 -fingerprint -sha256`). A certificate that does
 * not decode raises a decode_error TlsAlert, as it does in OpenSSL's Certificate processing.
 */
export function describeCertificate(der: Uint8Array): CertInfo {
  const c = parsePeerCertificate(der);
  return {
    der,
    subject: formatName(c.subject),
    issuer: formatName(c.issuer),
    notBefore: c.notBefore ? formatOpensslTime(c.notBefore) : 'Bad time value',
    notAfter: c.notAfter ? formatOpensslTime(c.notAfter) : 'Bad time value',
    publicKey: KEY_ALGS[c.keyAlgOid] ?? c.keyAlgOid,
    publicKeyBits: c.publicKeyBits,
    sigalg: sigAlgLongName(c.sigAlgOid),
    sha256: c.x509.fingerprint256,
  };
}
