/**
 * 0-RTT under ECH (RFC 9849 §6.1; issues 16 and 18) against OpenSSL 4.0 `s_server -ech_key
 * -early_data`, started here. Accepted: the resumption's PSK and early_data ride in
 * ClientHelloInner and s_server prints our data between "Early data received:" and "End of early
 * data". Rejected: a stale ECH config makes s_server answer ClientHelloOuter, which has no PSK; it
 * skips the data ("Early data was rejected"), we report it rejected and end in ech_required (exit 6).
 * --brief ends with the full report's ECH line in both cases (s_client 4.0 -brief prints none).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePki, type Pki } from '../helpers/pki.js';
import { opensslNext, startOpenSslNextServer } from '../helpers/openssl-next.js';
import type { Peer } from '../helpers/peer-process.js';
import { connectionOf, probe, type CliResult } from '../helpers/cli.js';
import { echConfigListFromText, echConfigListToBase64 } from '../../src/tls/ech/config.js';

const MARKER = 'marker-ech-0rtt-7e2a';
const DATA = `GET /ech-early HTTP/1.0 ${MARKER}\n`;
let pki: Pki;
let dir: string;
let dataFile: string;
before(async () => {
  pki = await ensurePki();
  dir = mkdtempSync(join(tmpdir(), 'tls-probe-ech-early-'));
  dataFile = join(dir, 'early.txt');
  writeFileSync(dataFile, DATA);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** `openssl-4.0 ech` key and config PEM for `publicName`: its file and its list as base64. */
async function opensslEch(name: string, publicName: string): Promise<{ pem: string; b64: string }> {
  const pem = join(dir, `${name}.pem`);
  await opensslNext('4.0', ['ech', '-public_name', publicName, '-out', pem]);
  return { pem, b64: echConfigListToBase64(echConfigListFromText(readFileSync(pem, 'utf8'))) };
}

async function withServer(key: string, body: (peer: Peer) => Promise<void>): Promise<void> {
  const peer = await startOpenSslNextServer('4.0', {
    ...pki.leaf('p256'),
    args: ['-tls1_3', '-ech_key', key, '-early_data'],
  });
  try {
    await body(peer);
  } finally {
    await peer.stop();
  }
}

function cli(peer: Peer, extra: string[]): Promise<CliResult> {
  return probe(peer, [
    `127.0.0.1:${peer.port}`,
    '--servername',
    'localhost',
    '--cafile',
    pki.root,
    '--ticket-wait',
    '3000',
    ...extra,
  ]);
}

const show = (r: CliResult): string => `exit ${r.code}\n--- stdout\n${r.stdout.slice(-2500)}\n--- stderr\n${r.stderr}`;

test('openssl 4.0: --reconnect under ECH sends the file early inside the accepted inner handshake', async () => {
  const k = await opensslEch('acc', 'public.example');
  await withServer(k.pem, async (peer) => {
    const r = await cli(peer, ['--ech-config-list', k.b64, '--reconnect', '1', '--early-data', dataFile, '--json']);
    assert.equal(r.code, 0, show(r));
    const second = connectionOf(r, 1);
    assert.equal(second.resumed, true);
    assert.equal(second.ech.status, 'accepted');
    assert.deepEqual(second.earlyData, { status: 'accepted', maxEarlyData: 16384, sent: DATA.length });
    await peer.waitUntil((t) => t.includes('End of early data') && t.includes(MARKER), 'early data at s_server');
    // --brief (stderr) ends with the same ECH line as the full report.
    const b = await cli(peer, ['--ech-config-list', k.b64, '--brief']);
    assert.equal(b.code, 0, show(b));
    assert.match(b.stderr, /^CONNECTION ESTABLISHED$/m);
    assert.match(b.stderr, /^ECH: accepted$/m);
  });
});

test('openssl 4.0: ECH rejected on resumption: the early data is rejected (no PSK outside), exit 6', async () => {
  const served = await opensslEch('served', 'localhost');
  const stale = await opensslEch('stale', 'localhost');
  const sess = join(dir, 'sess.pem');
  await withServer(served.pem, async (peer) => {
    const first = await cli(peer, ['--ech-config-list', served.b64, '--sess-out', sess]);
    assert.equal(first.code, 0, show(first));
    assert.match(first.stdout, /^ECH: accepted$/m);
    const r = await cli(peer, ['--ech-config-list', stale.b64, '--sess-in', sess, '--early-data', dataFile]);
    assert.equal(r.code, 6, show(r));
    assert.match(r.stdout, /^ECH: rejected; retry configs: /m);
    assert.match(r.stdout, /^Early data was rejected$/m);
    assert.match(r.stderr, /^tls-probe: ECH not accepted: .*ech_required/m);
    await peer.waitUntil((t) => t.includes('Early data was rejected'), 's_server rejecting early data');
    assert.ok(!(peer.stdout() + peer.stderr()).includes(MARKER), 's_server never read our data');
    const b = await cli(peer, ['--ech-config-list', stale.b64, '--brief']);
    assert.equal(b.code, 6, show(b));
    assert.match(b.stderr, new RegExp(`^ECH: rejected; retry configs: ${served.b64.replace(/[+/]/g, '\\$&')}$`, 'm'));
  });
});
