/**
 * Session files of --sess-in / --sess-out (spec/cli.md "Sessions", exit codes 2 and 5;
 * spec/openssl-semantics.md §6):
 *  - a malformed, truncated, missing or unreadable --sess-in file: exit 2 and one stderr line that
 *    names the file and the problem, before anything is sent (a counting TCP listener sees no
 *    connection; a port where nothing listens still gives 2, not the connect failure's 1);
 *  - --sess-out: mode 0600 (also when replacing a 0644 file), written by temp file + rename (a new
 *    inode; a hard link to the old file keeps the old bytes), no temp file left in the directory;
 *  - a failed run (handshake failure, verification failure, exit 5, refused connection) leaves an
 *    existing file byte-for-byte and inode-for-inode untouched, and exit 5 creates no file;
 *  - TLS 1.3 with two tickets: two PEM blocks, newest first, so `openssl sess_id -in f` (which reads
 *    the first block) shows the newest ticket.
 * Every run gets stdin as an immediately ended pipe.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePki, type Pki } from '../helpers/pki.js';
import { freePort, startOpenSslServer, type Peer } from '../helpers/peers.js';
import { jsonOf, probe, type CliResult, connectionOf, errorOf } from '../helpers/cli.js';
import { s12Pem, s13Pem } from '../helpers/openssl-sessions.js';

let pki: Pki;
let work: string;
before(async () => {
  pki = await ensurePki();
  work = mkdtempSync(join(tmpdir(), 'tls-probe-session-files-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

let dirCount = 0;
/** A fresh empty directory under the work dir. */
function freshDir(): string {
  const d = join(work, `d${++dirCount}`);
  mkdirSync(d);
  return d;
}

function show(r: CliResult): string {
  return `exit ${r.code}${r.timedOut ? ' (timed out)' : ''}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

/** The lines tls-probe printed as its own messages. */
function ownLines(r: CliResult): string[] {
  return r.stderr.split('\n').filter((l) => l.startsWith('tls-probe:'));
}

/** DER of the first SSL SESSION PARAMETERS block of a PEM text. */
function derOf(pem: string): Buffer {
  const m = /-----BEGIN SSL SESSION PARAMETERS-----([\s\S]*?)-----END SSL SESSION PARAMETERS-----/.exec(pem);
  assert.ok(m, 'no session block');
  return Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64');
}

function pemOf(der: Uint8Array, label = 'SSL SESSION PARAMETERS'): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The PEM blocks of a file, in file order. */
function pemBlocks(text: string): string[] {
  return text.match(/-----BEGIN SSL SESSION PARAMETERS-----[\s\S]*?-----END SSL SESSION PARAMETERS-----\n?/g) ?? [];
}

/** `openssl sess_id -noout -text` of a file (the first block), bounded. */
function sessIdText(file: string): string {
  return execFileSync('openssl', ['sess_id', '-in', file, '-noout', '-text'], { encoding: 'utf8', timeout: 10_000 });
}

function sessionIdOf(text: string): string {
  const m = /^\s*Session-ID: ([0-9A-F]*)$/m.exec(text);
  assert.ok(m, `no Session-ID line in\n${text}`);
  return m[1]!;
}

/** Files of a directory (a temp file left behind would show up here). */
function listing(dir: string): string[] {
  return readdirSync(dir).sort();
}

// --- --sess-in problems: exit 2, nothing sent ------------------------------------------------

/** A TCP listener that only counts connections. */
/**
 * A listener that counts the connections it accepts. settle() resolves once every connection made
 * before the call has been accepted: it connects a marker of its own and waits for the listener to
 * accept it, and connections are accepted in the order they were made (the kernel's accept queue),
 * so a stray connection from a client that has exited is counted by then.
 */
async function countingListener(): Promise<{
  server: Server;
  port: number;
  count: () => number;
  settle: () => Promise<void>;
}> {
  const accepted: number[] = []; // the remote ports of the accepted connections, in order
  const markerPorts = new Set<number>();
  const waiters = new Set<() => void>();
  const server = createServer((sock) => {
    accepted.push(sock.remotePort ?? -1);
    sock.destroy();
    waiters.forEach((w) => w());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  assert.ok(addr && typeof addr === 'object');
  const settle = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const sock = createConnection({ host: '127.0.0.1', port: addr.port });
      sock.on('error', reject);
      sock.once('connect', () => {
        const local = sock.localPort ?? -1;
        markerPorts.add(local);
        const check = (): void => {
          if (!accepted.includes(local)) return;
          waiters.delete(check);
          sock.destroy();
          resolve();
        };
        waiters.add(check);
        check();
      });
    });
  const count = (): number => accepted.filter((p) => !markerPorts.has(p)).length;
  return { server, port: addr.port, count, settle };
}

describe('--sess-in that cannot be used: exit 2 before anything is sent', () => {
  const der13 = derOf(s13Pem);
  const wrongVersion = Buffer.from(der13);
  // SSL_SESSION_ASN1 starts SEQUENCE { INTEGER version(1) ... }: make the version 2.
  const vAt = wrongVersion.indexOf(Buffer.from([0x02, 0x01, 0x01]));
  wrongVersion[vAt + 2] = 2;
  const badBase64 = pemOf(der13).split('\n');
  badBase64[3] = badBase64[3]!.slice(0, 10) + '*' + badBase64[3]!.slice(11);
  const cases: [string, string | (() => string), RegExp][] = [
    ['empty', '', /no "-----BEGIN SSL SESSION PARAMETERS-----" block/],
    ['garbage', 'this is not a session\n', /no "-----BEGIN SSL SESSION PARAMETERS-----" block/],
    ['certificate', () => readFileSync(pki.root, 'utf8'), /no "-----BEGIN SSL SESSION PARAMETERS-----" block/],
    [
      'truncated-pem',
      s13Pem.slice(0, Math.floor(s13Pem.length / 2)),
      /truncated PEM: no "-----END SSL SESSION PARAMETERS-----" line/,
    ],
    ['truncated-der', pemOf(der13.subarray(0, der13.length - 40)), /malformed SSL_SESSION/],
    ['wrong-version', pemOf(wrongVersion), /unknown ssl version/],
    ['bad-base64', badBase64.join('\n'), /invalid base64.*'\*'/],
    ['der-not-pem', der13.toString('latin1'), /no "-----BEGIN SSL SESSION PARAMETERS-----" block/],
  ];
  let listener: Awaited<ReturnType<typeof countingListener>>;
  before(async () => {
    listener = await countingListener();
  });
  after(() => listener.server.close());

  for (const [name, content, problem] of cases) {
    test(`${name} file: exit 2, the file and the problem named, no connection made`, async () => {
      const file = join(freshDir(), `${name}.pem`);
      writeFileSync(file, typeof content === 'function' ? content() : content, { encoding: 'latin1' });
      const seen = listener.count();
      const r = await probe(null, [`127.0.0.1:${listener.port}`, '--sess-in', file, '--quiet'], { timeoutMs: 15_000 });
      assert.equal(r.code, 2, show(r));
      const lines = ownLines(r);
      assert.equal(lines.length, 1, show(r));
      assert.ok(lines[0]!.includes(file), `the message names the file: ${lines[0]}`);
      assert.match(lines[0]!, problem);
      assert.equal(r.stdout, '');
      await listener.settle(); // a stray connection, if any, has been accepted by now
      assert.equal(listener.count(), seen, 'nothing may be sent: the listener saw a connection');
    });
  }

  test('a malformed file with a port where nothing listens: still exit 2 (a connect attempt would be 1)', async () => {
    const file = join(freshDir(), 'bad.pem');
    writeFileSync(file, s13Pem.slice(0, 200));
    const port = await freePort();
    const r = await probe(null, [`127.0.0.1:${port}`, '--sess-in', file, '--json'], { timeoutMs: 15_000 });
    assert.equal(r.code, 2, show(r));
    assert.doesNotMatch(r.stderr, /ECONNREFUSED|connect/);
    assert.match(ownLines(r)[0]!, new RegExp(`--sess-in ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  test('missing file: exit 2, the file named with ENOENT, no connection made', async () => {
    const file = join(freshDir(), 'does-not-exist.pem');
    const seen = listener.count();
    const r = await probe(null, [`127.0.0.1:${listener.port}`, '--sess-in', file, '--quiet'], { timeoutMs: 15_000 });
    assert.equal(r.code, 2, show(r));
    assert.equal(ownLines(r).length, 1, show(r));
    assert.ok(ownLines(r)[0]!.includes(file));
    assert.match(ownLines(r)[0]!, /ENOENT|no such file/i);
    await listener.settle();
    assert.equal(listener.count(), seen);
  });

  test('a directory as --sess-in: exit 2, no connection made', async () => {
    const dir = freshDir();
    const seen = listener.count();
    const r = await probe(null, [`127.0.0.1:${listener.port}`, '--sess-in', dir, '--quiet'], { timeoutMs: 15_000 });
    assert.equal(r.code, 2, show(r));
    assert.ok(ownLines(r)[0]?.includes(dir), show(r));
    await listener.settle();
    assert.equal(listener.count(), seen);
  });

  test('--sess-out into a directory that does not exist: exit 2, no connection made', async () => {
    const file = join(work, 'no-such-dir', 'out.pem');
    const seen = listener.count();
    const r = await probe(null, [`127.0.0.1:${listener.port}`, '--sess-out', file, '--quiet'], { timeoutMs: 15_000 });
    assert.equal(r.code, 2, show(r));
    assert.ok(ownLines(r)[0]?.includes(file), show(r));
    await listener.settle();
    assert.equal(listener.count(), seen);
  });

  test('--sess-out naming a directory: exit 2, no connection made', async () => {
    const dir = freshDir();
    const seen = listener.count();
    const r = await probe(null, [`127.0.0.1:${listener.port}`, '--sess-out', dir, '--json'], { timeoutMs: 15_000 });
    assert.equal(r.code, 2, show(r));
    assert.ok(ownLines(r)[0]?.includes(dir), show(r));
    assert.match(ownLines(r)[0]!, /EISDIR|directory/);
    await listener.settle();
    assert.equal(listener.count(), seen);
    assert.deepEqual(listing(dir), []);
  });

  test('control: a well-formed file (OpenSSL 3.0 golden TLS 1.2 session) against the listener is sent (exit 1, 1 connection)', async () => {
    const file = join(freshDir(), 's12.pem');
    writeFileSync(file, s12Pem);
    const seen = listener.count();
    const r = await probe(null, [`127.0.0.1:${listener.port}`, '--sess-in', file, '--quiet'], { timeoutMs: 15_000 });
    assert.equal(r.code, 1, show(r));
    assert.equal(listener.count(), seen + 1);
  });
});

// --- --sess-out against s_server ----------------------------------------------------------------

describe('--sess-out files', () => {
  let tls13: Peer; // 2 tickets per full handshake (OpenSSL's default)
  let noTicket: Peer; // -num_tickets 0
  let chachaOnly: Peer; // a suite the client will not offer → handshake failure
  before(async () => {
    const l = pki.leaf('p256');
    [tls13, noTicket, chachaOnly] = await Promise.all([
      startOpenSslServer({ ...l, args: ['-tls1_3'] }),
      startOpenSslServer({ ...l, args: ['-tls1_3', '-num_tickets', '0'] }),
      startOpenSslServer({ ...l, args: ['-tls1_3', '-ciphersuites', 'TLS_CHACHA20_POLY1305_SHA256'] }),
    ]);
  });
  after(async () => {
    await Promise.all([tls13?.stop(), noTicket?.stop(), chachaOnly?.stop()]);
  });

  const base = (peer: Peer): string[] => [`127.0.0.1:${peer.port}`, '--servername', 'localhost', '--cafile', pki.root];

  test('TLS 1.3, 2 tickets: mode 0600, two blocks newest first, openssl sess_id reads the newest, no temp file', async () => {
    const dir = freshDir();
    const file = join(dir, 'sess.pem');
    const r = await probe(null, [...base(tls13), '--sess-out', file], { timeoutMs: 20_000 });
    assert.equal(r.code, 0, show(r));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(listing(dir), ['sess.pem']);
    // The report prints each ticket's SSL-Session block as it arrives.
    const arrived = [
      ...r.stdout.matchAll(
        /Post-Handshake New Session Ticket arrived:\nSSL-Session:\n[\s\S]*?Session-ID: ([0-9A-F]+)\n/g,
      ),
    ].map((m) => m[1]!);
    assert.equal(arrived.length, 2, show(r));
    assert.notEqual(arrived[0], arrived[1]);
    const blocks = pemBlocks(readFileSync(file, 'latin1'));
    assert.equal(blocks.length, 2);
    const inFile = blocks.map((b, i) => {
      const one = join(work, `block-${dirCount}-${i}.pem`);
      writeFileSync(one, b);
      return sessionIdOf(sessIdText(one));
    });
    assert.deepEqual(inFile, [arrived[1], arrived[0]], 'newest ticket first');
    const first = sessIdText(file);
    assert.equal(sessionIdOf(first), arrived[1], 'openssl sess_id reads the first block: the newest ticket');
    assert.match(first, /Protocol {2}: TLSv1\.3/);
    assert.match(first, /TLS session ticket:/);
  });

  test('--json: sessionSaved true and the tickets counted', async () => {
    const dir = freshDir();
    const file = join(dir, 's.pem');
    const r = await probe(null, [...base(tls13), '--sess-out', file, '--json'], { timeoutMs: 20_000 });
    assert.equal(r.code, 0, show(r));
    const c = connectionOf(r);
    assert.equal(c.sessionSaved, true);
    // s_server sends two tickets, usually in one segment; the CLI waits for the first and takes
    // what has arrived with it (interact.ts awaitTicket), so on a busy machine it may count one.
    assert.ok(c.tickets === 1 || c.tickets === 2, `tickets ${c.tickets}`);
    assert.equal(c.handshake, 'full');
    assert.equal(jsonOf(r).error, null);
    assert.deepEqual(listing(dir), ['s.pem']);
  });

  test('replacing an existing 0644 file: 0600, new content, a new inode (temp file + rename), the old bytes intact behind a hard link', async () => {
    const dir = freshDir();
    const file = join(dir, 'sess.pem');
    writeFileSync(file, 'old content\n');
    chmodSync(file, 0o644);
    linkSync(file, join(dir, 'old-link'));
    const inode = statSync(file).ino;
    const r = await probe(null, [...base(tls13), '--sess-out', file, '--quiet'], { timeoutMs: 20_000 });
    assert.equal(r.code, 0, show(r));
    const st = statSync(file);
    assert.equal(st.mode & 0o777, 0o600);
    assert.notEqual(st.ino, inode, 'the file must be replaced by rename, not rewritten in place');
    assert.equal(readFileSync(join(dir, 'old-link'), 'utf8'), 'old content\n', 'the old file was modified in place');
    assert.equal(pemBlocks(readFileSync(file, 'latin1')).length, 2);
    assert.deepEqual(listing(dir), ['old-link', 'sess.pem']);
  });

  /** An existing session file, and what must not change about it. */
  function existing(dir: string): { file: string; check: () => void } {
    const file = join(dir, 'keep.pem');
    writeFileSync(file, s13Pem, { mode: 0o640 });
    chmodSync(file, 0o640);
    const st = statSync(file);
    return {
      file,
      check: () => {
        const now = statSync(file);
        assert.equal(readFileSync(file, 'utf8'), s13Pem, 'content changed');
        assert.equal(now.ino, st.ino, 'file replaced');
        assert.equal(now.mtimeMs, st.mtimeMs, 'file touched');
        assert.equal(now.mode & 0o777, 0o640, 'mode changed');
        assert.deepEqual(listing(dir), ['keep.pem'], 'a temp file was left behind');
      },
    };
  }

  test('exit 5 (TLS 1.3 server with -num_tickets 0): no file created, JSON error.kind "session"', async () => {
    const dir = freshDir();
    const file = join(dir, 'none.pem');
    const r = await probe(null, [...base(noTicket), '--sess-out', file, '--json', '--ticket-wait', '500'], {
      timeoutMs: 20_000,
    });
    assert.equal(r.code, 5, show(r));
    const j = jsonOf(r);
    assert.equal(errorOf(j).kind, 'session');
    assert.match(errorOf(j).message, /no resumable session/);
    assert.equal(j.connections.length, 1);
    assert.equal(connectionOf(j).tickets, 0);
    assert.equal(connectionOf(j).sessionSaved, false);
    assert.deepEqual(listing(dir), [], 'no file, no temp file');
    assert.equal(ownLines(r).length, 1, show(r));
    assert.ok(ownLines(r)[0]!.includes(file));
  });

  test('exit 5 leaves an existing file untouched', async () => {
    const dir = freshDir();
    const e = existing(dir);
    const r = await probe(null, [...base(noTicket), '--sess-out', e.file, '--quiet', '--ticket-wait', '300'], {
      timeoutMs: 20_000,
    });
    assert.equal(r.code, 5, show(r));
    e.check();
  });

  test('a handshake failure (no shared TLS 1.3 suite) leaves an existing file untouched (exit 1, JSON error.kind "alert")', async () => {
    const dir = freshDir();
    const e = existing(dir);
    const r = await probe(
      null,
      [...base(chachaOnly), '--ciphersuites', 'TLS_AES_128_GCM_SHA256', '--sess-out', e.file, '--json'],
      { timeoutMs: 20_000 },
    );
    assert.equal(r.code, 1, show(r));
    assert.equal(errorOf(r).kind, 'alert');
    assert.match(errorOf(r).alert ?? '', /handshake_failure/);
    e.check();
  });

  test('a verification failure (wrong name) leaves an existing file untouched (exit 3)', async () => {
    const dir = freshDir();
    const e = existing(dir);
    const r = await probe(
      null,
      [
        `127.0.0.1:${tls13.port}`,
        '--servername',
        'wrong.example',
        '--cafile',
        pki.root,
        '--sess-out',
        e.file,
        '--quiet',
      ],
      { timeoutMs: 20_000 },
    );
    assert.equal(r.code, 3, show(r));
    e.check();
  });

  test('a refused connection leaves an existing file untouched (exit 1)', async () => {
    const dir = freshDir();
    const e = existing(dir);
    const r = await probe(null, [`127.0.0.1:${await freePort()}`, '--sess-out', e.file, '--quiet'], {
      timeoutMs: 20_000,
    });
    assert.equal(r.code, 1, show(r));
    e.check();
  });

  test('--sess-in and --sess-out on the same file: resumed, the file replaced by the new ticket(s)', async () => {
    const dir = freshDir();
    const file = join(dir, 'same.pem');
    const r1 = await probe(null, [...base(tls13), '--sess-out', file, '--quiet'], { timeoutMs: 20_000 });
    assert.equal(r1.code, 0, show(r1));
    const before = readFileSync(file, 'latin1');
    const r2 = await probe(null, [...base(tls13), '--sess-in', file, '--sess-out', file, '--json', '--expect-resume'], {
      timeoutMs: 20_000,
    });
    assert.equal(r2.code, 0, show(r2));
    const c = connectionOf(r2);
    assert.equal(c.resumed, true);
    assert.equal(c.sessionSaved, true);
    const now = readFileSync(file, 'latin1');
    assert.notEqual(now, before, 'the tickets of the resumed connection replace the file');
    assert.equal(pemBlocks(now).length, c.tickets);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(listing(dir), ['same.pem']);
  });
});
