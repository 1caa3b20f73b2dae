/**
 * Name matching to the web-PKI profile (issue 17 item 1, "names"): IP literals in canonical form
 * only, internationalized names as A-labels, wildcards never directly over a public suffix (Public
 * Suffix List, ICANN section, via tldts), each naming the RFC section it follows.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  X509V,
  checkIpAddress,
  matchHostname,
  parseIp,
  verifyServerChain,
  type GeneralName,
} from '../../src/tls/x509/index.js';
import { ext, gn, leafExts, mkCa, mkLeaf, mkRoot, p256, withExt } from '../helpers/certgen.js';

describe('RFC 6125 §6.4.1 / WHATWG URL: IP literals are compared in canonical form only', () => {
  const cases: Array<[string, string, boolean]> = [
    // A reference name that a URL parser reads as an IPv4 address never matches a dNSName.
    ['0177.0.0.1', '0177.0.0.1', false],
    ['0x7f.0.0.1', '0x7f.0.0.1', false],
    ['127.000.000.001', '127.000.000.001', false],
    ['127.1', '127.1', false],
    ['localhost', '0x7f.1', false],
    ['*.0.0.1', '127.0.0.1', false],
    // A last label that is not a number is a DNS name.
    ['1.2.3.example', '1.2.3.example', true],
  ];
  for (const [pattern, host, want] of cases) {
    it(`dNSName ${JSON.stringify(pattern)} vs ${JSON.stringify(host)} -> ${want}`, () =>
      assert.equal(matchHostname(pattern, host), want));
  }

  it('iPAddress entries: IPv4 octal, hex and leading-zero forms are not IP literals', () => {
    for (const bad of ['0177.0.0.1', '0x7f.0.0.1', '127.000.000.001', '127.1', '2130706433'])
      assert.equal(parseIp(bad), null, bad);
    const san: GeneralName[] = [{ type: 'ip', bytes: Uint8Array.of(127, 0, 0, 1) }];
    assert.equal(checkIpAddress(san, '0177.0.0.1'), false);
  });

  it('IPv6: case and zero compression are normalized before comparing (RFC 5952 forms are equal)', () => {
    const san: GeneralName[] = [{ type: 'ip', bytes: parseIp('2001:db8::1') ?? new Uint8Array(0) }];
    for (const same of ['2001:DB8::1', '2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8:0:0::1', '[2001:Db8::1]'])
      assert.equal(checkIpAddress(san, same), true, same);
    assert.equal(checkIpAddress(san, '2001:db8::2'), false);
  });
});

describe('RFC 5890 / RFC 6125 §6.4.2: internationalized names are compared as A-labels', () => {
  it('a U-label reference name matches the A-label dNSName', () => {
    assert.equal(matchHostname('xn--bcher-kva.example', 'bücher.example'), true);
    assert.equal(matchHostname('XN--BCHER-KVA.example', 'BÜCHER.example'), true);
  });
  it('a dNSName holding non-ASCII octets matches nothing (it is an IA5String)', () => {
    assert.equal(matchHostname('bücher.example', 'bücher.example'), false);
    assert.equal(matchHostname('bücher.example', 'xn--bcher-kva.example'), false);
  });
  it('a wildcard never matches an A-label (RFC 6125 §6.4.3)', () => {
    assert.equal(matchHostname('*.example', 'xn--bcher-kva.example'), false);
  });
});

describe('RFC 6125 §6.4.3 and the Public Suffix List: no wildcard directly over a public suffix', () => {
  const cases: Array<[string, string, boolean]> = [
    ['*.co.uk', 'example.co.uk', false],
    ['*.example.co.uk', 'www.example.co.uk', true],
    ['*.kawasaki.jp', 'a.kawasaki.jp', false], // *.kawasaki.jp is itself a wildcard suffix rule
    ['*.b.kawasaki.jp', 'a.b.kawasaki.jp', false],
    ['*.city.kawasaki.jp', 'www.city.kawasaki.jp', true], // !city.kawasaki.jp: an exception rule
    ['*.com.au', 'shop.com.au', false],
    ['*.github.io', 'user.github.io', true], // the PRIVATE section is not applied, as in Chrome
    ['*.wild.test', 'a.wild.test', true],
    ['*.test', 'a.test', false],
  ];
  for (const [pattern, host, want] of cases) {
    it(`${pattern} vs ${host} -> ${want}`, () => assert.equal(matchHostname(pattern, host), want));
  }

  it('through the verifier: a *.co.uk leaf is a hostname mismatch (62)', () => {
    const root = mkRoot('PSL Root');
    const ica = mkCa('PSL ICA', root);
    const key = p256();
    const leaf = mkLeaf(
      ica,
      { key, extensions: withExt(leafExts(key, ica.key), ext.san([gn.dns('*.co.uk')])) },
      '*.co.uk',
    );
    const run = (hostname: string): number =>
      verifyServerChain({ chain: [leaf.der, ica.der], anchors: [root.der], hostname, now: new Date('2030-01-01Z') })
        .code;
    assert.equal(run('example.co.uk'), X509V.HOSTNAME_MISMATCH);
  });
});
