/**
 * The default crypto provider, on node:crypto (OpenSSL): hashes, HMAC, HKDF (RFC 5869) built from
 * HMAC, X25519 / NIST ECDH key shares, and signatures; the AEADs, AES-CBC and running hashes are
 * in node-ciphers.ts. ML-KEM key generation is mlkem-keygen.ts over node:crypto's SHA3/SHAKE; decapsulation
 * comes from @noble/post-quantum (see hybrid.ts).
 * The RSA and SPKI helpers exported here are shared with the noble provider, since noble has no RSA.
 */
import * as crypto from 'node:crypto';
import type { GroupName, HashName } from '../codec/names.js';
import type { SignatureScheme } from '../codec/sigschemes.js';
import { HASH_LENGTH } from '../codec/names.js';
import { mlDsaParameterSet, mlDsaVerify } from './mldsa.js';
import { illegalParameter } from '../errors.js';
import { derTlvAt } from '../codec/der.js';
import type { CryptoProvider, KeyShare, Pkcs8Der, SpkiDer } from './provider.js';
import { nodeDhKeyShare, rsaEncryptPkcs1, signRsaMd5Sha1, verifyRsaMd5Sha1 } from './kx12.js';
import { PQ_GROUPS, hybridKeyShare, pqKeyShare, splitHybridPrivateKey, splitPqPrivateKey } from './hybrid.js';
import { mlKemKeygen, type MlKemHashes, type MlKemKeygen } from './mlkem-keygen.js';
import { checkHkdfExpand, nodeAead, nodeCbc, NodeHash } from './node-ciphers.js';

export type { NodeAead } from './node-ciphers.js';
export { checkAeadKey, checkCbc, checkHkdfExpand, checkNonce } from './node-ciphers.js';

/** Views a Buffer as a plain Uint8Array (no copy). */
function u8(buf: Buffer): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}

function fromHex(hex: string): Uint8Array {
  return u8(Buffer.from(hex, 'hex'));
}

/** OpenSSL curve names and field sizes of the NIST groups. */
export const NIST_CURVES = {
  secp256r1: { openssl: 'prime256v1', size: 32 },
  secp384r1: { openssl: 'secp384r1', size: 48 },
  secp521r1: { openssl: 'secp521r1', size: 66 },
} as const;
export type NistGroup = keyof typeof NIST_CURVES;

/** Left-pads a big-endian scalar (leading zero bytes allowed) to exactly `size` bytes. */
export function fixedScalar(scalar: Uint8Array, size: number): Uint8Array {
  let start = 0;
  while (start < scalar.length - 1 && scalar[start] === 0) start++;
  const trimmed = scalar.subarray(start);
  if (trimmed.length > size) throw new RangeError(`EC private key longer than ${size} bytes`);
  const out = new Uint8Array(size);
  out.set(trimmed, size - trimmed.length);
  return out;
}

/** Raises illegal_parameter unless `share` is an uncompressed point (0x04||X||Y) of `size`-byte coordinates. */
export function checkUncompressedPoint(share: Uint8Array, size: number): void {
  if (share.length !== 1 + 2 * size || share[0] !== 0x04) {
    throw illegalParameter(
      `invalid EC point: expected ${1 + 2 * size}-byte uncompressed point, got ${share.length} bytes`,
    );
  }
}

/** Raises illegal_parameter for a wrong-length X25519 share. */
export function checkX25519Share(share: Uint8Array): void {
  if (share.length !== 32) throw illegalParameter(`invalid X25519 share length ${share.length}`);
}

/** Raises illegal_parameter for an all-zero X25519 output (RFC 7748 §6.1, RFC 8446 §7.4.2). */
export function checkX25519Secret(secret: Uint8Array): Uint8Array {
  if (secret.every((b) => b === 0)) throw illegalParameter('X25519 shared secret is all zero');
  return secret;
}

/** OpenSSL's names of the curves TLS signs with (RFC 8446 §4.2.3); others are refused by both providers. */
const TLS_ECDSA_CURVES: readonly string[] = ['prime256v1', 'secp384r1', 'secp521r1'];

/**
 * Checks that a key's type fits the signature scheme (an RSA key must not pass as ECDSA), and that
 * an EC key is on a TLS curve. The scheme's curve binding (TLS 1.3 only) is the caller's to check.
 */
export function keyTypeFits(scheme: SignatureScheme, key: crypto.KeyObject): boolean {
  const type = key.asymmetricKeyType;
  switch (scheme.kind) {
    case 'ecdsa':
      return type === 'ec' && TLS_ECDSA_CURVES.includes(key.asymmetricKeyDetails?.namedCurve ?? '');
    case 'eddsa':
      return type === 'ed25519';
    case 'rsa-pkcs1':
      return type === 'rsa';
    case 'rsa-pss':
      // rsa_pss_rsae_* use rsaEncryption keys, rsa_pss_pss_* RSASSA-PSS keys (RFC 8446 §4.2.3).
      return scheme.name.startsWith('rsa_pss_pss') ? type === 'rsa-pss' : type === 'rsa';
    case 'mldsa':
      // Node 20's OpenSSL has no ML-DSA keys: mldsa.ts verifies them from the SPKI.
      return false;
  }
}

/** node:crypto signature options for a scheme (padding and salt length for RSA-PSS, DER for ECDSA). */
function signOptions(scheme: SignatureScheme): { padding?: number; saltLength?: number; dsaEncoding?: 'der' } {
  if (scheme.kind === 'rsa-pss') {
    return { padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: HASH_LENGTH[scheme.hash ?? 'sha256'] };
  }
  if (scheme.kind === 'rsa-pkcs1') return { padding: crypto.constants.RSA_PKCS1_PADDING };
  if (scheme.kind === 'ecdsa') return { dsaEncoding: 'der' };
  return {};
}

const b64u = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('base64url');

/** SPKI AlgorithmIdentifier bodies (OID and parameters, DER) of the keys imported through JWK. */
const SPKI_EC_P256 = fromHex('06072a8648ce3d020106082a8648ce3d030107');
const SPKI_EC_P384 = fromHex('06072a8648ce3d020106052b81040022');
const SPKI_EC_P521 = fromHex('06072a8648ce3d020106052b81040023');
const SPKI_ED25519 = fromHex('06032b6570');
const SPKI_RSA = fromHex('06092a864886f70d0101010500');

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** An unsigned DER INTEGER's value without its sign byte. */
function unsignedInt(v: Uint8Array): Uint8Array {
  return v.length > 1 && v[0] === 0 ? v.subarray(1) : v;
}

/**
 * The JWK form of an EC (P-256/384/521, uncompressed point), Ed25519 or rsaEncryption SPKI, or null
 * for anything else. OpenSSL 3's DER decoder costs ~0.3 ms per key; a JWK import skips it (the
 * point is still checked on the curve). Anything unusual goes the DER way, which decides.
 */
export function spkiToJwk(spki: Uint8Array): crypto.JsonWebKey | null {
  const outer = derTlvAt(spki, 0);
  if (!outer || outer[0] !== 0x30 || outer[2] !== spki.length) return null;
  const alg = derTlvAt(spki, outer[1]);
  if (!alg || alg[0] !== 0x30) return null;
  const bits = derTlvAt(spki, alg[2]);
  if (!bits || bits[0] !== 0x03 || bits[2] !== spki.length || spki[bits[1]] !== 0) return null;
  const algBody = spki.subarray(alg[1], alg[2]);
  const key = spki.subarray(bits[1] + 1, bits[2]);
  for (const [id, crv, size] of [
    [SPKI_EC_P256, 'P-256', 32],
    [SPKI_EC_P384, 'P-384', 48],
    [SPKI_EC_P521, 'P-521', 66],
  ] as const) {
    if (!sameBytes(algBody, id)) continue;
    if (key.length !== 1 + 2 * size || key[0] !== 0x04) return null;
    return { kty: 'EC', crv, x: b64u(key.subarray(1, 1 + size)), y: b64u(key.subarray(1 + size)) };
  }
  if (sameBytes(algBody, SPKI_ED25519)) return key.length === 32 ? { kty: 'OKP', crv: 'Ed25519', x: b64u(key) } : null;
  if (sameBytes(algBody, SPKI_RSA)) {
    const seq = derTlvAt(key, 0);
    if (!seq || seq[0] !== 0x30 || seq[2] !== key.length) return null;
    const n = derTlvAt(key, seq[1]);
    const e = n && derTlvAt(key, n[2]);
    if (!n || !e || n[0] !== 0x02 || e[0] !== 0x02 || e[2] !== key.length) return null;
    return {
      kty: 'RSA',
      n: b64u(unsignedInt(key.subarray(n[1], n[2]))),
      e: b64u(unsignedInt(key.subarray(e[1], e[2]))),
    };
  }
  return null;
}

/**
 * Public KeyObjects by SPKI content (base64), created once: a warm handshake to the same server
 * verifies its CertificateVerify with the key of the previous one (an EC JWK import with its
 * on-curve check costs ~0.6 ms here). A KeyObject is immutable, so equal bytes may share one.
 * Bounded: the oldest entry goes when full.
 */
const SPKI_KEYS = new Map<string, crypto.KeyObject>();
const SPKI_KEYS_MAX = 32;

/** A public KeyObject from SPKI DER, from SPKI_KEYS or made (and remembered) by importSpki. */
function publicKeyFromSpki(spki: Uint8Array): crypto.KeyObject {
  const id = b64u(spki);
  const known = SPKI_KEYS.get(id);
  if (known) return known;
  const key = importSpki(spki);
  if (SPKI_KEYS.size >= SPKI_KEYS_MAX) {
    const oldest = SPKI_KEYS.keys().next();
    if (!oldest.done) SPKI_KEYS.delete(oldest.value);
  }
  SPKI_KEYS.set(id, key);
  return key;
}

/** A public KeyObject from SPKI DER: through JWK when spkiToJwk knows the key, else OpenSSL's decoder. */
function importSpki(spki: Uint8Array): crypto.KeyObject {
  const jwk = spkiToJwk(spki);
  if (jwk) {
    try {
      return crypto.createPublicKey({ key: jwk, format: 'jwk' });
    } catch {
      /* let the DER decoder have the last word */
    }
  }
  return crypto.createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
}

/** Verifies any scheme with node:crypto; false on mismatch, malformed key or signature, never throws. */
export function nodeVerify(scheme: SignatureScheme, spki: SpkiDer, data: Uint8Array, signature: Uint8Array): boolean {
  const mldsa = mlDsaParameterSet(scheme);
  if (mldsa !== null) return mlDsaVerify(mldsa, spki, data, signature);
  try {
    const key = publicKeyFromSpki(spki);
    if (!keyTypeFits(scheme, key)) return false;
    if ((scheme.kind === 'eddsa') !== (scheme.hash === null)) return false;
    return crypto.verify(scheme.hash, data, { key, ...signOptions(scheme) }, signature);
  } catch {
    return false;
  }
}

/** Signs any scheme with node:crypto from a PKCS#8 key; throws if the key does not fit the scheme. */
export function nodeSign(scheme: SignatureScheme, pkcs8: Pkcs8Der, data: Uint8Array): Uint8Array {
  if (scheme.kind === 'mldsa') throw new TypeError(`signing with ${scheme.name} is not supported`);
  const key = crypto.createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  if (!keyTypeFits(scheme, key)) {
    throw new TypeError(`a ${key.asymmetricKeyType ?? 'unknown'} key cannot sign with ${scheme.name}`);
  }
  return u8(crypto.sign(scheme.hash, data, { key, ...signOptions(scheme) }));
}

/**
 * X25519 through JWK, not PKCS#8/SPKI DER: OpenSSL 3's DER decoders cost ~0.3 ms per key and this
 * runs twice per handshake (our key, the peer's share); a JWK import or export skips them.
 */
function nodeX25519(privateKey: Uint8Array = nodeRandomBytes(32)): KeyShare {
  // A fresh key is 32 random bytes imported like a fixed one, never generateKeyPairSync: on Node 20
  // its KeyGenJob followed by a JWK export can deadlock the main thread during a GC
  // (test/unit/hostile-heap.test.ts reproduces it). RFC 7748 clamping happens inside X25519.
  if (privateKey.length !== 32) throw new RangeError(`X25519 private key must be 32 bytes, got ${privateKey.length}`);
  // A private OKP JWK needs an "x" member; Node derives the public key from "d" and ignores it.
  const d = b64u(privateKey);
  const priv = crypto.createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d, x: d }, format: 'jwk' });
  const publicKey = x25519Raw(crypto.createPublicKey(priv));
  return {
    group: 'x25519',
    publicKey,
    computeSecret(peerShare) {
      checkX25519Share(peerShare);
      let secret: Uint8Array;
      try {
        const pub = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64u(peerShare) }, format: 'jwk' });
        secret = u8(crypto.diffieHellman({ privateKey: priv, publicKey: pub }));
      } catch {
        // OpenSSL refuses to derive an all-zero (low-order point) result.
        throw illegalParameter('X25519 shared secret is all zero');
      }
      return checkX25519Secret(secret);
    },
  };
}

/** The 32 raw bytes of an X25519 public KeyObject (its own ArrayBuffer). */
function x25519Raw(pub: crypto.KeyObject): Uint8Array {
  const x = pub.export({ format: 'jwk' }).x;
  if (typeof x !== 'string') throw new Error('X25519 public key without x');
  return new Uint8Array(Buffer.from(x, 'base64url'));
}

function nodeNist(group: NistGroup, privateKey?: Uint8Array): KeyShare {
  const { openssl, size } = NIST_CURVES[group];
  const ecdh = crypto.createECDH(openssl);
  if (privateKey) ecdh.setPrivateKey(fixedScalar(privateKey, size));
  else ecdh.generateKeys();
  return {
    group,
    publicKey: u8(ecdh.getPublicKey(null, 'uncompressed')),
    computeSecret(peerShare) {
      checkUncompressedPoint(peerShare, size);
      try {
        return u8(ecdh.computeSecret(peerShare));
      } catch {
        throw illegalParameter('invalid EC point: not on curve');
      }
    },
  };
}

function nodeRandomBytes(n: number): Uint8Array {
  return u8(crypto.randomBytes(n));
}

function nodeHmac(hash: HashName, key: Uint8Array, data: Uint8Array): Uint8Array {
  return u8(crypto.createHmac(hash, key).update(data).digest());
}

function nodeHkdfExpand(hash: HashName, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  checkHkdfExpand(hash, prk, length);
  const hl = HASH_LENGTH[hash];
  const out = new Uint8Array(length);
  let t: Uint8Array = new Uint8Array(0);
  for (let i = 1, done = 0; done < length; i++, done += hl) {
    t = u8(crypto.createHmac(hash, prk).update(t).update(info).update(Uint8Array.of(i)).digest());
    out.set(t.subarray(0, Math.min(hl, length - done)), done);
  }
  return out;
}

/** FIPS 203's hash functions in node:crypto (OpenSSL 3.0's SHA3 and SHAKE), for ML-KEM key generation. */
const nodeMlKemHashes: MlKemHashes = {
  sha3_512: (data) => u8(crypto.createHash('sha3-512').update(data).digest()),
  sha3_256: (data) => u8(crypto.createHash('sha3-256').update(data).digest()),
  shake128: (data, length) => u8(crypto.createHash('shake128', { outputLength: length }).update(data).digest()),
  shake256: (data, length) => u8(crypto.createHash('shake256', { outputLength: length }).update(data).digest()),
};
const nodeMlKem = { 3: mlKemKeygen(3, nodeMlKemHashes), 4: mlKemKeygen(4, nodeMlKemHashes) };
const nodeMlKemKeygen = (k: 3 | 4): MlKemKeygen => nodeMlKem[k];

function nodeKeyShare(group: GroupName, privateKey?: Uint8Array): KeyShare {
  switch (group) {
    case 'x25519':
      return nodeX25519(privateKey);
    case 'secp256r1':
    case 'secp384r1':
    case 'secp521r1':
      return nodeNist(group, privateKey);
    case 'X25519MLKEM768': {
      const { seed, x25519 } = splitHybridPrivateKey(privateKey, nodeRandomBytes);
      return hybridKeyShare(seed, nodeX25519(x25519), nodeMlKem[3]);
    }
    case 'SecP256r1MLKEM768':
    case 'SecP384r1MLKEM1024':
    case 'MLKEM768':
    case 'MLKEM1024': {
      const { seed, ec } = splitPqPrivateKey(group, privateKey, nodeRandomBytes);
      const ecGroup = PQ_GROUPS[group].ec?.group;
      return pqKeyShare(group, seed, ecGroup ? nodeNist(ecGroup, ec) : undefined, nodeMlKemKeygen);
    }
  }
}

/** The node:crypto provider (the default). */
export const nodeProvider: CryptoProvider = {
  name: 'node',
  randomBytes: nodeRandomBytes,
  createHash: (hash) => new NodeHash(crypto.createHash(hash)),
  digest: (hash, data) => u8(crypto.createHash(hash).update(data).digest()),
  hmac: nodeHmac,
  // RFC 5869 §2.2: an absent salt is HashLen zeros, which HMAC treats exactly like an empty key.
  hkdfExtract: (hash, salt, ikm) => nodeHmac(hash, salt, ikm),
  hkdfExpand: nodeHkdfExpand,
  createAead: nodeAead,
  createCbc: nodeCbc,
  generateKeyShare: nodeKeyShare,
  generateDhKeyShare: nodeDhKeyShare,
  rsaEncrypt: rsaEncryptPkcs1,
  verifyMd5Sha1: verifyRsaMd5Sha1,
  signMd5Sha1: signRsaMd5Sha1,
  verify: nodeVerify,
  sign: nodeSign,
};
