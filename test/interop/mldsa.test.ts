/**
 * ML-DSA certificates against OpenSSL 3.5 s_server (draft-ietf-tls-mldsa): an ML-DSA-87 root and
 * ML-DSA-65 intermediate made by openssl 3.5, leaves with each parameter set. tls-probe verifies the
 * chain and the CertificateVerify, reports the scheme, and prints the ~10 KB certificates whole
 * through a pipe; a leaf with a corrupted signature is X509_V_ERR 7, exit 3.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ensureMlDsaPki, type MlDsaPki } from '../helpers/mldsa-pki.js';
import { startOpenSslNextServer } from '../helpers/openssl-next.js';
import { jsonOf, probe, type CliResult } from '../helpers/cli.js';

let pki: MlDsaPki;
before(async () => {
  pki = await ensureMlDsaPki();
});

async function against(leaf: Parameters<MlDsaPki['leaf']>[0], extra: string[]): Promise<CliResult> {
  const l = pki.leaf(leaf);
  const peer = await startOpenSslNextServer('3.5', {
    cert: l.cert,
    key: l.key,
    chain: l.chain,
    args: ['-tls1_3', '-rev'],
  });
  try {
    return await probe(peer, [`127.0.0.1:${peer.port}`, '--servername', 'localhost', '--cafile', pki.root, ...extra], {
      send: 'ml-dsa\n',
      waitFor: /asd-lm/,
    });
  } finally {
    await peer.stop();
  }
}

const BITS = { mldsa44: 10496, mldsa65: 15616, mldsa87: 20736 } as const;

for (const name of ['mldsa44', 'mldsa65', 'mldsa87'] as const) {
  test(`openssl 3.5 s_server with an ${name} leaf: verified, "Peer signature type: ${name}", report whole`, async () => {
    const r = await against(name, ['--showcerts']);
    assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^Peer signature type: ${name}$`, 'm'));
    assert.match(r.stdout, new RegExp(`^Server public key is ${BITS[name]} bit$`, 'm'));
    assert.match(r.stdout, /Verify return code: 0 \(ok\)/);
    assert.match(r.stdout, /asd-lm/);
    // Both certificates (leaf ~7-9 KB, intermediate ~7 KB as PEM) reached the pipe byte for byte.
    for (const pem of readFileSync(pki.leaf(name).chain, 'utf8').match(
      /-----BEGIN[\s\S]+?-----END CERTIFICATE-----/g,
    ) ?? []) {
      assert.ok(r.stdout.includes(pem.trim()), 'certificate PEM printed whole');
    }
  });
}

test('openssl 3.5, ML-DSA-65 leaf: --json peerSignatureScheme is "mldsa65"', async () => {
  const l = pki.leaf('mldsa65');
  const peer = await startOpenSslNextServer('3.5', {
    cert: l.cert,
    key: l.key,
    chain: l.chain,
    args: ['-tls1_3', '-www'],
  });
  try {
    const r = await probe(peer, [
      `127.0.0.1:${peer.port}`,
      '--servername',
      'localhost',
      '--cafile',
      pki.root,
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const c = (jsonOf(r) as { connections: { peerSignatureScheme: string; verify: { code: number } }[] })
      .connections[0];
    assert.equal(c?.peerSignatureScheme, 'mldsa65');
    assert.equal(c?.verify.code, 0);
  } finally {
    await peer.stop();
  }
});

test('openssl 3.5 with an ML-DSA leaf whose signature is corrupted: X509_V_ERR 7, exit 3, nothing sent', async () => {
  const l = pki.leaf('bad-sig');
  const peer = await startOpenSslNextServer('3.5', {
    cert: l.cert,
    key: l.key,
    chain: l.chain,
    args: ['-tls1_3', '-rev'],
  });
  try {
    const r = await probe(peer, [`127.0.0.1:${peer.port}`, '--servername', 'localhost', '--cafile', pki.root], {
      send: 'must not arrive\n',
    });
    assert.equal(r.code, 3, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout + r.stderr, /certificate signature failure/);
    assert.match(r.stdout + r.stderr, /\b7\b/);
    assert.doesNotMatch(r.stdout, /evirra ton tsum/);
  } finally {
    await peer.stop();
  }
});
