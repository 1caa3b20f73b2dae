/**
 * ML-DSA (FIPS 204) verification: TLS signature schemes mldsa44/65/87 through both providers, the
 * SPKI taken apart by hand (Node 20 cannot load these keys), signatures made by OpenSSL 3.5 checked
 * here, and X.509 chains made by OpenSSL 3.5 verified by src/tls/x509 (a flipped signature bit is
 * X509_V_ERR 7 at its depth).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, before } from 'node:test';
import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import { sigSchemeByName, sigSchemeById } from '../../src/tls/codec/sigschemes.js';
import { nodeProvider } from '../../src/tls/crypto/node.js';
import { nobleProvider } from '../../src/tls/crypto/noble.js';
import { mlDsaPublicKey } from '../../src/tls/crypto/mldsa.js';
import { verifyServerChain } from '../../src/tls/x509/verify.js';
import { certificateSpki } from '../../src/tls/x509/mldsa.js';
import { describeCertificate } from '../../src/tls/x509/cert.js';
import { certificateKey, schemeFitsKey } from '../../src/tls/handshake/auth.js';
import { ensureMlDsaPki, type MlDsaPki } from '../helpers/mldsa-pki.js';
import { opensslNext } from '../helpers/openssl-next.js';

const OID_PREFIX = [0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03];
/** DER length bytes (short or long form). */
const len = (n: number): number[] => (n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff]);
/** An ML-DSA SubjectPublicKeyInfo (RFC 9881 §4), built by hand. */
function spki(last: number, key: Uint8Array): Uint8Array {
  const alg = [0x30, ...len(11), ...OID_PREFIX, last];
  const bits = [0x03, ...len(key.length + 1), 0x00, ...key];
  return Uint8Array.from([0x30, ...len(alg.length + bits.length), ...alg, ...bits]);
}

const SETS = [
  ['mldsa44', 0x0904, 0x11, ml_dsa44],
  ['mldsa65', 0x0905, 0x12, ml_dsa65],
  ['mldsa87', 0x0906, 0x13, ml_dsa87],
] as const;

for (const [name, id, oidLast, dsa] of SETS) {
  test(`${name} (0x0${id.toString(16)}): both providers verify a noble signature; wrong set, bit flip, length are false`, () => {
    const scheme = sigSchemeByName(name);
    assert.ok(scheme);
    assert.equal(sigSchemeById(id)?.name, name);
    assert.equal(scheme.sigType, name);
    const { publicKey, secretKey } = dsa.keygen(new Uint8Array(32).fill(id & 0xff));
    const data = new TextEncoder().encode('TLS 1.3, server CertificateVerify test');
    const sig = dsa.sign(data, secretKey);
    const key = spki(oidLast, publicKey);
    assert.equal(mlDsaPublicKey(key)?.key.length, publicKey.length);
    for (const p of [nodeProvider, nobleProvider]) {
      assert.equal(p.verify(scheme, key, data, sig), true, p.name);
      const flipped = sig.slice();
      flipped[10] = (flipped[10] ?? 0) ^ 1;
      assert.equal(p.verify(scheme, key, data, flipped), false);
      assert.equal(p.verify(scheme, key, data, sig.subarray(1)), false);
      assert.equal(p.verify(scheme, key, new Uint8Array([...data, 0]), sig), false);
      // The key's OID names another parameter set: refused before any maths.
      const other = SETS.find((s) => s[0] !== name);
      assert.ok(other);
      assert.equal(p.verify(scheme, spki(other[2], publicKey), data, sig), false);
      assert.equal(p.verify(scheme, key.subarray(0, key.length - 1), data, sig), false);
      assert.throws(() => p.sign(scheme, new Uint8Array(10), data), /not supported/);
    }
  });
}

let pki: MlDsaPki;
before(async () => {
  pki = await ensureMlDsaPki();
});

const pemDer = (file: string, n = 0): Uint8Array => {
  const all = readFileSync(file, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return new Uint8Array(Buffer.from((all[n] ?? '').replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'));
};

test('a signature made by openssl 3.5 pkeyutl with an ML-DSA-65 key verifies here (pure ML-DSA, empty context)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tls-probe-mldsa-'));
  const msg = join(dir, 'msg');
  writeFileSync(msg, 'content signed by OpenSSL 3.5');
  const leaf = pki.leaf('mldsa65');
  await opensslNext('3.5', ['pkeyutl', '-sign', '-inkey', leaf.key, '-rawin', '-in', msg, '-out', join(dir, 'sig')]);
  const sig = new Uint8Array(readFileSync(join(dir, 'sig')));
  assert.equal(sig.length, 3309);
  const key = certificateSpki(pemDer(leaf.cert));
  const scheme = sigSchemeByName('mldsa65');
  assert.ok(scheme);
  for (const p of [nodeProvider, nobleProvider]) {
    assert.equal(p.verify(scheme, key, new Uint8Array(readFileSync(msg)), sig), true);
  }
});

test('X.509: ML-DSA-87 root, ML-DSA-65 intermediate, ML-DSA-44/65/87 leaves verify; describe and key size as OpenSSL', () => {
  const now = new Date();
  const anchors = [pemDer(pki.root)];
  for (const name of ['mldsa44', 'mldsa65', 'mldsa87'] as const) {
    const l = pki.leaf(name);
    const chain = [pemDer(l.chain, 0), pemDer(l.chain, 1)];
    const r = verifyServerChain({ chain, anchors, hostname: 'localhost', now });
    assert.equal(r.code, 0, `${name}: ${r.message}`);
    assert.equal(r.path.length, 3);
    const key = certificateKey(chain[0] ?? new Uint8Array(0));
    const want = { mldsa44: ['ML-DSA-44', 10496], mldsa65: ['ML-DSA-65', 15616], mldsa87: ['ML-DSA-87', 20736] }[name];
    assert.equal(key.type, want[0]);
    assert.equal(key.bits, want[1]);
    const scheme = sigSchemeByName(name);
    assert.ok(scheme);
    assert.ok(schemeFitsKey(scheme, key, true));
    assert.ok(!schemeFitsKey(scheme, key, false), 'TLS 1.3 only');
    const wrong = sigSchemeByName(name === 'mldsa44' ? 'mldsa65' : 'mldsa44');
    assert.ok(wrong && !schemeFitsKey(wrong, key, true));
  }
  const d = describeCertificate(pemDer(pki.leaf('mldsa65').cert));
  assert.equal(d.publicKeyBits, 15616);
});

test('X.509: a flipped bit in the ML-DSA leaf signature is X509_V_ERR 7 at depth 0; in the intermediate, depth 1', () => {
  const now = new Date();
  const anchors = [pemDer(pki.root)];
  const bad = pki.leaf('bad-sig');
  const r = verifyServerChain({
    chain: [pemDer(bad.chain, 0), pemDer(bad.chain, 1)],
    anchors,
    hostname: 'localhost',
    now,
  });
  assert.equal(r.code, 7);
  assert.equal(r.depth, 0);
  const ica = pemDer(bad.chain, 1);
  const badIca = ica.slice();
  badIca[badIca.length - 1] = (badIca[badIca.length - 1] ?? 0) ^ 1;
  const r2 = verifyServerChain({
    chain: [pemDer(pki.leaf('mldsa65').cert), badIca],
    anchors,
    hostname: 'localhost',
    now,
  });
  assert.equal(r2.code, 7);
  assert.equal(r2.depth, 1);
});
