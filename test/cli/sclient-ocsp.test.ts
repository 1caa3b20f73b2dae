/**
 * --status / --save-ocsp (issue 18 item 2) against real servers stapling responses made by
 * `openssl ocsp` for the test PKI: openssl s_server -status_file (TLS 1.3 in the Certificate
 * entry, TLS 1.2 in CertificateStatus) and gnutls-serv --ocsp-response; s_client -status on the
 * same server shows the same Cert Status. Beyond s_client: the response is verified, a revoked
 * certificate is exit 3 (X509_V_ERR 23), another certificate's response is never "good".
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePki, type LeafName, type Pki } from '../helpers/pki.js';
import { runClient, startGnutlsServer, startOpenSslServer, type Peer } from '../helpers/peers.js';
import { jsonOf, probe } from '../helpers/cli.js';

describe('--status: stapled OCSP responses', () => {
  let pki: Pki;
  before(async () => {
    pki = await ensurePki();
  });
  const serve = (leaf: LeafName, version: string, response?: string): Promise<Peer> =>
    startOpenSslServer({
      ...pki.leaf(leaf),
      args: [version, ...(response ? ['-status_file', pki.file(response)] : [])],
    });
  const args = (peer: Peer, ...more: string[]): string[] => [
    '-connect',
    `${peer.host}:${peer.port}`,
    '-servername',
    'localhost',
    '-CAfile',
    pki.root,
    ...more,
  ];

  for (const version of ['-tls1_3', '-tls1_2']) {
    it(`${version}: good, verified; s_client -status sees the same; --json and --save-ocsp`, async () => {
      const peer = await serve('p256', version, 'p256.ocsp.der');
      try {
        const r = await probe(peer, args(peer, '-status'));
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /^OCSP response: \n={38}\n/m);
        assert.match(r.stdout, /^ {4}OCSP Response Status: successful \(0x0\)$/m);
        assert.match(r.stdout, /^ {4}Cert Status: good$/m);
        assert.match(r.stdout, /^ {4}This Update: .* GMT$/m);
        assert.match(r.stdout, /^ {4}Next Update: .* GMT$/m);
        assert.match(r.stdout, /^OCSP response verification: OK$/m);
        assert.match(r.stdout, /^ *Verify return code: 0 \(ok\)$/m);
        const s = await runClient(peer, ['openssl', 's_client', ...args(peer, '-status')]);
        assert.match(s.stdout, /^ {4}Cert Status: good$/m);
        assert.match(s.stdout, /^ {4}OCSP Response Status: successful \(0x0\)$/m);

        const dir = mkdtempSync(join(tmpdir(), 'tls-probe-ocsp-'));
        const j = await probe(peer, ['--json', '--save-ocsp', join(dir, 'r.der'), ...args(peer)]);
        assert.equal(j.code, 0, j.stderr);
        const ocsp = jsonOf(j).connections[0]?.ocsp;
        assert.deepEqual([ocsp?.status, ocsp?.verified], ['good', true]);
        assert.match(ocsp?.nextUpdate ?? '', /^\d{4}-/);
        assert.deepEqual(readFileSync(join(dir, 'r.der')), readFileSync(pki.file('p256.ocsp.der')));
      } finally {
        await peer.stop();
      }
    });
  }

  it('a revoked certificate: exit 3 with X509_V_ERR 23, the report and the revocation', async () => {
    const peer = await serve('revoked', '-tls1_3', 'revoked.ocsp.der');
    try {
      const r = await probe(peer, args(peer, '-status'));
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /^verify error:num=23:certificate revoked$/m);
      assert.match(r.stdout, /^ {4}Cert Status: revoked$/m);
      assert.match(r.stdout, /^ {4}Revocation Reason: keyCompromise$/m);
      assert.match(r.stdout, /^Verify return code: 23 \(certificate revoked\)$/m);
      const j = await probe(peer, ['--json', ...args(peer, '-status')]);
      assert.equal(j.code, 3);
      const c = jsonOf(j).connections[0];
      assert.equal(c?.ocsp?.status, 'revoked');
      assert.ok(c?.ocsp?.revocationTime);
      assert.equal(c?.verify.code, 23);
      const insecure = await probe(peer, ['--insecure', ...args(peer, '-status')]);
      assert.equal(insecure.code, 0, insecure.stderr);
    } finally {
      await peer.stop();
    }
  });

  it("another certificate's response is reported unverified, never good; nothing stapled says so", async () => {
    const other = await serve('rsa2048', '-tls1_2', 'p256.ocsp.der');
    try {
      const r = await probe(other, args(other, '-status'));
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stdout, /Cert Status: good/);
      assert.match(r.stdout, /^OCSP response verification: failed \(no response for this certificate\)$/m);
      const j = await probe(other, ['--json', ...args(other, '-status')]);
      assert.equal(jsonOf(j).connections[0]?.ocsp?.status, 'unverified');
    } finally {
      await other.stop();
    }
    const none = await serve('p256', '-tls1_3');
    try {
      const r = await probe(none, args(none, '-status'));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^OCSP response: no response sent$/m);
    } finally {
      await none.stop();
    }
  });

  it('gnutls-serv --ocsp-response (TLS 1.3 and 1.2)', async () => {
    for (const prio of ['NORMAL', 'NORMAL:-VERS-TLS1.3']) {
      const peer = await startGnutlsServer({
        ...pki.leaf('p256'),
        args: [`--priority=${prio}`, '--ocsp-response', pki.file('p256.ocsp.der'), '--ignore-ocsp-response-errors'],
      });
      try {
        const r = await probe(peer, [
          '--status',
          '--servername',
          'localhost',
          '--cafile',
          pki.root,
          `${peer.host}:${peer.port}`,
        ]);
        assert.equal(r.code, 0, `${prio}: ${r.stderr}`);
        assert.match(r.stdout, /^ {4}Cert Status: good$/m, prio);
        assert.match(r.stdout, /^OCSP response verification: OK$/m, prio);
      } finally {
        await peer.stop();
      }
    }
  });
});
