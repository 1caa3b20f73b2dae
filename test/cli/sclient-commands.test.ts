/**
 * s_client's stdin commands (issue 18 item 5): a line that is exactly Q, R, K or k is a
 * command, checked against a real openssl s_server -msg; --no-interactive / -nocommands send the
 * letters as data, as s_client -nocommands does against the same server.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { StdinReader, type StdinCommand } from '../../src/cli/stdin.js';
import { ensurePki, type Pki } from '../helpers/pki.js';
import { runClient, startOpenSslServer, type Peer } from '../helpers/peers.js';
import { probe } from '../helpers/cli.js';

/** Feeds chunks to a StdinReader and returns what it yields, data as text. */
async function read(chunks: string[], commands = true, crlf = false): Promise<(string | { cmd: StdinCommand })[]> {
  const s = new PassThrough();
  const r = new StdinReader(s, crlf, commands);
  for (const c of chunks) {
    s.write(c);
    await new Promise((resolve) => setImmediate(resolve));
  }
  s.end();
  await new Promise((resolve) => setImmediate(resolve));
  const out: (string | { cmd: StdinCommand })[] = [];
  for (let x = r.take(); x !== null; x = r.take())
    out.push(typeof x === 'string' ? { cmd: x } : Buffer.from(x).toString('latin1'));
  assert.ok(r.ended);
  return out;
}

describe('StdinReader: commands are whole lines', () => {
  it('letters alone on their line, LF or CRLF; anything else is data', async () => {
    assert.deepEqual(await read(['hello\nK\nk\r\nafter\nQ\nrest\n']), [
      'hello\n',
      { cmd: 'K' },
      { cmd: 'k' },
      'after\n',
      { cmd: 'Q' },
      'rest\n',
    ]);
    assert.deepEqual(await read(['Quit\nxQ\nQQ\n K\n']), ['Quit\nxQ\nQQ\n K\n']);
  });
  it('a letter split from its newline across reads, at the end of input, or mid-line', async () => {
    assert.deepEqual(await read(['Q', '\n']), [{ cmd: 'Q' }]);
    assert.deepEqual(await read(['K\r', '\n', 'x']), [{ cmd: 'K' }, 'x']);
    assert.deepEqual(await read(['Q', 'uit\n']), ['Quit\n']);
    assert.deepEqual(await read(['k']), [{ cmd: 'k' }]);
    assert.deepEqual(await read(['abc', 'Q\n']), ['abc', 'Q\n']);
    assert.deepEqual(await read(['abc\n', 'Q\n']), ['abc\n', { cmd: 'Q' }]);
  });
  it('commands off: every byte is data (and --crlf still applies)', async () => {
    assert.deepEqual(await read(['K\nQ\n'], false), ['K\nQ\n']);
    assert.deepEqual(await read(['a\nQ\n'], true, true), ['a\r\n', { cmd: 'Q' }]);
  });
});

describe('stdin commands against openssl s_server', () => {
  let pki: Pki;
  before(async () => {
    pki = await ensurePki();
  });
  const args = (peer: Peer, extra: string[] = []): string[] => [
    ...extra,
    '-connect',
    `${peer.host}:${peer.port}`,
    '-servername',
    'localhost',
    '-CAfile',
    pki.root,
  ];

  it('K and k send KeyUpdate (requested / not requested); Q ends at once with close_notify, exit 0', async () => {
    const peer = await startOpenSslServer({ ...pki.leaf('p256'), args: ['-tls1_3', '-msg'] });
    try {
      // stdin stays open after Q: the run must end by itself.
      const r = await probe(peer, args(peer), { send: 'hello\nK\nk\nR\nafter\nQ\nnot sent\n', waitFor: /^never$/ });
      assert.equal(r.timedOut, false);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /^KEYUPDATE\nKEYUPDATE\n/m);
      // R under TLS 1.3: s_client prints RENEGOTIATING then can_renegotiate's "wrong ssl version"; the session goes on.
      assert.match(
        r.stderr,
        /^RENEGOTIATING\ntls-probe: warning: R: wrong ssl version \(TLS 1\.3 has no renegotiation\); command ignored$/m,
      );
      assert.match(r.stderr, /^DONE$/m);
      await peer.waitForOutput(/close_notify/);
      const out = peer.stdout();
      assert.equal((out.match(/^<<< TLS 1\.3, Handshake \[length 0005\], KeyUpdate$/gm) ?? []).length, 2, out);
      // Only K asked the server to update its keys too.
      assert.equal((out.match(/^>>> TLS 1\.3, Handshake \[length 0005\], KeyUpdate$/gm) ?? []).length, 1, out);
      assert.match(out, /^hello$/m);
      assert.match(out, /^after$/m);
      assert.doesNotMatch(out, /not sent|^[KkQR]$/m);
    } finally {
      await peer.stop();
    }
  });

  it('--no-interactive and -nocommands send the letters as data, as s_client -nocommands does', async () => {
    const peer = await startOpenSslServer({ ...pki.leaf('p256'), args: ['-tls1_3'] });
    try {
      // Were Q a command, end1 (after it) would never reach the server.
      const ours = await probe(peer, args(peer, ['--no-interactive']), { send: 'K\nR\nQ\nend1\n' });
      assert.equal(ours.code, 0, ours.stderr);
      await peer.waitForOutput(/^end1$/m);
      const theirs = await runClient(peer, ['openssl', 's_client', ...args(peer, ['-nocommands'])], {
        input: 'K\nR\nQ\nend2\n',
      });
      assert.equal(theirs.code, 0);
      await peer.waitForOutput(/^end2$/m);
      const ours2 = await probe(peer, args(peer, ['-nocommands']), { send: 'Q\nend3\n' });
      assert.equal(ours2.code, 0, ours2.stderr);
      await peer.waitForOutput(/^end3$/m);
      const out = peer.stdout();
      assert.equal((out.match(/^K$/gm) ?? []).length, 2, out);
      assert.equal((out.match(/^R$/gm) ?? []).length, 2, out);
      assert.equal((out.match(/^Q$/gm) ?? []).length, 3, out);
    } finally {
      await peer.stop();
    }
  });

  it('TLS 1.2: K is refused with a warning, not sent as data; R renegotiates (s_server -client_renegotiation -msg)', async () => {
    const peer = await startOpenSslServer({ ...pki.leaf('p256'), args: ['-tls1_2', '-client_renegotiation', '-msg'] });
    try {
      // end waits until the renegotiation completed: SSL_write drives it first.
      const r = await probe(peer, args(peer), { send: 'K\nR\nend\n' });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /^tls-probe: warning: K: KeyUpdate needs TLS 1\.3; command ignored$/m);
      assert.match(r.stderr, /^RENEGOTIATING$/m);
      assert.doesNotMatch(r.stderr, /warning: R:/);
      await peer.waitForOutput(/^end$/m);
      const out = peer.stdout();
      assert.doesNotMatch(out, /^[KR]$/m);
      // s_server read a second ClientHello (the renegotiation) before the data.
      assert.equal(
        (out.match(/^<<< TLS 1\.[0-3], Handshake \[length [0-9a-f]{4}\], ClientHello$/gm) ?? []).length,
        2,
        out,
      );
      assert.ok(out.indexOf('\nend\n') > out.lastIndexOf('ClientHello'), out);
    } finally {
      await peer.stop();
    }
  });
});
