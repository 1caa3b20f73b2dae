/**
 * TLS 1.3 0-RTT (issue 18 item 3) against real servers: `openssl s_server -early_data` (which
 * prints what it received between "Early data received:" and "End of early data") and
 * `gnutls-serv --earlydata` (whose handshake only completes when our EndOfEarlyData arrives under
 * the early keys, and fails if we send more than its --maxearlydata). Session files go both ways:
 * ours → `openssl s_client -sess_in -early_data`, s_client's → ours, and the same checks run
 * against s_client where it can do them (rejected after a server restart, not sent without a
 * ticket that allows it).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePki, type Pki } from '../helpers/pki.js';
import { startGnutlsServer, startOpenSslServer, type Peer } from '../helpers/peers.js';
import { requireBinary } from '../helpers/peer-process.js';
import { probe, jsonOf, connectionOf, errorOf, type CliResult } from '../helpers/cli.js';

let pki: Pki;
let work: string;
const MARKER = 'marker-0rtt-4b1d';
const DATA = `GET /early HTTP/1.0 ${MARKER}\n`;
let dataFile: string;

before(async () => {
  pki = await ensurePki();
  work = mkdtempSync(join(tmpdir(), 'tls-probe-early-'));
  dataFile = join(work, 'early.txt');
  writeFileSync(dataFile, DATA);
});
after(() => rmSync(work, { recursive: true, force: true }));

function show(r: CliResult): string {
  return `exit ${r.code}${r.timedOut ? ' (timed out)' : ''}\n--- stdout\n${r.stdout.slice(-2500)}\n--- stderr\n${r.stderr.slice(-1500)}`;
}

/** The "Early data was ..." lines of a report, in order. */
const earlyLines = (stdout: string): string[] => [...stdout.matchAll(/^Early data was (.+)$/gm)].map((m) => m[1] ?? '');

function base(peer: Peer): string[] {
  return [`${peer.host}:${peer.port}`, '--servername', 'localhost', '--cafile', pki.root, '--ticket-wait', '3000'];
}

/** s_server with 0-RTT on (max_early_data 16384 in its tickets). */
function openssl(extra: string[] = []): Promise<Peer> {
  return startOpenSslServer({ ...pki.leaf('p256'), args: ['-tls1_3', '-early_data', ...extra] });
}

/**
 * How many times s_server printed our data. It writes early data raw to stdout, apart from its
 * buffered "Early data received:" / "End of early data" lines, so the two interleave: count the
 * marker once the closing line is out. Nothing else sends the data (stdin of the client is empty).
 */
async function serverGot(peer: Peer, expectSome: boolean): Promise<number> {
  if (expectSome) await peer.waitUntil((t) => t.includes('End of early data') && t.includes(MARKER), 'early data');
  return (peer.stdout() + peer.stderr()).split(MARKER).length - 1;
}

/** `openssl s_client` with stdin held open until stdout shows `until`, then EOF. */
function sClient(args: string[], until: RegExp): Promise<CliResult> {
  const bin = requireBinary('openssl', 'openssl');
  const stdbuf = requireBinary('stdbuf', 'coreutils');
  return new Promise((resolve, reject) => {
    const child = spawn(stdbuf, ['-oL', '-eL', bin, 's_client', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdin.on('error', () => undefined);
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
      if (until.test(stdout)) child.stdin.end();
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, 15_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

/** `openssl s_client -sess_in <sess> -early_data <dataFile>` against `peer`, until it says what became of the data. */
function sClientEarly(peer: Peer, sess: string): Promise<CliResult> {
  const args = ['-connect', `${peer.host}:${peer.port}`, '-servername', 'localhost', '-sess_in', sess];
  return sClient([...args, '-early_data', dataFile], /Early data was \w+/);
}

describe('0-RTT against openssl s_server -early_data', () => {
  test('--reconnect: the resumption sends the file early, s_server receives it, --expect-early-data exits 0', async () => {
    const peer = await openssl();
    try {
      const r = await probe(null, [...base(peer), '--reconnect', '1', '--early-data', dataFile, '--expect-early-data']);
      assert.equal(r.code, 0, show(r));
      assert.deepEqual(earlyLines(r.stdout), ['not sent', 'accepted'], show(r));
      assert.match(r.stdout, /^Reused, TLSv1\.3/m);
      assert.equal(await serverGot(peer, true), 1, peer.stdout());
    } finally {
      await peer.stop();
    }
  });

  test('--json: earlyData {status, maxEarlyData, sent} per connection', async () => {
    const peer = await openssl();
    try {
      const r = await probe(null, [...base(peer), '--json', '--reconnect', '1', '--early-data', dataFile]);
      assert.equal(r.code, 0, show(r));
      const doc = jsonOf(r);
      assert.deepEqual(connectionOf(doc, 0).earlyData, { status: 'not sent', maxEarlyData: 0, sent: 0 });
      assert.deepEqual(connectionOf(doc, 1).earlyData, {
        status: 'accepted',
        maxEarlyData: 16384,
        sent: Buffer.byteLength(DATA),
      });
    } finally {
      await peer.stop();
    }
  });

  test('our session file → openssl s_client -sess_in -early_data: accepted; s_client reads ours', async () => {
    const peer = await openssl();
    const sess = join(work, 'ours.pem');
    try {
      const first = await probe(null, [...base(peer), '--sess-out', sess]);
      assert.equal(first.code, 0, show(first));
      assert.match(readFileSync(sess, 'utf8'), /BEGIN SSL SESSION PARAMETERS/);
      const sc = await sClientEarly(peer, sess);
      assert.match(sc.stdout, /^Reused, TLSv1\.3/m, show(sc));
      assert.match(sc.stdout, /^Early data was accepted$/m, show(sc));
      assert.equal(await serverGot(peer, true), 1);
    } finally {
      await peer.stop();
    }
  });

  test("s_client's session file → ours --sess-in --early-data: accepted", async () => {
    const peer = await openssl();
    const sess = join(work, 'theirs.pem');
    try {
      const sc = await sClient(
        ['-connect', `${peer.host}:${peer.port}`, '-servername', 'localhost', '-sess_out', sess],
        /Max Early Data: 16384[\s\S]*Max Early Data/,
      );
      assert.equal(sc.timedOut, false, show(sc));
      const r = await probe(null, [...base(peer), '--sess-in', sess, '--early-data', dataFile, '--expect-early-data']);
      assert.equal(r.code, 0, show(r));
      assert.deepEqual(earlyLines(r.stdout), ['accepted']);
      assert.equal(await serverGot(peer, true), 1);
    } finally {
      await peer.stop();
    }
  });

  test('a restarted server rejects the ticket: "rejected", nothing resent, exit 4; s_client says the same', async () => {
    const sess = join(work, 'old.pem');
    const first = await openssl();
    try {
      const r = await probe(null, [...base(first), '--sess-out', sess]);
      assert.equal(r.code, 0, show(r));
    } finally {
      await first.stop();
    }
    // A new process has new ticket keys: the PSK, and with it the early data, is refused.
    const peer = await openssl();
    try {
      const r = await probe(null, [...base(peer), '--sess-in', sess, '--early-data', dataFile, '--expect-early-data']);
      assert.equal(r.code, 4, show(r));
      assert.deepEqual(earlyLines(r.stdout), ['rejected'], show(r));
      assert.match(r.stdout, /^New, TLSv1\.3/m);
      assert.match(r.stderr, /^tls-probe: --expect-early-data: early data accepted on 0 of 1 resumption attempt$/m);
      const sc = await sClientEarly(peer, sess);
      assert.match(sc.stdout, /^Early data was rejected$/m, show(sc));
      assert.equal(await serverGot(peer, false), 0, 'rejected early data never reaches the application');
    } finally {
      await peer.stop();
    }
  });
});

describe('0-RTT when the ticket does not allow it', () => {
  test('s_server without -early_data: "not sent" (as s_client), --expect-early-data exits 4', async () => {
    const peer = await startOpenSslServer({ ...pki.leaf('p256'), args: ['-tls1_3'] });
    const sess = join(work, 'noearly.pem');
    try {
      const r = await probe(null, [
        ...base(peer),
        '--json',
        '--reconnect',
        '1',
        '--early-data',
        dataFile,
        '--expect-early-data',
        '--sess-out',
        sess,
      ]);
      assert.equal(r.code, 4, show(r));
      const doc = jsonOf(r);
      assert.equal(connectionOf(doc, 1).resumed, true);
      assert.deepEqual(connectionOf(doc, 1).earlyData, { status: 'not sent', maxEarlyData: 0, sent: 0 });
      assert.equal(errorOf(doc).kind, 'early-data');
      assert.match(r.stderr, /--early-data: not sent: the ticket allows no early data \(max_early_data 0\)/);
      const sc = await sClientEarly(peer, sess);
      assert.match(sc.stdout, /^Early data was not sent$/m, show(sc));
    } finally {
      await peer.stop();
    }
  });
});

describe('0-RTT against gnutls-serv --earlydata', () => {
  test('accepted; the handshake completes only with our EndOfEarlyData', async () => {
    const peer = await startGnutlsServer({ ...pki.leaf('p256'), args: ['--earlydata'] });
    try {
      const r = await probe(peer, [...base(peer), '--reconnect', '1', '--early-data', dataFile, '--expect-early-data']);
      assert.equal(r.code, 0, show(r));
      assert.deepEqual(earlyLines(r.stdout), ['not sent', 'accepted'], show(r));
    } finally {
      await peer.stop();
    }
  });

  test('--maxearlydata 8: we send 8 bytes, never more (gnutls refuses more), and say so', async () => {
    const peer = await startGnutlsServer({ ...pki.leaf('p256'), args: ['--earlydata', '--maxearlydata=8'] });
    try {
      const r = await probe(peer, [...base(peer), '--json', '--reconnect', '1', '--early-data', dataFile]);
      assert.equal(r.code, 0, show(r));
      assert.deepEqual(connectionOf(jsonOf(r), 1).earlyData, { status: 'accepted', maxEarlyData: 8, sent: 8 });
      assert.match(r.stderr, /--early-data: 8 of \d+ bytes sent/);
    } finally {
      await peer.stop();
    }
  });
});
