/**
 * The client certificate's signature scheme (BoGo class F6): chosen from signingAlgorithms, a list
 * apart from the one we verify with (BoringSSL SSL_set_signing_algorithm_prefs), and with a
 * certificate but no scheme in common with the CertificateRequest the handshake fails with
 * handshake_failure (BoringSSL NO_COMMON_SIGNATURE_ALGORITHMS) instead of an empty Certificate.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import { nodeProvider } from '../../src/tls/crypto/index.js';
import { defaultOptions } from '../../src/tls/context.js';
import { TlsAlert } from '../../src/tls/errors.js';
import { chooseClientCredential } from '../../src/tls/handshake/negotiated.js';
import { testCredentials } from '../helpers/tls-server.js';

const ECDSA_SHA1 = 0x0203;
const ECDSA_P256_SHA256 = 0x0403;
const ECDSA_P384_SHA384 = 0x0503;
const RSA_PSS_SHA256 = 0x0804;

async function options(signing?: number[]) {
  const { chain, key } = await testCredentials('p256');
  return {
    ...defaultOptions(nodeProvider, () => 0),
    signatureAlgorithms: [ECDSA_P256_SHA256, RSA_PSS_SHA256], // what we verify with
    clientCertificate: { chain, key },
    ...(signing ? { signingAlgorithms: signing } : {}),
  };
}

test('without signingAlgorithms the verify list is the signing list', async () => {
  const o = await options();
  assert.equal(chooseClientCredential(o, [ECDSA_SHA1, ECDSA_P256_SHA256], false)?.scheme.id, ECDSA_P256_SHA256);
});

test('signingAlgorithms: a scheme outside the verify list (ecdsa_sha1, TLS 1.2) can sign', async () => {
  const o = await options([ECDSA_SHA1, ECDSA_P256_SHA256]);
  assert.equal(chooseClientCredential(o, [ECDSA_SHA1], false)?.scheme.id, ECDSA_SHA1);
  // ... and only the signing list counts: P-256/SHA-256 is verified, not signed, here.
  const only = await options([ECDSA_SHA1]);
  assert.throws(() => chooseClientCredential(only, [ECDSA_P256_SHA256], false), TlsAlert);
});

test('no scheme in common with the CertificateRequest: handshake_failure, not an empty Certificate', async () => {
  const o = await options();
  for (const tls13 of [false, true]) {
    assert.throws(
      // P-384/SHA-384 does not fit a P-256 key in TLS 1.3; in TLS 1.2 it is not in our list.
      () => chooseClientCredential(o, [ECDSA_P384_SHA384, ECDSA_SHA1], tls13),
      (e: unknown) => e instanceof TlsAlert && e.description === AlertDescription.handshake_failure,
    );
  }
});

test('no client certificate configured: undefined (an empty Certificate)', async () => {
  const o = { ...(await options()), clientCertificate: undefined };
  assert.equal(chooseClientCredential(o, [ECDSA_P384_SHA384], true), undefined);
});
