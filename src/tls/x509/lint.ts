/**
 * The pedantic rules of the CA/Browser Forum Baseline Requirements and RFC 5280 that mainstream
 * verifiers do not enforce: under the strict profile (--x509-strict) the first one found fails
 * verification; under the default profile each is a warning in the result, never silent. Where
 * OpenSSL 3.0's -x509_strict has a code for the rule (x509_vfy.c check_extensions), that code is
 * used; the others report X509_V_ERR_UNSPECIFIED with the rule as the reason.
 */
import { KeyUsage, type ParsedCertificate } from './cert.js';
import { X509V } from './codes.js';
import { parseIp } from './hostname.js';
import { nameValues } from './name.js';
import { Eku, Ext, FORBIDDEN_LEAF_EKU, KEY_ALGS, OID_CN } from './oids.js';
import { selfSigned } from './path.js';

/** One rule broken by one certificate of the path. */
export interface Finding {
  code: number;
  depth: number;
  rule: string;
  section: string;
}

const ipText = (b: Uint8Array): string =>
  b.length === 4
    ? Array.from(b).join('.')
    : Array.from({ length: 8 }, (_, i) => (((b[2 * i] ?? 0) << 8) | (b[2 * i + 1] ?? 0)).toString(16)).join(':');

/** BR 7.1.4.3: a subject commonName, if present, must repeat one of the SAN's values. */
function cnInSan(c: ParsedCertificate): boolean {
  const san = c.subjectAltNames ?? [];
  return nameValues(c.subject, OID_CN).every((cn) => {
    const ip = parseIp(cn);
    if (ip) return san.some((g) => g.type === 'ip' && ipText(g.bytes) === ipText(ip));
    return san.some((g) => g.type === 'dns' && g.value.toLowerCase() === cn.toLowerCase());
  });
}

/** RFC 5280 §4.1.2.2: a positive INTEGER of at most 20 octets. */
function serialOk(s: Uint8Array): boolean {
  const first = s[0] ?? 0;
  if (s.length === 0 || first & 0x80) return false; // negative
  if (s.every((b) => b === 0)) return false; // zero
  const octets = first === 0 ? s.length - 1 : s.length; // a leading 0x00 only carries the sign
  return octets <= 20;
}

const critical = (c: ParsedCertificate, oid: string): boolean | null => {
  const e = c.extensions.find((x) => x.oid === oid);
  return e ? e.critical : null;
};

/** The rules for one certificate at `depth` of a path of `length` (the last being the anchor). */
function lintOne(c: ParsedCertificate, depth: number, length: number, out: Finding[]): void {
  const add = (code: number, rule: string, section: string): void => void out.push({ code, depth, rule, section });
  const leaf = depth === 0;
  const root = depth === length - 1 && depth > 0 && selfSigned(c); // a path that ends at an anchor
  const isCa = !leaf;
  if (leaf && !cnInSan(c)) add(X509V.UNSPECIFIED, 'subject CN is not one of the SAN values', 'BR 7.1.4.3');
  if (leaf && c.extKeyUsage === null)
    add(X509V.INVALID_PURPOSE, 'leaf certificate without extKeyUsage', 'BR 7.1.2.7.10');
  if (leaf && c.extKeyUsage?.includes(Eku.any))
    add(X509V.INVALID_PURPOSE, 'anyExtendedKeyUsage in the leaf extKeyUsage', 'BR 7.1.2.7.10');
  const forbidden = leaf ? (c.extKeyUsage ?? []).filter((o) => o in FORBIDDEN_LEAF_EKU) : [];
  if (forbidden.length > 0)
    add(
      X509V.INVALID_PURPOSE,
      `leaf extKeyUsage includes ${forbidden.map((o) => FORBIDDEN_LEAF_EKU[o]).join(', ')}`,
      'BR 7.1.2.7.10',
    );
  if (leaf && c.keyUsage !== null && c.keyUsage & KeyUsage.keyCertSign)
    add(X509V.KU_KEY_CERT_SIGN_INVALID_FOR_NON_CA, 'keyCertSign in the keyUsage of a leaf', 'RFC 5280 §4.2.1.3');
  const alg = KEY_ALGS[c.keyAlgOid];
  if ((alg === 'rsaEncryption' || alg === 'RSASSA-PSS') && c.publicKeyBits % 8 !== 0)
    add(X509V.UNSPECIFIED, `RSA modulus of ${c.publicKeyBits} bits is not a multiple of 8`, 'BR 6.1.5');
  if (!serialOk(c.serial))
    add(X509V.UNSPECIFIED, 'serial number not a positive integer of at most 20 octets', 'RFC 5280 §4.1.2.2');
  if (c.authorityKeyId === null && !selfSigned(c))
    add(X509V.MISSING_AUTHORITY_KEY_IDENTIFIER, 'authorityKeyIdentifier missing', 'RFC 5280 §4.2.1.1');
  if (isCa && c.subjectKeyId === null)
    add(X509V.MISSING_SUBJECT_KEY_IDENTIFIER, 'CA certificate without subjectKeyIdentifier', 'RFC 5280 §4.2.1.2');
  if (isCa && critical(c, Ext.basicConstraints) === false)
    add(X509V.CA_BCONS_NOT_CRITICAL, 'CA basicConstraints not marked critical', 'RFC 5280 §4.2.1.9');
  if (c.subject.length === 0 && critical(c, Ext.subjectAltName) === false)
    add(X509V.EMPTY_SUBJECT_SAN_NOT_CRITICAL, 'empty subject and a non-critical subjectAltName', 'RFC 5280 §4.2.1.6');
  if (root && c.extKeyUsage !== null)
    add(X509V.UNSPECIFIED, 'extKeyUsage present in a root certificate', 'BR 7.1.2.1.2');
}

/** All pedantic findings for a path, leaf first. */
export function lintPath(path: ParsedCertificate[]): Finding[] {
  const out: Finding[] = [];
  path.forEach((c, i) => lintOne(c, i, path.length, out));
  return out;
}
