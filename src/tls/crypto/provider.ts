/**
 * The crypto provider interface. Two implementations: `node` (node:crypto, default) and `noble`
 * (@noble/*). ML-KEM always comes from @noble/post-quantum; RSA and X.509 from node:crypto.
 * The TLS core calls only these functions, so both providers run the same handshake code.
 */
import type { AeadName, GroupName, HashName } from '../codec/names.js';
import type { SignatureScheme } from '../codec/sigschemes.js';

export type ProviderName = 'node' | 'noble';

/** A running hash whose state can be snapshotted (the handshake transcript needs this). */
export interface Hash {
  update(data: Uint8Array): void;
  /** The digest of everything so far, leaving this hash usable. */
  digest(): Uint8Array;
  /** An independent copy of the current state. */
  clone(): Hash;
}

/** An AEAD keyed once. Nonces are 12 bytes, tags 16 bytes, tag appended to the ciphertext. */
export interface Aead {
  readonly name: AeadName;
  /** Encrypts and returns ciphertext || tag. */
  seal(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array;
  /** Decrypts ciphertext || tag; returns null when authentication fails (never throws for that). */
  open(nonce: Uint8Array, ciphertextAndTag: Uint8Array, aad: Uint8Array): Uint8Array | null;
}

/** AES-CBC without padding handling (TLS 1.2 CBC suites do their own padding). */
export interface BlockCipher {
  encrypt(iv: Uint8Array, data: Uint8Array): Uint8Array;
  decrypt(iv: Uint8Array, data: Uint8Array): Uint8Array;
}

/**
 * One side of a key exchange for a named group: holds the private key, publishes the share the
 * client sends (X25519: 32 bytes; P-256/384/521: uncompressed point 0x04||X||Y; X25519MLKEM768:
 * ML-KEM-768 encapsulation key (1184) || X25519 public (32)).
 */
export interface KeyShare {
  readonly group: GroupName;
  readonly publicKey: Uint8Array;
  /**
   * The shared secret from the server's share (X25519: 32 bytes; NIST: the x coordinate;
   * X25519MLKEM768: ML-KEM shared secret (32) || X25519 secret (32)). Throws TlsAlert
   * illegal_parameter for an invalid share (wrong length, point not on curve, all-zero X25519).
   */
  computeSecret(peerShare: Uint8Array): Uint8Array;
}

/**
 * Our side of a finite-field Diffie-Hellman exchange in the server's group (the DHE suites, RFC
 * 5246 §8.1.2). The caller has checked p, g and the peer's value (crypto/ffdhe.ts checkDhParams).
 */
export interface DhKeyShare {
  /** g^x mod p, big-endian, no leading zero bytes (dh_Yc). */
  readonly publicKey: Uint8Array;
  /** peer^x mod p with its leading zero bytes stripped (the pre-master secret, RFC 5246 §8.1.2). */
  computeSecret(peerPublic: Uint8Array): Uint8Array;
}

/** A public key as a SubjectPublicKeyInfo DER blob (what X509Certificate gives us). */
export type SpkiDer = Uint8Array;

/** A private key for client authentication, as PKCS#8 DER. */
export type Pkcs8Der = Uint8Array;

export interface CryptoProvider {
  readonly name: ProviderName;
  /** Cryptographically secure random bytes. */
  randomBytes(n: number): Uint8Array;
  /** A new running hash. */
  createHash(hash: HashName): Hash;
  /** One-shot digest. */
  digest(hash: HashName, data: Uint8Array): Uint8Array;
  /** HMAC(key, data). */
  hmac(hash: HashName, key: Uint8Array, data: Uint8Array): Uint8Array;
  /** HKDF-Extract (RFC 5869 §2.2). */
  hkdfExtract(hash: HashName, salt: Uint8Array, ikm: Uint8Array): Uint8Array;
  /** HKDF-Expand (RFC 5869 §2.3). */
  hkdfExpand(hash: HashName, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array;
  /** An AEAD instance for the key. */
  createAead(aead: AeadName, key: Uint8Array): Aead;
  /** AES-CBC (key 16 or 32 bytes) for the TLS 1.2 CBC suites. */
  createCbc(key: Uint8Array): BlockCipher;
  /**
   * A key share for `group`. `privateKey` fixes the private key for test vectors (X25519: 32
   * bytes; NIST: scalar; X25519MLKEM768: 64-byte ML-KEM seed d||z followed by 32 X25519 bytes).
   */
  generateKeyShare(group: GroupName, privateKey?: Uint8Array): KeyShare;
  /**
   * A DH key share in the group (p, g) given as big-endian bytes; `privateKey` fixes x for test
   * vectors (else x is random, as long as p).
   */
  generateDhKeyShare(p: Uint8Array, g: Uint8Array, privateKey?: Uint8Array): DhKeyShare;
  /**
   * RSAES-PKCS1-v1_5 encryption to the RSA key in `spki` (the RSA key exchange's pre-master
   * secret). Throws TlsAlert internal_error when the key cannot take it.
   */
  rsaEncrypt(spki: SpkiDer, data: Uint8Array): Uint8Array;
  /** TLS 1.0/1.1 RSA signature over MD5 || SHA-1 of `data` (no DigestInfo); false on any mismatch. */
  verifyMd5Sha1(spki: SpkiDer, data: Uint8Array, signature: Uint8Array): boolean;
  /** The TLS 1.0/1.1 RSA signature of a client CertificateVerify: MD5 || SHA-1, no DigestInfo. */
  signMd5Sha1(key: Pkcs8Der, data: Uint8Array): Uint8Array;
  /**
   * Verifies a TLS signature (CertificateVerify / ServerKeyExchange) made with `scheme` by the key
   * in `spki`. ECDSA signatures are DER and are not required to be low-S. Returns false on any
   * mismatch or malformed input; never throws for a bad signature.
   */
  verify(scheme: SignatureScheme, spki: SpkiDer, data: Uint8Array, signature: Uint8Array): boolean;
  /** Signs for client authentication with a PKCS#8 private key; ECDSA output is DER. */
  sign(scheme: SignatureScheme, key: Pkcs8Der, data: Uint8Array): Uint8Array;
}
