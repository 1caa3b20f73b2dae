/**
 * DHE-RSA and RSA key exchange end to end in memory (controls for the hostile kx-12 cases): our
 * client against the test server (test/helpers/tls-server12.ts), which decrypts the RSA pre-master
 * with the masked RFC 5246 §7.4.7.1 check and computes DH with node:crypto; the handshake completes
 * and data flows both ways, with CBC suites under MAC-then-encrypt and encrypt-then-MAC.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectPair, handshake, readExactly } from '../helpers/tls-server.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

for (const [suite, name, noEtm] of [
  [0x009e, 'DHE-RSA-AES128-GCM-SHA256', false],
  [0xccaa, 'DHE-RSA-CHACHA20-POLY1305', false],
  [0x0033, 'DHE-RSA-AES128-SHA (MAC-then-encrypt)', true],
  [0x009c, 'AES128-GCM-SHA256 (RSA key exchange)', false],
  [0x002f, 'AES128-SHA (RSA key exchange, MAC-then-encrypt)', true],
  [0x003d, 'AES256-SHA256 (RSA key exchange, encrypt-then-MAC)', false],
] as const) {
  test(`${name}: handshake, report facts, data both ways`, async () => {
    const pair = await connectPair({ version: 0x0303, suite, noEtm }, {}, { leaf: 'rsa2048' });
    handshake(pair);
    const info = pair.conn.handshake.info;
    assert.equal(info.cipherSuite, suite);
    assert.equal(info.dhBits, name.startsWith('DHE') ? 2048 : null);
    assert.equal(info.group, null, 'no ECDHE group');
    assert.equal(info.secureRenegotiation, true);
    pair.server.send(enc('from the server'));
    assert.equal(new TextDecoder().decode(readExactly(pair, 15)), 'from the server');
    assert.equal(pair.conn.write(enc('from the client')), 15);
  });
}
