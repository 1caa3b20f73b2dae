/**
 * Chain verification against the test PKI: every case of the negative-test table, each also run
 * through the real `openssl verify` so the X509_V_ERR code and depth provably match OpenSSL 3.0.
 * The openssl flags mirror what a TLS client checks: -purpose sslserver, and -auth_level 2 (the
 * security level this platform's OpenSSL uses by default).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import { TlsAlert } from '../../src/tls/errors.js';
import {
  X509V,
  verifyErrorAlert,
  verifyServerChain,
  x509ErrorText,
  type VerifyInput,
} from '../../src/tls/x509/index.js';
import { loadCaFile } from '../../src/cli/truststore.js';
import { ensurePki, type Pki } from '../helpers/pki.js';

let pki: Pki;
let extra: string;
const env = { ...process.env, OPENSSL_CONF: '/dev/null' };

function pemToDer(pem: string): Uint8Array {
  return new Uint8Array(new X509Certificate(pem).raw);
}

/** `openssl verify` as a TLS client would check; returns the first reported error (or 0). */
function opensslVerify(o: {
  cafile: string;
  untrusted: string[];
  leaf: string;
  host?: string;
  ip?: string;
  args?: string[];
}): { code: number; depth: number; text: string } {
  const args = ['verify', '-CAfile', o.cafile, '-purpose', 'sslserver', '-auth_level', '2', ...(o.args ?? [])];
  for (const u of o.untrusted) args.push('-untrusted', u);
  if (o.host) args.push('-verify_hostname', o.host);
  if (o.ip) args.push('-verify_ip', o.ip);
  args.push(o.leaf);
  const r = spawnSync('openssl', args, { encoding: 'utf8', env });
  const out = `${r.stdout}\n${r.stderr}`;
  const m = /error (\d+) at (\d+) depth lookup: (.*)/.exec(out);
  if (m) return { code: Number(m[1]), depth: Number(m[2]), text: m[3]!.trim() };
  assert.match(out, /: OK$/m, `unexpected openssl output: ${out}`);
  return { code: 0, depth: 0, text: 'ok' };
}

interface Case {
  name: string;
  leaf: () => string;
  /** Certificates sent after the leaf (files, in order). */
  sent: () => string[];
  host?: string;
  ip?: string;
  code: number;
  depth: number;
  /** Where tls-probe deliberately differs from OpenSSL, what OpenSSL says. */
  openssl?: { code: number; depth: number };
  opts?: Partial<VerifyInput>;
}

const L = (n: string) => () => pki.leaf(n as never).cert;
const ica = () => [pki.ica];

const CASES: Case[] = [
  { name: 'RSA-2048 leaf', leaf: L('rsa2048'), sent: ica, host: 'localhost', code: 0, depth: 0 },
  { name: 'RSA-4096 leaf', leaf: L('rsa4096'), sent: ica, host: 'localhost', code: 0, depth: 0 },
  { name: 'ECDSA P-256 leaf', leaf: L('p256'), sent: ica, host: 'localhost', code: 0, depth: 0 },
  { name: 'ECDSA P-384 leaf', leaf: L('p384'), sent: ica, host: 'localhost', code: 0, depth: 0 },
  { name: 'Ed25519 leaf', leaf: L('ed25519'), sent: ica, host: 'localhost', code: 0, depth: 0 },
  { name: 'leaf directly under the root', leaf: L('direct'), sent: () => [], host: 'localhost', code: 0, depth: 0 },
  { name: 'expired (2020-2021)', leaf: L('expired'), sent: ica, host: 'localhost', code: 10, depth: 0 },
  { name: 'not yet valid (2099-)', leaf: L('notyet'), sent: ica, host: 'localhost', code: 9, depth: 0 },
  { name: 'SAN wrong.host.test', leaf: L('wronghost'), sent: ica, host: 'localhost', code: 62, depth: 0 },
  { name: 'self-signed leaf', leaf: L('selfsigned'), sent: () => [], host: 'localhost', code: 18, depth: 0 },
  {
    name: 'chain to an untrusted root',
    leaf: L('untrusted'),
    sent: () => [pki.file('untrusted-root.pem')],
    host: 'localhost',
    code: 19,
    depth: 1,
  },
  { name: 'leaf only, intermediate missing', leaf: L('p256'), sent: () => [], host: 'localhost', code: 20, depth: 0 },
  {
    name: 'nameConstraints violation',
    leaf: L('nameconstraints'),
    sent: () => [pki.file('ica-nc.pem')],
    host: 'localhost',
    code: 47,
    depth: 0,
  },
  { name: 'wildcard: a.wild.test', leaf: L('wildcard'), sent: ica, host: 'a.wild.test', code: 0, depth: 0 },
  { name: 'wildcard: a.b.wild.test', leaf: L('wildcard'), sent: ica, host: 'a.b.wild.test', code: 62, depth: 0 },
  { name: 'wildcard: wild.test', leaf: L('wildcard'), sent: ica, host: 'wild.test', code: 62, depth: 0 },
  // Policy: CN-only certificates are rejected (see src/tls/x509/hostname.ts); OpenSSL 3.0 accepts.
  {
    name: 'CN only, no SAN (rejected by policy)',
    leaf: L('cnonly'),
    sent: ica,
    host: 'localhost',
    code: 62,
    depth: 0,
    openssl: { code: 0, depth: 0 },
  },
  {
    name: 'CN only, no SAN, cnFallback',
    leaf: L('cnonly'),
    sent: ica,
    host: 'localhost',
    code: 0,
    depth: 0,
    opts: { cnFallback: true },
  },
  { name: 'SHA-1 signed', leaf: L('sha1'), sent: ica, host: 'localhost', code: 68, depth: 0 },
  { name: 'RSA-1024 leaf', leaf: L('rsa1024'), sent: ica, host: 'localhost', code: 66, depth: 0 },
  { name: 'clientAuth-only leaf as a server', leaf: L('client'), sent: ica, code: 26, depth: 0 },
  {
    name: 'revoked leaf (no CRL/OCSP check in path validation)',
    leaf: L('revoked'),
    sent: ica,
    host: 'localhost',
    code: 0,
    depth: 0,
  },
  { name: 'IP 127.0.0.1', leaf: L('p256'), sent: ica, ip: '127.0.0.1', code: 0, depth: 0 },
  { name: 'IP 127.0.0.2', leaf: L('p256'), sent: ica, ip: '127.0.0.2', code: 64, depth: 0 },
  { name: 'IPv6 ::1 not in SAN', leaf: L('p256'), sent: ica, ip: '::1', code: 64, depth: 0 },
  {
    name: 'hostname checked before IP',
    leaf: L('wronghost'),
    sent: ica,
    host: 'localhost',
    ip: '127.0.0.2',
    code: 62,
    depth: 0,
  },
  // Extra chains minted in before() below.
  {
    name: 'intermediate with CA:FALSE',
    leaf: () => join(extra, 'notca-leaf.pem'),
    sent: () => [join(extra, 'notca.pem')],
    host: 'localhost',
    code: 79,
    depth: 1,
  },
  {
    name: 'intermediate keyUsage without keyCertSign',
    leaf: () => join(extra, 'noku-leaf.pem'),
    sent: () => [join(extra, 'noku.pem')],
    host: 'localhost',
    code: 79,
    depth: 1,
  },
  {
    name: 'pathlen:0 intermediate above another CA',
    leaf: () => join(extra, 'sub-leaf.pem'),
    sent: () => [join(extra, 'sub.pem'), pki.ica],
    host: 'localhost',
    code: 25,
    depth: 2,
  },
  {
    name: 'RSA-1024 intermediate',
    leaf: () => join(extra, 'weakca-leaf.pem'),
    sent: () => [join(extra, 'weakca.pem')],
    host: 'localhost',
    code: 67,
    depth: 1,
  },
  {
    name: 'intermediate with clientAuth-only EKU',
    leaf: () => join(extra, 'ekuca-leaf.pem'),
    sent: () => [join(extra, 'ekuca.pem')],
    host: 'localhost',
    code: 26,
    depth: 1,
  },
  {
    name: 'unknown critical extension',
    leaf: () => join(extra, 'crit.pem'),
    sent: ica,
    host: 'localhost',
    code: 34,
    depth: 0,
  },
  {
    name: 'tampered leaf (signature failure)',
    leaf: () => join(extra, 'tampered.pem'),
    sent: ica,
    host: 'localhost',
    code: 7,
    depth: 0,
  },
  {
    name: 'out of order with extra certificates',
    leaf: L('p256'),
    sent: () => [pki.file('untrusted-root.pem'), pki.root, pki.leaf('rsa2048').cert, pki.ica],
    host: 'localhost',
    code: 0,
    depth: 0,
  },
];

function mintExtras(dir: string): void {
  const ossl = (...a: string[]): void =>
    void execFileSync('openssl', a, { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const LEAF =
    'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n';
  const CA = (more = ''): string =>
    `basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n${more}subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n`;
  const mk = (name: string, issuer: [string, string], ext: string, subj: string, rsa1024 = false): void => {
    if (rsa1024) ossl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024', '-out', `${name}.key`);
    else ossl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
    ossl('req', '-new', '-key', `${name}.key`, '-subj', subj, '-out', `${name}.csr`);
    writeFileSync(join(dir, `${name}.ext`), ext);
    ossl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      issuer[0],
      '-CAkey',
      issuer[1],
      '-set_serial',
      String(1000 + Math.floor(Math.random() * 1e6)),
      '-days',
      '365',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    );
  };
  const root: [string, string] = [pki.root, pki.rootKey];
  const own = (n: string): [string, string] => [join(dir, `${n}.pem`), join(dir, `${n}.key`)];
  mk(
    'notca',
    root,
    'basicConstraints=critical,CA:FALSE\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n',
    '/CN=Not A CA',
  );
  mk('notca-leaf', own('notca'), LEAF, '/CN=localhost');
  mk(
    'noku',
    root,
    'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n',
    '/CN=No KU CA',
  );
  mk('noku-leaf', own('noku'), LEAF, '/CN=localhost');
  mk('sub', [pki.ica, pki.icaKey], CA(), '/CN=Sub CA');
  mk('sub-leaf', own('sub'), LEAF, '/CN=localhost');
  mk('weakca', root, CA(), '/CN=Weak CA', true);
  mk('weakca-leaf', own('weakca'), LEAF, '/CN=localhost');
  mk('ekuca', root, CA('extendedKeyUsage=clientAuth\n'), '/CN=Client-only CA');
  mk('ekuca-leaf', own('ekuca'), LEAF, '/CN=localhost');
  mk('crit', [pki.ica, pki.icaKey], LEAF + '1.2.3.4=critical,ASN1:NULL\n', '/CN=localhost');
  // Flip one bit of the serial number: the structure stays valid, the signature does not.
  const der = pemToDer(readFileSync(pki.leaf('p256').cert, 'utf8'));
  assert.equal(der[13], 0x02, 'serial INTEGER where expected');
  der[16]! ^= 0x01;
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  writeFileSync(join(dir, 'tampered.pem'), `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`);
  // A chain of 12 intermediates: root -> c1 -> ... -> c12 -> long-leaf.
  let issuer = root;
  for (let i = 1; i <= 12; i++) {
    mk(`c${i}`, issuer, CA(), `/CN=Chain CA ${i}`);
    issuer = own(`c${i}`);
  }
  mk('long-leaf', issuer, LEAF, '/CN=localhost');
}

before(async () => {
  pki = await ensurePki();
  extra = mkdtempSync(join(tmpdir(), 'tls-probe-x509-'));
  mintExtras(extra);
});
after(() => rmSync(extra, { recursive: true, force: true }));

function ours(c: Case): ReturnType<typeof verifyServerChain> {
  const chain = [c.leaf(), ...c.sent()].flatMap((f) => loadCaFile(f));
  const input: VerifyInput = { chain, anchors: loadCaFile(pki.root), now: new Date(), ...c.opts };
  if (c.host) input.hostname = c.host;
  if (c.ip) input.ip = c.ip;
  return verifyServerChain(input);
}

describe('verifyServerChain matches openssl verify', () => {
  for (const c of CASES) {
    it(`${c.name}: ${c.code}${c.code ? ` at depth ${c.depth}` : ''}`, () => {
      const r = ours(c);
      assert.deepEqual({ code: r.code, depth: r.depth }, { code: c.code, depth: c.depth });
      assert.equal(r.message, x509ErrorText(c.code));
      if (c.opts) return; // options with no openssl equivalent; the plain case is cross-checked
      const o = opensslVerify({
        cafile: pki.root,
        untrusted: c.sent(),
        leaf: c.leaf(),
        ...(c.host ? { host: c.host } : {}),
        ...(c.ip ? { ip: c.ip } : {}),
      });
      assert.deepEqual(
        { code: o.code, depth: o.depth },
        c.openssl ?? { code: c.code, depth: c.depth },
        `openssl verify said ${o.code} at ${o.depth}: ${o.text}`,
      );
      if (!c.openssl) assert.equal(o.text, r.message);
    });
  }

  it('ok paths end at the anchor, leaf first', () => {
    const r = ours(CASES[2]!);
    assert.equal(r.path.length, 3);
    assert.deepEqual(r.path[0], pemToDer(readFileSync(pki.leaf('p256').cert, 'utf8')));
    assert.deepEqual(r.path[2], pemToDer(readFileSync(pki.root, 'utf8')));
  });

  it('an intermediate as the only anchor: 2 (unable to get issuer certificate) like openssl', () => {
    const r = verifyServerChain({
      chain: loadCaFile(pki.leaf('p256').chain),
      anchors: loadCaFile(pki.ica),
      hostname: 'localhost',
      now: new Date(),
    });
    assert.deepEqual({ code: r.code, depth: r.depth }, { code: 2, depth: 1 });
    const o = opensslVerify({ cafile: pki.ica, untrusted: [], leaf: pki.leaf('p256').cert, host: 'localhost' });
    assert.deepEqual({ code: o.code, depth: o.depth }, { code: 2, depth: 1 });
  });

  it('a self-signed leaf that is itself an anchor is trusted', () => {
    const der = loadCaFile(pki.leaf('selfsigned').cert);
    const r = verifyServerChain({ chain: der, anchors: der, hostname: 'localhost', now: new Date() });
    assert.equal(r.code, 0);
    const o = opensslVerify({
      cafile: pki.leaf('selfsigned').cert,
      untrusted: [],
      leaf: pki.leaf('selfsigned').cert,
      host: 'localhost',
    });
    assert.equal(o.code, 0);
  });

  it("time is the caller's clock: the expired leaf verifies in 2020, the root check still applies", () => {
    const chain = loadCaFile(pki.leaf('expired').chain);
    const anchors = loadCaFile(pki.root);
    assert.equal(
      verifyServerChain({ chain, anchors, hostname: 'localhost', now: new Date('2020-06-01T00:00:00Z') }).code,
      0,
    );
    assert.equal(
      verifyServerChain({ chain, anchors, hostname: 'localhost', now: new Date('2021-01-01T00:00:00Z') }).code,
      X509V.CERT_HAS_EXPIRED,
    );
  });

  it('security level 0 accepts SHA-1 and RSA-1024, level 1 rejects only SHA-1', () => {
    const run = (n: string, securityLevel: number) =>
      verifyServerChain({
        chain: loadCaFile(pki.leaf(n as never).chain),
        anchors: loadCaFile(pki.root),
        hostname: 'localhost',
        now: new Date(),
        securityLevel,
      }).code;
    assert.equal(run('sha1', 0), 0);
    assert.equal(run('rsa1024', 0), 0);
    assert.equal(run('sha1', 1), 68);
    assert.equal(run('rsa1024', 1), 0);
  });

  it('chains longer than maxDepth intermediates fail with 22, within it they verify', () => {
    const chain = [
      join(extra, 'long-leaf.pem'),
      ...Array.from({ length: 12 }, (_, i) => join(extra, `c${12 - i}.pem`)),
    ].flatMap((f) => loadCaFile(f));
    const anchors = loadCaFile(pki.root);
    const long = verifyServerChain({ chain, anchors, hostname: 'localhost', now: new Date() });
    assert.equal(long.code, X509V.CERT_CHAIN_TOO_LONG);
    const untrusted = Array.from({ length: 12 }, (_, i) => join(extra, `c${i + 1}.pem`));
    const o = opensslVerify({
      cafile: pki.root,
      untrusted,
      leaf: join(extra, 'long-leaf.pem'),
      host: 'localhost',
      args: ['-verify_depth', '10'],
    });
    assert.deepEqual({ code: long.code, depth: long.depth }, { code: o.code, depth: o.depth });
    assert.equal(verifyServerChain({ chain, anchors, hostname: 'localhost', now: new Date(), maxDepth: 12 }).code, 0);
  });

  it('a hostile 150-certificate chain is bounded: only the first 100 are considered', () => {
    const junk = loadCaFile(pki.leaf('rsa2048').cert)[0]!;
    const leafIca = loadCaFile(pki.leaf('p256').chain);
    const anchors = loadCaFile(pki.root);
    // The work is counted, not timed: entries past the 100th are getters that count every read.
    let readsPast100 = 0;
    const counted = (chain: Uint8Array[]): Uint8Array[] => {
      for (let i = 100; i < chain.length; i++) {
        const der = chain[i];
        Object.defineProperty(chain, i, { get: () => (readsPast100++, der) });
      }
      return chain;
    };
    const late = counted([leafIca[0]!, ...Array<Uint8Array>(140).fill(junk), leafIca[1]!]);
    assert.equal(verifyServerChain({ chain: late, anchors, hostname: 'localhost', now: new Date() }).code, 20);
    const early = counted([
      leafIca[0]!,
      ...Array<Uint8Array>(90).fill(junk),
      leafIca[1]!,
      ...Array<Uint8Array>(50).fill(junk),
    ]);
    assert.equal(verifyServerChain({ chain: early, anchors, hostname: 'localhost', now: new Date() }).code, 0);
    assert.equal(readsPast100, 0, 'bounded work: nothing past the 100th certificate is looked at');
  });

  it('an empty or undecodable chain is a decode_error alert, not a verify result', () => {
    assert.throws(
      () => verifyServerChain({ chain: [], anchors: [], now: new Date() }),
      (e: unknown) => e instanceof TlsAlert && e.description === AlertDescription.decode_error,
    );
    assert.throws(
      () => verifyServerChain({ chain: [Uint8Array.of(0x30, 0x03, 1, 2, 3)], anchors: [], now: new Date() }),
      TlsAlert,
    );
  });
});

describe('X509_V_ERR texts and alerts', () => {
  it("texts are OpenSSL 3.0's", () => {
    assert.equal(x509ErrorText(0), 'ok');
    assert.equal(x509ErrorText(18), 'self-signed certificate');
    assert.equal(x509ErrorText(20), 'unable to get local issuer certificate');
    assert.equal(x509ErrorText(21), 'unable to verify the first certificate');
    assert.equal(x509ErrorText(26), 'unsuitable certificate purpose');
    assert.equal(x509ErrorText(79), 'invalid CA certificate');
    assert.equal(x509ErrorText(9999), 'unknown certificate verification error');
  });

  it('ssl_x509err2alert', () => {
    assert.equal(verifyErrorAlert(X509V.CERT_HAS_EXPIRED), AlertDescription.certificate_expired);
    assert.equal(verifyErrorAlert(X509V.CERT_NOT_YET_VALID), AlertDescription.bad_certificate);
    assert.equal(verifyErrorAlert(X509V.CERT_REVOKED), AlertDescription.certificate_revoked);
    assert.equal(verifyErrorAlert(X509V.DEPTH_ZERO_SELF_SIGNED_CERT), AlertDescription.unknown_ca);
    assert.equal(verifyErrorAlert(X509V.SELF_SIGNED_CERT_IN_CHAIN), AlertDescription.unknown_ca);
    assert.equal(verifyErrorAlert(X509V.UNABLE_TO_GET_ISSUER_CERT_LOCALLY), AlertDescription.unknown_ca);
    assert.equal(verifyErrorAlert(X509V.HOSTNAME_MISMATCH), AlertDescription.bad_certificate);
    assert.equal(verifyErrorAlert(X509V.IP_ADDRESS_MISMATCH), AlertDescription.bad_certificate);
    assert.equal(verifyErrorAlert(X509V.CERT_SIGNATURE_FAILURE), AlertDescription.decrypt_error);
    assert.equal(verifyErrorAlert(X509V.INVALID_PURPOSE), AlertDescription.unsupported_certificate);
    assert.equal(verifyErrorAlert(X509V.INVALID_CA), AlertDescription.unknown_ca);
    assert.equal(verifyErrorAlert(X509V.PERMITTED_VIOLATION), AlertDescription.certificate_unknown);
  });
});
