/**
 * The pure-TypeScript crypto provider (`--crypto noble`): @noble/hashes, @noble/ciphers and
 * @noble/curves. RSA and SPKI / PKCS#8 parsing still use node:crypto (noble has no RSA); ML-KEM
 * comes from @noble/post-quantum via hybrid.ts, as in the node provider.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { cbc, gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { expand, extract } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import type { AeadName, GroupName, HashName } from '../codec/names.js';
import type { SignatureScheme } from '../codec/sigschemes.js';
import { illegalParameter } from '../errors.js';
import { PQ_GROUPS, hybridKeyShare, pqKeyShare, splitHybridPrivateKey, splitPqPrivateKey } from './hybrid.js';
import {
  NIST_CURVES,
  type NistGroup,
  checkAeadKey,
  checkCbc,
  checkHkdfExpand,
  checkNonce,
  checkUncompressedPoint,
  checkX25519Secret,
  checkX25519Share,
  fixedScalar,
  keyTypeFits,
  nodeSign,
  nodeVerify,
} from './node.js';
import type { Aead, BlockCipher, CryptoProvider, Hash, KeyShare, Pkcs8Der, SpkiDer } from './provider.js';
import { nobleDhKeyShare, rsaEncryptPkcs1, signRsaMd5Sha1, verifyRsaMd5Sha1 } from './kx12.js';

/** The state of a noble running hash, as much of it as we use. */
interface NobleHashState {
  update(data: Uint8Array): unknown;
  digest(): Uint8Array;
  clone(): NobleHashState;
}

const HASHES = { md5, sha1, sha256, sha384, sha512 } as const;

const NIST = { secp256r1: p256, secp384r1: p384, secp521r1: p521 } as const;
const ECDSA_BY_JWK_CRV: Record<string, typeof p256 | undefined> = { 'P-256': p256, 'P-384': p384, 'P-521': p521 };

/** Decodes base64url (JWK fields). */
function b64u(s: string | undefined): Uint8Array {
  if (s === undefined) throw new TypeError('JWK field missing');
  const buf = Buffer.from(s, 'base64url');
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}

class NobleHash implements Hash {
  constructor(private readonly h: NobleHashState) {}
  update(data: Uint8Array): void {
    this.h.update(data);
  }
  digest(): Uint8Array {
    return this.h.clone().digest();
  }
  clone(): Hash {
    return new NobleHash(this.h.clone());
  }
}

function nobleAead(name: AeadName, key: Uint8Array): Aead {
  checkAeadKey(name, key);
  const k = key.slice();
  const make = (nonce: Uint8Array, aad: Uint8Array) =>
    name === 'CHACHA20-POLY1305' ? chacha20poly1305(k, nonce, aad) : gcm(k, nonce, aad);
  return {
    name,
    seal(nonce, plaintext, aad) {
      checkNonce(nonce);
      return make(nonce, aad).encrypt(plaintext);
    },
    open(nonce, ciphertextAndTag, aad) {
      checkNonce(nonce);
      if (ciphertextAndTag.length < 16) return null;
      try {
        return make(nonce, aad).decrypt(ciphertextAndTag);
      } catch {
        return null;
      }
    },
  };
}

function nobleCbc(key: Uint8Array): BlockCipher {
  checkCbc(key);
  const k = key.slice();
  return {
    encrypt(iv, data) {
      checkCbc(k, iv, data);
      return cbc(k, iv, { disablePadding: true }).encrypt(data);
    },
    decrypt(iv, data) {
      checkCbc(k, iv, data);
      return cbc(k, iv, { disablePadding: true }).decrypt(data);
    },
  };
}

function nobleX25519(privateKey?: Uint8Array): KeyShare {
  const sk = privateKey ? privateKey.slice() : x25519.utils.randomSecretKey();
  if (sk.length !== 32) throw new RangeError(`X25519 private key must be 32 bytes, got ${sk.length}`);
  return {
    group: 'x25519',
    publicKey: x25519.getPublicKey(sk),
    computeSecret(peerShare) {
      checkX25519Share(peerShare);
      let secret: Uint8Array;
      try {
        secret = x25519.getSharedSecret(sk, peerShare);
      } catch {
        // noble rejects low-order points up front; their output would be all zero.
        throw illegalParameter('X25519 shared secret is all zero');
      }
      return checkX25519Secret(secret);
    },
  };
}

function nobleNist(group: NistGroup, privateKey?: Uint8Array): KeyShare {
  const curve = NIST[group];
  const { size } = NIST_CURVES[group];
  const sk = privateKey ? fixedScalar(privateKey, size) : curve.utils.randomSecretKey();
  return {
    group,
    // noble compresses by default; TLS shares are uncompressed.
    publicKey: curve.getPublicKey(sk, false),
    computeSecret(peerShare) {
      checkUncompressedPoint(peerShare, size);
      try {
        // The TLS secret is the x coordinate of the shared point (RFC 8446 §7.4.2).
        return curve.getSharedSecret(sk, peerShare, true).slice(1);
      } catch {
        throw illegalParameter('invalid EC point: not on curve');
      }
    },
  };
}

function nobleKeyShare(group: GroupName, privateKey?: Uint8Array): KeyShare {
  switch (group) {
    case 'x25519':
      return nobleX25519(privateKey);
    case 'secp256r1':
    case 'secp384r1':
    case 'secp521r1':
      return nobleNist(group, privateKey);
    case 'X25519MLKEM768': {
      const { seed, x25519: x } = splitHybridPrivateKey(privateKey, randomBytes);
      return hybridKeyShare(seed, nobleX25519(x));
    }
    case 'SecP256r1MLKEM768':
    case 'SecP384r1MLKEM1024':
    case 'MLKEM768':
    case 'MLKEM1024': {
      const { seed, ec } = splitPqPrivateKey(group, privateKey, randomBytes);
      const ecGroup = PQ_GROUPS[group].ec?.group;
      return pqKeyShare(group, seed, ecGroup ? nobleNist(ecGroup, ec) : undefined);
    }
  }
}

/** ECDSA and Ed25519 with noble, RSA with node:crypto; false for anything malformed. */
function nobleVerify(scheme: SignatureScheme, spki: SpkiDer, data: Uint8Array, signature: Uint8Array): boolean {
  if (scheme.kind === 'rsa-pkcs1' || scheme.kind === 'rsa-pss' || scheme.kind === 'mldsa')
    return nodeVerify(scheme, spki, data, signature); // RSA: node:crypto; ML-DSA: mldsa.ts (noble) for both
  try {
    const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    if (!keyTypeFits(scheme, key)) return false;
    const jwk = key.export({ format: 'jwk' });
    if (scheme.kind === 'eddsa') {
      if (signature.length !== 64) return false;
      // Strict RFC 8032 decoding (as OpenSSL), not ZIP-215.
      return ed25519.verify(signature, data, b64u(jwk.x), { zip215: false });
    }
    const curve = ECDSA_BY_JWK_CRV[jwk.crv ?? ''];
    if (!curve || !scheme.hash) return false;
    const pub = new Uint8Array([0x04, ...b64u(jwk.x), ...b64u(jwk.y)]);
    // TLS signs the scheme's hash of the message; DER, and high-S is legal (OpenSSL does not normalise).
    const digest = HASHES[scheme.hash](data);
    return curve.verify(signature, digest, pub, { prehash: false, lowS: false, format: 'der' });
  } catch {
    return false;
  }
}

/** ECDSA (deterministic, RFC 6979) and Ed25519 with noble, RSA with node:crypto. */
function nobleSign(scheme: SignatureScheme, key: Pkcs8Der, data: Uint8Array): Uint8Array {
  if (scheme.kind === 'rsa-pkcs1' || scheme.kind === 'rsa-pss' || scheme.kind === 'mldsa')
    return nodeSign(scheme, key, data);
  const priv = createPrivateKey({ key: Buffer.from(key), format: 'der', type: 'pkcs8' });
  if (!keyTypeFits(scheme, priv)) {
    throw new TypeError(`a ${priv.asymmetricKeyType ?? 'unknown'} key cannot sign with ${scheme.name}`);
  }
  const jwk = priv.export({ format: 'jwk' });
  if (scheme.kind === 'eddsa') return ed25519.sign(data, b64u(jwk.d));
  const curve = ECDSA_BY_JWK_CRV[jwk.crv ?? ''];
  if (!curve || !scheme.hash) throw new TypeError(`unsupported ECDSA key for ${scheme.name}`);
  return curve.sign(HASHES[scheme.hash](data), b64u(jwk.d), { prehash: false, format: 'der' });
}

function nobleHkdfExpand(hash: HashName, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  checkHkdfExpand(hash, prk, length);
  return expand(HASHES[hash], prk, info, length);
}

/** The @noble/* provider. */
export const nobleProvider: CryptoProvider = {
  name: 'noble',
  randomBytes: (n) => randomBytes(n),
  createHash: (hash) => new NobleHash(HASHES[hash].create() as NobleHashState),
  digest: (hash, data) => HASHES[hash](data),
  hmac: (hash, key, data) => hmac(HASHES[hash], key, data),
  hkdfExtract: (hash, salt, ikm) => extract(HASHES[hash], ikm, salt),
  hkdfExpand: nobleHkdfExpand,
  createAead: nobleAead,
  createCbc: nobleCbc,
  generateKeyShare: nobleKeyShare,
  generateDhKeyShare: nobleDhKeyShare,
  rsaEncrypt: rsaEncryptPkcs1,
  verifyMd5Sha1: verifyRsaMd5Sha1,
  signMd5Sha1: signRsaMd5Sha1,
  verify: nobleVerify,
  sign: nobleSign,
};
