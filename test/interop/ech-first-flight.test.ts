/**
 * src/tls/ech pinned against real ECH servers before the handshake uses it: the HPKE seal, the
 * ClientHelloInner encoding with ech_outer_extensions, padding, ClientHelloOuterAAD and the
 * acceptance confirmations (ServerHello, and HelloRetryRequest with its message_hash transcript)
 * must agree with OpenSSL 4.0 s_server -ech_key and bssl-tool server -ech-key -ech-config, which
 * accept; a config with the right public name and id but another key must be rejected (no
 * confirmation). test/helpers/ech-probe.ts sends the flights and stops at ServerHello.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePki, type Pki } from '../helpers/pki.js';
import { opensslNext, startOpenSslNextServer } from '../helpers/openssl-next.js';
import { runClient, startBoringSslServer } from '../helpers/peers.js';
import { echFirstFlight, type EchProbeResult } from '../helpers/ech-probe.js';
import { echConfigListFromText } from '../../src/tls/ech/config.js';
import { bsslEchKey } from '../helpers/bssl-ech.js';

let pki: Pki;
let dir: string;
before(async () => {
  pki = await ensurePki();
  dir = mkdtempSync(join(tmpdir(), 'tls-probe-ech-ff-'));
});

async function opensslEchKey(name: string, suite: string): Promise<{ pem: string; list: Uint8Array }> {
  const pem = join(dir, `${name}.pem`);
  await opensslNext('4.0', [
    'ech',
    '-public_name',
    'public.example',
    '-suite',
    suite,
    '-max_name_len',
    '32',
    '-out',
    pem,
  ]);
  return { pem, list: echConfigListFromText(readFileSync(pem, 'utf8')) };
}

for (const [suite, label] of [
  ['0x20,1,1', 'AES-128-GCM'],
  ['0x20,1,2', 'AES-256-GCM'],
  ['0x20,1,3', 'ChaCha20-Poly1305'],
] as const) {
  test(`openssl 4.0 s_server -ech_key (${label}): accepted, and accepted again through HelloRetryRequest`, async () => {
    const key = await opensslEchKey(`k-${suite}`, suite);
    for (const [groups, hrr] of [
      [[], false],
      [['-groups', 'P-256'], true],
    ] as const) {
      const peer = await startOpenSslNextServer('4.0', {
        ...pki.leaf('p256'),
        args: ['-tls1_3', '-ech_key', key.pem, ...groups],
      });
      try {
        const r = await echFirstFlight('127.0.0.1', peer.port, key.list, 'localhost');
        assert.deepEqual(
          { hrr: r.hrr, hrrAccepted: r.hrrAccepted, accepted: r.accepted },
          {
            hrr,
            hrrAccepted: hrr ? true : null,
            accepted: true,
          },
        );
      } finally {
        await peer.stop();
      }
    }
  });
}

test('openssl 4.0: a config with the same public name but another key is rejected (no confirmation)', async () => {
  const served = await opensslEchKey('served', '0x20,1,1');
  const other = await opensslEchKey('other', '0x20,1,1');
  const peer = await startOpenSslNextServer('4.0', { ...pki.leaf('p256'), args: ['-tls1_3', '-ech_key', served.pem] });
  try {
    const r = await echFirstFlight('127.0.0.1', peer.port, other.list, 'localhost');
    assert.equal(r.accepted, false);
  } finally {
    await peer.stop();
  }
});

const PROBE = join(import.meta.dirname, '..', 'helpers', 'ech-probe.ts');

async function bsslFlight(
  key: { config: string; key: string },
  list: string,
  extra: string[],
): Promise<EchProbeResult> {
  const peer = await startBoringSslServer({
    ...pki.leaf('p256'),
    args: ['-ech-key', key.key, '-ech-config', key.config, ...extra],
  });
  try {
    const b64 = readFileSync(list).toString('base64');
    const r = await runClient(peer, [
      process.execPath,
      '--import',
      'tsx',
      PROBE,
      '127.0.0.1',
      String(peer.port),
      b64,
      'localhost',
    ]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    return JSON.parse(r.stdout.trim()) as EchProbeResult;
  } finally {
    await peer.stop();
  }
}

test('bssl-tool server -ech-key -ech-config: accepted; through HelloRetryRequest (-curves P-256) too', async () => {
  const key = bsslEchKey(dir, 'b', { configId: 5, publicName: 'public.example', maxNameLength: 24 });
  assert.deepEqual(await bsslFlight(key, key.list, []), {
    hrr: false,
    hrrAccepted: null,
    accepted: true,
    suite: 0x1301,
  });
  const viaHrr = await bsslFlight(key, key.list, ['-curves', 'P-256']);
  assert.deepEqual(
    { hrr: viaHrr.hrr, hrrAccepted: viaHrr.hrrAccepted, accepted: viaHrr.accepted },
    {
      hrr: true,
      hrrAccepted: true,
      accepted: true,
    },
  );
});

test('bssl-tool: the same config id under another key is rejected', async () => {
  const served = bsslEchKey(dir, 'served', { configId: 6, publicName: 'public.example', maxNameLength: 24 });
  const other = bsslEchKey(dir, 'other', { configId: 6, publicName: 'public.example', maxNameLength: 24 });
  const r = await bsslFlight(served, other.list, []);
  assert.equal(r.accepted, false);
});
