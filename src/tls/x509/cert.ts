/**
 * X.509 certificate parsing: node's X509Certificate for keys and signatures, the project's DER
 * reader for what node does not expose (signature algorithm, basicConstraints, keyUsage,
 * extendedKeyUsage, key identifiers, SAN and nameConstraints as structured values).
 */
import { X509Certificate } from 'node:crypto';
import { DerError, DerReader, Tag, ctxTag, derChildren, derOid, derUint, type Tlv } from '../codec/der.js';
import { interpretExtension } from './extensions.js';
import { decodeError } from '../errors.js';
import type { CertInfo } from '../types.js';
import { canonicalName, formatName, parseName, type DistinguishedName } from './name.js';
import { CURVES, DIGESTS, KEY_ALGS, SIG_ALGS } from './oids.js';

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
  /** node's view, built on first use (it costs a key decode: ~0.1-0.8 ms per certificate). */
  readonly x509: X509Certificate;
  /** The signed TBSCertificate, the outer and inner signature AlgorithmIdentifiers, the signature. */
  tbsDer: Uint8Array;
  sigAlgDer: Uint8Array;
  tbsSigAlgDer: Uint8Array;
  signatureValue: Uint8Array;
  /** The SubjectPublicKeyInfo as encoded. */
  spkiDer: Uint8Array;
  version: number;
  serialHex: string;
  /** The serial number's INTEGER content octets as encoded (RFC 5280 §4.1.2.2). */
  serial: Uint8Array;
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
  /** An EC key with explicit domain parameters instead of a named curve (RFC 5480 §2.1.1). */
  explicitCurve: boolean;
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
  const [mo, d, h, mi, se] = [2, 3, 4, 5, 6].map((i) => Number(m![i]));
  const ms = Date.UTC(year, mo! - 1, d!, h!, mi!, se!);
  const dt = new Date(ms);
  if (dt.getUTCMonth() !== mo! - 1 || dt.getUTCDate() !== d! || h! > 23 || mi! > 59 || se! > 59) return null;
  if (year < 100) dt.setUTCFullYear(year);
  return dt;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Formats a time as OpenSSL's ASN1_TIME_print does: "Jan  1 00:00:00 2020 GMT". */
export function formatOpensslTime(d: Date): string {
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${d.getUTCFullYear()} GMT`;
}

/** Security bits of the RSASSA-PSS signature's hash (default SHA-1 per RFC 4055). */
function pssSecurityBits(params: Tlv | undefined): number | null {
  if (!params || params.tag !== Tag.SEQUENCE) return DIGESTS['1.3.14.3.2.26']!.secbits;
  const r = derChildren(params);
  const h = r.optional(ctxTag(0, true));
  if (!h) return DIGESTS['1.3.14.3.2.26']!.secbits;
  const alg = derChildren(derChildren(h).next(Tag.SEQUENCE));
  return DIGESTS[derOid(alg.next(Tag.OID))]?.secbits ?? null;
}

/** Bit length of a DER INTEGER's magnitude. */
function intBits(v: Uint8Array): number {
  let i = 0;
  while (i < v.length - 1 && v[i] === 0) i++;
  const first = v[i] ?? 0;
  return (v.length - i - 1) * 8 + (first === 0 ? 0 : 32 - Math.clz32(first));
}

/** RSA modulus (RFC 8017 RSAPublicKey in the SPKI's BIT STRING) or DSA p (RFC 3279 Dss-Parms) size. */
function ifcBits(keyOid: string, keyParams: Tlv | undefined, keyBitString: Uint8Array): number | null {
  try {
    if (KEY_ALGS[keyOid] === 'DSA' && keyParams?.tag === Tag.SEQUENCE)
      return intBits(derChildren(keyParams).next(Tag.INTEGER).value);
    if (KEY_ALGS[keyOid] === 'rsaEncryption' || KEY_ALGS[keyOid] === 'RSASSA-PSS') {
      const rsa = new DerReader(keyBitString.subarray(1)).next(Tag.SEQUENCE);
      return intBits(derChildren(rsa).next(Tag.INTEGER).value);
    }
  } catch {
    return null;
  }
  return null;
}

function keyBits(x: () => X509Certificate, keyOid: string, curveOid: string | null, ifc: number | null): number {
  if (ifc !== null) return ifc;
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
        return x().publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
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
  const tbsTlv = cert.next(Tag.SEQUENCE);
  const tbs = derChildren(tbsTlv);
  const sigAlgTlv = cert.next(Tag.SEQUENCE);
  const sigAlg = derChildren(sigAlgTlv);
  const sigAlgOid = derOid(sigAlg.next(Tag.OID));
  const sigParams = sigAlg.done ? undefined : sigAlg.next();
  const sigValue = cert.next(Tag.BIT_STRING).value;
  cert.end('Certificate');

  const v = tbs.optional(ctxTag(0, true));
  const version = v ? Number(derUint(derChildren(v).next(Tag.INTEGER))) + 1 : 1;
  const serial = tbs.next(Tag.INTEGER);
  const tbsSigAlg = tbs.next(Tag.SEQUENCE); // signature (inner AlgorithmIdentifier)
  const issuer = parseName(tbs.next(Tag.SEQUENCE));
  const validity = derChildren(tbs.next(Tag.SEQUENCE));
  const nb = validity.next();
  const na = validity.next();
  const subject = parseName(tbs.next(Tag.SEQUENCE));
  const spkiTlv = tbs.next(Tag.SEQUENCE);
  const spki = derChildren(spkiTlv);
  const keyAlg = derChildren(spki.next(Tag.SEQUENCE));
  const keyAlgOid = derOid(keyAlg.next(Tag.OID));
  const keyParams = keyAlg.done ? undefined : keyAlg.next();
  const keyBitString = spki.next(Tag.BIT_STRING).value;
  spki.end('SubjectPublicKeyInfo');
  const curveOid = keyParams?.tag === Tag.OID ? derOid(keyParams) : null;
  tbs.optional(ctxTag(1, false));
  tbs.optional(ctxTag(2, false));
  const exts = tbs.optional(ctxTag(3, true));
  tbs.end('TBSCertificate');

  let node: X509Certificate | undefined;
  const x509 = (): X509Certificate => (node ??= new X509Certificate(der));
  const sig = SIG_ALGS[sigAlgOid];
  const c: ParsedCertificate = {
    der,
    get x509() {
      return x509();
    },
    tbsDer: tbsTlv.raw,
    sigAlgDer: sigAlgTlv.raw,
    tbsSigAlgDer: tbsSigAlg.raw,
    signatureValue: sigValue.subarray(1),
    spkiDer: spkiTlv.raw,
    version,
    serialHex: hex(serial.value),
    serial: serial.value,
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
    explicitCurve: KEY_ALGS[keyAlgOid] === 'id-ecPublicKey' && keyParams?.tag === Tag.SEQUENCE,
    publicKeyBits: keyBits(x509, keyAlgOid, curveOid, ifcBits(keyAlgOid, keyParams, keyBitString)),
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
        interpretExtension(c, oid, value);
      } catch (err) {
        if (!(err instanceof DerError)) throw err;
        c.invalidExtension = true;
      }
    }
  }
  return c;
}

/**
 * Parses a certificate received from a peer; a malformed one becomes a decode_error alert. With
 * `lazy`, only our DER decoding runs now and node's X509Certificate is left for first use (path
 * building looks at names first, so certificates that are never candidates cost no key decode).
 */
export function parsePeerCertificate(der: Uint8Array, lazy = false): ParsedCertificate {
  try {
    const c = parseCertificate(der);
    if (!lazy) void c.x509; // node's decoder is the stricter one: a certificate it refuses is decode_error
    return c;
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
