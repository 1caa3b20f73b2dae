/**
 * --starttls lmtp, nntp, sieve, irc, mysql and xmpp-server (issue 18 item 9: s_client's thirteen).
 * Each plain-text front is first checked with `openssl s_client -starttls`, then the built CLI
 * upgrades through it, verifies and carries data; each refusal is exit 1 with one line.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { readFileSync } from 'node:fs';
import { probe } from '../helpers/cli.js';
import { ensurePki, type Pki } from '../helpers/pki.js';
import { runClient } from '../helpers/peers.js';
import { MORE_PROTOS, mysqlGreeting, rawServer, startTlsServer, type Proto } from '../helpers/starttls-servers.js';
import { MYSQL_SSL_REQUEST } from '../../src/net/starttls-more.js';

/** What our client must say in plain text (lines; binary as hex). */
const SENT: Partial<Record<Proto, string[]>> = {
  lmtp: ['LHLO tls-probe.invalid', 'STARTTLS'],
  nntp: ['CAPABILITIES', 'STARTTLS'],
  sieve: ['STARTTLS'],
  irc: ['STARTTLS'],
  mysql: [MYSQL_SSL_REQUEST.toString('hex')],
  'xmpp-server': [
    "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:server' to='localhost' version='1.0'>",
    "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>",
  ],
};

const REFUSED: Partial<Record<Proto, string>> = {
  lmtp: 'STARTTLS failed: lmtp server does not offer STARTTLS (LHLO capabilities: "PIPELINING")',
  nntp: 'STARTTLS failed: nntp server answered "580 Can not initiate TLS negotiation" (STARTTLS is not in its CAPABILITIES)',
  sieve:
    'STARTTLS failed: sieve server answered "NO \\"STARTTLS is not available\\"" (STARTTLS is not in its capabilities)',
  irc: 'STARTTLS failed: irc server answered ":irc.test 421 * STARTTLS :Unknown command"',
  mysql: 'STARTTLS failed: mysql server "8.0.36-test" does not support SSL (no CLIENT_SSL capability)',
  'xmpp-server': `STARTTLS failed: xmpp-server server answered "<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"`,
};

describe('--starttls: the six protocols s_client has beyond the first seven', () => {
  let pki: Pki;
  before(async () => {
    pki = await ensurePki();
  });
  const args = (port: number, proto: string): string[] => [
    `127.0.0.1:${port}`,
    '-starttls',
    proto,
    '-servername',
    'localhost',
    '-CAfile',
    pki.root,
  ];

  for (const proto of MORE_PROTOS) {
    it(`${proto}: the front passes openssl s_client -starttls ${proto}; then ours upgrades, verifies, carries data`, async () => {
      const srv = await startTlsServer(proto);
      try {
        const s = await runClient(
          {},
          ['openssl', 's_client', ...args(srv.port, proto).slice(1), '-connect', `127.0.0.1:${srv.port}`],
          {
            input: '',
          },
        );
        assert.match(s.stdout, /^Verify return code: 0 \(ok\)$/m, `s_client: ${s.stdout}\n${s.stderr}`);
        const r = await probe(null, args(srv.port, proto), { send: 'ping\n', waitFor: /gnip/ });
        assert.equal(r.code, 0, `stderr: ${r.stderr}`);
        assert.match(r.stdout, /^CONNECTED\(00000000\)$/m);
        assert.match(r.stdout, /Verification: OK/);
        assert.match(r.stdout, /^gnip$/m);
        assert.deepEqual(srv.tlsLines, ['ping']);
        assert.equal(srv.received.length, 2);
        assert.deepEqual(srv.received[1], SENT[proto]);
        assert.equal(srv.strayBytes, 0);
      } finally {
        await srv.close();
      }
    });

    it(`${proto}: a refusal is exit 1 and one stderr line saying what the server answered`, async () => {
      const srv = await startTlsServer(proto, { mode: 'refuse' });
      try {
        const r = await probe(null, args(srv.port, proto), { send: 'ping\n' });
        assert.equal(r.code, 1, `stderr: ${r.stderr}`);
        assert.equal(r.stderr, `tls-probe: ${REFUSED[proto] ?? '?'}\n`);
        assert.doesNotMatch(r.stdout, /gnip|Verification/);
      } finally {
        await srv.close();
      }
    });
  }

  const failures: [string, Proto, (s: Socket) => void, string][] = [
    [
      'mysql: an ERR packet instead of the handshake',
      'mysql',
      (s) => {
        const msg = Buffer.from("Host '10.0.0.9' is not allowed to connect", 'utf8');
        const p = Buffer.concat([Buffer.from([0xff, 0x6a, 0x04]), Buffer.from('#HY000'), msg]);
        s.end(Buffer.concat([Buffer.from([p.length, 0, 0, 0]), p]));
      },
      `STARTTLS failed: mysql server answered with MySQL error 1130: "Host '10.0.0.9' is not allowed to connect"`,
    ],
    [
      'mysql: protocol version 9',
      'mysql',
      (s) => {
        const g = mysqlGreeting(true);
        g[4] = 9;
        s.write(g);
      },
      'STARTTLS failed: mysql server speaks MySQL protocol version 9, not 10 (its first packet)',
    ],
    [
      'irc: 691 ERR_STARTTLS after NOTICE lines (which s_client 3.0 would stop at)',
      'irc',
      (s) => {
        s.write(':irc.test NOTICE * :*** Looking up your hostname...\r\n');
        s.once('data', () => s.write(':irc.test 691 * :STARTTLS failure\r\n'));
      },
      'STARTTLS failed: irc server answered ":irc.test 691 * :STARTTLS failure"',
    ],
    [
      'nntp: a greeting other than 200/201',
      'nntp',
      (s) => s.write('502 Access denied\r\n'),
      'STARTTLS failed: nntp server answered "502 Access denied"',
    ],
    [
      'sieve: BYE instead of capabilities',
      'sieve',
      (s) => s.write('BYE "Too many connections"\r\n'),
      'STARTTLS failed: sieve server answered "BYE \\"Too many connections\\""',
    ],
  ];
  for (const [name, proto, script, message] of failures) {
    it(`${name}: exit 1, one line`, async () => {
      const srv = await rawServer(script);
      try {
        const r = await probe(null, args(srv.port, proto));
        assert.equal(r.code, 1);
        assert.equal(r.stderr, `tls-probe: ${message}\n`);
      } finally {
        await srv.close();
      }
    });
  }

  it("-name sets the LHLO name and -xmpphost the stream's to, as in s_client", async () => {
    const lmtp = await startTlsServer('lmtp');
    const xmpp = await startTlsServer('xmpp-server');
    try {
      const a = await probe(null, [...args(lmtp.port, 'lmtp'), '-name', 'mx.example']);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(lmtp.received[0]?.[0], 'LHLO mx.example');
      const b = await probe(null, [...args(xmpp.port, 'xmpp-server'), '-xmpphost', 'chat.example']);
      assert.equal(b.code, 0, b.stderr);
      assert.match(xmpp.received[0]?.[0] ?? '', / to='chat\.example' /);
    } finally {
      await lmtp.close();
      await xmpp.close();
    }
  });

  it('irc: NOTICE lines before RPL_STARTTLS (670) are skipped, and the upgrade goes on', async () => {
    const leaf = pki.leaf('p256');
    const raw = await rawServer((s) => {
      s.write(':irc.test NOTICE * :*** Looking up your hostname...\r\n');
      s.once('data', () => {
        s.write(':irc.test 670 * :STARTTLS successful\r\n');
        const t = new TLSSocket(s, { isServer: true, cert: readFileSync(leaf.chain), key: readFileSync(leaf.key) });
        t.on('error', () => undefined);
        t.on('data', (b: Buffer) => t.write(Buffer.from([...b.toString().trim()].reverse().join('') + '\n')));
      });
    });
    try {
      const r = await probe(null, args(raw.port, 'irc'), { send: 'ping\n', waitFor: /gnip/ });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^gnip$/m);
    } finally {
      await raw.close();
    }
  });
});
