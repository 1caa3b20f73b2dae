/**
 * parseCertificate's cache across handshakes (src/tls/x509/cert.ts): keyed on the exact encoding,
 * parsing a private copy, so equal bytes share one parse, any changed byte is a parse of its own,
 * and a caller that reuses its array for other bytes cannot change what the cache holds.
 * certificateKey (handshake/auth.ts) hands each caller its own SPKI bytes. sharedCertificateInfo
 * (the reports' peer chain) is one frozen description per parse, over the parse's own DER.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { before, test } from 'node:test';
import { describeCertificate, parseCertificate, sharedCertificateInfo } from '../../src/tls/x509/index.js';
import { certificateKey } from '../../src/tls/handshake/auth.js';
import { ensurePki, type Pki } from '../helpers/pki.js';

let pki: Pki;
before(async () => {
  pki = await ensurePki();
});

function derOf(name: 'p256' | 'rsa2048'): Uint8Array {
  return new Uint8Array(new X509Certificate(readFileSync(pki.leaf(name).cert)).raw);
}

test('equal encodings in different arrays share one parse', () => {
  const a = derOf('p256');
  const b = a.slice();
  assert.equal(parseCertificate(a), parseCertificate(b));
});

test('an encoding that differs in one byte is parsed on its own', () => {
  const a = derOf('p256');
  const b = a.slice();
  const last = b.length - 1;
  b[last] = (b[last] ?? 0) ^ 0x01; // inside the signature value
  const pa = parseCertificate(a);
  const pb = parseCertificate(b);
  assert.notEqual(pa, pb);
  assert.notDeepEqual(pa.signatureValue, pb.signatureValue);
});

test("overwriting the caller's array afterwards changes nothing in the cache", () => {
  const a = derOf('rsa2048');
  const original = a.slice();
  const parsed = parseCertificate(a);
  const subject = JSON.stringify(parsed.subject);
  a.fill(0);
  assert.deepEqual(parsed.der, original);
  assert.equal(JSON.stringify(parsed.subject), subject);
  const again = parseCertificate(original.slice());
  assert.equal(again, parsed);
  assert.deepEqual(again.der, original);
});

test('certificateKey: the same key each time, in arrays of its own', () => {
  const der = derOf('p256');
  const k1 = certificateKey(der);
  const k2 = certificateKey(der.slice());
  assert.equal(k1.type, 'ec');
  assert.equal(k1.curve, 'P-256');
  assert.deepEqual(k1.spki, k2.spki);
  assert.notEqual(k1.spki, k2.spki);
  k1.spki.fill(0);
  assert.notDeepEqual(certificateKey(der).spki, k1.spki);
});

test("sharedCertificateInfo: one frozen description per parse, over the parse's copy of the DER", () => {
  const a = derOf('p256');
  const b = a.slice();
  const ia = sharedCertificateInfo(a);
  assert.equal(sharedCertificateInfo(b), ia, 'equal encodings in different arrays: the same object');
  assert.ok(Object.isFrozen(ia));
  assert.notEqual(ia.der, a, "not the caller's array");
  assert.deepEqual(ia.der, a);
  assert.deepEqual({ ...ia }, { ...describeCertificate(a), der: ia.der }, 'the same facts as describeCertificate');
  a.fill(0);
  assert.deepEqual(sharedCertificateInfo(b).der, b, "the caller's array overwritten afterwards changes nothing");
  assert.notEqual(sharedCertificateInfo(derOf('rsa2048')), ia, 'another certificate: its own');
});
