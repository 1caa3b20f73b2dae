/**
 * The --status block and JSON (src/cli/ocsp-report.ts) for the fixture responses: the lines
 * s_client prints (OCSP Response Status, Cert Status, This/Next Update), the verdict line, and
 * an unverified response that never reads "Cert Status: good".
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { decodeOcspResponse, verifyOcspResponse } from '../../src/tls/x509/ocsp.js';
import { formatOcspBlock, ocspJson } from '../../src/cli/ocsp-report.js';
import { ensurePki, type Pki } from '../helpers/pki.js';

let pki: Pki;
const der = (pem: string): Uint8Array => new Uint8Array(new X509Certificate(readFileSync(pem)).raw);
const result = (file: string, leaf: string) => {
  const response = decodeOcspResponse(new Uint8Array(readFileSync(pki.file(file))));
  return { response, verdict: verifyOcspResponse(response, der(leaf), der(pki.ica), new Date()) };
};

describe('--status report', () => {
  before(async () => {
    pki = await ensurePki();
  });

  it('good and verified: s_client lines plus the verdict', () => {
    const r = result('p256.ocsp.der', pki.leaf('p256').cert);
    const text = formatOcspBlock(r);
    assert.match(text, /^OCSP response: \n={38}\nOCSP Response Data:\n/);
    assert.match(text, /^ {4}OCSP Response Status: successful \(0x0\)$/m);
    assert.match(text, /^ {4}Responder Id: O = tls-probe test, CN = tls-probe OCSP responder$/m);
    assert.match(text, /^ {4}Cert Status: good$/m);
    assert.match(text, /^ {4}This Update: [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4} GMT$/m);
    assert.match(text, /^ {4}Next Update: /m);
    assert.match(text, /^OCSP response verification: OK\n={38}\n$/m);
    const j = ocspJson(r);
    assert.deepEqual([j.status, j.verified, j.claimed], ['good', true, 'good']);
    assert.match(j.thisUpdate ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('revoked: revocation time and reason', () => {
    const r = result('revoked.ocsp.der', pki.leaf('revoked').cert);
    const text = formatOcspBlock(r);
    assert.match(text, /^ {4}Cert Status: revoked$/m);
    assert.match(text, /^ {4}Revocation Reason: keyCompromise$/m);
    const j = ocspJson(r);
    assert.equal(j.status, 'revoked');
    assert.ok(j.revocationTime);
  });

  it("another certificate's response: unverified, never good", () => {
    const r = result('p256.ocsp.der', pki.leaf('rsa2048').cert);
    const text = formatOcspBlock(r);
    assert.doesNotMatch(text, /Cert Status: good/);
    assert.match(text, /^ {4}Cert Status: unverified \(the response says good\)$/m);
    assert.match(text, /^OCSP response verification: failed \(no response for this certificate\)$/m);
    assert.deepEqual(ocspJson(r), {
      status: 'unverified',
      verified: false,
      reason: 'no response for this certificate',
      thisUpdate: null,
      nextUpdate: null,
    });
  });

  it('nothing stapled', () => {
    assert.equal(formatOcspBlock(null), 'OCSP response: no response sent\n');
    assert.equal(ocspJson(null).status, 'no response');
  });
});
