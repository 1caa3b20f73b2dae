/**
 * TLS 1.3 external PSK (RFC 8446 §4.2.11, s_client's -psk) against openssl s_server 3.0 -psk <hex>
 * -nocert started here on loopback. The server has no certificate, so a TLS 1.3 handshake can only
 * complete when it takes our PSK: its binder ("ext binder", §7.1), the SHA-256 hash s_server gives
 * the key (apps/s_server.c psk_find_session_cb), psk_dhe_ke with an X25519 share. Also: after a
 * HelloRetryRequest (the binder covers the HRR), resumption of the ticket it sends, and the cases
 * where the PSK cannot be used (wrong key, another identity, no SHA-256 suite offered). And gnutls-serv
 * --pskpasswd with a certificate as well: it takes the PSK (no Certificate) only when offered.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensurePki } from '../helpers/pki.js';
import { startGnutlsServer, startOpenSslServer, type Peer } from '../helpers/peers.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probe, targetOf, tlsProbeLines, type CliResult } from '../helpers/cli.js';

const KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
let server: Peer | undefined;
let hrr: Peer | undefined;
let named: Peer | undefined;
let gnutls: Peer | undefined;

before(async () => {
  const pki = await ensurePki();
  const leaf = pki.leaf('p256');
  const psk = ['-nocert', '-tls1_3', '-psk', KEY];
  server = await startOpenSslServer({ ...leaf, args: psk });
  // Only P-256: our first ClientHello's shares (x25519 and the hybrid) draw a HelloRetryRequest.
  hrr = await startOpenSslServer({ ...leaf, args: [...psk, '-groups', 'P-256'] });
  named = await startOpenSslServer({ ...leaf, args: [...psk, '-psk_identity', 'probe-id'] });
  // gnutls-serv with a certificate and a PSK file (identity:hex key): it takes the PSK when offered.
  const pskFile = join(mkdtempSync(join(tmpdir(), 'tls-probe-psk-')), 'psk.txt');
  writeFileSync(pskFile, `Client_identity:${KEY}\n`);
  gnutls = await startGnutlsServer({ ...leaf, args: [`--pskpasswd=${pskFile}`, '--priority=NORMAL:+ECDHE-PSK:+PSK'] });
});

after(async () => {
  await Promise.all([server?.stop(), hrr?.stop(), named?.stop(), gnutls?.stop()]);
});

interface Conn {
  protocol: string;
  handshake: string;
  resumed: boolean;
  peerCertificates: unknown[];
  verify: { code: number };
  serverTempKey: string;
}

/** The first connection of the --json report. */
function conn(r: CliResult): Conn {
  const j = JSON.parse(r.stdout) as { connections: Conn[] };
  const c = j.connections[0];
  assert.ok(c, r.stdout);
  return c;
}

describe('openssl s_server -tls1_3 -psk -nocert', () => {
  test('-psk alone: TLS 1.3 with the PSK and an X25519 share, no certificate, verify OK', async () => {
    const r = await probe(null, [targetOf(server), '-psk', KEY, '--json'], { send: '' });
    assert.equal(r.code, 0, r.stderr);
    const c = conn(r);
    assert.equal(c.protocol, 'TLSv1.3');
    assert.equal(c.handshake, 'full');
    assert.equal(c.resumed, false);
    assert.deepEqual(c.peerCertificates, []);
    assert.equal(c.verify.code, 0);
    assert.equal(c.serverTempKey, 'X25519, 253 bits');
  });

  test('the report: no peer certificate, Server Temp Key, verify return code 0', async () => {
    const r = await probe(null, [targetOf(server), '--psk', KEY], { send: '' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^New, TLSv1\.3, Cipher is TLS_/m);
    assert.match(r.stdout, /no peer certificate available/);
    assert.match(r.stdout, /Server Temp Key: X25519/);
    assert.match(r.stdout, /Verify return code: 0 \(ok\)/);
  });

  test('after a HelloRetryRequest the second ClientHello carries the PSK with a binder over the HRR', async () => {
    const r = await probe(null, [targetOf(hrr), '--psk', KEY, '--json'], { send: '' });
    assert.equal(r.code, 0, r.stderr);
    const c = conn(r);
    assert.equal(c.protocol, 'TLSv1.3');
    assert.equal(c.handshake, 'full-hrr');
    assert.deepEqual(c.peerCertificates, []);
  });

  test('--psk-identity names the identity the server expects', async () => {
    const r = await probe(null, [targetOf(named), '--psk', KEY, '--psk-identity', 'probe-id'], { send: '' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^New, TLSv1\.3, /m);
  });

  test('another identity: the server does not take the PSK and, having no certificate, fails', async () => {
    const r = await probe(null, [targetOf(named), '--psk', KEY], { send: '' });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(tlsProbeLines(r).length, 1, r.stderr);
  });

  test('a wrong key: the binder does not verify, exit 1, one tls-probe line', async () => {
    const wrong = KEY.replace(/f$/, 'e');
    const r = await probe(null, [targetOf(server), '--psk', wrong], { send: '' });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(tlsProbeLines(r).length, 1, r.stderr);
    assert.match(r.stderr, /illegal_parameter|decrypt_error/);
  });

  test('no SHA-256 suite offered: the PSK is not offered, the certificate-less server fails', async () => {
    const r = await probe(null, [targetOf(server), '--psk', KEY, '--ciphersuites', 'TLS_AES_256_GCM_SHA384'], {
      send: '',
    });
    assert.equal(r.code, 1, r.stderr);
  });

  test('--reconnect resumes with the ticket the PSK handshake earned (--expect-resume)', async () => {
    const r = await probe(null, [targetOf(server), '--psk', KEY, '--reconnect', '2', '--expect-resume'], { send: '' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((r.stdout.match(/^Reused, TLSv1\.3, /gm) ?? []).length, 2, r.stdout);
  });
});

describe('gnutls-serv --pskpasswd, with a certificate too', () => {
  test('with --psk the server takes the PSK: no certificate sent, verify return code 0', async () => {
    const c = conn(await probe(gnutls ?? null, [targetOf(gnutls), '--psk', KEY, '--json'], { send: '' }));
    assert.equal(c.protocol, 'TLSv1.3');
    assert.deepEqual(c.peerCertificates, []);
    assert.equal(c.verify.code, 0);
  });

  test('without --psk it authenticates with its certificate', async () => {
    const r = await probe(gnutls ?? null, [targetOf(gnutls), '--insecure', '--json'], { send: '' });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(conn(r).peerCertificates.length > 0, r.stdout);
  });

  test('a wrong key is refused (binder), not answered with the certificate: exit 1', async () => {
    const r = await probe(gnutls ?? null, [targetOf(gnutls), '--psk', KEY.replace(/f$/, 'e'), '--insecure'], {
      send: '',
    });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(tlsProbeLines(r).length, 1, r.stderr);
  });
});
