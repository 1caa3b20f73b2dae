/**
 * The web-PKI profile, --x509-strict and CRLs through the CLI against a real `openssl s_server`
 * (issue 17): the server serves the chain, tls-probe verifies it.
 *  - CRLs made by `openssl ca -gencrl` (v1 CRLs, OpenSSL's encoding) for the test PKI: --crl PEM and
 *    DER, --crl-check (23 revoked) and --crl-check-all (3 without the root's CRL, 12 expired CRL);
 *  - chains minted by test/helpers/certgen.ts: a pedantic violation is a `verify warning:` line and
 *    a JSON verify.warnings entry by default, exit 3 with its rule under --x509-strict; a leaf that is
 *    a CA is rejected by default (37); an alternate path is found when the first one fails;
 *  - usage errors (exit 2, nothing sent): --crl-check without --crl, a delta CRL, a non-CRL file.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { derTlv, Tag } from '../../src/tls/codec/der.js';
import { connectionOf, jsonOf, probe, type CliResult } from '../helpers/cli.js';
import { ensurePki, type Pki } from '../helpers/pki.js';
import { startOpenSslServer, type Peer } from '../helpers/peers.js';
import {
  CN,
  O,
  caExts,
  ext,
  leafExts,
  mint,
  mintCrl,
  mkCa,
  mkLeaf,
  mkRoot,
  name,
  p256,
  pem,
  withExt,
  type Node,
} from '../helpers/certgen.js';

const T = { timeoutMs: 20_000 };
let pki: Pki;
let dir: string;
const peers: Peer[] = [];

const show = (r: CliResult): string => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
const lines = (s: string): string[] => s.split('\n').filter((l) => l.trim() !== '');

/** A CRL from `openssl ca -gencrl` for `ca`, revoking `revoked` (PEM files); extra args for dates. */
function opensslCrl(file: string, ca: string, key: string, revoked: string[], extra: string[] = []): string {
  const db = mkdtempSync(join(dir, 'ca-'));
  const index = revoked.map((c) => {
    const serial = execFileSync('openssl', ['x509', '-in', c, '-noout', '-serial'], { encoding: 'utf8' })
      .trim()
      .split('=')[1];
    return `R\t991231235959Z\t240101000000Z\t${serial}\tunknown\t/CN=revoked\n`;
  });
  writeFileSync(join(db, 'index.txt'), index.join(''));
  writeFileSync(
    join(db, 'ca.cnf'),
    `[ca]\ndefault_ca = d\n[d]\ndatabase = ${join(db, 'index.txt')}\ndefault_md = sha256\ndefault_crl_days = 3650\n`,
  );
  const out = join(dir, file);
  execFileSync(
    'openssl',
    ['ca', '-config', join(db, 'ca.cnf'), '-gencrl', '-cert', ca, '-keyfile', key, '-out', out, ...extra],
    { env: { ...process.env, OPENSSL_CONF: '/dev/null' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return out;
}

let served = 0;
/** Serves `leaf` with `chain` (DER) from s_server; the key is written as PKCS#8 PEM. */
async function serve(leaf: Node, chain: Uint8Array[]): Promise<Peer> {
  const base = join(dir, `srv-${++served}`);
  writeFileSync(`${base}.pem`, pem(leaf.der));
  writeFileSync(`${base}.key`, leaf.key.priv.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(`${base}.chain.pem`, [leaf.der, ...chain].map((d) => pem(d)).join(''));
  const peer = await startOpenSslServer({
    cert: `${base}.pem`,
    key: `${base}.key`,
    chain: `${base}.chain.pem`,
    args: ['-www'],
  });
  peers.push(peer);
  return peer;
}

let icaCrl: string;
let rootCrlDer: string;
let expiredCrl: string;
let revokedPeer: Peer;
let goodPeer: Peer;

before(async () => {
  pki = await ensurePki();
  dir = mkdtempSync(join(tmpdir(), 'tls-probe-webpki-'));
  icaCrl = opensslCrl('ica.crl.pem', pki.ica, pki.icaKey, [pki.leaf('revoked').cert]);
  const rootPem = opensslCrl('root.crl.pem', pki.root, pki.rootKey, []);
  rootCrlDer = join(dir, 'root.crl.der');
  execFileSync('openssl', ['crl', '-in', rootPem, '-outform', 'DER', '-out', rootCrlDer]);
  expiredCrl = opensslCrl(
    'expired.crl.pem',
    pki.ica,
    pki.icaKey,
    [],
    ['-crl_lastupdate', '20200101000000Z', '-crl_nextupdate', '20210101000000Z'],
  );
  const serveLeaf = (l: 'revoked' | 'p256'): Promise<Peer> =>
    startOpenSslServer({ cert: pki.leaf(l).cert, key: pki.leaf(l).key, chain: pki.leaf(l).chain, args: ['-www'] });
  revokedPeer = await serveLeaf('revoked');
  goodPeer = await serveLeaf('p256');
  peers.push(revokedPeer, goodPeer);
});
after(async () => {
  await Promise.all(peers.map((p) => p.stop()));
  rmSync(dir, { recursive: true, force: true });
});

const target = (p: Peer): string[] => [`127.0.0.1:${p.port}`, '--servername', 'localhost'];

/** Exit 3; as s_client (issue 18 item 1) stderr has `verify error:num=<code>:...`, then one tls-probe line. */
function assertRejected(r: CliResult, code: number, reason: RegExp): void {
  assert.equal(r.code, 3, show(r));
  const err = lines(r.stderr);
  assert.equal(err.length, 2, show(r));
  assert.match(err[0] ?? '', new RegExp(`^verify error:num=${code}:`), show(r));
  assert.match(err[1] ?? '', reason, show(r));
  assert.match(err[1] ?? '', new RegExp(`\\bX509_V_ERR ${code}\\b`), show(r));
}

describe('CRLs made by openssl ca, checked against s_server chains', { concurrency: 4 }, () => {
  test('--crl-check: the revoked leaf is 23 (exit 3), --json code 23, --insecure continues', async () => {
    const args = [...target(revokedPeer), '--cafile', pki.root, '--crl', icaCrl, '--crl-check'];
    const [r, j, i] = await Promise.all([
      probe(revokedPeer, args, T),
      probe(revokedPeer, [...args, '--json'], T),
      probe(revokedPeer, [...args, '--insecure'], T),
    ]);
    assertRejected(r, 23, /certificate revoked/);
    assert.deepEqual(
      { code: connectionOf(j).verify.code, message: connectionOf(j).verify.message },
      { code: 23, message: 'certificate revoked' },
    );
    assert.equal(i.code, 0, show(i));
    assert.match(i.stdout, /^Verify return code: 23 \(certificate revoked\)$/m, show(i));
  });

  test('--crl-check: a leaf the CRL does not list verifies; without --crl-check the CRL is not used', async () => {
    const [ok, unchecked] = await Promise.all([
      probe(goodPeer, [...target(goodPeer), '--cafile', pki.root, '--crl', icaCrl, '--crl-check'], T),
      probe(revokedPeer, [...target(revokedPeer), '--cafile', pki.root, '--crl', icaCrl], T),
    ]);
    for (const r of [ok, unchecked]) {
      assert.equal(r.code, 0, show(r));
      assert.match(r.stdout, /^Verify return code: 0 \(ok\)$/m, show(r));
    }
  });

  test('--crl-check-all: 3 at depth 1 without the root CRL; ok with it (a DER file)', async () => {
    const base = [...target(goodPeer), '--cafile', pki.root, '--crl', icaCrl, '--crl-check-all'];
    const [missing, both] = await Promise.all([
      probe(goodPeer, base, T),
      probe(goodPeer, [...base, '--crl', rootCrlDer], T),
    ]);
    assertRejected(missing, 3, /unable to get certificate CRL.*depth 1/);
    assert.equal(both.code, 0, show(both));
  });

  test('an expired CRL is 12', async () => {
    const r = await probe(goodPeer, [...target(goodPeer), '--cafile', pki.root, '--crl', expiredCrl, '--crl-check'], T);
    assertRejected(r, 12, /CRL has expired/);
  });

  test('usage errors exit 2 before connecting: no --crl, a delta CRL, a file that is no CRL, a missing file', async () => {
    const root = mkRoot('Delta Root');
    const delta = join(dir, 'delta.crl.pem');
    const deltaExt = ext.raw('2.5.29.27', derTlv(Tag.INTEGER, Uint8Array.of(1)), true);
    writeFileSync(delta, pem(mintCrl({ issuer: root.name, signer: root.key, extensions: [deltaExt] }), 'X509 CRL'));
    const cases: Array<[string[], RegExp]> = [
      [['--crl-check'], /--crl-check needs --crl <file>/],
      [['--crl-check-all'], /--crl-check-all needs --crl <file>/],
      [['--crl', delta, '--crl-check'], /delta CRLs are not supported/],
      [['--crl', pki.root, '--crl-check'], /no "X509 CRL" PEM block/],
      [['--crl', join(dir, 'nope.crl'), '--crl-check'], /cannot read --crl .*ENOENT/],
    ];
    const rs = await Promise.all(cases.map(([a]) => probe(null, ['127.0.0.1:9', ...a], T)));
    rs.forEach((r, n) => {
      assert.equal(r.code, 2, show(r));
      assert.match(r.stderr, cases[n]?.[1] ?? /x/, show(r));
      assert.doesNotMatch(r.stdout, /CONNECTED/, show(r));
    });
  });
});

describe('the web-PKI profile with minted chains served by s_server', { concurrency: 4 }, () => {
  const root = mkRoot('Interop Root');
  const ica = mkCa('Interop ICA', root);
  let rootFile: string;
  before(() => {
    rootFile = join(dir, 'interop-root.pem');
    writeFileSync(rootFile, pem(root.der));
  });

  test('CN not among the SANs: a verify warning by default; --x509-strict fails with the rule (exit 3)', async () => {
    const key = p256();
    const leaf = mkLeaf(ica, { key, subject: name([O, 'x'], [CN, 'other.test']), extensions: leafExts(key, ica.key) });
    const peer = await serve(leaf, [ica.der]);
    const args = [...target(peer), '--cafile', rootFile];
    const [lax, json, strict, strictInsecure, strictJson] = await Promise.all([
      probe(peer, args, T),
      probe(peer, [...args, '--json'], T),
      probe(peer, [...args, '--x509-strict'], T),
      probe(peer, [...args, '--x509-strict', '--insecure'], T),
      probe(peer, [...args, '--x509-strict', '--json'], T),
    ]);
    const sv = connectionOf(strictJson).verify;
    assert.deepEqual(
      { ok: sv.ok, code: sv.code, rule: sv.rule, error: jsonOf(strictJson).error?.kind },
      { ok: false, code: 1, rule: 'subject CN is not one of the SAN values (BR 7.1.4.3)', error: 'verify' },
    );
    assert.equal(lax.code, 0, show(lax));
    assert.match(lax.stdout, /^Verification: OK$/m, show(lax));
    assert.match(lax.stdout, /^verify warning: depth=0 subject CN is not one of the SAN values \(BR 7\.1\.4\.3\)$/m);
    assert.equal(json.code, 0, show(json));
    assert.deepEqual(connectionOf(json).verify.warnings, [
      { depth: 0, code: 1, rule: 'subject CN is not one of the SAN values', section: 'BR 7.1.4.3' },
    ]);
    assertRejected(strict, 1, /subject CN is not one of the SAN values \(BR 7\.1\.4\.3\)/);
    assert.equal(strictInsecure.code, 0, show(strictInsecure));
    assert.match(strictInsecure.stdout, /^Verify return code: 1 \(unspecified certificate verification error\)$/m);
  });

  test('a leaf with basicConstraints CA:TRUE is rejected by default (37)', async () => {
    const key = p256();
    const leaf = mkLeaf(ica, { key, extensions: withExt(leafExts(key, ica.key), ext.basicConstraints(true)) });
    const peer = await serve(leaf, [ica.der]);
    assertRejected(
      await probe(peer, [...target(peer), '--cafile', rootFile], T),
      37,
      /invalid non-CA certificate.*CA:TRUE.*RFC 5280 §4\.2\.1\.9/,
    );
  });

  test('the server sends an intermediate reissued under an untrusted root first: the alternate path verifies', async () => {
    const stranger = mkRoot('Interop Stranger');
    const viaStranger = mint({
      subject: ica.name,
      issuer: stranger.name,
      key: ica.key,
      signer: stranger.key,
      extensions: caExts(ica.key, stranger.key),
    });
    const leaf = mkLeaf(ica);
    const peer = await serve(leaf, [viaStranger, stranger.der, ica.der]);
    const r = await probe(peer, [...target(peer), '--cafile', rootFile], T);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^Verify return code: 0 \(ok\)$/m, show(r));
  });
});
