/** RFC 6125 name matching and IP literal handling (src/tls/x509/hostname.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkHostname,
  checkIpAddress,
  isIpAddress,
  matchHostname,
  parseIp,
  type GeneralName,
} from '../../src/tls/x509/index.js';

describe('matchHostname', () => {
  const cases: Array<[string, string, boolean]> = [
    ['localhost', 'localhost', true],
    ['LocalHost', 'localhost', true],
    ['localhost', 'LOCALHOST', true],
    ['localhost', 'localhost.', true],
    ['localhost.', 'localhost', true],
    ['example.test', 'www.example.test', false],
    ['www.example.test', 'example.test', false],
    ['*.wild.test', 'a.wild.test', true],
    ['*.wild.test', 'A.Wild.Test', true],
    ['*.wild.test', 'a.wild.test.', true],
    ['*.wild.test', 'a.b.wild.test', false],
    ['*.wild.test', 'wild.test', false],
    ['*.wild.test', '.wild.test', false],
    ['*.wild.test', 'xn--bcher-kva.wild.test', false],
    ['*.test', 'a.test', false],
    ['*.com', 'example.com', false],
    ['f*.example.test', 'foo.example.test', false],
    ['*oo.example.test', 'foo.example.test', false],
    ['a.*.test', 'a.b.test', false],
    ['*.*.test', 'a.b.test', false],
    ['*', 'localhost', false],
    ['*.wild.test', '*.wild.test', false],
    ['localhost', '', false],
    ['a b.test', 'a b.test', false],
    ['127.0.0.1', '127.0.0.1', true],
  ];
  for (const [pattern, host, want] of cases) {
    it(`${JSON.stringify(pattern)} vs ${JSON.stringify(host)} -> ${want}`, () =>
      assert.equal(matchHostname(pattern, host), want));
  }
});

describe('parseIp', () => {
  it('IPv4 dotted quads, strictly', () => {
    assert.deepEqual(parseIp('127.0.0.1'), Uint8Array.of(127, 0, 0, 1));
    assert.deepEqual(parseIp('255.255.255.255'), Uint8Array.of(255, 255, 255, 255));
    for (const bad of ['1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.x', '', 'localhost', '1.2.3.-4'])
      assert.equal(parseIp(bad), null, bad);
  });
  it('IPv6 literals with compression, brackets and an IPv4 tail', () => {
    const one = new Uint8Array(16);
    one[15] = 1;
    assert.deepEqual(parseIp('::1'), one);
    assert.deepEqual(parseIp('[::1]'), one);
    assert.deepEqual(parseIp('0:0:0:0:0:0:0:1'), one);
    assert.deepEqual(parseIp('::'), new Uint8Array(16));
    assert.deepEqual(
      parseIp('2001:DB8::8:800:200C:417A'),
      Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 8, 8, 0, 0x20, 0x0c, 0x41, 0x7a),
    );
    assert.deepEqual(parseIp('::ffff:1.2.3.4'), Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4));
    for (const bad of ['1::2::3', '12345::', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', 'fe80::1%eth0', ':1', '1:', '::g'])
      assert.equal(parseIp(bad), null, bad);
    assert.equal(isIpAddress('::1'), true);
    assert.equal(isIpAddress('localhost'), false);
  });
});

describe('checkHostname and checkIpAddress', () => {
  const san: GeneralName[] = [
    { type: 'dns', value: 'localhost' },
    { type: 'ip', bytes: Uint8Array.of(127, 0, 0, 1) },
    { type: 'ip', bytes: parseIp('2001:db8::1')! },
  ];
  it('uses SAN dNSName entries, never the CN when any exists', () => {
    assert.equal(checkHostname(san, ['other.test'], 'localhost'), true);
    assert.equal(checkHostname(san, ['other.test'], 'other.test'), false);
    assert.equal(checkHostname(san, ['other.test'], 'other.test', { cnFallback: true }), false);
  });
  it('CN-only certificates: rejected by default, accepted with cnFallback (OpenSSL behaviour)', () => {
    assert.equal(checkHostname(null, ['localhost'], 'localhost'), false);
    assert.equal(
      checkHostname([{ type: 'ip', bytes: Uint8Array.of(127, 0, 0, 1) }], ['localhost'], 'localhost'),
      false,
    );
    assert.equal(checkHostname(null, ['localhost'], 'localhost', { cnFallback: true }), true);
    assert.equal(checkHostname(null, ['*.wild.test'], 'a.wild.test', { cnFallback: true }), true);
  });
  it('IP addresses match iPAddress entries byte for byte', () => {
    assert.equal(checkIpAddress(san, '127.0.0.1'), true);
    assert.equal(checkIpAddress(san, '127.0.0.2'), false);
    assert.equal(checkIpAddress(san, '2001:0db8:0:0:0:0:0:1'), true);
    assert.equal(checkIpAddress(san, '[2001:db8::1]'), true);
    assert.equal(checkIpAddress(san, '::ffff:127.0.0.1'), false);
    assert.equal(checkIpAddress(san, 'localhost'), false);
    assert.equal(checkIpAddress([{ type: 'dns', value: '127.0.0.1' }], '127.0.0.1'), false);
  });
});
