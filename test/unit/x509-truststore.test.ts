/** Trust store loading for --CAfile / --CApath / the platform default (src/cli/truststore.ts). */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadCaFile, loadCaPath, pemCertificates, platformRoots } from '../../src/cli/truststore.js';
import { UsageError } from '../../src/cli/errors.js';
import { ensurePki, type Pki } from '../helpers/pki.js';

let pki: Pki;
let tmp: string;
before(async () => {
  pki = await ensurePki();
  tmp = mkdtempSync(join(tmpdir(), 'tls-probe-truststore-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

const der = (file: string): Uint8Array => new Uint8Array(new X509Certificate(readFileSync(file)).raw);

describe('truststore', () => {
  it('loadCaFile reads every CERTIFICATE block in order', () => {
    assert.deepEqual(loadCaFile(pki.root), [der(pki.root)]);
    const chain = loadCaFile(pki.leaf('p256').chain);
    assert.equal(chain.length, 2);
    assert.deepEqual(chain[1], der(pki.ica));
  });

  it('loadCaFile skips non-certificate PEM blocks and accepts a DER file', () => {
    const mixed = join(tmp, 'mixed.pem');
    writeFileSync(mixed, readFileSync(pki.leaf('p256').key, 'utf8') + readFileSync(pki.root, 'utf8'));
    assert.deepEqual(loadCaFile(mixed), [der(pki.root)]);
    const bin = join(tmp, 'root.der');
    writeFileSync(bin, der(pki.root));
    assert.deepEqual(loadCaFile(bin), [der(pki.root)]);
  });

  it('loadCaFile: unreadable or certificate-free files are usage errors', () => {
    assert.throws(
      () => loadCaFile(join(tmp, 'missing.pem')),
      (e: unknown) => e instanceof UsageError && /cannot read CA file .*ENOENT/.test(e.message),
    );
    const keyOnly = pki.leaf('p256').key;
    assert.throws(
      () => loadCaFile(keyOnly),
      (e: unknown) => e instanceof UsageError && /no certificates found/.test(e.message),
    );
  });

  it('loadCaPath reads hash-named and *.pem files once each', () => {
    assert.deepEqual(loadCaPath(pki.certsDir), [der(pki.root)]);
    assert.throws(() => loadCaPath(join(tmp, 'nope')), UsageError);
    const empty = mkdtempSync(join(tmp, 'empty-'));
    writeFileSync(join(empty, 'readme.txt'), 'not a certificate');
    assert.throws(
      () => loadCaPath(empty),
      (e: unknown) => e instanceof UsageError && /no certificates/.test(e.message),
    );
  });

  it('pemCertificates ignores garbage between blocks', () => {
    const text = 'junk\n' + readFileSync(pki.ica, 'utf8') + '\nmore junk\n' + readFileSync(pki.root, 'utf8');
    assert.deepEqual(pemCertificates(text), [der(pki.ica), der(pki.root)]);
  });

  it("platformRoots includes node's bundled roots and is cached", () => {
    const roots = platformRoots();
    assert.ok(roots.length >= 100, `only ${roots.length} roots`);
    assert.equal(platformRoots(), roots);
  });

  it('platformRoots, framed without node: every root is the certificate node reads, byte for byte', () => {
    const roots = platformRoots();
    for (const r of roots) assert.deepEqual(new Uint8Array(new X509Certificate(r).raw), r);
  });

  it('pemCertificates without validate: the certificate of a TRUSTED CERTIFICATE block, no unframed blocks', () => {
    const root = der(pki.root);
    const aux = Uint8Array.of(0x30, 0x03, 0x0c, 0x01, 0x41); // trust settings after the certificate
    const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
    const text =
      `-----BEGIN TRUSTED CERTIFICATE-----\n${b64(Buffer.concat([root, aux]))}\n-----END TRUSTED CERTIFICATE-----\n` +
      `-----BEGIN CERTIFICATE-----\n${b64(Uint8Array.of(0x04, 0x02, 1, 2))}\n-----END CERTIFICATE-----\n` +
      `-----BEGIN CERTIFICATE-----\n${b64(root.subarray(0, root.length - 1))}\n-----END CERTIFICATE-----\n`;
    assert.deepEqual(pemCertificates(text, false), [root]);
    assert.deepEqual(pemCertificates(text), [root]);
  });
});
