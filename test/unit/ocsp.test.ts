/**
 * The OCSP decoder and verifier (src/tls/x509/ocsp.ts, RFC 6960) on responses made by `openssl
 * ocsp` for the test PKI, with `openssl ocsp -respin ... -no_nonce` as the oracle for the good
 * cases: the issuer's delegated responder, the issuer itself, a revoked certificate; and the
 * failures s_client does not check (openssl#7389): another certificate's response, a bad
 * signature, a signer without id-kp-OCSPSigning, stale and future responses.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { decodeOcspResponse, verifyOcspResponse } from '../../src/tls/x509/ocsp.js';
import { ensurePki, type Pki } from '../helpers/pki.js';

let pki: Pki;
const der = (pem: string): Uint8Array => new Uint8Array(new X509Certificate(readFileSync(pem)).raw);

/** `openssl ocsp` as a responder for one certificate, signed by `signer`; returns the response DER. */
function respond(leafPem: string, signer: { cert: string; key: string }, status: 'V' | 'R', extra: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'tls-probe-ocsp-'));
  const serial = execFileSync('openssl', ['x509', '-in', leafPem, '-noout', '-serial'], { encoding: 'utf8' })
    .trim()
    .replace(/^serial=/, '');
  const revoked = status === 'R' ? '261206000000Z,keyCompromise' : '';
  writeFileSync(join(dir, 'index.txt'), `${status}\t361231000000Z\t${revoked}\t${serial}\tunknown\t/CN=x\n`);
  const out = join(dir, 'resp.der');
  execFileSync(
    'openssl',
    [
      'ocsp',
      '-index',
      join(dir, 'index.txt'),
      '-rsigner',
      signer.cert,
      '-rkey',
      signer.key,
      '-CA',
      pki.ica,
      '-issuer',
      pki.ica,
      '-cert',
      leafPem,
      '-respout',
      out,
      ...extra,
    ],
    { stdio: 'ignore' },
  );
  return new Uint8Array(readFileSync(out));
}

describe('OCSP responses', () => {
  before(async () => {
    pki = await ensurePki();
  });
  const now = new Date();

  it('decodes the fixture response for p256: successful, good, its times', () => {
    const r = decodeOcspResponse(new Uint8Array(readFileSync(pki.file('p256.ocsp.der'))));
    assert.equal(r.statusText, 'successful');
    assert.equal(r.basic?.responses.length, 1);
    const s = r.basic?.responses[0];
    assert.equal(s?.certStatus, 'good');
    assert.ok(s && s.nextUpdate && s.nextUpdate > s.thisUpdate);
    assert.equal(r.basic?.certs.length, 1, 'openssl ocsp includes its signer');
  });

  it('a delegated responder (id-kp-OCSPSigning, signed by the issuer): good, verified, as openssl ocsp says', () => {
    const resp = decodeOcspResponse(new Uint8Array(readFileSync(pki.file('p256.ocsp.der'))));
    const v = verifyOcspResponse(resp, der(pki.leaf('p256').cert), der(pki.ica), now);
    assert.deepEqual([v.status, v.verified, v.reason], ['good', true, '']);
    const oracle = execFileSync(
      'openssl',
      [
        'ocsp',
        '-respin',
        pki.file('p256.ocsp.der'),
        '-issuer',
        pki.ica,
        '-cert',
        pki.leaf('p256').cert,
        '-CAfile',
        pki.root,
        '-no_nonce',
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    assert.match(oracle, /: good/);
  });

  it('revoked: status revoked with its time and reason, verified', () => {
    const resp = decodeOcspResponse(new Uint8Array(readFileSync(pki.file('revoked.ocsp.der'))));
    const v = verifyOcspResponse(resp, der(pki.leaf('revoked').cert), der(pki.ica), now);
    assert.deepEqual([v.status, v.verified], ['revoked', true]);
    assert.equal(v.single?.revocationReason, 'keyCompromise');
    assert.ok(v.single?.revocationTime instanceof Date);
  });

  it('signed by the issuer itself (ResponderID byName of the CA): verified', () => {
    const resp = decodeOcspResponse(respond(pki.leaf('p256').cert, { cert: pki.ica, key: pki.icaKey }, 'V'));
    const v = verifyOcspResponse(resp, der(pki.leaf('p256').cert), der(pki.ica), now);
    assert.deepEqual([v.status, v.verified, v.reason], ['good', true, '']);
    const byKey = decodeOcspResponse(
      respond(pki.leaf('p256').cert, { cert: pki.ica, key: pki.icaKey }, 'V', ['-resp_key_id']),
    );
    assert.ok(byKey.basic && 'byKey' in byKey.basic.responderId);
    assert.equal(verifyOcspResponse(byKey, der(pki.leaf('p256').cert), der(pki.ica), now).verified, true);
  });

  it("another certificate's response is not a verdict on this one", () => {
    const resp = decodeOcspResponse(new Uint8Array(readFileSync(pki.file('p256.ocsp.der'))));
    const v = verifyOcspResponse(resp, der(pki.leaf('rsa2048').cert), der(pki.ica), now);
    assert.deepEqual([v.status, v.verified, v.reason], [null, false, 'no response for this certificate']);
  });

  it('a flipped signature bit, a signer without id-kp-OCSPSigning, stale and future responses: unverified', () => {
    const bytes = new Uint8Array(readFileSync(pki.file('p256.ocsp.der')));
    const resp = decodeOcspResponse(bytes);
    const sig = resp.basic?.signature;
    assert.ok(sig);
    const bad = bytes.slice();
    const at = sig.byteOffset - bytes.byteOffset + 10; // a byte inside the signature
    bad[at] = (bad[at] ?? 0) ^ 0x01;
    const v1 = verifyOcspResponse(decodeOcspResponse(bad), der(pki.leaf('p256').cert), der(pki.ica), now);
    assert.deepEqual([v1.status, v1.verified, v1.reason], ['good', false, 'the response signature does not verify']);

    const leafSigned = decodeOcspResponse(respond(pki.leaf('p256').cert, pki.leaf('rsa2048'), 'V'));
    const v2 = verifyOcspResponse(leafSigned, der(pki.leaf('p256').cert), der(pki.ica), now);
    assert.deepEqual([v2.verified, v2.reason], [false, 'the responder certificate lacks id-kp-OCSPSigning']);

    const fixture = decodeOcspResponse(bytes);
    const v3 = verifyOcspResponse(fixture, der(pki.leaf('p256').cert), der(pki.ica), new Date('2200-01-01T00:00:00Z'));
    assert.equal(v3.verified, false);
    const v4 = verifyOcspResponse(fixture, der(pki.leaf('p256').cert), der(pki.ica), new Date('2000-01-01T00:00:00Z'));
    assert.equal(v4.verified, false);
  });

  it('a non-successful response and malformed DER', () => {
    const tryLater = decodeOcspResponse(Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x03));
    assert.deepEqual([tryLater.statusText, tryLater.basic], ['trylater', null]);
    assert.equal(
      verifyOcspResponse(tryLater, der(pki.leaf('p256').cert), der(pki.ica), now).reason,
      'response status trylater',
    );
    assert.throws(() => decodeOcspResponse(Uint8Array.of(0x30, 0x05, 0x0a)), { name: 'DerError' });
  });
});
