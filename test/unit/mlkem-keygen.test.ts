/**
 * ML-KEM key generation over node:crypto's SHA3/SHAKE (src/tls/crypto/mlkem-keygen.ts, the node
 * provider's): the same encapsulation and decapsulation keys as @noble/post-quantum's keygen, byte
 * for byte, for random seeds; Wycheproof's ML-KEM-768 encapsulation keys from their seeds; and the
 * decapsulation key working in noble's decapsulation (which checks H(ek) inside dk) through the
 * provider's X25519MLKEM768 share.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { ml_kem1024, ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { sha3_256, sha3_512, shake128, shake256 } from '@noble/hashes/sha3.js';
import { mlKemKeygen, type MlKemHashes } from '../../src/tls/crypto/mlkem-keygen.js';
import { hybridEncapsulate } from '../../src/tls/crypto/hybrid.js';
import { nodeProvider } from '../../src/tls/crypto/node.js';

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

const nodeHashes: MlKemHashes = {
  sha3_512: (d) => new Uint8Array(createHash('sha3-512').update(d).digest()),
  sha3_256: (d) => new Uint8Array(createHash('sha3-256').update(d).digest()),
  shake128: (d, n) => new Uint8Array(createHash('shake128', { outputLength: n }).update(d).digest()),
  shake256: (d, n) => new Uint8Array(createHash('shake256', { outputLength: n }).update(d).digest()),
};
const nobleHashes: MlKemHashes = {
  sha3_512: (d) => sha3_512(d),
  sha3_256: (d) => sha3_256(d),
  shake128: (d, n) => shake128(d, { dkLen: n }),
  shake256: (d, n) => shake256(d, { dkLen: n }),
};

test('ML-KEM-768 and -1024 keys equal noble keygen byte for byte (32 random seeds each, both hash sets)', () => {
  for (const [k, kem] of [
    [3, ml_kem768],
    [4, ml_kem1024],
  ] as const) {
    const ours = [mlKemKeygen(k, nodeHashes), mlKemKeygen(k, nobleHashes)];
    for (let i = 0; i < 32; i++) {
      const seed = new Uint8Array(randomBytes(64));
      const want = kem.keygen(seed);
      for (const keygen of ours) {
        const got = keygen(seed);
        assert.equal(toHex(got.publicKey), toHex(want.publicKey), `k=${k} ek, seed ${toHex(seed)}`);
        assert.equal(toHex(got.secretKey), toHex(want.secretKey), `k=${k} dk, seed ${toHex(seed)}`);
      }
    }
  }
});

// Wycheproof testvectors_v1/mlkem_768_test.json (C2SP/wycheproof dac1dd47): tcId 1 (CCTV/strcmp)
// and tcIds 2-4 (FIPS 203 group): the seed d || z and the SHA-256 of the vector's 1184-byte ek.
const WYCHEPROOF_MLKEM768 = [
  {
    tcId: 1,
    seed: 'cbfc4405d1b2a3a386c94c25e0f2d5f5ee92cb0388ff4d6aa04223086d51c3fd24752da14c9fc3b8ae0d9e4a8b1016b8d8fc69e229c03ea2ef08a4ae0cffc37f',
    ekSha256: '67fe2cb60768d55758c67bfd5842692dedb14513d581c48db2cd3adf94568106',
  },
  {
    tcId: 2,
    seed: '7c9935a0b07694aa0c6d10e4db6b1add2fd81a25ccb148032dcd739936737f2d8626ed79d451140800e03b59b956f8210e556067407d13dc90fa9e8b872bfb8f',
    ekSha256: '86adbca81f4fee893e2fb58fb98aa2fe188f501fed268d7f4056f8c05c4e53c4',
  },
  {
    tcId: 3,
    seed: 'd60b93492a1d8c1c7ba6fc0b733137f3406cee8110a93f170e7a78658af326d9003271531cf27285b8721ed5cb46853043b346a66cba6cf765f1b0eaa40bf672',
    ekSha256: '858915faa304fb5beed7d653189707b34a27504dd254ffb12ad47392a0c1ad4a',
  },
  {
    tcId: 4,
    seed: '4b622de1350119c45a9f2e2ef3dc5df50a759d138cdfbd64c81cc7cc2f513345e82fcc97ca60ccb27bf6938c975658aeb8b4d37cffbde25d97e561f36c219ade',
    ekSha256: 'abdbf1e55c0f6132e2a7d4d5a765922004fce0aaa4ad71603203842aafab0750',
  },
];

test('Wycheproof ML-KEM-768: the encapsulation key of each seed', () => {
  const keygen = mlKemKeygen(3, nodeHashes);
  for (const v of WYCHEPROOF_MLKEM768) {
    const { publicKey } = keygen(new Uint8Array(Buffer.from(v.seed, 'hex')));
    assert.equal(publicKey.length, 1184);
    assert.equal(sha256(publicKey), v.ekSha256, `tcId ${v.tcId}`);
  }
});

test('the node provider X25519MLKEM768 share decapsulates what noble encapsulates to it', () => {
  for (let i = 0; i < 8; i++) {
    const client = nodeProvider.generateKeyShare('X25519MLKEM768');
    const server = nodeProvider.generateKeyShare('x25519');
    const { serverShare, sharedSecret } = hybridEncapsulate(client.publicKey, server);
    assert.equal(toHex(client.computeSecret(serverShare)), toHex(sharedSecret));
  }
});

test('a seed of the wrong length is refused', () => {
  assert.throws(() => mlKemKeygen(3, nodeHashes)(new Uint8Array(63)), RangeError);
});
