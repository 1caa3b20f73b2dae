/**
 * The TLS 1.0–1.2 cipher-suite table against OpenSSL 3.0's DEFAULT list: the same order (each DHE
 * suite right after its ECDHE twin, RSA key exchange last), OpenSSL's names and IANA code points,
 * the lowest version each suite may be used at, and that the default offer holds only what the
 * client negotiates.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HASH_LENGTH, TLS12_SUITES, suiteById, suiteByName, suiteMinVersion } from '../../src/tls/codec/names.js';
import { opensslCipherName } from '../../src/tls/session/openssl-ciphers.js';
import { defaultOptions } from '../../src/tls/context.js';
import { getProvider } from '../../src/net/providers.js';
import { parseSuites } from '../../src/cli/option-values.js';

// `openssl ciphers -V DEFAULT` (OpenSSL 3.0.19, Debian), its TLS 1.0–1.2 lines without the PSK and
// SRP suites: code point, name and the "min TLS" column (SSLv3 = usable from TLS 1.0 for us).
const OPENSSL_30_DEFAULT = `
0xC0,0x2C ECDHE-ECDSA-AES256-GCM-SHA384 TLSv1.2
0xC0,0x30 ECDHE-RSA-AES256-GCM-SHA384 TLSv1.2
0x00,0x9F DHE-RSA-AES256-GCM-SHA384 TLSv1.2
0xCC,0xA9 ECDHE-ECDSA-CHACHA20-POLY1305 TLSv1.2
0xCC,0xA8 ECDHE-RSA-CHACHA20-POLY1305 TLSv1.2
0xCC,0xAA DHE-RSA-CHACHA20-POLY1305 TLSv1.2
0xC0,0x2B ECDHE-ECDSA-AES128-GCM-SHA256 TLSv1.2
0xC0,0x2F ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2
0x00,0x9E DHE-RSA-AES128-GCM-SHA256 TLSv1.2
0xC0,0x24 ECDHE-ECDSA-AES256-SHA384 TLSv1.2
0xC0,0x28 ECDHE-RSA-AES256-SHA384 TLSv1.2
0x00,0x6B DHE-RSA-AES256-SHA256 TLSv1.2
0xC0,0x23 ECDHE-ECDSA-AES128-SHA256 TLSv1.2
0xC0,0x27 ECDHE-RSA-AES128-SHA256 TLSv1.2
0x00,0x67 DHE-RSA-AES128-SHA256 TLSv1.2
0xC0,0x0A ECDHE-ECDSA-AES256-SHA TLSv1
0xC0,0x14 ECDHE-RSA-AES256-SHA TLSv1
0x00,0x39 DHE-RSA-AES256-SHA SSLv3
0xC0,0x09 ECDHE-ECDSA-AES128-SHA TLSv1
0xC0,0x13 ECDHE-RSA-AES128-SHA TLSv1
0x00,0x33 DHE-RSA-AES128-SHA SSLv3
0x00,0x9D AES256-GCM-SHA384 TLSv1.2
0x00,0x9C AES128-GCM-SHA256 TLSv1.2
0x00,0x3D AES256-SHA256 TLSv1.2
0x00,0x3C AES128-SHA256 TLSv1.2
0x00,0x35 AES256-SHA SSLv3
0x00,0x2F AES128-SHA SSLv3
`
  .trim()
  .split('\n')
  .map((line) => {
    const [cp, name, min] = line.split(' ') as [string, string, string];
    return { id: parseInt(cp.replace(/0x|,/g, ''), 16), name, min: min === 'TLSv1.2' ? 0x0303 : 0x0301 };
  });

test('the TLS 1.0–1.2 table is OpenSSL 3.0 DEFAULT: order, code points, names, minimum version', () => {
  assert.deepEqual(
    TLS12_SUITES.map((s) => `${s.id.toString(16)} ${s.openssl} ${suiteMinVersion(s).toString(16)}`),
    OPENSSL_30_DEFAULT.map((o) => `${o.id.toString(16)} ${o.name} ${o.min.toString(16)}`),
  );
  for (const s of TLS12_SUITES) {
    // The session codec's table (harvested from OpenSSL) spells each one the same way.
    assert.equal(opensslCipherName(s.id), s.openssl);
    assert.equal(suiteById(s.id), s);
    assert.equal(suiteByName(s.iana.toLowerCase()), s);
    assert.match(s.iana, /^TLS_(ECDHE_ECDSA|ECDHE_RSA|DHE_RSA|RSA)_WITH_/);
    assert.equal(s.iana.split('_WITH_')[0], `TLS_${s.kx}`);
    if (s.cipher.kind === 'cbc') {
      const mac = s.cipher.macHash === 'sha1' ? 'SHA' : s.cipher.macHash.toUpperCase();
      assert.ok(s.iana.endsWith(`_CBC_${mac}`), s.iana);
      assert.equal(s.cipher.macLength, HASH_LENGTH[s.cipher.macHash]);
    }
  }
});

test('each DHE suite comes right after its ECDHE-RSA twin, RSA key exchange last', () => {
  const names = TLS12_SUITES.map((s) => s.openssl);
  for (const s of TLS12_SUITES.filter((x) => x.kx === 'DHE_RSA')) {
    const i = names.indexOf(s.openssl);
    assert.equal(names[i - 1], s.openssl.replace(/^DHE-RSA-/, 'ECDHE-RSA-').replace('AES256-SHA256', 'AES256-SHA384'));
  }
  const firstRsa = TLS12_SUITES.findIndex((s) => s.kx === 'RSA');
  assert.ok(TLS12_SUITES.slice(firstRsa).every((s) => s.kx === 'RSA'));
});

test('the default offer is the whole table in DEFAULT order; --cipher takes RSA and DHE suites by name', async () => {
  const o = defaultOptions(await getProvider('node'), () => 0);
  assert.deepEqual(
    o.cipherSuites12,
    TLS12_SUITES.map((s) => s.id),
  );
  assert.equal(TLS12_SUITES.length, 27);
  assert.deepEqual(parseSuites('--cipher', 'ECDHE-RSA-AES256-SHA:ECDHE-ECDSA-AES256-SHA384'), [0xc014, 0xc024]);
  assert.deepEqual(parseSuites('--cipher', 'AES128-SHA:DHE-RSA-AES128-GCM-SHA256'), [0x002f, 0x009e]);
  // TLS 1.0/1.1 are never in the default offer.
  assert.equal(o.minVersion, 0x0303);
});
