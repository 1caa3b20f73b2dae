/**
 * Issue 13, the servers s_client reaches, against real servers started here:
 *
 * - openssl s_server 3.0 with `-tls1` / `-tls1_1` and `-cipher 'DEFAULT:@SECLEVEL=0'`: `--tls1` and
 *   `--tls1_1` with ECDHE (MD5-SHA1 signature), DHE-RSA and RSA key exchange, the report lines and
 *   JSON keys; the default offer refused by a TLS 1.0-only server (exit 1, protocol_version).
 * - openssl s_server -tls1_2: DHE-RSA with AES-GCM, AES-CBC and ChaCha20-Poly1305, RSA key exchange
 *   with AES-GCM and AES-CBC-SHA256, the default offer (ECDHE picked first; RSA only when the server
 *   has nothing else); a 1024-bit DH group refused at the default security level and accepted at 1.
 * - gnutls-serv with VERS-TLS1.0/1.1 and %DISABLE_SAFE_RENEGOTIATION: connected to with
 *   "Secure Renegotiation IS NOT supported", refused with --no-legacy-server-connect.
 * - Botan 2.19 tls_server (echo) with TLS 1.0/1.1 allowed: 100 KB echoed byte for byte over TLS 1.0
 *   CBC (implicit IV, 1/n-1 splitting) with an ECDSA and an RSA leaf; DHE-RSA at TLS 1.1.
 * - gnutls-serv at TLS 1.2 with one suite each: AES128-SHA, AES256-SHA256, DHE-RSA-AES128-SHA256.
 * - Client certificates at TLS 1.0/1.1 (ECDSA signing SHA-1, RSA signing MD5-SHA1) against
 *   s_server -Verify 1, which verifies our CertificateVerify.
 * - Sessions: a TLS 1.0 session through --sess-out / --reconnect, and openssl s_client -sess_in
 *   resuming on our file, and we on its file.
 * - The security level as one setting: an RSA-1024 leaf refused at level 2, accepted at 1 and 0.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePki, type LeafName, type Pki } from '../helpers/pki.js';
import { startBotanServer, startGnutlsServer, startOpenSslServer, type Peer } from '../helpers/peers.js';
import { converse, jsonOf, probe, type CliResult, type CliRun } from '../helpers/cli.js';

let pki: Pki;
const tmp = mkdtempSync(join(tmpdir(), 'tls-probe-legacy-'));
before(async () => {
  pki = await ensurePki();
});
after(() => rmSync(tmp, { recursive: true, force: true }));

const show = (r: CliResult): string =>
  `exit ${r.code}${r.timedOut ? ' (timed out)' : ''}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;

const LINE = 'hello legacy server\n';
const REVERSED = 'revres ycagel olleh';
const ROUND_TRIP: CliRun = { send: LINE, waitFor: new RegExp(REVERSED), timeoutMs: 20_000 };
const SECLEVEL0 = ['-cipher', 'DEFAULT:@SECLEVEL=0'];

function run(peer: Peer, args: string[], r: CliRun = ROUND_TRIP): Promise<CliResult> {
  return probe(peer, [`127.0.0.1:${peer.port}`, '--servername', 'localhost', '--cafile', pki.root, ...args], r);
}

async function openssl(leaf: LeafName, args: string[]): Promise<Peer> {
  const l = pki.leaf(leaf);
  return startOpenSslServer({ cert: l.cert, key: l.key, chain: l.chain, args });
}

/** Exit 0, the reversed line came back, the report names protocol and suite. */
function assertConnected(r: CliResult, protocol: string, suite: string): void {
  assert.equal(r.code, 0, show(r));
  assert.ok(r.stdout.includes(REVERSED), show(r));
  assert.match(r.stdout, new RegExp(`^New, ${protocol.replace('.', '\\.')}, Cipher is ${suite}$`, 'm'), show(r));
  assert.match(r.stdout, new RegExp(`^Protocol: ${protocol.replace('.', '\\.')}$`, 'm'), show(r));
  assert.match(r.stdout, new RegExp(`^ {4}Protocol {2}: ${protocol.replace('.', '\\.')}$`, 'm'), show(r));
  assert.match(r.stdout, /^ *Verify return code: 0 \(ok\)$/m, show(r));
  assert.doesNotMatch(r.stderr, /^tls-probe:/m, show(r));
}

describe('openssl s_server -tls1 / -tls1_1 (DEFAULT:@SECLEVEL=0)', () => {
  for (const [flag, serverFlag, protocol] of [
    ['--tls1', '-tls1', 'TLSv1'],
    ['--tls1_1', '-tls1_1', 'TLSv1.1'],
  ] as const) {
    describe(`${flag} against s_server ${serverFlag}`, () => {
      let peer: Peer;
      before(async () => {
        peer = await openssl('rsa2048', [serverFlag, '-rev', ...SECLEVEL0]);
      });
      after(() => peer?.stop());

      test('ECDHE-RSA: the MD5-SHA1 ServerKeyExchange signature, X25519', async () => {
        const r = await run(peer, [flag]);
        assertConnected(r, protocol, 'ECDHE-RSA-AES256-SHA');
        assert.match(r.stdout, /^Peer signing digest: MD5-SHA1$/m, show(r));
        assert.match(r.stdout, /^Peer signature type: RSA$/m, show(r));
        assert.match(r.stdout, /^Server Temp Key: X25519, 253 bits$/m, show(r));
        assert.match(r.stdout, /^Secure Renegotiation IS supported$/m, show(r));
      });
      test('DHE-RSA-AES128-SHA: Server Temp Key: DH, 2048 bits', async () => {
        const r = await run(peer, [flag, '--cipher', 'DHE-RSA-AES128-SHA']);
        assertConnected(r, protocol, 'DHE-RSA-AES128-SHA');
        assert.match(r.stdout, /^Server Temp Key: DH, 2048 bits$/m, show(r));
      });
      test('RSA key exchange AES256-SHA: no temp key, no signature', async () => {
        const r = await run(peer, [flag, '--cipher', 'AES256-SHA']);
        assertConnected(r, protocol, 'AES256-SHA');
        assert.doesNotMatch(r.stdout, /^Server Temp Key/m, show(r));
        assert.doesNotMatch(r.stdout, /^Peer signing digest/m, show(r));
      });
      test('--json: protocol, serverTempKey, secureRenegotiation', async () => {
        const r = await run(peer, [flag, '--cipher', 'DHE-RSA-AES256-SHA', '--json'], { timeoutMs: 20_000 });
        assert.equal(r.code, 0, show(r));
        const c = jsonOf(r).connections[0];
        assert.ok(c, show(r));
        assert.equal(c.protocol, protocol);
        assert.equal(c.cipher, 'DHE-RSA-AES256-SHA');
        assert.equal(c.serverTempKey, 'DH, 2048 bits');
        assert.equal(c.secureRenegotiation, true);
        assert.equal(c.peerSignatureScheme, 'rsa_pkcs1_md5_sha1');
      });
    });
  }

  test('the default offer (TLS 1.2-1.3) against a TLS 1.0-only server: exit 1, one line naming protocol_version', async () => {
    const peer = await openssl('rsa2048', ['-tls1', '-rev', ...SECLEVEL0]);
    try {
      const r = await run(peer, [], { timeoutMs: 20_000 });
      assert.equal(r.code, 1, show(r));
      const lines = r.stderr.split('\n').filter((l) => l.trim());
      assert.equal(lines.length, 1, show(r));
      assert.match(lines[0] ?? '', /^tls-probe: .*protocol_version/, show(r));
      // --min-tls 1.0 reaches it.
      assertConnected(await run(peer, ['--min-tls', '1.0']), 'TLSv1', 'ECDHE-RSA-AES256-SHA');
    } finally {
      await peer.stop();
    }
  });

  test('--min-tls 1.0 against a TLS 1.3 server still negotiates TLS 1.3', async () => {
    const peer = await openssl('p256', ['-rev']);
    try {
      const r = await run(peer, ['--min-tls', '1.0']);
      assert.equal(r.code, 0, show(r));
      assert.match(r.stdout, /^New, TLSv1\.3, /m, show(r));
    } finally {
      await peer.stop();
    }
  });

  test('--max-tls 1.1 against a TLS 1.2-only server: the server refuses (exit 1, protocol_version)', async () => {
    const peer = await openssl('rsa2048', ['-tls1_2', '-rev']);
    try {
      const r = await run(peer, ['--min-tls', '1.0', '--max-tls', '1.1'], { timeoutMs: 20_000 });
      assert.equal(r.code, 1, show(r));
      assert.match(r.stderr, /protocol_version/, show(r));
    } finally {
      await peer.stop();
    }
  });
});

describe('openssl s_server -tls1_2: DHE-RSA and RSA key exchange suites', () => {
  let peer: Peer;
  before(async () => {
    peer = await openssl('rsa2048', ['-tls1_2', '-rev']);
  });
  after(() => peer?.stop());
  for (const suite of [
    'DHE-RSA-AES128-GCM-SHA256',
    'DHE-RSA-AES256-GCM-SHA384',
    'DHE-RSA-CHACHA20-POLY1305',
    'DHE-RSA-AES256-SHA256',
    'DHE-RSA-AES128-SHA256',
    'DHE-RSA-AES128-SHA',
    'AES128-GCM-SHA256',
    'AES256-GCM-SHA384',
    'AES128-SHA256',
    'AES256-SHA256',
    'AES128-SHA',
    'AES256-SHA',
  ]) {
    test(`--cipher ${suite}`, async () => {
      const r = await run(peer, ['--cipher', suite]);
      assertConnected(r, 'TLSv1.2', suite);
      if (suite.startsWith('DHE')) assert.match(r.stdout, /^Server Temp Key: DH, 2048 bits$/m, show(r));
      else assert.doesNotMatch(r.stdout, /^Server Temp Key/m, show(r));
      assert.match(r.stdout, /^Secure Renegotiation IS supported$/m, show(r));
      await peer.waitForOutput(new RegExp(`^Ciphersuite: ${suite}$`, 'm'), 5_000);
    });
  }
  test('the default offer still gets ECDHE from a server that can do it', async () => {
    assertConnected(await run(peer, []), 'TLSv1.2', 'ECDHE-RSA-AES256-GCM-SHA384');
  });
});

describe('gnutls-serv -tls1.2: RSA key exchange and DHE-RSA CBC suites, echoed', () => {
  for (const [suite, priority] of [
    ['AES128-SHA', '+RSA:-CIPHER-ALL:+AES-128-CBC:-MAC-ALL:+SHA1'],
    ['AES256-SHA256', '+RSA:-CIPHER-ALL:+AES-256-CBC:-MAC-ALL:+SHA256'],
    ['DHE-RSA-AES128-SHA256', '+DHE-RSA:-CIPHER-ALL:+AES-128-CBC:-MAC-ALL:+SHA256'],
  ] as const) {
    test(`${suite}: the line comes back, the report names the suite`, async () => {
      const l = pki.leaf('rsa2048');
      const peer = await startGnutlsServer({
        cert: l.cert,
        key: l.key,
        chain: l.chain,
        args: [`--priority=NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:${priority}`],
      });
      try {
        const r = await run(peer, ['--cipher', suite], {
          send: LINE,
          waitFor: /hello legacy server/,
          timeoutMs: 20_000,
        });
        assert.equal(r.code, 0, show(r));
        assert.match(r.stdout, new RegExp(`^New, TLSv1\\.2, Cipher is ${suite}$`, 'm'), show(r));
        assert.match(r.stdout, /^hello legacy server$/m, show(r));
        if (suite.startsWith('DHE')) assert.match(r.stdout, /^Server Temp Key: DH, \d+ bits$/m, show(r));
        else assert.doesNotMatch(r.stdout, /^Server Temp Key/m, show(r));
      } finally {
        await peer.stop();
      }
    });
  }
});

describe('client certificates at TLS 1.0/1.1: openssl s_server -Verify 1 checks our CertificateVerify', () => {
  let rsaClient: { cert: string; key: string; chain: string };
  before(() => {
    // An RSA client leaf under the test intermediate, made here (the PKI's client leaf is P-256).
    const cert = join(tmp, 'rsa-client.pem');
    const key = join(tmp, 'rsa-client.key');
    const csr = join(tmp, 'rsa-client.csr');
    const ext = join(tmp, 'rsa-client.ext');
    writeFileSync(ext, 'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n');
    const subj = '/O=tls-probe test/CN=tls-probe rsa client';
    execFileSync(
      'openssl',
      ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-subj', subj, '-out', csr],
      {
        stdio: 'ignore',
      },
    );
    execFileSync(
      'openssl',
      ['x509', '-req', '-in', csr, '-CA', pki.ica, '-CAkey', pki.icaKey, '-set_serial', '4242', '-days', '2'].concat([
        '-extfile',
        ext,
        '-out',
        cert,
      ]),
      { stdio: 'ignore' },
    );
    const chain = join(tmp, 'rsa-client.chain.pem');
    writeFileSync(chain, readFileSync(cert, 'utf8') + readFileSync(pki.ica, 'utf8'));
    rsaClient = { cert, key, chain };
  });
  for (const [flag, serverFlag, protocol] of [
    ['--tls1', '-tls1', 'TLSv1'],
    ['--tls1_1', '-tls1_1', 'TLSv1.1'],
  ] as const) {
    for (const kind of ['ECDSA (SHA-1)', 'RSA (MD5-SHA1)'] as const) {
      test(`${flag}, ${kind} client certificate: verified by s_server, data flows`, async () => {
        const client = kind.startsWith('RSA') ? rsaClient : pki.leaf('client');
        const peer = await openssl('rsa2048', [serverFlag, '-rev', ...SECLEVEL0, '-Verify', '1', '-CAfile', pki.root]);
        try {
          const r = await run(peer, [flag, '--msg', '--cert', client.chain, '--key', client.key]);
          assertConnected(r, protocol, 'ECDHE-RSA-AES256-SHA');
          // A non-empty Certificate and a CertificateVerify went out; s_server verified both.
          assert.match(
            r.stderr,
            new RegExp(
              `^>>> ${protocol === 'TLSv1' ? 'TLS 1\\.0' : 'TLS 1\\.1'}, Handshake \\[length [0-9a-f]{4}\\], CertificateVerify$`,
              'm',
            ),
            show(r),
          );
          const cn = kind.startsWith('RSA') ? 'tls-probe rsa client' : 'tls-probe client';
          await peer.waitForOutput(
            new RegExp(`^depth=0 O = tls-probe test, CN = ${cn}\\nverify return:1$`, 'm'),
            5_000,
          );
          await peer.waitForOutput(/^CONNECTION ESTABLISHED$/m, 5_000);
          assert.doesNotMatch(peer.stdout() + peer.stderr(), /verify error|bad signature|ERROR/);
        } finally {
          await peer.stop();
        }
      });
    }
  }
});

describe('servers that only do DHE or RSA key exchange get them from the default offer', () => {
  for (const [cipher, want] of [
    ['kRSA', 'AES256-GCM-SHA384'],
    ['kDHE', 'DHE-RSA-AES256-GCM-SHA384'],
  ] as const) {
    test(`s_server -cipher ${cipher}: ${want}`, async () => {
      const peer = await openssl('rsa2048', ['-tls1_2', '-rev', '-cipher', cipher]);
      try {
        assertConnected(await run(peer, []), 'TLSv1.2', want);
      } finally {
        await peer.stop();
      }
    });
  }
});

describe('a 1024-bit DH group (s_server -dhparam)', () => {
  let peer: Peer;
  before(async () => {
    const file = join(tmp, 'dh1024.pem');
    // RFC 5114 §2.1's 1024-bit group with 160-bit subgroup, as DH parameters for s_server.
    execFileSync('openssl', ['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', 'dh_rfc5114:1', '-out', file]);
    peer = await openssl('rsa2048', ['-tls1_2', '-rev', '-dhparam', file, '-cipher', 'kDHE:@SECLEVEL=0']);
  });
  after(() => peer?.stop());
  test('refused at the default security level: handshake_failure, one line saying why', async () => {
    const r = await run(peer, [], { timeoutMs: 20_000 });
    assert.equal(r.code, 1, show(r));
    const lines = r.stderr.split('\n').filter((l) => l.trim());
    assert.equal(lines.length, 1, show(r));
    assert.match(
      lines[0] ?? '',
      /^tls-probe: .*dh key too small: 1024-bit group, 2048 required.*handshake_failure/,
      show(r),
    );
  });
  for (const args of [
    ['--seclevel', '1'],
    ['--cipher', 'DEFAULT:@SECLEVEL=1'],
  ]) {
    test(`${args.join(' ')}: accepted, Server Temp Key: DH, 1024 bits`, async () => {
      const r = await run(peer, args);
      assertConnected(r, 'TLSv1.2', 'DHE-RSA-AES256-GCM-SHA384');
      assert.match(r.stdout, /^Server Temp Key: DH, 1024 bits$/m, show(r));
    });
  }
});

describe('gnutls-serv without safe renegotiation (%DISABLE_SAFE_RENEGOTIATION)', () => {
  for (const vers of ['VERS-TLS1.0', 'VERS-TLS1.1', 'VERS-TLS1.2'] as const) {
    describe(vers, () => {
      let peer: Peer;
      const protocol = { 'VERS-TLS1.0': 'TLSv1', 'VERS-TLS1.1': 'TLSv1.1', 'VERS-TLS1.2': 'TLSv1.2' }[vers];
      const flag = { 'VERS-TLS1.0': '--tls1', 'VERS-TLS1.1': '--tls1_1', 'VERS-TLS1.2': '--tls1_2' }[vers];
      before(async () => {
        peer = await startGnutlsServer({
          ...pki.leaf('rsa2048'),
          args: [`--priority=NORMAL:-VERS-ALL:+${vers}:%DISABLE_SAFE_RENEGOTIATION`],
        });
      });
      after(() => peer?.stop());
      const echo: CliRun = { send: LINE, waitFor: /hello legacy server/, timeoutMs: 20_000 };
      test('connects: Secure Renegotiation IS NOT supported (text and JSON)', async () => {
        const r = await run(peer, [flag], echo);
        assert.equal(r.code, 0, show(r));
        assert.match(r.stdout, new RegExp(`^New, ${protocol.replace('.', '\\.')}, `, 'm'), show(r));
        assert.match(r.stdout, /^Secure Renegotiation IS NOT supported$/m, show(r));
        const j = await run(peer, [flag, '--json'], { timeoutMs: 20_000 });
        assert.equal(jsonOf(j).connections[0]?.secureRenegotiation, false, show(j));
      });
      test('--no-legacy-server-connect refuses it: exit 1, handshake_failure', async () => {
        const r = await run(peer, [flag, '--no-legacy-server-connect'], { timeoutMs: 20_000 });
        assert.equal(r.code, 1, show(r));
        assert.match(r.stderr, /^tls-probe: .*unsafe legacy renegotiation disabled.*handshake_failure/m, show(r));
      });
      test('its HelloRequest (gnutls-serv --echo rehandshakes on **REHANDSHAKE**) is refused: no_renegotiation, exit 1', async () => {
        const r = await run(peer, [flag, '--msg'], {
          send: '**REHANDSHAKE**\n',
          waitFor: /^tls-probe: /m,
          timeoutMs: 20_000,
        });
        assert.equal(r.code, 1, show(r));
        assert.match(r.stderr, /^<<< TLS 1\.[0-2], Handshake \[length 0004\], HelloRequest$/m, show(r));
        assert.match(r.stderr, /^>>> TLS 1\.[0-2], Alert \[length 0002\] \(fatal no_renegotiation\)$/m, show(r));
        assert.match(
          r.stderr,
          /^tls-probe: .*does not support secure renegotiation \(RFC 5746\).*no_renegotiation/m,
          show(r),
        );
        assert.equal((r.stderr.match(/ClientHello$/gm) ?? []).length, 1, show(r));
      });
      test('R against it: a warning says why, the session goes on', async () => {
        const r = await run(peer, [flag], { send: `R\n${LINE}`, waitFor: /hello legacy server/, timeoutMs: 20_000 });
        assert.equal(r.code, 0, show(r));
        assert.match(
          r.stderr,
          /^tls-probe: warning: R: renegotiation refused: the server does not support secure renegotiation \(RFC 5746\); command ignored$/m,
          show(r),
        );
      });
    });
  }
});

describe('Botan tls_server with TLS 1.0/1.1 allowed: 100 KB echoed, DHE at TLS 1.1', () => {
  const BULK = Array.from({ length: 1000 }, (_, i) => `${String(i).padStart(4, '0')}${'x'.repeat(95)}\n`).join('');
  let policy: string;
  before(() => {
    policy = join(tmp, 'botan-legacy.policy');
    writeFileSync(
      policy,
      [
        'allow_tls10 = true',
        'allow_tls11 = true',
        'allow_tls12 = true',
        'ciphers = AES-256/GCM AES-128/GCM AES-256 AES-128 ChaCha20Poly1305',
        'macs = AEAD SHA-256 SHA-1',
        'key_exchange_methods = ECDH DH',
        'signature_methods = ECDSA RSA',
        'signature_hashes = SHA-512 SHA-384 SHA-256 SHA-1',
        '',
      ].join('\n'),
    );
  });
  for (const leaf of ['p256', 'rsa2048'] as const) {
    test(`TLS 1.0, ${leaf} leaf: 100 KB out and back, byte for byte`, async () => {
      const peer = await startBotanServer({ ...pki.leaf(leaf), policy });
      try {
        const r = await run(peer, ['--tls1', '--quiet'], {
          send: `${BULK}END-OF-BULK\n`,
          waitFor: /END-OF-BULK/,
          timeoutMs: 30_000,
        });
        assert.equal(r.code, 0, show(r));
        assert.equal(r.stdout, `${BULK}END-OF-BULK\n`);
      } finally {
        await peer.stop();
      }
    });
  }
  test('TLS 1.1 DHE-RSA-AES128-SHA echo', async () => {
    const peer = await startBotanServer({ ...pki.leaf('rsa2048'), policy });
    try {
      const r = await run(peer, ['--tls1_1', '--cipher', 'DHE-RSA-AES128-SHA'], {
        send: LINE,
        waitFor: /hello legacy server/,
        timeoutMs: 20_000,
      });
      assert.equal(r.code, 0, show(r));
      assert.match(r.stdout, /^New, TLSv1\.1, Cipher is DHE-RSA-AES128-SHA$/m, show(r));
      assert.match(r.stdout, /^Server Temp Key: DH, 2048 bits$/m, show(r));
    } finally {
      await peer.stop();
    }
  });
});

describe('sessions: TLS 1.0 / RSA / DHE through --sess-out, --reconnect and openssl s_client', () => {
  let peer: Peer;
  before(async () => {
    peer = await openssl('rsa2048', ['-tls1', '-www', ...SECLEVEL0]);
  });
  after(() => peer?.stop());
  for (const cipher of ['ECDHE-RSA-AES128-SHA', 'AES128-SHA', 'DHE-RSA-AES256-SHA']) {
    test(`${cipher}: --reconnect resumes, --expect-resume`, async () => {
      const r = await run(peer, ['--tls1', '--cipher', cipher, '--reconnect', '2', '--expect-resume'], {
        timeoutMs: 30_000,
      });
      assert.equal(r.code, 0, show(r));
      assert.equal(r.stdout.match(new RegExp(`^Reused, TLSv1, Cipher is ${cipher}$`, 'gm'))?.length, 2, show(r));
    });
  }
  test('openssl s_client -sess_in resumes on our --sess-out file, and we on its -sess_out file', async () => {
    const ours = join(tmp, 'ours.pem');
    const r = await run(peer, ['--tls1', '--cipher', 'AES128-SHA', '--sess-out', ours], { timeoutMs: 20_000 });
    assert.equal(r.code, 0, show(r));
    assert.match(readFileSync(ours, 'utf8'), /^-----BEGIN SSL SESSION PARAMETERS-----/);
    const connect = `127.0.0.1:${peer.port}`;
    const theirs = join(tmp, 'theirs.pem');
    const base = ['s_client', '-connect', connect, '-tls1', '-cipher', 'AES128-SHA:@SECLEVEL=0'];
    const sc = await converse('openssl', [...base, '-sess_in', ours], { send: 'Q\n', timeoutMs: 15_000 });
    // s_client names the cipher's minimum version here (SSLv3 for AES128-SHA), a known wart.
    assert.match(sc.stdout, /^Reused, (TLSv1\.0|SSLv3), Cipher is AES128-SHA$/m, sc.stdout + sc.stderr);
    // A resumed s_client writes no -sess_out (no new session): a fresh one does.
    const fresh = await converse('openssl', [...base, '-sess_out', theirs], { send: 'Q\n', timeoutMs: 15_000 });
    assert.match(fresh.stdout, /^New, (TLSv1\.0|SSLv3), Cipher is AES128-SHA$/m, fresh.stdout + fresh.stderr);
    const back = await run(peer, ['--tls1', '--cipher', 'AES128-SHA', '--sess-in', theirs, '--expect-resume'], {
      timeoutMs: 20_000,
    });
    assert.equal(back.code, 0, show(back));
    assert.match(back.stdout, /^Reused, TLSv1, Cipher is AES128-SHA$/m, show(back));
  });
});

describe('security level: one setting for certificates and DH groups', () => {
  let peer: Peer;
  before(async () => {
    // SECLEVEL=0 so that s_server agrees to serve an RSA-1024 leaf at all.
    peer = await openssl('rsa1024', ['-www', '-tls1_2', ...SECLEVEL0]);
  });
  after(() => peer?.stop());
  const www = (args: string[]): Promise<CliResult> => run(peer, args, { timeoutMs: 20_000 });

  test('default level 2: an RSA-1024 leaf is refused (66)', async () => {
    const r = await www([]);
    assert.equal(r.code, 3, show(r));
    assert.match(r.stderr, /EE certificate key too weak.*X509_V_ERR 66/, show(r));
  });
  for (const args of [
    ['--seclevel', '1'],
    ['--cipher', 'DEFAULT:@SECLEVEL=1'],
    ['--seclevel', '0'],
  ]) {
    test(`${args.join(' ')}: the same leaf verifies`, async () => {
      const r = await www(args);
      assert.equal(r.code, 0, show(r));
      assert.match(r.stdout, /^ *Verify return code: 0 \(ok\)$/m, show(r));
      assert.match(r.stdout, /^New, TLSv1\.2, Cipher is ECDHE-RSA-AES256-GCM-SHA384$/m, show(r));
    });
  }
});
