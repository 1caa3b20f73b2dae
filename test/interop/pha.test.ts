/**
 * --enable-pha (issue 18 item 4) against `openssl s_server -verify 1 -msg`: once the connection is
 * up, s_server's typed command `c` sends a post-handshake CertificateRequest; s_server's -msg lines
 * show what we answered (Certificate with our chain, CertificateVerify, Finished; or an empty
 * Certificate and Finished without --cert), s_server verifies our chain (verify return:1 for the
 * client certificate), and the connection carries data afterwards. Without --enable-pha, s_server
 * refuses to ask (the client did not offer post_handshake_auth).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { ensurePki, type Pki } from '../helpers/pki.js';
import { startOpenSslServer, type Peer } from '../helpers/peers.js';
import { CLI } from '../helpers/cli.js';

let pki: Pki;
before(async () => {
  pki = await ensurePki();
});

/** Handshake messages s_server received (its -msg "<<<" lines), by name, in order. */
function received(peer: Peer): string[] {
  return [...peer.stdout().matchAll(/^<<< TLS 1\.3, Handshake \[length ([0-9a-f]+)\], (\w+)$/gm)].map(
    (m) => `${m[2]}:${parseInt(m[1] ?? '0', 16)}`,
  );
}

/**
 * Runs our CLI against `peer`: when s_server has the connection up it types `c`; once s_server
 * has read the answer's Finished (`finishes` Finished messages in all), a line of data follows,
 * and stdin ends once s_server printed it. Every step waits for the peer's own output.
 */
async function run(peer: Peer, args: string[], finishes: number): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, `${peer.host}:${peer.port}`, '--servername', 'localhost', ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout.resume();
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  try {
    await peer.waitForOutput('CIPHER is', 15_000);
    peer.write('c\n');
    await peer.waitUntil(
      () => received(peer).filter((m) => m.startsWith('Finished:')).length >= finishes,
      `${finishes} Finished messages`,
      15_000,
    );
    child.stdin.write('after-pha-7c1\n');
    await peer.waitForOutput(/^after-pha-7c1$/m, 15_000);
    child.stdin.end();
    return { code: await closed, stderr };
  } finally {
    child.kill();
  }
}

describe('--enable-pha against openssl s_server -verify 1, command c', () => {
  let peer: Peer | undefined;
  // Every server started here stops at the end, also when a test failed before its own stop().
  const started: Peer[] = [];
  after(async () => {
    await Promise.all(started.map((p) => p.stop()));
  });

  test('with --cert/--key: Certificate, CertificateVerify, Finished; s_server verifies our chain', async () => {
    peer = await startOpenSslServer({
      ...pki.leaf('p256'),
      args: ['-tls1_3', '-verify', '1', '-CAfile', pki.root, '-msg'],
    });
    started.push(peer);
    const client = pki.leaf('client');
    const r = await run(peer, ['--cafile', pki.root, '--enable-pha', '--cert', client.chain, '--key', client.key], 2);
    assert.equal(r.code, 0, r.stderr);
    const msgs = received(peer);
    // The handshake's own request (s_server -verify asks during the handshake too), then ours after `c`.
    const after = msgs.slice(msgs.indexOf(msgs.filter((m) => m.startsWith('Finished:'))[0] ?? '') + 1);
    assert.deepEqual(
      after.map((m) => m.split(':')[0]),
      ['Certificate', 'CertificateVerify', 'Finished'],
      msgs.join(' '),
    );
    assert.ok(Number(after[0]?.split(':')[1]) > 500, 'the post-handshake Certificate carries our chain');
    assert.match(peer.stdout() + peer.stderr(), /SSL_do_handshake -> 1/);
    assert.match(peer.stdout() + peer.stderr(), /depth=0 O = tls-probe test, CN = tls-probe client\nverify return:1/);
    await peer.stop();
    peer = undefined;
  });

  test('without a certificate: an empty Certificate and Finished; the connection goes on', async () => {
    peer = await startOpenSslServer({
      ...pki.leaf('p256'),
      args: ['-tls1_3', '-verify', '1', '-CAfile', pki.root, '-msg'],
    });
    started.push(peer);
    const r = await run(peer, ['--cafile', pki.root, '--enable-pha'], 2);
    assert.equal(r.code, 0, r.stderr);
    const msgs = received(peer);
    const after = msgs.slice(msgs.indexOf(msgs.filter((m) => m.startsWith('Finished:'))[0] ?? '') + 1);
    assert.deepEqual(
      after.map((m) => m.split(':')[0]),
      ['Certificate', 'Finished'],
      msgs.join(' '),
    );
    // type 4 + length 3, context (1 + s_server's 32 bytes), an empty certificate_list (3).
    assert.equal(after[0], 'Certificate:40');
    await peer.stop();
    peer = undefined;
  });

  test('without --enable-pha: s_server cannot ask (no post_handshake_auth), nothing more is exchanged', async () => {
    peer = await startOpenSslServer({
      ...pki.leaf('p256'),
      args: ['-tls1_3', '-verify', '1', '-CAfile', pki.root, '-msg'],
    });
    started.push(peer);
    const p = peer;
    const child = spawn(process.execPath, [
      CLI,
      `${p.host}:${p.port}`,
      '--servername',
      'localhost',
      '--cafile',
      pki.root,
    ]);
    child.stdout.resume();
    child.stderr.resume();
    const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    try {
      await p.waitForOutput('CIPHER is', 15_000);
      p.write('c\n');
      await p.waitForOutput(
        /Failed to initiate request|SSL_verify_client_post_handshake|extension not received/,
        15_000,
      );
      child.stdin.end();
      assert.equal(await closed, 0);
      assert.equal(received(p).filter((m) => m.startsWith('Finished:')).length, 1);
    } finally {
      child.kill();
    }
  });
});
