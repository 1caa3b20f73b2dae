/**
 * X.501 distinguished names: decoding, OpenSSL's one-line rendering ("CN = localhost, O = x", as
 * `openssl x509 -subject` and s_client 3.0 print them) and OpenSSL's canonical comparison form
 * (X509_NAME_cmp: case-folded ASCII, whitespace collapsed, so "CN=Foo  Bar" equals "cn=foo bar").
 */
import { DerReader, Tag, derChildren, derOid, type Tlv } from '../codec/der.js';
import { NAME_ATTRS } from './oids.js';

/** One attribute of a name: its OID, the DER tag of its value, the value bytes. */
export interface NameAttribute {
  oid: string;
  tag: number;
  value: Uint8Array;
  /** The whole value TLV (for #hex dumps). */
  raw: Uint8Array;
}

/** A decoded Name: a sequence of RDNs, each a set of attributes (usually one). */
export type DistinguishedName = NameAttribute[][];

const STRING_TAGS: ReadonlySet<number> = new Set([0x0c, 0x12, 0x13, 0x14, 0x16, 0x1a, 0x1c, 0x1e]);
/** Types OpenSSL canonicalises before comparing (ASN1_MASK_CANON). */
const CANON_TAGS: ReadonlySet<number> = new Set([0x0c, 0x13, 0x14, 0x16, 0x1a, 0x1c, 0x1e]);

/** Decodes a Name (SEQUENCE OF SET OF AttributeTypeAndValue). */
export function parseName(t: Tlv): DistinguishedName {
  const out: DistinguishedName = [];
  const rdns = derChildren(t);
  while (!rdns.done) {
    const set = rdns.next(Tag.SET);
    const avas = derChildren(set);
    const rdn: NameAttribute[] = [];
    while (!avas.done) {
      const ava = derChildren(avas.next(Tag.SEQUENCE));
      const oid = derOid(ava.next(Tag.OID));
      const v = ava.next();
      ava.end('AttributeTypeAndValue');
      rdn.push({ oid, tag: v.tag, value: v.value, raw: v.raw });
    }
    out.push(rdn);
  }
  return out;
}

/** Decodes a string-typed attribute value to a JS string (null for non-string types). */
export function attributeText(a: { tag: number; value: Uint8Array }): string | null {
  const v = a.value;
  switch (a.tag) {
    case 0x0c:
      return new TextDecoder('utf-8', { fatal: false }).decode(v);
    case 0x12:
    case 0x13:
    case 0x16:
    case 0x1a:
    case 0x14: // T61String: treated as Latin-1, as OpenSSL does
      return String.fromCharCode(...v);
    case 0x1e: {
      let s = '';
      for (let i = 0; i + 1 < v.length; i += 2) s += String.fromCharCode(((v[i] ?? 0) << 8) | (v[i + 1] ?? 0));
      return s;
    }
    case 0x1c: {
      let s = '';
      for (let i = 0; i + 3 < v.length; i += 4) {
        const cp = (((v[i] ?? 0) << 24) | ((v[i + 1] ?? 0) << 16) | ((v[i + 2] ?? 0) << 8) | (v[i + 3] ?? 0)) >>> 0;
        s += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
      }
      return s;
    }
    default:
      return null;
  }
}

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** Characters RFC 2253 escapes; OpenSSL's oneline format quotes the value instead. */
const RFC2253_SPECIAL = new Set([',', '+', '"', '\\', '<', '>', ';']);

/**
 * Renders one attribute value as OpenSSL's default "oneline" name option does: UTF-8 bytes above
 * 0x7f and control characters as \XX, values with RFC 2253 specials (or a leading space or '#', or
 * a trailing space) in double quotes with '"' and '\\' backslash-escaped; non-strings as #hex DER.
 */
function formatValue(a: NameAttribute): string {
  const text = STRING_TAGS.has(a.tag) ? attributeText(a) : null;
  if (text === null) return '#' + hex(a.raw).toUpperCase();
  const bytes = new TextEncoder().encode(text);
  let quote = false;
  let out = '';
  for (const [i, b] of bytes.entries()) {
    const ch = String.fromCharCode(b);
    const first = i === 0 && (ch === ' ' || ch === '#');
    const last = i === bytes.length - 1 && ch === ' ';
    if (b < 0x20 || b >= 0x7f) {
      out += '\\' + b.toString(16).toUpperCase().padStart(2, '0');
    } else if (RFC2253_SPECIAL.has(ch) || first || last) {
      quote = true;
      out += ch === '"' || ch === '\\' ? '\\' + ch : ch;
    } else out += ch;
  }
  return quote ? `"${out}"` : out;
}

/** OpenSSL's one-line form of a name: "CN = localhost, O = tls-probe test" (RDN order kept). */
export function formatName(dn: DistinguishedName): string {
  return dn.map((rdn) => rdn.map((a) => `${NAME_ATTRS[a.oid] ?? a.oid} = ${formatValue(a)}`).join(' + ')).join(', ');
}

/** Canonical value per OpenSSL's asn1_string_canon: trimmed, inner whitespace collapsed, ASCII lowercased. */
function canonValue(a: NameAttribute): string {
  if (!CANON_TAGS.has(a.tag)) return `#${a.tag}:${hex(a.value)}`;
  const t = attributeText(a) ?? '';
  return t
    .replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '')
    .replace(/[ \t\n\v\f\r]+/g, ' ')
    .replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** A string that is equal for two names exactly when OpenSSL's X509_NAME_cmp says they match. */
export function canonicalName(dn: DistinguishedName): string {
  return dn
    .map((rdn) =>
      rdn
        .map((a) => `${a.oid}=${JSON.stringify(canonValue(a))}`)
        .sort()
        .join('+'),
    )
    .join('/');
}

/** All values of one attribute type (e.g. every CN), in order, as text. */
export function nameValues(dn: DistinguishedName, oid: string): string[] {
  const out: string[] = [];
  for (const rdn of dn) for (const a of rdn) if (a.oid === oid) out.push(attributeText(a) ?? '');
  return out;
}

/** Parses a Name from its full DER encoding. */
export function parseNameDer(der: Uint8Array): DistinguishedName {
  const r = new DerReader(der);
  const t = r.next(Tag.SEQUENCE);
  r.end('Name');
  return parseName(t);
}
