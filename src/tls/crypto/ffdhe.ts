/**
 * Finite-field Diffie-Hellman for the TLS 1.0–1.2 DHE suites: the RFC 7919 groups (to name what a
 * server sends and to report "Server Temp Key: DH, <bits> bits"), OpenSSL's security-level floor
 * on the prime size, and the checks on a ServerKeyExchange's p, g and Ys before we use them. The
 * arithmetic itself is the crypto provider's (generateDhKeyShare).
 */
import { TlsAlert, illegalParameter } from '../errors.js';
import { AlertDescription } from '../codec/alerts.js';

const hexPrime = (hex: string): bigint => BigInt(`0x${hex}`);

/**
 * The RFC 7919 Appendix A primes, p = 2^b - 2^{b-64} + {[2^{b-130} e] + X} * 2^64 - 1 (generator
 * 2). Exported as DER by OpenSSL 3.0 (`openssl genpkey -genparam -algorithm DH -pkeyopt
 * group:ffdheN`, then `pkeyparam | asn1parse`); test/unit/ffdhe.test.ts recomputes each from the
 * formula and the RFC's X.
 */
export const FFDHE_PRIMES = {
  ffdhe2048: hexPrime(
    'ffffffffffffffffadf85458a2bb4a9aafdc5620273d3cf1d8b9c583ce2d3695a9e13641146433fbcc939dce249b3ef9' +
      '7d2fe363630c75d8f681b202aec4617ad3df1ed5d5fd65612433f51f5f066ed0856365553ded1af3b557135e7f57c935' +
      '984f0c70e0e68b77e2a689daf3efe8721df158a136ade73530acca4f483a797abc0ab182b324fb61d108a94bb2c8e3fb' +
      'b96adab760d7f4681d4f42a3de394df4ae56ede76372bb190b07a7c8ee0a6d709e02fce1cdf7e2ecc03404cd28342f61' +
      '9172fe9ce98583ff8e4f1232eef28183c3fe3b1b4c6fad733bb5fcbc2ec22005c58ef1837d1683b2c6f34a26c1b2effa' +
      '886b423861285c97ffffffffffffffff',
  ),
  ffdhe3072: hexPrime(
    'ffffffffffffffffadf85458a2bb4a9aafdc5620273d3cf1d8b9c583ce2d3695a9e13641146433fbcc939dce249b3ef9' +
      '7d2fe363630c75d8f681b202aec4617ad3df1ed5d5fd65612433f51f5f066ed0856365553ded1af3b557135e7f57c935' +
      '984f0c70e0e68b77e2a689daf3efe8721df158a136ade73530acca4f483a797abc0ab182b324fb61d108a94bb2c8e3fb' +
      'b96adab760d7f4681d4f42a3de394df4ae56ede76372bb190b07a7c8ee0a6d709e02fce1cdf7e2ecc03404cd28342f61' +
      '9172fe9ce98583ff8e4f1232eef28183c3fe3b1b4c6fad733bb5fcbc2ec22005c58ef1837d1683b2c6f34a26c1b2effa' +
      '886b4238611fcfdcde355b3b6519035bbc34f4def99c023861b46fc9d6e6c9077ad91d2691f7f7ee598cb0fac186d91c' +
      'aefe130985139270b4130c93bc437944f4fd4452e2d74dd364f2e21e71f54bff5cae82ab9c9df69ee86d2bc522363a0d' +
      'abc521979b0deada1dbf9a42d5c4484e0abcd06bfa53ddef3c1b20ee3fd59d7c25e41d2b66c62e37ffffffffffffffff',
  ),
  ffdhe4096: hexPrime(
    'ffffffffffffffffadf85458a2bb4a9aafdc5620273d3cf1d8b9c583ce2d3695a9e13641146433fbcc939dce249b3ef9' +
      '7d2fe363630c75d8f681b202aec4617ad3df1ed5d5fd65612433f51f5f066ed0856365553ded1af3b557135e7f57c935' +
      '984f0c70e0e68b77e2a689daf3efe8721df158a136ade73530acca4f483a797abc0ab182b324fb61d108a94bb2c8e3fb' +
      'b96adab760d7f4681d4f42a3de394df4ae56ede76372bb190b07a7c8ee0a6d709e02fce1cdf7e2ecc03404cd28342f61' +
      '9172fe9ce98583ff8e4f1232eef28183c3fe3b1b4c6fad733bb5fcbc2ec22005c58ef1837d1683b2c6f34a26c1b2effa' +
      '886b4238611fcfdcde355b3b6519035bbc34f4def99c023861b46fc9d6e6c9077ad91d2691f7f7ee598cb0fac186d91c' +
      'aefe130985139270b4130c93bc437944f4fd4452e2d74dd364f2e21e71f54bff5cae82ab9c9df69ee86d2bc522363a0d' +
      'abc521979b0deada1dbf9a42d5c4484e0abcd06bfa53ddef3c1b20ee3fd59d7c25e41d2b669e1ef16e6f52c3164df4fb' +
      '7930e9e4e58857b6ac7d5f42d69f6d187763cf1d5503400487f55ba57e31cc7a7135c886efb4318aed6a1e012d9e6832' +
      'a907600a918130c46dc778f971ad0038092999a333cb8b7a1a1db93d7140003c2a4ecea9f98d0acc0a8291cdcec97dcf' +
      '8ec9b55a7f88a46b4db5a851f44182e1c68a007e5e655f6affffffffffffffff',
  ),
  ffdhe6144: hexPrime(
    'ffffffffffffffffadf85458a2bb4a9aafdc5620273d3cf1d8b9c583ce2d3695a9e13641146433fbcc939dce249b3ef9' +
      '7d2fe363630c75d8f681b202aec4617ad3df1ed5d5fd65612433f51f5f066ed0856365553ded1af3b557135e7f57c935' +
      '984f0c70e0e68b77e2a689daf3efe8721df158a136ade73530acca4f483a797abc0ab182b324fb61d108a94bb2c8e3fb' +
      'b96adab760d7f4681d4f42a3de394df4ae56ede76372bb190b07a7c8ee0a6d709e02fce1cdf7e2ecc03404cd28342f61' +
      '9172fe9ce98583ff8e4f1232eef28183c3fe3b1b4c6fad733bb5fcbc2ec22005c58ef1837d1683b2c6f34a26c1b2effa' +
      '886b4238611fcfdcde355b3b6519035bbc34f4def99c023861b46fc9d6e6c9077ad91d2691f7f7ee598cb0fac186d91c' +
      'aefe130985139270b4130c93bc437944f4fd4452e2d74dd364f2e21e71f54bff5cae82ab9c9df69ee86d2bc522363a0d' +
      'abc521979b0deada1dbf9a42d5c4484e0abcd06bfa53ddef3c1b20ee3fd59d7c25e41d2b669e1ef16e6f52c3164df4fb' +
      '7930e9e4e58857b6ac7d5f42d69f6d187763cf1d5503400487f55ba57e31cc7a7135c886efb4318aed6a1e012d9e6832' +
      'a907600a918130c46dc778f971ad0038092999a333cb8b7a1a1db93d7140003c2a4ecea9f98d0acc0a8291cdcec97dcf' +
      '8ec9b55a7f88a46b4db5a851f44182e1c68a007e5e0dd9020bfd64b645036c7a4e677d2c38532a3a23ba4442caf53ea6' +
      '3bb454329b7624c8917bdd64b1c0fd4cb38e8c334c701c3acdad0657fccfec719b1f5c3e4e46041f388147fb4cfdb477' +
      'a52471f7a9a96910b855322edb6340d8a00ef092350511e30abec1fff9e3a26e7fb29f8c183023c3587e38da0077d9b4' +
      '763e4e4b94b2bbc194c6651e77caf992eeaac0232a281bf6b3a739c1226116820ae8db5847a67cbef9c9091b462d538c' +
      'd72b03746ae77f5e62292c311562a846505dc82db854338ae49f5235c95b91178ccf2dd5cacef403ec9d1810c6272b04' +
      '5b3b71f9dc6b80d63fdd4a8e9adb1e6962a69526d43161c1a41d570d7938dad4a40e329cd0e40e65ffffffffffffffff',
  ),
  ffdhe8192: hexPrime(
    'ffffffffffffffffadf85458a2bb4a9aafdc5620273d3cf1d8b9c583ce2d3695a9e13641146433fbcc939dce249b3ef9' +
      '7d2fe363630c75d8f681b202aec4617ad3df1ed5d5fd65612433f51f5f066ed0856365553ded1af3b557135e7f57c935' +
      '984f0c70e0e68b77e2a689daf3efe8721df158a136ade73530acca4f483a797abc0ab182b324fb61d108a94bb2c8e3fb' +
      'b96adab760d7f4681d4f42a3de394df4ae56ede76372bb190b07a7c8ee0a6d709e02fce1cdf7e2ecc03404cd28342f61' +
      '9172fe9ce98583ff8e4f1232eef28183c3fe3b1b4c6fad733bb5fcbc2ec22005c58ef1837d1683b2c6f34a26c1b2effa' +
      '886b4238611fcfdcde355b3b6519035bbc34f4def99c023861b46fc9d6e6c9077ad91d2691f7f7ee598cb0fac186d91c' +
      'aefe130985139270b4130c93bc437944f4fd4452e2d74dd364f2e21e71f54bff5cae82ab9c9df69ee86d2bc522363a0d' +
      'abc521979b0deada1dbf9a42d5c4484e0abcd06bfa53ddef3c1b20ee3fd59d7c25e41d2b669e1ef16e6f52c3164df4fb' +
      '7930e9e4e58857b6ac7d5f42d69f6d187763cf1d5503400487f55ba57e31cc7a7135c886efb4318aed6a1e012d9e6832' +
      'a907600a918130c46dc778f971ad0038092999a333cb8b7a1a1db93d7140003c2a4ecea9f98d0acc0a8291cdcec97dcf' +
      '8ec9b55a7f88a46b4db5a851f44182e1c68a007e5e0dd9020bfd64b645036c7a4e677d2c38532a3a23ba4442caf53ea6' +
      '3bb454329b7624c8917bdd64b1c0fd4cb38e8c334c701c3acdad0657fccfec719b1f5c3e4e46041f388147fb4cfdb477' +
      'a52471f7a9a96910b855322edb6340d8a00ef092350511e30abec1fff9e3a26e7fb29f8c183023c3587e38da0077d9b4' +
      '763e4e4b94b2bbc194c6651e77caf992eeaac0232a281bf6b3a739c1226116820ae8db5847a67cbef9c9091b462d538c' +
      'd72b03746ae77f5e62292c311562a846505dc82db854338ae49f5235c95b91178ccf2dd5cacef403ec9d1810c6272b04' +
      '5b3b71f9dc6b80d63fdd4a8e9adb1e6962a69526d43161c1a41d570d7938dad4a40e329ccff46aaa36ad004cf600c838' +
      '1e425a31d951ae64fdb23fcec9509d43687feb69edd1cc5e0b8cc3bdf64b10ef86b63142a3ab8829555b2f747c932665' +
      'cb2c0f1cc01bd70229388839d2af05e454504ac78b7582822846c0ba35c35f5c59160cc046fd8251541fc68c9c86b022' +
      'bb7099876a460e7451a8a93109703fee1c217e6c3826e52c51aa691e0e423cfc99e9e31650c1217b624816cdad9a95f9' +
      'd5b8019488d9c0a0a1fe3075a577e23183f81d4a3f2fa4571efc8ce0ba8a4fe8b6855dfe72b0a66eded2fbabfbe58a30' +
      'fafabe1c5d71a87e2f741ef8c1fe86fea6bbfde530677f0d97d11d49f7a8443d0822e506a9f4614e011e2a94838ff88c' +
      'd68c8bb7c5c6424cffffffffffffffff',
  ),
} as const;

export type FfdheName = keyof typeof FFDHE_PRIMES;

/** The RFC 7919 group whose prime is `p` (generator 2), or undefined for a custom group. */
export function ffdheName(p: bigint, g: bigint): FfdheName | undefined {
  if (g !== 2n) return undefined;
  for (const [name, prime] of Object.entries(FFDHE_PRIMES) as [FfdheName, bigint][]) if (prime === p) return name;
  return undefined;
}

/**
 * The smallest DH prime OpenSSL accepts at a security level (ssl_security_default_callback with
 * SSL_SECOP_TMP_DH: 80/112/128/192/256 bits of security for levels 1..5, as 1024/2048/3072/7680/
 * 15360-bit primes, NIST SP 800-57). Level 0 has no floor of its own.
 */
export function minDhBits(securityLevel: number): number {
  const floors = [0, 1024, 2048, 3072, 7680, 15360];
  return floors[Math.max(0, Math.min(5, Math.trunc(securityLevel)))] ?? 2048;
}

/** OpenSSL's hard bounds on any DH modulus (DH_MIN_MODULUS_BITS, OPENSSL_DH_MAX_MODULUS_BITS). */
export const DH_MIN_MODULUS_BITS = 512;
export const DH_MAX_MODULUS_BITS = 10000;

/** A big-endian unsigned integer from bytes (leading zeros allowed). */
export function bytesToBigint(b: Uint8Array): bigint {
  let hex = '';
  for (const x of b) hex += x.toString(16).padStart(2, '0');
  return hex ? BigInt(`0x${hex}`) : 0n;
}

/** Big-endian bytes of `n`, left-padded to `length` when given, else minimal (at least one byte). */
export function bigintToBytes(n: bigint, length?: number): Uint8Array {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const minimal = Uint8Array.from(hex.match(/../g) ?? ['00'], (h) => parseInt(h, 16));
  if (length === undefined || length === minimal.length) return minimal;
  if (minimal.length > length) throw new RangeError(`integer needs ${minimal.length} bytes, not ${length}`);
  const out = new Uint8Array(length);
  out.set(minimal, length - minimal.length);
  return out;
}

/** Bit length of a positive integer. */
export function bitLength(n: bigint): number {
  return n <= 0n ? 0 : n.toString(2).length;
}

/** The server's DH group and public value, checked. */
export interface DhParams {
  p: bigint;
  g: bigint;
  ys: bigint;
  /** Size of p in bits ("Server Temp Key: DH, 2048 bits"). */
  bits: number;
  /** The RFC 7919 name when p is one of its primes. */
  name?: FfdheName;
}

/**
 * Checks ServerDHParams as OpenSSL's tls_process_ske_dhe does: p odd and within DH_MIN..MAX
 * modulus bits, 1 < g < p-1, 1 < Ys < p-1 (the partial public-key check of SP 800-56A §5.6.2.3.1,
 * ossl_ffc_validate_public_key_partial) -> illegal_parameter "bad dh value"; then the security
 * level's floor on the prime size -> handshake_failure "dh key too small" (SSL_R_DH_KEY_TOO_SMALL).
 */
export function checkDhParams(pBytes: Uint8Array, gBytes: Uint8Array, ysBytes: Uint8Array, minBits: number): DhParams {
  const p = bytesToBigint(pBytes);
  const g = bytesToBigint(gBytes);
  const ys = bytesToBigint(ysBytes);
  const bits = bitLength(p);
  if (bits < DH_MIN_MODULUS_BITS || bits > DH_MAX_MODULUS_BITS || (p & 1n) === 0n)
    throw illegalParameter(`bad dh value: a ${bits}-bit ${p & 1n ? 'odd' : 'even'} prime`);
  if (g <= 1n || g >= p - 1n) throw illegalParameter('bad dh value: generator out of range');
  if (ys <= 1n || ys >= p - 1n) throw illegalParameter('bad dh value: server public value out of range');
  if (bits < minBits)
    throw new TlsAlert(AlertDescription.handshake_failure, `dh key too small: ${bits}-bit group, ${minBits} required`);
  const name = ffdheName(p, g);
  return name ? { p, g, ys, bits, name } : { p, g, ys, bits };
}

/** Strips leading zero bytes from a DH shared secret (RFC 5246 §8.1.2; one byte is kept for zero). */
export function stripLeadingZeros(z: Uint8Array): Uint8Array {
  let i = 0;
  while (i < z.length - 1 && z[i] === 0) i++;
  return z.subarray(i);
}
