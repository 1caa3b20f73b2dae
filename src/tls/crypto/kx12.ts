/**
 * Primitives of the TLS 1.0–1.2 RSA and DHE key exchanges. Finite-field Diffie-Hellman has one
 * implementation per provider: node:crypto's DiffieHellman, and BigInt arithmetic for noble
 * (which has no FFDH); both return the pre-master secret with its leading zero bytes stripped (RFC
 * 5246 §8.1.2). RSA encryption of the pre-master secret and TLS 1.0/1.1's MD5-SHA1 RSA signatures
 * use node:crypto in both providers, since noble has no RSA.
 */
import * as crypto from 'node:crypto';
import { randomBytes } from '@noble/hashes/utils.js';
import { TlsAlert, illegalParameter } from '../errors.js';
import { AlertDescription } from '../codec/alerts.js';
import { bigintToBytes, bitLength, bytesToBigint, stripLeadingZeros } from './ffdhe.js';
import type { DhKeyShare, Pkcs8Der, SpkiDer } from './provider.js';

const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.length);

/** Finite-field DH with node:crypto's DiffieHellman over the server's p and g. */
export function nodeDhKeyShare(p: Uint8Array, g: Uint8Array, privateKey?: Uint8Array): DhKeyShare {
  const dh = crypto.createDiffieHellman(Buffer.from(p), Buffer.from(g));
  if (privateKey) dh.setPrivateKey(Buffer.from(privateKey));
  const publicKey = stripLeadingZeros(u8(dh.generateKeys()));
  return {
    publicKey,
    computeSecret(peerPublic) {
      try {
        // node pads the secret to the size of p; TLS 1.2 strips the zeros (RFC 5246 §8.1.2).
        return stripLeadingZeros(u8(dh.computeSecret(Buffer.from(peerPublic)))).slice();
      } catch {
        throw illegalParameter('bad dh value: server public value rejected');
      }
    },
  };
}

/** base^exp mod m by left-to-right square-and-multiply over BigInt. */
function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  let result = 1n;
  base %= m;
  for (const bit of exp.toString(2)) {
    result = (result * result) % m;
    if (bit === '1') result = (result * base) % m;
  }
  return result;
}

/** Finite-field DH in plain BigInt arithmetic (noble has no FFDH): x random below p, as long as p. */
export function nobleDhKeyShare(pBytes: Uint8Array, gBytes: Uint8Array, privateKey?: Uint8Array): DhKeyShare {
  const p = bytesToBigint(pBytes);
  const g = bytesToBigint(gBytes);
  const bits = bitLength(p);
  // x in [2, 2^(bits-1)): as OpenSSL's DH_generate_key without q (BN_num_bits(p) - 1 bits).
  const x = privateKey
    ? bytesToBigint(privateKey)
    : (bytesToBigint(randomBytes(Math.ceil(bits / 8))) % (1n << BigInt(bits - 1))) | 2n;
  const publicKey = bigintToBytes(modPow(g, x, p));
  return {
    publicKey,
    computeSecret(peerPublic) {
      const y = bytesToBigint(peerPublic);
      if (y <= 1n || y >= p - 1n) throw illegalParameter('bad dh value: server public value rejected');
      return stripLeadingZeros(bigintToBytes(modPow(y, x, p))).slice();
    },
  };
}

function rsaPublicKey(spki: SpkiDer): crypto.KeyObject | null {
  try {
    const key = crypto.createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    return key.asymmetricKeyType === 'rsa' ? key : null;
  } catch {
    return null;
  }
}

/**
 * RSAES-PKCS1-v1_5 encryption of the pre-master secret to an rsaEncryption key (RFC 5246
 * §7.4.7.1, RFC 8017 §7.2.1). A key that cannot take it (not RSA, an RSA-PSS-only key, a modulus
 * under 48 + 11 bytes) fails as OpenSSL's tls_construct_cke_rsa does: internal_error, "bad rsa encrypt".
 */
export function rsaEncryptPkcs1(spki: SpkiDer, data: Uint8Array): Uint8Array {
  const key = rsaPublicKey(spki);
  if (!key) throw new TlsAlert(AlertDescription.internal_error, 'bad rsa encrypt: not an RSA encryption key');
  try {
    return u8(crypto.publicEncrypt({ key, padding: crypto.constants.RSA_PKCS1_PADDING }, data));
  } catch {
    throw new TlsAlert(AlertDescription.internal_error, 'bad rsa encrypt: key too small');
  }
}

/**
 * TLS 1.0/1.1 RSA signature check: PKCS#1 v1.5 over MD5(data) || SHA-1(data), no DigestInfo
 * (RFC 2246 §7.4.3; OpenSSL's "MD5-SHA1" digest). False for anything malformed.
 */
export function verifyRsaMd5Sha1(spki: SpkiDer, data: Uint8Array, signature: Uint8Array): boolean {
  const key = rsaPublicKey(spki);
  if (!key) return false;
  try {
    return crypto.verify('md5-sha1', data, { key, padding: crypto.constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return false;
  }
}

/**
 * TLS 1.0/1.1 RSA signature (a client CertificateVerify, RFC 4346 §7.4.8): PKCS#1 v1.5 over
 * MD5(data) || SHA-1(data) without DigestInfo, OpenSSL's "MD5-SHA1" digest. Throws for a key
 * that is not rsaEncryption.
 */
export function signRsaMd5Sha1(pkcs8: Pkcs8Der, data: Uint8Array): Uint8Array {
  const key = crypto.createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType !== 'rsa')
    throw new TypeError(`a ${key.asymmetricKeyType ?? 'unknown'} key cannot sign MD5-SHA1`);
  return u8(crypto.sign('md5-sha1', data, { key, padding: crypto.constants.RSA_PKCS1_PADDING }));
}

/**
 * The server's reading of an RSA-encrypted pre-master secret (RFC 5246 §7.4.7.1, the Bleichenbacher
 * countermeasure; RFC 8017 §7.2.2 block format), for our test servers: `em` is the raw RSA output
 * (k bytes, from a decryption without padding). The result is the last 48 bytes when the block is
 * 00 02 PS 00 M with at least 8 non-zero PS bytes, a 48-byte M, and M's first two bytes equal to
 * `clientVersion`; otherwise `fallback` (48 random bytes the caller drew beforehand). The choice
 * is made with masks over every byte, so neither timing nor the outcome (the Finished fails
 * later either way) tells a padding error from a version error.
 */
export function pkcs1PreMaster(em: Uint8Array, clientVersion: number, fallback: Uint8Array): Uint8Array {
  const k = em.length;
  if (fallback.length !== 48 || k < 48 + 11) throw new RangeError('pkcs1PreMaster: bad lengths');
  const sep = k - 49; // index of the 00 separator before a 48-byte message
  let bad = em[0] ?? 1;
  bad |= (em[1] ?? 0) ^ 2;
  for (let i = 2; i < sep; i++) bad |= ((em[i] ?? 0) - 1) >>> 31; // a zero byte inside PS
  bad |= em[sep] ?? 1;
  bad |= (em[sep + 1] ?? 0) ^ (clientVersion >> 8);
  bad |= (em[sep + 2] ?? 0) ^ (clientVersion & 0xff);
  const useFallback = -(((bad | -bad) >>> 31) & 1) & 0xff; // 0xff when bad != 0
  const out = new Uint8Array(48);
  for (let i = 0; i < 48; i++) out[i] = ((em[sep + 1 + i] ?? 0) & ~useFallback) | ((fallback[i] ?? 0) & useFallback);
  return out;
}
