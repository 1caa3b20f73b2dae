/**
 * X.509 certificate parsing: node's X509Certificate for keys and signatures, the project's DER
 * reader for what node does not expose (signature algorithm, basicConstraints, keyUsage,
 * extendedKeyUsage, key identifiers, SAN and nameConstraints as structured values).
 */
import { X509Certificate } from 'node:crypto';
import { DerError, DerReader, Tag, ctxTag, derChildren, derOid, derUint, type Tlv } from '../codec/der.js';
import { interpretExtension } from './extensions.js';
import { decodeError } from '../errors.js';
import type { CertInfo } from './cert-info.js';
import type { ParsedCertificate } from './cert-types.js';
import { mlDsaKeyBits } from './mldsa.js';

export { KeyUsage } from './cert-types.js';
export type { Extension, GeneralName, ParsedCertificate, Subtree } from './cert-types.js';
import { canonicalName, formatName, parseName } from './name.js';
import { CURVES, DIGESTS, KEY_ALGS, SIG_ALGS } from './oids.js';

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

/** Security bits of the RSASSA-PSS signature's hash (default SHA-1 per RFC 4055). */
function pssSecurityBits(params: Tlv | undefined): number | null {
  if (!params || params.tag !== Tag.SEQUENCE) return DIGESTS['1.3.14.3.2.26']?.secbits ?? null;
  const r = derChildren(params);
  const h = r.optional(ctxTag(0, true));
  if (!h) return DIGESTS['1.3.14.3.2.26']?.secbits ?? null;
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
      if (mlDsaKeyBits(keyOid) !== null) return mlDsaKeyBits(keyOid) ?? 0; // Node 20 cannot load ML-DSA keys
      try {
        return x().publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
      } catch {
        return 0;
      }
  }
}

/**
 * Parses a DER certificate; throws DerError (or node's error) when it is not one. One parse per
 * certificate object (describing, verifying and taking the key share it), and across handshakes
 * one per certificate encoding: a server's chain, seen again, is not decoded again (node's
 * X509Certificate costs ~0.5 ms per certificate, over a quarter of a warm TLS 1.2 handshake's CPU in
 * --cpu-prof). The cache is keyed on the exact bytes and parses a private copy of them, so a
 * caller's array reused for other bytes cannot change an entry; verification itself (signatures,
 * validity, names, path) runs at every handshake.
 */
export function parseCertificate(der: Uint8Array): ParsedCertificate {
  const cached = PARSED.get(der);
  if (cached) return cached;
  const key = Buffer.from(der.buffer, der.byteOffset, der.length).toString('latin1');
  let parsed = BY_ENCODING.get(key);
  if (parsed) BY_ENCODING.delete(key);
  else parsed = parseCertificateUncached(der.slice());
  BY_ENCODING.set(key, parsed);
  if (BY_ENCODING.size > ENCODING_CACHE) {
    const oldest = BY_ENCODING.keys().next();
    if (!oldest.done) BY_ENCODING.delete(oldest.value);
  }
  PARSED.set(der, parsed);
  return parsed;
}

/** Parses keyed by the DER array's identity; entries go with the arrays. */
const PARSED = new WeakMap<Uint8Array, ParsedCertificate>();
/** Parses keyed by the encoding itself (latin1, one character per byte): a bounded LRU. */
const BY_ENCODING = new Map<string, ParsedCertificate>();
const ENCODING_CACHE = 64;

/**
 * The canonical subject (ParsedCertificate.subjectKey) of a DER certificate, reading only the
 * TBSCertificate fields before it, the same way parseCertificateUncached reads them: what path
 * building needs to tell whether a trust anchor can be an issuer at all (likelyIssued compares it
 * first), at about a third of a full parse. Throws where a full parse of those fields would.
 */
export function certificateSubjectKey(der: Uint8Array): string {
  const top = new DerReader(der);
  const certSeq = top.next(Tag.SEQUENCE);
  top.end('Certificate');
  const tbs = derChildren(derChildren(certSeq).next(Tag.SEQUENCE));
  tbs.optional(ctxTag(0, true));
  tbs.next(Tag.INTEGER);
  tbs.next(Tag.SEQUENCE);
  tbs.next(Tag.SEQUENCE);
  tbs.next(Tag.SEQUENCE);
  return canonicalName(parseName(tbs.next(Tag.SEQUENCE)));
}

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
  // Worked out once per parse (shared among equal encodings): the strings are immutable, so every
  // connection to the same server shares them instead of holding its own (~1.3 KiB per idle
  // connection in a heap-snapshot diff); the DER stays the caller's.
  let d = DESCRIBED.get(c);
  if (!d) {
    d = describeParsed(c);
    DESCRIBED.set(c, d);
  }
  return { ...d, der };
}

const DESCRIBED = new WeakMap<ParsedCertificate, Omit<CertInfo, 'der'>>();

/**
 * describeCertificate for a connection's report of the peer's chain: one frozen CertInfo per
 * parse, whose `der` is the parse's own private copy (parseCertificate), so every idle connection
 * and session of the same server shares the description and the bytes (issue #14: ~1.2 KiB per
 * idle connection with a leaf and an intermediate). The DER must be treated as read-only.
 */
export function sharedCertificateInfo(der: Uint8Array): Readonly<CertInfo> {
  const c = parsePeerCertificate(der);
  let info = SHARED.get(c);
  if (!info) {
    info = Object.freeze(describeCertificate(c.der));
    SHARED.set(c, info);
  }
  return info;
}

const SHARED = new WeakMap<ParsedCertificate, Readonly<CertInfo>>();

function describeParsed(c: ParsedCertificate): Omit<CertInfo, 'der'> {
  return {
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
