/**
 * The issue-16 hostile servers through the real CLI (the bridged TestServer of hostile-server.ts):
 * a truncated ML-KEM ciphertext or an off-curve point in a hybrid share ends with exit 1, one
 * "tls-probe: handshake failed: ... (sent alert illegal_parameter)" line, error.alert in --json, and
 * the alert on the server's side.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { alertName } from '../../src/tls/codec/alerts.js';
import { jsonOf, probe } from '../helpers/cli.js';
import { ensurePki, type Pki } from '../helpers/pki.js';
import { testCredentials, type TestCredentials } from '../helpers/tls-server.js';
import { startHostileServer, type HostileListener, type HostileScript } from '../helpers/hostile-server.js';
import { CASES_2026 } from '../helpers/hostile-2026.js';

let pki: Pki;
let creds: TestCredentials;
before(async () => {
  pki = await ensurePki();
  creds = await testCredentials();
});

const RUNS: [string, string, string][] = [
  ['ks-SecP256r1MLKEM768-short', 'SecP256r1MLKEM768', 'illegal_parameter'],
  ['ks-MLKEM1024-short', 'MLKEM1024', 'illegal_parameter'],
  ['ks-SecP384r1MLKEM1024-off-curve', 'SecP384r1MLKEM1024', 'illegal_parameter'],
];

for (const [id, group, alert] of RUNS) {
  const c = CASES_2026.find((x) => x.id === id);
  test(`${c?.title ?? id}: exit 1, one line naming ${alert}, JSON error.alert`, { timeout: 30_000 }, async () => {
    assert.ok(c, `no case ${id}`);
    const ref: { l?: HostileListener } = {};
    const script: HostileScript = {
      setup: (index) => {
        const server = () => {
          const s = ref.l?.connections[index]?.server;
          assert.ok(s);
          return s;
        };
        return c.setup({ server, creds });
      },
    };
    const listener = await startHostileServer(script);
    ref.l = listener;
    try {
      const r = await probe(null, [
        `127.0.0.1:${listener.port}`,
        '--servername',
        'localhost',
        '--cafile',
        pki.root,
        '--groups',
        group,
        '--connect-timeout',
        '2000',
        '--timeout',
        '2000',
        '--json',
      ]);
      await Promise.all(listener.connections.map((x) => x.closed));
      assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0] ?? '', new RegExp(`^tls-probe: handshake failed: .*sent alert ${alert}`));
      const j = jsonOf(r) as { exitCode: number; error: { alert: string } };
      assert.equal(j.exitCode, 1);
      assert.equal(j.error.alert, alert);
      const server = listener.connections[0]?.server;
      assert.ok(server);
      assert.ok(server.alertsReceived.map((a) => alertName(a.description)).includes(alert));
    } finally {
      await listener.close();
    }
  });
}
