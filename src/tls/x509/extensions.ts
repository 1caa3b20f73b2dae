/**
 * Decoding of the certificate extensions the verifier understands (RFC 5280 §4.2). Every
 * extension listed here is decoded in full, so a malformed one is found and rejected
 * (X509_V_ERR_INVALID_EXTENSION, 41) instead of skipped: that is what Go's x509.ParseCertificate,
 * rustls-webpki and Chrome do, where OpenSSL 3.0 only decodes some of them lazily.
 */
import { DerError, DerReader, Tag, ctxTag, derChildren, derOid, derUint, type Tlv } from '../codec/der.js';
import type { GeneralName, ParsedCertificate, Subtree } from './cert-types.js';
import { parseName } from './name.js';
import { Ext } from './oids.js';

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** An IA5String (RFC 5280 §4.2.1.6: dNSName, rfc822Name, URI) holds ASCII only. */
function ia5(t: Tlv, what: string): string {
  for (const b of t.value) if (b > 0x7f) throw new DerError(`${what} is not an IA5String`);
  return new TextDecoder('latin1').decode(t.value);
}

/** Decodes one GeneralName (RFC 5280 §4.2.1.6); `inConstraint` allows the address/mask IP form. */
export function parseGeneralName(t: Tlv, inConstraint = false): GeneralName {
  switch (t.tag) {
    case ctxTag(1, false):
      return { type: 'email', value: ia5(t, 'rfc822Name') };
    case ctxTag(2, false):
      return { type: 'dns', value: ia5(t, 'dNSName') };
    case ctxTag(6, false):
      return { type: 'uri', value: ia5(t, 'uniformResourceIdentifier') };
    case ctxTag(7, false): {
      // §4.2.1.6: 4 or 16 octets in a SAN; §4.2.1.10: 8 or 32 (address then mask) in a constraint.
      const ok = inConstraint ? [8, 32] : [4, 16];
      if (!ok.includes(t.value.length)) throw new DerError(`iPAddress of ${t.value.length} octets`);
      return { type: 'ip', bytes: t.value };
    }
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

/** GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName. */
function parseGeneralNames(r: DerReader, what: string): GeneralName[] {
  const out: GeneralName[] = [];
  while (!r.done) out.push(parseGeneralName(r.next()));
  if (out.length === 0) throw new DerError(`empty ${what}`);
  return out;
}

/** GeneralSubtrees ::= SEQUENCE SIZE (1..MAX) OF GeneralSubtree (§4.2.1.10). */
function parseSubtrees(t: Tlv): Subtree[] {
  const out: Subtree[] = [];
  const r = derChildren(t);
  while (!r.done) {
    const s = derChildren(r.next(Tag.SEQUENCE));
    const base = parseGeneralName(s.next(), true);
    const min = s.optional(ctxTag(0, false));
    const max = s.optional(ctxTag(1, false));
    s.end('GeneralSubtree');
    out.push({ base, minimum: min ? Number(derUint(min)) : 0, maximum: max ? Number(derUint(max)) : null });
  }
  if (out.length === 0) throw new DerError('empty GeneralSubtrees');
  return out;
}

/** SEQUENCE SIZE (1..MAX) OF X: calls `each` on every element and requires at least one. */
function seqOf(r: DerReader, what: string, each: (t: Tlv) => void): void {
  const s = derChildren(r.next(Tag.SEQUENCE));
  let n = 0;
  for (; !s.done; n++) each(s.next());
  if (n === 0) throw new DerError(`empty ${what}`);
}

/** AuthorityInfoAccessSyntax (§4.2.2.1): AccessDescription { accessMethod OID, accessLocation }. */
function checkAia(r: DerReader): void {
  seqOf(r, 'authorityInfoAccess', (t) => {
    if (t.tag !== Tag.SEQUENCE) throw new DerError('AccessDescription is not a SEQUENCE');
    const a = derChildren(t);
    derOid(a.next(Tag.OID));
    parseGeneralName(a.next());
    a.end('AccessDescription');
  });
}

/** CRLDistributionPoints (§4.2.1.13): each point names a location or a CRL issuer. */
function checkCdp(r: DerReader): void {
  seqOf(r, 'cRLDistributionPoints', (t) => {
    if (t.tag !== Tag.SEQUENCE) throw new DerError('DistributionPoint is not a SEQUENCE');
    const d = derChildren(t);
    const dp = d.optional(ctxTag(0, true));
    d.optional(ctxTag(1, false));
    const issuer = d.optional(ctxTag(2, true));
    d.end('DistributionPoint');
    if (!dp && !issuer) throw new DerError('DistributionPoint with neither a name nor a cRLIssuer');
    if (dp) {
      const n = derChildren(dp);
      const full = n.optional(ctxTag(0, true));
      if (full) parseGeneralNames(derChildren(full), 'fullName');
      else n.next(ctxTag(1, true));
      n.end('DistributionPointName');
    }
    if (issuer) parseGeneralNames(derChildren(issuer), 'cRLIssuer');
  });
}

/** certificatePolicies (§4.2.1.4): PolicyInformation { policyIdentifier, qualifiers OPTIONAL }. */
function checkPolicies(r: DerReader): void {
  const seen = new Set<string>();
  seqOf(r, 'certificatePolicies', (t) => {
    if (t.tag !== Tag.SEQUENCE) throw new DerError('PolicyInformation is not a SEQUENCE');
    const p = derChildren(t);
    const id = derOid(p.next(Tag.OID));
    if (seen.has(id)) throw new DerError('policy OID listed twice');
    seen.add(id);
    const q = p.optional(Tag.SEQUENCE);
    p.end('PolicyInformation');
    if (q) {
      const qs = derChildren(q);
      if (qs.done) throw new DerError('empty policyQualifiers');
      while (!qs.done) {
        const qi = derChildren(qs.next(Tag.SEQUENCE));
        derOid(qi.next(Tag.OID));
        qi.next();
        qi.end('PolicyQualifierInfo');
      }
    }
  });
}

/** Decodes the extensions we interpret into `c`; throws DerError on a malformed one. */
export function interpretExtension(c: ParsedCertificate, oid: string, value: Uint8Array): void {
  const r = new DerReader(value);
  switch (oid) {
    case Ext.basicConstraints: {
      const s = derChildren(r.next(Tag.SEQUENCE));
      const ca = s.optional(Tag.BOOLEAN);
      const pl = s.optional(Tag.INTEGER);
      s.end('basicConstraints');
      if (ca && ca.value.length !== 1) throw new DerError('BOOLEAN of the wrong length');
      c.basicConstraints = { ca: ca !== undefined && ca.value[0] !== 0, pathLen: pl ? Number(derUint(pl)) : null };
      break;
    }
    case Ext.keyUsage: {
      const bs = r.next(Tag.BIT_STRING).value;
      if ((bs[0] ?? 8) > 7) throw new DerError('malformed keyUsage BIT STRING');
      let ku = 0;
      for (let i = 1; i < bs.length && i <= 2; i++) {
        const byte = bs[i] ?? 0;
        for (let bit = 0; bit < 8; bit++) if (byte & (0x80 >> bit)) ku |= 1 << ((i - 1) * 8 + bit);
      }
      c.keyUsage = ku;
      break;
    }
    case Ext.extKeyUsage: {
      const oids: string[] = [];
      seqOf(r, 'extKeyUsage', (t) => {
        if (t.tag !== Tag.OID) throw new DerError('KeyPurposeId is not an OID');
        oids.push(derOid(t));
      });
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
        issuer: iss ? parseGeneralNames(derChildren(iss), 'authorityCertIssuer') : null,
        serialHex: ser ? hex(ser.value) : null,
      };
      break;
    }
    case Ext.subjectAltName:
      c.subjectAltNames = parseGeneralNames(derChildren(r.next(Tag.SEQUENCE)), 'subjectAltName');
      break;
    case Ext.nameConstraints: {
      const s = derChildren(r.next(Tag.SEQUENCE));
      const p = s.optional(ctxTag(0, true));
      const x = s.optional(ctxTag(1, true));
      s.end('nameConstraints');
      // §4.2.1.10: "Conforming CAs MUST NOT issue certificates where name constraints is an empty sequence."
      if (!p && !x) throw new DerError('empty nameConstraints');
      c.nameConstraints = { permitted: p ? parseSubtrees(p) : [], excluded: x ? parseSubtrees(x) : [] };
      break;
    }
    case Ext.authorityInfoAccess:
      checkAia(r);
      break;
    case Ext.crlDistributionPoints:
      checkCdp(r);
      break;
    case Ext.certificatePolicies:
      checkPolicies(r);
      break;
    case Ext.policyConstraints: {
      const s = derChildren(r.next(Tag.SEQUENCE));
      const a = s.optional(ctxTag(0, false));
      const b = s.optional(ctxTag(1, false));
      s.end('policyConstraints');
      if (!a && !b) throw new DerError('empty policyConstraints'); // §4.2.1.11
      if (a) derUint(a);
      if (b) derUint(b);
      break;
    }
    case Ext.inhibitAnyPolicy:
      derUint(r.next(Tag.INTEGER));
      break;
    default:
      return;
  }
  r.end(`extension ${oid}`);
}
