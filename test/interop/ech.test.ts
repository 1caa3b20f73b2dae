/**
 * ECH through the whole handshake and the CLI (RFC 9849; issue 16) against OpenSSL 4.0
 * `s_server -ech_key` and `bssl-tool server -ech-key -ech-config`, both started here: accepted
 * (the certificate verified for the inner name while the outer hello named the public name),
 * rejected with retry configs (a server holding another key: exit 6, the report's retry configs
 * are the served list and work when passed back), a rejection whose outer certificate does not
 * verify for the public name (exit 3), HelloRetryRequest both ways (and on --crypto noble), --sess-in resumption inside
 * ClientHelloInner, --ech-outer-sni, and GREASE against servers with and without ECH.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePki, type Pki } from '../helpers/pki.js';
import { opensslNext, startOpenSslNextServer } from '../helpers/openssl-next.js';
import { startBoringSslServer, startOpenSslServer } from '../helpers/peers.js';
import type { Peer } from '../helpers/peer-process.js';
import { connectionOf, errorOf, probe, type CliResult } from '../helpers/cli.js';
import { echConfigListFromText, echConfigListToBase64 } from '../../src/tls/ech/config.js';
import { bsslEchKey } from '../helpers/bssl-ech.js';

let pki: Pki;
let dir: string;
before(async () => {
  pki = await ensurePki();
  dir = mkdtempSync(join(tmpdir(), 'tls-probe-ech-'));
});

/** `openssl-4.0 ech` key and config PEM for `publicName`; returns the file and its list as base64. */
async function opensslEch(name: string, publicName: string): Promise<{ pem: string; b64: string }> {
  const pem = join(dir, `${name}.pem`);
  await opensslNext('4.0', ['ech', '-public_name', publicName, '-out', pem]);
  return { pem, b64: echConfigListToBase64(echConfigListFromText(readFileSync(pem, 'utf8'))) };
}

async function withServer<T>(start: () => Promise<Peer>, body: (peer: Peer) => Promise<T>): Promise<T> {
  const peer = await start();
  try {
    return await body(peer);
  } finally {
    await peer.stop();
  }
}

const openssl40 =
  (key: string, extra: string[] = []) =>
  () =>
    startOpenSslNextServer('4.0', { ...pki.leaf('p256'), args: ['-tls1_3', '-ech_key', key, ...extra] });

function cli(peer: Peer, extra: string[]): Promise<CliResult> {
  return probe(peer, [`127.0.0.1:${peer.port}`, '--servername', 'localhost', '--cafile', pki.root, ...extra]);
}

test('openssl 4.0: accepted; the outer hello names the public name, the certificate verifies for the inner name', async () => {
  const k = await opensslEch('acc', 'public.example');
  await withServer(openssl40(k.pem), async (peer) => {
    const r = await cli(peer, ['--ech-config-list', k.pem]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ECH: accepted$/m);
    assert.match(r.stdout, /^Verify return code: 0 \(ok\)$/m);
    const j = connectionOf(await cli(peer, ['--ech-config-list', k.b64, '--json']));
    assert.deepEqual(j.ech, { status: 'accepted', outerServerName: 'public.example', retryConfigs: null });
    assert.equal(j.handshake, 'full');
  });
});

test('openssl 4.0: another key is rejected: exit 6, retry configs are the served list and are accepted when passed back', async () => {
  const served = await opensslEch('served', 'localhost');
  const stale = await opensslEch('stale', 'localhost');
  await withServer(openssl40(served.pem), async (peer) => {
    const r = await cli(peer, ['--ech-config-list', stale.b64]);
    assert.equal(r.code, 6, r.stderr);
    assert.match(r.stdout, new RegExp(`^ECH: rejected; retry configs: ${served.b64.replace(/[+/]/g, '\\$&')}$`, 'm'));
    assert.match(r.stderr, /^tls-probe: ECH not accepted: .*ech_required.*$/m);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    const j = await cli(peer, ['--ech-config-list', stale.b64, '--json']);
    assert.equal(j.code, 6);
    assert.deepEqual(connectionOf(j).ech, {
      status: 'rejected',
      outerServerName: 'localhost',
      retryConfigs: served.b64,
    });
    assert.equal(errorOf(j).alert, 'ech_required');
    const again = await cli(peer, ['--ech-config-list', served.b64]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^ECH: accepted$/m);
  });
});

test('openssl 4.0: a rejection is verified for the public name: a certificate not valid for it is exit 3', async () => {
  const served = await opensslEch('served3', 'public.example');
  const stale = await opensslEch('stale3', 'public.example');
  await withServer(openssl40(served.pem), async (peer) => {
    const r = await cli(peer, ['--ech-config-list', stale.b64]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /verify error:num=62:/);
    // --ech-outer-sni localhost: the name the certificate has; the rejection then verifies (exit 6).
    const o = await cli(peer, ['--ech-config-list', stale.b64, '--ech-outer-sni', 'localhost', '--json']);
    assert.equal(o.code, 6, o.stderr);
    assert.equal(connectionOf(o).ech.outerServerName, 'localhost');
  });
});

test('openssl 4.0 -groups P-256: HelloRetryRequest, ECH accepted through it and rejected through it', async () => {
  const served = await opensslEch('hrr', 'localhost');
  const stale = await opensslEch('hrr-stale', 'localhost');
  await withServer(openssl40(served.pem, ['-groups', 'P-256']), async (peer) => {
    const a = await cli(peer, ['--ech-config-list', served.b64, '--json']);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(connectionOf(a).handshake, 'full-hrr');
    assert.equal(connectionOf(a).ech.status, 'accepted');
    const r = await cli(peer, ['--ech-config-list', stale.b64, '--json']);
    assert.equal(r.code, 6, r.stderr);
    assert.equal(connectionOf(r).handshake, 'full-hrr');
    assert.deepEqual(connectionOf(r).ech, {
      status: 'rejected',
      outerServerName: 'localhost',
      retryConfigs: served.b64,
    });
  });
});

test('openssl 4.0 -groups P-256, --crypto noble: HPKE and the confirmations on the pure-TypeScript provider too', async () => {
  const k = await opensslEch('noble', 'public.example');
  await withServer(openssl40(k.pem, ['-groups', 'P-256']), async (peer) => {
    const r = await cli(peer, ['--ech-config-list', k.b64, '--crypto', 'noble', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(connectionOf(r).handshake, 'full-hrr');
    assert.equal(connectionOf(r).ech.status, 'accepted');
  });
});

test('openssl 4.0: --sess-out then --sess-in --expect-resume under ECH (the PSK inside ClientHelloInner), with HRR', async () => {
  const k = await opensslEch('resume', 'public.example');
  const sess = join(dir, 'ech-session.pem');
  await withServer(openssl40(k.pem, ['-groups', 'P-256']), async (peer) => {
    const first = await cli(peer, ['--ech-config-list', k.b64, '--sess-out', sess]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^ECH: accepted$/m);
    const second = await cli(peer, ['--ech-config-list', k.b64, '--sess-in', sess, '--expect-resume', '--json']);
    assert.equal(second.code, 0, second.stderr);
    const c = connectionOf(second);
    assert.equal(c.resumed, true);
    assert.equal(c.ech.status, 'accepted');
  });
});

test('--ech-grease: reported as GREASE against OpenSSL 4.0 with ECH and OpenSSL 3.0 without', async () => {
  const k = await opensslEch('grease', 'public.example');
  for (const start of [openssl40(k.pem), () => startOpenSslServer({ ...pki.leaf('p256'), args: ['-tls1_3'] })]) {
    await withServer(start, async (peer) => {
      const r = await cli(peer, ['--ech-grease', '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(connectionOf(r).ech, { status: 'grease', outerServerName: null, retryConfigs: null });
    });
  }
});

const bssl =
  (k: { key: string; config: string }, extra: string[] = []) =>
  () =>
    startBoringSslServer({ ...pki.leaf('p256'), args: ['-ech-key', k.key, '-ech-config', k.config, ...extra] });

test('bssl-tool server -ech-key -ech-config: accepted (raw list file), through HRR too; another key: exit 6 with retry configs', async () => {
  const k = bsslEchKey(dir, 'b', { configId: 7, publicName: 'localhost' });
  const other = bsslEchKey(dir, 'b-other', { configId: 7, publicName: 'localhost' });
  for (const [extra, handshake] of [
    [[], 'full'],
    [['-curves', 'P-256'], 'full-hrr'],
  ] as const) {
    await withServer(bssl(k, [...extra]), async (peer) => {
      const r = await cli(peer, ['--ech-config-list', k.list, '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(connectionOf(r).handshake, handshake);
      assert.equal(connectionOf(r).ech.status, 'accepted');
      const x = await cli(peer, ['--ech-config-list', other.list, '--json']);
      assert.equal(x.code, 6, x.stderr);
      assert.equal(connectionOf(x).ech.status, 'rejected');
      assert.equal(connectionOf(x).ech.retryConfigs, readFileSync(k.list).toString('base64'));
    });
  }
});
