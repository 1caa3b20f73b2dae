/**
 * Session resumption against `openssl s_server` (issue "Sessions: --sess-out/--sess-in in
 * OpenSSL's format, honest resumption verdicts, --reconnect that resumes"), in three modes:
 * TLS 1.3 (default, 2 tickets), TLS 1.2 with RFC 5077 tickets, TLS 1.2 `-no_ticket` (session IDs).
 *
 * Per mode, one server:
 *  - 20 rounds of `--sess-out f` then `--sess-in f` with stdin at /dev/null: each --sess-in run must
 *    print `Reused, TLSv1.x` (report) and `"resumed": true` (--json with --expect-resume); the
 *    tallies are asserted to be 20/20;
 *  - files both ways: `openssl s_client -sess_out` → our `--sess-in` resumes; ours →
 *    `openssl s_client -sess_in` prints `Reused`;
 *  - `--reconnect 3 --expect-resume`: 4 connections, the last 3 `Reused` (report and JSON), exit 0;
 *  - a restarted server (a new s_server process on the same port: new ticket keys, empty cache)
 *    refuses the session: `--expect-resume` exits 4 with JSON error.kind "resume", and the server's
 *    -trace shows the session was offered all the same.
 * Plus servers that hand out nothing resumable: TLS 1.3 `-num_tickets 0` and TLS 1.2
 * `-no_ticket -no_cache` (`--reconnect 2 --expect-resume` → 4; `--sess-out` → 5, no file).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePki, type Pki } from '../helpers/pki.js';
import { runClient, startOpenSslServer, type Peer } from '../helpers/peers.js';
import { launch, requireBinary } from '../helpers/peer-process.js';
import { CLI, jsonOf, type CliResult, connectionOf, errorOf } from '../helpers/cli.js';

let pki: Pki;
let work: string;
before(async () => {
  pki = await ensurePki();
  work = mkdtempSync(join(tmpdir(), 'tls-probe-sessions-openssl-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

/** Runs the CLI with stdin at /dev/null (not a pipe), killed after timeoutMs. */
function probeDevNull(args: string[], timeoutMs = 20_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const devnull = openSync('/dev/null', 'r');
    const child = spawn(process.execPath, [CLI, ...args], { stdio: [devnull, 'pipe', 'pipe'] });
    closeSync(devnull);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

/**
 * `openssl s_client` with stdin as a pipe that stays open until stdout matches `until` (then EOF),
 * so that TLS 1.3 tickets are read before it quits; killed after timeoutMs.
 */
function sClient(args: string[], until: RegExp | null, timeoutMs = 15_000): Promise<CliResult> {
  const openssl = requireBinary('openssl', 'openssl');
  // s_client's stdout is a stdio stream: line-buffer it, or the ticket blocks sit in its buffer.
  const stdbuf = requireBinary('stdbuf', 'coreutils');
  return new Promise((resolve, reject) => {
    const child = spawn(stdbuf, ['-oL', '-eL', openssl, 's_client', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdin.on('error', () => undefined);
    const check = (): void => {
      if (!until || until.test(stdout)) child.stdin.end();
    };
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
      check();
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    check();
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

function show(r: CliResult): string {
  return `exit ${r.code}${r.timedOut ? ' (timed out)' : ''}\n--- stdout\n${r.stdout.slice(-3000)}\n--- stderr\n${r.stderr.slice(-3000)}`;
}

/** The `New`/`Reused` verdicts of a report, in order. */
function verdicts(stdout: string): string[] {
  return [...stdout.matchAll(/^(New|Reused), (TLSv1\.[23]), Cipher is /gm)].map((m) => `${m[1]} ${m[2]}`);
}

/** Session-ID of the first block of a session file, as `openssl sess_id` reads it. */
function fileSessionId(file: string): string {
  const r = /-----BEGIN SSL SESSION PARAMETERS-----([\s\S]*?)-----END/.exec(readFileSync(file, 'latin1'));
  assert.ok(r, `${file} has no session block`);
  return sessionIdFromDer(Buffer.from(r[1]!.replace(/\s+/g, ''), 'base64'));
}

/** session_id, the 4th field of SSL_SESSION_ASN1 (SEQUENCE { INTEGER, INTEGER, OCTET STRING(2), OCTET STRING }). */
function sessionIdFromDer(der: Buffer): string {
  let off = 0;
  const header = (): { tag: number; len: number } => {
    const tag = der[off++]!;
    let len = der[off++]!;
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + der[off++]!;
    }
    return { tag, len };
  };
  assert.equal(header().tag, 0x30);
  for (let i = 0; i < 3; i++) {
    const skip = header().len; // version, ssl_version, cipher
    off += skip;
  }
  const sid = header();
  assert.equal(sid.tag, 0x04);
  return der
    .subarray(off, off + sid.len)
    .toString('hex')
    .toUpperCase();
}

/** The "TLS session ticket:" hexdump of a sess_id printout, as bytes (empty when none). */
function ticketOf(text: string): Buffer {
  const at = text.indexOf('TLS session ticket:\n');
  if (at < 0) return Buffer.alloc(0);
  let hex = '';
  for (const line of text.slice(at).split('\n').slice(1)) {
    const m = /^\s+[0-9a-f]{4} - (.*)$/.exec(line);
    if (!m) break;
    hex += m[1]!.split('   ')[0]!.replace(/[ -]/g, '');
  }
  return Buffer.from(hex, 'hex');
}

/** Runs `jobs` with at most `limit` at a time. */
async function pool<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await jobs[i]!();
      }
    }),
  );
  return results;
}

interface Mode {
  name: string;
  serverArgs: string[];
  version: 'TLSv1.3' | 'TLSv1.2';
  /** s_client stdout once its -sess_out file holds what we want. */
  sClientDone: RegExp;
  /** What the restarted server's -trace must show for "the session was offered". */
  offered: (trace: string, sessionFile: string) => void;
}

const MODES: Mode[] = [
  {
    name: 'TLS 1.3 (2 tickets)',
    serverArgs: ['-tls1_3'],
    version: 'TLSv1.3',
    sClientDone: /(Post-Handshake New Session Ticket arrived:[\s\S]*?\n---\n[\s\S]*){2}/,
    offered: (trace) =>
      assert.match(trace, /extension_type=psk\(41\), length=\d+/, 'no pre_shared_key in the ClientHello'),
  },
  {
    name: 'TLS 1.2 with tickets',
    serverArgs: ['-tls1_2'],
    version: 'TLSv1.2',
    sClientDone: /Verify return code: .*\n[\s\S]*Extended master secret: yes\n---\n/,
    offered: (trace, file) => {
      assert.match(trace, /extension_type=session_ticket\(35\), length=[1-9]\d*/, 'no ticket in the ClientHello');
      assert.ok(
        trace.includes(`session_id (len=32): ${fileSessionId(file)}`),
        'the ClientHello carries SHA-256(ticket) as session ID',
      );
    },
  },
  {
    name: 'TLS 1.2 -no_ticket (session ID)',
    serverArgs: ['-tls1_2', '-no_ticket'],
    version: 'TLSv1.2',
    sClientDone: /Verify return code: .*\n[\s\S]*Extended master secret: yes\n---\n/,
    offered: (trace, file) =>
      assert.ok(trace.includes(`session_id (len=32): ${fileSessionId(file)}`), 'the session ID is not offered'),
  },
];

const ROUNDS = 20;

for (const mode of MODES) {
  describe(`openssl s_server, ${mode.name}`, () => {
    let peer: Peer;
    let dir: string;
    before(async () => {
      peer = await startOpenSslServer({ ...pki.leaf('p256'), args: mode.serverArgs });
      dir = mkdtempSync(join(work, 'mode-'));
    });
    after(async () => {
      await peer?.stop();
    });
    const base = (): string[] => [`127.0.0.1:${peer.port}`, '--servername', 'localhost', '--cafile', pki.root];

    test(`${ROUNDS} of ${ROUNDS}: --sess-out then --sess-in reports Reused and "resumed": true (stdin /dev/null)`, async (t) => {
      const jobs = Array.from({ length: ROUNDS }, (_, i) => async () => {
        const file = join(dir, `round-${i}.pem`);
        const out = await probeDevNull([...base(), '--sess-out', file, '--quiet']);
        const saved = out.code === 0 && statSync(file, { throwIfNoEntry: false })?.isFile() === true;
        const report = saved ? await probeDevNull([...base(), '--sess-in', file]) : null;
        const json = saved ? await probeDevNull([...base(), '--sess-in', file, '--json', '--expect-resume']) : null;
        let jsonResumed = false;
        let jsonHandshake = null;
        if (json?.code === 0) {
          const c = connectionOf(json);
          jsonResumed = c.resumed === true;
          jsonHandshake = c.handshake;
        }
        return {
          i,
          saved,
          reportReused:
            report !== null && report.code === 0 && verdicts(report.stdout).join() === `Reused ${mode.version}`,
          jsonResumed: jsonResumed && jsonHandshake === 'resumed',
          detail: [out, report, json]
            .filter((r): r is CliResult => r !== null && (r.code !== 0 || r.timedOut))
            .map(show)
            .join('\n'),
        };
      });
      const results = await pool(jobs, Math.min(4, Math.max(2, availableParallelism())));
      const saved = results.filter((r) => r.saved).length;
      const reused = results.filter((r) => r.reportReused).length;
      const resumed = results.filter((r) => r.jsonResumed).length;
      t.diagnostic(
        `${mode.name}: saved ${saved}/${ROUNDS}, "Reused" ${reused}/${ROUNDS}, "resumed": true ${resumed}/${ROUNDS}`,
      );
      const bad = results.filter((r) => !r.saved || !r.reportReused || !r.jsonResumed);
      assert.deepEqual(
        [saved, reused, resumed],
        [ROUNDS, ROUNDS, ROUNDS],
        bad.map((r) => `round ${r.i}: ${JSON.stringify(r)}`).join('\n'),
      );
      // Every file is 0600 and nothing else was left in the directory.
      const files = readdirSync(dir).filter((f) => f.startsWith('round-'));
      assert.equal(files.length, ROUNDS);
      for (const f of files) assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600, f);
      assert.deepEqual(
        readdirSync(dir).filter((f) => !f.startsWith('round-')),
        [],
      );
    });

    test('openssl s_client -sess_out file → our --sess-in resumes', async () => {
      const file = join(dir, 'from-openssl.pem');
      const s = await sClient(
        ['-connect', `127.0.0.1:${peer.port}`, '-servername', 'localhost', '-CAfile', pki.root, '-sess_out', file],
        mode.sClientDone,
      );
      assert.equal(s.timedOut, false, show(s));
      assert.match(s.stdout, /^New, /m);
      const r = await probeDevNull([...base(), '--sess-in', file]);
      assert.equal(r.code, 0, show(r));
      assert.deepEqual(verdicts(r.stdout), [`Reused ${mode.version}`]);
      const j = await probeDevNull([...base(), '--sess-in', file, '--json', '--expect-resume']);
      assert.equal(j.code, 0, show(j));
      assert.equal(connectionOf(j).resumed, true);
    });

    test('our --sess-out file → openssl s_client -sess_in prints Reused', async () => {
      const file = join(dir, 'for-openssl.pem');
      const r = await probeDevNull([...base(), '--sess-out', file, '--quiet']);
      assert.equal(r.code, 0, show(r));
      const s = await runClient(
        {},
        [
          'openssl',
          's_client',
          '-connect',
          `127.0.0.1:${peer.port}`,
          '-servername',
          'localhost',
          '-CAfile',
          pki.root,
          '-sess_in',
          file,
        ],
        { input: '' },
      );
      assert.equal(s.timedOut, false);
      assert.equal(s.code, 0, `${s.stdout}\n${s.stderr}`);
      assert.match(s.stdout, new RegExp(`^Reused, TLSv1\\.[0-3], Cipher is `, 'm'), s.stdout);
      assert.match(s.stdout, mode.version === 'TLSv1.3' ? /Protocol {2}: TLSv1\.3|TLSv1\.3/ : /Protocol {2}: TLSv1\.2/);
    });

    test('--reconnect 3 --expect-resume: 4 connections, the last 3 Reused (report and JSON), exit 0', async () => {
      const r = await probeDevNull([...base(), '--reconnect', '3', '--expect-resume']);
      assert.equal(r.code, 0, show(r));
      assert.deepEqual(
        verdicts(r.stdout),
        [`New ${mode.version}`, `Reused ${mode.version}`, `Reused ${mode.version}`, `Reused ${mode.version}`],
        show(r),
      );
      assert.equal(r.stdout.match(/^drop connection and then reconnect$/gm)?.length, 3);
      const j = await probeDevNull([...base(), '--reconnect', '3', '--expect-resume', '--json']);
      assert.equal(j.code, 0, show(j));
      const doc = jsonOf(j);
      assert.deepEqual(
        doc.connections.map((c) => c.resumed),
        [false, true, true, true],
      );
      assert.deepEqual(
        doc.connections.map((c) => c.handshake),
        ['full', 'resumed', 'resumed', 'resumed'],
      );
      assert.ok(doc.connections.every((c) => c.protocol === mode.version));
      assert.equal(doc.error, null);
    });

    if (mode.version === 'TLSv1.2') {
      // A TLS 1.2 session stays valid after it is resumed (the server echoed its ID / took its
      // ticket), so the run has a resumable session for --sess-out: exit 5 ("no resumable session
      // ... the server offered neither a session ID nor a ticket") would be false.
      test('--sess-in f --sess-out f on a TLS 1.2 resumption: exit 0, and the file still resumes', async () => {
        const file = join(dir, 'refresh.pem');
        const r = await probeDevNull([...base(), '--sess-out', file, '--quiet']);
        assert.equal(r.code, 0, show(r));
        const j = await probeDevNull([...base(), '--sess-in', file, '--sess-out', file, '--json']);
        assert.equal(connectionOf(j).resumed, true, show(j));
        assert.equal(j.code, 0, show(j));
        assert.equal(jsonOf(j).error, null);
        const again = await probeDevNull([...base(), '--sess-in', file, '--json', '--expect-resume']);
        assert.equal(again.code, 0, show(again));
        assert.equal(connectionOf(again).resumed, true);
        assert.equal(statSync(file).mode & 0o777, 0o600);
      });
    }

    if (mode.name.startsWith('TLS 1.2 with tickets')) {
      test("the TLS 1.2 ticket session's ID is SHA-256(ticket) (RFC 5077 §3.4, OpenSSL's client rule)", async () => {
        const file = join(dir, 'sha.pem');
        const r = await probeDevNull([...base(), '--sess-out', file, '--quiet']);
        assert.equal(r.code, 0, show(r));
        const text = execFileSync('openssl', ['sess_id', '-in', file, '-noout', '-text'], {
          encoding: 'utf8',
          timeout: 10_000,
        });
        const ticket = ticketOf(text);
        assert.ok(ticket.length > 0, text);
        assert.equal(fileSessionId(file), createHash('sha256').update(ticket).digest('hex').toUpperCase());
        assert.match(text, /TLS session ticket lifetime hint: \d+ \(seconds\)/);
        assert.match(text, /Extended master secret: yes/);
      });
    }

    test('a restarted server (new process, same port) refuses the session: --expect-resume exits 4, the session was offered', async () => {
      const file = join(dir, 'before-restart.pem');
      const r = await probeDevNull([...base(), '--sess-out', file, '--quiet']);
      assert.equal(r.code, 0, show(r));
      const sanity = await probeDevNull([...base(), '--sess-in', file, '--quiet', '--expect-resume']);
      assert.equal(sanity.code, 0, `the first server resumes: ${show(sanity)}`);
      const port = peer.port;
      await peer.stop();
      const l = pki.leaf('p256');
      peer = await launch({
        kind: 'openssl',
        command: requireBinary('openssl', 'openssl'),
        args: [
          's_server',
          '-accept',
          `127.0.0.1:${port}`,
          '-cert',
          l.cert,
          '-key',
          l.key,
          '-cert_chain',
          pki.ica,
          '-trace',
          ...mode.serverArgs,
        ],
        ready: { listen: port },
        stdin: 'keep-open',
        lineBuffered: true,
      });
      const j = await probeDevNull([...base(), '--sess-in', file, '--json', '--expect-resume']);
      assert.equal(j.code, 4, show(j));
      const doc = jsonOf(j);
      assert.equal(errorOf(doc).kind, 'resume');
      assert.match(errorOf(doc).message, /0 of 1/);
      assert.equal(doc.connections.length, 1);
      assert.equal(connectionOf(doc).resumed, false);
      assert.equal(connectionOf(doc).handshake, 'full');
      assert.equal(doc.exitCode, 4);
      assert.match(j.stderr, /^tls-probe: --expect-resume: 0 of 1 resumption attempt accepted$/m);
      await peer.waitForOutput(/ClientHello/, 5_000);
      mode.offered(peer.stdout() + peer.stderr(), file);
      const rep = await probeDevNull([...base(), '--sess-in', file, '--expect-resume']);
      assert.equal(rep.code, 4, show(rep));
      assert.deepEqual(verdicts(rep.stdout), [`New ${mode.version}`]);
    });
  });
}

describe('servers that hand out nothing resumable', () => {
  let noTickets13: Peer;
  let noCache12: Peer;
  before(async () => {
    const l = pki.leaf('p256');
    [noTickets13, noCache12] = await Promise.all([
      startOpenSslServer({ ...l, args: ['-tls1_3', '-num_tickets', '0'] }),
      startOpenSslServer({ ...l, args: ['-tls1_2', '-no_ticket', '-no_cache'] }),
    ]);
  });
  after(async () => {
    await Promise.all([noTickets13?.stop(), noCache12?.stop()]);
  });
  const base = (p: Peer): string[] => [`127.0.0.1:${p.port}`, '--servername', 'localhost', '--cafile', pki.root];

  test('TLS 1.3 -num_tickets 0: --reconnect 2 --expect-resume exits 4, every connection New', async () => {
    const r = await probeDevNull([...base(noTickets13), '--reconnect', '2', '--expect-resume', '--ticket-wait', '300']);
    assert.equal(r.code, 4, show(r));
    assert.deepEqual(verdicts(r.stdout), ['New TLSv1.3', 'New TLSv1.3', 'New TLSv1.3']);
    assert.match(r.stderr, /^tls-probe: --expect-resume: /m);
    const j = await probeDevNull([
      ...base(noTickets13),
      '--reconnect',
      '2',
      '--expect-resume',
      '--json',
      '--ticket-wait',
      '300',
    ]);
    assert.equal(j.code, 4, show(j));
    const doc = jsonOf(j);
    assert.equal(errorOf(doc).kind, 'resume');
    assert.deepEqual(
      doc.connections.map((c) => c.resumed),
      [false, false, false],
    );
    assert.deepEqual(
      doc.connections.map((c: { tickets: number }) => c.tickets),
      [0, 0, 0],
    );
  });

  test('TLS 1.3 -num_tickets 0: --sess-out exits 5 and creates no file (JSON error.kind "session")', async () => {
    const d = mkdtempSync(join(work, 'none13-'));
    const file = join(d, 's.pem');
    const r = await probeDevNull([...base(noTickets13), '--sess-out', file, '--json', '--ticket-wait', '300']);
    assert.equal(r.code, 5, show(r));
    assert.equal(errorOf(r).kind, 'session');
    assert.equal(connectionOf(r).sessionSaved, false);
    assert.deepEqual(readdirSync(d), []);
    assert.match(r.stderr, /no NewSessionTicket arrived within --ticket-wait 300 ms/);
  });

  test('TLS 1.2 -no_ticket -no_cache: --sess-out exits 5 (no session ID, no ticket), --reconnect 2 --expect-resume exits 4', async () => {
    const d = mkdtempSync(join(work, 'none12-'));
    const file = join(d, 's.pem');
    const r = await probeDevNull([...base(noCache12), '--sess-out', file, '--json']);
    assert.equal(r.code, 5, show(r));
    assert.equal(errorOf(r).kind, 'session');
    assert.match(errorOf(r).message, /neither a session ID nor a ticket/);
    assert.deepEqual(readdirSync(d), []);
    const j = await probeDevNull([...base(noCache12), '--reconnect', '2', '--expect-resume', '--json']);
    assert.equal(j.code, 4, show(j));
    assert.deepEqual(
      jsonOf(j).connections.map((c) => c.resumed),
      [false, false, false],
    );
  });
});
