/**
 * certificateKey (src/tls/handshake/auth.ts) hands out the certificate's own SubjectPublicKeyInfo for
 * EC named-curve and Ed25519 keys instead of node's re-export of it (a cold run then skips OpenSSL's
 * first encoder lookup): for every key shape the bytes must be exactly what node's export gives,
 * including an EC point written compressed, which OpenSSL re-encodes in the form it was given.
 */
import assert from 'node:assert/strict';
import { ECDH, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { before, test } from 'node:test';
import { certificateKey } from '../../src/tls/handshake/auth.js';
import { concat } from '../../src/tls/codec/bytes.js';
import { Tag, derConstructed, derTlv } from '../../src/tls/codec/der.js';
import { mkLeaf, mkRoot, oid, p256 } from '../helpers/certgen.js';
import { ensurePki, type LeafName, type Pki } from '../helpers/pki.js';

let pki: Pki;
before(async () => {
  pki = await ensurePki();
});

function nodeExport(der: Uint8Array): Uint8Array {
  return new Uint8Array(new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' }));
}

for (const name of ['p256', 'p384', 'ed25519', 'rsa2048'] satisfies LeafName[]) {
  test(`${name} leaf: the SPKI is node's export of the key`, () => {
    const der = new Uint8Array(new X509Certificate(readFileSync(pki.leaf(name).cert)).raw);
    const key = certificateKey(der);
    assert.deepEqual(key.spki, nodeExport(der));
    assert.ok(key.spki.length > 32);
  });
}

test('a P-256 key written compressed: the SPKI stays compressed, as node exports it', () => {
  const k = p256();
  const point = k.spki.subarray(k.spki.length - 65);
  const compressed = ECDH.convertKey(point, 'prime256v1', undefined, undefined, 'compressed') as Buffer;
  const spki = derConstructed(Tag.SEQUENCE, [
    derConstructed(Tag.SEQUENCE, [oid('1.2.840.10045.2.1'), oid('1.2.840.10045.3.1.7')]),
    derTlv(Tag.BIT_STRING, concat(Uint8Array.of(0), new Uint8Array(compressed))),
  ]);
  const leaf = mkLeaf(mkRoot('compressed-point root'), { spki });
  const key = certificateKey(leaf.der);
  assert.equal(key.type, 'ec');
  assert.equal(key.spki.length, spki.length);
  assert.deepEqual(key.spki, nodeExport(leaf.der));
});
