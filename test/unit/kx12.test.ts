/**
 * The TLS 1.0–1.2 RSA and DHE key exchanges, client side (handshake/kx12.ts) and codec
 * (codec/keyexchange.ts): ServerKeyExchange/ClientKeyExchange encodings both ways for each version,
 * the RSA pre-master (client_version || 46 random) as a server decrypts it, the DHE pre-master as a
 * node:crypto DiffieHellman server computes it, the ServerKeyExchange signature per version (TLS
 * 1.0/1.1: RSA over MD5 || SHA-1, ECDSA over SHA-1; TLS 1.2: the named scheme), and the server's
 * constant-work pre-master check. Keys are made by node:crypto for the test; both providers run.
 */
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { test } from 'node:test';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import { fromHex, toHex } from '../../src/tls/codec/bytes.js';
import {
  decodeClientKeyExchangeDhe,
  decodeClientKeyExchangeRsa,
  decodeServerKeyExchangeDhe,
  decodeServerKeyExchangeEcdheAt,
  encodeClientKeyExchangeRsa,
  encodeServerDhParams,
  encodeServerKeyExchangeDhe,
} from '../../src/tls/codec/keyexchange.js';
import { sigSchemeByName } from '../../src/tls/codec/sigschemes.js';
import { FFDHE_PRIMES, bigintToBytes } from '../../src/tls/crypto/ffdhe.js';
import { getProvider } from '../../src/net/providers.js';
import { pkcs1PreMaster } from '../../src/tls/crypto/kx12.js';
import type { CryptoProvider } from '../../src/tls/crypto/provider.js';
import { TlsAlert } from '../../src/tls/errors.js';
import type { PeerKey } from '../../src/tls/handshake/auth.js';
import { defaultOptions } from '../../src/tls/context.js';
import { emptyInfo } from '../../src/tls/handshake/info.js';
import {
  clientKeyExchange,
  dhTempKey,
  readServerKeyExchange,
  keyFitsKeyExchange,
  rsaClientKeyExchange,
  verifyServerKeyExchange,
} from '../../src/tls/handshake/kx12.js';

const PROVIDERS: readonly CryptoProvider[] = [await getProvider('node'), await getProvider('noble')];

const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const spki = (k: crypto.KeyObject): Uint8Array => new Uint8Array(k.export({ type: 'spki', format: 'der' }));
const RSA_KEY: PeerKey = { spki: spki(rsa.publicKey), type: 'rsa', bits: 2048 };
const EC_KEY: PeerKey = { spki: spki(ec.publicKey), type: 'ec', curve: 'P-256', bits: 256 };

const CLIENT_RANDOM = fromHex('01'.repeat(32));
const SERVER_RANDOM = fromHex('02'.repeat(32));

function expectAlert(fn: () => unknown, alert: keyof typeof AlertDescription, reason?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof TlsAlert, String(e));
    assert.equal(e.description, AlertDescription[alert], e.message);
    if (reason) assert.match(e.reason, reason);
    return true;
  });
}

test('DHE ServerKeyExchange: TLS 1.2 carries the scheme, TLS 1.0/1.1 do not; truncation is decode_error', () => {
  const params = encodeServerDhParams(Uint8Array.of(0xfb), Uint8Array.of(2), Uint8Array.of(0, 9));
  assert.equal(toHex(params), '0001fb0001020002' + '0009');
  const sig = fromHex('a1a2a3');
  const b12 = encodeServerKeyExchangeDhe(params, 0x0303, { scheme: 0x0401, signature: sig });
  assert.equal(toHex(b12), toHex(params) + '0401' + '0003a1a2a3');
  const b10 = encodeServerKeyExchangeDhe(params, 0x0301, { scheme: null, signature: sig });
  assert.equal(toHex(b10), toHex(params) + '0003a1a2a3');
  const d12 = decodeServerKeyExchangeDhe(b12, 0x0303);
  assert.deepEqual([toHex(d12.p), toHex(d12.g), toHex(d12.ys), d12.scheme], ['fb', '02', '0009', 0x0401]);
  assert.equal(toHex(d12.params), toHex(params));
  const d10 = decodeServerKeyExchangeDhe(b10, 0x0302);
  assert.equal(d10.scheme, null);
  assert.equal(toHex(d10.signature), 'a1a2a3');
  // The 1.2 body read as 1.0 has trailing bytes, the 1.0 body read as 1.2 is cut short.
  expectAlert(() => decodeServerKeyExchangeDhe(b12, 0x0301), 'decode_error');
  expectAlert(() => decodeServerKeyExchangeDhe(b10, 0x0303), 'decode_error');
  expectAlert(() => decodeServerKeyExchangeDhe(b10.subarray(0, 5), 0x0301), 'decode_error');
  // An empty dh_p is a decode error (dh_p<1..2^16-1>).
  expectAlert(() => decodeServerKeyExchangeDhe(fromHex('0000000102000102'), 0x0301), 'decode_error');
  assert.throws(() => encodeServerKeyExchangeDhe(params, 0x0303, { scheme: null, signature: sig }), RangeError);
});

test('ECDHE ServerKeyExchange before TLS 1.2 has no scheme; ClientKeyExchange RSA/DHE have 2-byte lengths', () => {
  const ske = fromHex('03001d' + '02aabb' + '0002c1c2');
  const d = decodeServerKeyExchangeEcdheAt(ske, 0x0301);
  assert.deepEqual([d.group, toHex(d.point), d.scheme, toHex(d.signature)], [0x1d, 'aabb', null, 'c1c2']);
  expectAlert(() => decodeServerKeyExchangeEcdheAt(ske, 0x0303), 'decode_error');
  assert.equal(toHex(encodeClientKeyExchangeRsa(fromHex('0102'))), '00020102');
  assert.equal(toHex(decodeClientKeyExchangeRsa(fromHex('00020102'))), '0102');
  assert.equal(toHex(decodeClientKeyExchangeDhe(fromHex('0001ff'))), 'ff');
  expectAlert(() => decodeClientKeyExchangeRsa(fromHex('0003aabb')), 'decode_error');
  expectAlert(() => decodeClientKeyExchangeDhe(fromHex('0001ff00')), 'decode_error');
});

test('RSA key exchange: the server recovers client_version || 46 random bytes from the ClientKeyExchange', () => {
  for (const p of PROVIDERS) {
    for (const version of [0x0301, 0x0302, 0x0303]) {
      const cke = rsaClientKeyExchange(p, RSA_KEY, version);
      assert.equal(cke.preMaster.length, 48);
      assert.equal((cke.preMaster[0] ?? 0) * 256 + (cke.preMaster[1] ?? 0), version);
      const encrypted = decodeClientKeyExchangeRsa(cke.body);
      assert.equal(encrypted.length, 256);
      const em = crypto.privateDecrypt({ key: rsa.privateKey, padding: crypto.constants.RSA_NO_PADDING }, encrypted);
      assert.equal(em[0], 0);
      assert.equal(em[1], 2, 'PKCS#1 v1.5 block type 2');
      const fallback = new Uint8Array(48).fill(0xee);
      assert.equal(toHex(pkcs1PreMaster(new Uint8Array(em), version, fallback)), toHex(cke.preMaster));
      // The server expecting another client_version takes its random fallback instead.
      assert.equal(toHex(pkcs1PreMaster(new Uint8Array(em), version ^ 1, fallback)), 'ee'.repeat(48));
    }
    // Two runs never share a pre-master.
    assert.notEqual(
      toHex(rsaClientKeyExchange(p, RSA_KEY, 0x0303).preMaster),
      toHex(rsaClientKeyExchange(p, RSA_KEY, 0x0303).preMaster),
    );
    // Not an RSA key: handshake_failure before anything is encrypted.
    expectAlert(() => rsaClientKeyExchange(p, EC_KEY, 0x0303), 'handshake_failure');
    expectAlert(() => p.rsaEncrypt(EC_KEY.spki, new Uint8Array(48)), 'internal_error', /^bad rsa encrypt/);
  }
});

test('pkcs1PreMaster: every malformed block gives the fallback, the good one the message', () => {
  const msg = Uint8Array.from({ length: 48 }, (_, i) => (i === 0 ? 3 : i === 1 ? 3 : i));
  const good = new Uint8Array(256);
  good[1] = 2;
  good.fill(0x5a, 2, 256 - 49);
  good.set(msg, 256 - 48);
  const fb = new Uint8Array(48).fill(0x11);
  assert.equal(toHex(pkcs1PreMaster(good, 0x0303, fb)), toHex(msg));
  const variants: [string, (b: Uint8Array) => void][] = [
    ['first byte', (b) => (b[0] = 1)],
    ['block type 1', (b) => (b[1] = 1)],
    ['zero inside PS', (b) => (b[100] = 0)],
    ['no separator', (b) => (b[256 - 49] = 7)],
    ['wrong version', (b) => (b[256 - 47] = 1)],
  ];
  // The separator sits at a fixed place (48-byte message): a zero byte inside the message is data.
  const zero = good.slice();
  zero[256 - 40] = 0;
  assert.equal(toHex(pkcs1PreMaster(zero, 0x0303, fb)), toHex(zero.subarray(256 - 48)));
  for (const [what, mutate] of variants) {
    const b = good.slice();
    mutate(b);
    assert.equal(toHex(pkcs1PreMaster(b, 0x0303, fb)), '11'.repeat(48), what);
  }
});

test('ServerKeyExchange signatures: MD5-SHA1 RSA and SHA-1 ECDSA in TLS 1.0/1.1, the named scheme in 1.2', () => {
  const params = fromHex('0001fb00010200020009');
  const signed = { clientRandom: CLIENT_RANDOM, serverRandom: SERVER_RANDOM, params };
  const data = Buffer.concat([CLIENT_RANDOM, SERVER_RANDOM, params]);
  const md5sha1 = crypto.sign('md5-sha1', data, rsa.privateKey);
  const ecSha1 = crypto.sign('sha1', data, ec.privateKey);
  const pss = crypto.sign('sha256', data, {
    key: rsa.privateKey,
    padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
    saltLength: 32,
  });
  const pssId = sigSchemeByName('rsa_pss_rsae_sha256')?.id ?? 0;
  for (const p of PROVIDERS) {
    for (const v of [0x0301, 0x0302]) {
      const r = verifyServerKeyExchange(p, v, RSA_KEY, { scheme: null, signature: md5sha1 }, signed, []);
      assert.deepEqual([r.type, r.digest, r.scheme], ['RSA', 'MD5-SHA1', null]);
      const e = verifyServerKeyExchange(p, v, EC_KEY, { scheme: null, signature: ecSha1 }, signed, []);
      assert.deepEqual([e.type, e.digest, e.scheme?.name], ['ECDSA', 'SHA1', 'ecdsa_sha1']);
      // One changed byte of the params: decrypt_error "bad signature".
      const tampered = { ...signed, params: fromHex('0001fb00010200020008') };
      expectAlert(
        () => verifyServerKeyExchange(p, v, RSA_KEY, { scheme: null, signature: md5sha1 }, tampered, []),
        'decrypt_error',
        /^bad signature$/,
      );
      // A SHA-256 PKCS#1 signature (DigestInfo inside) is not what TLS 1.0 signs.
      const sha256 = crypto.sign('sha256', data, rsa.privateKey);
      expectAlert(
        () => verifyServerKeyExchange(p, v, RSA_KEY, { scheme: null, signature: sha256 }, signed, []),
        'decrypt_error',
      );
    }
    const r12 = verifyServerKeyExchange(p, 0x0303, RSA_KEY, { scheme: pssId, signature: pss }, signed, [pssId]);
    assert.deepEqual([r12.type, r12.digest], ['RSA-PSS', 'SHA256']);
    // TLS 1.2: a scheme we did not offer, or none at all, is illegal_parameter.
    expectAlert(
      () => verifyServerKeyExchange(p, 0x0303, RSA_KEY, { scheme: pssId, signature: pss }, signed, []),
      'illegal_parameter',
    );
    expectAlert(
      () => verifyServerKeyExchange(p, 0x0303, RSA_KEY, { scheme: null, signature: pss }, signed, [pssId]),
      'illegal_parameter',
    );
  }
});

test('DHE key exchange: a signed ServerKeyExchange read, our pre-master equals the server secret, group floors', async () => {
  const prime = FFDHE_PRIMES.ffdhe2048;
  const server = crypto.createDiffieHellman(Buffer.from(bigintToBytes(prime)), Buffer.from([2]));
  const ys = new Uint8Array(server.generateKeys());
  const oakley = crypto.getDiffieHellman('modp2'); // RFC 2409 Oakley group 2, 1024 bits
  oakley.generateKeys();
  /** A TLS 1.0 DHE ServerKeyExchange signed with MD5-SHA1 by the RSA key. */
  const ske = (p: Uint8Array, y: Uint8Array): Uint8Array => {
    const params = encodeServerDhParams(p, Uint8Array.of(2), y);
    const signature = crypto.sign('md5-sha1', Buffer.concat([CLIENT_RANDOM, SERVER_RANDOM, params]), rsa.privateKey);
    return encodeServerKeyExchangeDhe(params, 0x0301, { scheme: null, signature });
  };
  const a = {
    version: 0x0301,
    kx: 'DHE_RSA' as const,
    peerKey: RSA_KEY,
    clientRandom: CLIENT_RANDOM,
    serverRandom: SERVER_RANDOM,
  };
  for (const p of PROVIDERS) {
    const o = { ...defaultOptions(p, () => 0) };
    const info = emptyInfo(null, 16384);
    const kx = readServerKeyExchange(p, o, info, a, ske(bigintToBytes(prime), ys));
    assert.equal(kx.kind, 'dhe');
    assert.deepEqual([info.dhBits, info.peerSignatureMd5Sha1, info.peerSignatureScheme], [2048, true, null]);
    if (kx.kind === 'dhe') assert.equal(dhTempKey(kx.params), 'DH, 2048 bits');
    const cke = clientKeyExchange(p, o, kx, RSA_KEY, 0x0301);
    const z = new Uint8Array(server.computeSecret(Buffer.from(decodeClientKeyExchangeDhe(cke.body))));
    let i = 0;
    while (z[i] === 0) i++;
    assert.equal(toHex(cke.preMaster), toHex(z.subarray(i)), p.name);
    // 1024 bits: refused at the default level 2 (handshake_failure), read at level 1.
    const small = ske(new Uint8Array(oakley.getPrime()), new Uint8Array(oakley.getPublicKey()));
    expectAlert(
      () => readServerKeyExchange(p, o, emptyInfo(null, 16384), a, small),
      'handshake_failure',
      /^dh key too small: 1024-bit group, 2048 required$/,
    );
    const info1 = emptyInfo(null, 16384);
    readServerKeyExchange(p, { ...o, securityLevel: 1 }, info1, a, small);
    assert.equal(info1.dhBits, 1024);
    // Ys = 1 is refused whatever the level; a bad signature is decrypt_error.
    expectAlert(
      () =>
        readServerKeyExchange(
          p,
          { ...o, securityLevel: 0 },
          emptyInfo(null, 16384),
          a,
          ske(bigintToBytes(prime), Uint8Array.of(1)),
        ),
      'illegal_parameter',
      /^bad dh value/,
    );
    const forged = ske(bigintToBytes(prime), ys);
    forged[forged.length - 1] = (forged[forged.length - 1] ?? 0) ^ 1;
    expectAlert(() => readServerKeyExchange(p, o, emptyInfo(null, 16384), a, forged), 'decrypt_error');
    // An RSA key exchange has no ServerKeyExchange.
    expectAlert(
      () => readServerKeyExchange(p, o, emptyInfo(null, 16384), { ...a, kx: 'RSA' }, forged),
      'unexpected_message',
    );
  }
});

test('which leaf key serves which key exchange, by version', () => {
  const pss: PeerKey = { ...RSA_KEY, type: 'rsa-pss' };
  const ed: PeerKey = { ...EC_KEY, type: 'ed25519' };
  assert.equal(keyFitsKeyExchange('RSA', RSA_KEY, 0x0301), true);
  assert.equal(keyFitsKeyExchange('RSA', pss, 0x0303), false, 'an RSA-PSS key cannot decrypt');
  assert.equal(keyFitsKeyExchange('DHE_RSA', pss, 0x0303), true);
  assert.equal(keyFitsKeyExchange('DHE_RSA', pss, 0x0302), false, 'no PSS before TLS 1.2');
  assert.equal(keyFitsKeyExchange('ECDHE_RSA', EC_KEY, 0x0303), false);
  assert.equal(keyFitsKeyExchange('ECDHE_ECDSA', EC_KEY, 0x0301), true);
  assert.equal(keyFitsKeyExchange('ECDHE_ECDSA', ed, 0x0303), true);
  assert.equal(keyFitsKeyExchange('ECDHE_ECDSA', ed, 0x0302), false, 'EdDSA is TLS 1.2 only');
});
