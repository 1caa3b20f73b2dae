/**
 * The post-quantum groups against real peers: OpenSSL 3.5 and 4.0 s_server and Node 24 (OpenSSL
 * 3.5), each restricted to one group, with tls-probe --groups naming it: key share sent directly,
 * and reached through HelloRetryRequest when tls-probe's first share is another group.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { ensurePki, type Pki } from '../helpers/pki.js';
import { startOpenSslNextServer, type OpenSslNextVersion } from '../helpers/openssl-next.js';
import { startNodeServer, type Peer } from '../helpers/peers.js';
import { jsonOf, probe, type CliResult } from '../helpers/cli.js';

let pki: Pki;
before(async () => {
  pki = await ensurePki();
});

const GROUPS = ['SecP256r1MLKEM768', 'SecP384r1MLKEM1024', 'MLKEM768', 'MLKEM1024'] as const;

async function roundTrip(peer: Peer, groups: string, extra: string[] = []): Promise<CliResult> {
  try {
    return await probe(
      peer,
      [`127.0.0.1:${peer.port}`, '--servername', 'localhost', '--cafile', pki.root, '--groups', groups, ...extra],
      { send: 'pq hello\n', waitFor: /olleh qp/ },
    );
  } finally {
    await peer.stop();
  }
}

function ok(r: CliResult, group: string): void {
  assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /olleh qp/);
  assert.match(r.stdout, /Verify return code: 0 \(ok\)/);
  assert.match(r.stdout, new RegExp(`Server Temp Key: ${group}\\b`));
}

for (const version of ['3.5', '4.0'] as OpenSslNextVersion[]) {
  for (const group of GROUPS) {
    test(`openssl ${version} s_server -groups ${group}: tls-probe --groups ${group}`, async () => {
      const peer = await startOpenSslNextServer(version, {
        ...pki.leaf('p256'),
        args: ['-tls1_3', '-rev', '-groups', group],
      });
      ok(await roundTrip(peer, group), group);
    });
  }
}

test('openssl 3.5: HelloRetryRequest from an x25519 first share to SecP384r1MLKEM1024', async () => {
  const peer = await startOpenSslNextServer('3.5', {
    ...pki.leaf('p256'),
    args: ['-tls1_3', '-groups', 'SecP384r1MLKEM1024', '-www'],
  });
  try {
    const r = await probe(
      peer,
      [
        `127.0.0.1:${peer.port}`,
        '--servername',
        'localhost',
        '--cafile',
        pki.root,
        '--groups',
        'x25519:SecP384r1MLKEM1024',
        '--json',
      ],
      { send: 'GET / HTTP/1.0\r\n\r\n' },
    );
    assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
    const c = (jsonOf(r) as { connections: { handshake: string; group: string }[] }).connections[0];
    assert.equal(c?.handshake, 'full-hrr');
    assert.equal(c?.group, 'SecP384r1MLKEM1024');
  } finally {
    await peer.stop();
  }
});

for (const group of GROUPS) {
  test(`openssl 3.5 s_server -groups ${group}: tls-probe --crypto noble --groups ${group}`, async () => {
    const peer = await startOpenSslNextServer('3.5', {
      ...pki.leaf('p256'),
      args: ['-tls1_3', '-rev', '-groups', group],
    });
    ok(await roundTrip(peer, group, ['--crypto', 'noble']), group);
  });
}

for (const group of GROUPS) {
  test(`Node 24 (OpenSSL 3.5) ecdhCurve ${group}: tls-probe --groups ${group}`, async () => {
    const peer = await startNodeServer({ ...pki.leaf('p256'), node: '24', ecdhCurve: group, mode: 'reverse' });
    ok(await roundTrip(peer, group), group);
  });
}
