/**
 * The issue-16 hostile servers through the real CLI (the bridged TestServer of hostile-server.ts):
 * a truncated ML-KEM ciphertext or an off-curve point in a hybrid share ends with exit 1, one
 * "tls-probe: handshake failed: ... (sent alert illegal_parameter)" line, error.alert in --json, and
 * the alert on the server's side; the hostile ECH servers (hostile-ech.ts) likewise, and a plain
 * ECH rejection with exit 6 and ech_required.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { alertName } from '../../src/tls/codec/alerts.js';
import { jsonOf, probe } from '../helpers/cli.js';
import { ensurePki, type Pki } from '../helpers/pki.js';
import { testCredentials, type TestCredentials } from '../helpers/tls-server.js';
import { startHostileServer, type HostileListener, type HostileScript } from '../helpers/hostile-server.js';
import { CASES_2026 } from '../helpers/hostile-2026.js';
import { CASES_ECH, hostileEchKey } from '../helpers/hostile-ech.js';
import { echConfigListToBase64 } from '../../src/tls/ech/config.js';

let pki: Pki;
let creds: TestCredentials;
before(async () => {
  pki = await ensurePki();
  creds = await testCredentials();
});

const echList = (): string[] => ['--ech-config-list', echConfigListToBase64(hostileEchKey().configList)];

/** Case id, the flags it needs, the alert, the exit code (ECH: 6 for a rejection that completed). */
const RUNS: [string, () => string[], string, number][] = [
  ['ks-SecP256r1MLKEM768-short', () => ['--groups', 'SecP256r1MLKEM768'], 'illegal_parameter', 1],
  ['ks-MLKEM1024-short', () => ['--groups', 'MLKEM1024'], 'illegal_parameter', 1],
  ['ks-SecP384r1MLKEM1024-off-curve', () => ['--groups', 'SecP384r1MLKEM1024'], 'illegal_parameter', 1],
  ['ech-wrong-confirmation', echList, 'bad_record_mac', 1],
  ['ech-retry-garbage', echList, 'decode_error', 1],
  ['ech-grease-retry-garbage', () => ['--ech-grease'], 'decode_error', 1],
  ['ech-retry-after-accept', echList, 'unsupported_extension', 1],
  ['ech-rejected', echList, 'ech_required', 6],
];

for (const [id, flags, alert, exit] of RUNS) {
  const c = [...CASES_2026, ...CASES_ECH].find((x) => x.id === id);
  test(`${c?.title ?? id}: exit ${exit}, one line naming ${alert}, JSON error.alert`, { timeout: 30_000 }, async () => {
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
        ...flags(),
        '--connect-timeout',
        '2000',
        '--timeout',
        '2000',
        '--json',
      ]);
      await Promise.all(listener.connections.map((x) => x.closed));
      assert.equal(r.code, exit, `${r.stdout}\n${r.stderr}`);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      const verb = exit === 6 ? 'ECH not accepted' : 'handshake failed';
      assert.match(lines[0] ?? '', new RegExp(`^tls-probe: ${verb}: .*sent alert ${alert}`));
      const j = jsonOf(r) as { exitCode: number; error: { alert: string } };
      assert.equal(j.exitCode, exit);
      assert.equal(j.error.alert, alert);
      const server = listener.connections[0]?.server;
      assert.ok(server);
      const received = server.alertsReceived.map((a) => alertName(a.description));
      // Sealed under handshake keys the server does not share, the alert is unreadable to it.
      if (c.serverCannotRead) assert.deepEqual(received, []);
      else assert.ok(received.includes(alert), received.join());
    } finally {
      await listener.close();
    }
  });
}
