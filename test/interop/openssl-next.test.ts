/**
 * The OpenSSL 3.5 and 4.0 peers (scripts/install-openssl-next.sh): both versions really run here,
 * and tls-probe completes a TLS 1.3 handshake with a data round trip against each s_server.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { ensurePki, type Pki } from '../helpers/pki.js';
import { opensslNext, startOpenSslNextServer, type OpenSslNextVersion } from '../helpers/openssl-next.js';
import { probe } from '../helpers/cli.js';

let pki: Pki;
before(async () => {
  pki = await ensurePki();
});

const VERSIONS: [OpenSslNextVersion, RegExp][] = [
  ['3.5', /^OpenSSL 3\.5\.\d+/],
  ['4.0', /^OpenSSL 4\.0\.\d+/],
];

for (const [version, banner] of VERSIONS) {
  test(`openssl ${version}: the wrapper runs that version`, async () => {
    assert.match(await opensslNext(version, ['version']), banner);
  });

  test(`openssl ${version} s_server: TLS 1.3 round trip with X25519MLKEM768`, async () => {
    const leaf = pki.leaf('p256');
    const peer = await startOpenSslNextServer(version, { ...leaf, args: ['-tls1_3', '-rev'] });
    try {
      const r = await probe(peer, [`127.0.0.1:${peer.port}`, '--servername', 'localhost', '--cafile', pki.root], {
        send: 'hello next\n',
        waitFor: /txen olleh/,
      });
      assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout, /txen olleh/);
      assert.match(r.stdout, /Verify return code: 0 \(ok\)/);
      // OpenSSL 3.5+ prefers the hybrid group tls-probe sends as its first share.
      assert.match(r.stdout, /Server Temp Key: X25519MLKEM768/);
    } finally {
      await peer.stop();
    }
  });
}
