/**
 * The default crypto provider, on node:crypto (OpenSSL): hashes, HMAC, HKDF (RFC 5869) built from
 * HMAC, the three TLS AEADs, AES-CBC, X25519 / NIST ECDH key shares, and signatures. ML-KEM for the
 * hybrid group comes from @noble/post-quantum (see hybrid.ts). The RSA and SPKI helpers exported
 * here are shared with the noble provider, since noble has no RSA.
 */
import * as crypto from 'node:crypto';
import type { AeadName, GroupName, HashName, SignatureScheme } from '../codec/names.js';
import { HASH_LENGTH } from '../codec/names.js';
import { illegalParameter } from '../errors.js';
import type { Aead, BlockCipher, CryptoProvider, Hash, KeyShare, Pkcs8Der, SpkiDer } from './provider.js';
import { hybridKeyShare, splitHybridPrivateKey } from './hybrid.js';

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

/** Reads one DER TLV at `off`: [tag, start of value, end of value], or null when malformed. */
function derTlv(b: Uint8Array, off: number): [number, number, number] | null {
  if (off + 2 > b.length) return null;
  const tag = b[off] ?? 0;
  let len = b[off + 1] ?? 0;
  let p = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n < 1 || n > 3 || p + n > b.length) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | (b[p++] ?? 0);
  }
  return p + len <= b.length ? [tag, p, p + len] : null;
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
  const outer = derTlv(spki, 0);
  if (!outer || outer[0] !== 0x30 || outer[2] !== spki.length) return null;
  const alg = derTlv(spki, outer[1]);
  if (!alg || alg[0] !== 0x30) return null;
  const bits = derTlv(spki, alg[2]);
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
    const seq = derTlv(key, 0);
    if (!seq || seq[0] !== 0x30 || seq[2] !== key.length) return null;
    const n = derTlv(key, seq[1]);
    const e = n && derTlv(key, n[2]);
    if (!n || !e || n[0] !== 0x02 || e[0] !== 0x02 || e[2] !== key.length) return null;
    return {
      kty: 'RSA',
      n: b64u(unsignedInt(key.subarray(n[1], n[2]))),
      e: b64u(unsignedInt(key.subarray(e[1], e[2]))),
    };
  }
  return null;
}

/** A public KeyObject from SPKI DER: through JWK when spkiToJwk knows the key, else OpenSSL's decoder. */
function publicKeyFromSpki(spki: Uint8Array): crypto.KeyObject {
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
  const key = crypto.createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  if (!keyTypeFits(scheme, key)) {
    throw new TypeError(`a ${key.asymmetricKeyType ?? 'unknown'} key cannot sign with ${scheme.name}`);
  }
  return u8(crypto.sign(scheme.hash, data, { key, ...signOptions(scheme) }));
}

class NodeHash implements Hash {
  constructor(private readonly h: crypto.Hash) {}
  update(data: Uint8Array): void {
    this.h.update(data);
  }
  digest(): Uint8Array {
    return u8(this.h.copy().digest());
  }
  clone(): Hash {
    return new NodeHash(this.h.copy());
  }
}

const AEAD_CIPHERS: Record<
  AeadName,
  { cipher: crypto.CipherGCMTypes | crypto.CipherChaCha20Poly1305Types; keyLength: number }
> = {
  'AES-128-GCM': { cipher: 'aes-128-gcm', keyLength: 16 },
  'AES-256-GCM': { cipher: 'aes-256-gcm', keyLength: 32 },
  'CHACHA20-POLY1305': { cipher: 'chacha20-poly1305', keyLength: 32 },
};

/** Throws unless the AEAD nonce is 12 bytes (a caller bug, not a peer's). */
export function checkNonce(nonce: Uint8Array): void {
  if (nonce.length !== 12) throw new RangeError(`AEAD nonce must be 12 bytes, got ${nonce.length}`);
}

/** Throws unless `key` has the AEAD's key length. */
export function checkAeadKey(name: AeadName, key: Uint8Array): void {
  const want = AEAD_CIPHERS[name].keyLength;
  if (key.length !== want) throw new RangeError(`${name} key must be ${want} bytes, got ${key.length}`);
}

/** Throws unless CBC key and data lengths are valid (16/32-byte key, whole blocks, 16-byte IV). */
export function checkCbc(key: Uint8Array, iv?: Uint8Array, data?: Uint8Array): void {
  if (key.length !== 16 && key.length !== 32)
    throw new RangeError(`AES-CBC key must be 16 or 32 bytes, got ${key.length}`);
  if (iv && iv.length !== 16) throw new RangeError(`AES-CBC IV must be 16 bytes, got ${iv.length}`);
  if (data && data.length % 16 !== 0)
    throw new RangeError(`AES-CBC data length ${data.length} is not a multiple of 16`);
}

/** Throws unless HKDF-Expand's inputs are within RFC 5869 §2.3 (PRK >= HashLen, L <= 255*HashLen). */
export function checkHkdfExpand(hash: HashName, prk: Uint8Array, length: number): void {
  const hl = HASH_LENGTH[hash];
  if (prk.length < hl) throw new RangeError(`HKDF PRK must be at least ${hl} bytes`);
  if (!Number.isInteger(length) || length < 0 || length > 255 * hl)
    throw new RangeError(`HKDF length ${length} out of range`);
}

/**
 * The node AEAD also seals a whole record in one go (protection.ts uses it when present): the
 * plaintext given in parts (no joined copy), the output one array `prefix || ciphertext || tag`.
 */
export interface NodeAead extends Aead {
  sealRecord(nonce: Uint8Array, aad: Uint8Array, prefix: Uint8Array, parts: readonly Uint8Array[]): Uint8Array;
}

/**
 * A plain Uint8Array over not zero-filled memory: small sizes from Node's Buffer pool (cheap to
 * allocate; a sealed record is short-lived, copied into the write buffer and dropped), large ones
 * in memory of their own.
 */
function allocUnsafe(n: number): Uint8Array {
  const b = Buffer.allocUnsafe(n);
  return new Uint8Array(b.buffer, b.byteOffset, n);
}

function nodeAead(name: AeadName, key: Uint8Array): NodeAead {
  checkAeadKey(name, key);
  const cipher = AEAD_CIPHERS[name].cipher as crypto.CipherGCMTypes;
  // A KeyObject: the key lives in native memory, not as a slice pinning an 8 KiB Buffer pool slab.
  const k = crypto.createSecretKey(key);
  return {
    name,
    seal(nonce, plaintext, aad) {
      checkNonce(nonce);
      const c = crypto.createCipheriv(cipher, k, nonce, { authTagLength: 16 });
      c.setAAD(aad, { plaintextLength: plaintext.length });
      const body = c.update(plaintext);
      const fin = c.final();
      const tag = c.getAuthTag();
      const out = allocUnsafe(body.length + fin.length + 16);
      out.set(body, 0);
      if (fin.length) out.set(fin, body.length);
      out.set(tag, body.length + fin.length);
      return out;
    },
    sealRecord(nonce, aad, prefix, parts) {
      checkNonce(nonce);
      let len = 0;
      for (const part of parts) len += part.length;
      const c = crypto.createCipheriv(cipher, k, nonce, { authTagLength: 16 });
      c.setAAD(aad, { plaintextLength: len });
      const out = allocUnsafe(prefix.length + len + 16);
      out.set(prefix, 0);
      let o = prefix.length;
      for (const part of parts) {
        if (part.length === 0) continue;
        const ct = c.update(part);
        out.set(ct, o);
        o += ct.length;
      }
      const fin = c.final();
      if (fin.length) {
        out.set(fin, o);
        o += fin.length;
      }
      out.set(c.getAuthTag(), o);
      return out;
    },
    open(nonce, ciphertextAndTag, aad) {
      checkNonce(nonce);
      if (ciphertextAndTag.length < 16) return null;
      const ctLen = ciphertextAndTag.length - 16;
      const d = crypto.createDecipheriv(cipher, k, nonce, { authTagLength: 16 });
      d.setAuthTag(ciphertextAndTag.subarray(ctLen));
      d.setAAD(aad, { plaintextLength: ctLen });
      const body = d.update(ciphertextAndTag.subarray(0, ctLen));
      let fin: Buffer;
      try {
        fin = d.final();
      } catch {
        return null;
      }
      // AEAD final() yields nothing: the plaintext is update()'s own fresh buffer, no joined copy.
      return u8(fin.length ? Buffer.concat([body, fin]) : body);
    },
  };
}

function nodeCbc(key: Uint8Array): BlockCipher {
  checkCbc(key);
  const cipher = key.length === 16 ? 'aes-128-cbc' : 'aes-256-cbc';
  const k = crypto.createSecretKey(key);
  const run = (encrypt: boolean, iv: Uint8Array, data: Uint8Array): Uint8Array => {
    checkCbc(key, iv, data);
    const c = encrypt ? crypto.createCipheriv(cipher, k, iv) : crypto.createDecipheriv(cipher, k, iv);
    c.setAutoPadding(false);
    return u8(Buffer.concat([c.update(data), c.final()]));
  };
  return {
    encrypt: (iv, data) => run(true, iv, data),
    decrypt: (iv, data) => run(false, iv, data),
  };
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
      return hybridKeyShare(seed, nodeX25519(x25519));
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
  verify: nodeVerify,
  sign: nodeSign,
};
