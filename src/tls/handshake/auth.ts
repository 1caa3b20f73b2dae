/**
 * Server (and client) authentication helpers: what key a certificate holds, which signature
 * schemes fit it, and the CertificateVerify signed content (RFC 8446 §4.4.3).
 */
import type { X509Certificate } from 'node:crypto';
import { parseCertificate } from '../x509/cert.js';
import type { ParsedCertificate } from '../x509/cert-types.js';
import { type SignatureScheme, sigSchemeById } from '../codec/sigschemes.js';
import { mlDsaParameterSet } from '../crypto/mldsa.js';
import { certificateSpki, mlDsaKeyBits, mlDsaKeyName } from '../x509/mldsa.js';
import { TlsAlert, illegalParameter } from '../errors.js';
import { AlertDescription } from '../codec/alerts.js';
import { concat, utf8 } from '../codec/bytes.js';
import { DerReader, Tag, derChildren, derOid } from '../codec/der.js';
import { groupByName } from '../codec/names.js';
import { KeyUsage } from '../x509/cert-types.js';
import type { ConnectionInfo, ContextOptions } from '../types.js';

export interface PeerKey {
  spki: Uint8Array;
  type: 'rsa' | 'rsa-pss' | 'ec' | 'ed25519' | 'ed448' | 'ML-DSA-44' | 'ML-DSA-65' | 'ML-DSA-87' | 'other';
  curve?: 'P-256' | 'P-384' | 'P-521';
  bits: number;
  /** The certificate's keyUsage bits (x509 KeyUsage), null when it has no keyUsage extension. */
  keyUsage?: number | null;
}

const CURVES: Record<string, PeerKey['curve']> = {
  prime256v1: 'P-256',
  'P-256': 'P-256',
  secp384r1: 'P-384',
  'P-384': 'P-384',
  secp521r1: 'P-521',
  'P-521': 'P-521',
};

/**
 * The public key of a DER certificate, as SPKI DER plus its type, size and keyUsage. Worked out once per
 * parsed certificate (x509/cert.ts shares a parse among equal encodings): node's SPKI export was
 * ~0.3 ms of every warm handshake. Each caller gets its own copy of the SPKI bytes.
 */
export function certificateKey(der: Uint8Array): PeerKey {
  let parsed: ParsedCertificate | undefined;
  try {
    parsed = parseCertificate(der);
  } catch {
    parsed = undefined; // certificateKeyOnce raises the alert
  }
  let k = parsed && PEER_KEYS.get(parsed);
  if (!k) {
    k = certificateKeyOnce(der);
    if (parsed) PEER_KEYS.set(parsed, k);
  }
  return { ...k, spki: k.spki.slice(), keyUsage: parsed ? parsed.keyUsage : null };
}

const PEER_KEYS = new WeakMap<ParsedCertificate, PeerKey>();

function certificateKeyOnce(der: Uint8Array): PeerKey {
  let cert: X509Certificate;
  let keyAlgOid: string;
  try {
    const parsed = parseCertificate(der);
    cert = parsed.x509;
    keyAlgOid = parsed.keyAlgOid;
  } catch {
    throw new TlsAlert(AlertDescription.bad_certificate, 'unable to decode server certificate');
  }
  // ML-DSA keys (RFC 9881): node:crypto on Node 20 cannot load them; the SPKI is taken as is.
  const mldsa = mlDsaKeyName(keyAlgOid);
  if (mldsa !== null) {
    try {
      return { spki: certificateSpki(der), type: mldsa, bits: mlDsaKeyBits(keyAlgOid) ?? 0 };
    } catch {
      throw new TlsAlert(AlertDescription.bad_certificate, 'unable to decode the certificate public key');
    }
  }
  // A certificate can parse while its key does not (a point off the curve, an unknown curve):
  // node's publicKey getter then throws a plain Error, which must not become internal_error.
  let key: X509Certificate['publicKey'];
  let spki: Uint8Array;
  try {
    key = cert.publicKey;
    spki = canonicalSpki(der) ?? new Uint8Array(key.export({ type: 'spki', format: 'der' }));
  } catch {
    throw new TlsAlert(AlertDescription.bad_certificate, 'unable to decode the certificate public key');
  }
  const d = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return { spki, type: 'rsa', bits: d.modulusLength ?? 0 };
    case 'rsa-pss':
      return { spki, type: 'rsa-pss', bits: d.modulusLength ?? 0 };
    case 'ec': {
      const curve = CURVES[d.namedCurve ?? ''];
      return { spki, type: 'ec', bits: curve ? Number(curve.slice(2)) : 0, ...(curve ? { curve } : {}) };
    }
    case 'ed25519':
      return { spki, type: 'ed25519', bits: 253 };
    case 'ed448':
      return { spki, type: 'ed448', bits: 456 };
    default:
      return { spki, type: 'other', bits: 0 };
  }
}

const ID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const ED25519_OR_ED448 = new Set(['1.3.101.112', '1.3.101.113']);

/**
 * The certificate's own SubjectPublicKeyInfo when it is already what node's export would return: an
 * EC key on a named curve, or an Ed25519/Ed448 key without parameters (RFC 8410 §3), its BIT STRING
 * without unused bits. DER has one encoding of each (codec/der.ts refuses non-minimal lengths) and
 * OpenSSL keeps the point's form when it re-encodes (o2i_ECPublicKey records it), so the bytes are
 * the same; the first export of a process costs ~1 ms (OpenSSL's encoder lookup) of a cold run.
 * Anything else (RSA, whose parameters may be absent or NULL, explicit curves) is exported by node.
 * node's publicKey getter has run first either way: it still decides whether the key is usable.
 */
function canonicalSpki(der: Uint8Array): Uint8Array | null {
  try {
    const spki = parseCertificate(der).spkiDer;
    const top = new DerReader(spki);
    const fields = derChildren(top.next(Tag.SEQUENCE));
    const alg = derChildren(fields.next(Tag.SEQUENCE));
    const oid = derOid(alg.next(Tag.OID));
    if (oid === ID_EC_PUBLIC_KEY) alg.next(Tag.OID);
    else if (!ED25519_OR_ED448.has(oid)) return null;
    alg.end('AlgorithmIdentifier');
    const bits = fields.next(Tag.BIT_STRING).value;
    fields.end('SubjectPublicKeyInfo');
    top.end('SubjectPublicKeyInfo');
    return bits[0] === 0 ? spki.slice() : null;
  } catch {
    return null;
  }
}

/** Whether `scheme` can be made with a key of this type (curve-bound in TLS 1.3). */
export function schemeFitsKey(scheme: SignatureScheme, key: PeerKey, tls13: boolean): boolean {
  switch (scheme.kind) {
    case 'ecdsa':
      if (key.type !== 'ec') return false;
      return !tls13 || scheme.curve === key.curve;
    case 'eddsa':
      return key.type === 'ed25519' && scheme.name === 'ed25519';
    case 'rsa-pss':
      return scheme.name.startsWith('rsa_pss_rsae') ? key.type === 'rsa' : key.type === 'rsa-pss';
    case 'rsa-pkcs1':
      return !tls13 && key.type === 'rsa';
    case 'mldsa':
      // draft-ietf-tls-mldsa: TLS 1.3 only, the scheme names the key's parameter set.
      return tls13 && key.type === mlDsaParameterSet(scheme);
  }
}

/**
 * Checks the scheme a peer signed with: one we offered, allowed in this version, fitting the key.
 * Failures are illegal_parameter as in OpenSSL ("wrong signature type").
 */
export function checkPeerScheme(id: number, offered: number[], key: PeerKey, tls13: boolean): SignatureScheme {
  const scheme = sigSchemeById(id);
  if (!scheme || !offered.includes(id)) throw illegalParameter('wrong signature type');
  if (tls13 && !scheme.tls13) throw illegalParameter('wrong signature type');
  if (!schemeFitsKey(scheme, key, tls13)) throw illegalParameter('wrong signature type');
  return scheme;
}

/**
 * Whether the leaf's keyUsage allows its use in this handshake (RFC 5280 §4.2.1.3; BoringSSL
 * ssl_cert_check_key_usage): digitalSignature to sign (TLS 1.3 CertificateVerify, a TLS 1.2
 * ServerKeyExchange), keyEncipherment for RSA key exchange. No keyUsage extension allows both.
 */
export function keyUsageAllows(key: PeerKey, use: 'sign' | 'encipher'): boolean {
  if (key.keyUsage === null || key.keyUsage === undefined) return true;
  return (key.keyUsage & (use === 'sign' ? KeyUsage.digitalSignature : KeyUsage.keyEncipherment)) !== 0;
}

/**
 * The server leaf's keyUsage check, as BoringSSL's client makes it: always for TLS 1.3 and for
 * non-RSA keys; for an RSA key in TLS 1.0-1.2 unless `ignoreRsaKeyUsage` (SSL_set_enforce_rsa_key_usage
 * off), which only records the violation (SSL_was_key_usage_invalid). A refusal is
 * unsupported_certificate (RFC 5246 §7.2.2: a certificate of a type unfit for its use).
 */
export function checkLeafKeyUsage(
  key: PeerKey,
  use: 'sign' | 'encipher',
  tls13: boolean,
  o: ContextOptions,
  info: ConnectionInfo,
): void {
  if (keyUsageAllows(key, use)) return;
  if (!tls13 && key.type === 'rsa' && o.ignoreRsaKeyUsage) {
    info.keyUsageInvalid = true;
    return;
  }
  const need = use === 'sign' ? 'digitalSignature' : 'keyEncipherment';
  throw new TlsAlert(AlertDescription.unsupported_certificate, `server certificate keyUsage lacks ${need}`);
}

/**
 * TLS 1.0-1.2: an ECDSA leaf's curve must be one of our supported_groups (RFC 8422 §5.3; BoringSSL
 * ssl_check_leaf_certificate BAD_ECC_CERT, illegal_parameter). TLS 1.3 binds the curve in the
 * signature scheme instead (RFC 8446 §4.2.3). A curve we do not know (P-224) is never offered.
 */
export function checkLeafCurve12(key: PeerKey, o: ContextOptions): void {
  if (key.type !== 'ec') return;
  const group = key.curve ? groupByName(key.curve) : undefined;
  if (!group || !o.groups.includes(group.name))
    throw illegalParameter(`server certificate curve ${key.curve ?? 'unknown'} is not in our supported_groups`);
}

const SERVER_CONTEXT = 'TLS 1.3, server CertificateVerify';
const CLIENT_CONTEXT = 'TLS 1.3, client CertificateVerify';

/** The content covered by a TLS 1.3 CertificateVerify signature (RFC 8446 §4.4.3). */
export function certificateVerifyContent(server: boolean, transcriptHash: Uint8Array): Uint8Array {
  return concat(
    new Uint8Array(64).fill(0x20),
    utf8(server ? SERVER_CONTEXT : CLIENT_CONTEXT),
    Uint8Array.of(0),
    transcriptHash,
  );
}

/** Our public key type from the leaf of our own chain (client authentication). */
export function ownKey(chain: Uint8Array[]): PeerKey {
  const leaf = chain[0];
  if (!leaf) throw new TlsAlert(AlertDescription.internal_error, 'empty client certificate chain');
  return certificateKey(leaf);
}
