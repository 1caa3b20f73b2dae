/**
 * The TLS PRFs against published vectors: TLS 1.2's P_SHA256/P_SHA384 (RFC 5246 §5) and TLS
 * 1.0/1.1's P_MD5 xor P_SHA-1 (RFC 2246 §5, RFC 4346 §5), through prf(), masterSecret() and
 * keyBlock(). Runs once per crypto provider (node, noble), since the PRF is built on its HMAC.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concat, fromHex, toHex, utf8 } from '../../src/tls/codec/bytes.js';
import { getProvider } from '../../src/net/providers.js';
import type { CryptoProvider } from '../../src/tls/crypto/provider.js';
import {
  createPrfHash,
  finished12,
  keyBlock,
  masterSecret,
  pHash,
  prf,
  prf10,
  prfHashFor,
  prfHashLength,
} from '../../src/tls/handshake/prf.js';
import { Transcript } from '../../src/tls/handshake/transcript.js';

const PROVIDERS: readonly CryptoProvider[] = [await getProvider('node'), await getProvider('noble')];

// IETF TLS WG mailing list, "Test vectors for TLS 1.2 PRF"
// (https://www.ietf.org/mail-archive/web/tls/current/msg03416.html), label "test label".
const TLS12_VECTORS = [
  {
    hash: 'sha256',
    secret: '9bbe436ba940f017b17652849a71db35',
    seed: 'a0ba9f936cda311827a6f796ffd5198c',
    output:
      'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66',
  },
  {
    hash: 'sha384',
    secret: 'b80b733d6ceefcdc71566ea48e5567df',
    seed: 'cd665cf6a8447dd6ff8b27555edb7465',
    output:
      '7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d9184259b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee691c8f3a26854308d5eaa3be85e0990703d73e56f',
  },
] as const;

// Go crypto/tls prf_test.go testKeysFromTests, the three VersionTLS10 entries ("generated from
// GnuTLS using gnutls-cli --insecure -d 9"): pre-master -> master secret -> key block of an
// AES-128-CBC-SHA suite (MAC keys 20 bytes, keys 16 bytes; TLS 1.1+ key blocks have no IVs, and
// Go asks for none here). The third pre-master is 128 bytes (a DHE shared secret).
const TLS10_KEYS = [
  {
    preMaster: '0302cac83ad4b1db3b9ab49ad05957de2a504a634a386fc600889321e1a971f57479466830ac3e6f468e87f5385fa0c5',
    clientRandom: '4ae66303755184a3917fcb44880605fcc53baa01912b22ed94473fc69cebd558',
    serverRandom: '4ae663020ec16e6bb5130be918cfcafd4d765979a3136a5d50c593446e4e44db',
    master: '3d851bab6e5556e959a16bc36d66cfae32f672bfa9ecdef6096cbb1b23472df1da63dbbd9827606413221d149ed08ceb',
    clientMac: '805aaa19b3d2c0a0759a4b6c9959890e08480119',
    serverMac: '2d22f9fe519c075c16448305ceee209fc24ad109',
    clientKey: 'd50b5771244f850cd8117a9ccafe2cf1',
    serverKey: 'e076e33206b30507a85c32855acd0919',
  },
  {
    preMaster: '03023f7527316bc12cbcd69e4b9e8275d62c028f27e65c745cfcddc7ce01bd3570a111378b63848127f1c36e5f9e4890',
    clientRandom: '4ae66364b5ea56b20ce4e25555aed2d7e67f42788dd03f3fee4adae0459ab106',
    serverRandom: '4ae66363ab815cbf6a248b87d6b556184e945e9b97fbdf247858b0bdafacfa1c',
    master: '7d64be7c80c59b740200b4b9c26d0baaa1c5ae56705acbcf2307fe62beb4728c19392c83f20483801cce022c77645460',
    clientMac: '97742ed60a0554ca13f04f97ee193177b971e3b0',
    serverMac: '37068751700400e03a8477a5c7eec0813ab9e0dc',
    clientKey: '207cddbc600d2a200abac6502053ee5c',
    serverKey: 'df3f94f6e1eacc753b815fe16055cd43',
  },
  {
    preMaster:
      '832d515f1d61eebb2be56ba0ef79879efb9b527504abb386fb4310ed5d0e3b1f220d3bb6b455033a2773e6d8bdf951d278a187482b400d45deb88a5d5a6bb7d6a7a1decc04eb9ef0642876cd4a82d374d3b6ff35f0351dc5d411104de431375355addc39bfb1f6329fb163b0bc298d658338930d07d313cd980a7e3d9196cac1',
    clientRandom: '4ae663b2ee389c0de147c509d8f18f5052afc4aaf9699efe8cb05ece883d3a5e',
    serverRandom: '4ae664d503fd4cff50cfc1fb8fc606580f87b0fcdac9554ba0e01d785bdf278e',
    master: '1aff2e7a2c4279d0126f57a65a77a8d9d0087cf2733366699bec27eb53d5740705a8574bb1acc2abbe90e44f0dd28d6c',
    clientMac: '3c7647c93c1379a31a609542aa44e7f117a70085',
    serverMac: '0d73102994be74a575a3ead8532590ca32a526d4',
    clientKey: 'ac7581b0b6c10d85bbd905ffbf36c65e',
    serverKey: 'ff07edde49682b45466bd2e39464b306',
  },
];

// An odd-length secret (23 bytes: S1 and S2 share the middle byte, RFC 2246 §5), computed with
// `openssl kdf -keylen 64 -kdfopt digest:MD5-SHA1 -kdfopt hexsecret:0102..17 -kdfopt hexseed:<"test
// label" || seed> TLS1-PRF` (OpenSSL 3.0.19): a cross-check against OpenSSL's tls1_PRF, not a
// published vector.
const TLS10_ODD = {
  secret: '0102030405060708090a0b0c0d0e0f1011121314151617',
  seed: 'a0ba9f936cda311827a6f796ffd5198c',
  output:
    '8d4dcd494c9454d63b77bb33de267fd1636bb22184984c6fedeb5dbc07f71a3ac30b78ce0be4b7410e82c1322c7c2870e82925e459f05359fd2a17b987891a10',
};

test('TLS 1.2 PRF: the IETF mailing-list vectors for P_SHA256 and P_SHA384', () => {
  for (const p of PROVIDERS) {
    for (const v of TLS12_VECTORS) {
      const out = prf(p, v.hash, fromHex(v.secret), 'test label', fromHex(v.seed), v.output.length / 2);
      assert.equal(toHex(out), v.output, `${p.name} ${v.hash}`);
    }
  }
});

test('TLS 1.0/1.1 PRF: master secret and key block of the GnuTLS-generated vectors in Go crypto/tls', () => {
  for (const p of PROVIDERS) {
    for (const [i, v] of TLS10_KEYS.entries()) {
      const clientRandom = fromHex(v.clientRandom);
      const serverRandom = fromHex(v.serverRandom);
      const master = masterSecret(p, 'md5-sha1', fromHex(v.preMaster), { clientRandom, serverRandom });
      assert.equal(toHex(master), v.master, `${p.name} #${i} master secret`);
      const kb = keyBlock(p, 'md5-sha1', master, clientRandom, serverRandom, { macKey: 20, key: 16, iv: 0 });
      assert.equal(toHex(kb.clientMac), v.clientMac, `${p.name} #${i} client MAC key`);
      assert.equal(toHex(kb.serverMac), v.serverMac, `${p.name} #${i} server MAC key`);
      assert.equal(toHex(kb.clientKey), v.clientKey, `${p.name} #${i} client key`);
      assert.equal(toHex(kb.serverKey), v.serverKey, `${p.name} #${i} server key`);
      // The same master secret under the TLS 1.2 PRF is something else: the version picks the PRF.
      const master12 = masterSecret(p, 'sha256', fromHex(v.preMaster), { clientRandom, serverRandom });
      assert.notEqual(toHex(master12), v.master, `${p.name} #${i} TLS 1.2 PRF differs`);
    }
  }
});

test('TLS 1.0 PRF with an odd-length secret shares the middle byte between the halves (OpenSSL tls1_PRF)', () => {
  for (const p of PROVIDERS) {
    const out = prf(p, 'md5-sha1', fromHex(TLS10_ODD.secret), 'test label', fromHex(TLS10_ODD.seed), 64);
    assert.equal(toHex(out), TLS10_ODD.output, p.name);
    // A split into 11 + 12 bytes with no shared byte gives a different output.
    const secret = fromHex(TLS10_ODD.secret);
    const labelAndSeed = concat(utf8('test label'), fromHex(TLS10_ODD.seed));
    const md5 = pHash(p, 'md5', secret.subarray(0, 11), labelAndSeed, 64);
    const sha1 = pHash(p, 'sha1', secret.subarray(11), labelAndSeed, 64);
    assert.notEqual(toHex(md5.map((b, i) => b ^ (sha1[i] ?? 0))), TLS10_ODD.output, 'no shared byte');
    assert.equal(toHex(prf10(p, secret, labelAndSeed, 64)), TLS10_ODD.output, 'prf10 directly');
  }
});

test('TLS 1.0/1.1 handshake hash is MD5 || SHA-1 (36 bytes) and feeds Finished', () => {
  for (const p of PROVIDERS) {
    const msgs = utf8('handshake messages');
    const h = createPrfHash(p, 'md5-sha1');
    h.update(msgs.subarray(0, 5));
    const snapshot = h.clone();
    h.update(msgs.subarray(5));
    const want = concat(p.digest('md5', msgs), p.digest('sha1', msgs));
    assert.equal(toHex(h.digest()), toHex(want), `${p.name} running MD5||SHA-1`);
    assert.equal(
      toHex(snapshot.digest()),
      toHex(concat(p.digest('md5', msgs.subarray(0, 5)), p.digest('sha1', msgs.subarray(0, 5)))),
    );
    assert.equal(prfHashLength('md5-sha1'), 36);
    assert.equal(prfHashLength('sha384'), 48);
    const master = fromHex(TLS10_KEYS[0]?.master ?? '');
    const client = finished12(p, 'md5-sha1', master, true, want);
    const server = finished12(p, 'md5-sha1', master, false, want);
    assert.equal(client.length, 12);
    assert.equal(toHex(client), toHex(prf(p, 'md5-sha1', master, 'client finished', want, 12)));
    assert.notEqual(toHex(client), toHex(server));
  }
  for (const p of PROVIDERS) {
    // The handshake transcript buffers until the version is known, then runs MD5 || SHA-1.
    const t = new Transcript(p);
    t.add(utf8('ClientHello'));
    t.setHash('md5-sha1');
    t.add(utf8('ServerHello'));
    const all = utf8('ClientHelloServerHello');
    assert.equal(toHex(t.hash()), toHex(concat(p.digest('md5', all), p.digest('sha1', all))), p.name);
  }
  assert.equal(prfHashFor(0x0301, 'sha256'), 'md5-sha1');
  assert.equal(prfHashFor(0x0302, 'sha384'), 'md5-sha1');
  assert.equal(prfHashFor(0x0303, 'sha384'), 'sha384');
});
