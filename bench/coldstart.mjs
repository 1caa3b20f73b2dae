#!/usr/bin/env node
/**
 * Cold start: whole-process wall time and CPU time (user + system, all threads, from bash's `time`) of one full TLS 1.3 handshake with certificate verification and a clean
 * close, against a local `openssl s_server`, for tls-probe and for the peers it should be compared
 * with, measured in the same run:
 *
 *   node:tls script            bench/node-tls-client.mjs, the floor for any tool that runs on Node
 *   openssl s_client           -connect ... </dev/null, native code
 *   tls-probe (bundle)         node bin/tls-probe.js: the esbuild bundle dist/bundle/tls-probe.cjs
 *   tls-probe (tsc output)     node dist/cli/main.js: the unbundled ~80 modules, for the difference
 *   tls-probe --groups x25519  the bundle offering only an X25519 key share, as node:tls and
 *                              s_client do: by default tls-probe also sends an X25519MLKEM768 share,
 *                              and ML-KEM-768 key generation in JavaScript is a large part of a run
 *   tls-probe --crypto noble   the bundle with the pure-TypeScript provider (lazily initialised)
 *   tls-probe binary           dist/tls-probe, the single executable (when `npm run binary` made it)
 *
 * and, against `node -e 0` (an empty Node start), `tls-probe --version` and `--help`.
 *
 * Every process is new (a cold V8 and module cache; the OS file cache is warm after one untimed
 * warm-up round). Rounds interleave the contenders in rotating order so that drift hits all alike.
 * NODE_EXTRA_CA_CERTS, which makes every Node start read and parse a CA bundle, is removed from
 * every contender's environment. Prints one table; no assertions: the numbers are for reading.
 *
 *   npm run bench:cold                    (builds first)
 *   node bench/coldstart.mjs [--runs 15] [--extra-ca] [--instructions [3]]
 *     --extra-ca      adds a row for the bundle with NODE_EXTRA_CA_CERTS left as the caller had it
 *     --instructions  also counts each contender's instructions (all threads) under valgrind's
 *                     callgrind, median of 3 runs: slow (~1 min per contender), but the same on a
 *                     busy machine, where wall times are not
 *     --json          after the table, one line of JSON with the same rows (for bench/run.mjs)
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, pki, startSServer } from './handshakes.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const runsArg = args.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(args[runsArg + 1]) : 15;
if (!Number.isInteger(RUNS) || RUNS < 1) {
  process.stderr.write('coldstart: --runs needs a positive integer\n');
  process.exit(2);
}
const RUN_TIMEOUT_MS = 20_000;
const instrArg = args.indexOf('--instructions');
const INSTR_RUNS = instrArg < 0 ? 0 : /^\d+$/.test(args[instrArg + 1] ?? '') ? Number(args[instrArg + 1]) : 3;

// bash's `time` reads the child's rusage with millisecond resolution (GNU time prints 10 ms steps).
const hasTime = existsSync('/bin/bash');
const cpuFile = join(mkdtempSync(join(tmpdir(), 'coldstart-')), 'cpu');
const TIMED = `exec 3>&2; TIMEFORMAT='%3U %3S'; { time "$0" "$@" 2>&3; } 2>'${cpuFile}'`;

/** One timed process: spawn to close, stdin /dev/null; wall ms and, under GNU time, CPU ms. */
function timeOnce(c) {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    const t0 = performance.now();
    const [cmd, argv] = hasTime ? ['/bin/bash', ['-c', TIMED, c.cmd, ...c.args]] : [c.cmd, c.args];
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: c.env });
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', (e) => {
      clearTimeout(timer);
      resolve({ ms: NaN, code: -1, stdout, stderr: String(e) });
    });
    child.once('close', (code, signal) => {
      const ms = performance.now() - t0;
      clearTimeout(timer);
      resolve({ ms, cpu: hasTime ? cpuMs() : NaN, code: code ?? signal, stdout, stderr });
    });
  });
}

/** The user + system seconds bash's time wrote for the last run, in ms. */
function cpuMs() {
  const m = /^([\d.]+) ([\d.]+)\s*$/m.exec(readFileSync(cpuFile, 'utf8'));
  return m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN;
}

/** Instructions of one run under callgrind (every thread of the process), or a failure text. */
function countOnce(c) {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    // ~50x slower under valgrind: tls-probe's 10 s --connect-timeout would fire.
    const slow = c.name.startsWith('tls-probe') ? ['--connect-timeout', '600000'] : [];
    const child = spawn('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', c.cmd, ...c.args, ...slow], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: c.env,
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', (e) => {
      clearTimeout(timer);
      resolve({ failure: String(e) });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      const m = /Collected : (\d+)/.exec(stderr);
      if (code !== 0 || !m || !c.ok.test(stdout))
        resolve({ failure: `under valgrind: exit ${code}: ${stderr.trim().split('\n').slice(-1)[0] ?? ''}` });
      else resolve({ count: Number(m[1]) });
    });
  });
}

function firstLine(cmd, argv) {
  try {
    return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')[0]
      .trim();
  } catch {
    return 'unknown';
  }
}

const p = pki();
const server = await startSServer(p, ['-tls1_3']);
const target = `127.0.0.1:${server.port}`;
const extraCa = process.env.NODE_EXTRA_CA_CERTS;
const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;
const node = process.execPath;
const probeArgs = [target, '--servername', 'localhost', '--cafile', p.root];
const PROBE_OK = /Verification: OK[\s\S]*New, TLSv1\.3, Cipher is /;
const bundle = join(root, 'dist', 'bundle', 'tls-probe.cjs');
const unbundled = join(root, 'dist', 'cli', 'main.js');
const binary = join(root, 'dist', 'tls-probe');

const notes = [];
const contenders = [
  {
    name: 'node:tls script',
    cmd: node,
    args: [join(root, 'bench', 'node-tls-client.mjs'), '127.0.0.1', String(server.port), p.root, 'localhost'],
    ok: /New, TLSv1\.3, .* verified true/,
  },
  {
    name: 'openssl s_client',
    cmd: 'openssl',
    args: ['s_client', '-connect', target, '-servername', 'localhost', '-CAfile', p.root, '-verify_return_error'],
    ok: /Verification: OK[\s\S]*New, TLSv1\.3, Cipher is /,
  },
];
if (existsSync(bundle)) {
  contenders.push({
    name: 'tls-probe (bundle)',
    cmd: node,
    args: [join(root, 'bin', 'tls-probe.js'), ...probeArgs],
    ok: PROBE_OK,
  });
  if (existsSync(unbundled) && statSync(bundle).mtimeMs < statSync(unbundled).mtimeMs) {
    notes.push('dist/bundle is older than dist/cli: bin/tls-probe.js runs the tsc output; run `npm run build`');
  }
} else {
  notes.push('no dist/bundle/tls-probe.cjs: run `npm run build` for the bundled rows');
}
if (existsSync(unbundled)) {
  contenders.push({ name: 'tls-probe (tsc output)', cmd: node, args: [unbundled, ...probeArgs], ok: PROBE_OK });
}
if (existsSync(bundle)) {
  contenders.push({
    name: 'tls-probe --groups x25519',
    cmd: node,
    args: [join(root, 'bin', 'tls-probe.js'), ...probeArgs, '--groups', 'x25519'],
    ok: PROBE_OK,
  });
  contenders.push({
    name: 'tls-probe --crypto noble',
    cmd: node,
    args: [join(root, 'bin', 'tls-probe.js'), ...probeArgs, '--crypto', 'noble'],
    ok: PROBE_OK,
  });
}
if (existsSync(binary)) {
  contenders.push({ name: 'tls-probe binary (SEA)', cmd: binary, args: probeArgs, ok: PROBE_OK });
} else {
  notes.push('no dist/tls-probe: `npm run binary` builds the standalone binary');
}
// Start-up alone, against an empty Node start: what `--version` and `--help` cost on top of it.
const launcher = join(root, 'bin', 'tls-probe.js');
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
contenders.push({ name: 'node -e 0', cmd: node, args: ['-e', '0'], ok: /^$/, ref: 'node -e 0' });
contenders.push({
  name: 'tls-probe --version',
  cmd: node,
  args: [launcher, '--version'],
  ok: new RegExp(`^${version}\\n$`),
  ref: 'node -e 0',
});
contenders.push({
  name: 'tls-probe --help',
  cmd: node,
  args: [launcher, '--help'],
  ok: /^Usage: tls-probe /,
  ref: 'node -e 0',
});
for (const c of contenders) {
  c.env = env;
  c.ref ??= 'node:tls script';
}
if (args.includes('--extra-ca') && extraCa && existsSync(bundle)) {
  contenders.push({
    name: 'tls-probe (bundle) + EXTRA_CA',
    cmd: node,
    args: [join(root, 'bin', 'tls-probe.js'), ...probeArgs],
    ok: PROBE_OK,
    env: process.env,
  });
}
for (const c of contenders) {
  c.times = [];
  c.cpus = [];
  c.counts = [];
  c.failure = undefined;
}

process.stdout.write(
  `coldstart: ${contenders.length} contenders x ${RUNS} runs (+1 warm-up) against s_server on ${target}...\n`,
);
try {
  for (let round = 0; round <= RUNS; round++) {
    for (let i = 0; i < contenders.length; i++) {
      const c = contenders[(i + round) % contenders.length];
      if (c.failure) continue;
      const r = await timeOnce(c);
      if (r.code !== 0 || !c.ok.test(r.stdout)) {
        c.failure = `exit ${r.code}: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' | ')}`;
      } else if (round > 0) {
        c.times.push(r.ms);
        c.cpus.push(r.cpu);
      }
    }
  }
  if (INSTR_RUNS > 0) {
    process.stdout.write(`coldstart: counting instructions under callgrind, ${INSTR_RUNS} runs each...\n`);
    for (const c of contenders) {
      for (let i = 0; i < INSTR_RUNS && !c.failure; i++) {
        const r = await countOnce(c);
        if (r.failure) c.failure = r.failure;
        else c.counts.push(r.count);
      }
    }
  }
} finally {
  server.stop();
}

const byName = new Map(contenders.map((c) => [c.name, c]));
/** Median of a contender's series, NaN when it failed or has none. */
const med = (c, key) => (c && !c.failure && c[key].length ? median(c[key]) : NaN);
const refOf = (c, key) => med(byName.get(c.ref), key);
const refCount = med(contenders[0], 'counts');
const fmt = (x) => (Number.isFinite(x) ? x.toFixed(1) : '-').padStart(7);
const ratio = (x, r) => (Number.isFinite(x / r) ? `${(x / r).toFixed(2)}x` : '-').padStart(7);
const width = Math.max(...contenders.map((c) => c.name.length)) + 2;
const lines = [];
lines.push(
  `${'contender'.padEnd(width)} ${'median'.padStart(7)} ${'min'.padStart(7)} ${'max'.padStart(7)}   ratio ${'cpu ms'.padStart(7)}   ratio  vs` +
    (INSTR_RUNS ? `   Minstr   ratio` : ''),
);
for (const c of contenders) {
  if (c.failure) {
    lines.push(`${c.name.padEnd(width)} FAILED ${c.failure}`);
    continue;
  }
  const m = med(c, 'times');
  const cpuMedian = med(c, 'cpus');
  const instr = INSTR_RUNS
    ? `   ${(med(c, 'counts') / 1e6).toFixed(0).padStart(6)} ${ratio(med(c, 'counts'), refCount)}`
    : '';
  lines.push(
    `${c.name.padEnd(width)} ${fmt(m)} ${fmt(Math.min(...c.times))} ${fmt(Math.max(...c.times))} ${ratio(m, refOf(c, 'times'))} ${fmt(cpuMedian)} ${ratio(cpuMedian, refOf(c, 'cpus'))}  ${c.ref}${instr}`,
  );
}

const bundleBytes = existsSync(bundle) ? statSync(bundle).size : 0;
const cpu = cpus()[0]?.model ?? 'unknown cpu';
process.stdout.write(
  [
    '',
    `Cold start, full TLS 1.3 handshake (P-256 leaf + intermediate, verified) and close, whole process: wall ms and CPU ms (user+system), medians of ${RUNS} runs, ratios against the row named under 'vs'` +
      (INSTR_RUNS
        ? `;\nMinstr: millions of instructions, all threads, valgrind callgrind (median of ${INSTR_RUNS})`
        : ''),
    ...lines,
    '',
    `date ${new Date().toISOString()}; nproc ${availableParallelism()} (${cpu}); load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
    `node ${process.version} (${node}); ${firstLine('openssl', ['version'])}; server openssl s_server -tls1_3`,
    `NODE_EXTRA_CA_CERTS ${extraCa ? `was set (${extraCa}); unset for every contender` : 'was not set'}` +
      (process.env.NODE_OPTIONS ? `; NODE_OPTIONS=${process.env.NODE_OPTIONS} (kept)` : ''),
    bundleBytes ? `bundle dist/bundle/tls-probe.cjs ${(bundleBytes / 1024).toFixed(0)} KiB` : '',
    ...notes.map((n) => `note: ${n}`),
    '',
  ]
    .filter((l, i, a) => l !== '' || a[i - 1] !== '')
    .join('\n') + '\n',
);
if (!process.version.startsWith('v20.')) {
  process.stdout.write(`note: measured under Node ${process.version}, not the project's Node 20\n`);
}
if (args.includes('--json')) {
  const rows = contenders.map((c) =>
    c.failure
      ? { name: c.name, failed: c.failure }
      : {
          name: c.name,
          medianMs: med(c, 'times'),
          minMs: Math.min(...c.times),
          maxMs: Math.max(...c.times),
          ratio: med(c, 'times') / refOf(c, 'times'),
          cpuMs: med(c, 'cpus'),
          cpuRatio: med(c, 'cpus') / refOf(c, 'cpus'),
          vs: c.ref,
          ...(INSTR_RUNS ? { instructions: med(c, 'counts'), instructionRatio: med(c, 'counts') / refCount } : {}),
        },
  );
  const machine = {
    date: new Date().toISOString(),
    nproc: availableParallelism(),
    cpu,
    loadavg: loadavg(),
    node: process.version,
    openssl: firstLine('openssl', ['version']),
  };
  process.stdout.write(
    JSON.stringify({
      runs: RUNS,
      extraCaCerts: extraCa ? 'unset for every contender' : 'not set',
      machine,
      rows,
      notes,
    }) + '\n',
  );
}
process.exitCode = contenders.some((c) => c.failure) ? 1 : 0;
