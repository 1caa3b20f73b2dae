/**
 * TLS 1.2 interop against `openssl s_server -tls1_2` (issue: TLS 1.2 client on the shared core).
 *
 * - Every ECDHE suite we offer (AES-128/256-GCM, ChaCha20-Poly1305, AES-128-CBC with SHA-256 and
 *   SHA-1) with each leaf type that can sign it: ECDSA P-256 and P-384 and Ed25519 (ECDSA suites),
 *   RSA-2048 with RSA-PSS and, with `-sigalgs RSA+SHA256`, PKCS#1 v1.5 (RSA suites). Each run sends
 *   a line through `-rev`, reads it back reversed and closes cleanly; the report must show the
 *   suite, the extended master secret, secure renegotiation, the temp key and the signature type.
 *   One s_server per leaf serves all its suites.
 * - CBC: with and without `-no_etm`, read from s_server's `-trace`: whether its ServerHello
 *   carries encrypt_then_mac and, for the SHA-1 suites, the record lengths (EtM puts the 20-byte MAC
 *   after the 16-byte blocks, so length ≡ 4 mod 16; MAC-then-encrypt pads the MAC inside, ≡ 0).
 * - Version negotiation: the default offer (1.3 and 1.2) gets 1.2 from a 1.2-only server;
 *   `--tls1_2` gets 1.2 from a 1.3 server (which marks its random with the downgrade sentinel, fine
 *   for a client that offered only 1.2); `--min-tls 1.3` against a 1.2-only server fails with
 *   protocol_version.
 * - `--keylogfile`'s CLIENT_RANDOM line equals s_server's `-keylogfile` line.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePki, type LeafName, type Pki } from '../helpers/pki.js';
import { startOpenSslServer, type Peer } from '../helpers/peers.js';
import { probe, jsonOf, type CliResult, type CliRun, connectionOf, errorOf } from '../helpers/cli.js';

let pki: Pki;
const tmp = mkdtempSync(join(tmpdir(), 'tls-probe-openssl12-'));
before(async () => {
  pki = await ensurePki();
});
after(() => rmSync(tmp, { recursive: true, force: true }));

const LINE = 'hello tls-probe over TLS 1.2\n';
const REVERSED = '2.1 SLT revo eborp-slt olleh';
const ROUND_TRIP: CliRun = { send: LINE, waitFor: new RegExp(REVERSED.replace(/\./g, '\\.')), timeoutMs: 15_000 };

async function startServer(leaf: LeafName, args: string[]): Promise<Peer> {
  const l = pki.leaf(leaf);
  return startOpenSslServer({ cert: l.cert, key: l.key, chain: l.chain, args });
}

function run(peer: Peer, args: string[], r: CliRun = ROUND_TRIP): Promise<CliResult> {
  return probe(peer, [`127.0.0.1:${peer.port}`, '--servername', 'localhost', '--cafile', pki.root, ...args], r);
}

const show = (r: CliResult): string =>
  `exit ${r.code}${r.timedOut ? ' (timed out)' : ''}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;

/** Exit 0, the line came back reversed, verified, closed with close_notify both ways. */
function assertRoundTrip(r: CliResult): void {
  assert.equal(r.code, 0, show(r));
  assert.ok(r.stdout.includes(REVERSED), show(r));
  assert.match(r.stdout, /^ *Verify return code: 0 \(ok\)$/m, show(r));
  assert.doesNotMatch(r.stderr, /without close_notify/, show(r));
  assert.doesNotMatch(r.stderr, /^tls-probe:/m, show(r));
}

/** The s_client-style report of a TLS 1.2 connection. */
function assertTls12Report(r: CliResult, suite: string, sigType: string): void {
  assert.match(r.stdout, new RegExp(`^New, TLSv1\\.2, Cipher is ${suite}$`, 'm'), show(r));
  assert.match(r.stdout, /^Protocol: TLSv1\.2$/m, show(r));
  assert.match(r.stdout, /^Secure Renegotiation IS supported$/m, show(r));
  assert.match(r.stdout, /^Server Temp Key: X25519, 253 bits$/m, show(r));
  assert.match(r.stdout, new RegExp(`^Peer signature type: ${sigType}$`, 'm'), show(r));
  const session = r.stdout.slice(r.stdout.indexOf('SSL-Session:'));
  assert.ok(r.stdout.includes('SSL-Session:'), show(r));
  assert.match(session, /^ {4}Protocol {2}: TLSv1\.2$/m, show(r));
  assert.match(session, new RegExp(`^ {4}Cipher {4}: ${suite}$`, 'm'), show(r));
  assert.match(session, /^ {4}Extended master secret: yes$/m, show(r));
}

/** Occurrences of a pattern in the server's output. */
function count(peer: Peer, re: RegExp): number {
  return (peer.stdout() + peer.stderr()).match(new RegExp(re.source, 'gm'))?.length ?? 0;
}

/** Waits (bounded) until the server's output holds `n` occurrences of `re`. */
async function waitForCount(peer: Peer, re: RegExp, n: number, ms = 5_000): Promise<void> {
  // Re-checked as the server's output arrives; the assertion below reports a shortfall.
  await peer.waitUntil(() => count(peer, re) >= n, `${n} x ${String(re)}`, ms).catch(() => undefined);
  assert.equal(count(peer, re), n, `s_server output:\n${peer.stdout()}\n${peer.stderr()}`);
}

const AEAD = ['AES128-GCM-SHA256', 'AES256-GCM-SHA384', 'CHACHA20-POLY1305'];
const CBC = ['AES128-SHA256', 'AES128-SHA'];

interface LeafCase {
  label: string;
  leaf: LeafName;
  serverArgs: string[];
  auth: 'ECDSA' | 'RSA';
  sigType: string;
  /** The --json peerSignatureScheme. */
  scheme: RegExp;
  /** "Peer signing digest" (none for Ed25519). */
  digest: RegExp | null;
}

const LEAVES: LeafCase[] = [
  {
    label: 'ECDSA P-256',
    leaf: 'p256',
    serverArgs: [],
    auth: 'ECDSA',
    sigType: 'ECDSA',
    scheme: /^ecdsa_secp256r1_sha256$/,
    digest: /^Peer signing digest: SHA256$/m,
  },
  {
    label: 'ECDSA P-384',
    leaf: 'p384',
    serverArgs: [],
    auth: 'ECDSA',
    sigType: 'ECDSA',
    scheme: /^ecdsa_secp(256r1_sha256|384r1_sha384)$/,
    digest: /^Peer signing digest: SHA(256|384)$/m,
  },
  {
    label: 'Ed25519',
    leaf: 'ed25519',
    serverArgs: [],
    auth: 'ECDSA',
    sigType: 'Ed25519',
    scheme: /^ed25519$/,
    digest: null,
  },
  {
    label: 'RSA-2048 (RSA-PSS)',
    leaf: 'rsa2048',
    serverArgs: [],
    auth: 'RSA',
    sigType: 'RSA-PSS',
    scheme: /^rsa_pss_rsae_sha256$/,
    digest: /^Peer signing digest: SHA256$/m,
  },
  {
    label: 'RSA-2048 (PKCS#1, -sigalgs RSA+SHA256)',
    leaf: 'rsa2048',
    serverArgs: ['-sigalgs', 'RSA+SHA256'],
    auth: 'RSA',
    sigType: 'RSA',
    scheme: /^rsa_pkcs1_sha256$/,
    digest: /^Peer signing digest: SHA256$/m,
  },
];

// Two leaves at a time (each with its own s_server): the client runs are mostly Node start-up.
describe('suite × leaf matrix', { concurrency: 2 }, () => {
  for (const lc of LEAVES) {
    describe(`s_server -tls1_2, ${lc.label} leaf`, { concurrency: 1 }, () => {
      let peer: Peer;
      before(async () => {
        peer = await startServer(lc.leaf, ['-tls1_2', '-rev', ...lc.serverArgs]);
      });
      after(() => peer?.stop());

      for (const s of [...AEAD, ...CBC]) {
        const suite = `ECDHE-${lc.auth}-${s}`;
        test(`${suite}: round trip, clean close, report`, async () => {
          const closedBefore = count(peer, /^CONNECTION CLOSED$/);
          const r = await run(peer, ['--cipher', suite]);
          assertRoundTrip(r);
          assertTls12Report(r, suite, lc.sigType);
          if (lc.digest) assert.match(r.stdout, lc.digest, show(r));
          // The server saw the same suite and an orderly close.
          await peer.waitForOutput(new RegExp(`^Ciphersuite: ${suite}$`, 'm'), 5_000);
          await waitForCount(peer, /^CONNECTION CLOSED$/, closedBefore + 1);
        });
      }

      test('--json: TLSv1.2, EMS, secure renegotiation, signature scheme', async () => {
        const suite = `ECDHE-${lc.auth}-AES128-GCM-SHA256`;
        const r = await run(peer, ['--cipher', suite, '--json'], {});
        assert.equal(r.code, 0, show(r));
        const j = jsonOf(r);
        assert.equal(j.error, null);
        const c = connectionOf(j);
        assert.equal(c.protocol, 'TLSv1.2');
        assert.equal(c.cipher, suite);
        assert.equal(c.group, 'x25519');
        assert.equal(c.handshake, 'full');
        assert.equal(c.resumed, false);
        assert.equal(c.verify.ok, true);
        assert.equal(c.extendedMasterSecret, true);
        assert.equal(c.secureRenegotiation, true);
        assert.match(String(c.peerSignatureScheme), lc.scheme);
      });
    });
  }
});

describe('s_server -tls1_2 picks the suite (-cipher) from the default offer', () => {
  for (const [leaf, suite, sigType] of [
    ['p256', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDSA'],
    ['rsa2048', 'ECDHE-RSA-AES128-SHA', 'RSA-PSS'],
  ] as const) {
    test(`server -cipher ${suite}`, async () => {
      const peer = await startServer(leaf, ['-tls1_2', '-rev', '-cipher', suite]);
      try {
        const r = await run(peer, []);
        assertRoundTrip(r);
        assertTls12Report(r, suite, sigType);
      } finally {
        await peer.stop();
      }
    });
  }
});

describe('ECDHE groups and signature algorithms in TLS 1.2', () => {
  test('s_server -groups P-256: Server Temp Key: ECDH, prime256v1, 256 bits', async () => {
    const peer = await startServer('p256', ['-tls1_2', '-rev', '-groups', 'P-256']);
    try {
      const r = await run(peer, []);
      assertRoundTrip(r);
      assert.match(r.stdout, /^New, TLSv1\.2, Cipher is ECDHE-ECDSA-/m, show(r));
      assert.match(r.stdout, /^Server Temp Key: ECDH, prime256v1, 256 bits$/m, show(r));
    } finally {
      await peer.stop();
    }
  });

  describe('our --groups and --sigalgs against one RSA-2048 s_server', () => {
    // An RSA leaf: with an ECDSA leaf, OpenSSL also wants the certificate's curve among the client's
    // supported_groups in TLS 1.2 (RFC 4492 §5.1), so --groups P-384 alone would get no shared cipher.
    let peer: Peer;
    before(async () => {
      peer = await startServer('rsa2048', ['-tls1_2', '-rev']);
    });
    after(() => peer?.stop());

    for (const [args, want] of [
      [['--groups', 'P-384'], /^Server Temp Key: ECDH, secp384r1, 384 bits$/m],
      [['--groups', 'P-521'], /^Server Temp Key: ECDH, secp521r1, 521 bits$/m],
      [['--sigalgs', 'rsa_pkcs1_sha384'], /^Peer signing digest: SHA384\nPeer signature type: RSA$/m],
      [['--sigalgs', 'rsa_pss_rsae_sha512'], /^Peer signing digest: SHA512\nPeer signature type: RSA-PSS$/m],
    ] as const) {
      test(`${args.join(' ')}: round trip, the report shows it`, async () => {
        const r = await run(peer, [...args]);
        assertRoundTrip(r);
        assert.match(r.stdout, /^New, TLSv1\.2, Cipher is ECDHE-RSA-/m, show(r));
        assert.match(r.stdout, want, show(r));
      });
    }
  });
});

// --- s_server -trace: one connection per server, the trace read once it has exited --------------

interface TraceRecord {
  dir: 'sent' | 'received';
  type: number;
  length: number;
}

/**
 * Starts s_server with `-naccept 1 -trace -msgfile`, runs the client, waits for the server to exit
 * (so its trace file is flushed) and returns the client's result and the trace text.
 */
async function traced(
  leaf: LeafName,
  serverArgs: string[],
  clientArgs: string[],
  r: CliRun = ROUND_TRIP,
): Promise<{ r: CliResult; trace: string }> {
  const file = join(tmp, `trace-${Math.random().toString(36).slice(2)}.txt`);
  const peer = await startServer(leaf, ['-naccept', '1', '-trace', '-msgfile', file, ...serverArgs]);
  try {
    const res = await run(peer, clientArgs, r);
    await peer.waitForExit(5_000).catch(() => undefined);
    assert.equal(peer.running(), false, `s_server -naccept 1 did not exit after the connection\n${show(res)}`);
    return { r: res, trace: readFileSync(file, 'utf8') };
  } finally {
    await peer.stop();
  }
}

/** Record headers of an s_server -trace. */
function traceRecords(trace: string): TraceRecord[] {
  const re =
    /^(Sent|Received) Record\r?\nHeader:\r?\n {2}Version = [^\n]*\r?\n {2}Content Type = \w+ \((\d+)\)\r?\n {2}Length = (\d+)/gm;
  return [...trace.matchAll(re)].map((m) => ({
    dir: m[1] === 'Sent' ? 'sent' : 'received',
    type: Number(m[2]),
    length: Number(m[3]),
  }));
}

/** The text of one handshake message in a trace, up to the next record. */
function traceMessage(trace: string, name: string): string {
  const start = trace.indexOf(`    ${name}, Length=`);
  assert.ok(start >= 0, `no ${name} in the s_server trace`);
  const rest = trace.slice(start);
  const end = rest.search(/^(Sent|Received) Record$/m);
  return end < 0 ? rest : rest.slice(0, end);
}

describe('CBC suites: encrypt_then_mac (RFC 7366) and MAC-then-encrypt (-no_etm)', () => {
  for (const [leaf, auth] of [
    ['p256', 'ECDSA'],
    ['rsa2048', 'RSA'],
  ] as const) {
    for (const mac of ['SHA256', 'SHA'] as const) {
      for (const etm of [true, false]) {
        const suite = `ECDHE-${auth}-AES128-${mac}`;
        test(`${suite} ${etm ? 'with encrypt_then_mac' : 'with -no_etm (MAC-then-encrypt)'}`, async () => {
          const { r, trace } = await traced(
            leaf,
            ['-tls1_2', '-rev', ...(etm ? [] : ['-no_etm'])],
            ['--cipher', suite],
          );
          assertRoundTrip(r);
          assertTls12Report(r, suite, auth === 'RSA' ? 'RSA-PSS' : 'ECDSA');
          // We always offer it; the server accepts it unless -no_etm.
          assert.match(traceMessage(trace, 'ClientHello'), /extension_type=encrypt_then_mac\(22\), length=0/);
          const sh = traceMessage(trace, 'ServerHello');
          assert.match(
            sh,
            new RegExp(`cipher_suite \\{0x[0-9A-F]{2}, 0x[0-9A-F]{2}\\} TLS_ECDHE_${auth}_WITH_AES_128_CBC_SHA`),
          );
          assert.equal(/extension_type=encrypt_then_mac\(22\)/.test(sh), etm, sh);
          // Application data both ways: the client's line (received) and the reversed line (sent).
          const app = traceRecords(trace).filter((x) => x.type === 23);
          assert.ok(app.some((x) => x.dir === 'received') && app.some((x) => x.dir === 'sent'), JSON.stringify(app));
          if (mac === 'SHA') {
            // IV (16) + whole AES blocks, then the 20-byte HMAC-SHA1 outside them with EtM; with
            // MAC-then-encrypt the MAC is inside the padded blocks. The client's records too.
            for (const x of app) assert.equal(x.length % 16, etm ? 4 : 0, `${x.dir} record of ${x.length} bytes`);
          } else {
            // HMAC-SHA256 is two blocks long: the lengths agree; the clean round trip is the proof.
            for (const x of app) assert.equal(x.length % 16, 0, `${x.dir} record of ${x.length} bytes`);
          }
        });
      }
    }
  }
});

describe('version negotiation', () => {
  test('the default offer (1.3 and 1.2) negotiates TLS 1.2 with s_server -tls1_2', async () => {
    const { r, trace } = await traced('p256', ['-tls1_2', '-rev'], []);
    assertRoundTrip(r);
    assert.match(r.stdout, /^New, TLSv1\.2, Cipher is ECDHE-ECDSA-/m, show(r));
    const ch = traceMessage(trace, 'ClientHello');
    assert.match(ch, /extension_type=supported_versions\(43\), length=5\s+TLS 1\.3 \(772\)\s+TLS 1\.2 \(771\)/);
    const sh = traceMessage(trace, 'ServerHello');
    assert.match(sh, /server_version=0x303 \(TLS 1\.2\)/);
    assert.doesNotMatch(sh, /supported_versions/);
  });

  test('--tls1_2 against a TLS 1.3 s_server negotiates TLS 1.2 (its downgrade sentinel is accepted)', async () => {
    const { r, trace } = await traced('p256', ['-rev'], ['--tls1_2']);
    assertRoundTrip(r);
    assertTls12Report(r, 'ECDHE-ECDSA-[A-Z0-9-]+', 'ECDSA');
    const ch = traceMessage(trace, 'ClientHello');
    assert.doesNotMatch(ch, /supported_versions/);
    assert.doesNotMatch(ch, /key_share/);
    // The server could have done 1.3, so its random ends with "DOWNGRD\x01" (RFC 8446 §4.1.3); we
    // offered only 1.2, so we were not downgraded and must carry on.
    const sh = traceMessage(trace, 'ServerHello');
    assert.match(sh, /random_bytes \(len=28\): [0-9A-F]*444F574E47524401\s/);
  });

  test('--tls1_3 against the same TLS 1.3 s_server still gets TLS 1.3 (control)', async () => {
    const { r } = await traced('p256', ['-rev'], ['--tls1_3']);
    assertRoundTrip(r);
    assert.match(r.stdout, /^New, TLSv1\.3, Cipher is TLS_/m, show(r));
  });

  test('--min-tls 1.3 against s_server -tls1_2: exit 1, protocol_version named', async () => {
    const peer = await startServer('p256', ['-tls1_2', '-rev']);
    try {
      const r = await run(peer, ['--min-tls', '1.3'], {});
      assert.equal(r.code, 1, show(r));
      assert.match(r.stderr, /protocol_version/, show(r));
      assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('tls-probe:')).length, 1, show(r));
      assert.doesNotMatch(r.stdout, /^New, /m, show(r));
      await peer.waitForOutput(/unsupported protocol/, 5_000);
    } finally {
      await peer.stop();
    }
  });

  test('--min-tls 1.3 --json: the error names the alert', async () => {
    const peer = await startServer('p256', ['-tls1_2', '-rev']);
    try {
      const r = await run(peer, ['--min-tls', '1.3', '--json'], {});
      assert.equal(r.code, 1, show(r));
      const j = jsonOf(r);
      assert.ok(j.error, show(r));
      assert.equal(errorOf(j).alert, 'protocol_version', show(r));
    } finally {
      await peer.stop();
    }
  });
});

test('--keylogfile: the CLIENT_RANDOM line equals s_server -keylogfile', async () => {
  const serverLog = join(tmp, 'server.keylog');
  const clientLog = join(tmp, 'client.keylog');
  const peer = await startServer('rsa2048', ['-tls1_2', '-rev', '-keylogfile', serverLog]);
  try {
    const r = await run(peer, ['--keylogfile', clientLog, '--cipher', 'ECDHE-RSA-AES256-GCM-SHA384']);
    assertRoundTrip(r);
    await peer.waitForOutput(/^CONNECTION CLOSED$/m, 5_000);
  } finally {
    await peer.stop();
  }
  const lines = (f: string): string[] =>
    readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
  const client = lines(clientLog);
  assert.equal(client.length, 1, client.join('\n'));
  assert.match(client[0]!, /^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/);
  assert.deepEqual(client, lines(serverLog));
});
