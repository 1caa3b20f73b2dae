/**
 * Issue 18 end to end against real servers on loopback: a failed verification still reports
 * (checked against s_client), CONNECTED only after TCP, --timeout bounding a stalled handshake,
 * internationalized names in SNI, -4/-6 (with a dual-stack name in a private mount namespace), and
 * the HTTP CONNECT proxy (curl's request form, Basic credentials, refusals; s_client through it).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePki, type Pki } from '../helpers/pki.js';
import { startOpenSslServer, runClient, requireBinary, type Peer } from '../helpers/peers.js';
import { CLI, converse, jsonOf, probe } from '../helpers/cli.js';
import { startConnectProxy } from '../helpers/connect-proxy.js';

let pki: Pki;
before(async () => {
  pki = await ensurePki();
});

/** A node:tls server (a real peer) on `host`, counting connections and recording SNI. */
async function tlsServer(
  host: string,
  cert: { cert: string; key: string; chain?: string },
  port = 0,
): Promise<{ server: TlsServer; port: number; sni: (string | false | null)[]; connections: () => number }> {
  const sni: (string | false | null)[] = [];
  let n = 0;
  const server = createTlsServer({ cert: readFileSync(cert.chain ?? cert.cert), key: readFileSync(cert.key) }, (s) => {
    sni.push(s.servername);
    s.on('error', () => undefined);
    s.end('hello\n');
  });
  server.on('connection', () => n++);
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const addr = server.address();
  return { server, port: typeof addr === 'object' && addr ? addr.port : 0, sni, connections: () => n };
}

function closeServer(s: Server | TlsServer): Promise<void> {
  return new Promise((resolve) => s.close(() => resolve()));
}

describe('a failed verification still reports (exit 3)', () => {
  let peer: Peer;
  before(async () => {
    peer = await startOpenSslServer({ ...pki.leaf('selfsigned'), args: ['-tls1_3'] });
  });
  after(() => peer.stop());

  it('verify error:num=18 on stderr, the full report with Verify return code: 18, as s_client -verify_return_error', async () => {
    const target = `${peer.host}:${peer.port}`;
    const r = await probe(peer, ['-connect', target, '-servername', 'localhost', '-CAfile', pki.root]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /^verify error:num=18:self-signed certificate$/m);
    assert.match(r.stderr, /^tls-probe: certificate verification failed: self-signed certificate \(X509_V_ERR 18\)/m);
    assert.match(r.stdout, /^CONNECTED\(00000000\)$/m);
    assert.match(r.stdout, /^ 0 s:O = tls-probe test, CN = localhost$/m);
    assert.match(r.stdout, /^Verification error: self-signed certificate$/m);
    assert.match(r.stdout, /^Verify return code: 18 \(self-signed certificate\)$/m);
    assert.match(r.stdout, /^New, TLSv1\.3, Cipher is TLS_AES_\d+_GCM_SHA\d+$/m);

    const s = await runClient(peer, [
      'openssl',
      's_client',
      '-connect',
      target,
      '-servername',
      'localhost',
      '-CAfile',
      pki.root,
      '-verify_return_error',
    ]);
    // The same lines from s_client 3.0 for the same server.
    assert.match(s.stderr, /^verify error:num=18:self-signed certificate$/m);
    assert.match(s.stdout, /^Verify return code: 18 \(self-signed certificate\)$/m);
    assert.match(s.stdout, /^Verification error: self-signed certificate$/m);
  });

  it('--json has the connection with verify.code 18 and exitCode 3; --brief reports on stderr', async () => {
    const target = `${peer.host}:${peer.port}`;
    const r = await probe(peer, ['--json', '--servername', 'localhost', '--cafile', pki.root, target]);
    assert.equal(r.code, 3);
    const doc = jsonOf(r);
    assert.equal(doc.connections.length, 1);
    assert.deepEqual(doc.connections[0]?.verify, { ok: false, code: 18, message: 'self-signed certificate', depth: 0 });
    assert.equal(doc.connections[0]?.peerCertificates.length, 1);
    assert.equal(doc.exitCode, 3);
    assert.equal(doc.error?.kind, 'verify');
    const b = await probe(peer, ['--brief', '--servername', 'localhost', '--cafile', pki.root, target]);
    assert.equal(b.code, 3);
    assert.match(b.stderr, /^Verification error: self-signed certificate$/m);
    assert.match(b.stderr, /^verify error:num=18:self-signed certificate$/m);
  });
});

describe('CONNECTED(00000000) only once TCP is connected', () => {
  it('not before a refused connect or a DNS failure; first line of a working run', async () => {
    const closed = createNetServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const addr = closed.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    await closeServer(closed);
    const refused = await probe(null, [`127.0.0.1:${port}`]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /ECONNREFUSED/);
    assert.doesNotMatch(refused.stdout, /CONNECTED/);
    const dns = await probe(null, ['no-such-host.invalid:443']);
    assert.equal(dns.code, 1);
    assert.match(dns.stderr, /^tls-probe: cannot resolve host no-such-host\.invalid/m);
    assert.doesNotMatch(dns.stdout, /CONNECTED/);

    const srv = await tlsServer('127.0.0.1', pki.leaf('p256'));
    try {
      const ok = await probe(null, ['--cafile', pki.root, `127.0.0.1:${srv.port}`]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(ok.stdout.split('\n')[0], 'CONNECTED(00000000)');
    } finally {
      await closeServer(srv.server);
    }
  });
});

describe('--timeout bounds a stalled handshake', () => {
  it('a server that accepts and never answers is given up on after --timeout, not --connect-timeout', async () => {
    const held: Socket[] = [];
    const silent = createNetServer((s) => {
      held.push(s);
      s.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const addr = silent.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    try {
      const r = await probe(null, ['--timeout', '500', '--connect-timeout', '600000', `127.0.0.1:${port}`]);
      assert.equal(r.code, 1);
      assert.equal(r.timedOut, false);
      assert.match(r.stderr, /^tls-probe: handshake timed out for 500 ms \(--timeout\)$/m);
      assert.match(r.stdout, /^CONNECTED\(00000000\)$/m);
      assert.ok(held.length === 1, 'the server saw the connection');
    } finally {
      for (const s of held) s.destroy();
      await closeServer(silent);
    }
  });
});

describe('internationalized host names go into SNI as A-labels', () => {
  it('--servername bücher.example: SNI xn--bcher-kva.example, verified against a certificate for it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tls-probe-idn-'));
    const key = join(dir, 'idn.key');
    const csr = join(dir, 'idn.csr');
    const cert = join(dir, 'idn.pem');
    const ext = join(dir, 'ext.cnf');
    writeFileSync(ext, 'subjectAltName=DNS:xn--bcher-kva.example\nextendedKeyUsage=serverAuth\n');
    const openssl = requireBinary('openssl', 'openssl');
    execFileSync(openssl, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key]);
    execFileSync(openssl, ['req', '-new', '-key', key, '-subj', '/CN=xn--bcher-kva.example', '-out', csr]);
    execFileSync(openssl, [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      pki.root,
      '-CAkey',
      pki.rootKey,
      '-set_serial',
      String(Date.now()),
      '-days',
      '30',
      '-extfile',
      ext,
      '-out',
      cert,
    ]);
    const srv = await tlsServer('127.0.0.1', { cert, key });
    try {
      const r = await probe(null, [
        '--servername',
        'b\u00fccher.example',
        '--cafile',
        pki.root,
        `127.0.0.1:${srv.port}`,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(srv.sni, ['xn--bcher-kva.example']);
      assert.match(r.stdout, /^Verify return code: 0 \(ok\)$/m);
    } finally {
      await closeServer(srv.server);
    }
  });
});

/**
 * Runs tls-probe in a private mount namespace whose /etc/hosts gives dual.test both 127.0.0.1 and
 * ::1, so a name has two address families without touching the machine's own resolver.
 */
function probeDualStack(args: string[]): ReturnType<typeof converse> {
  const dir = mkdtempSync(join(tmpdir(), 'tls-probe-hosts-'));
  const hosts = join(dir, 'hosts');
  writeFileSync(hosts, '127.0.0.1 dual.test\n::1 dual.test\n');
  return converse('unshare', [
    '-m',
    'sh',
    '-c',
    'mount --bind "$0" /etc/hosts && exec "$@"',
    hosts,
    process.execPath,
    CLI,
    ...args,
  ]);
}

describe('-4 / -6 restrict the address family', () => {
  it('the other family is never tried, even when it would have worked', async () => {
    const v6 = await tlsServer('::1', pki.leaf('p256'));
    // The same port on 127.0.0.1 is a plain listener that counts what reaches it.
    let v4hits = 0;
    const v4 = createNetServer((s) => {
      v4hits++;
      s.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      v4.once('error', reject);
      v4.listen(v6.port, '127.0.0.1', resolve);
    });
    try {
      const common = ['--servername', 'localhost', '--cafile', pki.root, `dual.test:${v6.port}`];
      const six = await probeDualStack(['-6', ...common]);
      assert.equal(six.code, 0, six.stderr);
      assert.equal(v4hits, 0, '-6 never touched 127.0.0.1');
      assert.equal(v6.connections(), 1);

      await closeServer(v4);
      const four = await probeDualStack(['-4', ...common]);
      assert.equal(four.code, 1);
      assert.match(four.stderr, /^tls-probe: connect to 127\.0\.0\.1:\d+ failed: ECONNREFUSED/m);
      assert.equal(v6.connections(), 1, '-4 never tried ::1, which was listening');
    } finally {
      v4.close();
      await closeServer(v6.server);
    }
  });
});

describe('--proxy: HTTP CONNECT', () => {
  let peer: Peer;
  before(async () => {
    peer = await startOpenSslServer({ ...pki.leaf('p256'), args: ['-tls1_3', '-rev'] });
  });
  after(() => peer.stop());

  it('CONNECT host:port HTTP/1.1 with a Host header, then TLS through the tunnel', async () => {
    const proxy = await startConnectProxy();
    try {
      const target = `${peer.host}:${peer.port}`;
      const r = await probe(
        null,
        ['-proxy', `127.0.0.1:${proxy.port}`, '--servername', 'localhost', '--cafile', pki.root, target],
        {
          send: 'tunnel\n',
          waitFor: /lennut/,
        },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Verify return code: 0 \(ok\)$/m);
      assert.match(r.stdout, /lennut/);
      assert.equal(proxy.requests.length, 1);
      assert.equal(proxy.requests[0]?.requestLine, `CONNECT ${target} HTTP/1.1`);
      assert.equal(proxy.requests[0]?.headers['host'], target);
      assert.equal(proxy.requests[0]?.headers['proxy-authorization'], undefined);
      // s_client 3.0 through the same proxy (it sends HTTP/1.0 and no Host header).
      const s = await runClient(peer, [
        'openssl',
        's_client',
        '-proxy',
        `127.0.0.1:${proxy.port}`,
        '-connect',
        target,
        '-CAfile',
        pki.root,
      ]);
      assert.match(s.stdout, /^Verify return code: 0 \(ok\)$/m);
      assert.equal(proxy.requests[1]?.requestLine, `CONNECT ${target} HTTP/1.0`);
    } finally {
      await proxy.close();
    }
  });

  it('Basic credentials; a 407 without them is exit 1 with one line quoting the status line', async () => {
    const proxy = await startConnectProxy({ basic: 'alice:s3cret pw' });
    try {
      const target = `${peer.host}:${peer.port}`;
      const base = ['--proxy', `127.0.0.1:${proxy.port}`, '--servername', 'localhost', '--cafile', pki.root];
      const no = await probe(null, [...base, target]);
      assert.equal(no.code, 1);
      assert.equal(
        no.stderr,
        `tls-probe: proxy 127.0.0.1:${proxy.port} refused CONNECT ${target}: "HTTP/1.1 407 Proxy Authentication Required"\n`,
      );
      assert.doesNotMatch(no.stdout, /Certificate chain/);
      const yes = await probe(null, [...base, '--proxy-user', 'alice', '--proxy-pass', 'pass:s3cret pw', target]);
      assert.equal(yes.code, 0, yes.stderr);
      assert.equal(
        proxy.requests[1]?.headers['proxy-authorization'],
        `Basic ${Buffer.from('alice:s3cret pw').toString('base64')}`,
      );
      const json = await probe(null, ['--json', ...base, target]);
      assert.equal(jsonOf(json).error?.kind, 'proxy');
    } finally {
      await proxy.close();
    }
  });

  it('an IPv6 target goes in brackets: CONNECT [::1]:port (openssl#19891)', async () => {
    const v6 = await tlsServer('::1', pki.leaf('p256'));
    const proxy = await startConnectProxy();
    try {
      const r = await probe(null, [
        '--proxy',
        `127.0.0.1:${proxy.port}`,
        '--servername',
        'localhost',
        '--cafile',
        pki.root,
        `[::1]:${v6.port}`,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(proxy.requests[0]?.requestLine, `CONNECT [::1]:${v6.port} HTTP/1.1`);
      assert.equal(proxy.requests[0]?.headers['host'], `[::1]:${v6.port}`);
      assert.deepEqual(v6.sni, ['localhost']);
    } finally {
      await proxy.close();
      await closeServer(v6.server);
    }
  });

  it('a 403 refusal and a proxy that is not listening', async () => {
    const proxy = await startConnectProxy({ refuse: '403 Forbidden' });
    try {
      const r = await probe(null, ['--proxy', `127.0.0.1:${proxy.port}`, 'example.test:443']);
      assert.equal(r.code, 1);
      assert.equal(
        r.stderr,
        `tls-probe: proxy 127.0.0.1:${proxy.port} refused CONNECT example.test:443: "HTTP/1.1 403 Forbidden"\n`,
      );
    } finally {
      await proxy.close();
    }
    const gone = await probe(null, ['--proxy', `127.0.0.1:${proxy.port}`, 'example.test:443']);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /^tls-probe: connect to 127\.0\.0\.1:\d+ failed: ECONNREFUSED/);
    assert.doesNotMatch(gone.stdout, /CONNECTED/);
  });
});
