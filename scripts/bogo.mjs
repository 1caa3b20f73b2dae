#!/usr/bin/env node
/**
 * npm run bogo: BoringSSL's BoGo runner against test/bogo/shim.ts (the library's TLS client).
 *
 *   npm run bogo                      all TLS client tests; totals; changes vs test/bogo/passing.txt
 *   npm run bogo -- --update          the same, then rewrites test/bogo/passing.txt
 *   npm run bogo -- --test 'Glob*'    only the client tests matching these ;-separated globs
 *   BOGO_DIR=/path/to/bogo            the runner's sources (default: ../shared/bogo from the checkout)
 *   BOGO_WORKERS=2                    parallel tests (default 2)
 *
 * The runner is built once per runner revision (a hash of its sources) into .bogo/<rev>/ (gitignored).
 * Which tests are TLS client tests is read off the runner itself, once per revision: a probe shim
 * (test/bogo/list-shim.sh) records each test's flags, and -server, -dtls, -quic mark the tests out of
 * scope. The run passes test/bogo/config.json as -shim-config (DisabledTests, each with its reason).
 * Not part of npm test: it needs Go (>= 1.19) and the runner's sources.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bogoDir = resolve(process.env.BOGO_DIR ?? join(root, '..', 'shared', 'bogo'));
const workers = process.env.BOGO_WORKERS ?? '2';
const cache = join(root, '.bogo');
const configSource = join(root, 'test', 'bogo', 'config.json');
/** The run uses a snapshot of config.json, so editing it while a run goes on does not change that run. */
const configFile = join(cache, 'config.json');
const passingFile = join(root, 'test', 'bogo', 'passing.txt');
/** The shim appends the reason of each exit 89 here. */
const unimplementedLog = join(cache, 'unimplemented.log');

function die(msg, code = 2) {
  process.stderr.write(`bogo: ${msg}\n`);
  process.exit(code);
}

function parseArgs(argv) {
  const o = { update: false, test: '' };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--update') o.update = true;
    else if (argv[i] === '--test') o.test = argv[++i] ?? '';
    else die(`unknown argument ${argv[i]} (use --update, --test GLOBS)`);
  }
  return o;
}

/** A short hash of the runner's Go sources: the cache key for the binary and the test list. */
function runnerRevision() {
  const dir = join(bogoDir, 'ssl', 'test', 'runner');
  if (!existsSync(dir)) die(`no BoGo runner at ${dir}: set BOGO_DIR to the runner's sources (see test/bogo/README.md)`);
  const h = createHash('sha256');
  for (const f of readdirSync(dir).sort()) {
    const p = join(dir, f);
    if (statSync(p).isFile()) h.update(f).update(readFileSync(p));
  }
  h.update(readFileSync(join(bogoDir, 'go.mod')));
  return h.digest('hex').slice(0, 12);
}

function buildRunner(dir) {
  const bin = join(dir, 'runner.test');
  if (existsSync(bin)) return bin;
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.status !== 0) die('Go is needed to build the BoGo runner (apt-get install golang-go; Go >= 1.19)');
  process.stdout.write(`bogo: building the runner (${go.stdout.trim()}) ...\n`);
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('sh', [join(bogoDir, 'build.sh'), dir], { stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(bin)) die('building the runner failed');
  return bin;
}

/** Bundles the shim into one ESM file and writes the executable wrapper the runner starts. */
async function buildShim() {
  mkdirSync(cache, { recursive: true });
  const out = join(cache, 'shim.mjs');
  await build({
    entryPoints: [join(root, 'test', 'bogo', 'shim.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    outfile: out,
    logLevel: 'warning',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  const wrapper = join(cache, 'shim.sh');
  writeFileSync(wrapper, `#!/bin/sh\nBOGO_CONFIG='${configFile}' exec '${process.execPath}' '${out}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  return wrapper;
}

/**
 * The TLS client tests of this runner revision: every test is run once with a probe shim that
 * records its flags and exits 89 (one worker, so the n-th recorded command line is the n-th test).
 */
function clientTests(dir, bin) {
  const listFile = join(dir, 'client-tests.txt');
  if (existsSync(listFile)) return readFileSync(listFile, 'utf8').split('\n').filter(Boolean);
  process.stdout.write('bogo: listing the client tests of this runner revision ...\n');
  const argsFile = join(dir, 'probe-args.bin');
  rmSync(argsFile, { force: true });
  const r = spawnSync(
    bin,
    ['-shim-path', join(root, 'test', 'bogo', 'list-shim.sh'), '-allow-unimplemented', '-pipe', '-num-workers', '1'],
    { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, BOGO_PROBE_OUT: argsFile } },
  );
  const names = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('UNIMPLEMENTED ('))
    .map((l) => l.slice('UNIMPLEMENTED ('.length, -1));
  const recs = readFileSync(argsFile, 'latin1')
    .split('\x1e')
    .filter(Boolean)
    .map((rec) => rec.split('\x1f'));
  if (recs.length !== names.length) die(`probe mismatch: ${names.length} tests, ${recs.length} shim runs`);
  const out = names.filter((_, i) => !['-server', '-dtls', '-quic'].some((f) => recs[i].includes(f)));
  writeFileSync(listFile, out.join('\n') + '\n');
  return out;
}

/** filepath.Match for the runner's globs (*, ?, no separators in test names). */
function globRe(p) {
  return new RegExp(
    '^' +
      p
        .replace(/[.+^${}()|\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.') +
      '$',
  );
}

/** Runs the runner over `names` in chunks that fit one argv string; returns {name: PASS|FAIL|SKIP}. */
function runTests(dir, bin, shim, names) {
  const results = {};
  const chunks = [];
  let cur = [];
  let len = 0;
  for (const n of names) {
    if (len + n.length + 1 > 100_000) {
      chunks.push(cur);
      cur = [];
      len = 0;
    }
    cur.push(n);
    len += n.length + 1;
  }
  if (cur.length) chunks.push(cur);
  // The runner's output (one line per test, failure texts) streams into .bogo/last-run.log.
  const logFile = join(cache, 'last-run.log');
  writeFileSync(logFile, '');
  const fd = openSync(logFile, 'a');
  writeFileSync(unimplementedLog, '');
  chunks.forEach((chunk, k) => {
    const json = join(dir, `results-${k}.json`);
    rmSync(json, { force: true });
    const r = spawnSync(
      bin,
      [
        '-shim-path',
        shim,
        '-shim-config',
        configFile,
        '-allow-unimplemented',
        '-loose-errors',
        '-pipe',
        '-num-workers',
        workers,
        '-json-output',
        json,
        '-test',
        chunk.join(';'),
      ],
      { cwd: dir, stdio: ['ignore', fd, fd], env: { ...process.env, BOGO_UNIMPLEMENTED_LOG: unimplementedLog } },
    );
    if (!existsSync(json)) die(`the runner wrote no results (exit ${r.status}); see .bogo/last-run.log`);
    Object.assign(
      results,
      ...Object.entries(JSON.parse(readFileSync(json, 'utf8')).tests).map(([n, t]) => ({ [n]: t.actual })),
    );
  });
  closeSync(fd);
  return results;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const rev = runnerRevision();
  const dir = join(cache, rev);
  const bin = buildRunner(dir);
  mkdirSync(cache, { recursive: true });
  writeFileSync(configFile, readFileSync(configSource));
  const shim = await buildShim();
  const all = clientTests(dir, bin);
  const config = JSON.parse(readFileSync(configFile, 'utf8'));
  const disabledRes = Object.keys(config.DisabledTests ?? {}).map(globRe);
  const selected = opts.test ? all.filter((n) => opts.test.split(';').some((g) => globRe(g).test(n))) : all;
  const disabled = selected.filter((n) => disabledRes.some((re) => re.test(n)));
  const toRun = selected.filter((n) => !disabled.includes(n));
  const results = runTests(dir, bin, shim, toRun);
  const by = (s) => toRun.filter((n) => results[n] === s);
  const passed = by('PASS');
  const failed = by('FAIL');
  const unimplemented = by('SKIP');
  const ran = passed.length + failed.length;
  const pct = ran ? ((100 * passed.length) / ran).toFixed(1) : '0.0';
  const secs = Math.round((Date.now() - started) / 1000);
  process.stdout.write(
    `bogo: runner ${rev}, ${selected.length} TLS client tests selected, ${disabled.length} disabled by config\n` +
      `bogo: tests run ${ran}, passed ${passed.length} (${pct}%), failed ${failed.length}, unimplemented ${unimplemented.length}  [${secs}s]\n`,
  );
  // Issue 15's targets, over the whole client suite: >= 98% of the tests run pass, >= 1450 run.
  if (!opts.test)
    process.stdout.write(
      `bogo: targets: pass rate ${pct}% (want >= 98%: ${Number(pct) >= 98 ? 'met' : 'not yet'}), ` +
        `tests run ${ran} of ${all.length} (want >= 1450: ${ran >= 1450 ? 'met' : 'not yet'})\n`,
    );
  // Why tests were unimplemented: the shim's reasons, most frequent first.
  const reasons = new Map();
  for (const line of readFileSync(unimplementedLog, 'utf8').split('\n').filter(Boolean)) {
    reasons.set(line, (reasons.get(line) ?? 0) + 1);
  }
  for (const [why, n] of [...reasons].sort((a, b) => b[1] - a[1]))
    process.stdout.write(`bogo:   unimplemented ${String(n).padStart(4)}  ${why}\n`);
  // Every failure should be named by a pattern of ExpectedFailures (with its reason).
  const expectedRes = Object.keys(config.ExpectedFailures ?? {}).map(globRe);
  const unlisted = failed.filter((n) => !expectedRes.some((re) => re.test(n)));
  process.stdout.write(
    `bogo: ${failed.length - unlisted.length} failures listed in ExpectedFailures, ${unlisted.length} not listed\n`,
  );
  for (const n of unlisted) process.stdout.write(`bogo: unlisted failure: ${n}\n`);
  // Changes vs the committed passing list (only over the selected tests).
  const before = new Set(existsSync(passingFile) ? readFileSync(passingFile, 'utf8').split('\n').filter(Boolean) : []);
  const now = new Set(passed);
  const lost = toRun.filter((n) => before.has(n) && !now.has(n));
  for (const n of disabled.filter((d) => before.has(d)))
    process.stdout.write(`bogo: in passing.txt but disabled by config.json: ${n}\n`);
  const gained = passed.filter((n) => !before.has(n));
  for (const n of lost) process.stdout.write(`bogo: NO LONGER PASSES: ${n} (${results[n] ?? 'not run'})\n`);
  for (const n of gained) process.stdout.write(`bogo: newly passes: ${n}\n`);
  process.stdout.write(
    `bogo: vs test/bogo/passing.txt: ${gained.length} newly passing, ${lost.length} no longer passing\n`,
  );
  // The outcome by name, for FAILURES.md and ExpectedFailures upkeep (kept until the next run).
  writeFileSync(
    join(cache, 'last-results.json'),
    JSON.stringify({ rev, passed, failed, unimplemented, disabled, seconds: secs }, null, 1) + '\n',
  );
  if (failed.length) process.stdout.write(`bogo: failure texts in .bogo/last-run.log\n`);
  if (opts.update) {
    const keep = [...before].filter((n) => !selected.includes(n));
    writeFileSync(passingFile, [...new Set([...keep, ...passed])].sort().join('\n') + '\n');
    process.stdout.write(`bogo: wrote test/bogo/passing.txt\n`);
  }
  process.exit(lost.length && !opts.update ? 1 : 0);
}

main().catch((e) => die(e instanceof Error ? e.message : String(e), 1));
