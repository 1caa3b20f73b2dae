/**
 * The standalone binary (`npm run binary`: Node 20 single executable, scripts/sea.mjs) end to end:
 * built here (or reused when dist/tls-probe.stamp says it is of the current bundle), then run as a
 * user would, with no node, no node_modules and no package.json involved, against `openssl s_server`.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensurePki, repoRoot, type Pki } from '../helpers/pki.js';
import { startOpenSslServer } from '../helpers/peers.js';
import { converse, type CliResult } from '../helpers/cli.js';

const BINARY = join(repoRoot, 'dist', 'tls-probe');
const VERSION = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** Runs the binary; `send` goes to stdin, which ends when stdout matches `waitFor` (or at once). */
function runBinary(
  args: string[],
  opts: { send?: string; waitFor?: RegExp; timeoutMs?: number } = {},
): Promise<CliResult> {
  // Neither NODE_OPTIONS (which a single executable honours) nor the test runner's loaders apply.
  const fullEnv = { ...process.env };
  delete fullEnv.NODE_OPTIONS;
  return converse(BINARY, args, { ...opts, fullEnv });
}

let pki: Pki;
before(
  async () => {
    pki = await ensurePki();
    // npm test has just run `npm run build`; sea.mjs bundles dist/ and rebuilds only what changed.
    await promisify(execFile)(process.execPath, [join(repoRoot, 'scripts', 'sea.mjs')], {
      cwd: repoRoot,
      timeout: 300_000,
    });
  },
  { timeout: 320_000 },
);

test('the binary is a single executable file, not a script', () => {
  const st = statSync(BINARY);
  assert.ok(st.isFile() && (st.mode & 0o111) !== 0, 'dist/tls-probe is not an executable file');
  const head = Buffer.alloc(4);
  const fd = openSync(BINARY, 'r');
  try {
    readSync(fd, head, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  assert.deepEqual([...head], [0x7f, 0x45, 0x4c, 0x46], 'not an ELF executable');
});

test('--help and --version work from the binary', async () => {
  const help = await runBinary(['--help']);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /^Usage: tls-probe \[options\] <host\[:port\]>/m);
  assert.match(help.stdout, /--crypto/);
  assert.doesNotMatch(help.stderr, /ExperimentalWarning|single executable/i);
  const version = await runBinary(['--version']);
  assert.equal(version.code, 0, version.stderr);
  assert.equal(version.stdout.trim(), VERSION);
});

test("V8 accepts the binary's code cache (trained at build time by the same node on the same source)", async () => {
  const fullEnv: NodeJS.ProcessEnv = { ...process.env, TLS_PROBE_SEA_CACHE_CHECK: '1' };
  delete fullEnv.NODE_OPTIONS;
  const r = await converse(BINARY, [], { fullEnv });
  assert.equal(r.code, 0, r.stderr);
  // The snapshot form compiled the bundle with it at build time: "... bytes) at build time".
  const m = /^code cache (\w+) \((\d+) bytes\)/m.exec(r.stdout);
  assert.ok(m, `no code cache line in ${JSON.stringify(r.stdout)}`);
  assert.equal(m[1], 'accepted');
  // A default handshake's functions, not only the top level (which a --help run would give: ~370 KiB).
  assert.ok(Number(m[2]) > 450_000, `the cache is ${m[2]} bytes`);
});

test('two runs of the binary draw fresh randomness (nothing random is frozen into its startup snapshot)', async () => {
  const peer = await startOpenSslServer({ ...pki.leaf('p256'), args: ['-tls1_3'] });
  const dir = mkdtempSync(join(tmpdir(), 'tls-probe-binary-'));
  try {
    const secrets: [string, string][] = [];
    for (const run of [1, 2]) {
      const keylog = join(dir, `keys-${run}.txt`);
      const r = await runBinary([
        `127.0.0.1:${peer.port}`,
        '--servername',
        'localhost',
        '--cafile',
        pki.root,
        '--keylogfile',
        keylog,
      ]);
      assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
      // NSS key log: CLIENT_HANDSHAKE_TRAFFIC_SECRET <client random> <secret>.
      const line = /^CLIENT_HANDSHAKE_TRAFFIC_SECRET ([0-9a-f]{64}) ([0-9a-f]+)$/m.exec(readFileSync(keylog, 'utf8'));
      assert.ok(line, `no client handshake secret in run ${run}'s key log`);
      secrets.push([line[1] ?? '', line[2] ?? '']);
    }
    const [a, b] = secrets;
    assert.ok(a && b);
    assert.notEqual(a[0], b[0], 'the same ClientHello.random in two runs');
    assert.notEqual(a[1], b[1], 'the same handshake secret in two runs');
  } finally {
    await peer.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a usage error exits 2 with one line, as the script does', async () => {
  const r = await runBinary(['--no-such-flag', 'localhost']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^tls-probe: .*no-such-flag/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
});

for (const crypto of ['node', 'noble'] as const) {
  test(`full TLS 1.3 handshake, verified report, -rev round trip, exit 0 (--crypto ${crypto})`, async () => {
    const leaf = pki.leaf('p256');
    const peer = await startOpenSslServer({ ...leaf, args: ['-tls1_3', '-rev'] });
    try {
      const r = await runBinary(
        [`127.0.0.1:${peer.port}`, '--servername', 'localhost', '--cafile', pki.root, '--crypto', crypto],
        { send: 'hello tls-probe\n', waitFor: /eborp-slt olleh/ },
      );
      assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout, /^Verification: OK$/m);
      assert.match(r.stdout, /^New, TLSv1\.3, Cipher is TLS_[A-Z0-9_]+$/m);
      assert.match(r.stdout, /Verify return code: 0 \(ok\)/);
      assert.match(r.stdout, /eborp-slt olleh/);
    } finally {
      await peer.stop();
    }
  });
}

test('an untrusted chain fails verification with exit 3', async () => {
  const peer = await startOpenSslServer({ ...pki.leaf('p256'), args: ['-tls1_3', '-rev'] });
  try {
    const r = await runBinary([
      `127.0.0.1:${peer.port}`,
      '--servername',
      'localhost',
      '--cafile',
      pki.file('untrusted-root.pem'),
    ]);
    assert.equal(r.code, 3, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /certificate verification failed/);
  } finally {
    await peer.stop();
  }
});
