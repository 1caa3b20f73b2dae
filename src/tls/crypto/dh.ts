/**
 * Finite-field Diffie-Hellman for the DHE suites, one implementation per provider: node:crypto's
 * DiffieHellman, and BigInt arithmetic for noble (which has no FFDH). Both return the pre-master
 * secret with its leading zero bytes stripped (RFC 5246 §8.1.2).
 */
import * as crypto from 'node:crypto';
import { randomBytes } from '@noble/hashes/utils.js';
import { illegalParameter } from '../errors.js';
import { bigintToBytes, bitLength, bytesToBigint, stripLeadingZeros } from './ffdhe.js';
import type { DhKeyShare } from './provider.js';

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
