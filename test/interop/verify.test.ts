/**
 * Certificate verification through the CLI against `openssl s_server` (issue: TLS 1.3 client core):
 * every negative case of shared/spec/peers.md's table, with OpenSSL's X509_V_ERR codes. For each:
 *  - default: exit 3 and exactly one stderr line naming the reason and the code;
 *  - --json: `error.kind` "verify" and the connection's `verify: {ok: false, code, message}`;
 *  - --insecure: exit 0 and the report's `Verification error:` / `Verify return code:` lines.
 * Plus the positive cases (wildcard, IP target), --capath, the default trust store and
 * --verify-return-error. One s_server (-www, so it serves connection after connection) per leaf,
 * shared by every client that needs that leaf.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ensurePki, type LeafName, type Pki } from '../helpers/pki.js';
import { startOpenSslServer, requireBinary, type Peer } from '../helpers/peers.js';
import { launch } from '../helpers/peer-process.js';
import { probe, jsonOf, type CliResult, connectionOf, errorOf } from '../helpers/cli.js';

const CLIENT_TIMEOUT_MS = 20_000;

let pki: Pki;
before(async () => {
  pki = await ensurePki();
});

/** Servers by leaf (and whether the intermediate is sent), started on first use, stopped at the end. */
const servers = new Map<string, Promise<Peer>>();
function serverFor(leaf: LeafName, withChain = true): Promise<Peer> {
  const key = `${leaf}/${withChain}`;
  let p = servers.get(key);
  if (!p) {
    const l = pki.leaf(leaf);
    // SECLEVEL=0 so s_server agrees to serve the RSA-1024 and SHA-1 leaves at all.
    p = startOpenSslServer({
      cert: l.cert,
      key: l.key,
      ...(withChain ? { chain: l.chain } : {}),
      args: ['-www', '-cipher', 'DEFAULT:@SECLEVEL=0'],
    });
    servers.set(key, p);
  }
  return p;
}
after(async () => {
  const all = await Promise.allSettled(servers.values());
  await Promise.all(all.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
});

function show(r: CliResult): string {
  return `exit ${r.code}${r.timedOut ? ' (timed out)' : ''}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const stderrLines = (r: CliResult): string[] => r.stderr.split('\n').filter((l) => l.trim() !== '');

interface NegativeCase {
  name: string;
  leaf: LeafName;
  /** Send the intermediate (default true). */
  chain?: boolean;
  /** --servername; null: none (the IP target is verified). */
  servername?: string | null;
  code: number;
  reason: string;
}

const NEGATIVE: NegativeCase[] = [
  { name: 'expired (2020-2021)', leaf: 'expired', code: 10, reason: 'certificate has expired' },
  { name: 'not yet valid (2099-)', leaf: 'notyet', code: 9, reason: 'certificate is not yet valid' },
  { name: 'SAN wrong.host.test', leaf: 'wronghost', code: 62, reason: 'hostname mismatch' },
  { name: 'self-signed leaf', leaf: 'selfsigned', code: 18, reason: 'self-signed certificate' },
  {
    name: 'chain to an untrusted root',
    leaf: 'untrusted',
    code: 19,
    reason: 'self-signed certificate in certificate chain',
  },
  {
    name: 'leaf only, intermediate missing',
    leaf: 'p256',
    chain: false,
    code: 20,
    reason: 'unable to get local issuer certificate',
  },
  {
    name: 'nameConstraints violation (permitted .allowed.test)',
    leaf: 'nameconstraints',
    code: 47,
    reason: 'permitted subtree violation',
  },
  {
    name: 'wildcard *.wild.test vs a.b.wild.test',
    leaf: 'wildcard',
    servername: 'a.b.wild.test',
    code: 62,
    reason: 'hostname mismatch',
  },
  {
    name: 'wildcard *.wild.test vs wild.test',
    leaf: 'wildcard',
    servername: 'wild.test',
    code: 62,
    reason: 'hostname mismatch',
  },
  // src/tls/x509/hostname.ts: CN-only certificates are rejected (62) like Go and browsers, unlike
  // OpenSSL 3.0's CN fallback.
  { name: 'CN only, no SAN (policy: rejected)', leaf: 'cnonly', code: 62, reason: 'hostname mismatch' },
  { name: 'SHA-1 signed leaf', leaf: 'sha1', code: 68, reason: 'CA signature digest algorithm too weak' },
  { name: 'RSA-1024 leaf', leaf: 'rsa1024', code: 66, reason: 'EE certificate key too weak' },
];

function clientArgs(peer: Peer, c: Pick<NegativeCase, 'servername'>, host = '127.0.0.1'): string[] {
  const sni = c.servername === undefined ? 'localhost' : c.servername;
  return [`${host}:${peer.port}`, ...(sni === null ? [] : ['--servername', sni]), '--cafile', pki.root];
}

/** exit 3, stdout without a report, one stderr line naming the reason and the code. */
function assertRejected(r: CliResult, code: number, reason: string): void {
  assert.equal(r.timedOut, false, show(r));
  assert.equal(r.code, 3, show(r));
  const lines = stderrLines(r);
  assert.equal(lines.length, 1, `exactly one stderr line:\n${show(r)}`);
  assert.match(lines[0]!, new RegExp(`^tls-probe: .*${escape(reason)}.*\\bX509_V_ERR ${code}\\b`), show(r));
  assert.doesNotMatch(r.stdout, /^Verify return code: 0/m, show(r));
}

/** The --json document of a rejected connection. */
function assertJsonRejected(r: CliResult, code: number, reason: string): void {
  assert.equal(r.code, 3, show(r));
  const j = jsonOf(r);
  assert.equal(j.error?.kind, 'verify', show(r));
  assert.match(errorOf(j).message, new RegExp(`${escape(reason)}.*\\bX509_V_ERR ${code}\\b`));
  assert.equal(stderrLines(r).length, 1, show(r));
  // spec/cli.md: the verification result is the connection's "verify" object.
  const c = connectionOf(j);
  assert.ok(c, `--json of a verification failure has no connection, so no "verify" object:\n${r.stdout}`);
  assert.deepEqual(
    { ok: c.verify.ok, code: c.verify.code, message: c.verify.message },
    { ok: false, code, message: reason },
  );
}

/** --insecure: exit 0, the failure reported in the s_client-style lines and one warning. */
function assertInsecure(r: CliResult, code: number, reason: string): void {
  assert.equal(r.timedOut, false, show(r));
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, new RegExp(`^Verification error: ${escape(reason)}$`, 'm'), show(r));
  assert.match(r.stdout, new RegExp(`^Verify return code: ${code} \\(${escape(reason)}\\)$`, 'm'), show(r));
  assert.doesNotMatch(r.stdout, /^Verification: OK$/m, show(r));
  assert.match(r.stdout, /^New, TLSv1\.3, Cipher is /m, show(r));
  assert.match(r.stderr, new RegExp(`^tls-probe: warning: .*${escape(reason)}.*\\b${code}\\b`, 'm'), show(r));
  assert.doesNotMatch(r.stderr, /without close_notify/, show(r));
}

/** A verified connection: exit 0, Verify return code 0. */
function assertAccepted(r: CliResult): void {
  assert.equal(r.timedOut, false, show(r));
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /^Verification: OK$/m, show(r));
  assert.match(r.stdout, /^Verify return code: 0 \(ok\)$/m, show(r));
  assert.doesNotMatch(r.stderr, /^tls-probe: /m, show(r));
}

describe('certificate verification vs openssl s_server', { concurrency: 4 }, () => {
  for (const c of NEGATIVE) {
    const label = `${c.name}: ${c.code}`;
    test(`${label}: exit 3, one stderr line with reason and X509_V_ERR code`, async () => {
      const peer = await serverFor(c.leaf, c.chain);
      assertRejected(await probe(peer, clientArgs(peer, c), { timeoutMs: CLIENT_TIMEOUT_MS }), c.code, c.reason);
    });
    test(`${label}: --json error.kind "verify" and verify {ok: false, code, message}`, async () => {
      const peer = await serverFor(c.leaf, c.chain);
      assertJsonRejected(
        await probe(peer, [...clientArgs(peer, c), '--json'], { timeoutMs: CLIENT_TIMEOUT_MS }),
        c.code,
        c.reason,
      );
    });
    test(`${label}: --insecure continues, exit 0, Verify return code: ${c.code}`, async () => {
      const peer = await serverFor(c.leaf, c.chain);
      assertInsecure(
        await probe(peer, [...clientArgs(peer, c), '--insecure'], { timeoutMs: CLIENT_TIMEOUT_MS }),
        c.code,
        c.reason,
      );
    });
  }

  test('wildcard *.wild.test matches a.wild.test: exit 0, verified (report and --json)', async () => {
    const peer = await serverFor('wildcard');
    const [r, rj] = await Promise.all([
      probe(peer, clientArgs(peer, { servername: 'a.wild.test' }), { timeoutMs: CLIENT_TIMEOUT_MS }),
      probe(peer, [...clientArgs(peer, { servername: 'a.wild.test' }), '--json'], { timeoutMs: CLIENT_TIMEOUT_MS }),
    ]);
    assertAccepted(r);
    assert.equal(rj.code, 0, show(rj));
    const j = jsonOf(rj);
    assert.equal(j.target.servername, 'a.wild.test');
    assert.deepEqual({ ok: connectionOf(j).verify.ok, code: connectionOf(j).verify.code }, { ok: true, code: 0 });
  });

  test('IP target 127.0.0.1 without --servername is verified against the IP SAN', async () => {
    const peer = await serverFor('p256');
    const [r, rj] = await Promise.all([
      probe(peer, clientArgs(peer, { servername: null }), { timeoutMs: CLIENT_TIMEOUT_MS }),
      probe(peer, [...clientArgs(peer, { servername: null }), '--json'], { timeoutMs: CLIENT_TIMEOUT_MS }),
    ]);
    assertAccepted(r);
    assert.equal(rj.code, 0, show(rj));
    const j = jsonOf(rj);
    assert.equal(j.target.servername, null, 'no SNI for an IP literal');
    assert.deepEqual({ ok: connectionOf(j).verify.ok, code: connectionOf(j).verify.code }, { ok: true, code: 0 });
  });

  describe("IP target 127.0.0.2 (not in the leaf's IP SAN 127.0.0.1): 64 IP address mismatch", () => {
    let peer: Peer;
    before(async () => {
      const l = pki.leaf('p256');
      peer = await launch({
        kind: 'openssl',
        command: requireBinary('openssl', 'openssl'),
        args: ['s_server', '-accept', '127.0.0.2:0', '-cert', l.cert, '-key', l.key, '-cert_chain', pki.ica, '-www'],
        ready: { output: /^ACCEPT 127\.0\.0\.2:(\d+)$/m },
        stdin: 'keep-open',
      });
    });
    after(() => peer?.stop());
    const c = { servername: null, code: 64, reason: 'IP address mismatch' };

    test('exit 3, one stderr line', async () => {
      assertRejected(
        await probe(peer, clientArgs(peer, c, '127.0.0.2'), { timeoutMs: CLIENT_TIMEOUT_MS }),
        c.code,
        c.reason,
      );
    });
    test('--json', async () => {
      assertJsonRejected(
        await probe(peer, [...clientArgs(peer, c, '127.0.0.2'), '--json'], { timeoutMs: CLIENT_TIMEOUT_MS }),
        c.code,
        c.reason,
      );
    });
    test('--insecure', async () => {
      assertInsecure(
        await probe(peer, [...clientArgs(peer, c, '127.0.0.2'), '--insecure'], { timeoutMs: CLIENT_TIMEOUT_MS }),
        c.code,
        c.reason,
      );
    });
  });

  test('--capath with the rehashed root directory verifies the chain', async () => {
    const peer = await serverFor('p256');
    const r = await probe(peer, [`127.0.0.1:${peer.port}`, '--servername', 'localhost', '--capath', pki.certsDir], {
      timeoutMs: CLIENT_TIMEOUT_MS,
    });
    assertAccepted(r);
  });

  test('default trust store (no --cafile) rejects the test root: exit 3, code 20', async () => {
    const peer = await serverFor('p256');
    const r = await probe(peer, [`127.0.0.1:${peer.port}`, '--servername', 'localhost'], {
      timeoutMs: CLIENT_TIMEOUT_MS,
    });
    assertRejected(r, 20, 'unable to get local issuer certificate');
  });

  test('--verify-return-error is accepted: exit 0 when verified, exit 3 when not', async () => {
    const good = await serverFor('p256');
    const bad = await serverFor('expired');
    const [ok, ko] = await Promise.all([
      probe(good, [...clientArgs(good, {}), '--verify-return-error'], { timeoutMs: CLIENT_TIMEOUT_MS }),
      probe(bad, [...clientArgs(bad, {}), '--verify-return-error'], { timeoutMs: CLIENT_TIMEOUT_MS }),
    ]);
    assertAccepted(ok);
    assertRejected(ko, 10, 'certificate has expired');
  });
});
