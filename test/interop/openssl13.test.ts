/**
 * TLS 1.3 interop against `openssl s_server` (issue: TLS 1.3 client core): each suite, each group
 * (P-384 through HelloRetryRequest), each leaf key type, with and without an intermediate, small
 * records, padding, ALPN, KeyUpdate both ways, a required client certificate, the key log, and the
 * --json document. Every case exchanges data and closes cleanly.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePki, type Pki } from '../helpers/pki.js';
import { startOpenSslServer, type Peer } from '../helpers/peers.js';
import { probe, jsonOf, type CliRun, connectionOf } from '../helpers/cli.js';

let pki: Pki;
before(async () => {
  pki = await ensurePki();
});

/** Starts s_server with a leaf and extra args, runs the CLI against it, stops the server. */
async function against(
  leaf: string,
  serverArgs: string[],
  clientArgs: string[],
  run: CliRun,
  check: (r: Awaited<ReturnType<typeof probe>>, peer: Peer) => void,
  stdin?: Parameters<typeof startOpenSslServer>[0]['stdin'],
): Promise<void> {
  const l = pki.leaf(leaf as Parameters<Pki['leaf']>[0]);
  const peer = await startOpenSslServer({
    cert: l.cert,
    key: l.key,
    chain: l.chain,
    args: serverArgs,
    ...(stdin ? { stdin } : {}),
  });
  try {
    const r = await probe(
      peer,
      [`127.0.0.1:${peer.port}`, '--servername', 'localhost', '--cafile', pki.root, ...clientArgs],
      run,
    );
    check(r, peer);
  } finally {
    await peer.stop();
  }
}

const ROUND_TRIP: CliRun = { send: 'hello tls-probe\n', waitFor: /eborp-slt olleh/ };

function okRoundTrip(r: Awaited<ReturnType<typeof probe>>): void {
  assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /eborp-slt olleh/);
  assert.match(r.stdout, /Verify return code: 0 \(ok\)/);
  assert.doesNotMatch(r.stderr, /without close_notify/);
}

for (const suite of ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']) {
  test(`suite ${suite}: data round trip and clean close`, () =>
    against('p256', ['-tls1_3', '-ciphersuites', suite, '-rev'], [], ROUND_TRIP, (r) => {
      okRoundTrip(r);
      assert.match(r.stdout, new RegExp(`^New, TLSv1\\.3, Cipher is ${suite}$`, 'm'));
    }));
}

for (const [group, serverGroup, temp, handshake] of [
  ['x25519', 'X25519', 'X25519, 253 bits', 'full'],
  ['P-256', 'P-256', 'ECDH, prime256v1, 256 bits', 'full'],
] as const) {
  test(`group ${group} offered first: no HelloRetryRequest`, () =>
    against('p256', ['-tls1_3', '-groups', serverGroup, '-www'], ['--groups', group, '--json'], {}, (r) => {
      assert.equal(r.code, 0, r.stderr);
      const c = connectionOf(r);
      assert.equal(c.group, group);
      assert.equal(c.handshake, handshake);
      void temp;
    }));
}

test('group P-384 reached through HelloRetryRequest from the default offer', () =>
  against('p256', ['-tls1_3', '-groups', 'P-384', '-rev'], [], ROUND_TRIP, (r) => {
    okRoundTrip(r);
    assert.match(r.stdout, /Server Temp Key: ECDH, secp384r1, 384 bits/);
  }));

test('HelloRetryRequest is reported as full-hrr in --json', () =>
  against('p256', ['-tls1_3', '-groups', 'P-384', '-www'], ['--json'], {}, (r) => {
    assert.equal(r.code, 0, r.stderr);
    const c = connectionOf(r);
    assert.equal(c.handshake, 'full-hrr');
    assert.equal(c.group, 'P-384');
  }));

for (const leaf of ['rsa2048', 'p256', 'p384', 'ed25519', 'direct']) {
  test(`leaf ${leaf}${leaf === 'direct' ? ' (no intermediate)' : ' with intermediate'}: verified, round trip`, () =>
    against(leaf, ['-tls1_3', '-rev'], [], ROUND_TRIP, (r) => {
      okRoundTrip(r);
      const expectSig =
        leaf === 'rsa2048'
          ? /Peer signature type: RSA-PSS/
          : leaf === 'ed25519'
            ? /Peer signature type: Ed25519/
            : /Peer signature type: ECDSA/;
      assert.match(r.stdout, expectSig);
    }));
}

test('-max_send_frag 512: fragmented handshake messages and small records', () =>
  against(
    'rsa2048',
    ['-tls1_3', '-max_send_frag', '512', '-rev'],
    [],
    { send: 'x'.repeat(3000) + '\n', waitFor: /x{3000}/ },
    (r) => {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Verify return code: 0 \(ok\)/);
    },
  ));

test('-record_padding 1024: padded records are accepted', () =>
  against('p256', ['-tls1_3', '-record_padding', '1024', '-rev'], [], ROUND_TRIP, okRoundTrip));

test('ALPN: the server picks h2 from our offer', () =>
  against('p256', ['-tls1_3', '-alpn', 'h2,http/1.1', '-rev'], ['--alpn', 'http/1.1,h2'], ROUND_TRIP, (r) => {
    okRoundTrip(r);
    assert.match(r.stdout, /^ALPN protocol: (h2|http\/1\.1)$/m);
  }));

test('no ALPN offered: "No ALPN negotiated"', () =>
  against('p256', ['-tls1_3', '-rev'], [], ROUND_TRIP, (r) => assert.match(r.stdout, /^No ALPN negotiated$/m)));

for (const [cmd, what] of [
  ['k', 'update_not_requested'],
  ['K', 'update_requested'],
] as const) {
  test(`KeyUpdate ${cmd} (${what}): data flows both ways after it`, async () => {
    const l = pki.leaf('p256');
    // -msg: s_server traces the KeyUpdate it sends, the readiness signal for the next line.
    const peer = await startOpenSslServer({ ...l, args: ['-tls1_3', '-msg'] });
    try {
      const running = probe(
        peer,
        [`127.0.0.1:${peer.port}`, '--servername', 'localhost', '--cafile', pki.root, '--auto-retry', '--msg'],
        { waitFor: /server-after-update/, reply: 'client-after-update\n', timeoutMs: 15_000 },
      );
      await peer.waitForOutput(/CIPHER is/, 10_000);
      peer.write(`${cmd}\n`);
      // s_server takes a command only when it is all of one read from stdin (else it is sent as
      // data), so the next line goes out once the command was processed: its KeyUpdate traced.
      await peer.waitForOutput(/^>>> TLS 1\.3, Handshake \[length 0005\], KeyUpdate$/m, 10_000);
      peer.write('server-after-update\n');
      const r = await running;
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /server-after-update/);
      await peer.waitForOutput(/client-after-update/, 5_000);
      assert.match(r.stderr, /^<<< TLS 1\.3, Handshake \[length 0005\], KeyUpdate$/m);
      // update_requested is answered with our own KeyUpdate; update_not_requested is not.
      assert.equal(/^>>> TLS 1\.3, Handshake \[length 0005\], KeyUpdate$/m.test(r.stderr), cmd === 'K');
    } finally {
      await peer.stop();
    }
  });
}

test('client certificate required: --cert/--key answer the CertificateRequest', () =>
  against(
    'p256',
    ['-tls1_3', '-Verify', '2', '-CAfile', '__ROOT__', '-verify_return_error', '-rev'].map((a) =>
      a === '__ROOT__' ? pki.root : a,
    ),
    ['--cert', pki.leaf('client').chain, '--key', pki.leaf('client').key],
    ROUND_TRIP,
    (r, peer) => {
      okRoundTrip(r);
      assert.match(peer.stdout() + peer.stderr(), /client certificate|verify return:1/i);
    },
  ));

test('client certificate required and none given: the server refuses (exit 1, alert named)', () =>
  against(
    'p256',
    ['-tls1_3', '-Verify', '2', '-CAfile', '__ROOT__', '-verify_return_error', '-rev'].map((a) =>
      a === '__ROOT__' ? pki.root : a,
    ),
    [],
    ROUND_TRIP,
    (r) => {
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, /certificate_required|handshake_failure/);
      assert.equal(
        r.stderr
          .trim()
          .split('\n')
          .filter((l) => l.startsWith('tls-probe:')).length,
        1,
      );
    },
  ));

test('--keylogfile equals s_server -keylogfile line for line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tls-probe-keylog-'));
  const serverLog = join(dir, 'server.log');
  const clientLog = join(dir, 'client.log');
  await against(
    'p256',
    ['-tls1_3', '-keylogfile', serverLog, '-rev'],
    ['--keylogfile', clientLog],
    ROUND_TRIP,
    okRoundTrip,
  );
  const lines = (f: string): string =>
    readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .join('\n');
  assert.equal(lines(clientLog).split('\n').length, 5);
  assert.equal(lines(clientLog), lines(serverLog));
});

test('--json on a TLS 1.3 server has the keys of spec/cli.md with true values', () =>
  against('p256', ['-tls1_3', '-www'], ['--json', '--alpn', 'http/1.1'], {}, (r) => {
    assert.equal(r.code, 0, r.stderr);
    const j = jsonOf(r);
    assert.deepEqual(j.target, { host: '127.0.0.1', port: j.target.port, servername: 'localhost' });
    const c = connectionOf(j);
    assert.equal(c.protocol, 'TLSv1.3');
    assert.match(c.cipher ?? '', /^TLS_/);
    assert.ok(['X25519MLKEM768', 'x25519'].includes(c.group ?? ''));
    assert.equal(c.handshake, 'full');
    assert.equal(c.resumed, false);
    assert.equal(c.verify.ok, true);
    assert.equal(c.verify.code, 0);
    assert.equal(c.peerCertificates.length, 2);
    assert.match(c.peerCertificates[0]?.subject ?? '', /localhost/);
    for (const k of ['issuer', 'notBefore', 'notAfter', 'publicKey', 'sha256'] as const)
      assert.ok(c.peerCertificates[0]?.[k], k);
    assert.equal(typeof c.tickets, 'number');
    assert.equal(c.sessionSaved, false);
    assert.ok(c.bytes.read >= 0 && c.bytes.written >= 0);
    assert.ok(c.timings.handshakeMs >= 0);
    for (const m of ['partialWrite', 'acceptMovingWriteBuffer', 'autoRetry', 'releaseBuffers'] as const)
      assert.equal(j.modes[m], false, m);
    assert.equal(j.error, null);
  }));
