/**
 * An RSA server certificate whose keyUsage forbids its use (keyEncipherment only, so it may not
 * sign an ECDHE ServerKeyExchange), served by openssl s_server 3.0, which does not check its own
 * certificate's keyUsage. By default the probe refuses it as BoringSSL does (unsupported_certificate,
 * RFC 5280 §4.2.1.3); `--insecure` lets it through in TLS 1.2 with a warning and the JSON flag, as
 * OpenSSL's s_client would connect; TLS 1.3 always checks.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePki } from '../helpers/pki.js';
import { requireBinary, startOpenSslServer, type Peer } from '../helpers/peers.js';
import { connectionOf, jsonOf, probe, targetOf } from '../helpers/cli.js';

let work: string;
let root: string;
let peer12: Peer | undefined;
let peer13: Peer | undefined;

/** A leaf under the test intermediate with keyUsage = keyEncipherment only. */
function encipherOnlyLeaf(ica: string, icaKey: string): { cert: string; key: string; chain: string } {
  const openssl = requireBinary('openssl', 'openssl');
  const key = join(work, 'kenc.key');
  const csr = join(work, 'kenc.csr');
  const cert = join(work, 'kenc.pem');
  const ext = join(work, 'kenc.ext');
  writeFileSync(
    ext,
    'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,keyEncipherment\n' +
      'extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n',
  );
  execFileSync(openssl, ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', key]);
  execFileSync(openssl, ['req', '-new', '-key', key, '-subj', '/O=tls-probe test/CN=localhost', '-out', csr]);
  execFileSync(openssl, [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ica,
    '-CAkey',
    icaKey,
    '-CAcreateserial',
    '-days',
    '30',
    '-extfile',
    ext,
    '-out',
    cert,
  ]);
  const chain = join(work, 'kenc.chain.pem');
  writeFileSync(chain, readFileSync(cert, 'utf8') + readFileSync(ica, 'utf8'));
  return { cert, key, chain };
}

before(async () => {
  const pki = await ensurePki();
  root = pki.root;
  work = mkdtempSync(join(tmpdir(), 'tls-probe-keyusage-'));
  const leaf = encipherOnlyLeaf(pki.ica, pki.icaKey);
  peer12 = await startOpenSslServer({ ...leaf, args: ['-tls1_2', '-cipher', 'ECDHE-RSA-AES128-GCM-SHA256'] });
  peer13 = await startOpenSslServer({ ...leaf, args: ['-tls1_3'] });
});

after(async () => {
  await Promise.all([peer12?.stop(), peer13?.stop()]);
  rmSync(work, { recursive: true, force: true });
});

describe('an RSA leaf whose keyUsage lacks digitalSignature, ECDHE key exchange', () => {
  test('TLS 1.2, default: unsupported_certificate, exit 1, one line', async () => {
    const r = await probe(null, [targetOf(peer12), '--servername', 'localhost', '--cafile', root], { send: '' });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /keyUsage lacks digitalSignature/);
    assert.equal(
      r.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('tls-probe:')).length,
      1,
      r.stderr,
    );
  });

  test('TLS 1.2 with --insecure: connects, warns, and --json says verify.keyUsageInvalid', async () => {
    const args = [targetOf(peer12), '--servername', 'localhost', '--cafile', root, '--insecure'];
    const text = await probe(null, args, { send: '' });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stderr, /keyUsage does not allow this key exchange; continuing \(--insecure\)/);
    const json = await probe(null, [...args, '--json'], { send: '' });
    assert.equal(json.code, 0, json.stderr);
    const c = connectionOf(jsonOf(json));
    assert.equal(c.verify.keyUsageInvalid, true);
    assert.equal(c.protocol, 'TLSv1.2');
  });

  test('TLS 1.3 with --insecure: still refused (keyUsage always counts in TLS 1.3)', async () => {
    const r = await probe(null, [targetOf(peer13), '--servername', 'localhost', '--cafile', root, '--insecure'], {
      send: '',
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /keyUsage lacks digitalSignature/);
  });
});
