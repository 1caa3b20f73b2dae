/**
 * The published package, as a user gets it: `npm pack` the tree (npm test has just built dist/),
 * check what the tarball holds, `npm install` it into an empty directory (dependencies from the
 * registry), then `npx tls-probe` against `openssl s_server`. Also checks that the installed
 * launcher loads the one-file bundle and nothing else of the package.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ensurePki, repoRoot, type Pki } from '../helpers/pki.js';
import { startOpenSslServer } from '../helpers/peers.js';
import { converse, type CliResult } from '../helpers/cli.js';

const run = promisify(execFile);

/**
 * The environment for npm and npx: this Node first on PATH (in a checkout from before the Node 24
 * peer moved to .cache/peers, node_modules/.bin held its `node`), and none of the outer `npm run`'s npm_* variables
 * (npm_config_local_prefix would point the inner npm at this repository).
 */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('npm_') && k !== 'NODE_OPTIONS' && k !== 'INIT_CWD') env[k] = v;
  }
  const path = (process.env.PATH ?? '').split(delimiter).filter((d) => d && !d.split('/').includes('node_modules'));
  env.PATH = [dirname(process.execPath), ...path].join(delimiter);
  return env;
}

/** Runs a command; `send` goes to stdin, which ends when stdout matches `waitFor` (or at once). */
function runCommand(
  cmd: string,
  args: string[],
  opts: { cwd: string; send?: string; waitFor?: RegExp; timeoutMs?: number },
): Promise<CliResult> {
  return converse(cmd, args, { timeoutMs: 60_000, ...opts, fullEnv: npmEnv() });
}

interface PackEntry {
  filename: string;
  files: { path: string }[];
}

let pki: Pki;
let work: string;
let tarball: string;
let files: string[];
let app: string;

before(
  async () => {
    pki = await ensurePki();
    work = mkdtempSync(join(tmpdir(), 'tls-probe-pack-'));
    const out = join(work, 'pack');
    mkdirSync(out);
    const packed = await run('npm', ['pack', '--json', '--pack-destination', out], {
      cwd: repoRoot,
      env: npmEnv(),
      timeout: 120_000,
      maxBuffer: 16 << 20,
    });
    const entry = (JSON.parse(packed.stdout) as PackEntry[])[0];
    assert.ok(entry, `npm pack printed no entry:\n${packed.stdout}\n${packed.stderr}`);
    tarball = join(out, entry.filename);
    files = entry.files.map((f) => f.path).sort();

    app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'tls-probe-pack-test', version: '1.0.0', private: true }) + '\n',
    );
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], {
      cwd: app,
      env: npmEnv(),
      timeout: 240_000,
      maxBuffer: 16 << 20,
    });
  },
  { timeout: 400_000 },
);

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the tarball holds the built JavaScript, bin/, man/, README and LICENSE', () => {
  for (const f of [
    'package.json',
    'README.md',
    'LICENSE',
    'bin/tls-probe.js',
    'man/tls-probe.1',
    'bin/package.json',
    'dist/bundle/tls-probe.cjs',
    'dist/bundle/tls-probe.cjs.cache',
    'dist/bundle/help.txt',
    'dist/cli/main.js',
  ]) {
    assert.ok(files.includes(f), `${f} missing from the tarball: ${files.join(' ')}`);
  }
});

test('the tarball holds no sources, tests, fixtures, scripts or build leftovers', () => {
  const unwanted = files.filter(
    (f) =>
      /^(src|test|fixtures|bench|scripts|node_modules|\.ci|shared)\//.test(f) ||
      (f.endsWith('.ts') && !f.endsWith('.d.ts')) ||
      /^dist\/(tls-probe|tls-probe\.stamp|sea-[^/]*\/.*)$/.test(f) ||
      f.endsWith('.tgz') ||
      /\.tmp-\d+$/.test(f),
  );
  assert.deepEqual(unwanted, []);
});

test('the installed package.json: bin, engines >=20.19, no install scripts', () => {
  const pkg = JSON.parse(readFileSync(join(app, 'node_modules', 'tls-probe', 'package.json'), 'utf8')) as {
    bin?: Record<string, string>;
    engines?: { node?: string };
    scripts?: Record<string, string>;
  };
  assert.deepEqual(pkg.bin, { 'tls-probe': 'bin/tls-probe.js' });
  assert.equal(pkg.engines?.node, '>=20.19');
  for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) {
    assert.equal(pkg.scripts?.[hook], undefined, `package.json has a ${hook} script`);
  }
  assert.ok(existsSync(join(app, 'node_modules', '.bin', 'tls-probe')), 'npm linked no tls-probe bin');
});

test('the installed launcher loads the one-file bundle and no other file of the package', async () => {
  // A module hook that names every file the module loaders load (builtins are not files), and a
  // readFileSync wrapper that names every file read: the launcher compiles the bundle itself
  // (vm.Script with its code cache), so the bundle shows up as a read, not as a module.
  writeFileSync(
    join(work, 'hooks.mjs'),
    "export async function load(url, context, next) {\n  if (url.startsWith('file:')) process.stderr.write(`LOADED ${url}\\n`);\n  return next(url, context);\n}\n",
  );
  writeFileSync(
    join(work, 'register.mjs'),
    [
      "import { register, syncBuiltinESMExports } from 'node:module';",
      "import fs from 'node:fs';",
      "register('./hooks.mjs', import.meta.url);",
      'const read = fs.readFileSync;',
      "fs.readFileSync = function (path, ...rest) { if (typeof path === 'string') process.stderr.write(`READ ${path}\\n`); return read.call(this, path, ...rest); };",
      'syncBuiltinESMExports();',
      '',
    ].join('\n'),
  );
  const peer = await startOpenSslServer({ ...pki.leaf('p256'), args: ['-tls1_3', '-rev'] });
  try {
    const r = await runCommand(
      process.execPath,
      [
        '--import',
        join(work, 'register.mjs'),
        join(app, 'node_modules', '.bin', 'tls-probe'),
        `127.0.0.1:${peer.port}`,
        '--servername',
        'localhost',
        '--cafile',
        pki.root,
      ],
      { cwd: app },
    );
    assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
    const pkgDir = `file://${join(app, 'node_modules', 'tls-probe')}/`;
    const loaded = [...r.stderr.matchAll(/^LOADED (\S+)$/gm)].map((m) => m[1]!.replace(pkgDir, ''));
    assert.deepEqual(loaded, ['bin/tls-probe.js']);
    const pkgPath = join(app, 'node_modules', 'tls-probe') + '/';
    const read = [...r.stderr.matchAll(/^READ (\S+)$/gm)]
      .map((m) => m[1]!)
      .filter((f) => f.startsWith(pkgPath))
      .map((f) => f.slice(pkgPath.length));
    assert.deepEqual(read, ['dist/bundle/tls-probe.cjs.cache', 'dist/bundle/tls-probe.cjs']);
  } finally {
    await peer.stop();
  }
});

test('npx tls-probe: verified TLS 1.3 report, a -rev round trip, exit 0', async () => {
  const peer = await startOpenSslServer({ ...pki.leaf('p256'), args: ['-tls1_3', '-rev'] });
  try {
    const r = await runCommand(
      'npx',
      ['--no', '--', 'tls-probe', `127.0.0.1:${peer.port}`, '--servername', 'localhost', '--cafile', pki.root],
      {
        cwd: app,
        send: 'hello tls-probe\n',
        waitFor: /eborp-slt olleh/,
      },
    );
    assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /^Verification: OK$/m);
    assert.match(r.stdout, /^New, TLSv1\.3, Cipher is TLS_[A-Z0-9_]+$/m);
    assert.match(r.stdout, /eborp-slt olleh/);
  } finally {
    await peer.stop();
  }
});

test('npx -- tls-probe --version answers with the package version', async () => {
  // Without `--`, npx takes --version (and --help) as its own.
  const r = await runCommand('npx', ['--no', '--', 'tls-probe', '--version'], { cwd: app });
  assert.equal(r.code, 0, r.stderr);
  const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  assert.equal(r.stdout.trim(), version);
});
