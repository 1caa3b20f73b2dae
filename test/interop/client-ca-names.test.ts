/**
 * The CA names of a server's CertificateRequest (RFC 5246 §7.4.4 certificate_authorities; RFC 8446
 * §4.2.4, the certificate_authorities extension), as s_client prints them under "Acceptable client
 * certificate CA names": against openssl s_server 3.0 -verify 1 -CAfile (it lists the file's
 * subjects) at TLS 1.3 and 1.2, with `openssl s_client` against the same server as the oracle, the
 * --json key clientCaNames, and a request without names ("No client certificate CA names sent").
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensurePki, type Pki } from '../helpers/pki.js';
import { runClient, startOpenSslServer, type Peer } from '../helpers/peers.js';
import { connectionOf, probe, targetOf } from '../helpers/cli.js';

let pki: Pki;
let withNames: Peer | undefined;
let noNames: Peer | undefined;

before(async () => {
  pki = await ensurePki();
  // -verify 1 asks for a certificate without requiring one; -CAfile's subjects are the CA list.
  withNames = await startOpenSslServer({ ...pki.leaf('p256'), args: ['-verify', '1', '-CAfile', pki.root] });
  // -verify without -CAfile: a CertificateRequest with an empty certificate_authorities list.
  noNames = await startOpenSslServer({ ...pki.leaf('p256'), args: ['-verify', '1'] });
});

after(async () => {
  await Promise.all([withNames?.stop(), noNames?.stop()]);
});

/** The lines of s_client's (or our) "Acceptable client certificate CA names" block, or the no-names line. */
function caBlock(report: string): string[] {
  const lines = report.split('\n');
  const at = lines.findIndex((l) => /client certificate CA names/.test(l));
  assert.ok(at >= 0, report);
  const out = [lines[at] ?? ''];
  for (const l of lines.slice(at + 1)) {
    if (!/^[A-Za-z]+ = /.test(l)) break;
    out.push(l);
  }
  return out;
}

async function sClientReport(p: Peer | undefined, version: string): Promise<string> {
  assert.ok(p);
  return (await runClient(p, ['openssl', 's_client', '-connect', targetOf(p), version], { input: '' })).stdout;
}

async function sClientBlock(p: Peer | undefined, version: string): Promise<string[]> {
  return caBlock(await sClientReport(p, version));
}

/** The report's line that starts with `label` (ssl_print_sigalgs), or undefined. */
function lineOf(report: string, label: string): string | undefined {
  return report.split('\n').find((l) => l.startsWith(label));
}

describe('CertificateRequest CA names against openssl s_server -verify 1', () => {
  for (const version of ['-tls1_3', '-tls1_2']) {
    test(`${version}: the block equals s_client's, and --json lists the names`, async () => {
      const r = await probe(null, [targetOf(withNames), version, '-CAfile', pki.root, '-servername', 'localhost'], {
        send: '',
      });
      assert.equal(r.code, 0, r.stderr);
      const ours = caBlock(r.stdout);
      assert.deepEqual(ours, [
        'Acceptable client certificate CA names',
        'O = tls-probe test, CN = tls-probe Test Root',
      ]);
      assert.deepEqual(ours, await sClientBlock(withNames, version));
      // ssl_print_sigalgs' lines: the certificate types (TLS 1.2) and the server's list, as s_client
      // prints them; the shared list is the server's cut to what we sign with, in its order.
      const theirs = await sClientReport(withNames, version);
      for (const label of ['Client Certificate Types:', 'Requested Signature Algorithms:'])
        assert.equal(lineOf(r.stdout, label), lineOf(theirs, label), label);
      if (version === '-tls1_2') assert.ok(lineOf(r.stdout, 'Client Certificate Types:'));
      const requested = (lineOf(r.stdout, 'Requested Signature Algorithms: ') ?? '').split(': ')[1]?.split(':') ?? [];
      const shared =
        (lineOf(r.stdout, 'Shared Requested Signature Algorithms: ') ?? '').split(': ')[1]?.split(':') ?? [];
      assert.ok(shared.includes('ECDSA+SHA256') && shared.includes('RSA-PSS+SHA256'), r.stdout);
      assert.ok(
        !shared.includes('ed448') && requested.includes('ed448'),
        'ed448 is requested, and we cannot sign with it',
      );
      assert.deepEqual(
        shared,
        requested.filter((n) => shared.includes(n)),
        "in the server's order",
      );
      const j = await probe(
        null,
        [targetOf(withNames), version, '-CAfile', pki.root, '-servername', 'localhost', '--json'],
        {
          send: '',
        },
      );
      const c = connectionOf(j);
      assert.equal(c.clientCertRequested, true);
      assert.deepEqual(c.clientCaNames, ['O = tls-probe test, CN = tls-probe Test Root']);
    });
  }

  test('a request without names: "No client certificate CA names sent", as s_client', async () => {
    const r = await probe(null, [targetOf(noNames), '-CAfile', pki.root, '-servername', 'localhost'], { send: '' });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(caBlock(r.stdout), ['No client certificate CA names sent']);
    assert.deepEqual(await sClientBlock(noNames, '-tls1_3'), ['No client certificate CA names sent']);
  });
});
