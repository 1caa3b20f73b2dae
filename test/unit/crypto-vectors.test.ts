/**
 * Known-answer tests for both crypto providers: Wycheproof cases (valid and invalid) copied in as
 * constants, RFC 5869 HKDF test case 1, RFC 8448 §3 X25519 keys, FIPS 180 / SP 800-38A examples.
 * Every test loops over both providers. Nothing here reads /work/shared at run time.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import { type AeadName, type GroupName, type HashName } from '../../src/tls/codec/names.js';
import { sigSchemeByName, type SigAlgName } from '../../src/tls/codec/sigschemes.js';
import { hybridEncapsulate } from '../../src/tls/crypto/hybrid.js';
import { nodeProvider } from '../../src/tls/crypto/index.js';
import { getProvider } from '../../src/net/providers.js';
import { nobleProvider } from '../../src/tls/crypto/noble.js';
import type { CryptoProvider } from '../../src/tls/crypto/provider.js';
import { TlsAlert } from '../../src/tls/errors.js';

/** The CLI's node provider: its AEADs on the native binding when that is built (native-aead.test.ts). */
const DEFAULT_NODE = await getProvider('node');
const PROVIDERS: readonly CryptoProvider[] = [
  nodeProvider,
  nobleProvider,
  ...(DEFAULT_NODE === nodeProvider
    ? []
    : [{ ...DEFAULT_NODE, name: 'node (native AEAD)' } as unknown as CryptoProvider]),
];

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Asserts that `fn` raises TlsAlert illegal_parameter. */
function assertIllegalParameter(fn: () => unknown, what: string): void {
  assert.throws(
    fn,
    (e: unknown) => e instanceof TlsAlert && e.description === AlertDescription.illegal_parameter,
    what,
  );
}

interface AeadVector {
  tcId: number;
  aead: AeadName;
  key: string;
  iv: string;
  aad: string;
  msg: string;
  ct: string;
  valid: boolean;
}
/** `shared: null` means the share must be rejected with illegal_parameter. */
interface EcdhVector {
  tcId: number;
  priv: string;
  pub: string;
  shared: string | null;
}
interface SigVector {
  tcId: number;
  scheme: SigAlgName;
  spki: string;
  msg: string;
  sig: string;
  valid: boolean;
}
/** `okm: null` means HKDF must refuse the output size. */
interface HkdfVector {
  tcId: number;
  hash: HashName;
  ikm: string;
  salt: string;
  info: string;
  size: number;
  okm: string | null;
}
interface HmacVector {
  tcId: number;
  hash: HashName;
  key: string;
  msg: string;
  tag: string;
  valid: boolean;
}

// Wycheproof (C2SP/wycheproof @ dac1dd4, testvectors_v1/, Apache-2.0). AEAD ct is ct || tag.
const AEAD: readonly AeadVector[] = [
  // aes_gcm_test.json tcId 1 (valid, Ktv)
  {
    tcId: 1,
    aead: 'AES-128-GCM',
    key: '5b9604fe14eadba931b0ccf34843dab9',
    iv: '028318abc1824029138141a2',
    aad: '',
    msg: '001d0c231287c1182784554ca3a21908',
    ct: '26073cc1d851beff176384dc9896d5ff0a3ea7a5487cb5f7d70fb6c58d038554',
    valid: true,
  },
  // aes_gcm_test.json tcId 4 (valid, Pseudorandom)
  {
    tcId: 4,
    aead: 'AES-128-GCM',
    key: 'bedcfb5a011ebc84600fcb296c15af0d',
    iv: '438a547a94ea88dce46c6c85',
    aad: '',
    msg: '',
    ct: '960247ba5cde02e41a313c4c0136edc3',
    valid: true,
  },
  // aes_gcm_test.json tcId 41 (invalid, ModifiedTag: Flipped bit 0 in tag)
  {
    tcId: 41,
    aead: 'AES-128-GCM',
    key: '000102030405060708090a0b0c0d0e0f',
    iv: '505152535455565758595a5b',
    aad: '',
    msg: '202122232425262728292a2b2c2d2e2f',
    ct: 'eb156d081ed6b6b55f4612f021d87b39d9847dbc326a06e988c77ad3863e6083',
    valid: false,
  },
  // aes_gcm_test.json tcId 91 (valid, Ktv)
  {
    tcId: 91,
    aead: 'AES-256-GCM',
    key: '92ace3e348cd821092cd921aa3546374299ab46209691bc28b8752d17f123c20',
    iv: '00112233445566778899aabb',
    aad: '00000000ffffffff',
    msg: '00010203040506070809',
    ct: 'e27abdd2d2a53d2f136b9a4a2579529301bcfb71c78d4060f52c',
    valid: true,
  },
  // aes_gcm_test.json tcId 130 (invalid, ModifiedTag: Flipped bit 0 in tag)
  {
    tcId: 130,
    aead: 'AES-256-GCM',
    key: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
    iv: '505152535455565758595a5b',
    aad: '',
    msg: '202122232425262728292a2b2c2d2e2f',
    ct: 'b2061457c0759fc1749f174ee1ccadfa9de8fef6d8ab1bf1bf887232eab590dd',
    valid: false,
  },
  // chacha20_poly1305_test.json tcId 2 (valid, Pseudorandom)
  {
    tcId: 2,
    aead: 'CHACHA20-POLY1305',
    key: '80ba3192c803ce965ea371d5ff073cf0f43b6a2ab576b208426e11409c09b9b0',
    iv: '4da5bf8dfd5852c1ea12379d',
    aad: '',
    msg: '',
    ct: '76acb342cf3166a5b63c0c0ea1383c8d',
    valid: true,
  },
  // chacha20_poly1305_test.json tcId 146 (invalid, ModifiedTag: Flipped bit 0 in tag expected tag:f4409bb729039d0814ac514054323f44)
  {
    tcId: 146,
    aead: 'CHACHA20-POLY1305',
    key: '202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f',
    iv: '000102030405060708090a0b',
    aad: '000102',
    msg: '',
    ct: 'f5409bb729039d0814ac514054323f44',
    valid: false,
  },
];

const X25519: readonly EcdhVector[] = [
  // x25519_test.json tcId 1 (valid, Normal: normal case)
  {
    tcId: 1,
    priv: 'c8a9d5a91091ad851c668b0736c1c9a02936c0d3ad62670858088047ba057475',
    pub: '504a36999f489cd2fdbc08baff3d88fa00569ba986cba22548ffde80f9806829',
    shared: '436a2c040cf45fea9b29a0cb81b1f41458f863d0d61b453d0a982720d6d61320',
  },
  // x25519_test.json tcId 100 (valid, Ktv: RFC 7748)
  {
    tcId: 100,
    priv: 'a046e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449a44',
    pub: 'e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c',
    shared: 'c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552',
  },
  // x25519_test.json tcId 511 (valid, EdgeCasePrivateKey: private key == -1 (mod order))
  {
    tcId: 511,
    priv: 'a023cdd083ef5bb82f10d62e59e15a6800000000000000000000000000000050',
    pub: '6c05871352a451dbe182ed5e6ba554f2034456ffe041a054ff9cc56b8e946376',
    shared: '6c05871352a451dbe182ed5e6ba554f2034456ffe041a054ff9cc56b8e946376',
  },
  // x25519_test.json tcId 87 (acceptable, NonCanonicalPublic,Twist,SpecialPublicKey: non-canonical public key)
  {
    tcId: 87,
    priv: '0016b62af5cabde8c40938ebf2108e05d27fa0533ed85d70015ad4ad39762d54',
    pub: 'efffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
    shared: 'b4d10e832714972f96bd3382e4d082a21a8333a16315b3ffb536061d2482360d',
  },
  // x25519_test.json tcId 32 (acceptable, SmallPublicKey,LowOrderPublic,SpecialPublicKey,ZeroSharedSecret: public key = 0)
  {
    tcId: 32,
    priv: '88227494038f2bb811d47805bcdf04a2ac585ada7f2f23389bfd4658f9ddd45e',
    pub: '0000000000000000000000000000000000000000000000000000000000000000',
    shared: null,
  },
  // x25519_test.json tcId 63 (acceptable, LowOrderPublic,SpecialPublicKey,ZeroSharedSecret: public key with low order)
  {
    tcId: 63,
    priv: 'e0f978dfcd3a8f1a5093418de54136a584c20b7b349afdf6c0520886f95b1272',
    pub: 'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
    shared: null,
  },
  // x25519_test.json tcId 68 (acceptable, LowOrderPublic,NonCanonicalPublic,SpecialPublicKey,ZeroSharedSecret,Twist: public key with low order)
  {
    tcId: 68,
    priv: '2064b2f4c9dc97ec7cf58932fdfa3265ba6ea4d11f0259b8efc8afb35db88c48',
    pub: 'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
    shared: null,
  },
];

const P256_ECDH: readonly EcdhVector[] = [
  // ecdh_secp256r1_ecpoint_test.json tcId 1 (valid, Normal: normal case)
  {
    tcId: 1,
    priv: '0612465c89a023ab17855b0a6bcebfd3febb53aef84138647b5352e02c10c346',
    pub: '0462d5bd3372af75fe85a040715d0f502428e07046868b0bfdfa61d731afe44f26ac333a93a9e70a81cd5a95b5bf8d13990eb741c8c38872b4a07d275a014e30cf',
    shared: '53020d908b0219328b658b525f26780e3ae12bcd952bb25a93bc0895e1714285',
  },
  // ecdh_secp256r1_ecpoint_test.json tcId 3 (valid, EdgeCaseSharedSecret: shared secret has x-coordinate that satisfies x**2 = 0)
  {
    tcId: 3,
    priv: '0a0d622a47e48f6bc1038ace438c6f528aa00ad2bd1da5f13ee46bf5f633d71a',
    pub: '0458fd4168a87795603e2b04390285bdca6e57de6027fe211dd9d25e2212d29e62080d36bd224d7405509295eed02a17150e03b314f96da37445b0d1d29377d12c',
    shared: '0000000000000000000000000000000000000000000000000000000000000000',
  },
  // ecdh_secp256r1_ecpoint_test.json tcId 111 (valid, EdgeCaseDoubling: edge case for computation of x with projective coordinates)
  {
    tcId: 111,
    priv: '00e461c5b5e63d75b4c8c123bf8b9cd45e712af08f7e2e494a8f255ac9d80e058b',
    pub: '04851eb1b8699d1cc01c6b6048139797dab3981c924f9ef81bd1f464c3182c870901285b2ae7cbcabfd5bccb9441eb3376b491595f60a1ec21dbe9f972bc32abbe',
    shared: '6d03fef6b354840f4642fba1c8fce9f7d1cda8ae27b6ca01510fb44573fdaffb',
  },
  // ecdh_secp256r1_ecpoint_test.json tcId 2 (acceptable, CompressedPublic,CompressedPoint: compressed public key)
  {
    tcId: 2,
    priv: '0612465c89a023ab17855b0a6bcebfd3febb53aef84138647b5352e02c10c346',
    pub: '0362d5bd3372af75fe85a040715d0f502428e07046868b0bfdfa61d731afe44f26',
    shared: null,
  },
  // ecdh_secp256r1_ecpoint_test.json tcId 332 (invalid, InvalidCurveAttack: point is not on curve)
  {
    tcId: 332,
    priv: '7e4aa54f714bf01df85c50269bea3a86721f84afe74f7b41ea58abcf3474e88d',
    pub: '0400000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    shared: null,
  },
  // ecdh_secp256r1_ecpoint_test.json tcId 348 (invalid, InvalidEncoding)
  { tcId: 348, priv: '7e4aa54f714bf01df85c50269bea3a86721f84afe74f7b41ea58abcf3474e88d', pub: '', shared: null },
  // ecdh_secp256r1_ecpoint_test.json tcId 349 (invalid, InvalidCompressedPublic,CompressedPoint: invalid public key)
  {
    tcId: 349,
    priv: '6f953faff3599e6c762d7f4cabfeed092de2add1df1bc5748c6cbb725cf35458',
    pub: '02fd4bf61763b46581fd9174d623516cf3c81edd40e29ffa2777fb6cb0ae3ce535',
    shared: null,
  },
];

const P384_ECDH: readonly EcdhVector[] = [
  // ecdh_secp384r1_ecpoint_test.json tcId 1 (valid, Normal: normal case)
  {
    tcId: 1,
    priv: '766e61425b2da9f846c09fc3564b93a6f8603b7392c785165bf20da948c49fd1fb1dee4edd64356b9f21c588b75dfd81',
    pub: '04790a6e059ef9a5940163183d4a7809135d29791643fc43a2f17ee8bf677ab84f791b64a6be15969ffa012dd9185d8796d9b954baa8a75e82df711b3b56eadff6b0f668c3b26b4b1aeb308a1fcc1c680d329a6705025f1c98a0b5e5bfcb163caa',
    shared: '6461defb95d996b24296f5a1832b34db05ed031114fbe7d98d098f93859866e4de1e229da71fef0c77fe49b249190135',
  },
  // ecdh_secp384r1_ecpoint_test.json tcId 95 (valid, EdgeCaseDoubling: edge case for Jacobian and projective coordinates)
  {
    tcId: 95,
    priv: '00938f3dbe37135cd8c8c04182952f6e6f9bfe7a4cff4eacf90612a48865dc43e9b5d230f761d1fc4dfb69be20e84ccc8f',
    pub: '0487221e1bb91d5b6f6852b8026b4f07fa3feed095f9173896854132a1ef7740205f57a5a8f157ea59837b27677e465bc86385be41e0220ccb27e61d1539ac35c0230c1a7085fa1b35a4fccbee2f31c91ec56ad0e20d718c66e2329e09f96f2ceb',
    shared: 'f722b9e9bc9ae1658fe88be2b585cc97ca6e3ceb0be0b7cf6a948726686d9182045fa7291cb185164f8e777649242dc4',
  },
  // ecdh_secp384r1_ecpoint_test.json tcId 2 (acceptable, CompressedPublic,CompressedPoint: compressed public key)
  {
    tcId: 2,
    priv: '766e61425b2da9f846c09fc3564b93a6f8603b7392c785165bf20da948c49fd1fb1dee4edd64356b9f21c588b75dfd81',
    pub: '02790a6e059ef9a5940163183d4a7809135d29791643fc43a2f17ee8bf677ab84f791b64a6be15969ffa012dd9185d8796',
    shared: null,
  },
  // ecdh_secp384r1_ecpoint_test.json tcId 773 (invalid, InvalidCurveAttack: point is not on curve)
  {
    tcId: 773,
    priv: '00c6cafb74e2a50c82c7a63d13294bfea13d0bc504ba2b08a392c9081bf3815d9e44d969ed7f05ffd1d8594355053c6147',
    pub: '04000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    shared: null,
  },
  // ecdh_secp384r1_ecpoint_test.json tcId 789 (invalid, InvalidEncoding)
  {
    tcId: 789,
    priv: '00c6cafb74e2a50c82c7a63d13294bfea13d0bc504ba2b08a392c9081bf3815d9e44d969ed7f05ffd1d8594355053c6147',
    pub: '',
    shared: null,
  },
];

// ecdsa_secp256r1_sha256_test.json: publicKeyDer of the test group holding tcId 1
const SPKI_P256_A =
  '3059301306072a8648ce3d020106082a8648ce3d0301070342000404aaec73635726f213fb8a9e64da3b8632e41495a944d0045b522eba7240fad587d9315798aaa3a5ba01775787ced05eaaf7b4e09fc81d6d1aa546e8365d525d';
// ecdsa_secp256r1_sha256_test.json: publicKeyDer of the test group holding tcId 6
const SPKI_P256_B =
  '3059301306072a8648ce3d020106082a8648ce3d030107034200042927b10512bae3eddcfe467828128bad2903269919f7086069c8c4df6c732838c7787964eaac00e5921fb1498a60f4606766b3d9685001558d1a974e7341513e';
// ecdsa_secp384r1_sha384_test.json: publicKeyDer of the test group holding tcId 1
const SPKI_P384_A =
  '3076301006072a8648ce3d020106052b810400220362000429bdb76d5fa741bfd70233cb3a66cc7d44beb3b0663d92a8136650478bcefb61ef182e155a54345a5e8e5e88f064e5bc9a525ab7f764dad3dae1468c2b419f3b62b9ba917d5e8c4fb1ec47404a3fc76474b2713081be9db4c00e043ada9fc4a3';
// ecdsa_secp384r1_sha384_test.json: publicKeyDer of the test group holding tcId 155
const SPKI_P384_B =
  '3076301006072a8648ce3d020106052b81040022036200042da57dda1089276a543f9ffdac0bff0d976cad71eb7280e7d9bfd9fee4bdb2f20f47ff888274389772d98cc5752138aa4b6d054d69dcf3e25ec49df870715e34883b1836197d76f8ad962e78f6571bbc7407b0d6091f9e4d88f014274406174f';
// ed25519_test.json: publicKeyDer of the test group holding tcId 1
const SPKI_ED25519_A = '302a300506032b65700321007d4d0e7f6153a69b6242b522abbee685fda4420f8834b108c3bdae369ef549fa';
// ed25519_test.json: publicKeyDer of the test group holding tcId 80
const SPKI_ED25519_B = '302a300506032b6570032100d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
// rsa_pss_2048_sha256_mgf1_32_test.json: publicKeyDer of the test group holding tcId 1
const SPKI_RSA_A =
  '30820122300d06092a864886f70d01010105000382010f003082010a0282010100a2b451a07d0aa5f96e455671513550514a8a5b462ebef717094fa1fee82224e637f9746d3f7cafd31878d80325b6ef5a1700f65903b469429e89d6eac8845097b5ab393189db92512ed8a7711a1253facd20f79c15e8247f3d3e42e46e48c9' +
  '8e254a2fe9765313a03eff8f17e1a029397a1fa26a8dce26f490ed81299615d9814c22da610428e09c7d9658594266f5c021d0fceca08d945a12be82de4d1ece6b4c03145b5d3495d4ed5411eb878daf05fd7afc3e09ada0f1126422f590975a1969816f48698bcbba1b4d9cae79d460d8f9f85e7975005d9bc22c4e5ac0f7c1' +
  'a45d12569a62807d3b9a02e5a530e773066f453d1f5b4c2e9cf7820283f742b9d50203010001';

const P256_ECDSA: readonly SigVector[] = [
  // ecdsa_secp256r1_sha256_test.json tcId 1 (valid, ValidSignature: pseudorandom signature)
  {
    tcId: 1,
    scheme: 'ecdsa_secp256r1_sha256',
    spki: SPKI_P256_A,
    msg: '',
    sig: '3045022100b292a619339f6e567a305c951c0dcbcc42d16e47f219f9e98e76e09d8770b34a02200177e60492c5a8242f76f07bfe3661bde59ec2a17ce5bd2dab2abebdf89a62e2',
    valid: true,
  },
  // ecdsa_secp256r1_sha256_test.json tcId 2 (valid, ValidSignature: pseudorandom signature)
  {
    tcId: 2,
    scheme: 'ecdsa_secp256r1_sha256',
    spki: SPKI_P256_A,
    msg: '4d7367',
    sig: '30450220530bd6b0c9af2d69ba897f6b5fb59695cfbf33afe66dbadcf5b8d2a2a6538e23022100d85e489cb7a161fd55ededcedbf4cc0c0987e3e3f0f242cae934c72caa3f43e9',
    valid: true,
  },
  // ecdsa_secp256r1_sha256_test.json tcId 6 (invalid, MissingZero: Legacy: ASN encoding of s misses leading 0)
  {
    tcId: 6,
    scheme: 'ecdsa_secp256r1_sha256',
    spki: SPKI_P256_B,
    msg: '313233343030',
    sig: '304402202ba3a8be6b94d5ec80a6d9d1190a436effe50d85a1eee859b8cc6af9bd5c2e180220b329f479a2bbd0a5c384ee1493b1f5186a87139cac5df4087c134b49156847db',
    valid: false,
  },
  // ecdsa_secp256r1_sha256_test.json tcId 8 (invalid, BerEncodedSignature: length of sequence [r, s] uses long form encoding)
  {
    tcId: 8,
    scheme: 'ecdsa_secp256r1_sha256',
    spki: SPKI_P256_B,
    msg: '313233343030',
    sig: '30814502202ba3a8be6b94d5ec80a6d9d1190a436effe50d85a1eee859b8cc6af9bd5c2e18022100b329f479a2bbd0a5c384ee1493b1f5186a87139cac5df4087c134b49156847db',
    valid: false,
  },
  // ecdsa_secp256r1_sha256_test.json tcId 23 (invalid, ModifiedSignature: appending 0's to sequence [r, s])
  {
    tcId: 23,
    scheme: 'ecdsa_secp256r1_sha256',
    spki: SPKI_P256_B,
    msg: '313233343030',
    sig: '304702202ba3a8be6b94d5ec80a6d9d1190a436effe50d85a1eee859b8cc6af9bd5c2e18022100b329f479a2bbd0a5c384ee1493b1f5186a87139cac5df4087c134b49156847db0000',
    valid: false,
  },
  // ecdsa_secp256r1_sha256_test.json tcId 152 (invalid, RangeCheck: replaced r by r + n)
  {
    tcId: 152,
    scheme: 'ecdsa_secp256r1_sha256',
    spki: SPKI_P256_B,
    msg: '313233343030',
    sig: '30460221012ba3a8bd6b94d5ed80a6d9d1190a436ebccc0833490686deac8635bcb9bf5369022100b329f479a2bbd0a5c384ee1493b1f5186a87139cac5df4087c134b49156847db',
    valid: false,
  },
  // ecdsa_secp256r1_sha256_test.json tcId 296 (valid, SpecialCaseHash: special case hash)
  {
    tcId: 296,
    scheme: 'ecdsa_secp256r1_sha256',
    spki: SPKI_P256_B,
    msg: '343236343739373234',
    sig: '3044022016aea964a2f6506d6f78c81c91fc7e8bded7d397738448de1e19a0ec580bf2660220252cd762130c6667cfe8b7bc47d27d78391e8e80c578d1cd38c3ff033be928e9',
    valid: true,
  },
];

const P384_ECDSA: readonly SigVector[] = [
  // ecdsa_secp384r1_sha384_test.json tcId 1 (valid, ValidSignature: pseudorandom signature)
  {
    tcId: 1,
    scheme: 'ecdsa_secp384r1_sha384',
    spki: SPKI_P384_A,
    msg: '',
    sig: '3064023032401249714e9091f05a5e109d5c1216fdc05e98614261aa0dbd9e9cd4415dee29238afbd3b103c1e40ee5c9144aee0f02304326756fb2c4fd726360dd6479b5849478c7a9d054a833a58c1631c33b63c3441336ddf2c7fe0ed129aae6d4ddfeb753',
    valid: true,
  },
  // ecdsa_secp384r1_sha384_test.json tcId 2 (valid, ValidSignature: pseudorandom signature)
  {
    tcId: 2,
    scheme: 'ecdsa_secp384r1_sha384',
    spki: SPKI_P384_A,
    msg: '4d7367',
    sig: '3066023100d7143a836608b25599a7f28dec6635494c2992ad1e2bbeecb7ef601a9c01746e710ce0d9c48accb38a79ede5b9638f3402310080f9e165e8c61035bf8aa7b5533960e46dd0e211c904a064edb6de41f797c0eae4e327612ee3f816f4157272bb4fabc9',
    valid: true,
  },
  // ecdsa_secp384r1_sha384_test.json tcId 155 (invalid, ModifiedInteger: replaced r by -r)
  {
    tcId: 155,
    scheme: 'ecdsa_secp384r1_sha384',
    spki: SPKI_P384_B,
    msg: '313233343030',
    sig: '30650230ed4cf541094ab8901949ed51aa83fbda99e1d94bb4e401e6250d35d71ceecf7c4571b51b33ba5fcdf542cc6b0e3ab729023100e7bf25603e2d07076ff30b7a2abec473da8b11c572b35fc631991d5de62ddca7525aaba89325dfd04fecc47bff426f82',
    valid: false,
  },
  // ecdsa_secp384r1_sha384_test.json tcId 168 (invalid, InvalidSignature: Signature with special case values r=0 and s=0)
  {
    tcId: 168,
    scheme: 'ecdsa_secp384r1_sha384',
    spki: SPKI_P384_B,
    msg: '313233343030',
    sig: '3006020100020100',
    valid: false,
  },
];

const ED25519: readonly SigVector[] = [
  // ed25519_test.json tcId 1 (valid, Valid)
  {
    tcId: 1,
    scheme: 'ed25519',
    spki: SPKI_ED25519_A,
    msg: '',
    sig: 'd4fbdb52bfa726b44d1786a8c0d171c3e62ca83c9e5bbe63de0bb2483f8fd6cc1429ab72cafc41ab56af02ff8fcc43b99bfe4c7ae940f60f38ebaa9d311c4007',
    valid: true,
  },
  // ed25519_test.json tcId 80 (valid, Ktv: draft-josefsson-eddsa-ed25519-02: Test 1)
  {
    tcId: 80,
    scheme: 'ed25519',
    spki: SPKI_ED25519_B,
    msg: '',
    sig: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    valid: true,
  },
  // ed25519_test.json tcId 10 (invalid, InvalidSignature: special values for r and s)
  {
    tcId: 10,
    scheme: 'ed25519',
    spki: SPKI_ED25519_A,
    msg: '3f',
    sig: '00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    valid: false,
  },
  // ed25519_test.json tcId 30 (invalid, TruncatedSignature: empty signature)
  { tcId: 30, scheme: 'ed25519', spki: SPKI_ED25519_A, msg: '54657374', sig: '', valid: false },
  // ed25519_test.json tcId 63 (invalid, SignatureMalleability: the encoded s was replaced by s + L. The scalar is unchanged mod L. Accepted only by ver
  {
    tcId: 63,
    scheme: 'ed25519',
    spki: SPKI_ED25519_A,
    msg: '54657374',
    sig: '7c38e026f29e14aabd059a0f2db8b0cd783040609a8be684db12f82a27774ab067654bce3832c2d76f8f6f5dafc08d9339d4eef676573336a5c51eb6f946b31d',
    valid: false,
  },
  // ed25519_test.json tcId 151 (invalid, InvalidEncoding: R encodes y = 1 with the sign bit of x set. The only point with y = 1 has x = 0, so decoding
  {
    tcId: 151,
    scheme: 'ed25519',
    spki: SPKI_ED25519_B,
    msg: '313233343030',
    sig: '0100000000000000000000000000000000000000000000000000000000000080c803ee1f2342aa96ff698a393d1ab5e66f3eda101d6d120b394c3fd32c117d0a',
    valid: false,
  },
];

const RSA_PSS: readonly SigVector[] = [
  // rsa_pss_2048_sha256_mgf1_32_test.json tcId 1 (valid, Normal: valid signature)
  {
    tcId: 1,
    scheme: 'rsa_pss_rsae_sha256',
    spki: SPKI_RSA_A,
    msg: '',
    sig:
      '4f01e0c12b08625ecac89a69231906edf826380f37c959a96690d046316d68ffce9d5c471694fcebfc6b45534864689256e4fc81c78e583f675d0c94b449647451e81beff01a11a516d5e5ce3f1a910437cb8a3a5096b19fb15f4524a35b23d89cdba12cf5b71aac1047b28c562df7c5542c34ce23a182cf7e0e231934b17294' +
      '799d44877a1d68ef1b8f073619b7618e6b7c22db20030d98cf591ffc3d4da5f58613ecd5ecfc3b40a1d02f40891ca43695cd4c088b05a8054c89c595a47e274816f35384226f74459ee63e25a1bfc03c360490552ec38343f8ace502f065303b00bc0ec320711b211fde92e57feb9013c3609342495ec0d7cabdec21e54acc38',
    valid: true,
  },
  // rsa_pss_2048_sha256_mgf1_32_test.json tcId 73 (valid, ModifiedSignature: salt is all 0)
  {
    tcId: 73,
    scheme: 'rsa_pss_rsae_sha256',
    spki: SPKI_RSA_A,
    msg: '313233343030',
    sig:
      '1591ae743c58ceb723a76f502e21ff6a65c24cabf5f527bab5a6f2a69f20c776fd2251e43ad22e09b1486ceb1935b2dc2ade95e233f296cc0e5a8af8109659be76b6bfdf37e14837fd6c34bfed1f19ec9d21f974b984fe4d4773896ebcc7fb862fd641cd0d77178485c70c2d68b4d9be1d863f6f254b77991fc9053f5d5415d1' +
      'aa74ba9067e2e6607fb651638c9cc0430a40c9b691977b557a31d95a290a95b56ef2ec8e4313686a9c5ef48235912b210fdd2c50aafac28131104c795c42ae75810b0284b2d257e81ecac4240622ebc261ab8bceeeebe80f1cfa70f18d782aebb97d803ea3a895be541be6941df103eaaabd870848bfaf58cdaf6cecdd5a10bf',
    valid: true,
  },
  // rsa_pss_2048_sha256_mgf1_32_test.json tcId 62 (invalid, ModifiedSignature: first byte of m_hash modified)
  {
    tcId: 62,
    scheme: 'rsa_pss_rsae_sha256',
    spki: SPKI_RSA_A,
    msg: '313233343030',
    sig:
      '67d1d1c0a398148625317c3f5e44b738bdf461c27a59594b39ebb2aebef233c7809379e54411411b82d2e7ac88f989b58373d532c758baea121878ce9759441738d121881c1fa2d04421f02dd565b12770d844611ed1873a0b64d822709a6b78d6d3892b294404bce6711001d6c3a54546c76a1d17819674b0be904497a233b4' +
      '66fe4becc832dee740f9ab79e5b9f5db0b0f9aac0084ba05cebf42303b5ca2ad95e3d61b29ed6475545c02e93e7b0e118af92f5cddb1faeb2cbc23c9e69c120e29df7fe31991e887b3b29e77688c60e80be65cccf3d7861a7a14c39e6a6e5645568e2cc5e4a17b75db1dd415aadb45e112a9b582b2ff6e82a43d7a7347b7b56d',
    valid: false,
  },
  // rsa_pss_2048_sha256_mgf1_32_test.json tcId 108 (invalid, WrongPrimitive: PKCS #1 v1.5 signature with SHA-256)
  {
    tcId: 108,
    scheme: 'rsa_pss_rsae_sha256',
    spki: SPKI_RSA_A,
    msg: '313233343030',
    sig:
      '1758eb94588e6fc4f50c1be1afcaa41027869f304cad513b1fb12c2f446d63cdc05c4830a7e3e630da7b2da4f7867cc173bf6420f9732277282596de41ded32e21d0cc31441174da8765f57419c7764ea758f55bc17646eb100c435d1ac0eed6fc7ba6de5f832094ee2f479979765e05ac9976788db3c241a9e32a0da864f001' +
      '9a87646ba623d63f4411af5dee1be9ec488c7e3e1b231479de70b9ac5f78a17b1f4120aece45f26c07e7bb345fdfeb05e14bcaacc614672a465fc523624cb19f66f9c6c3f642b832ca44cb25176d679f0e05606c3fed022cac24c2bf960a406d48818e3eb7ed53b0446032469047dfed95fc18088c92d91d93722c47f88163a8',
    valid: false,
  },
];

const RSA_PKCS1: readonly SigVector[] = [
  // rsa_signature_2048_sha256_test.json tcId 1 (valid)
  {
    tcId: 1,
    scheme: 'rsa_pkcs1_sha256',
    spki: SPKI_RSA_A,
    msg: '',
    sig:
      '840f5dac53106dd1f9c57219224cf51289290c42f20466875ba8e830ac5690e541536fcc8ab03b731f82bf66d83f194e7e180b3963ec7a2f3f7904a7ce49aed47da4d4b79421eaf937d301b3e696169297b797c32c076a12be4de0b58e003c5123051a84a10c62f8dac2f42a8640008eb3c7cccd6760ff5b51b6897639225828' +
      '45f048fb8150e5a7a6ca2eccc7bdc85349ad5b26c52137a79fa3fe5c29ab5cd7615013219c1941b6708e9c3c23feff5febaf0c8ebca5750b54e3e6e99a3e876b396f27860b7f3ec4e9191703c6332d944f6f69751167680c79c4f6b57f1cc8755d24b6ec158ccdbacdb23107a33cb6b332516c13274d1f9dccc21dced869e486',
    valid: true,
  },
  // rsa_signature_2048_sha256_test.json tcId 24 (invalid, ModifiedPadding: appending 0's to digestInfo)
  {
    tcId: 24,
    scheme: 'rsa_pkcs1_sha256',
    spki: SPKI_RSA_A,
    msg: '313233343030',
    sig:
      '0e6eb88e130cf0d79056bdcb87f016f99edd9f35519c44bb509a38cd346d996e3d9b7b21a40fc976a935f2904a6423dc0f251d8a89c4e1424d3312b1e7e0c14f057fa3a45841dcda2bfcf107c2103c0475cbb34d4c769e98b08cbd35964aefc3a8dc4178725c16ed7da6b438107da2488af8fd5cb2c15a8849a531e1a955c40c' +
      'd6c147956fc3e8a15a1082e9e9a7878efab929c50d52fd6c14cad0987f667221a0c8ab29a682de04e437b20c82e9a759291dabd22fb38e86121b71b3ab473ea0977441db6b137d01b63e328412996ccb8dc27e57c8cd6cbeb31e321160df29ea3151f34ba36846495b6e4bb766f0bcdba00062265ad7d01847e22c06a463dfeb',
    valid: false,
  },
  // rsa_signature_2048_sha256_test.json tcId 244 (invalid, SignatureMalleability: the signature is not reduced)
  {
    tcId: 244,
    scheme: 'rsa_pkcs1_sha256',
    spki: SPKI_RSA_A,
    msg: '313233343030',
    sig:
      'ba0d3d34d59915be6351725300fff4617210fa767b6c48522900ce2e2c8f88b3f855bc9de7609603f2f405a81d3d6c1b8ac05a79fd278bb9c6af6dc90a6323c5d77c0562cded072bb63e9ce533d9ca497479ecf7d75e6b6a4d4a86418909b86521c5d6c7d5d634352d2ed6b15b16873f26b918e31b81e9363ad0ab373e7ac982' +
      'e6aa3eccaa4cb6dbc1a807b73082dfac6a5d7b2abbb0a8d3f12f3c8aac976fe66b44350a2b7a8840f53bcd1fe76d9a0bdec6c6eacfc2081b58c3e818f2e40bb8d07b360c5fce83ece59267d39141c87807fdbee5b4ed5fc86e51111a57020211a593e4d91a6dd0ebde6317ebc12f52f405415527e7df07ba8af42ecbefc41d7d',
    valid: false,
  },
  // rsa_signature_2048_sha256_test.json tcId 255 (invalid, WrongPrimitive: RSASSA-PSS signature)
  {
    tcId: 255,
    scheme: 'rsa_pkcs1_sha256',
    spki: SPKI_RSA_A,
    msg: '313233343030',
    sig:
      '5e91b5dcbf02d6f19621d41a83dc8f15ea83c0edb83765ef029b0acac2e1ec8918b1d2afe1fadf11c48d27594cb9c01fed79d90e5d5a8085c438450111aa7d9fa39c2345b14fc3c2cb34128f86db5eb00bdf8dfe38d61f29a41fe31342e7aaefcb4b122eb5d63c2f5c263c8df8450e9428ffef974d535818d51dc03a7d60c8b2' +
      'd16c999ae46d73ab40515fe601d9b89b1d09c6d60cd51639a97c1d211e097609ba5e8c319c6fbd21b34a634ec8fb8971c5aae21c70b847a4539cc10dc314ddd8a9629e8a0e51c66c0cb61fd1f7228c01c6769190abe9bac9a3897800050014358594e0fb20dbb458b12aa1346826cc9f7e9c5352b073d62853dafe77c848cb1f',
    valid: false,
  },
];

const HKDF: readonly HkdfVector[] = [
  // hkdf_sha256_test.json tcId 2 (valid, EmptySalt: RFC 5869)
  {
    tcId: 2,
    hash: 'sha256',
    ikm: '0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b',
    salt: '',
    info: '',
    size: 42,
    okm: '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
  },
  // hkdf_sha256_test.json tcId 10 (valid, Normal)
  {
    tcId: 10,
    hash: 'sha256',
    ikm: 'c27718560fae2515acb17a874991d357',
    salt: '4487f538b65c9058625057b4bbdd93e7',
    info: '',
    size: 20,
    okm: '19eb8ba1cc7e10498d8c3b3256f66d6ee6b2296f',
  },
  // hkdf_sha256_test.json tcId 25 (invalid, SizeTooLarge: invalid output size)
  {
    tcId: 25,
    hash: 'sha256',
    ikm: 'db89f54af757f8c7e57248a1718105b1',
    salt: 'd5efc88adf3d5afc970284aab51690bdfedfa40be98e374efa3060ccf97fc650',
    info: '134f085797b1ae2e',
    size: 8161,
    okm: null,
  },
  // hkdf_sha384_test.json tcId 1 (valid, Normal,EmptySalt)
  {
    tcId: 1,
    hash: 'sha384',
    ikm: '24aeff2645e3e0f5494a9a102778c43a',
    salt: '',
    info: '',
    size: 20,
    okm: '4b7045423d9156424b0b85d95a7d602fba3924b1',
  },
  // hkdf_sha384_test.json tcId 7 (valid, Normal)
  {
    tcId: 7,
    hash: 'sha384',
    ikm: 'c27718560fae2515acb17a874991d357',
    salt: '4487f538b65c9058625057b4bbdd93e7',
    info: '',
    size: 20,
    okm: '836712c8a9a1c2402ca222d450c20c4101a89d80',
  },
  // hkdf_sha384_test.json tcId 22 (invalid, SizeTooLarge: invalid output size)
  {
    tcId: 22,
    hash: 'sha384',
    ikm: '2ea7f38feeb05b81dcae938af2f8e5ab',
    salt: '519ba8ec8bbccca06a7dbb54ea2dd6fc7074a7caa700101092272ec85113d0fff39a32d960d4ccc4990a3467ec935bd8',
    info: '7bd521a6fc9c4e24',
    size: 12241,
    okm: null,
  },
];

const HMAC: readonly HmacVector[] = [
  // hmac_sha256_test.json tcId 1 (valid, Pseudorandom: empty message)
  {
    tcId: 1,
    hash: 'sha256',
    key: '1e225cafb90339bba1b24076d4206c3e79c355805d851682bc818baa4f5a7779',
    msg: '',
    tag: 'b175b57d89ea6cb606fb3363f2538abd73a4c00b4a1386905bac809004cf1933',
    valid: true,
  },
  // hmac_sha256_test.json tcId 28 (invalid, ModifiedTag: Flipped bit 0 in tag)
  {
    tcId: 28,
    hash: 'sha256',
    key: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
    msg: '',
    tag: 'd28b42096d80f45f826b44a9d5607de72496a415d3f4a1a8c88e3bb9da8dc1cb',
    valid: false,
  },
  // hmac_sha256_test.json tcId 169 (valid, Pseudorandom: long key)
  {
    tcId: 169,
    hash: 'sha256',
    key: '8a0c46eb8a2959e39865330079763341e7439dab149694ee57e0d61ec73d947e1d5301cd974e18a5e0d1cf0d2c37e8aadd9fd589d57ef32e47024a99bc3f70c077',
    msg: '',
    tag: 'f5bfb940561fb4db73ebba49bf2e4893bb0cca618a71b7ecf6aca38231e167ea',
    valid: true,
  },
  // hmac_sha384_test.json tcId 1 (valid, Pseudorandom: empty message)
  {
    tcId: 1,
    hash: 'sha384',
    key: 'ee8df067857df2300fa71a10c30997178bb3796127b5ece5f2ccc170932be0e78ea9b0a5936c09157e671ce7ec9fc510',
    msg: '',
    tag: 'a655184daf3346ffc6629d493c8442644e4996a2799e42e3306fa6f5b0967b6cf3a6f819bab89bce297d1d1a5907b2d0',
    valid: true,
  },
  // hmac_sha384_test.json tcId 28 (invalid, ModifiedTag: Flipped bit 0 in tag)
  {
    tcId: 28,
    hash: 'sha384',
    key: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f',
    msg: '',
    tag: '45be81c415d283ab7a62a45188e5dafbcb97da606bd5b16c92c1fc36f198c0b3a714921848d5e03df1c4849bb8310c66',
    valid: false,
  },
];

// mlkem_768_test.json tcId 2 (valid: Test vector based on official round 3 seeds 0): keygen seed d||z, encapsulation key,
// ciphertext, shared secret; mlkem_768_encaps_test.json tcId 14 is the same key with its encapsulation randomness m.
const MLKEM_SEED =
  '7c9935a0b07694aa0c6d10e4db6b1add2fd81a25ccb148032dcd739936737f2d8626ed79d451140800e03b59b956f8210e556067407d13dc90fa9e8b872bfb8f';
// SHA-256 of that test's 1184-byte encapsulation key ek (computed from the Wycheproof value).
const MLKEM_EK_SHA256 = '86adbca81f4fee893e2fb58fb98aa2fe188f501fed268d7f4056f8c05c4e53c4';
const MLKEM_CT =
  'c8391085b8d3ea9794212541b2914f08964d33521d3f67ad66096ebfb1f706424b49558f755b5625bae236f2e0079601c766f7d960808f7e2bb0c7a5e066ed346de628f8c57eebabbb0c22d911548463693ef3ce52a53f7ff415f00e657ae1c5a48fa5ec6e4be5cf462daffc84d2f6d5ff55dc9bbe8bb0d725ec64fd4cd4bd8d' +
  'ba0a844e8b5ce4b6a28934d7f7a050991fe185b506b451dabfad52d52cb2114ca7d9a5cf986c8fdc1bc10ec0c1869e50c03c55a76192a1049aca636ba9020bdaa8d0f58c763b0b89845ca06d4c4ddc21433e16b9c62e44871fdbc05ba218af871fdd7dcfa464e60faa5265264ce1391bd9a8c5faa7626d5f159b9805b975710a' +
  '3503a0b858a11c6a647cc0e19ac88b1be9056c95b4d2087d0951d1d2f4992491117e6347794ba54571ec49bba71af3413d38a30bf5872248d1f6d07c86baf782e73d2637f043d341a00921857d8b21ddf3e1d6310036ed27af49e5de1b900fe4de79808ff29f9570859612b15adc01fbb265b305b1e3a12ae419da5b74261fa2' +
  '84c101da3d8dca8b2e4521aca571ef44a058e844ff32b16d5aaea05f7f3af8e2ab16222e347662eddfb891d0ecc2a55c5638f9dde92d9a3d544a5f901ac501acd1ea6a010201fcb10ad702c425a94bdf5890d500a2a147eee1d1fcba8c3abe7c2dfe70f346f033d816a0b2791b4f0b2d956d9ee5971715399a5688302495e2e0' +
  '7c1c8c01527184bcd0c208bc159f2e13318c0bb3dd24a6a7fc849f83385ed4dba07fe1d7bd5640cc9ed5ccfdd68763cb0d0edf61b292177fc1d2d3c11dd0495056bcb12558aebcfddef9feb4aebc57afd9023c65cfe65a24e33f1b00111e92e63e011eaf0b212cf95743cd07f5189ece1f205b7f6fcb2e6b1961b5404cebe47c' +
  '8cd13b8599d5b49e6d87eeda36e9b8fc4c00635896aa2b75896e336d1b612ee13db811e1f07e61748d920f4865f3f11741399dc6162c91ca168a02329dff821d58198712dd558abb099b3a0baf9da1b730b2aa73bcf58d74f357b06f7211c804b6c8af16ff3509fad1d35b14bfdced7db8a6a25c48e5956480724daa057cd660' +
  'b67ee3e472574182679d485838a6476eac02141075c812af7967ba7c9185cc2abd2a4545b80f3d3104d58d654a57792dcfabbe9c0715e8de2ef81ef404c8168fd7a43efab3d448e686a088efd26a26159948926723d7eccc39e3c1b719cf8becb7be7e964f22cd8cb1b7e25e800ea97d60a64cc0bbd9cb407a3ab9f88f5e2916' +
  '9eeafd4e0322fde6590ae093ce8feeae98b622caa7556ff426c9e7a404ce69355830a7a67767a76c7d9a97b84bfcf50a02f75c235d2f9c671138049ffc7c8055926c03eb3fb87f9695185a42eca9a41655873d30a6b3bf428b246223484a8ff61ee3eeafff10e99c2c13a76284d063e56ab711a35a85b5383df81da23490f66e' +
  '8ea3fcba067f5530c6541c2b8f74717c35023e7b9b3956c3ee2ff84ba03ccf4b4b5321b9240895481bc6d63c1693c1847852f8e97f50a133532ac3ee1e52d464';
const MLKEM_K = 'e7184a0975ee3470878d2d159ec83129c8aec253d4ee17b4810311d198cd0368';
const MLKEM_M = '147c03f7a5bebba406c8fae1874d7f13c80efe79a3a9a874cc09fe76f6997615';
// mlkem_768_encaps_test.json tcId 2 (invalid, ModulusOverflow): an encapsulation key with a coefficient >= q.
const MLKEM_EK_MODULUS_OVERFLOW =
  '016d4cd2120d97581838192bb56463ee2b9a96e620bc7976bf3634f441ab0641ba3a904cfd4b55ba40cc6fdb906ac1a95637112c7a48dbf311d67004bb583e068b9936b32463245da31685a878a90d205162b587a322cebe475fc70186b8b52cab2c9e838873406a98574c65e83b0063d316a8654b5ef7537b487a25114c521b' +
  'bfdb4780d58804c1c172cfac59b9bb8ba804a10fc6607633cc89d18bc5579d7a0825a2a72bc32869ba8518fafa522a9950ef7ab4625c417e6b6fa3f0165dd47d78ab8587f22b99abad73a90880b2b08c4876b61ca536f675b4b8a37460ad4400910d265e5146ae4be61a09c30a1de01f4636a802413fc8f051cde78e4fc51ba8' +
  'f3a2cad1474775a7d7ec513a57541861702d6480c70cce8912bd2c01bf11378604005695d64c1969cf25714ae287c019da020d66af70c1528e12365fe25106e8179b04ccf0cba724fb6a89b83ca9f55012b66267337f6618484a7a70e8a1163cb17426ea132e1a56e53ab86e491e39dbbe4e4465a785106b5255dc2190d2f2bb' +
  'e896a8cc64a228c2b9a8943214f97a3b40a8e41053fd4346a7fcab06fa72de8c33cca788e2e09e09dacd7034038ec13d1a065cf7d14c5de44a6d56873232ba84585b9d0811320659be5a19cdc759969a0bdeca5410977e40163dc2da6665c45954b900e3a97512897d1c7a6cc2a60acfb2175151043ae29a0d240e760c1d100a' +
  '6877b5a10fb69054d0cf80dca4c15350fc685001899a7a6515e9c7ac3325938997b4387c16022a91ee5c2fa2ab8bd6fa898667831af38349fb1badb52b472210e36bca63342a0cd869a44a04a7e68859f66094d8c104c33b38444b8fb168025b479a5a7772c1bacd73b3ef88ae6fe66aab1846723c65d3d106c1722e2235ac78' +
  '65a04584324062826e463edc13803c9796e54bce6b80933057abb9328ab501688e69148fbaa811ea9792316068a9abfa583e45ab6549ccb7e9e70d9139c0ebc7b995ec1463fc321f38bff2b2b995192eaa305daf1c44352371089637ed673dd82b8ad8bb3bb2299b9e5369f104a454357e5a2238e6315fa720343064be4ff865' +
  '7da81d7c5c4b51c5b896669f029483f7c273f763ce26150ce3550c4ddcb26f37b2dea19b2dd197d449c9b693c10a3cb04de8c9f425a523d173240a69c4f0479bc177d836cda34b2cb64440acd464d904b66662295f0950460b710f089090b49fc7a6276e219eb4f19ee4dc12d2045141497064c4beae80a8ded00438d90a0129' +
  '63de54380f137666b2ab09844198ba807a4972f1b35f7b9789d847cc3e5a4a08cb17d4d9065ce09a74609ae935218c5bcd51f9bd774aa720e6423f75a974a3c21835a6018886dd119766909413aa576144c10b49c17ba1c793f78f7c580eba195bd8407f00f568c4d546c7d677dd02c78930c3e969b5584129e1815c6ce32162' +
  'f09d6f7303f69c5f0216625c782666f9c8cf8678f1b63635067392aa3fba56204a1831491c2eee759ce674abd34251732949f9874059b35b66089a1905896c94111511a449f695e2c036d87b585a74834d676b9a2b2aa74a386cfa446f86934b844068147013396fa2d3bb8fa11d97b992a04a6ba65c189b238106cb8d15837b' +
  'ade3c278034d6d86bd50a3049feb37499b08aba61b38ffeaf94bc84cdb360fbc';

// RFC 5869 Appendix A.1, test case 1 (SHA-256).
const RFC5869_TC1 = {
  ikm: '0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b',
  salt: '000102030405060708090a0b0c',
  info: 'f0f1f2f3f4f5f6f7f8f9',
  length: 42,
  prk: '077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5',
  okm: '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
};

// RFC 8448 §3 (Simple 1-RTT Handshake): the ephemeral X25519 key pairs and their shared secret
// (the IKM of the "handshake" extract).
const RFC8448 = {
  clientPriv: '49af42ba7f7994852d713ef2784bcbcaa7911de26adc5642cb634540e7ea5005',
  clientPub: '99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c',
  serverPriv: 'b1580eeadf6dd589b8ef4f2d5652578cc810e9980191ec8d058308cea216a21e',
  serverPub: 'c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f',
  shared: '8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d',
};

// FIPS 180-2 Appendix examples: the digests of "abc"; MD5 from RFC 1321 §A.5 (the TLS 1.0/1.1 PRF's other half).
const ABC_DIGESTS: Record<HashName, string> = {
  md5: '900150983cd24fb0d6963f7d28e17f72',
  sha1: 'a9993e364706816aba3e25717850c26c9cd0d89d',
  sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  sha384: 'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
  sha512:
    'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
};

// NIST SP 800-38A F.2.1 (CBC-AES128) and F.2.5 (CBC-AES256), first two blocks.
const CBC = [
  { key: '2b7e151628aed2a6abf7158809cf4f3c', ct: '7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2' },
  {
    key: '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4',
    ct: 'f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d',
  },
];
const CBC_IV = '000102030405060708090a0b0c0d0e0f';
const CBC_PT = '6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51';

test('getProvider returns both providers by name', async () => {
  const node = await getProvider('node');
  assert.equal(node.name, 'node');
  assert.equal(node.sign, nodeProvider.sign, 'the node provider, its AEADs perhaps native');
  const noble = await getProvider('noble');
  assert.equal(noble, nobleProvider);
  assert.equal(noble.name, 'noble');
});

test('hashes: FIPS 180 "abc", incremental updates, digest() leaves the hash usable, clone()', () => {
  for (const p of PROVIDERS) {
    for (const [name, want] of Object.entries(ABC_DIGESTS) as [HashName, string][]) {
      assert.equal(toHex(p.digest(name, Buffer.from('abc'))), want, `${p.name} ${name}`);
      const h = p.createHash(name);
      h.update(Buffer.from('a'));
      const fork = h.clone();
      assert.equal(toHex(h.digest()), toHex(p.digest(name, Buffer.from('a'))), `${p.name} ${name} mid digest`);
      h.update(Buffer.from('bc'));
      assert.equal(toHex(h.digest()), want, `${p.name} ${name} after digest`);
      fork.update(Buffer.from('bd'));
      assert.equal(toHex(fork.digest()), toHex(p.digest(name, Buffer.from('abd'))), `${p.name} ${name} clone`);
    }
  }
});

test('HMAC: Wycheproof SHA-256 / SHA-384', () => {
  for (const p of PROVIDERS) {
    for (const v of HMAC) {
      const tag = toHex(p.hmac(v.hash, hex(v.key), hex(v.msg)));
      assert.equal(tag === v.tag, v.valid, `${p.name} tcId ${v.tcId}`);
    }
  }
});

test('HKDF: RFC 5869 test case 1 and Wycheproof SHA-256 / SHA-384', () => {
  for (const p of PROVIDERS) {
    const t = RFC5869_TC1;
    const prk = p.hkdfExtract('sha256', hex(t.salt), hex(t.ikm));
    assert.equal(toHex(prk), t.prk, `${p.name} RFC 5869 PRK`);
    assert.equal(toHex(p.hkdfExpand('sha256', prk, hex(t.info), t.length)), t.okm, `${p.name} RFC 5869 OKM`);
    for (const v of HKDF) {
      const run = () => p.hkdfExpand(v.hash, p.hkdfExtract(v.hash, hex(v.salt), hex(v.ikm)), hex(v.info), v.size);
      if (v.okm === null) assert.throws(run, RangeError, `${p.name} tcId ${v.tcId}`);
      else assert.equal(toHex(run()), v.okm, `${p.name} tcId ${v.tcId}`);
    }
  }
});

test('AEAD: Wycheproof AES-GCM and ChaCha20-Poly1305; open returns null on a bad tag', () => {
  for (const p of PROVIDERS) {
    for (const v of AEAD) {
      const a = p.createAead(v.aead, hex(v.key));
      const opened = a.open(hex(v.iv), hex(v.ct), hex(v.aad));
      if (v.valid) {
        assert.equal(opened && toHex(opened), v.msg, `${p.name} tcId ${v.tcId} open`);
        assert.equal(toHex(a.seal(hex(v.iv), hex(v.msg), hex(v.aad))), v.ct, `${p.name} tcId ${v.tcId} seal`);
      } else {
        assert.equal(opened, null, `${p.name} tcId ${v.tcId}`);
      }
    }
    const a = p.createAead('AES-128-GCM', new Uint8Array(16));
    assert.equal(a.open(new Uint8Array(12), new Uint8Array(15), new Uint8Array(0)), null, `${p.name} short input`);
    assert.throws(() => p.createAead('AES-256-GCM', new Uint8Array(16)), RangeError, `${p.name} key length`);
  }
});

test('AES-CBC without padding: SP 800-38A', () => {
  for (const p of PROVIDERS) {
    for (const v of CBC) {
      const c = p.createCbc(hex(v.key));
      assert.equal(toHex(c.encrypt(hex(CBC_IV), hex(CBC_PT))), v.ct, `${p.name} encrypt`);
      assert.equal(toHex(c.decrypt(hex(CBC_IV), hex(v.ct))), CBC_PT, `${p.name} decrypt`);
      assert.throws(() => c.encrypt(hex(CBC_IV), new Uint8Array(17)), RangeError, `${p.name} partial block`);
    }
  }
});

/** Runs ECDH vectors: fixed private key, peer share in, shared secret or illegal_parameter out. */
function checkEcdh(group: GroupName, vectors: readonly EcdhVector[]): void {
  for (const p of PROVIDERS) {
    for (const v of vectors) {
      const share = p.generateKeyShare(group, hex(v.priv));
      if (v.shared === null)
        assertIllegalParameter(() => share.computeSecret(hex(v.pub)), `${p.name} ${group} tcId ${v.tcId}`);
      else assert.equal(toHex(share.computeSecret(hex(v.pub))), v.shared, `${p.name} ${group} tcId ${v.tcId}`);
    }
  }
}

test('X25519: Wycheproof (all-zero secrets rejected) and RFC 8448 key pairs', () => {
  checkEcdh('x25519', X25519);
  for (const p of PROVIDERS) {
    const client = p.generateKeyShare('x25519', hex(RFC8448.clientPriv));
    const server = p.generateKeyShare('x25519', hex(RFC8448.serverPriv));
    assert.equal(toHex(client.publicKey), RFC8448.clientPub, `${p.name} client public`);
    assert.equal(toHex(server.publicKey), RFC8448.serverPub, `${p.name} server public`);
    assert.equal(toHex(client.computeSecret(hex(RFC8448.serverPub))), RFC8448.shared, `${p.name} shared`);
    assertIllegalParameter(() => client.computeSecret(new Uint8Array(31)), `${p.name} short share`);
    assertIllegalParameter(() => client.computeSecret(new Uint8Array(33)), `${p.name} long share`);
  }
});

test('P-256 / P-384 ECDH: Wycheproof; compressed, off-curve, infinity and malformed points rejected', () => {
  checkEcdh('secp256r1', P256_ECDH);
  checkEcdh('secp384r1', P384_ECDH);
  for (const p of PROVIDERS) {
    for (const [group, size] of [
      ['secp256r1', 32],
      ['secp384r1', 48],
      ['secp521r1', 66],
    ] as const) {
      const share = p.generateKeyShare(group);
      assert.equal(share.publicKey.length, 1 + 2 * size, `${p.name} ${group} share length`);
      assert.equal(share.publicKey[0], 0x04, `${p.name} ${group} uncompressed`);
      assertIllegalParameter(() => share.computeSecret(Uint8Array.of(0)), `${p.name} ${group} infinity`);
      const other = share.publicKey.slice();
      other[0] = 0x03;
      assertIllegalParameter(() => share.computeSecret(other), `${p.name} ${group} bad format byte`);
      assertIllegalParameter(
        () => share.computeSecret(share.publicKey.subarray(0, 1 + size)),
        `${p.name} ${group} truncated`,
      );
    }
  }
});

test('signatures: Wycheproof ECDSA (DER, high-S accepted), Ed25519, RSA-PSS, RSA PKCS#1 v1.5', () => {
  for (const p of PROVIDERS) {
    for (const v of [...P256_ECDSA, ...P384_ECDSA, ...ED25519, ...RSA_PSS, ...RSA_PKCS1]) {
      const scheme = sigSchemeByName(v.scheme);
      assert.ok(scheme);
      assert.equal(
        p.verify(scheme, hex(v.spki), hex(v.msg), hex(v.sig)),
        v.valid,
        `${p.name} ${v.scheme} tcId ${v.tcId}`,
      );
    }
    // A valid ECDSA signature checked under an RSA scheme (and vice versa) must fail, not throw.
    const ecdsa = P256_ECDSA[0]!;
    const rsa = RSA_PKCS1[0]!;
    assert.equal(
      p.verify(sigSchemeByName('rsa_pkcs1_sha256')!, hex(ecdsa.spki), hex(ecdsa.msg), hex(ecdsa.sig)),
      false,
      `${p.name} EC key, RSA scheme`,
    );
    assert.equal(
      p.verify(sigSchemeByName('ecdsa_secp256r1_sha256')!, hex(rsa.spki), hex(rsa.msg), hex(rsa.sig)),
      false,
      `${p.name} RSA key, ECDSA scheme`,
    );
    assert.equal(
      p.verify(
        sigSchemeByName('rsa_pss_pss_sha256')!,
        hex(RSA_PSS[0]!.spki),
        hex(RSA_PSS[0]!.msg),
        hex(RSA_PSS[0]!.sig),
      ),
      false,
      `${p.name} rsaEncryption key, pss_pss scheme`,
    );
    assert.equal(
      p.verify(sigSchemeByName('ed25519')!, Uint8Array.of(0x30, 0), new Uint8Array(0), new Uint8Array(64)),
      false,
      `${p.name} malformed SPKI`,
    );
  }
});

test('X25519MLKEM768: Wycheproof ML-KEM-768 with RFC 8448 X25519, client and server sides', () => {
  const fixed = new Uint8Array([...hex(MLKEM_SEED), ...hex(RFC8448.clientPriv)]);
  const serverShare = MLKEM_CT + RFC8448.serverPub;
  for (const p of PROVIDERS) {
    const client = p.generateKeyShare('X25519MLKEM768', fixed);
    assert.equal(client.group, 'X25519MLKEM768');
    assert.equal(client.publicKey.length, 1216, `${p.name} client share length`);
    assert.equal(toHex(p.digest('sha256', client.publicKey.subarray(0, 1184))), MLKEM_EK_SHA256, `${p.name} ML-KEM ek`);
    assert.equal(toHex(client.publicKey.subarray(1184)), RFC8448.clientPub, `${p.name} X25519 part last`);
    assert.equal(toHex(client.computeSecret(hex(serverShare))), MLKEM_K + RFC8448.shared, `${p.name} shared secret`);
    assertIllegalParameter(() => client.computeSecret(hex(serverShare).subarray(1)), `${p.name} short server share`);
    assertIllegalParameter(() => client.computeSecret(hex(RFC8448.serverPub)), `${p.name} X25519-only server share`);
    const zeroX = hex(serverShare);
    zeroX.fill(0, 1088);
    assertIllegalParameter(() => client.computeSecret(zeroX), `${p.name} all-zero X25519 part`);

    const server = p.generateKeyShare('x25519', hex(RFC8448.serverPriv));
    const enc = hybridEncapsulate(client.publicKey, server, hex(MLKEM_M));
    assert.equal(toHex(enc.serverShare), serverShare, `${p.name} server share`);
    assert.equal(toHex(enc.sharedSecret), MLKEM_K + RFC8448.shared, `${p.name} server secret`);
    const badEk = new Uint8Array([...hex(MLKEM_EK_MODULUS_OVERFLOW), ...hex(RFC8448.clientPub)]);
    assertIllegalParameter(() => hybridEncapsulate(badEk, server), `${p.name} ML-KEM modulus overflow`);
    assertIllegalParameter(
      () => hybridEncapsulate(client.publicKey.subarray(0, 1184), server),
      `${p.name} short client share`,
    );
  }
});
