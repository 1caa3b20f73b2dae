/**
 * Proves the peer harness (test/helpers/peers.ts) without tls-probe: every server type is started,
 * a known-good client (openssl s_client, or Node's own TLS client) completes a verified handshake with
 * it, and stop() really kills it. A missing peer package fails the test with the apt-get line to run.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensurePki, type Pki, type PkiLeaf } from '../helpers/pki.js';
import {
  clientCommandPrefix,
  freePort,
  node24Binary,
  pidAlive,
  requireBinary,
  runClient,
  startBoringSslServer,
  startBotanServer,
  startGnutlsServer,
  startGoServer,
  startLighttpd,
  startNodeServer,
  startNssServer,
  startOpenSslServer,
  waitForPort,
  type ClientResult,
  type Peer,
} from '../helpers/peers.js';

const run = promisify(execFile);
let pki: Pki;
let leaf: PkiLeaf;
let scratch: string;

before(async () => {
  pki = await ensurePki();
  leaf = pki.leaf('p256');
  scratch = mkdtempSync(join(tmpdir(), 'tls-probe-harness-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

/** openssl s_client against the peer (inside its namespace when it has one), verifying against the test root. */
function sClient(peer: Peer, extra: string[] = [], input = ''): Promise<ClientResult> {
  const argv = ['openssl', 's_client', '-connect', `${peer.host}:${peer.port}`, '-CAfile', pki.root];
  return runClient(peer, [...argv, '-verify_hostname', 'localhost', '-verify_return_error', ...extra], { input });
}

function protocolOf(r: ClientResult): string | undefined {
  return /^New, (TLSv1\.[23]), Cipher is /m.exec(r.stdout)?.[1];
}

/** Asserts a verified handshake at `protocol`, and that the server process is gone after stop(). */
async function assertHandshakeThenStop(
  peer: Peer,
  protocol: 'TLSv1.2' | 'TLSv1.3',
  extra: string[] = [],
): Promise<void> {
  try {
    assert.ok(pidAlive(peer.pid), `${peer.kind} pid ${peer.pid} should be running`);
    const r = await sClient(peer, extra);
    const where = `${peer.kind}: s_client stdout:\n${r.stdout}\nstderr:\n${r.stderr}\nserver stderr:\n${peer.stderr()}`;
    assert.match(r.stdout, /Verify return code: 0 \(ok\)/, where);
    assert.equal(protocolOf(r), protocol, where);
    assert.equal(r.code, 0, where);
  } finally {
    await peer.stop();
  }
  assert.equal(pidAlive(peer.pid), false, `${peer.kind} pid ${peer.pid} still alive after stop()`);
  assert.notEqual(peer.exitStatus(), null);
}

/** A small Node TLS client: connects, sends one line, prints JSON with what it negotiated and received. */
const NODE_CLIENT = `
import tls from 'node:tls'; import fs from 'node:fs';
const [host, port, ca, curve] = process.argv.slice(2);
const s = tls.connect({ host, port: +port, ca: fs.readFileSync(ca), servername: 'localhost', ...(curve ? { ecdhCurve: curve } : {}) }, () => s.write('hello harness\\n'));
let data = '';
s.on('data', (d) => { data += d; if (data.includes('\\n')) { console.log(JSON.stringify({ protocol: s.getProtocol(), group: s.getEphemeralKeyInfo()?.name ?? null, openssl: process.versions.openssl, data })); s.end(); } });
s.on('error', (e) => { console.log(JSON.stringify({ error: e.code ?? e.message })); process.exitCode = 3; });
setTimeout(() => { console.log(JSON.stringify({ error: 'timeout' })); process.exit(4); }, 8000).unref();
`;

interface NodeClientResult {
  protocol?: string;
  group?: string | null;
  openssl?: string;
  data?: string;
  error?: string;
}

async function nodeClient(peer: Peer, node: string, curve?: string): Promise<NodeClientResult> {
  const script = join(scratch, 'client.mjs');
  writeFileSync(script, NODE_CLIENT);
  const r = await runClient(peer, [node, script, peer.host, String(peer.port), pki.root, ...(curve ? [curve] : [])]);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as NodeClientResult;
  } catch {
    throw new Error(`node client printed no JSON: ${r.stdout} ${r.stderr}`);
  }
}

test('freePort gives a bindable port; waitForPort gives up within its bound on a closed port', async () => {
  const port = await freePort();
  assert.ok(port > 1024 && port < 65536);
  // Counted, not timed: each attempt is followed by a 50 ms pause, so a 300 ms bound allows at most
  // 300 / 50 + 1 connection attempts before it gives up.
  const stats = { attempts: 0 };
  await assert.rejects(waitForPort('127.0.0.1', port, 300, undefined, stats), /nothing listening/);
  assert.ok(stats.attempts >= 1 && stats.attempts <= 7, `${stats.attempts} attempts`);
});

test('a missing peer binary fails with the package to install', () => {
  assert.throws(() => requireBinary('no-such-tls-server-xyz', 'no-such-package'), /apt-get install .*no-such-package/);
});

test('openssl s_server on loopback: verified TLS 1.3 handshake, stop() kills it', async () => {
  const peer = await startOpenSslServer(leaf);
  assert.equal(peer.netns, undefined);
  assert.deepEqual(clientCommandPrefix(peer), []);
  await assertHandshakeThenStop(peer, 'TLSv1.3');
});

test('openssl s_server: extra flags reach it (-tls1_2 gives TLS 1.2)', async () => {
  await assertHandshakeThenStop(await startOpenSslServer({ ...leaf, args: ['-tls1_2'] }), 'TLSv1.2');
});

test('openssl s_server: stdin kept open by default (serves twice); closed stdin ends it at a connection', async () => {
  const kept = await startOpenSslServer(leaf);
  try {
    for (let i = 0; i < 2; i++) assert.match((await sClient(kept)).stdout, /Verify return code: 0 \(ok\)/);
    assert.ok(kept.running(), 's_server with stdin kept open should still run after two connections');
  } finally {
    await kept.stop();
  }
  // s_server reads stdin only inside a connection: at EOF there it prints DONE and exits.
  const closed = await startOpenSslServer({ ...leaf, stdin: 'close' });
  try {
    await sClient(closed, ['-ign_eof']);
    await closed.waitForOutput('DONE', 5000).catch(() => undefined);
    await closed.waitForExit(5000).catch(() => undefined);
    assert.equal(closed.running(), false, 's_server with closed stdin should exit after a connection');
  } finally {
    await closed.stop();
  }
});

test('openssl s_server: a stdin script renegotiates a TLS 1.2 connection', async () => {
  const peer = await startOpenSslServer({
    ...pki.leaf('rsa2048'),
    args: ['-tls1_2'],
    stdin: [{ after: /^CIPHER is /m, data: 'r\n' }],
  });
  try {
    const argv = ['openssl', 's_client', '-connect', `${peer.host}:${peer.port}`, '-CAfile', pki.root, '-ign_eof'];
    const client = runClient(peer, argv, { timeoutMs: 8000 });
    await peer.waitForOutput('SSL_do_handshake -> 1', 6000);
    await peer.stop(); // the client sees EOF and ends
    const r = await client;
    assert.match(r.stdout, /Verify return code: 0 \(ok\)/);
  } finally {
    await peer.stop();
  }
});

test('gnutls-serv in its own network namespace: reachable through nsenter only', async () => {
  const peer = await startGnutlsServer(leaf);
  try {
    assert.match(peer.netns ?? '', /^\/proc\/\d+\/ns\/net$/);
    assert.deepEqual(clientCommandPrefix(peer), ['nsenter', `--net=${peer.netns}`]);
    // Not listening in our own namespace: a plain connect there is refused.
    await assert.rejects(waitForPort('127.0.0.1', peer.port, 300));
    // Echo mode works end to end.
    const echo = await nodeClient(peer, process.execPath);
    assert.equal(echo.data, 'hello harness\n', JSON.stringify(echo));
  } catch (e) {
    await peer.stop();
    throw e;
  }
  await assertHandshakeThenStop(peer, 'TLSv1.3');
});

test('bssl-tool server (BoringSSL) in a namespace: verified TLS 1.3, stop() kills it', async () => {
  const peer = await startBoringSslServer(leaf);
  assert.ok(peer.netns);
  await assertHandshakeThenStop(peer, 'TLSv1.3');
  assert.match(peer.stderr(), /Connected\.\n  Version: TLSv1\.3/);
});

test('NSS selfserv in a namespace: verified handshake, -V flag limits it to TLS 1.2', async () => {
  await assertHandshakeThenStop(await startNssServer(leaf), 'TLSv1.3');
  await assertHandshakeThenStop(await startNssServer({ ...leaf, args: ['-V', 'tls1.2:tls1.2'] }), 'TLSv1.2');
});

test('botan tls_server in a namespace: TLS 1.2 only', async () => {
  const peer = await startBotanServer(pki.leaf('rsa2048'));
  await assertHandshakeThenStop(peer, 'TLSv1.2');
  assert.match(peer.stdout(), /Handshake complete, TLS v1\.2/);
});

test('Go crypto/tls peer: builds, echoes reversed lines, honours maxVersion', async () => {
  const peer = await startGoServer({ ...leaf, mode: 'reverse' });
  try {
    const r = await nodeClient(peer, process.execPath);
    assert.equal(r.data, 'ssenrah olleh\n', JSON.stringify(r));
    await peer.waitForOutput(/HANDSHAKE version=TLS1\.3/, 3000);
  } catch (e) {
    await peer.stop();
    throw e;
  }
  await assertHandshakeThenStop(peer, 'TLSv1.3');
  await assertHandshakeThenStop(await startGoServer({ ...leaf, maxVersion: '1.2' }), 'TLSv1.2');
});

test('Node server (current node): handshake, keylog matches the client key log', async () => {
  const keylog = join(scratch, 'server.keylog');
  const clientLog = join(scratch, 'client.keylog');
  const peer = await startNodeServer({ ...leaf, keylog });
  try {
    await assertHandshakeThenStop(peer, 'TLSv1.3', ['-keylogfile', clientLog]);
  } finally {
    await peer.stop();
  }
  const lines = (f: string): string[] =>
    readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .sort();
  assert.ok(lines(keylog).length >= 5, 'TLS 1.3 logs at least 5 secrets');
  assert.deepEqual(lines(keylog), lines(clientLog));
  assert.match(peer.stdout(), /HANDSHAKE \{"protocol":"TLSv1\.3"/);
});

test('Node 24 peer: OpenSSL 3.5, X25519MLKEM768 negotiated with a hybrid client, X25519 with s_client', async () => {
  const node24 = node24Binary();
  const { stdout } = await run(node24, ['-p', 'process.versions.openssl'], { timeout: 10_000 });
  assert.match(stdout.trim(), /^3\.5\./, `Node 24 reports OpenSSL ${stdout.trim()}`);

  // Hybrid only: Node 24's own client negotiates it; OpenSSL 3.0 (x25519 only) cannot.
  const pq = await startNodeServer({ ...leaf, node: '24', ecdhCurve: 'X25519MLKEM768' });
  try {
    const r = await nodeClient(pq, node24, 'X25519MLKEM768');
    assert.deepEqual(
      { protocol: r.protocol, group: r.group },
      { protocol: 'TLSv1.3', group: 'X25519MLKEM768' },
      JSON.stringify(r),
    );
    const classic = await sClient(pq, ['-groups', 'X25519']);
    assert.notEqual(classic.code, 0, 'an X25519-only client must fail against an X25519MLKEM768-only server');
  } finally {
    await pq.stop();
  }
  assert.equal(pidAlive(pq.pid), false);

  // Hybrid preferred, X25519 allowed: openssl s_client -groups X25519 gets through.
  const both = await startNodeServer({ ...leaf, node: '24', ecdhCurve: 'X25519MLKEM768:X25519' });
  await assertHandshakeThenStop(both, 'TLSv1.3', ['-groups', 'X25519']);
});

for (const module of ['mbedtls', 'wolfssl', 'gnutls', 'nss'] as const) {
  test(`lighttpd with mod_${module}: serves its page over verified TLS`, async () => {
    const peer = await startLighttpd(module, { ...leaf, content: `hello from ${module}\n` });
    try {
      const r = await sClient(peer, ['-ign_eof'], 'GET /index.html HTTP/1.0\r\nHost: localhost\r\n\r\n');
      assert.match(r.stdout, /Verify return code: 0 \(ok\)/, r.stdout + r.stderr + peer.stderr());
      assert.match(r.stdout, /HTTP\/1\.0 200 OK/);
      assert.match(r.stdout, new RegExp(`hello from ${module}`));
      // mbedTLS 2.28 has no TLS 1.3.
      assert.equal(protocolOf(r), module === 'mbedtls' ? 'TLSv1.2' : 'TLSv1.3');
    } finally {
      await peer.stop();
    }
    assert.equal(pidAlive(peer.pid), false);
  });
}

/** Runs a child Node process that starts an openssl server, prints its pid, then dies as told. */
async function orphanCheck(how: 'exit' | 'throw' | 'sigkill'): Promise<void> {
  const peersUrl = new URL('../helpers/peers.js', import.meta.url).href;
  const pkiUrl = new URL('../helpers/pki.js', import.meta.url).href;
  const script = join(scratch, `orphan-${how}.mts`);
  writeFileSync(
    script,
    `import { startOpenSslServer } from ${JSON.stringify(peersUrl)};
import { ensurePki } from ${JSON.stringify(pkiUrl)};
const pki = await ensurePki();
const peer = await startOpenSslServer(pki.leaf('p256'));
console.log('PID ' + peer.pid);
// Wait for the parent to see the server alive before dying (otherwise the check races the exit hook).
await new Promise((r) => process.stdin.once('data', r));
${how === 'exit' ? 'process.exit(1);' : how === 'throw' ? "throw new Error('test failed');" : 'setInterval(() => {}, 1000);'}
`,
  );
  const repo = fileURLToPath(new URL('../../', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: repo, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const pid = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child printed no PID: ${out} ${err}`)), 20_000);
    child.stdout.on('data', () => {
      const m = /PID (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
  try {
    assert.ok(pidAlive(pid), 'server should run while its parent lives');
    child.stdin.write('go\n');
    if (how === 'sigkill') child.kill('SIGKILL');
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
    const deadline = Date.now() + 5000;
    while (pidAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(pidAlive(pid), false, `server pid ${pid} outlived its test process (${how})`);
  } finally {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone, as it should be
    }
  }
}

test('a test process that exits leaves no server behind (exit hook)', () => orphanCheck('exit'));
test('a test process that throws leaves no server behind', () => orphanCheck('throw'));
test('a test process killed with SIGKILL leaves no server behind (watchdog)', () => orphanCheck('sigkill'));
