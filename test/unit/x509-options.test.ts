/**
 * The certificate flags of issue 17 on the command line (src/cli/options-x509.ts): parsing,
 * validation (exit 2 before anything is sent) and --help, without a peer.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { helpText, parseArgs } from '../../src/cli/options.js';
import { UsageError } from '../../src/cli/errors.js';

describe('--x509-strict, --crl, --crl-check, --crl-check-all', () => {
  it('defaults: default profile, no CRLs, no CRL check', () => {
    const o = parseArgs(['example.test']);
    assert.deepEqual({ s: o.x509Strict, c: o.crl, k: o.crlCheck }, { s: false, c: [], k: 'none' });
  });
  it('--crl is repeatable and keeps its order; --crl-check-all wins over --crl-check', () => {
    const o = parseArgs(['--crl', 'a.pem', '--crl=b.der', '--crl-check', '--crl-check-all', '--x509-strict', 'h']);
    assert.deepEqual({ s: o.x509Strict, c: o.crl, k: o.crlCheck }, { s: true, c: ['a.pem', 'b.der'], k: 'all' });
    assert.equal(parseArgs(['--crl', 'a.pem', '--crl-check', 'h']).crlCheck, 'leaf');
  });
  it('a CRL check without --crl is a usage error naming the flag', () => {
    assert.throws(
      () => parseArgs(['--crl-check', 'h']),
      (e: unknown) => e instanceof UsageError && /--crl-check needs --crl/.test(e.message),
    );
    assert.throws(() => parseArgs(['--crl-check-all', 'h']), /--crl-check-all needs --crl/);
  });
  it('--help lists the four flags in the Verification group', () => {
    const h = helpText();
    const group = h.slice(h.indexOf('Verification:'), h.indexOf('Sessions:'));
    for (const f of ['--x509-strict', '--crl <file>', '--crl-check ', '--crl-check-all'])
      assert.ok(group.includes(f), f);
  });
  it("s_client's spellings are suggested", () => {
    assert.throws(() => parseArgs(['-crl_check', 'h']), /--crl-check/);
  });
});
