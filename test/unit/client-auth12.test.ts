/**
 * TLS 1.0/1.1 client authentication (src/tls/handshake/client-auth12.ts): the certificate type
 * the CertificateRequest allows, and the CertificateVerify body (RFC 4346 §7.4.8: RSA over
 * MD5 || SHA-1 without DigestInfo, RFC 4492 §5.8: ECDSA over SHA-1; no scheme before TLS 1.2).
 * The real-server side is test/interop/legacy.test.ts (openssl s_server -tls1 -Verify 1).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createHash, createPublicKey, publicDecrypt } from 'node:crypto';
import { Context } from '../../src/tls/context.js';
import { nodeProvider } from '../../src/tls/crypto/index.js';
import { clientAuth12 } from '../../src/tls/handshake/client-auth12.js';
import { certificateKey } from '../../src/tls/handshake/auth.js';
import { sigSchemeByName } from '../../src/tls/codec/sigschemes.js';
import { Reader } from '../../src/tls/codec/bytes.js';
import { testCredentials } from '../helpers/tls-server.js';

const RSA_SIGN = 1;
const ECDSA_SIGN = 64;
const messages = new TextEncoder().encode('ClientHello..ServerHelloDone..ClientKeyExchange');

async function options(leaf: 'rsa2048' | 'p256') {
  const c = await testCredentials(leaf);
  const ctx = new Context(nodeProvider, { now: Date.now, clientCertificate: { chain: c.chain, key: c.key } });
  return { o: ctx.options, leaf: c.chain[0]! };
}

const request = (types: number[]) => ({ certificateTypes: Uint8Array.from(types), sigalgs: [], authorities: [] });

/** The CertificateVerify body of TLS 1.0/1.1: signature<0..2^16-1> and nothing else. */
function signatureOf(body: Uint8Array): Uint8Array {
  const r = new Reader(body, 'CertificateVerify');
  const sig = r.vec16(1);
  r.end();
  return sig;
}

describe('TLS 1.0/1.1 client authentication', () => {
  for (const version of [0x0301, 0x0302]) {
    test(`${version.toString(16)}: RSA signs MD5 || SHA-1 without DigestInfo, when rsa_sign is allowed`, async () => {
      const { o, leaf } = await options('rsa2048');
      const auth = clientAuth12(o, version, request([ECDSA_SIGN, RSA_SIGN]));
      assert.ok(auth);
      const sig = signatureOf(auth.certificateVerify(nodeProvider, messages));
      assert.equal(sig.length, 256);
      assert.ok(nodeProvider.verifyMd5Sha1(certificateKey(leaf).spki, messages, sig));
      // What the signature wraps: exactly MD5 || SHA-1 (36 bytes), no DigestInfo (OpenSSL's "MD5-SHA1").
      const pub = createPublicKey({ key: Buffer.from(certificateKey(leaf).spki), format: 'der', type: 'spki' });
      const wrapped = publicDecrypt({ key: pub, padding: constants.RSA_PKCS1_PADDING }, sig);
      const md5 = createHash('md5').update(messages).digest();
      const sha1 = createHash('sha1').update(messages).digest();
      assert.equal(wrapped.toString('hex'), Buffer.concat([md5, sha1]).toString('hex'));
      assert.equal(nodeProvider.verifyMd5Sha1(certificateKey(leaf).spki, messages.subarray(1), sig), false);
    });

    test(`${version.toString(16)}: ECDSA signs SHA-1, when ecdsa_sign is allowed`, async () => {
      const { o, leaf } = await options('p256');
      const auth = clientAuth12(o, version, request([ECDSA_SIGN]));
      assert.ok(auth);
      const sig = signatureOf(auth.certificateVerify(nodeProvider, messages));
      const scheme = sigSchemeByName('ecdsa_sha1');
      assert.ok(scheme);
      assert.ok(nodeProvider.verify(scheme, certificateKey(leaf).spki, messages, sig));
    });
  }

  test('a certificate type the request does not list: no certificate (an empty Certificate goes out)', async () => {
    assert.equal(clientAuth12((await options('rsa2048')).o, 0x0301, request([ECDSA_SIGN])), undefined);
    assert.equal(clientAuth12((await options('p256')).o, 0x0302, request([RSA_SIGN])), undefined);
  });

  test('TLS 1.2 keeps its signature_algorithms rule: scheme id first, then the signature', async () => {
    const { o } = await options('p256');
    const auth = clientAuth12(o, 0x0303, { ...request([ECDSA_SIGN]), sigalgs: [0x0403] });
    assert.ok(auth);
    const body = auth.certificateVerify(nodeProvider, messages);
    assert.equal((body[0]! << 8) | body[1]!, 0x0403);
  });
});
