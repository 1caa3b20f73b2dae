/**
 * Finite-field DH for the DHE suites: the RFC 7919 primes against the RFC's own formula, the
 * ServerDHParams checks (alerts and reasons as OpenSSL's tls_process_ske_dhe), the security-level
 * floor, and the two providers' DH (node:crypto and BigInt) agreeing with each other and with
 * plain modular arithmetic, including RFC 5246 §8.1.2's stripping of leading zero bytes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import { toHex } from '../../src/tls/codec/bytes.js';
import {
  FFDHE_PRIMES,
  bigintToBytes,
  bitLength,
  bytesToBigint,
  checkDhParams,
  ffdheName,
  minDhBits,
  type FfdheName,
} from '../../src/tls/crypto/ffdhe.js';
import { getProvider } from '../../src/net/providers.js';
import type { CryptoProvider } from '../../src/tls/crypto/provider.js';
import { TlsAlert } from '../../src/tls/errors.js';

const PROVIDERS: readonly CryptoProvider[] = [await getProvider('node'), await getProvider('noble')];

// RFC 7919 Appendix A.1–A.5: p = 2^b - 2^{b-64} + {[2^{b-130} e] + X} * 2^64 - 1, with these X.
const RFC7919_X: Record<FfdheName, bigint> = {
  ffdhe2048: 560316n,
  ffdhe3072: 2625351n,
  ffdhe4096: 5736041n,
  ffdhe6144: 15705020n,
  ffdhe8192: 10965728n,
};

/** floor(e * 2^bits), from e = sum 1/k! in fixed point with 64 guard bits. */
function eScaled(bits: number): bigint {
  const one = 1n << BigInt(bits + 64);
  let term = one;
  let sum = one;
  for (let k = 1n; term > 0n; k++) {
    term /= k;
    sum += term;
  }
  return sum >> 64n;
}

test('RFC 7919 primes equal the RFC formula with its X constants, generator 2 names them', () => {
  for (const [name, x] of Object.entries(RFC7919_X) as [FfdheName, bigint][]) {
    const b = Number(name.slice(5));
    const bb = BigInt(b);
    const p = 2n ** bb - 2n ** (bb - 64n) + (eScaled(b - 130) + x) * 2n ** 64n - 1n;
    assert.equal(FFDHE_PRIMES[name], p, name);
    assert.equal(bitLength(p), b);
    assert.equal(ffdheName(p, 2n), name);
    assert.equal(ffdheName(p, 5n), undefined, 'another generator is a custom group');
  }
  assert.equal(ffdheName(FFDHE_PRIMES.ffdhe2048 - 2n, 2n), undefined);
});

test('security levels: OpenSSL floors on the DH prime (level 2 = 2048 bits)', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5].map(minDhBits), [0, 1024, 2048, 3072, 7680, 15360]);
});

/** A 1024-bit safe-prime group: RFC 2409 §6.2 Oakley Group 2 (generator 2). */
const OAKLEY2 = BigInt(
  '0xFFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
    'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
    'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF',
);

function expectAlert(fn: () => unknown, alert: keyof typeof AlertDescription, reason: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof TlsAlert, String(e));
    assert.equal(e.description, AlertDescription[alert], e.message);
    assert.match(e.reason, reason);
    return true;
  });
}

test('ServerDHParams checks: group size by security level, g and Ys ranges, malformed primes', () => {
  const p = FFDHE_PRIMES.ffdhe2048;
  const b = (n: bigint): Uint8Array => bigintToBytes(n);
  const ok = checkDhParams(b(p), b(2n), b(12345n), minDhBits(2));
  assert.equal(ok.bits, 2048);
  assert.equal(ok.name, 'ffdhe2048');
  // Leading zero bytes in the encodings do not change the values.
  assert.equal(checkDhParams(bigintToBytes(p, 257), bigintToBytes(2n, 3), b(12345n), 2048).bits, 2048);
  // A 1024-bit group: refused at level 2 (handshake_failure, as SSL_R_DH_KEY_TOO_SMALL), fine at 1 and 0.
  expectAlert(() => checkDhParams(b(OAKLEY2), b(2n), b(3n), minDhBits(2)), 'handshake_failure', /^dh key too small/);
  assert.equal(checkDhParams(b(OAKLEY2), b(2n), b(3n), minDhBits(1)).bits, 1024);
  assert.equal(checkDhParams(b(OAKLEY2), b(2n), b(3n), minDhBits(0)).name, undefined);
  // Values OpenSSL's quick checks refuse: illegal_parameter "bad dh value", whatever the level.
  const bad: [string, bigint, bigint, bigint][] = [
    ['g = 1', p, 1n, 5n],
    ['g = p - 1', p, p - 1n, 5n],
    ['g = 0', p, 0n, 5n],
    ['Ys = 0', p, 2n, 0n],
    ['Ys = 1', p, 2n, 1n],
    ['Ys = p - 1', p, 2n, p - 1n],
    ['Ys = p', p, 2n, p],
    ['even p', p + 1n, 2n, 5n],
    ['256-bit p', (1n << 255n) + 1n, 2n, 5n],
    ['p over 10000 bits', (1n << 10001n) + 1n, 2n, 5n],
  ];
  for (const [, pp, g, ys] of bad)
    for (const level of [0, 2])
      expectAlert(() => checkDhParams(b(pp), b(g), b(ys), minDhBits(level)), 'illegal_parameter', /^bad dh value/);
});

test('DH in both providers: the same public value and secret for fixed keys, and g^xy mod p', () => {
  const p = bigintToBytes(FFDHE_PRIMES.ffdhe2048);
  const g = Uint8Array.of(2);
  const x = bigintToBytes(0x1234567890abcdef1234567890abcdef1234567890abcdefn);
  const y = bigintToBytes(0xfedcba0987654321fedcba0987654321n);
  const [node, noble] = PROVIDERS as [CryptoProvider, CryptoProvider];
  const a = node.generateDhKeyShare(p, g, x);
  const b = noble.generateDhKeyShare(p, g, y);
  const a2 = noble.generateDhKeyShare(p, g, x);
  assert.equal(toHex(a.publicKey), toHex(a2.publicKey), 'node and noble: same g^x');
  const s1 = a.computeSecret(b.publicKey);
  const s2 = b.computeSecret(a.publicKey);
  assert.equal(toHex(s1), toHex(s2), 'node and noble agree on g^xy');
  // Against BigInt arithmetic of our own: (g^y)^x mod p.
  let want = 1n;
  const pb = FFDHE_PRIMES.ffdhe2048;
  let base = bytesToBigint(b.publicKey);
  for (let e = bytesToBigint(x); e > 0n; e >>= 1n) {
    if (e & 1n) want = (want * base) % pb;
    base = (base * base) % pb;
  }
  assert.equal(toHex(s1), toHex(bigintToBytes(want)));
  // Random keys: each provider with itself.
  for (const pr of PROVIDERS) {
    const c = pr.generateDhKeyShare(p, g);
    const d = pr.generateDhKeyShare(p, g);
    assert.ok(c.publicKey.length > 200 && c.publicKey[0] !== 0, `${pr.name}: minimal g^x`);
    assert.equal(toHex(c.computeSecret(d.publicKey)), toHex(d.computeSecret(c.publicKey)), pr.name);
  }
});

test('the pre-master secret loses its leading zero bytes (RFC 5246 §8.1.2), in both providers', () => {
  const p = bigintToBytes(OAKLEY2);
  const g = Uint8Array.of(2);
  const peer = PROVIDERS[0]?.generateDhKeyShare(p, g, Uint8Array.of(7));
  assert.ok(peer);
  // x = 210 * 65537 gives (g^7)^x mod p below 2^1016 (found by search): a 127-byte secret; x = 209 * 65537 does not.
  for (const [k, length] of [
    [210n, 127],
    [209n, 128],
  ] as const) {
    const x = bigintToBytes(k * 0x10001n);
    const secrets: Uint8Array[] = PROVIDERS.map((pr) => pr.generateDhKeyShare(p, g, x).computeSecret(peer.publicKey));
    for (const [i, sec] of secrets.entries()) {
      assert.equal(sec.length, length, `${PROVIDERS[i]?.name}: k=${k}`);
      assert.notEqual(sec[0], 0, 'no leading zero left');
    }
    assert.equal(toHex(secrets[0] ?? new Uint8Array()), toHex(secrets[1] ?? new Uint8Array()));
  }
});
