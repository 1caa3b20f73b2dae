/**
 * HPKE (RFC 9180) base mode, DHKEM(X25519, HKDF-SHA256): the RFC's Appendix A test vectors through
 * both crypto providers, and a node-vs-noble differential over the three AEADs ECH uses.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  deriveX25519PrivateKey,
  setupBaseR,
  setupBaseS,
  x25519PublicKey,
  type HpkeSuite,
} from '../../src/tls/crypto/hpke.js';
import { nodeProvider } from '../../src/tls/crypto/node.js';
import { nobleProvider } from '../../src/tls/crypto/noble.js';
import type { CryptoProvider } from '../../src/tls/crypto/provider.js';
import { TlsAlert } from '../../src/tls/errors.js';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const PROVIDERS: readonly CryptoProvider[] = [nodeProvider, nobleProvider];

interface Vector {
  name: string;
  suite: HpkeSuite;
  info: string;
  ikmE: string;
  skEm: string;
  pkEm: string;
  ikmR: string;
  skRm: string;
  pkRm: string;
  key: string;
  baseNonce: string;
  exporterSecret: string;
  /** [sequence number, aad, ct]; pt is the same for all. */
  encryptions: [number, string, string][];
  /** [exporter_context, exported value], L = 32. */
  exports: [string, string][];
}

const PT = '4265617574792069732074727574682c20747275746820626561757479';

// RFC 9180 Appendix A.1.1: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, Base Setup.
// RFC 9180 Appendix A.2.1: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305, Base Setup.
const VECTORS: readonly Vector[] = [
  {
    name: 'RFC 9180 A.1.1 (AES-128-GCM)',
    suite: { kdfId: 1, aeadId: 1 },
    info: '4f6465206f6e2061204772656369616e2055726e',
    ikmE: '7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234',
    skEm: '52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736',
    pkEm: '37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431',
    ikmR: '6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037',
    skRm: '4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8',
    pkRm: '3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d',
    key: '4531685d41d65f03dc48f6b8302c05b0',
    baseNonce: '56d890e5accaaf011cff4b7d',
    exporterSecret: '45ff1c2e220db587171952c0592d5f5ebe103f1561a2614e38f2ffd47e99e3f8',
    encryptions: [
      [
        0,
        '436f756e742d30',
        'f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a',
      ],
      [
        1,
        '436f756e742d31',
        'af2d7e9ac9ae7e270f46ba1f975be53c09f8d875bdc8535458c2494e8a6eab251c03d0c22a56b8ca42c2063b84',
      ],
      [
        2,
        '436f756e742d32',
        '498dfcabd92e8acedc281e85af1cb4e3e31c7dc394a1ca20e173cb72516491588d96a19ad4a683518973dcc180',
      ],
      [
        4,
        '436f756e742d34',
        '583bd32bc67a5994bb8ceaca813d369bca7b2a42408cddef5e22f880b631215a09fc0012bc69fccaa251c0246d',
      ],
      [
        255,
        '436f756e742d323535',
        '7175db9717964058640a3a11fb9007941a5d1757fda1a6935c805c21af32505bf106deefec4a49ac38d71c9e0a',
      ],
      [
        256,
        '436f756e742d323536',
        '957f9800542b0b8891badb026d79cc54597cb2d225b54c00c5238c25d05c30e3fbeda97d2e0e1aba483a2df9f2',
      ],
    ],
    exports: [
      ['', '3853fe2b4035195a573ffc53856e77058e15d9ea064de3e59f4961d0095250ee'],
      ['00', '2e8f0b54673c7029649d4eb9d5e33bf1872cf76d623ff164ac185da9e88c21a5'],
      ['54657374436f6e74657874', 'e9e43065102c3836401bed8c3c3c75ae46be1639869391d62c61f1ec7af54931'],
    ],
  },
  {
    name: 'RFC 9180 A.2.1 (ChaCha20Poly1305)',
    suite: { kdfId: 1, aeadId: 3 },
    info: '4f6465206f6e2061204772656369616e2055726e',
    ikmE: '909a9b35d3dc4713a5e72a4da274b55d3d3821a37e5d099e74a647db583a904b',
    skEm: 'f4ec9b33b792c372c1d2c2063507b684ef925b8c75a42dbcbf57d63ccd381600',
    pkEm: '1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a',
    ikmR: '1ac01f181fdf9f352797655161c58b75c656a6cc2716dcb66372da835542e1df',
    skRm: '8057991eef8f1f1af18f4a9491d16a1ce333f695d4db8e38da75975c4478e0fb',
    pkRm: '4310ee97d88cc1f088a5576c77ab0cf5c3ac797f3d95139c6c84b5429c59662a',
    key: 'ad2744de8e17f4ebba575b3f5f5a8fa1f69c2a07f6e7500bc60ca6e3e3ec1c91',
    baseNonce: '5c4d98150661b848853b547f',
    exporterSecret: 'a3b010d4994890e2c6968a36f64470d3c824c8f5029942feb11e7a74b2921922',
    encryptions: [
      [
        0,
        '436f756e742d30',
        '1c5250d8034ec2b784ba2cfd69dbdb8af406cfe3ff938e131f0def8c8b60b4db21993c62ce81883d2dd1b51a28',
      ],
      [
        1,
        '436f756e742d31',
        '6b53c051e4199c518de79594e1c4ab18b96f081549d45ce015be002090bb119e85285337cc95ba5f59992dc98c',
      ],
      [
        2,
        '436f756e742d32',
        '71146bd6795ccc9c49ce25dda112a48f202ad220559502cef1f34271e0cb4b02b4f10ecac6f48c32f878fae86b',
      ],
      [
        4,
        '436f756e742d34',
        '63357a2aa291f5a4e5f27db6baa2af8cf77427c7c1a909e0b37214dd47db122bb153495ff0b02e9e54a50dbe16',
      ],
      [
        255,
        '436f756e742d323535',
        '18ab939d63ddec9f6ac2b60d61d36a7375d2070c9b683861110757062c52b8880a5f6b3936da9cd6c23ef2a95c',
      ],
      [
        256,
        '436f756e742d323536',
        '7a4a13e9ef23978e2c520fd4d2e757514ae160cd0cd05e556ef692370ca53076214c0c40d4c728d6ed9e727a5b',
      ],
    ],
    exports: [
      ['', '4bbd6243b8bb54cec311fac9df81841b6fd61f56538a775e7c80a9f40160606e'],
      ['00', '8c1df14732580e5501b00f82b10a1647b40713191b7c1240ac80e2b68808ba69'],
      ['54657374436f6e74657874', '5acb09211139c43b3090489a9da433e8a30ee7188ba8b0a9a1ccf0c229283e53'],
    ],
  },
];

for (const v of VECTORS) {
  for (const p of PROVIDERS) {
    test(`${v.name}, ${p.name} provider: DeriveKeyPair, SetupBaseS/R, Seal/Open by sequence number, Export`, () => {
      assert.equal(toHex(deriveX25519PrivateKey(p, hex(v.ikmE))), v.skEm);
      assert.equal(toHex(deriveX25519PrivateKey(p, hex(v.ikmR))), v.skRm);
      assert.equal(toHex(x25519PublicKey(p, hex(v.skRm))), v.pkRm);
      const { enc, context: s } = setupBaseS(p, v.suite, hex(v.pkRm), hex(v.info), hex(v.skEm));
      assert.equal(toHex(enc), v.pkEm);
      assert.equal(toHex(s.key), v.key);
      assert.equal(toHex(s.baseNonce), v.baseNonce);
      assert.equal(toHex(s.exporterSecret), v.exporterSecret);
      const r = setupBaseR(p, v.suite, enc, hex(v.skRm), hex(v.info));
      assert.equal(toHex(r.key), v.key);
      let last = -1;
      for (const [seq, aad, ct] of v.encryptions) {
        // Advance both contexts to `seq` with throwaway messages (the vector lists a subset).
        for (let i = last + 1; i < seq; i++) {
          const filler = s.seal(new Uint8Array(0), new Uint8Array(1));
          assert.notEqual(r.open(new Uint8Array(0), filler), null);
        }
        assert.equal(s.sequence, seq);
        assert.equal(toHex(s.seal(hex(aad), hex(PT))), ct);
        assert.equal(toHex(r.open(hex(aad), hex(ct)) ?? new Uint8Array(0)), PT);
        last = seq;
      }
      for (const [ctx, value] of v.exports) assert.equal(toHex(s.export(hex(ctx), 32)), value);
    });
  }

  test(`${v.name}: a flipped ciphertext bit fails Open and does not advance the sequence`, () => {
    const r = setupBaseR(nodeProvider, v.suite, hex(v.pkEm), hex(v.skRm), hex(v.info));
    const first = v.encryptions[0];
    assert.ok(first);
    const bad = hex(first[2]);
    bad[3] = (bad[3] ?? 0) ^ 1;
    assert.equal(r.open(hex(first[1]), bad), null);
    assert.equal(r.sequence, 0);
    assert.equal(toHex(r.open(hex(first[1]), hex(first[2])) ?? new Uint8Array(0)), PT);
  });
}

/** A small seeded PRNG (mulberry32), so a failure reproduces. */
function bytesFrom(seed: number): (n: number) => Uint8Array {
  let s = seed >>> 0;
  return (n) =>
    Uint8Array.from({ length: n }, () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) & 0xff;
    });
}

for (const aeadId of [1, 2, 3]) {
  for (const kdfId of [1, 2, 3]) {
    test(`differential node vs noble: kdf ${kdfId}, aead ${aeadId}: same enc, keys and ciphertexts; each opens the other's`, () => {
      const rand = bytesFrom(aeadId * 100 + kdfId);
      for (let i = 0; i < 20; i++) {
        const suite = { kdfId, aeadId };
        const skR = deriveX25519PrivateKey(nodeProvider, rand(32));
        const pkR = x25519PublicKey(nobleProvider, skR);
        const skE = rand(32);
        const info = rand(i * 7);
        const aad = rand(i * 3);
        const pt = rand(i * 11 + 1);
        const a = setupBaseS(nodeProvider, suite, pkR, info, skE);
        const b = setupBaseS(nobleProvider, suite, pkR, info, skE);
        assert.equal(toHex(a.enc), toHex(b.enc));
        assert.equal(toHex(a.context.key), toHex(b.context.key));
        assert.equal(toHex(a.context.exporterSecret), toHex(b.context.exporterSecret));
        const ctA = a.context.seal(aad, pt);
        assert.equal(toHex(ctA), toHex(b.context.seal(aad, pt)));
        const rNoble = setupBaseR(nobleProvider, suite, a.enc, skR, info);
        assert.equal(toHex(rNoble.open(aad, ctA) ?? new Uint8Array(0)), toHex(pt));
        // Fresh ephemeral keys (no fixed skE): still decryptable by the other provider.
        const fresh = setupBaseS(nobleProvider, suite, pkR, info);
        const ct = fresh.context.seal(aad, pt);
        const rNode = setupBaseR(nodeProvider, suite, fresh.enc, skR, info);
        assert.equal(toHex(rNode.open(aad, ct) ?? new Uint8Array(0)), toHex(pt));
      }
    });
  }
}

test('HPKE refuses a low-order recipient key (all-zero DH output) with illegal_parameter on both providers', () => {
  for (const p of PROVIDERS) {
    assert.throws(
      () => setupBaseS(p, { kdfId: 1, aeadId: 1 }, new Uint8Array(32), new Uint8Array(0)),
      (e: unknown) => e instanceof TlsAlert && e.alertName === 'illegal_parameter',
    );
  }
});

test('HPKE refuses an unknown suite and a wrong-length public key', () => {
  const pk = x25519PublicKey(nodeProvider, new Uint8Array(32).fill(7));
  assert.throws(() => setupBaseS(nodeProvider, { kdfId: 1, aeadId: 0xffff }, pk, new Uint8Array(0)), RangeError);
  assert.throws(() => setupBaseS(nodeProvider, { kdfId: 9, aeadId: 1 }, pk, new Uint8Array(0)), RangeError);
  assert.throws(() => setupBaseS(nodeProvider, { kdfId: 1, aeadId: 1 }, pk.subarray(1), new Uint8Array(0)), RangeError);
});
