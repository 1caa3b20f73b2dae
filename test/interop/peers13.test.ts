/**
 * TLS 1.3 interop against stacks other than OpenSSL (issue: TLS 1.3 client core): GnuTLS
 * (gnutls-serv --echo), NSS (selfserv, an HTTP-ish responder), BoringSSL (bssl-tool server, which
 * relays the connection to and from its stdin/stdout), our Go crypto/tls peer (reverse mode) and
 * Node 24 / OpenSSL 3.5 with the hybrid group X25519MLKEM768. Every peer gets a full handshake, a
 * data round trip and a clean close (exit 0, no "without close_notify" warning: none of these peers
 * closes without close_notify); NSS (-I P384, with a cookie) and BoringSSL (-curves P-384) also get
 * a HelloRetryRequest. Each server is started once per block and shared by the block's clients.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ensurePki, type Pki } from '../helpers/pki.js';
import {
  startBoringSslServer,
  startGnutlsServer,
  startGoServer,
  startNodeServer,
  startNssServer,
  type Peer,
} from '../helpers/peers.js';
import { probe, jsonOf, type CliResult, connectionOf } from '../helpers/cli.js';
import type { JsonConnection } from '../../src/cli/json.js';

const CLIENT_TIMEOUT_MS = 20_000;

let pki: Pki;
before(async () => {
  pki = await ensurePki();
});

/** The usual target and trust options: the peer's address, SNI localhost, our test root. */
function target(peer: Peer): string[] {
  return [`127.0.0.1:${peer.port}`, '--servername', 'localhost', '--cafile', pki.root];
}

function show(r: CliResult): string {
  return `exit ${r.code}${r.timedOut ? ' (timed out)' : ''}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

/** A verified TLS 1.3 handshake, reported s_client style, ending in a clean close. */
function assertCleanTls13(r: CliResult): void {
  assert.equal(r.timedOut, false, show(r));
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /^Protocol: TLSv1\.3$/m, show(r));
  assert.match(
    r.stdout,
    /^New, TLSv1\.3, Cipher is TLS_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)$/m,
    show(r),
  );
  assert.match(r.stdout, /^Verification: OK$/m, show(r));
  assert.match(r.stdout, /^Verify return code: 0 \(ok\)$/m, show(r));
  assert.doesNotMatch(r.stderr, /without close_notify/, show(r));
  assert.doesNotMatch(r.stderr, /^tls-probe: /m, show(r)); // no error or warning line
}

/** The --json document of a verified TLS 1.3 connection without errors; returns connections[0]. */
function assertJsonTls13(r: CliResult, handshake: 'full' | 'full-hrr', group: string): JsonConnection {
  assert.equal(r.code, 0, show(r));
  const j = jsonOf(r);
  assert.equal(j.error, null, show(r));
  assert.equal(j.connections.length, 1, show(r));
  const c = connectionOf(j);
  assert.equal(c.protocol, 'TLSv1.3');
  assert.equal(c.handshake, handshake);
  assert.equal(c.resumed, false);
  assert.equal(c.group, group);
  assert.deepEqual(
    { ok: c.verify.ok, code: c.verify.code, message: c.verify.message },
    { ok: true, code: 0, message: 'ok' },
  );
  assert.match(c.peerCertificates[0]?.subject ?? '', /CN = localhost/);
  assert.equal(c.peerCertificates.length, 2, 'leaf and intermediate');
  return c;
}

/** --trace output split into messages: direction, name and the decoded lines below the header. */
function traceMessages(stderr: string): { dir: '>>>' | '<<<'; name: string; body: string[] }[] {
  const out: { dir: '>>>' | '<<<'; name: string; body: string[] }[] = [];
  for (const line of stderr.split('\n')) {
    const m = /^(>>>|<<<) (\w+)/.exec(line);
    if (m) out.push({ dir: m[1] as '>>>' | '<<<', name: m[2]!, body: [] });
    else out[out.length - 1]?.body.push(line);
  }
  return out;
}

/** The value line that follows "extension: cookie" in a traced message, or undefined. */
function cookieOf(body: string[]): string | undefined {
  const at = body.findIndex((l) => /extension: cookie$/.test(l));
  if (at < 0) return undefined;
  // "extension: cookie", "extension data length: N", then the cookie's own length + bytes.
  return body[at + 2]?.trim();
}

describe('TLS 1.3 against other stacks', { concurrency: 3 }, () => {
  describe('GnuTLS gnutls-serv --echo (P-256 leaf + intermediate)', () => {
    let peer: Peer;
    before(async () => {
      peer = await startGnutlsServer({ ...pki.leaf('p256'), mode: 'echo' });
    });
    after(() => peer?.stop());

    test('handshake, echoed line, clean close', async () => {
      const r = await probe(peer, target(peer), {
        send: 'hello gnutls from tls-probe\n',
        waitFor: /hello gnutls from tls-probe\n/,
        timeoutMs: CLIENT_TIMEOUT_MS,
      });
      assertCleanTls13(r);
      // The echo comes after the report: it is the server's data, not our own input.
      assert.match(r.stdout, /Verify return code: 0 \(ok\)[\s\S]*\nhello gnutls from tls-probe\n/);
      await peer.waitForOutput(/Version: TLS1\.3/, 5_000);
    });

    test('--json: full handshake, verified', async () => {
      const r = await probe(peer, [...target(peer), '--json'], { timeoutMs: CLIENT_TIMEOUT_MS });
      const c = assertJsonTls13(r, 'full', 'x25519'); // GnuTLS 3.7 has no X25519MLKEM768
      assert.equal(c.sni, 'localhost');
    });
  });

  describe('NSS selfserv (RSA-2048 leaf + intermediate)', () => {
    let peer: Peer;
    before(async () => {
      peer = await startNssServer({ ...pki.leaf('rsa2048'), args: ['-V', 'tls1.3:'] });
    });
    after(() => peer?.stop());

    test('handshake, HTTP GET answered, server close_notify, clean close', async () => {
      // selfserv is an HTTP-ish responder: it answers a request (echoing it in the body) and closes.
      const r = await probe(peer, target(peer), {
        send: 'GET /tls-probe-nss HTTP/1.0\r\n\r\n',
        waitFor: /GET \/tls-probe-nss HTTP\/1\.0/,
        timeoutMs: CLIENT_TIMEOUT_MS,
      });
      assertCleanTls13(r);
      assert.match(r.stdout, /^HTTP\/1\.0 200 OK\r?$/m);
      assert.match(r.stdout, /^GET \/tls-probe-nss HTTP\/1\.0\r?$/m);
      assert.match(r.stdout, /^Peer signature type: RSA-PSS$/m);
    });

    test('--json: full handshake, verified', async () => {
      const r = await probe(peer, [...target(peer), '--json'], { timeoutMs: CLIENT_TIMEOUT_MS });
      assertJsonTls13(r, 'full', 'x25519'); // NSS here has no X25519MLKEM768
    });
  });

  describe('NSS selfserv -I P384: HelloRetryRequest with a cookie', () => {
    let peer: Peer;
    before(async () => {
      peer = await startNssServer({ ...pki.leaf('p256'), args: ['-V', 'tls1.3:', '-I', 'P384'] });
    });
    after(() => peer?.stop());

    test('the HRR cookie is echoed in the second ClientHello; HTTP round trip', async () => {
      const r = await probe(peer, [...target(peer), '--trace'], {
        send: 'GET /tls-probe-hrr HTTP/1.0\r\n\r\n',
        waitFor: /GET \/tls-probe-hrr HTTP\/1\.0/,
        timeoutMs: CLIENT_TIMEOUT_MS,
      });
      assertCleanTls13(r);
      assert.match(r.stdout, /^Server Temp Key: ECDH, secp384r1, 384 bits$/m);
      assert.match(r.stdout, /^GET \/tls-probe-hrr HTTP\/1\.0\r?$/m);
      const msgs = traceMessages(r.stderr);
      const hellos = msgs
        .filter((m) => m.name === 'ClientHello' || m.name === 'ServerHello')
        .map((m) => `${m.dir} ${m.name}`);
      assert.deepEqual(hellos, ['>>> ClientHello', '<<< ServerHello', '>>> ClientHello', '<<< ServerHello'], r.stderr);
      const hrr = msgs.find((m) => m.dir === '<<<' && m.name === 'ServerHello')!;
      const ch2 = msgs.filter((m) => m.dir === '>>>' && m.name === 'ClientHello')[1]!;
      const cookie = cookieOf(hrr.body);
      assert.ok(cookie, `HelloRetryRequest has no cookie extension:\n${hrr.body.join('\n')}`);
      assert.equal(cookieOf(ch2.body), cookie, 'second ClientHello must echo the HRR cookie');
      assert.ok(
        hrr.body.some((l) => /selected group: P-384$/.test(l)),
        hrr.body.join('\n'),
      );
    });

    test('--json: handshake "full-hrr", group P-384', async () => {
      const r = await probe(peer, [...target(peer), '--json'], { timeoutMs: CLIENT_TIMEOUT_MS });
      assertJsonTls13(r, 'full-hrr', 'P-384');
    });
  });

  describe('BoringSSL bssl-tool server -loop (P-256 leaf + intermediate)', () => {
    let peer: Peer;
    before(async () => {
      peer = await startBoringSslServer({ ...pki.leaf('p256') });
    });
    after(() => peer?.stop());

    test("handshake, data both ways through the server's stdio, clean close", async () => {
      const running = probe(peer, target(peer), {
        send: 'hello bssl from tls-probe\n',
        waitFor: /reply from bssl-tool/,
        timeoutMs: CLIENT_TIMEOUT_MS,
      });
      // bssl-tool server copies the connection to its stdout and its stdin to the connection.
      await peer.waitForOutput('hello bssl from tls-probe', 15_000);
      peer.write('reply from bssl-tool\n');
      const r = await running;
      assertCleanTls13(r);
      assert.match(r.stdout, /^reply from bssl-tool$/m);
      await peer.waitForOutput(/Version: TLSv1\.3/, 5_000);
    });

    test('--json: full handshake, verified', async () => {
      const r = await probe(peer, [...target(peer), '--json'], { timeoutMs: CLIENT_TIMEOUT_MS });
      assertJsonTls13(r, 'full', 'x25519'); // this BoringSSL picks x25519 over our X25519MLKEM768 share
      await peer.waitForOutput(/ECDHE curve: X25519/, 5_000);
    });
  });

  describe('BoringSSL bssl-tool server -curves P-384: HelloRetryRequest', () => {
    let peer: Peer;
    before(async () => {
      peer = await startBoringSslServer({ ...pki.leaf('p256'), args: ['-curves', 'P-384'] });
    });
    after(() => peer?.stop());

    test('--json: handshake "full-hrr", group P-384', async () => {
      const r = await probe(peer, [...target(peer), '--json'], { timeoutMs: CLIENT_TIMEOUT_MS });
      assertJsonTls13(r, 'full-hrr', 'P-384');
      await peer.waitForOutput(/ECDHE curve: P-384/, 5_000);
    });
  });

  describe('Go crypto/tls peer, reverse mode (RSA-2048 leaf + intermediate)', () => {
    let peer: Peer;
    before(async () => {
      peer = await startGoServer({ ...pki.leaf('rsa2048'), mode: 'reverse' });
    });
    after(() => peer?.stop());

    test('handshake, reversed line, clean close', async () => {
      const r = await probe(peer, target(peer), {
        send: 'hello go from tls-probe\n',
        waitFor: /eborp-slt morf og olleh/,
        timeoutMs: CLIENT_TIMEOUT_MS,
      });
      assertCleanTls13(r);
      assert.match(r.stdout, /^eborp-slt morf og olleh$/m);
      assert.match(r.stdout, /^Peer signature type: RSA-PSS$/m);
      await peer.waitForOutput(/HANDSHAKE version=TLS1\.3 /, 5_000);
      assert.doesNotMatch(peer.stdout(), /HANDSHAKE-ERROR/);
    });

    test('--json: full handshake, verified', async () => {
      const r = await probe(peer, [...target(peer), '--json'], { timeoutMs: CLIENT_TIMEOUT_MS });
      assertJsonTls13(r, 'full', 'x25519'); // Go 1.19 has no X25519MLKEM768
    });
  });

  describe("Node 24 (OpenSSL 3.5) with ecdhCurve 'X25519MLKEM768' (P-256 leaf + intermediate)", () => {
    let peer: Peer;
    before(async () => {
      peer = await startNodeServer({ ...pki.leaf('p256'), node: '24', ecdhCurve: 'X25519MLKEM768', mode: 'echo' });
    });
    after(() => peer?.stop());

    test('hybrid key exchange: Server Temp Key line, echoed line, clean close', async () => {
      const r = await probe(peer, target(peer), {
        send: 'hello mlkem from tls-probe\n',
        waitFor: /hello mlkem from tls-probe\n/,
        timeoutMs: CLIENT_TIMEOUT_MS,
      });
      assertCleanTls13(r);
      assert.match(r.stdout, /^Server Temp Key: X25519MLKEM768\b/m);
      assert.match(r.stdout, /Verify return code: 0 \(ok\)[\s\S]*\nhello mlkem from tls-probe\n/);
      const line = await peer.waitForOutput(/^HANDSHAKE .*$/m, 5_000);
      assert.equal(JSON.parse(line.slice('HANDSHAKE '.length)).protocol, 'TLSv1.3');
    });

    test('--json: "group": "X25519MLKEM768" without a HelloRetryRequest', async () => {
      const r = await probe(peer, [...target(peer), '--json'], { timeoutMs: CLIENT_TIMEOUT_MS });
      assertJsonTls13(r, 'full', 'X25519MLKEM768');
    });
  });
});
