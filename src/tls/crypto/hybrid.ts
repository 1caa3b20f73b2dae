/**
 * The X25519MLKEM768 hybrid key share (draft-ietf-tls-ecdhe-mlkem, codepoint 0x11EC, as deployed by
 * OpenSSL 3.5 and Chrome): ML-KEM-768 (FIPS 203, from @noble/post-quantum) combined with an X25519
 * share from whichever provider is in use. The ML-KEM part always comes first:
 *   client share  = ML-KEM-768 encapsulation key (1184) || X25519 public (32)
 *   server share  = ML-KEM-768 ciphertext (1088)        || X25519 public (32)
 *   shared secret = ML-KEM-768 shared secret (32)       || X25519 shared secret (32)
 * This is not noble's `ml_kem768_x25519`, which is X-Wing (a different combiner).
 */
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { illegalParameter } from '../errors.js';
import type { KeyShare } from './provider.js';

/** Byte lengths of the hybrid's parts (FIPS 203 Table 3, RFC 7748). */
export const MLKEM768_ENCAPSULATION_KEY_LENGTH = 1184;
export const MLKEM768_CIPHERTEXT_LENGTH = 1088;
export const MLKEM768_SEED_LENGTH = 64;
export const X25519_LENGTH = 32;
export const X25519MLKEM768_CLIENT_SHARE_LENGTH = MLKEM768_ENCAPSULATION_KEY_LENGTH + X25519_LENGTH;
export const X25519MLKEM768_SERVER_SHARE_LENGTH = MLKEM768_CIPHERTEXT_LENGTH + X25519_LENGTH;

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * Splits a fixed hybrid private key (64-byte ML-KEM keygen seed d||z, then 32 X25519 bytes), or
 * draws a fresh seed and leaves the X25519 key to the provider when `privateKey` is absent.
 */
export function splitHybridPrivateKey(
  privateKey: Uint8Array | undefined,
  randomBytes: (n: number) => Uint8Array,
): { seed: Uint8Array; x25519: Uint8Array | undefined } {
  if (privateKey === undefined) return { seed: randomBytes(MLKEM768_SEED_LENGTH), x25519: undefined };
  const want = MLKEM768_SEED_LENGTH + X25519_LENGTH;
  if (privateKey.length !== want)
    throw new RangeError(`X25519MLKEM768 private key must be ${want} bytes, got ${privateKey.length}`);
  return { seed: privateKey.slice(0, MLKEM768_SEED_LENGTH), x25519: privateKey.slice(MLKEM768_SEED_LENGTH) };
}

/** The client's X25519MLKEM768 key share from an ML-KEM keygen seed and a provider's X25519 share. */
export function hybridKeyShare(seed: Uint8Array, x25519: KeyShare): KeyShare {
  if (x25519.group !== 'x25519') throw new TypeError('X25519MLKEM768 needs an x25519 key share');
  const { publicKey: ek, secretKey: dk } = ml_kem768.keygen(seed);
  return {
    group: 'X25519MLKEM768',
    publicKey: concat(ek, x25519.publicKey),
    computeSecret(peerShare) {
      if (peerShare.length !== X25519MLKEM768_SERVER_SHARE_LENGTH) {
        throw illegalParameter(
          `invalid X25519MLKEM768 server share length ${peerShare.length}, expected ${X25519MLKEM768_SERVER_SHARE_LENGTH}`,
        );
      }
      const ct = peerShare.subarray(0, MLKEM768_CIPHERTEXT_LENGTH);
      const x = x25519.computeSecret(peerShare.subarray(MLKEM768_CIPHERTEXT_LENGTH));
      let ss: Uint8Array;
      try {
        // FIPS 203 decapsulation rejects implicitly: a wrong ciphertext of the right length yields
        // a pseudorandom secret (and a failed Finished), not an error.
        ss = ml_kem768.decapsulate(ct, dk);
      } catch {
        throw illegalParameter('invalid ML-KEM-768 ciphertext');
      }
      return concat(ss, x);
    },
  };
}

/**
 * The server side of X25519MLKEM768 (for tests and in-memory peers): encapsulates to the client's
 * share with `x25519` as the server's X25519 share, returning the server share and the secret.
 * `msg` fixes ML-KEM's 32-byte encapsulation randomness for test vectors.
 */
export function hybridEncapsulate(
  clientShare: Uint8Array,
  x25519: KeyShare,
  msg?: Uint8Array,
): { serverShare: Uint8Array; sharedSecret: Uint8Array } {
  if (clientShare.length !== X25519MLKEM768_CLIENT_SHARE_LENGTH) {
    throw illegalParameter(
      `invalid X25519MLKEM768 client share length ${clientShare.length}, expected ${X25519MLKEM768_CLIENT_SHARE_LENGTH}`,
    );
  }
  const ek = clientShare.subarray(0, MLKEM768_ENCAPSULATION_KEY_LENGTH);
  let enc: { cipherText: Uint8Array; sharedSecret: Uint8Array };
  try {
    // Includes FIPS 203 §7.2's encapsulation key (modulus) check.
    enc = msg === undefined ? ml_kem768.encapsulate(ek) : ml_kem768.encapsulate(ek, msg);
  } catch {
    throw illegalParameter('invalid ML-KEM-768 encapsulation key');
  }
  const x = x25519.computeSecret(clientShare.subarray(MLKEM768_ENCAPSULATION_KEY_LENGTH));
  return { serverShare: concat(enc.cipherText, x25519.publicKey), sharedSecret: concat(enc.sharedSecret, x) };
}
