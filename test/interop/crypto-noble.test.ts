/**
 * `--crypto noble` (@noble/* for the key exchange, AEADs, HKDF, ECDSA and Ed25519; RSA stays on
 * node:crypto) against `openssl s_server -tls1_3 -rev` (issue: TLS 1.3 client core): every TLS 1.3
 * suite, every classic group (x25519, P-256, P-384) and an ECDSA, an Ed25519 and an RSA leaf, each
 * with a data round trip and a clean close. The nine cases form a Latin square, so each leaf meets
 * each suite and each group once; one server per leaf. Plus the X25519MLKEM768 hybrid (built from
 * noble's ML-KEM-768 and X25519, not its X-Wing) against Node 24.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ensurePki, type LeafName, type Pki } from '../helpers/pki.js';
import { startNodeServer, startOpenSslServer, type Peer } from '../helpers/peers.js';
import { probe, type CliResult, connectionOf } from '../helpers/cli.js';

const CLIENT_TIMEOUT_MS = 20_000;

let pki: Pki;
before(async () => {
  pki = await ensurePki();
});

function show(r: CliResult): string {
  return `exit ${r.code}${r.timedOut ? ' (timed out)' : ''}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

const SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'] as const;
/** Our --groups name, and the s_client-style Server Temp Key text OpenSSL prints for it. */
const GROUPS = [
  ['x25519', 'X25519, 253 bits'],
  ['P-256', 'ECDH, prime256v1, 256 bits'],
  ['P-384', 'ECDH, secp384r1, 384 bits'],
] as const;
const LEAVES: [LeafName, string][] = [
  ['p256', 'ECDSA'],
  ['ed25519', 'Ed25519'],
  ['rsa2048', 'RSA-PSS'],
];

describe('--crypto noble vs openssl s_server', { concurrency: 3 }, () => {
  LEAVES.forEach(([leaf, sigType], li) => {
    describe(`${leaf} leaf (${sigType})`, () => {
      let peer: Peer;
      before(async () => {
        peer = await startOpenSslServer({ ...pki.leaf(leaf), args: ['-tls1_3', '-rev'] });
      });
      after(() => peer?.stop());

      SUITES.forEach((suite, si) => {
        const [group, tempKey] = GROUPS[(si + li) % GROUPS.length]!;
        test(`${suite} over ${group}: round trip, exit 0`, async () => {
          const line = `noble ${leaf} ${suite} ${group}`;
          const reversed = [...line].reverse().join('');
          const r = await probe(
            peer,
            [
              `127.0.0.1:${peer.port}`,
              '--servername',
              'localhost',
              '--cafile',
              pki.root,
              '--crypto',
              'noble',
              '--ciphersuites',
              suite,
              '--groups',
              group,
            ],
            {
              send: `${line}\n`,
              waitFor: new RegExp(reversed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
              timeoutMs: CLIENT_TIMEOUT_MS,
            },
          );
          assert.equal(r.timedOut, false, show(r));
          assert.equal(r.code, 0, show(r));
          assert.match(r.stdout, new RegExp(`^New, TLSv1\\.3, Cipher is ${suite}$`, 'm'), show(r));
          assert.match(r.stdout, new RegExp(`^Server Temp Key: ${tempKey}$`, 'm'), show(r));
          assert.match(r.stdout, new RegExp(`^Peer signature type: ${sigType}$`, 'm'), show(r));
          assert.match(r.stdout, /^Verify return code: 0 \(ok\)$/m, show(r));
          assert.ok(r.stdout.split('\n').includes(reversed), show(r));
          assert.doesNotMatch(r.stderr, /without close_notify|^tls-probe: /m, show(r));
        });
      });
    });
  });

  describe('X25519MLKEM768 against Node 24 (OpenSSL 3.5)', () => {
    let peer: Peer;
    before(async () => {
      peer = await startNodeServer({ ...pki.leaf('p256'), node: '24', ecdhCurve: 'X25519MLKEM768', mode: 'reverse' });
    });
    after(() => peer?.stop());

    test('hybrid share from noble: round trip, exit 0; --json group X25519MLKEM768', async () => {
      const args = [`127.0.0.1:${peer.port}`, '--servername', 'localhost', '--cafile', pki.root, '--crypto', 'noble'];
      const [r, rj] = await Promise.all([
        probe(peer, args, { send: 'noble hybrid\n', waitFor: /dirbyh elbon/, timeoutMs: CLIENT_TIMEOUT_MS }),
        probe(peer, [...args, '--json'], { timeoutMs: CLIENT_TIMEOUT_MS }),
      ]);
      assert.equal(r.code, 0, show(r));
      assert.match(r.stdout, /^Server Temp Key: X25519MLKEM768\b/m, show(r));
      assert.match(r.stdout, /^dirbyh elbon$/m, show(r));
      assert.doesNotMatch(r.stderr, /without close_notify|^tls-probe: /m, show(r));
      assert.equal(rj.code, 0, show(rj));
      const c = connectionOf(rj);
      assert.equal(c.group, 'X25519MLKEM768');
      assert.equal(c.handshake, 'full');
      assert.equal(c.verify.ok, true);
    });
  });
});
