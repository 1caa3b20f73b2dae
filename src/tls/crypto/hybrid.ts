/**
 * The X25519MLKEM768 hybrid key share (draft-ietf-tls-ecdhe-mlkem, codepoint 0x11EC, as deployed by
 * OpenSSL 3.5 and Chrome): ML-KEM-768 (FIPS 203, from @noble/post-quantum) combined with an X25519
 * share from whichever provider is in use. The ML-KEM part always comes first:
 *   client share  = ML-KEM-768 encapsulation key (1184) || X25519 public (32)
 *   server share  = ML-KEM-768 ciphertext (1088)        || X25519 public (32)
 *   shared secret = ML-KEM-768 shared secret (32)       || X25519 shared secret (32)
 * This is not noble's `ml_kem768_x25519`, which is X-Wing (a different combiner).
 */
import { libs } from '../libs.js';
import { illegalParameter } from '../errors.js';
import type { GroupName } from '../codec/names.js';
import type { KeyShare } from './provider.js';
import type { MlKemKeygen } from './mlkem-keygen.js';

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

/**
 * The client's X25519MLKEM768 key share from an ML-KEM keygen seed and a provider's X25519 share;
 * `keygen` is the provider's ML-KEM-768 key generation (the node provider's hashes in node:crypto),
 * noble's by default.
 */
export function hybridKeyShare(seed: Uint8Array, x25519: KeyShare, keygen?: MlKemKeygen): KeyShare {
  if (x25519.group !== 'x25519') throw new TypeError('X25519MLKEM768 needs an x25519 key share');
  const { publicKey: ek, secretKey: dk } = (keygen ?? libs.mlKem().ml_kem768.keygen)(seed);
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
        ss = libs.mlKem().ml_kem768.decapsulate(ct, dk);
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
    const kem = libs.mlKem().ml_kem768;
    enc = msg === undefined ? kem.encapsulate(ek) : kem.encapsulate(ek, msg);
  } catch {
    throw illegalParameter('invalid ML-KEM-768 encapsulation key');
  }
  const x = x25519.computeSecret(clientShare.subarray(MLKEM768_ENCAPSULATION_KEY_LENGTH));
  return { serverShare: concat(enc.cipherText, x25519.publicKey), sharedSecret: concat(enc.sharedSecret, x) };
}

// --- The other post-quantum groups ------------------------------------------------------------
//
// draft-ietf-tls-ecdhe-mlkem §3 (as OpenSSL 3.5 and Go 1.24 deploy them): for the NIST hybrids the
// ECDH part comes FIRST (unlike X25519MLKEM768):
//   SecP256r1MLKEM768 (0x11EB): client = P-256 point (65) || ML-KEM-768 ek (1184),
//                               server = P-256 point (65) || ML-KEM-768 ct (1088), secret = ECDH (32) || ML-KEM (32)
//   SecP384r1MLKEM1024 (0x11ED): client = P-384 point (97) || ML-KEM-1024 ek (1568),
//                               server = P-384 point (97) || ML-KEM-1024 ct (1568), secret = ECDH (48) || ML-KEM (32)
// draft-ietf-tls-mlkem: pure MLKEM768 (0x0201) and MLKEM1024 (0x0202): client = ek, server = ct,
// secret = the ML-KEM shared secret.

type Kem = ReturnType<typeof libs.mlKem>['ml_kem768'];

export type PqGroup = 'SecP256r1MLKEM768' | 'SecP384r1MLKEM1024' | 'MLKEM768' | 'MLKEM1024';

interface PqParams {
  /** The noble implementation (src/tls/libs.ts: loaded on first use in the bundle). */
  kem: () => Kem;
  /** FIPS 203's k (Table 2): 3 for ML-KEM-768, 4 for ML-KEM-1024. */
  k: 3 | 4;
  ekLength: number;
  ctLength: number;
  /** The classic group and its uncompressed point length, for the hybrids. */
  ec?: { group: 'secp256r1' | 'secp384r1'; pointLength: number; scalarLength: number };
}

/** FIPS 203 Table 3 sizes; SEC 1 uncompressed points. */
export const PQ_GROUPS: Readonly<Record<PqGroup, PqParams>> = {
  SecP256r1MLKEM768: {
    kem: () => libs.mlKem().ml_kem768,
    k: 3,
    ekLength: 1184,
    ctLength: 1088,
    ec: { group: 'secp256r1', pointLength: 65, scalarLength: 32 },
  },
  SecP384r1MLKEM1024: {
    kem: () => libs.mlKem().ml_kem1024,
    k: 4,
    ekLength: 1568,
    ctLength: 1568,
    ec: { group: 'secp384r1', pointLength: 97, scalarLength: 48 },
  },
  MLKEM768: { kem: () => libs.mlKem().ml_kem768, k: 3, ekLength: 1184, ctLength: 1088 },
  MLKEM1024: { kem: () => libs.mlKem().ml_kem1024, k: 4, ekLength: 1568, ctLength: 1568 },
};

export function isPqGroup(group: GroupName): group is PqGroup {
  return Object.prototype.hasOwnProperty.call(PQ_GROUPS, group);
}

/** Client and server share lengths of a group in PQ_GROUPS. */
export function pqShareLengths(group: PqGroup): { client: number; server: number } {
  const g = PQ_GROUPS[group];
  const ec = g.ec?.pointLength ?? 0;
  return { client: ec + g.ekLength, server: ec + g.ctLength };
}

/**
 * Splits a fixed private key for a PQ group (64-byte ML-KEM seed d||z, then the EC scalar for the
 * hybrids), or draws a fresh seed and leaves the EC key to the provider.
 */
export function splitPqPrivateKey(
  group: PqGroup,
  privateKey: Uint8Array | undefined,
  randomBytes: (n: number) => Uint8Array,
): { seed: Uint8Array; ec: Uint8Array | undefined } {
  if (privateKey === undefined) return { seed: randomBytes(MLKEM768_SEED_LENGTH), ec: undefined };
  const ecLength = PQ_GROUPS[group].ec?.scalarLength ?? 0;
  const want = MLKEM768_SEED_LENGTH + ecLength;
  if (privateKey.length !== want)
    throw new RangeError(`${group} private key must be ${want} bytes, got ${privateKey.length}`);
  return {
    seed: privateKey.slice(0, MLKEM768_SEED_LENGTH),
    ec: ecLength > 0 ? privateKey.slice(MLKEM768_SEED_LENGTH) : undefined,
  };
}

/** FIPS 203 decapsulation after checking the ciphertext length (a truncated ciphertext is illegal_parameter). */
function decapsulate(group: PqGroup, ct: Uint8Array, dk: Uint8Array): Uint8Array {
  const g = PQ_GROUPS[group];
  if (ct.length !== g.ctLength)
    throw illegalParameter(`invalid ${group} ML-KEM ciphertext length ${ct.length}, expected ${g.ctLength}`);
  try {
    return g.kem().decapsulate(ct, dk);
  } catch {
    throw illegalParameter(`invalid ${group} ML-KEM ciphertext`);
  }
}

/**
 * The client's key share for a PQ group from an ML-KEM keygen seed and, for the hybrids, a
 * provider's EC share of the matching curve (whose computeSecret checks the point is on the curve).
 */
export function pqKeyShare(
  group: PqGroup,
  seed: Uint8Array,
  ec?: KeyShare,
  keygen?: (k: 3 | 4) => MlKemKeygen,
): KeyShare {
  const g = PQ_GROUPS[group];
  if ((g.ec === undefined) !== (ec === undefined) || (g.ec && ec && ec.group !== g.ec.group)) {
    throw new TypeError(`${group} needs ${g.ec ? `a ${g.ec.group} key share` : 'no EC key share'}`);
  }
  const { publicKey: ek, secretKey: dk } = (keygen ? keygen(g.k) : g.kem().keygen)(seed);
  const lengths = pqShareLengths(group);
  return {
    group,
    publicKey: ec ? concat(ec.publicKey, ek) : ek,
    computeSecret(peerShare) {
      if (peerShare.length !== lengths.server) {
        throw illegalParameter(`invalid ${group} server share length ${peerShare.length}, expected ${lengths.server}`);
      }
      if (!ec || !g.ec) return decapsulate(group, peerShare, dk);
      const ecdh = ec.computeSecret(peerShare.subarray(0, g.ec.pointLength));
      return concat(ecdh, decapsulate(group, peerShare.subarray(g.ec.pointLength), dk));
    },
  };
}

/**
 * The server side of a PQ group (for tests and in-memory peers): encapsulates to the client's
 * share, with `ec` as the server's EC share for the hybrids. `msg` fixes ML-KEM's randomness.
 */
export function pqEncapsulate(
  group: PqGroup,
  clientShare: Uint8Array,
  ec?: KeyShare,
  msg?: Uint8Array,
): { serverShare: Uint8Array; sharedSecret: Uint8Array } {
  const g = PQ_GROUPS[group];
  const lengths = pqShareLengths(group);
  if (clientShare.length !== lengths.client) {
    throw illegalParameter(`invalid ${group} client share length ${clientShare.length}, expected ${lengths.client}`);
  }
  const ecLength = g.ec?.pointLength ?? 0;
  let enc: { cipherText: Uint8Array; sharedSecret: Uint8Array };
  try {
    const ek = clientShare.subarray(ecLength);
    enc = msg === undefined ? g.kem().encapsulate(ek) : g.kem().encapsulate(ek, msg);
  } catch {
    throw illegalParameter(`invalid ${group} ML-KEM encapsulation key`);
  }
  if (!ec) return { serverShare: enc.cipherText, sharedSecret: enc.sharedSecret };
  const ecdh = ec.computeSecret(clientShare.subarray(0, ecLength));
  return { serverShare: concat(ec.publicKey, enc.cipherText), sharedSecret: concat(ecdh, enc.sharedSecret) };
}
