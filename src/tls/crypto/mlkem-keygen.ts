/**
 * ML-KEM key generation (FIPS 203 Algorithms 13 and 16, ML-KEM.KeyGen_internal) over hash functions
 * the caller supplies, so that the node provider runs its SHA3/SHAKE calls in node:crypto (native)
 * instead of @noble/hashes' Keccak in JavaScript: in a cold process (the CLI's default X25519MLKEM768
 * share) noble's keygen spent ~21 ms, ~15 of them in Keccak, of a ~150 ms run (--cpu-prof, Node 20,
 * which has no ML-KEM in node:crypto). The keys are FIPS 203's encodings, byte for byte those of
 * @noble/post-quantum's keygen (test/unit/mlkem-keygen.test.ts), so decapsulation stays with noble.
 * Nothing is computed at import but the two 128-entry NTT tables of FIPS 203 Appendix A.
 */

/** The four hash functions of FIPS 203 §4.1 an ML-KEM key generation calls. */
export interface MlKemHashes {
  /** G: SHA3-512. */
  sha3_512(data: Uint8Array): Uint8Array;
  /** H: SHA3-256. */
  sha3_256(data: Uint8Array): Uint8Array;
  /** SHAKE128 (the XOF of SampleNTT) with `length` bytes of output. */
  shake128(data: Uint8Array, length: number): Uint8Array;
  /** SHAKE256 (PRF_eta) with `length` bytes of output. */
  shake256(data: Uint8Array, length: number): Uint8Array;
}

/** An ML-KEM key generation: encapsulation key ek and decapsulation key dk from the 64-byte seed d || z. */
export type MlKemKeygen = (seed: Uint8Array) => { publicKey: Uint8Array; secretKey: Uint8Array };

const N = 256;
const Q = 3329;

/**
 * FIPS 203 Appendix A, the NTT's precomputed values: ZETAS[i] = 17^BitRev7(i) mod q (§4.3) and
 * GAMMAS[i] = 17^(2 BitRev7(i) + 1) mod q (§4.3.1). Written out rather than computed at the first
 * key generation, which in a cold process ran ~0.6 ms of interpreted loops; a wrong entry would make
 * every key differ from @noble/post-quantum's (test/unit/mlkem-keygen.test.ts).
 */
// prettier-ignore
const ZETAS = Uint16Array.of(
  1, 1729, 2580, 3289, 2642, 630, 1897, 848, 1062, 1919, 193, 797, 2786, 3260, 569, 1746,
  296, 2447, 1339, 1476, 3046, 56, 2240, 1333, 1426, 2094, 535, 2882, 2393, 2879, 1974, 821,
  289, 331, 3253, 1756, 1197, 2304, 2277, 2055, 650, 1977, 2513, 632, 2865, 33, 1320, 1915,
  2319, 1435, 807, 452, 1438, 2868, 1534, 2402, 2647, 2617, 1481, 648, 2474, 3110, 1227, 910,
  17, 2761, 583, 2649, 1637, 723, 2288, 1100, 1409, 2662, 3281, 233, 756, 2156, 3015, 3050,
  1703, 1651, 2789, 1789, 1847, 952, 1461, 2687, 939, 2308, 2437, 2388, 733, 2337, 268, 641,
  1584, 2298, 2037, 3220, 375, 2549, 2090, 1645, 1063, 319, 2773, 757, 2099, 561, 2466, 2594,
  2804, 1092, 403, 1026, 1143, 2150, 2775, 886, 1722, 1212, 1874, 1029, 2110, 2935, 885, 2154,
);
// prettier-ignore
const GAMMAS = Uint16Array.of(
  17, 3312, 2761, 568, 583, 2746, 2649, 680, 1637, 1692, 723, 2606, 2288, 1041, 1100, 2229,
  1409, 1920, 2662, 667, 3281, 48, 233, 3096, 756, 2573, 2156, 1173, 3015, 314, 3050, 279,
  1703, 1626, 1651, 1678, 2789, 540, 1789, 1540, 1847, 1482, 952, 2377, 1461, 1868, 2687, 642,
  939, 2390, 2308, 1021, 2437, 892, 2388, 941, 733, 2596, 2337, 992, 268, 3061, 641, 2688,
  1584, 1745, 2298, 1031, 2037, 1292, 3220, 109, 375, 2954, 2549, 780, 2090, 1239, 1645, 1684,
  1063, 2266, 319, 3010, 2773, 556, 757, 2572, 2099, 1230, 561, 2768, 2466, 863, 2594, 735,
  2804, 525, 1092, 2237, 403, 2926, 1026, 2303, 1143, 2186, 2150, 1179, 2775, 554, 886, 2443,
  1722, 1607, 1212, 2117, 1874, 1455, 1029, 2300, 2110, 1219, 2935, 394, 885, 2444, 2154, 1175,
);

/** Algorithm 9, NTT, in place on coefficients in [0, q). */
function ntt(f: Uint16Array, zetas: Uint16Array): void {
  let k = 1;
  for (let len = 128; len >= 2; len >>= 1) {
    for (let start = 0; start < N; start += 2 * len) {
      const zeta = zetas[k++] ?? 0;
      for (let j = start; j < start + len; j++) {
        const t = (zeta * (f[j + len] ?? 0)) % Q;
        const fj = f[j] ?? 0;
        f[j + len] = (fj + Q - t) % Q;
        f[j] = (fj + t) % Q;
      }
    }
  }
}

/** acc += f x g in the NTT domain (Algorithms 11 and 12, MultiplyNTTs and BaseCaseMultiply). */
function multiplyAdd(acc: Uint16Array, f: Uint16Array, g: Uint16Array, gammas: Uint16Array): void {
  for (let i = 0; i < 128; i++) {
    const a0 = f[2 * i] ?? 0;
    const a1 = f[2 * i + 1] ?? 0;
    const b0 = g[2 * i] ?? 0;
    const b1 = g[2 * i + 1] ?? 0;
    const c0 = (a0 * b0 + ((a1 * b1) % Q) * (gammas[i] ?? 0)) % Q;
    const c1 = (a0 * b1 + a1 * b0) % Q;
    acc[2 * i] = ((acc[2 * i] ?? 0) + c0) % Q;
    acc[2 * i + 1] = ((acc[2 * i + 1] ?? 0) + c1) % Q;
  }
}

/**
 * Algorithm 7, SampleNTT, from SHAKE128(rho || j || i). The XOF's output is requested in one piece
 * (five 168-byte blocks: 560 candidates for 256 coefficients accepted with p = 3329/4096, so short
 * only with negligible probability) and asked for again twice as long if it ever runs short; the
 * prefix of a SHAKE output does not depend on its length, so the result is the same.
 */
function sampleNtt(h: MlKemHashes, rho: Uint8Array, j: number, i: number): Uint16Array {
  const input = new Uint8Array(34);
  input.set(rho);
  input[32] = j;
  input[33] = i;
  const a = new Uint16Array(N);
  for (let length = 5 * 168; ; length *= 2) {
    const b = h.shake128(input, length);
    let n = 0;
    for (let p = 0; p + 3 <= b.length && n < N; p += 3) {
      const c0 = b[p] ?? 0;
      const c1 = b[p + 1] ?? 0;
      const c2 = b[p + 2] ?? 0;
      const d1 = c0 | ((c1 & 0x0f) << 8);
      const d2 = (c1 >> 4) | (c2 << 4);
      if (d1 < Q) a[n++] = d1;
      if (d2 < Q && n < N) a[n++] = d2;
    }
    if (n === N) return a;
  }
}

/**
 * Algorithm 8, SamplePolyCBD_2, of PRF_2(sigma, nonce) = SHAKE256(sigma || nonce, 128): each byte
 * holds two coefficients, each the sum of two bits minus the sum of the next two. eta = 2 is the
 * only value ML-KEM-768 and -1024 use (Table 2); summing bit pairs a byte at a time instead of bit
 * by bit matters in a cold process, where this code runs once, uncompiled.
 */
function sampleCbd2(h: MlKemHashes, sigma: Uint8Array, nonce: number): Uint16Array {
  const input = new Uint8Array(33);
  input.set(sigma);
  input[32] = nonce;
  const b = h.shake256(input, 128);
  const f = new Uint16Array(N);
  for (let m = 0; m < 128; m++) {
    const byte = b[m] ?? 0;
    const pairs = (byte & 0x55) + ((byte >> 1) & 0x55);
    f[2 * m] = ((pairs & 3) - ((pairs >> 2) & 3) + Q) % Q;
    f[2 * m + 1] = (((pairs >> 4) & 3) - ((pairs >> 6) & 3) + Q) % Q;
  }
  return f;
}

/** Algorithm 5, ByteEncode_12, of each polynomial in turn, into `out` at `at`. */
function byteEncode12(polys: readonly Uint16Array[], out: Uint8Array, at: number): void {
  let p = at;
  for (const f of polys) {
    for (let i = 0; i < N; i += 2) {
      const a = f[i] ?? 0;
      const b = f[i + 1] ?? 0;
      out[p++] = a & 0xff;
      out[p++] = (a >> 8) | ((b & 0x0f) << 4);
      out[p++] = b >> 4;
    }
  }
}

/**
 * ML-KEM-(256 k) key generation (k = 3: ML-KEM-768, k = 4: ML-KEM-1024; eta1 = 2 for both, Table 2):
 * K-PKE.KeyGen (Algorithm 13) from d, then dk = dkPKE || ek || H(ek) || z (Algorithm 16).
 */
export function mlKemKeygen(k: 3 | 4, h: MlKemHashes): MlKemKeygen {
  return (seed) => {
    if (seed.length !== 64) throw new RangeError(`ML-KEM key generation needs a 64-byte seed, got ${seed.length}`);
    // (rho, sigma) = G(d || k): the parameter set's k is hashed in (Algorithm 13, line 1).
    const dk = new Uint8Array(33);
    dk.set(seed.subarray(0, 32));
    dk[32] = k;
    const g = h.sha3_512(dk);
    const rho = g.subarray(0, 32);
    const sigma = g.subarray(32, 64);
    const s: Uint16Array[] = [];
    for (let i = 0; i < k; i++) s.push(sampleCbd2(h, sigma, i));
    const t: Uint16Array[] = [];
    for (let i = 0; i < k; i++) {
      const e = sampleCbd2(h, sigma, k + i);
      ntt(e, ZETAS);
      t.push(e);
    }
    for (const si of s) ntt(si, ZETAS);
    // t^[i] = sum_j A^[i, j] s^[j] + e^[i], where A^[i, j] = SampleNTT(rho || j || i).
    for (let i = 0; i < k; i++) {
      const ti = t[i] ?? new Uint16Array(N);
      for (let j = 0; j < k; j++) multiplyAdd(ti, sampleNtt(h, rho, j, i), s[j] ?? new Uint16Array(N), GAMMAS);
    }
    const polyBytes = 384;
    const ekLength = k * polyBytes + 32;
    const ek = new Uint8Array(ekLength);
    byteEncode12(t, ek, 0);
    ek.set(rho, k * polyBytes);
    const secret = new Uint8Array(k * polyBytes + ekLength + 64);
    byteEncode12(s, secret, 0);
    secret.set(ek, k * polyBytes);
    secret.set(h.sha3_256(ek), k * polyBytes + ekLength);
    secret.set(seed.subarray(32, 64), k * polyBytes + ekLength + 32);
    for (const p of [...s, ...t]) p.fill(0);
    g.fill(0);
    dk.fill(0);
    return { publicKey: ek, secretKey: secret };
  };
}
