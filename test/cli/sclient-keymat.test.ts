/**
 * --keymatexport / --keymatexportlen (issue 18 item 6): the "Keying material exporter:" block is
 * identical to the one `openssl s_server -keymatexport` prints for the same connection, TLS 1.2
 * (RFC 5705, full and resumed) and TLS 1.3 (RFC 8446 §7.5); --json has keyingMaterial.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { ensurePki, type Pki } from '../helpers/pki.js';
import { startOpenSslServer } from '../helpers/peers.js';
import { jsonOf, probe } from '../helpers/cli.js';

const BLOCK =
  /^Keying material exporter:\n {4}Label: '[^']*'\n {4}Length: \d+ bytes\n {4}Keying material: [0-9A-F]+$/gm;

describe('--keymatexport matches openssl s_server -keymatexport', () => {
  let pki: Pki;
  before(async () => {
    pki = await ensurePki();
  });

  for (const [version, extra] of [
    ['-tls1_3', []],
    ['-tls1_2', ['--reconnect', '1']],
    ['-tls1_2', ['--cipher', 'ECDHE-ECDSA-AES256-GCM-SHA384']],
  ] as const) {
    it(`${version} ${extra.join(' ')}`, async () => {
      const peer = await startOpenSslServer({
        ...pki.leaf('p256'),
        args: [version, '-keymatexport', 'EXPERIMENTAL-tls-probe', '-keymatexportlen', '48'],
      });
      try {
        const args = ['-connect', `${peer.host}:${peer.port}`, '-servername', 'localhost', '-CAfile', pki.root];
        const r = await probe(peer, [
          ...args,
          ...extra,
          '-keymatexport',
          'EXPERIMENTAL-tls-probe',
          '-keymatexportlen',
          '48',
        ]);
        assert.equal(r.code, 0, r.stderr);
        const ours = r.stdout.match(BLOCK) ?? [];
        const connections = 1 + (extra[0] === '--reconnect' ? 1 : 0);
        assert.equal(ours.length, connections, r.stdout);
        await peer.waitForOutput(new RegExp(`(${BLOCK.source}[\\s\\S]*){${connections}}`, 'm'));
        const theirs = peer.stdout().match(BLOCK) ?? [];
        assert.deepEqual(ours, theirs);
        assert.match(ours[0] ?? '', /Length: 48 bytes/);
        if (connections === 2) assert.notEqual(ours[0], ours[1], 'each connection has its own randoms');
      } finally {
        await peer.stop();
      }
    });
  }

  it('--json keyingMaterial {label, length, hex}; default length 20', async () => {
    const peer = await startOpenSslServer({ ...pki.leaf('p256'), args: ['-tls1_3', '-keymatexport', 'L'] });
    try {
      const r = await probe(peer, [
        '--json',
        '--servername',
        'localhost',
        '--cafile',
        pki.root,
        '--keymatexport',
        'L',
        `${peer.host}:${peer.port}`,
      ]);
      assert.equal(r.code, 0, r.stderr);
      const k = jsonOf(r).connections[0]?.keyingMaterial;
      await peer.waitForOutput(/Keying material: [0-9A-F]+/);
      const theirs = /Keying material: ([0-9A-F]+)/.exec(peer.stdout())?.[1];
      assert.deepEqual(k, { label: 'L', length: 20, hex: theirs });
    } finally {
      await peer.stop();
    }
  });
});
