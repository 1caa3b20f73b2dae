/**
 * Session resumption against servers other than OpenSSL (issue "Sessions: ... --reconnect that
 * resumes"): GnuTLS `gnutls-serv` (TLS 1.3 PSK; TLS 1.2 RFC 5077 ticket), NSS `selfserv` with
 * `-u` (TLS 1.3 PSK; TLS 1.2 ticket) and Botan 2 `botan tls_server` (TLS 1.2).
 *
 * For each: `--sess-out f` (full handshake, file written, 0600) then `--sess-in f --expect-resume`
 * (Reused / "resumed": true, exit 0) in 3 rounds, and `--reconnect 2 --expect-resume` (3
 * connections, the last 2 resumed). The server's own log confirms the resumption where it prints
 * one (gnutls-serv "This is a resumed session", Botan's repeated Session ID).
 *
 * Botan's `tls_server` command never issues RFC 5077 tickets: its credentials manager has no
 * session-ticket key (Botan 2 issues tickets only with Credentials_Manager::psk("tls-server",
 * "session-ticket")). It resumes by session ID instead. The last test proves that the missing
 * ticket is the server's doing, with OpenSSL's client (session_ticket offered, not acknowledged)
 * and with Botan's own `botan tls_client` (it offers tickets too and resumes by session ID).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePki, type Pki } from '../helpers/pki.js';
import { runClient, startBotanServer, startGnutlsServer, startNssServer, type Peer } from '../helpers/peers.js';
import { jsonOf, probe, type CliResult, connectionOf } from '../helpers/cli.js';

let pki: Pki;
let work: string;
before(async () => {
  pki = await ensurePki();
  work = mkdtempSync(join(tmpdir(), 'tls-probe-sessions-peers-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

function show(r: CliResult): string {
  return `exit ${r.code}${r.timedOut ? ' (timed out)' : ''}\n--- stdout\n${r.stdout.slice(-3000)}\n--- stderr\n${r.stderr.slice(-3000)}`;
}

function verdicts(stdout: string): string[] {
  return [...stdout.matchAll(/^(New|Reused), (TLSv1\.[23]), Cipher is /gm)].map((m) => `${m[1]} ${m[2]}`);
}

/** `openssl sess_id -noout -text` of a session file (its first block). */
function sessIdText(file: string): string {
  return execFileSync('openssl', ['sess_id', '-in', file, '-noout', '-text'], { encoding: 'utf8', timeout: 10_000 });
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

interface PeerCase {
  name: string;
  start: () => Promise<Peer>;
  version: 'TLSv1.3' | 'TLSv1.2';
  /** Expect a TLS 1.2 ticket in the file ([10], session ID = SHA-256(ticket)). */
  ticket12?: boolean;
  /** Checks the server's log for `n` resumptions so far. */
  serverSaw?: (peer: Peer, resumptions: number) => void;
}

const gnutlsResumed = (peer: Peer, n: number): void =>
  assert.equal(
    (peer.stdout() + peer.stderr()).match(/\*\*\* This is a resumed session/g)?.length ?? 0,
    n,
    'gnutls-serv resumption count',
  );

const CASES: PeerCase[] = [
  {
    name: 'gnutls-serv TLS 1.3 (PSK)',
    start: async () => startGnutlsServer({ ...pki.leaf('p256') }),
    version: 'TLSv1.3',
    serverSaw: gnutlsResumed,
  },
  {
    name: 'gnutls-serv TLS 1.2 (RFC 5077 ticket)',
    start: async () => startGnutlsServer({ ...pki.leaf('p256'), args: ['--priority=NORMAL:-VERS-TLS1.3'] }),
    version: 'TLSv1.2',
    ticket12: true,
    serverSaw: gnutlsResumed,
  },
  {
    name: 'NSS selfserv -u TLS 1.3 (PSK)',
    start: async () => startNssServer({ ...pki.leaf('p256'), args: ['-u', '-V', 'tls1.3:tls1.3'] }),
    version: 'TLSv1.3',
  },
  {
    name: 'NSS selfserv -u TLS 1.2 (RFC 5077 ticket)',
    start: async () => startNssServer({ ...pki.leaf('p256'), args: ['-u', '-V', 'tls1.2:tls1.2'] }),
    version: 'TLSv1.2',
    ticket12: true,
  },
  {
    name: 'Botan 2 tls_server TLS 1.2 (session ID: the CLI server issues no tickets)',
    start: async () => startBotanServer({ ...pki.leaf('p256') }),
    version: 'TLSv1.2',
    ticket12: false,
    serverSaw: (peer, n) => {
      // Botan prints "Session ID <hex>" per handshake; a resumption repeats an earlier one.
      const ids = [...peer.stdout().matchAll(/^Session ID ([0-9A-F]+)$/gm)].map((m) => m[1]!);
      assert.equal(ids.length - new Set(ids).size, n, `Botan session IDs: ${ids.join(' ')}`);
    },
  },
];

const ROUNDS = 3;

for (const c of CASES) {
  describe(c.name, () => {
    let peer: Peer;
    let dir: string;
    let resumptions = 0;
    before(async () => {
      peer = await c.start();
      dir = mkdtempSync(join(work, 'peer-'));
    });
    after(async () => {
      await peer?.stop();
    });
    const base = (): string[] => [`127.0.0.1:${peer.port}`, '--servername', 'localhost', '--cafile', pki.root];

    test(`--sess-out then --sess-in --expect-resume: resumed ${ROUNDS} of ${ROUNDS}`, async (t) => {
      let ok = 0;
      for (let i = 0; i < ROUNDS; i++) {
        const file = join(dir, `s${i}.pem`);
        const a = await probe(peer, [...base(), '--sess-out', file, '--json'], { timeoutMs: 20_000 });
        assert.equal(a.code, 0, show(a));
        const ca = connectionOf(a);
        assert.equal(ca.protocol, c.version);
        assert.equal(ca.handshake, 'full');
        assert.equal(ca.sessionSaved, true);
        assert.equal(statSync(file).mode & 0o777, 0o600);
        const text = sessIdText(file);
        assert.match(text, new RegExp(`Protocol {2}: ${c.version.replace('.', '\\.')}`));
        if (c.version === 'TLSv1.2') {
          const ticket = ticketOf(text);
          assert.equal(ticket.length > 0, c.ticket12 === true, `ticket in the file:\n${text}`);
          const sid = /Session-ID: ([0-9A-F]*)/.exec(text)![1]!;
          assert.equal(sid.length, 64, 'a 32-byte session ID');
          if (ticket.length > 0)
            assert.equal(
              sid,
              createHash('sha256').update(ticket).digest('hex').toUpperCase(),
              'session ID = SHA-256(ticket)',
            );
        }

        const b = await probe(peer, [...base(), '--sess-in', file, '--expect-resume'], { timeoutMs: 20_000 });
        assert.equal(b.code, 0, show(b));
        assert.deepEqual(verdicts(b.stdout), [`Reused ${c.version}`]);
        const j = await probe(peer, [...base(), '--sess-in', file, '--expect-resume', '--json'], { timeoutMs: 20_000 });
        assert.equal(j.code, 0, show(j));
        assert.equal(connectionOf(j).resumed, true);
        assert.equal(connectionOf(j).handshake, 'resumed');
        resumptions += 2;
        ok++;
      }
      t.diagnostic(`${c.name}: ${ok}/${ROUNDS} rounds resumed (report and JSON)`);
      assert.deepEqual(
        readdirSync(dir).sort(),
        Array.from({ length: ROUNDS }, (_, i) => `s${i}.pem`),
      );
      if (c.serverSaw) await waitFor(peer, () => c.serverSaw!(peer, resumptions));
    });

    test('--reconnect 2 --expect-resume: 3 connections, the last 2 resumed', async () => {
      const r = await probe(peer, [...base(), '--reconnect', '2', '--expect-resume'], { timeoutMs: 20_000 });
      assert.equal(r.code, 0, show(r));
      assert.deepEqual(verdicts(r.stdout), [`New ${c.version}`, `Reused ${c.version}`, `Reused ${c.version}`]);
      const j = await probe(peer, [...base(), '--reconnect', '2', '--expect-resume', '--json'], { timeoutMs: 20_000 });
      assert.equal(j.code, 0, show(j));
      assert.deepEqual(
        jsonOf(j).connections.map((x) => x.resumed),
        [false, true, true],
      );
      resumptions += 4;
      if (c.serverSaw) await waitFor(peer, () => c.serverSaw!(peer, resumptions));
    });
  });
}

/**
 * Waits until an assertion on the server's log holds (the log arrives through a pipe): re-checked
 * as each piece of output arrives, never by polling; after 3 s the assertion's own failure is thrown.
 */
async function waitFor(peer: Peer, check: () => void): Promise<void> {
  const holds = (): boolean => {
    try {
      check();
      return true;
    } catch {
      return false;
    }
  };
  await peer.waitUntil(holds, 'the expected server log', 3_000).catch(() => undefined);
  check();
}

describe('Botan tls_server issues no RFC 5077 ticket, to any client (outside our control)', () => {
  let peer: Peer;
  before(async () => {
    peer = await startBotanServer({ ...pki.leaf('p256') });
  });
  after(async () => {
    await peer?.stop();
  });

  test('openssl s_client offers session_ticket: the ServerHello has none and no NewSessionTicket comes; it resumes by session ID', async () => {
    const file = join(work, 'botan-openssl.pem');
    const r = await runClient(
      peer,
      [
        'openssl',
        's_client',
        '-connect',
        `127.0.0.1:${peer.port}`,
        '-tls1_2',
        '-tlsextdebug',
        '-msg',
        '-sess_out',
        file,
      ],
      { input: '' },
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /TLS server extension "extended master secret"/, 'the -tlsextdebug lines are there');
    assert.doesNotMatch(r.stdout, /TLS server extension "session ticket"/);
    assert.doesNotMatch(r.stdout, /NewSessionTicket/);
    assert.match(r.stdout, /<<< TLS 1\.2, Handshake \[length [0-9a-f]+\], ServerHello/);
    assert.equal(ticketOf(sessIdText(file)).length, 0);
    const again = await runClient(
      peer,
      ['openssl', 's_client', '-connect', `127.0.0.1:${peer.port}`, '-tls1_2', '-sess_in', file],
      { input: '' },
    );
    assert.match(again.stdout, /^Reused, /m);
  });

  test("Botan's own client: same session ID on the second connection (session-ID resumption), no ticket", async () => {
    const db = join(work, 'botan-sessions.db');
    const argv = [
      'botan',
      'tls_client',
      'localhost',
      `--port=${peer.port}`,
      `--trusted-cas=${pki.root}`,
      '--skip-system-cert-store',
      `--session-db=${db}`,
      '--session-db-pass=test',
    ];
    const first = await runClient(peer, argv, { input: '', timeoutMs: 15_000 });
    const second = await runClient(peer, argv, { input: '', timeoutMs: 15_000 });
    const id = (r: { stdout: string }): string | undefined => /^Session ID ([0-9A-F]+)$/m.exec(r.stdout)?.[1];
    assert.match(first.stdout, /Handshake complete, TLS v1\.2/, first.stdout + first.stderr);
    assert.ok(id(first), first.stdout);
    assert.equal(id(second), id(first), 'Botan resumed its own client by session ID');
    assert.doesNotMatch(first.stdout + second.stdout, /ticket/i);
    assert.equal(readFileSync(db).length > 0, true);
  });
});
