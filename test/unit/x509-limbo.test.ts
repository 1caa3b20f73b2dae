/**
 * Cases after C2SP x509-limbo's web-PKI test cases (limbo/testcases/webpki/*.py, rfc5280/*.py):
 * each test names the limbo case id whose expectation it follows, with our own generated
 * certificates (no limbo file is copied). Limbo marks some expectations "pedantic": those are our
 * --x509-strict rules, a warning without it. Then name-constraint cases in the manner of
 * BetterTLS's nameconstraints suite (label boundaries, one name type left unconstrained, IPv6).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { X509V, verifyServerChain, type VerifyResult } from '../../src/tls/x509/index.js';
import { derTlv } from '../../src/tls/codec/der.js';
import { EKU, caExts, ext, gn, leafExts, mkCa, mkLeaf, mkRoot, p256, withExt, type Ext } from '../helpers/certgen.js';

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

describe('BetterTLS name-constraints style: RFC 5280 §4.2.1.10 label boundaries and types', () => {
  const k = p256();
  const constrained = (permitted: Uint8Array[], excluded: Uint8Array[] = []) =>
    mkCa('BT NC', root, { key: k, extensions: [...caExts(k, root.key), ext.nameConstraints(permitted, excluded)] }, k);
  const run = (ca: ReturnType<typeof constrained>, sans: Uint8Array[], host: string): number => {
    const lk = p256();
    const leaf = mkLeaf(ca, { key: lk, extensions: withExt(leafExts(lk, ca.key, host), ext.san(sans)) }, host);
    return verifyServerChain({ chain: [leaf.der, ca.der], anchors: [root.der], hostname: host, now: NOW }).code;
  };
  it('permitted example.com allows www.example.com (labels added on the left)', () =>
    assert.equal(run(constrained([gn.dns('example.com')]), [gn.dns('www.example.com')], 'www.example.com'), 0));
  it('permitted example.com does not allow www.fakeexample.com (label boundary): 47', () =>
    assert.equal(
      run(constrained([gn.dns('example.com')]), [gn.dns('www.fakeexample.com')], 'www.fakeexample.com'),
      X509V.PERMITTED_VIOLATION,
    ));
  it('excluded 10.0.0.0/8 rejects an iPAddress 10.1.2.3 SAN: 48', () =>
    assert.equal(
      run(constrained([], [gn.ip([10, 0, 0, 0, 255, 0, 0, 0])]), [gn.dns('a.test'), gn.ip([10, 1, 2, 3])], 'a.test'),
      X509V.EXCLUDED_VIOLATION,
    ));
  it('dNSName-only constraints leave an iPAddress SAN unconstrained', () =>
    assert.equal(run(constrained([gn.dns('a.test')]), [gn.dns('a.test'), gn.ip([192, 0, 2, 1])], 'a.test'), 0));
  it('permitted IPv6 2001:db8::/32 allows 2001:db8::1 and not 2001:db9::1', () => {
    const v6 = (hi: number): number[] => [0x20, 0x01, 0x0d, hi, ...new Array<number>(12).fill(0)];
    const mask = [0xff, 0xff, 0xff, 0xff, ...new Array<number>(12).fill(0)];
    const ca = constrained([gn.ip([...v6(0xb8), ...mask]), gn.dns('a.test')]);
    const one = (hi: number): number[] => [...v6(hi).slice(0, 15), 1];
    assert.equal(run(ca, [gn.dns('a.test'), gn.ip(one(0xb8))], 'a.test'), 0);
    assert.equal(run(ca, [gn.dns('a.test'), gn.ip(one(0xb9))], 'a.test'), X509V.PERMITTED_VIOLATION);
  });
});
