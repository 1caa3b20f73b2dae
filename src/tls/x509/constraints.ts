/**
 * RFC 5280 §4.2.1.10 name constraints, with OpenSSL 3.0's matching rules (crypto/x509/v3_ncons.c):
 * dNSName, iPAddress, rfc822Name, URI and directoryName are checked; a constraint of any other
 * type that meets a name of that type is X509_V_ERR_UNSUPPORTED_CONSTRAINT_TYPE.
 */
import type { GeneralName, ParsedCertificate, Subtree } from './cert.js';
import { X509V } from './codes.js';
import { attributeText, canonicalName, nameValues, type DistinguishedName } from './name.js';
import { OID_CN } from './oids.js';

type NcResult = number; // X509V.OK or an X509_V_ERR code

const OID_EMAIL = '1.2.840.113549.1.9.1';

function eqIgnoreCase(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** nc_dns: base "" matches all; otherwise a suffix match on a label boundary (or a leading dot). */
function matchDns(name: string, base: string): NcResult {
  if (base.length === 0) return X509V.OK;
  if (name.length < base.length) return X509V.PERMITTED_VIOLATION;
  const tail = name.slice(name.length - base.length);
  if (name.length > base.length && !base.startsWith('.') && name[name.length - base.length - 1] !== '.') {
    return X509V.PERMITTED_VIOLATION;
  }
  return eqIgnoreCase(tail, base) ? X509V.OK : X509V.PERMITTED_VIOLATION;
}

/** nc_email: "user@host" exact, ".domain" any subdomain, "host" that host exactly. */
function matchEmail(name: string, base: string): NcResult {
  const at = name.lastIndexOf('@');
  if (at < 0) return X509V.UNSUPPORTED_NAME_SYNTAX;
  const host = name.slice(at + 1);
  if (base.startsWith('.')) {
    return host.length > base.length && eqIgnoreCase(host.slice(host.length - base.length), base)
      ? X509V.OK
      : X509V.PERMITTED_VIOLATION;
  }
  const bat = base.lastIndexOf('@');
  if (bat >= 0) {
    return name.slice(0, at) === base.slice(0, bat) && eqIgnoreCase(host, base.slice(bat + 1))
      ? X509V.OK
      : X509V.PERMITTED_VIOLATION;
  }
  return eqIgnoreCase(host, base) ? X509V.OK : X509V.PERMITTED_VIOLATION;
}

/** nc_uri: the URI's host against a host (exact) or ".domain" (suffix). */
function matchUri(uri: string, base: string): NcResult {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/(?:[^@/]*@)?(\[[^\]]*\]|[^:/?#]*)/.exec(uri);
  if (!m || !m[1]) return X509V.UNSUPPORTED_NAME_SYNTAX;
  const host = m[1];
  if (base.startsWith('.')) {
    return host.length > base.length && eqIgnoreCase(host.slice(host.length - base.length), base)
      ? X509V.OK
      : X509V.PERMITTED_VIOLATION;
  }
  return eqIgnoreCase(host, base) ? X509V.OK : X509V.PERMITTED_VIOLATION;
}

/** nc_ip: address/mask of matching family. */
function matchIp(ip: Uint8Array, base: Uint8Array): NcResult {
  if (ip.length * 2 !== base.length) return X509V.PERMITTED_VIOLATION;
  for (let i = 0; i < ip.length; i++) {
    const mask = base[ip.length + i] ?? 0;
    if (((ip[i] ?? 0) & mask) !== ((base[i] ?? 0) & mask)) return X509V.PERMITTED_VIOLATION;
  }
  return X509V.OK;
}

/** nc_dn: the constraint must be an RDN-wise prefix of the name. */
function matchDirName(name: DistinguishedName, base: DistinguishedName): NcResult {
  if (base.length > name.length) return X509V.PERMITTED_VIOLATION;
  return canonicalName(name.slice(0, base.length)) === canonicalName(base) ? X509V.OK : X509V.PERMITTED_VIOLATION;
}

function matchSingle(name: GeneralName, base: GeneralName): NcResult {
  if (name.type === 'dns' && base.type === 'dns') return matchDns(name.value, base.value);
  if (name.type === 'email' && base.type === 'email') return matchEmail(name.value, base.value);
  if (name.type === 'uri' && base.type === 'uri') return matchUri(name.value, base.value);
  if (name.type === 'ip' && base.type === 'ip') return matchIp(name.bytes, base.bytes);
  if (name.type === 'dirName' && base.type === 'dirName') return matchDirName(name.name, base.name);
  return X509V.UNSUPPORTED_CONSTRAINT_TYPE;
}

function sameType(a: GeneralName, b: GeneralName): boolean {
  if (a.type !== b.type) return false;
  return a.type !== 'other' || (b.type === 'other' && a.tag === b.tag);
}

/** nc_match: some permitted subtree of the name's type must match; no excluded one may. */
function ncMatch(name: GeneralName, nc: { permitted: Subtree[]; excluded: Subtree[] }): NcResult {
  let match = 0;
  for (const sub of nc.permitted) {
    if (!sameType(name, sub.base)) continue;
    if (sub.minimum !== 0 || sub.maximum !== null) return X509V.SUBTREE_MINMAX;
    if (match === 2) continue;
    match = 1;
    const r = matchSingle(name, sub.base);
    if (r === X509V.OK) match = 2;
    else if (r !== X509V.PERMITTED_VIOLATION) return r;
  }
  if (match === 1) return X509V.PERMITTED_VIOLATION;
  for (const sub of nc.excluded) {
    if (!sameType(name, sub.base)) continue;
    if (sub.minimum !== 0 || sub.maximum !== null) return X509V.SUBTREE_MINMAX;
    const r = matchSingle(name, sub.base);
    if (r === X509V.OK) return X509V.EXCLUDED_VIOLATION;
    if (r !== X509V.PERMITTED_VIOLATION) return r;
  }
  return X509V.OK;
}

/** NAME_CONSTRAINTS_check: the subject DN, its emailAddress attributes and every SAN entry. */
export function checkNameConstraints(
  x: ParsedCertificate,
  nc: { permitted: Subtree[]; excluded: Subtree[] },
): NcResult {
  const names: GeneralName[] = [];
  if (x.subject.length > 0) {
    names.push({ type: 'dirName', name: x.subject });
    for (const e of nameValues(x.subject, OID_EMAIL)) names.push({ type: 'email', value: e });
  }
  names.push(...(x.subjectAltNames ?? []));
  for (const n of names) {
    const r = ncMatch(n, nc);
    if (r !== X509V.OK) return r;
  }
  return X509V.OK;
}

/** OpenSSL's cn2dnsid: a CN counts as a DNS name only with two or more well-formed labels. */
function cnAsDnsName(cn: string): string | null {
  let isDns = false;
  for (const [i, c] of [...cn].entries()) {
    if (/[A-Za-z0-9_]/.test(c)) continue;
    if (i > 0 && i < cn.length - 1) {
      if (c === '-') continue;
      if (c === '.' && cn[i + 1] !== '.' && cn[i - 1] !== '-' && cn[i + 1] !== '-') {
        isDns = true;
        continue;
      }
    }
    return null;
  }
  return isDns ? cn : null;
}

/** NAME_CONSTRAINTS_check_CN: for a leaf without SAN dNSName, DNS-like CNs meet dNSName constraints. */
export function checkNameConstraintsCn(
  x: ParsedCertificate,
  nc: { permitted: Subtree[]; excluded: Subtree[] },
): NcResult {
  for (const rdn of x.subject) {
    for (const a of rdn) {
      if (a.oid !== OID_CN) continue;
      const dns = cnAsDnsName(attributeText(a) ?? '');
      if (dns === null) continue;
      const r = ncMatch({ type: 'dns', value: dns }, nc);
      if (r !== X509V.OK) return r;
    }
  }
  return X509V.OK;
}
