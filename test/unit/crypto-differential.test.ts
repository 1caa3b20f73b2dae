/**
 * Differential tests: seeded random inputs through the node and noble providers, which must give
 * byte-identical results for everything deterministic, and must interoperate (agree on ECDH and
 * hybrid secrets, verify each other's signatures) for everything randomised.
 */
import assert from 'node:assert/strict';
import * as nodeCrypto from 'node:crypto';
import { generateKeyPairSync, hkdfSync } from 'node:crypto';
import { test } from 'node:test';
import { HASH_LENGTH, type AeadName, type GroupName, type HashName } from '../../src/tls/codec/names.js';
import { sigSchemeByName, type SigAlgName } from '../../src/tls/codec/sigschemes.js';
import { hybridEncapsulate } from '../../src/tls/crypto/hybrid.js';
import { nodeProvider } from '../../src/tls/crypto/node.js';
import { nobleProvider } from '../../src/tls/crypto/noble.js';
import type { CryptoProvider } from '../../src/tls/crypto/provider.js';

const ITERATIONS = 50;
const HASHES: readonly HashName[] = ['sha1', 'sha256', 'sha384', 'sha512'];
const AEADS: readonly AeadName[] = ['AES-128-GCM', 'AES-256-GCM', 'CHACHA20-POLY1305'];
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** A small seeded PRNG (mulberry32), so a failure reproduces. */
function rng(seed: number): { int(max: number): number; bytes(n: number): Uint8Array } {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (max) => Math.floor(next() * max),
    bytes: (n) => Uint8Array.from({ length: n }, () => Math.floor(next() * 256)),
  };
}

/** Both orders of the two providers: [generator, other]. */
const PAIRS: readonly [CryptoProvider, CryptoProvider][] = [
  [nodeProvider, nobleProvider],
  [nobleProvider, nodeProvider],
];

test('hashes: identical digests, including mid-stream digest() and clone()', () => {
  const r = rng(1);
  for (let i = 0; i < ITERATIONS; i++) {
    const hash = HASHES[i % HASHES.length]!;
    const chunks = Array.from({ length: 1 + r.int(5) }, () => r.bytes(r.int(200)));
    const tail = r.bytes(r.int(100));
    const results = [nodeProvider, nobleProvider].map((p) => {
      const h = p.createHash(hash);
      for (const c of chunks) h.update(c);
      const mid = toHex(h.digest());
      const fork = h.clone();
      fork.update(tail);
      h.update(chunks[0]!);
      return { mid, fork: toHex(fork.digest()), main: toHex(h.digest()), midAgain: toHex(h.clone().digest()) };
    });
    assert.deepEqual(results[0], results[1], `iteration ${i} ${hash}`);
    const all = Buffer.concat(chunks);
    assert.equal(results[0]!.mid, toHex(nobleProvider.digest(hash, all)), `iteration ${i} one-shot`);
    assert.equal(
      results[0]!.fork,
      toHex(nodeProvider.digest(hash, Buffer.concat([all, tail]))),
      `iteration ${i} clone`,
    );
    assert.notEqual(results[0]!.fork, results[0]!.main);
  }
});

test('HMAC and HKDF: identical outputs, HKDF equal to node:crypto hkdfSync', () => {
  const r = rng(2);
  for (let i = 0; i < ITERATIONS; i++) {
    const hash = HASHES[i % HASHES.length]!;
    const key = r.bytes(r.int(200));
    const data = r.bytes(r.int(300));
    assert.equal(
      toHex(nodeProvider.hmac(hash, key, data)),
      toHex(nobleProvider.hmac(hash, key, data)),
      `iteration ${i} hmac`,
    );
    const salt = r.bytes(r.int(80));
    const ikm = r.bytes(r.int(80));
    const info = r.bytes(r.int(60));
    const length = r.int(Math.min(255 * HASH_LENGTH[hash], 600) + 1);
    const okm = [nodeProvider, nobleProvider].map((p) =>
      toHex(p.hkdfExpand(hash, p.hkdfExtract(hash, salt, ikm), info, length)),
    );
    assert.equal(okm[0], okm[1], `iteration ${i} hkdf`);
    assert.equal(
      okm[0],
      Buffer.from(hkdfSync(hash, ikm, salt, info, length)).toString('hex'),
      `iteration ${i} hkdfSync`,
    );
  }
});

test('AEAD: identical seal, cross open, tampering gives null on both', () => {
  const r = rng(3);
  for (let i = 0; i < ITERATIONS; i++) {
    const name = AEADS[i % AEADS.length]!;
    const key = r.bytes(name === 'AES-128-GCM' ? 16 : 32);
    const nonce = r.bytes(12);
    const aad = r.bytes(r.int(40));
    const pt = r.bytes(r.int(300));
    const [a, b] = [nodeProvider.createAead(name, key), nobleProvider.createAead(name, key)];
    const sealed = a.seal(nonce, pt, aad);
    assert.equal(toHex(sealed), toHex(b.seal(nonce, pt, aad)), `iteration ${i} ${name} seal`);
    assert.equal(sealed.length, pt.length + 16);
    for (const x of [a, b])
      assert.equal(toHex(x.open(nonce, sealed, aad) ?? Uint8Array.of(1)), toHex(pt), `iteration ${i} ${name} open`);
    const flipped = sealed.slice();
    const bit = r.int(flipped.length * 8);
    flipped[bit >> 3]! ^= 1 << (bit & 7);
    const badAad = Uint8Array.from([...aad, 0]);
    for (const x of [a, b]) {
      assert.equal(x.open(nonce, flipped, aad), null, `iteration ${i} ${name} flipped bit ${bit}`);
      assert.equal(x.open(nonce, sealed, badAad), null, `iteration ${i} ${name} aad`);
    }
  }
});

test('AES-CBC: identical encryption, cross decryption', () => {
  const r = rng(4);
  for (let i = 0; i < ITERATIONS; i++) {
    const key = r.bytes(i % 2 ? 16 : 32);
    const iv = r.bytes(16);
    const data = r.bytes(16 * r.int(20));
    const ct = nodeProvider.createCbc(key).encrypt(iv, data);
    assert.equal(toHex(nobleProvider.createCbc(key).encrypt(iv, data)), toHex(ct), `iteration ${i} encrypt`);
    assert.equal(ct.length, data.length, `iteration ${i} no padding`);
    assert.equal(toHex(nobleProvider.createCbc(key).decrypt(iv, ct)), toHex(data), `iteration ${i} noble decrypt`);
    assert.equal(toHex(nodeProvider.createCbc(key).decrypt(iv, ct)), toHex(data), `iteration ${i} node decrypt`);
  }
});

test('ECDH (X25519, P-256, P-384, P-521): same public key from a fixed private key; both sides agree', () => {
  const r = rng(5);
  const groups: readonly [GroupName, number][] = [
    ['x25519', 32],
    ['secp256r1', 32],
    ['secp384r1', 48],
    ['secp521r1', 66],
  ];
  for (let i = 0; i < ITERATIONS; i++) {
    for (const [group, size] of groups) {
      // A random scalar below the group order: the top byte kept small for the NIST curves.
      const priv = r.bytes(size);
      if (group !== 'x25519') priv[0] = group === 'secp521r1' ? priv[0]! & 1 : priv[0]! & 0x7f;
      const fixed = [nodeProvider, nobleProvider].map((p) => toHex(p.generateKeyShare(group, priv).publicKey));
      assert.equal(fixed[0], fixed[1], `iteration ${i} ${group} public key`);
      const [gen, other] = PAIRS[i % 2]!;
      const a = gen.generateKeyShare(group);
      const b = other.generateKeyShare(group, priv);
      const s1 = a.computeSecret(b.publicKey);
      assert.equal(s1.length, size, `iteration ${i} ${group} secret length`);
      assert.equal(toHex(s1), toHex(b.computeSecret(a.publicKey)), `iteration ${i} ${group} agreement`);
      assert.equal(
        toHex(s1),
        toHex(gen.generateKeyShare(group, priv).computeSecret(a.publicKey)),
        `iteration ${i} ${group} fixed key`,
      );
    }
  }
});

test('X25519MLKEM768: same share from a fixed key; client on one provider, server on the other', () => {
  const r = rng(6);
  for (let i = 0; i < ITERATIONS; i++) {
    const fixedKey = r.bytes(96);
    const shares = [nodeProvider, nobleProvider].map((p) =>
      toHex(p.generateKeyShare('X25519MLKEM768', fixedKey).publicKey),
    );
    assert.equal(shares[0], shares[1], `iteration ${i} fixed share`);
    const [clientP, serverP] = PAIRS[i % 2]!;
    const client = clientP.generateKeyShare('X25519MLKEM768', i % 3 ? undefined : fixedKey);
    assert.equal(client.publicKey.length, 1216);
    const { serverShare, sharedSecret } = hybridEncapsulate(
      client.publicKey,
      serverP.generateKeyShare('x25519'),
      r.bytes(32),
    );
    assert.equal(serverShare.length, 1120);
    assert.equal(sharedSecret.length, 64);
    assert.equal(toHex(client.computeSecret(serverShare)), toHex(sharedSecret), `iteration ${i} agreement`);
    // A corrupted ML-KEM ciphertext decapsulates (implicit rejection) to a different secret.
    const bad = serverShare.slice();
    bad[r.int(1088)]! ^= 0x01;
    assert.notEqual(
      toHex(client.computeSecret(bad).subarray(0, 32)),
      toHex(sharedSecret.subarray(0, 32)),
      `iteration ${i} implicit reject`,
    );
  }
});

/** Keys for the signature tests, as PKCS#8 and SPKI DER. */
function keyPair(kind: 'P-256' | 'P-384' | 'ed25519' | 'rsa'): { pkcs8: Uint8Array; spki: Uint8Array } {
  const { privateKey, publicKey } =
    kind === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : kind === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ec', { namedCurve: kind });
  return {
    pkcs8: new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' })),
    spki: new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })),
  };
}

test('signatures: sign with one provider, verify with both; Ed25519 byte-identical', () => {
  const r = rng(7);
  const cases: readonly [SigAlgName, ReturnType<typeof keyPair>][] = [
    ['ecdsa_secp256r1_sha256', keyPair('P-256')],
    ['ecdsa_secp384r1_sha384', keyPair('P-384')],
    ['ed25519', keyPair('ed25519')],
  ];
  for (let i = 0; i < ITERATIONS; i++) {
    const [signer] = PAIRS[i % 2]!;
    const msg = r.bytes(r.int(200));
    for (const [name, key] of cases) {
      const scheme = sigSchemeByName(name)!;
      const sig = signer.sign(scheme, key.pkcs8, msg);
      for (const v of [nodeProvider, nobleProvider]) {
        assert.equal(v.verify(scheme, key.spki, msg, sig), true, `iteration ${i} ${name} ${signer.name} -> ${v.name}`);
        const tampered = Uint8Array.from([...msg, 1]);
        assert.equal(v.verify(scheme, key.spki, tampered, sig), false, `iteration ${i} ${name} tampered -> ${v.name}`);
      }
      if (name === 'ecdsa_secp256r1_sha256') {
        // Only the TLS curves: a secp256k1 key is refused by both providers.
        const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
        const k1Sig = new Uint8Array(nodeCrypto.sign('sha256', msg, { key: k1.privateKey, dsaEncoding: 'der' }));
        const k1Spki = new Uint8Array(k1.publicKey.export({ format: 'der', type: 'spki' }));
        for (const v of [nodeProvider, nobleProvider])
          assert.equal(v.verify(scheme, k1Spki, msg, k1Sig), false, `iteration ${i} secp256k1 -> ${v.name}`);
      }
      if (name === 'ed25519') {
        assert.equal(
          toHex(nodeProvider.sign(scheme, key.pkcs8, msg)),
          toHex(nobleProvider.sign(scheme, key.pkcs8, msg)),
          `iteration ${i} ed25519`,
        );
      }
    }
  }
});

test('RSA (node:crypto under both providers): PSS and PKCS#1 v1.5 signatures cross-verify', () => {
  const key = keyPair('rsa');
  const r = rng(8);
  for (const name of ['rsa_pss_rsae_sha256', 'rsa_pss_rsae_sha384', 'rsa_pkcs1_sha256'] as const) {
    const scheme = sigSchemeByName(name)!;
    for (const [signer, verifier] of PAIRS) {
      const msg = r.bytes(64);
      const sig = signer.sign(scheme, key.pkcs8, msg);
      assert.equal(verifier.verify(scheme, key.spki, msg, sig), true, `${name} ${signer.name} -> ${verifier.name}`);
      assert.equal(verifier.verify(scheme, key.spki, r.bytes(64), sig), false, `${name} wrong message`);
    }
  }
  // An RSASSA-PSS (id-RSASSA-PSS) key signs only with rsa_pss_pss_*, an rsaEncryption key never does.
  const pssKey = generateKeyPairSync('rsa-pss', {
    modulusLength: 2048,
    hashAlgorithm: 'sha256',
    mgf1HashAlgorithm: 'sha256',
  });
  const pss = {
    pkcs8: new Uint8Array(pssKey.privateKey.export({ format: 'der', type: 'pkcs8' })),
    spki: new Uint8Array(pssKey.publicKey.export({ format: 'der', type: 'spki' })),
  };
  const pssPss = sigSchemeByName('rsa_pss_pss_sha256')!;
  for (const [signer, verifier] of PAIRS) {
    const msg = r.bytes(64);
    const sig = signer.sign(pssPss, pss.pkcs8, msg);
    assert.equal(
      verifier.verify(pssPss, pss.spki, msg, sig),
      true,
      `rsa_pss_pss_sha256 ${signer.name} -> ${verifier.name}`,
    );
    assert.equal(
      verifier.verify(sigSchemeByName('rsa_pss_rsae_sha256')!, pss.spki, msg, sig),
      false,
      `rsa-pss key under rsae scheme`,
    );
    assert.throws(() => signer.sign(pssPss, key.pkcs8, msg), TypeError, `rsaEncryption key under pss_pss scheme`);
  }
  assert.throws(
    () => nobleProvider.sign(sigSchemeByName('ecdsa_secp256r1_sha256')!, key.pkcs8, new Uint8Array(1)),
    TypeError,
  );
  assert.throws(
    () => nodeProvider.sign(sigSchemeByName('ecdsa_secp256r1_sha256')!, key.pkcs8, new Uint8Array(1)),
    TypeError,
  );
});
