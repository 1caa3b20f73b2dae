/**
 * Cases after C2SP x509-limbo's web-PKI test cases (limbo/testcases/webpki/*.py, rfc5280/*.py):
 * each test names the limbo case id whose expectation it follows, with our own generated
 * certificates (no limbo file is copied). Limbo marks some expectations "pedantic": those are our
 * --x509-strict rules, a warning without it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { X509V, verifyServerChain, type VerifyResult } from '../../src/tls/x509/index.js';
import { derTlv } from '../../src/tls/codec/der.js';
import { EKU, ext, gn, leafExts, mkLeaf, mkRoot, p256, withExt, type Ext } from '../helpers/certgen.js';

const NOW = new Date('2030-06-01T00:00:00Z');
const root = mkRoot('Limbo Root');

/** root -> EE, the EE's standard extensions changed by `changes`; verified for `host`. */
function ee(
  changes: Array<Ext | string>,
  host = 'example.com',
  profile: 'default' | 'strict' = 'default',
): VerifyResult {
  const key = p256();
  const leaf = mkLeaf(
    root,
    { key, extensions: withExt(leafExts(key, root.key, 'example.com'), ...changes) },
    'example.com',
  );
  return verifyServerChain({ chain: [leaf.der], anchors: [root.der], hostname: host, now: NOW, profile });
}

describe('x509-limbo webpki::san', () => {
  it('webpki::san::exact-dns-san succeeds', () => assert.equal(ee([]).code, 0));
  it('webpki::san::public-suffix-wildcard-san (*.com) fails: 62', () =>
    assert.equal(ee([ext.san([gn.dns('*.com')])]).code, X509V.HOSTNAME_MISMATCH));
  it('webpki::san::wildcard-embedded-leftmost-san (ba*.example.com) fails: 62', () =>
    assert.equal(ee([ext.san([gn.dns('ba*.example.com')])], 'baz.example.com').code, X509V.HOSTNAME_MISMATCH));
  it('webpki::san::wildcard-embedded-ulabel-san (xn--*-1b3c148a) fails: 62', () =>
    assert.equal(
      ee([ext.san([gn.dns('xn--*-1b3c148a.example.com')])], 'xn--bliss-1b3c148a.example.com').code,
      X509V.HOSTNAME_MISMATCH,
    ));
  it('webpki::san::unicode-emoji-san (UTF-8 in a dNSName) fails: the SAN is malformed, 41', () => {
    const emoji = derTlv(0x82, new TextEncoder().encode('😜.example.com'));
    assert.equal(ee([ext.san([emoji])], 'xn--628h.example.com').code, X509V.INVALID_EXTENSION);
  });
  it('webpki::san::no-san fails even with CN=example.com: 62', () =>
    assert.equal(ee(['2.5.29.17']).code, X509V.HOSTNAME_MISMATCH));
  it('webpki::san::wildcard-match-across-labels-san fails: 62', () =>
    assert.equal(ee([ext.san([gn.dns('*.example.com')])], 'foo.bar.example.com').code, X509V.HOSTNAME_MISMATCH));
});

describe('x509-limbo webpki::eku (pedantic there: --x509-strict here)', () => {
  const strictOnly = (label: string, changes: Array<Ext | string>): void =>
    void it(`${label}: a BR 7.1.2.7.10 warning, 26 under strict`, () => {
      const lax = ee(changes);
      assert.equal(lax.code, 0, lax.rule);
      assert.ok(
        lax.warnings.some((w) => w.section === 'BR 7.1.2.7.10'),
        JSON.stringify(lax.warnings),
      );
      assert.equal(ee(changes, 'example.com', 'strict').code, X509V.INVALID_PURPOSE);
    });
  strictOnly('webpki::eku::ee-anyeku (serverAuth + anyExtendedKeyUsage)', [ext.eku([EKU.serverAuth, EKU.any])]);
  strictOnly('webpki::eku::ee-without-eku', ['2.5.29.37']);
  strictOnly('webpki::eku::ee-codesigning-with-serverauth', [ext.eku([EKU.serverAuth, '1.3.6.1.5.5.7.3.3'])]);
  strictOnly('webpki::eku::ee-ocspsigning-with-serverauth', [ext.eku([EKU.serverAuth, '1.3.6.1.5.5.7.3.9'])]);
  strictOnly('webpki::eku::ee-precertificate-with-serverauth', [ext.eku([EKU.serverAuth, '1.3.6.1.4.1.11129.2.4.4'])]);
  it('webpki::eku::ee-serverauth-with-additional (clientAuth) succeeds, also under strict', () =>
    assert.equal(ee([ext.eku([EKU.serverAuth, EKU.clientAuth])], 'example.com', 'strict').code, 0));
  it('webpki::eku::ee-clientauth-only fails by default: 26', () =>
    assert.equal(ee([ext.eku([EKU.clientAuth])]).code, X509V.INVALID_PURPOSE));
});

describe('x509-limbo rfc5280 / webpki structure', () => {
  it('webpki::ee-basicconstraints-ca fails: 37', () =>
    assert.equal(ee([ext.basicConstraints(true)]).code, X509V.INVALID_NON_CA));
  it('rfc5280::serial::too-long (21 octets) is a warning, strict 1', () => {
    const key = p256();
    const leaf = mkLeaf(
      root,
      { key, serial: new Uint8Array(21).fill(0x42), extensions: leafExts(key, root.key, 'example.com') },
      'example.com',
    );
    const run = (profile: 'default' | 'strict'): VerifyResult =>
      verifyServerChain({ chain: [leaf.der], anchors: [root.der], hostname: 'example.com', now: NOW, profile });
    assert.equal(run('default').code, 0);
    assert.equal(run('strict').code, X509V.UNSPECIFIED);
  });
  it('rfc5280::ee-critical-aia-invalid: a critical AIA is an unhandled critical extension (34)', () =>
    assert.equal(
      ee([{ ...ext.aia('http://example.com/ca.der'), critical: true }]).code,
      X509V.UNHANDLED_CRITICAL_EXTENSION,
    ));
});
