/**
 * What a cold start of the bundle loads (README "Cold start"): a default run against a real
 * `openssl s_server` evaluates none of the builtins that only some runs need, which scripts/bundle.mjs
 * and src/lazy-libs.ts defer (commander's node:child_process, chalk's node:tty and node:os, the
 * perf_hooks of the `performance` global, node:module), while the deferred code still works where it
 * is needed: a report on a terminal is painted by chalk, loaded at that point. With stdin /dev/null
 * the run does not make the fs.ReadStream process.stdin would be (src/cli/stdin.ts).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePki, type Pki } from '../helpers/pki.js';
import { startOpenSslServer, requireBinary, type Peer } from '../helpers/peers.js';
import { CLI, converse } from '../helpers/cli.js';

let pki: Pki;
let peer: Peer;
let target: string;
before(async () => {
  pki = await ensurePki();
  peer = await startOpenSslServer({ ...pki.leaf('p256'), args: ['-tls1_3'] });
  target = `127.0.0.1:${peer.port}`;
});
after(() => peer.stop());

/**
 * A --require preload that makes a process write Node's own record of every builtin it loaded
 * (process.moduleLoadList) at exit, and the reader of that record.
 */
function moduleListPreload(): { preload: string; loaded: () => Set<string> } {
  const dir = mkdtempSync(join(tmpdir(), 'tls-probe-startup-'));
  const preload = join(dir, 'modules.cjs');
  const list = join(dir, 'modules.txt');
  writeFileSync(
    preload,
    `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(list)}, process.moduleLoadList.join('\\n')));`,
  );
  return { preload, loaded: () => new Set(readFileSync(list, 'utf8').split('\n')) };
}

describe('a cold default run of the bundle', () => {
  it('verifies the chain without loading child_process, tty, os, perf_hooks, module or fs streams', async () => {
    const { preload, loaded } = moduleListPreload();
    // stdin /dev/null (stdio 'ignore'), as bench/coldstart.mjs runs it: the run ends after the handshake.
    const r = await runIgnoringStdin([process.execPath, '--require', preload, CLI, target, ...verifyArgs()]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Verification: OK[\s\S]*New, TLSv1\.3, Cipher is /);
    const modules = loaded();
    assert.ok(modules.has('NativeModule net'), 'the module list is the run of a client');
    for (const m of ['child_process', 'tty', 'os', 'perf_hooks', 'module', 'internal/fs/streams']) {
      assert.ok(!modules.has(`NativeModule ${m}`), `node:${m} was loaded`);
    }
  });

  it('without --cafile verifies against the platform store, whose roots it frames without decoding', async () => {
    // NODE_EXTRA_CA_CERTS puts the test root in the platform store (src/cli/truststore.ts platformRoots).
    const env = { ...process.env, NODE_EXTRA_CA_CERTS: pki.root };
    const r = await runIgnoringStdin([process.execPath, CLI, target, '--servername', 'localhost'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Verification: OK[\s\S]*Verify return code: 0 \(ok\)/);
    const untrusted = await runIgnoringStdin([process.execPath, CLI, target, '--servername', 'localhost']);
    assert.equal(untrusted.code, 3, untrusted.stdout); // ExitCode.VERIFY
    assert.match(untrusted.stdout, /Verify return code: 20 \(unable to get local issuer certificate\)/);
  });

  it('--version and --help on a pipe are answered from files, without node:net for stdout', async () => {
    const { preload, loaded } = moduleListPreload();
    const pkg = JSON.parse(readFileSync(join(CLI, '..', '..', 'package.json'), 'utf8')) as { version: string };
    const help = readFileSync(join(CLI, '..', '..', 'dist', 'bundle', 'help.txt'), 'utf8');
    for (const [flag, want] of [
      ['--version', `${pkg.version}\n`],
      ['--help', help],
    ] as const) {
      const r = await runIgnoringStdin([process.execPath, '--require', preload, CLI, flag]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, want);
      assert.ok(!loaded().has('NativeModule net'), `${flag}: node:net was loaded`);
    }
  });

  it('--help into a pipe whose reader has gone: exit 0, no stack trace', async () => {
    // `true` reads nothing and exits at once, long before a Node process has started and written.
    const cmd = `"$0" "$1" --help | true; exit "\${PIPESTATUS[0]}"`;
    const r = await runIgnoringStdin(['/bin/bash', '-c', cmd, process.execPath, CLI]);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
  });

  it('on a terminal paints the report with chalk, loaded then', async () => {
    const script = requireBinary('script', 'util-linux');
    const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
    const cmd = [process.execPath, CLI, target, ...verifyArgs()].map(quote).join(' ');
    const r = await converse(script, ['-qec', cmd, '/dev/null'], { env: { NO_COLOR: undefined } });
    assert.equal(r.code, 0, r.stdout);
    const esc = '\u001b';
    assert.ok(r.stdout.includes(`${esc}[32mVerification: OK${esc}[39m`), r.stdout);
    assert.match(r.stdout.replaceAll(esc, 'ESC'), /ESC\[1mNew, TLSv1\.3, Cipher is \S+ESC\[22m/);
  });
});

/** Runs a command with stdin /dev/null; its exit code and output (killed after 20 s). */
function runIgnoringStdin(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const [cmd, ...args] = argv as [string, ...string[]];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function verifyArgs(): string[] {
  return ['--servername', 'localhost', '--cafile', pki.root];
}
