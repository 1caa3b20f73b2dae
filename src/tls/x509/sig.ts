/**
 * Certificate signatures checked with node:crypto on our own decoding of the certificate
 * (RFC 5280 §4.1.1.2, §4.1.1.3), with the issuer's key built once per certificate: an RSA key from
 * its modulus and exponent as a JWK (node imports that in ~20 us, where OpenSSL 3's SPKI decoder
 * takes ~0.5 ms), other keys from the SPKI. As X509_verify, the outer signatureAlgorithm must be the
 * TBSCertificate's own signature field byte for byte.
 */
import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { DerReader, Tag, ctxTag, derChildren, derOid, derUint } from '../codec/der.js';
import type { ParsedCertificate } from './cert.js';
import { DIGESTS, KEY_ALGS, SIG_ALGS } from './oids.js';
import { isMlDsaSigned, mlDsaSignatureOk } from './mldsa.js';

const b64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
const keys = new WeakMap<ParsedCertificate, KeyObject | null>();

/** RFC 8017 RSAPublicKey { modulus, publicExponent } as a JWK (leading zero octets dropped). */
function rsaJwk(spki: Uint8Array): { kty: 'RSA'; n: string; e: string } {
  const s = derChildren(new DerReader(spki).next(Tag.SEQUENCE));
  s.next(Tag.SEQUENCE);
  const bits = s.next(Tag.BIT_STRING).value;
  const k = derChildren(new DerReader(bits.subarray(1)).next(Tag.SEQUENCE));
  const strip = (v: Uint8Array): Uint8Array => {
    let i = 0;
    while (i < v.length - 1 && v[i] === 0) i++;
    return v.subarray(i);
  };
  const n = k.next(Tag.INTEGER).value;
  const e = k.next(Tag.INTEGER).value;
  k.end('RSAPublicKey');
  return { kty: 'RSA', n: b64url(strip(n)), e: b64url(strip(e)) };
}

/**
 * Issuer keys by SPKI encoding, across verifications: the same intermediates and roots come back in
 * handshake after handshake, each time in fresh arrays. Bounded (least recently used dropped).
 */
const bySpki = new Map<string, KeyObject | null>();
const SPKI_CACHE = 128;

/** The certificate's public key as a KeyObject (null when node cannot use it). */
export function publicKeyOf(c: ParsedCertificate): KeyObject | null {
  let k = keys.get(c);
  if (k !== undefined) return k;
  const id = Buffer.from(c.spkiDer).toString('base64');
  k = bySpki.get(id);
  if (k === undefined) {
    try {
      k =
        KEY_ALGS[c.keyAlgOid] === 'rsaEncryption'
          ? createPublicKey({ key: rsaJwk(c.spkiDer), format: 'jwk' })
          : createPublicKey({ key: Buffer.from(c.spkiDer), format: 'der', type: 'spki' });
    } catch {
      k = null;
    }
  } else bySpki.delete(id);
  bySpki.set(id, k);
  if (bySpki.size > SPKI_CACHE) {
    const oldest = bySpki.keys().next();
    if (!oldest.done) bySpki.delete(oldest.value);
  }
  keys.set(c, k);
  return k;
}

/** RSASSA-PSS-params (RFC 4055 §3.1): hash (SHA-1 default) and salt length (20 default). */
function pssParams(alg: Uint8Array): { hash: string; saltLength: number } | null {
  const a = derChildren(new DerReader(alg).next(Tag.SEQUENCE));
  a.next(Tag.OID);
  const p = a.done ? undefined : a.next(Tag.SEQUENCE);
  let hash = 'sha1';
  let saltLength = 20;
  if (p) {
    const r = derChildren(p);
    const h = r.optional(ctxTag(0, true));
    if (h) {
      const name = DIGESTS[derOid(derChildren(derChildren(h).next(Tag.SEQUENCE)).next(Tag.OID))]?.name;
      if (!name) return null;
      hash = name;
    }
    r.optional(ctxTag(1, true));
    const salt = r.optional(ctxTag(2, true));
    if (salt) saltLength = Number(derUint(derChildren(salt).next(Tag.INTEGER)));
  }
  return { hash, saltLength };
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Verified signatures across verifications, keyed by everything the result depends on: the
 * subject's whole encoding (TBS, algorithm, signature) and the issuer's SPKI. Bounded LRU.
 */
const verdicts = new Map<string, boolean>();
const VERDICT_CACHE = 256;

/** Whether `issuer`'s key verifies `subject`'s signature (memoized on the exact bytes involved). */
export function certificateSignatureOk(subject: ParsedCertificate, issuer: ParsedCertificate): boolean {
  const id = `${Buffer.from(subject.der).toString('base64')}|${Buffer.from(issuer.spkiDer).toString('base64')}`;
  let v = verdicts.get(id);
  if (v === undefined) v = computeSignatureOk(subject, issuer);
  else verdicts.delete(id);
  verdicts.set(id, v);
  if (verdicts.size > VERDICT_CACHE) {
    const oldest = verdicts.keys().next();
    if (!oldest.done) verdicts.delete(oldest.value);
  }
  return v;
}

function computeSignatureOk(subject: ParsedCertificate, issuer: ParsedCertificate): boolean {
  if (!sameBytes(subject.sigAlgDer, subject.tbsSigAlgDer)) return false; // RFC 5280 §4.1.1.2
  // Node 20 cannot verify ML-DSA signatures (RFC 9881): mldsa.ts does.
  if (isMlDsaSigned(subject.sigAlgOid)) return mlDsaSignatureOk(subject.der, issuer.der);
  const alg = SIG_ALGS[subject.sigAlgOid];
  const key = publicKeyOf(issuer);
  if (!alg || !key) return false;
  try {
    if (alg.sn === 'RSASSA-PSS') {
      const p = pssParams(subject.sigAlgDer);
      if (!p) return false;
      const opts = { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: p.saltLength };
      return verify(p.hash, subject.tbsDer, opts, subject.signatureValue);
    }
    return verify(alg.digest, subject.tbsDer, key, subject.signatureValue);
  } catch {
    return false;
  }
}
