/**
 * Issue 13, the servers s_client reaches, against real servers started here: OpenSSL's security
 * level as one setting (--seclevel / --cipher ...:@SECLEVEL=n lowers the certificate-key floor as
 * SSL_CTX_set_security_level does), and the suites OpenSSL 3.0's DEFAULT offers.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ensurePki, type Pki } from '../helpers/pki.js';
import { startOpenSslServer, type Peer } from '../helpers/peers.js';
import { probe, type CliResult } from '../helpers/cli.js';

let pki: Pki;
before(async () => {
  pki = await ensurePki();
});

const show = (r: CliResult): string =>
  `exit ${r.code}${r.timedOut ? ' (timed out)' : ''}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;

describe('security level: one setting for certificates (and DH groups)', () => {
  let peer: Peer;
  before(async () => {
    const l = pki.leaf('rsa1024');
    // SECLEVEL=0 so that s_server agrees to serve an RSA-1024 leaf at all.
    peer = await startOpenSslServer({
      cert: l.cert,
      key: l.key,
      chain: l.chain,
      args: ['-www', '-tls1_2', '-cipher', 'DEFAULT:@SECLEVEL=0'],
    });
  });
  after(() => peer?.stop());
  const run = (args: string[]): Promise<CliResult> =>
    probe(peer, [`127.0.0.1:${peer.port}`, '--servername', 'localhost', '--cafile', pki.root, ...args], {
      timeoutMs: 20_000,
    });

  test('default level 2: an RSA-1024 leaf is refused (66)', async () => {
    const r = await run([]);
    assert.equal(r.code, 3, show(r));
    assert.match(r.stderr, /EE certificate key too weak.*X509_V_ERR 66/, show(r));
  });
  for (const args of [
    ['--seclevel', '1'],
    ['--cipher', 'DEFAULT:@SECLEVEL=1'],
    ['--seclevel', '0'],
  ]) {
    test(`${args.join(' ')}: the same leaf verifies`, async () => {
      const r = await run(args);
      assert.equal(r.code, 0, show(r));
      assert.match(r.stdout, /^ *Verify return code: 0 \(ok\)$/m, show(r));
      assert.match(r.stdout, /^New, TLSv1\.2, Cipher is ECDHE-RSA-AES256-GCM-SHA384$/m, show(r));
    });
  }
});
