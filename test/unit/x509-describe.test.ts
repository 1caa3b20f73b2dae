/**
 * describeCertificate() against what the openssl CLI prints for the same certificates: subject and
 * issuer (default "oneline" name format), dates, SHA-256 fingerprint, key and signature algorithm.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadCaFile } from '../../src/cli/truststore.js';
import { describeCertificate, parseCertificate, sigAlgShortName } from '../../src/tls/x509/index.js';
import { ensurePki, type Pki } from '../helpers/pki.js';

let pki: Pki;
let tmp: string;
const env = { ...process.env, OPENSSL_CONF: '/dev/null' };
const openssl = (...args: string[]): string => execFileSync('openssl', args, { encoding: 'utf8', env });

/** The fields `openssl x509 -noout -subject -issuer -dates -fingerprint -sha256 -text` shows. */
function opensslFacts(file: string): Record<string, string> {
  const out = openssl('x509', '-in', file, '-noout', '-subject', '-issuer', '-dates', '-fingerprint', '-sha256');
  const f: Record<string, string> = {};
  for (const line of out.trim().split('\n')) {
    const i = line.indexOf('=');
    f[line.slice(0, i)] = line.slice(i + 1);
  }
  const text = openssl('x509', '-in', file, '-noout', '-text');
  f['keyalg'] = /Public Key Algorithm: (\S+)/.exec(text)![1]!;
  f['sigalg'] = /Signature Algorithm: (\S+)/.exec(text)![1]!;
  const bits = /Public-Key: \((\d+) bit\)/.exec(text);
  if (bits) f['bits'] = bits[1]!;
  return f;
}

before(async () => {
  pki = await ensurePki();
  tmp = mkdtempSync(join(tmpdir(), 'tls-probe-describe-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('describeCertificate matches openssl x509', () => {
  const files: Array<[string, () => string]> = [
    ['rsa2048 leaf', () => pki.leaf('rsa2048').cert],
    ['p384 leaf', () => pki.leaf('p384').cert],
    ['ed25519 leaf', () => pki.leaf('ed25519').cert],
    ['expired leaf (2020 dates)', () => pki.leaf('expired').cert],
    ['notyet leaf (GeneralizedTime 2099)', () => pki.leaf('notyet').cert],
    ['sha1-signed leaf', () => pki.leaf('sha1').cert],
    ['RSA root', () => pki.root],
    ['P-256 intermediate', () => pki.ica],
  ];
  for (const [name, file] of files) {
    it(name, () => {
      const want = opensslFacts(file());
      const d = describeCertificate(loadCaFile(file())[0]!);
      assert.equal(d.subject, want['subject']);
      assert.equal(d.issuer, want['issuer']);
      assert.equal(d.notBefore, want['notBefore']);
      assert.equal(d.notAfter, want['notAfter']);
      assert.equal(d.sha256, want['sha256 Fingerprint']);
      assert.equal(d.sigalg, want['sigalg']);
      if (want['keyalg'] !== 'ED25519') assert.equal(d.publicKey, want['keyalg']);
      else assert.equal(d.publicKey, 'ED25519');
      if (want['bits']) assert.equal(String(d.publicKeyBits), want['bits']);
    });
  }

  it("spells key types and sizes like s_client's a:PKEY line", () => {
    const d = (n: string) => describeCertificate(loadCaFile(pki.leaf(n as never).cert)[0]!);
    assert.deepEqual([d('rsa4096').publicKey, d('rsa4096').publicKeyBits], ['rsaEncryption', 4096]);
    assert.deepEqual([d('p256').publicKey, d('p256').publicKeyBits], ['id-ecPublicKey', 256]);
    assert.deepEqual([d('ed25519').publicKey, d('ed25519').publicKeyBits], ['ED25519', 253]);
    assert.equal(sigAlgShortName(parseCertificate(loadCaFile(pki.root)[0]!).sigAlgOid), 'RSA-SHA256');
  });

  it('escapes and quotes names as openssl does (multi-valued RDN, UTF-8, specials)', () => {
    const key = join(tmp, 't.key');
    const pem = join(tmp, 't.pem');
    openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key);
    const subj =
      '/C=DE/O=Müller, Söhne \\+ Co "quoted"/OU=a+OU=b/CN= lead#;x<y>\\\\back/emailAddress=a@b.test/DC=example/street=#hash';
    openssl('req', '-x509', '-new', '-key', key, '-utf8', '-multivalue-rdn', '-subj', subj, '-days', '1', '-out', pem);
    const want = opensslFacts(pem);
    const d = describeCertificate(loadCaFile(pem)[0]!);
    assert.equal(d.subject, want['subject']);
    assert.match(d.subject, /O = "M\\C3\\BCller, S\\C3\\B6hne \+ Co \\"quoted\\""/);
    assert.match(d.subject, /OU = a \+ OU = b/);
  });

  it('exposes the extensions verification needs', () => {
    const c = parseCertificate(loadCaFile(pki.file('ica-nc.pem'))[0]!);
    assert.deepEqual(c.basicConstraints, { ca: true, pathLen: 0 });
    assert.deepEqual(
      c.nameConstraints?.permitted.map((s) => s.base),
      [{ type: 'dns', value: '.allowed.test' }],
    );
    const leaf = parseCertificate(loadCaFile(pki.leaf('client').cert)[0]!);
    assert.deepEqual(leaf.extKeyUsage, ['1.3.6.1.5.5.7.3.2']);
    assert.equal(leaf.authorityKeyId?.keyId, parseCertificate(loadCaFile(pki.ica)[0]!).subjectKeyId);
    assert.deepEqual(parseCertificate(loadCaFile(pki.leaf('p256').cert)[0]!).subjectAltNames, [
      { type: 'dns', value: 'localhost' },
      { type: 'ip', bytes: Uint8Array.of(127, 0, 0, 1) },
    ]);
  });
});

describe('describeCertificate on garbage', () => {
  it('raises a decode_error alert', async () => {
    const { TlsAlert } = await import('../../src/tls/errors.js');
    assert.throws(
      () => describeCertificate(Uint8Array.of(0x30, 0x00)),
      (e: unknown) => e instanceof TlsAlert && e.alertName === 'decode_error',
    );
  });
});
