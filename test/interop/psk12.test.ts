/**
 * TLS 1.2 external PSK (RFC 4279 plain PSK, RFC 5489 ECDHE_PSK, RFC 7905 ChaCha20) against
 * openssl s_server 3.0 -psk <hex> -nocert started here on loopback: s_client's -psk and
 * -psk_identity (and the long --psk/--psk-identity), the report's Cipher line, no certificate, resumption,
 * Verify return code 0, the identity the server received, a wrong key failing the handshake, no
 * PSK suite offered without --psk, and bad hex refused with exit 2 before anything is sent.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensurePki } from '../helpers/pki.js';
import { startOpenSslServer, type Peer } from '../helpers/peers.js';
import { probe, targetOf, tlsProbeLines } from '../helpers/cli.js';

const KEY = '0123456789abcdef0123456789abcdef';
let plain: Peer | undefined;
let ecdhe: Peer | undefined;

before(async () => {
  // startOpenSslServer passes -cert/-key; -nocert makes s_server load neither (apps/s_server.c).
  const pki = await ensurePki();
  const server = pki.leaf('p256');
  const psk = ['-nocert', '-tls1_2', '-psk', KEY];
  plain = await startOpenSslServer({
    ...server,
    args: [...psk, '-cipher', 'PSK-AES128-CBC-SHA', '-psk_hint', 'probe hint', '-psk_identity', 'probe-id'],
  });
  ecdhe = await startOpenSslServer({ ...server, args: [...psk, '-cipher', 'ECDHE-PSK-CHACHA20-POLY1305'] });
});

after(async () => {
  await Promise.all([plain?.stop(), ecdhe?.stop()]);
});

describe('openssl s_server -psk -nocert', () => {
  test('PSK-AES128-CBC-SHA with --psk and --psk-identity: connected, no certificate, verify OK', async () => {
    const r = await probe(null, [targetOf(plain), '--psk', KEY, '--psk-identity', 'probe-id'], { send: '' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^New, TLSv1\.2, Cipher is PSK-AES128-CBC-SHA$/m);
    assert.match(r.stdout, /no peer certificate available/);
    assert.match(r.stdout, /Verify return code: 0 \(ok\)/);
    // SSL_SESSION_print's PSK lines: the identity we sent, the server's -psk_hint.
    assert.match(r.stdout, /^ {4}PSK identity: probe-id$/m);
    assert.match(r.stdout, /^ {4}PSK identity hint: probe hint$/m);
    assert.ok(plain);
    // s_server warns when the identity is not the one it expects: this one is.
    assert.doesNotMatch(plain.stdout() + plain.stderr(), /client identity not what we expected/);
  });

  test("s_client's -psk alone sends the default identity Client_identity", async () => {
    const r = await probe(null, [targetOf(plain), '-psk', KEY], { send: '' });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(plain);
    await plain.waitForOutput(/got 'Client_identity' expected 'probe-id'/);
  });

  test('ECDHE-PSK-CHACHA20-POLY1305 with -psk -psk_identity: X25519 temp key', async () => {
    const r = await probe(null, [targetOf(ecdhe), '-psk', KEY, '-psk_identity', 'Client_identity'], { send: '' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^New, TLSv1\.2, Cipher is ECDHE-PSK-CHACHA20-POLY1305$/m);
    assert.match(r.stdout, /Server Temp Key: X25519/);
  });

  test('a PSK session resumes (--reconnect --expect-resume): Reused, same suite', async () => {
    const r = await probe(null, [targetOf(ecdhe), '--psk', KEY, '--reconnect', '2', '--expect-resume'], { send: '' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      (r.stdout.match(/^Reused, TLSv1\.2, Cipher is ECDHE-PSK-CHACHA20-POLY1305$/gm) ?? []).length,
      2,
      r.stdout,
    );
  });

  test('a wrong key fails the handshake: exit 1, one tls-probe line', async () => {
    const wrong = KEY.replace(/f$/, 'e');
    const r = await probe(null, [targetOf(ecdhe), '--psk', wrong], { send: '' });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(tlsProbeLines(r).length, 1, r.stderr);
    assert.match(r.stderr, /bad_record_mac|decrypt_error/);
  });

  test('without --psk no PSK suite is offered: the PSK-only server finds no shared cipher', async () => {
    const r = await probe(null, [targetOf(plain), '--tls1_2'], { send: '' });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /handshake_failure/);
  });

  test('--psk that is not hex: exit 2 before connecting', async () => {
    const r = await probe(null, [targetOf(plain), '--psk', '01xz'], { send: '' });
    assert.equal(r.code, 2, r.stderr);
    assert.deepEqual(tlsProbeLines(r), [
      "tls-probe: --psk expects the key as an even number of hex digits (1 to 512 bytes), got '01xz'",
    ]);
  });
});
