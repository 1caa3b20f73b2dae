#!/usr/bin/env node
/**
 * Builds the standalone binary dist/tls-probe with Node's single-executable-application support
 * (`npm run binary`, which runs `npm run build` first):
 *
 *   1. esbuild: dist/cli/main.js (tsc output) -> one CommonJS file (SEA runs a CJS script whose
 *      `require` sees only builtins, so everything else is bundled; the version is inlined)
 *   2. node --experimental-sea-config: the blob, with a V8 startup snapshot (useSnapshot) of the
 *      bundle's modules evaluated, so the binary neither compiles nor runs the bundle's top level at
 *      each start: the run is the snapshot's deserialize-main function (src/cli/main.ts defers to
 *      it through globalThis.__tlsProbeDefer). --code-cache builds the earlier form instead: V8's
 *      code cache of the bundle (useCodeCache), compiled at build time but evaluated at each start
 *   3. a copy of this process's Node binary (process.execPath: run it under Node 20, not the Node 24
 *      of node_modules/.bin), stripped of its debug info when `strip` is on PATH
 *   4. postject puts the blob in the copy and flips the NODE_SEA_FUSE sentinel
 *   5. dist/tls-probe --version must answer with the package's version before the copy is renamed
 *      into place (atomically: concurrent test runs may build at the same time)
 *
 * Step 2 onwards is skipped when dist/tls-probe was built from the same bundle by the same Node in
 * the same form (dist/tls-probe.stamp holds their hash); --force rebuilds anyway. Prints the binary's path.
 * The SEA config is generated (dist/sea-<pid>/sea-config.json), not kept in the repository.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postject from 'postject';
import { bundleSea, repoRoot, tscEntry } from './bundle.mjs';

/** The sentinel Node's SEA code looks for (doc/api/single-executable-applications.md). */
export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
export const binaryPath = join(repoRoot, 'dist', 'tls-probe');
const stampPath = `${binaryPath}.stamp`;

function log(line) {
  process.stderr.write(`sea: ${line}\n`);
}

function onPath(cmd) {
  return (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, cmd)));
}

/**
 * postject's LIEF (WebAssembly) warns once per note section it cannot name, through console.warn
 * ("warning: Can't find string offset for section name '.note.100'"): harmless, the notes are kept
 * as they are. Those lines are counted instead of printed; anything else it says goes through.
 */
async function injectQuietly(exe, blob) {
  const warn = console.warn;
  let noteWarnings = 0;
  console.warn = (...a) => {
    if (/^warning: Can't find string offset for section name '\.note[.\w]*'/.test(String(a[0]))) noteWarnings++;
    else warn(...a);
  };
  try {
    await postject.inject(exe, 'NODE_SEA_BLOB', blob, { sentinelFuse: SEA_FUSE });
  } finally {
    console.warn = warn;
  }
  if (noteWarnings) log(`postject: ${noteWarnings} LIEF warnings about unnamed .note sections (harmless)`);
}

/**
 * Wraps the bundle so that the binary answers a lone --version/-V or --help/-h before it evaluates the
 * bundle (the launcher bin/tls-probe.js does the same from files): the bundle's body becomes a
 * function that runs otherwise. The help text is the bundle's own, rendered at the 100 columns it
 * uses on a pipe (src/cli/options.ts: min(columns, 100)).
 */
function quickAnswers(main, version, snapshot) {
  const body = readFileSync(main, 'utf8');
  const help = execFileSync(process.execPath, [main, '--help'], { encoding: 'utf8', timeout: 30_000 });
  const quick = [
    `const VERSION = ${JSON.stringify(`${version}\n`)};`,
    `const HELP = ${JSON.stringify(help)};`,
    'const args = process.argv.slice(2);',
    'const wide = !(process.stdout.isTTY && (process.stdout.columns || 100) < 100);',
    "if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) process.stdout.write(VERSION);",
    "else if (args.length === 1 && (args[0] === '--help' || args[0] === '-h') && wide) process.stdout.write(HELP);",
  ];
  // Snapshot: the body is evaluated at build time with the run deferred to the deserialize-main
  // function, which answers --version/--help itself (nothing of the run happens at build time).
  const wrapped = snapshot
    ? [
        '"use strict";',
        'globalThis.__tlsProbeDefer = (run) => require("node:v8").startupSnapshot.setDeserializeMainFunction(() => {',
        ...quick.map((l) => `  ${l}`),
        '  else run();',
        '});',
        body,
        '',
      ]
    : ['"use strict";', ...quick, 'else (function tlsProbe() {', body, '})();', ''];
  writeFileSync(main, wrapped.join('\n'));
}

/** Builds (or reuses) dist/tls-probe; returns its path. */
export async function buildBinary({ force = false, snapshot = true } = {}) {
  if (!existsSync(tscEntry)) throw new Error(`${tscEntry} missing: run \`npm run build\` first`);
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 12)) {
    throw new Error(
      `Node ${process.version} has no useCodeCache/disableExperimentalSEAWarning in SEA configs (needs 20.12+)`,
    );
  }
  const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const work = join(repoRoot, 'dist', `sea-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const main = join(work, 'tls-probe.cjs');
    await bundleSea(main);
    quickAnswers(main, version, snapshot);
    const stamp = createHash('sha256')
      .update(readFileSync(main))
      .update(`\0${process.version}\0${process.execPath}\0${statSync(process.execPath).size}\0${snapshot}`)
      .digest('hex');
    if (!force && existsSync(binaryPath) && existsSync(stampPath) && readFileSync(stampPath, 'utf8').trim() === stamp) {
      log(`${binaryPath} is up to date (${process.version}, same bundle)`);
      return binaryPath;
    }

    const blob = join(work, 'sea-prep.blob');
    const config = join(work, 'sea-config.json');
    writeFileSync(
      config,
      JSON.stringify(
        { main, output: blob, disableExperimentalSEAWarning: true, useSnapshot: snapshot, useCodeCache: !snapshot },
        null,
        2,
      ) + '\n',
    );
    // Its one line ("Wrote single executable preparation blob to ...") is shown only on failure.
    try {
      execFileSync(process.execPath, ['--experimental-sea-config', config], {
        cwd: work,
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 120_000,
      });
    } catch (e) {
      throw new Error(`node --experimental-sea-config failed: ${String(e.stderr || e.message).trim()}`, { cause: e });
    }

    const exe = join(work, 'tls-probe');
    if (onPath('strip')) {
      execFileSync('strip', ['-o', exe, process.execPath], {
        stdio: ['ignore', 'ignore', 'inherit'],
        timeout: 120_000,
      });
    } else {
      copyFileSync(process.execPath, exe);
    }
    chmodSync(exe, 0o755);
    await injectQuietly(exe, readFileSync(blob));

    const answer = execFileSync(exe, ['--version'], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, NODE_OPTIONS: '' },
    }).trim();
    if (answer !== version)
      throw new Error(`the new binary answered --version with '${answer}', expected '${version}'`);

    renameSync(exe, binaryPath);
    writeFileSync(`${stampPath}.${process.pid}`, stamp + '\n');
    renameSync(`${stampPath}.${process.pid}`, stampPath);
    log(
      `${binaryPath}: ${(statSync(binaryPath).size / 2 ** 20).toFixed(1)} MiB, Node ${process.version}, bundle ${(statSync(main).size / 1024).toFixed(0)} KiB + ${snapshot ? 'startup snapshot' : 'code cache'}`,
    );
    return binaryPath;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const t0 = performance.now();
    const path = await buildBinary({
      force: process.argv.includes('--force'),
      snapshot: !process.argv.includes('--code-cache'),
    });
    log(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    process.stdout.write(`${path}\n`);
  } catch (e) {
    log(`failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}
