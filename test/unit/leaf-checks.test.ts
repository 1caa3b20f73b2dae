/**
 * What the server's leaf must allow (class F7 in test/bogo/FAILURES.md):
 *  - keyUsage (RFC 5280 §4.2.1.3, BoringSSL ssl_cert_check_key_usage): digitalSignature when the
 *    leaf signs (TLS 1.3 CertificateVerify, a TLS 1.2 ECDHE ServerKeyExchange). Always enforced
 *    for TLS 1.3 and for ECDSA; for an RSA leaf in TLS 1.2 unless ignoreRsaKeyUsage, which
 *    records info.keyUsageInvalid instead (BoGo ECDSAKeyUsage-Client-TLS12/13,
 *    RSAKeyUsage-Client-WantSignature-GotEncipherment-{TLS12,TLS13,AlwaysEnforced-TLS13}).
 *  - TLS 1.2: an ECDSA leaf on a curve we did not offer in supported_groups (RFC 8422 §5.3, BoGo
 *    CheckLeafCurve) is illegal_parameter; TLS 1.3 does not look at the curve list (CheckLeafCurve-TLS13).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import { ProtocolVersion } from '../../src/tls/codec/names.js';
import { TlsAlert } from '../../src/tls/errors.js';
import type { ContextOptions } from '../../src/tls/types.js';
import { ext, leafExts, mkLeaf, mkRoot, p256, rsa, withExt, type Key } from '../helpers/certgen.js';
import { runHostile } from '../helpers/hostile-server.js';
import { connectPair, handshake, type TestPair, type TestServerOptions } from '../helpers/tls-server.js';

const ROOT = mkRoot('leaf-checks root');
const ECDHE_RSA_AES128_GCM = 0xc02f;
const KEY_USAGE_OID = '2.5.29.15';

/** A leaf under ROOT with the given keyUsage bits (0 digitalSignature, 2 keyEncipherment, 4 keyAgreement). */
function leafWithUsage(key: Key, bits: number[] | null): { chain: Uint8Array[]; key: Uint8Array } {
  const ku = bits ? ext.keyUsage(bits) : KEY_USAGE_OID; // null: no keyUsage extension at all
  const leaf = mkLeaf(ROOT, { extensions: withExt(leafExts(key, ROOT.key), ku) }, 'localhost', key);
  return { chain: [leaf.der], key: new Uint8Array(key.priv.export({ type: 'pkcs8', format: 'der' })) };
}

const EC_KEY = p256();
const RSA_KEY = rsa(2048);

async function pairWith(server: Partial<TestServerOptions>, client: Partial<ContextOptions> = {}): Promise<TestPair> {
  return connectPair(server, { trustAnchors: [ROOT.der], ...client });
}

function assertRefused(pair: TestPair, desc: number, reason: RegExp): void {
  const out = runHostile(pair);
  assert.equal(out.end, 'failed');
  const f = pair.conn.failure;
  assert.ok(f instanceof TlsAlert, String(f));
  assert.equal(f.description, desc, f.message);
  assert.match(f.message, reason);
}

for (const version of [ProtocolVersion.TLS1_2, ProtocolVersion.TLS1_3] as const) {
  const v = version === ProtocolVersion.TLS1_3 ? 'TLS 1.3' : 'TLS 1.2';
  test(`${v}: an ECDSA leaf with keyUsage keyAgreement only is unsupported_certificate`, async () => {
    const pair = await pairWith({ version, ...leafWithUsage(EC_KEY, [4]) });
    assertRefused(pair, AlertDescription.unsupported_certificate, /keyUsage lacks digitalSignature/);
  });

  test(`${v}: an RSA leaf with keyUsage keyEncipherment only cannot sign: unsupported_certificate`, async () => {
    const suite = version === ProtocolVersion.TLS1_2 ? { suite: ECDHE_RSA_AES128_GCM } : {};
    const pair = await pairWith({ version, ...suite, ...leafWithUsage(RSA_KEY, [2]) });
    assertRefused(pair, AlertDescription.unsupported_certificate, /keyUsage lacks digitalSignature/);
  });

  test(`${v}: leaves with digitalSignature, or without keyUsage, are accepted (control)`, async () => {
    for (const creds of [leafWithUsage(EC_KEY, [0]), leafWithUsage(EC_KEY, [0, 4]), leafWithUsage(EC_KEY, null)]) {
      const pair = await pairWith({ version, ...creds });
      handshake(pair);
      assert.equal(pair.conn.handshake.info.version, version);
      assert.equal(pair.conn.handshake.info.keyUsageInvalid, undefined);
    }
  });
}

test('TLS 1.2 with ignoreRsaKeyUsage: the RSA leaf is accepted and the violation reported', async () => {
  const pair = await pairWith(
    { version: ProtocolVersion.TLS1_2, suite: ECDHE_RSA_AES128_GCM, ...leafWithUsage(RSA_KEY, [2]) },
    { ignoreRsaKeyUsage: true },
  );
  handshake(pair);
  assert.equal(pair.conn.handshake.info.keyUsageInvalid, true);
});

test('ignoreRsaKeyUsage waives neither TLS 1.3 nor an ECDSA leaf (BoringSSL: always enforced)', async () => {
  const rsa13 = await pairWith(
    { version: ProtocolVersion.TLS1_3, ...leafWithUsage(RSA_KEY, [2]) },
    { ignoreRsaKeyUsage: true },
  );
  assertRefused(rsa13, AlertDescription.unsupported_certificate, /keyUsage/);
  const ec12 = await pairWith(
    { version: ProtocolVersion.TLS1_2, ...leafWithUsage(EC_KEY, [4]) },
    { ignoreRsaKeyUsage: true },
  );
  assertRefused(ec12, AlertDescription.unsupported_certificate, /keyUsage/);
});

test('TLS 1.2: a P-256 ECDSA leaf when we offered only P-384 is illegal_parameter', async () => {
  const pair = await pairWith(
    { version: ProtocolVersion.TLS1_2, group: 'secp384r1', ...leafWithUsage(EC_KEY, [0]) },
    { groups: ['secp384r1'], keyShareGroups: ['secp384r1'] },
  );
  assertRefused(pair, AlertDescription.illegal_parameter, /curve P-256 is not in our supported_groups/);
});

test('TLS 1.3: the same offer takes the P-256 leaf (the curve is bound by the signature scheme)', async () => {
  const pair = await pairWith(
    { version: ProtocolVersion.TLS1_3, group: 'secp384r1', ...leafWithUsage(EC_KEY, [0]) },
    { groups: ['secp384r1'], keyShareGroups: ['secp384r1'] },
  );
  handshake(pair);
  assert.equal(pair.conn.handshake.info.version, ProtocolVersion.TLS1_3);
});

test('TLS 1.2 RSA key exchange: the leaf must allow keyEncipherment (BoGo RSAKeyUsage-Client-WantEncipherment-*)', async () => {
  const RSA_AES128_GCM = 0x009c;
  const client = { cipherSuites12: [RSA_AES128_GCM] };
  const server = { version: ProtocolVersion.TLS1_2, suite: RSA_AES128_GCM } as const;
  const refused = await pairWith({ ...server, ...leafWithUsage(RSA_KEY, [0]) }, client);
  assertRefused(refused, AlertDescription.unsupported_certificate, /keyUsage lacks keyEncipherment/);
  const waived = await pairWith({ ...server, ...leafWithUsage(RSA_KEY, [0]) }, { ...client, ignoreRsaKeyUsage: true });
  handshake(waived);
  assert.equal(waived.conn.handshake.info.keyUsageInvalid, true);
  const fine = await pairWith({ ...server, ...leafWithUsage(RSA_KEY, [2]) }, client);
  handshake(fine);
  assert.equal(fine.conn.handshake.info.cipherSuite, RSA_AES128_GCM);
  assert.equal(fine.conn.handshake.info.keyUsageInvalid, undefined);
});
