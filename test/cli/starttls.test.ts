/**
 * --starttls: the built CLI against local plain-text servers for all seven protocols (upgrade,
 * verification, data over TLS; refusals, EOF, timeout), and startTls() itself: it must leave
 * bytes that follow the server's "go ahead" on the socket for the TLS transport.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { probe } from '../helpers/cli.js';
import { ensurePki, type Pki } from '../helpers/pki.js';
import { PROTOS, rawServer, startTlsServer, type Proto } from '../helpers/starttls-servers.js';
import { startTls, StartTlsError, LDAP_STARTTLS_REQUEST } from '../../src/net/starttls.js';

/** What each client must send in plain text (lines; binary as hex). */
const SENT: Partial<Record<Proto, string[]>> = {
  smtp: ['EHLO tls-probe.invalid', 'STARTTLS'],
  imap: ['. CAPABILITY', '. STARTTLS'],
  pop3: ['STLS'],
  ftp: ['AUTH TLS'],
  xmpp: [
    "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:client' to='localhost' version='1.0'>",
    "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>",
  ],
  postgres: ['0000000804d2162f'],
  ldap: [LDAP_STARTTLS_REQUEST.toString('hex')],
};

/** The message of each refusal variant (after "tls-probe: "). */
const REFUSED: Partial<Record<Proto, string>> = {
  smtp: 'STARTTLS failed: smtp server does not offer STARTTLS (EHLO capabilities: "PIPELINING, 8BITMIME")',
  imap: 'STARTTLS failed: imap server answered ". BAD Unknown command" (STARTTLS is not in its CAPABILITY list)',
  pop3: 'STARTTLS failed: pop3 server answered "-ERR Unknown command: STLS"',
  ftp: 'STARTTLS failed: ftp server answered "504 AUTH TLS not supported"',
  xmpp: `STARTTLS failed: xmpp server answered "<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"`,
  postgres: "STARTTLS failed: postgres server answered 'N' to the SSLRequest (it does not accept SSL)",
  ldap: 'STARTTLS failed: ldap server answered resultCode 2 (protocolError): "unsupported extended operation"',
};

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const lines = (s: string): string[] => s.split('\n').filter((l) => l !== '');

describe('--starttls with the built CLI', () => {
  let pki: Pki;
  before(async () => {
    pki = await ensurePki();
  });
  const args = (port: number, proto: Proto, ...more: string[]): string[] => [
    `127.0.0.1:${port}`,
    '--starttls',
    proto,
    '--servername',
    'localhost',
    '--cafile',
    pki.root,
    ...more,
  ];

  for (const proto of PROTOS) {
    it(`${proto}: upgrades, verifies the certificate and carries data over TLS`, async () => {
      const srv = await startTlsServer(proto);
      try {
        const r = await probe(null, args(srv.port, proto), { send: 'ping\n', waitFor: /gnip/ });
        assert.equal(r.code, 0, `stderr: ${r.stderr}`);
        assert.match(r.stdout, /Verification: OK/);
        assert.match(r.stdout, /^gnip$/m);
        assert.deepEqual(srv.tlsLines, ['ping']);
        assert.deepEqual(srv.received, [SENT[proto]]);
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
        const err = lines(r.stderr);
        assert.equal(err.length, 1, r.stderr);
        // The "internal error: " label is exit.ts's (see the test below), not part of this contract.
        assert.match(err[0] ?? '', new RegExp(`^tls-probe: (internal error: )?${escapeRe(REFUSED[proto] ?? '?')}$`));
        assert.doesNotMatch(r.stdout, /gnip|Verification/);
      } finally {
        await srv.close();
      }
    });
  }

  it('a refusal is reported as a STARTTLS failure, not as an internal error (needs exit.ts to classify StartTlsError)', async () => {
    const srv = await startTlsServer('pop3', { mode: 'refuse' });
    try {
      const r = await probe(null, args(srv.port, 'pop3'));
      assert.equal(r.stderr, `tls-probe: ${REFUSED.pop3 ?? '?'}\n`);
    } finally {
      await srv.close();
    }
  });

  it('a server that closes during STARTTLS: exit 1, "peer closed the connection during the starttls"', async () => {
    const srv = await rawServer((s) => s.end('220 hello\r\n'));
    try {
      const r = await probe(null, args(srv.port, 'smtp'));
      assert.equal(r.code, 1);
      assert.equal(r.stderr, 'tls-probe: peer closed the connection during the starttls\n');
    } finally {
      await srv.close();
    }
  });

  it('a silent server: exit 1, "starttls timed out" naming --connect-timeout', async () => {
    const srv = await rawServer(() => undefined);
    try {
      const r = await probe(null, args(srv.port, 'imap', '--connect-timeout', '300'));
      assert.equal(r.code, 1);
      assert.equal(r.stderr, 'tls-probe: starttls timed out for 300 ms (--connect-timeout)\n');
    } finally {
      await srv.close();
    }
  });
});

/** A TLS record header and a few bytes: what a server could send right after its "go ahead". */
const TLS_BYTES = Buffer.from([0x16, 0x03, 0x03, 0x00, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f]);

/** Connects to 127.0.0.1:port. */
function dial(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', reject);
  });
}

const EVENTS = ['readable', 'data', 'end', 'close', 'error'] as const;
/** Listener counts of the events startTls listens to (net.Socket has an 'end' listener of its own). */
const listeners = (s: Socket): number[] => EVENTS.map((ev) => s.listenerCount(ev));

/** Collects `n` bytes with a 'data' listener, as the TLS transport would (gives up after 5 s). */
function collect(s: Socket, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let got = Buffer.alloc(0);
    const fail = (why: string): void => reject(new Error(`${why} after ${got.length} bytes: ${got.toString('hex')}`));
    const timer = setTimeout(() => fail('nothing more'), 5000);
    s.on('data', (b: Buffer) => {
      got = Buffer.concat([got, b]);
      if (got.length >= n) {
        clearTimeout(timer);
        resolve(got);
      }
    });
    s.once('end', () => fail('EOF'));
  });
}

/** Runs startTls against a raw server; returns the error it rejected with. */
async function failureAgainst(proto: Proto, script: (s: Socket) => void, timeoutMs = 5000): Promise<StartTlsError> {
  const srv = await rawServer(script);
  const sock = await dial(srv.port);
  try {
    const before = listeners(sock);
    const e = await startTls(sock, proto, { host: 'localhost', timeoutMs }).then(
      () => null,
      (x: unknown) => x,
    );
    assert.ok(e instanceof StartTlsError, `expected a StartTlsError, got ${String(e)}`);
    assert.deepEqual(listeners(sock), before);
    return e;
  } finally {
    sock.destroy();
    await srv.close();
  }
}

describe('startTls() on the socket', () => {
  for (const proto of PROTOS) {
    it(`${proto}: bytes in the same packet as the "go ahead" reach the next 'data' listener`, async () => {
      const srv = await startTlsServer(proto, { trailing: TLS_BYTES, tls: false });
      const sock = await dial(srv.port);
      try {
        const before = listeners(sock);
        await startTls(sock, proto, { host: 'localhost', timeoutMs: 5000 });
        assert.deepEqual(listeners(sock), before);
        assert.equal(before[0], 0);
        assert.deepEqual(await collect(sock, TLS_BYTES.length), TLS_BYTES);
        assert.deepEqual(srv.received, [SENT[proto]]);
      } finally {
        sock.destroy();
        await srv.close();
      }
    });
  }

  it('bytes stay on the socket when the listener attaches only after a macrotask', async () => {
    const srv = await startTlsServer('postgres', { trailing: TLS_BYTES, tls: false });
    const sock = await dial(srv.port);
    try {
      await startTls(sock, 'postgres', { host: 'localhost', timeoutMs: 5000 });
      // The trailing bytes came in the go-ahead reply's write, so they are here already; one
      // macrotask (not a guessed delay) passes before a listener attaches.
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(await collect(sock, TLS_BYTES.length), TLS_BYTES);
    } finally {
      sock.destroy();
      await srv.close();
    }
  });

  it('smtp: replies split across packets and multi-line replies are reassembled', async () => {
    const srv = await rawServer((s) => {
      const parts = ['22', '0-a\r', '\n220 b\r\n'];
      for (const p of parts) s.write(p);
      let seen = '';
      s.on('data', (b: Buffer) => {
        seen += b.toString();
        if (seen === 'EHLO tls-probe.invalid\r\n') s.write('250-x\r\n250-SIZE 1\r\n250 STARTTLS\r\n');
        if (seen.endsWith('STARTTLS\r\n')) s.write(Buffer.concat([Buffer.from('220 go\r\n'), TLS_BYTES]));
      });
    });
    const sock = await dial(srv.port);
    try {
      await startTls(sock, 'smtp', { host: 'localhost', timeoutMs: 5000 });
      assert.deepEqual(await collect(sock, TLS_BYTES.length), TLS_BYTES);
    } finally {
      sock.destroy();
      await srv.close();
    }
  });

  it('smtp: "454" to STARTTLS is a refusal quoting the reply', async () => {
    const e = await failureAgainst('smtp', (s) => {
      s.write('220 hi\r\n');
      s.once('data', () => {
        s.write('250-x\r\n250 STARTTLS\r\n');
        s.once('data', () => s.write('454 4.7.0 TLS not available due to local problem\r\n'));
      });
    });
    assert.equal(e.message, 'STARTTLS failed: smtp server answered "454 4.7.0 TLS not available due to local problem"');
    assert.equal(e.reason, 'refused');
  });

  it('EOF before the reply rejects with reason "eof" and what the server said last', async () => {
    const e = await failureAgainst('pop3', (s) => {
      s.write('+OK hi\r\n');
      s.once('data', () => s.end());
    });
    assert.equal(e.reason, 'eof');
    assert.equal(
      e.message,
      'STARTTLS failed: pop3 server closed the connection before answering STLS (last said "+OK hi")',
    );
  });

  it('a silent server rejects with code ETIMEDOUT', async () => {
    const e = await failureAgainst('ftp', () => undefined, 200);
    assert.equal(e.code, 'ETIMEDOUT');
    assert.equal(e.message, 'STARTTLS failed: ftp server sent no greeting within 200 ms');
  });

  it('postgres: an ErrorResponse is quoted', async () => {
    const e = await failureAgainst('postgres', (s) => {
      s.once('data', () => {
        const body = Buffer.from('SFATAL\0MUnsupported frontend protocol\0\0', 'latin1');
        const len = Buffer.alloc(4);
        len.writeUInt32BE(body.length + 4);
        s.end(Buffer.concat([Buffer.from('E'), len, body]));
      });
    });
    assert.equal(
      e.message,
      'STARTTLS failed: postgres server answered the SSLRequest with an error "FATAL: Unsupported frontend protocol"',
    );
  });

  it('ldap: a long-form length and a non-zero resultCode', async () => {
    const diag = 'x'.repeat(200);
    const e = await failureAgainst('ldap', (s) => {
      s.once('data', () => {
        const op = Buffer.concat([
          Buffer.from([0x0a, 0x01, 53, 0x04, 0x00, 0x04, 0x81, diag.length]),
          Buffer.from(diag),
        ]);
        const body = Buffer.concat([Buffer.from([0x02, 0x01, 0x01, 0x78, 0x81, op.length]), op]);
        s.write(Buffer.concat([Buffer.from([0x30, 0x81, body.length]), body]));
      });
    });
    assert.equal(e.message, `STARTTLS failed: ldap server answered resultCode 53 (unwillingToPerform): "${diag}"`);
  });

  it('xmpp: stream features without <starttls> are a refusal', async () => {
    const e = await failureAgainst('xmpp', (s) => {
      s.once('data', () =>
        s.write(
          "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' version='1.0'><stream:features><mechanisms/></stream:features>",
        ),
      );
    });
    assert.equal(
      e.message,
      'STARTTLS failed: xmpp server does not offer STARTTLS (stream features: "<stream:features><mechanisms/></stream:features>")',
    );
  });
});
