/**
 * CRL checking (issue 17 item 4; RFC 5280 §5 and §6.3) with generated certificates and CRLs, each
 * case also run through `openssl verify -crl_check[_all] -CRLfile` where OpenSSL 3.0 has the same
 * rule, so the X509_V_ERR code and depth provably match s_client's -CRL -crl_check(_all).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { X509V, verifyServerChain, type VerifyResult } from '../../src/tls/x509/index.js';
import { parseCrl } from '../../src/tls/x509/crl.js';
import { derTlv, Tag } from '../../src/tls/codec/der.js';
import {
  caExts,
  ext,
  mintCrl,
  mkCa,
  mkLeaf,
  mkRoot,
  p256,
  pem,
  rsa,
  serialOf,
  withExt,
  type Node,
} from '../helpers/certgen.js';

const NOW = new Date('2030-06-01T00:00:00Z');
const root = mkRoot('CRL Root');
const ica = mkCa('CRL ICA', root);
const good = mkLeaf(ica);
const revoked = mkLeaf(ica);
const icaCrl = mintCrl({ issuer: ica.name, signer: ica.key, revoked: [{ serial: serialOf(revoked.der) }] });
const rootCrl = mintCrl({ issuer: root.name, signer: root.key });

const dir = mkdtempSync(join(tmpdir(), 'tls-probe-crl-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
function file(der: Uint8Array, label = 'CERTIFICATE'): string {
  const f = join(dir, `${files++}.pem`);
  writeFileSync(f, pem(der, label));
  return f;
}

interface Case {
  leaf: Node;
  chain?: Uint8Array[];
  crls: Uint8Array[];
  mode: 'leaf' | 'all';
  anchors?: Uint8Array[];
}

function ours(c: Case): VerifyResult {
  return verifyServerChain({
    chain: [c.leaf.der, ...(c.chain ?? [ica.der])],
    anchors: c.anchors ?? [root.der],
    hostname: 'localhost',
    now: NOW,
    crls: c.crls,
    crlCheck: c.mode,
  });
}

/** `openssl verify` with the same inputs: the first error and its depth (0/0 when OK). */
function openssl(c: Case): { code: number; depth: number } {
  const args = ['verify', '-attime', String(NOW.getTime() / 1000), '-purpose', 'sslserver'];
  args.push(c.mode === 'all' ? '-crl_check_all' : '-crl_check');
  for (const a of c.anchors ?? [root.der]) args.push('-CAfile', file(a));
  for (const u of c.chain ?? [ica.der]) args.push('-untrusted', file(u));
  for (const crl of c.crls) args.push('-CRLfile', file(crl, 'X509 CRL'));
  args.push(file(c.leaf.der));
  const r = spawnSync('openssl', args, { encoding: 'utf8', env: { ...process.env, OPENSSL_CONF: '/dev/null' } });
  const m = /error (\d+) at (\d+) depth lookup/.exec(`${r.stdout}${r.stderr}`);
  return m ? { code: Number(m[1]), depth: Number(m[2]) } : { code: 0, depth: 0 };
}

function check(c: Case, code: number, depth: number, crossCheck = true): void {
  const r = ours(c);
  assert.deepEqual({ code: r.code, depth: r.depth }, { code, depth }, r.message);
  if (crossCheck) assert.deepEqual(openssl(c), { code, depth }, 'openssl verify agrees');
}

describe('RFC 5280 §6.3 CRL checking, as openssl -crl_check / -crl_check_all', () => {
  it('§5.1.2.6: a revoked leaf is 23; its sibling verifies', () => {
    check({ leaf: revoked, crls: [icaCrl], mode: 'leaf' }, X509V.CERT_REVOKED, 0);
    check({ leaf: good, crls: [icaCrl], mode: 'leaf' }, 0, 0);
  });

  it('§6.3.3: no CRL from the issuer of a checked certificate is 3', () => {
    check({ leaf: good, crls: [], mode: 'leaf' }, X509V.UNABLE_TO_GET_CRL, 0);
    check({ leaf: good, crls: [rootCrl], mode: 'leaf' }, X509V.UNABLE_TO_GET_CRL, 0);
  });

  it('§5.1.2.5: a CRL past its nextUpdate is 12, one before its thisUpdate 11', () => {
    const expired = mintCrl({ issuer: ica.name, signer: ica.key, nextUpdate: new Date('2029-01-01Z') });
    check({ leaf: good, crls: [expired], mode: 'leaf' }, X509V.CRL_HAS_EXPIRED, 0);
    const future = mintCrl({ issuer: ica.name, signer: ica.key, thisUpdate: new Date('2031-01-01Z') });
    check({ leaf: good, crls: [future], mode: 'leaf' }, X509V.CRL_NOT_YET_VALID, 0);
  });

  it('§6.3.3 (f): a CRL not signed by the issuer is 8', () => {
    const forged = mintCrl({ issuer: ica.name, signer: p256() });
    check({ leaf: good, crls: [forged], mode: 'leaf' }, X509V.CRL_SIGNATURE_FAILURE, 0);
  });

  it('§4.2.1.3: an issuer whose keyUsage lacks cRLSign is 35', () => {
    const k = p256();
    const noCrlSign = mkCa(
      'No cRLSign',
      root,
      { key: k, extensions: withExt(caExts(k, root.key), ext.keyUsage([5])) },
      k,
    );
    const leaf = mkLeaf(noCrlSign);
    const crl = mintCrl({ issuer: noCrlSign.name, signer: k });
    check({ leaf, chain: [noCrlSign.der], crls: [crl], mode: 'leaf' }, X509V.KEYUSAGE_NO_CRL_SIGN, 0);
  });

  it('crl_check_all: every certificate, the root included, needs its issuer CRL', () => {
    check({ leaf: good, crls: [icaCrl], mode: 'all' }, X509V.UNABLE_TO_GET_CRL, 1);
    check({ leaf: good, crls: [icaCrl, rootCrl], mode: 'all' }, 0, 0);
    const revokedIca = mintCrl({ issuer: root.name, signer: root.key, revoked: [{ serial: serialOf(ica.der) }] });
    check({ leaf: good, crls: [icaCrl, revokedIca], mode: 'all' }, X509V.CERT_REVOKED, 1);
    check({ leaf: good, crls: [icaCrl, revokedIca], mode: 'leaf' }, 0, 0);
  });

  it('without crlCheck a revoking CRL is not consulted', () => {
    const r = verifyServerChain({
      chain: [revoked.der, ica.der],
      anchors: [root.der],
      hostname: 'localhost',
      now: NOW,
      crls: [icaCrl],
    });
    assert.equal(r.code, 0);
  });

  it('§5.2.4: a delta CRL is refused (36), not used as a complete one', () => {
    const delta = mintCrl({
      issuer: ica.name,
      signer: ica.key,
      extensions: [ext.raw('2.5.29.27', derTlv(Tag.INTEGER, Uint8Array.of(1)), true)],
    });
    assert.equal(parseCrl(delta).delta, true);
    check({ leaf: good, crls: [delta], mode: 'leaf' }, X509V.UNHANDLED_CRITICAL_CRL_EXTENSION, 0, false);
  });

  it('§5.2: an unknown critical CRL extension is 36', () => {
    const crl = mintCrl({
      issuer: ica.name,
      signer: ica.key,
      extensions: [ext.raw('1.2.3.4', derTlv(Tag.NULL, new Uint8Array(0)), true)],
    });
    check({ leaf: good, crls: [crl], mode: 'leaf' }, X509V.UNHANDLED_CRITICAL_CRL_EXTENSION, 0);
  });

  it('§5.2.5: a CRL scoped to CA certificates does not cover a leaf (44)', () => {
    const idp = derTlv(Tag.SEQUENCE, derTlv(0x82, Uint8Array.of(0xff)));
    const crl = mintCrl({ issuer: ica.name, signer: ica.key, extensions: [ext.raw('2.5.29.28', idp, true)] });
    assert.equal(ours({ leaf: good, crls: [crl], mode: 'leaf' }).code, X509V.DIFFERENT_CRL_SCOPE);
  });

  it('a CRL that does not decode covers nothing (3), and parseCrl says why', () => {
    check({ leaf: good, crls: [Uint8Array.of(0x30, 0x03, 2, 1, 1)], mode: 'leaf' }, X509V.UNABLE_TO_GET_CRL, 0, false);
    assert.throws(() => parseCrl(Uint8Array.of(0x30, 0x03, 2, 1, 1)));
  });

  it('an RSA issuer with an RSA-signed CRL (sha256WithRSAEncryption)', () => {
    const rsaRoot = mkRoot('RSA CRL Root', {}, rsa());
    const k = rsaRoot.key;
    const leaf = mkLeaf(rsaRoot);
    const crl = mintCrl({ issuer: rsaRoot.name, signer: k, revoked: [{ serial: serialOf(leaf.der) }] });
    check({ leaf, chain: [], anchors: [rsaRoot.der], crls: [crl], mode: 'leaf' }, X509V.CERT_REVOKED, 0);
  });
});

describe('mutated CRLs and certificates (seeded, bounded)', () => {
  /** xorshift32: the same mutations on every run. */
  function rng(seed: number): () => number {
    let x = seed >>> 0 || 1;
    return () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) / 0x100000000;
    };
  }
  function mutate(src: Uint8Array, r: () => number): Uint8Array {
    const out = src.slice();
    const n = 1 + Math.floor(r() * 4);
    for (let i = 0; i < n; i++) out[Math.floor(r() * out.length)] = Math.floor(r() * 256);
    return out;
  }

  it('2000 mutated CRLs: parseCrl returns or throws DerError; a CRL check returns a code', () => {
    const r = rng(17);
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const crl = mutate(icaCrl, r);
      try {
        parseCrl(crl);
      } catch (e) {
        assert.equal((e as Error).name, 'DerError', `iteration ${i}: ${String(e)}`);
      }
      const res = ours({ leaf: revoked, crls: [crl], mode: 'leaf' });
      outcomes.set(String(res.code), (outcomes.get(String(res.code)) ?? 0) + 1);
    }
    // Most single-byte changes break the signature (8) or the decoding (3); none may verify as "not revoked".
    assert.equal(outcomes.get('0') ?? 0, 0, JSON.stringify([...outcomes]));
    assert.ok((outcomes.get(String(X509V.CRL_SIGNATURE_FAILURE)) ?? 0) > 0, JSON.stringify([...outcomes]));
  });

  it('1000 mutated leaves under the strict profile: a result or a decode_error alert, never another exception', () => {
    const r = rng(23);
    for (let i = 0; i < 1000; i++) {
      const leaf = mutate(good.der, r);
      try {
        const res = verifyServerChain({
          chain: [leaf, ica.der],
          anchors: [root.der],
          hostname: 'localhost',
          now: NOW,
          profile: 'strict',
          crls: [icaCrl],
          crlCheck: 'all',
        });
        assert.equal(typeof res.code, 'number');
      } catch (e) {
        assert.equal((e as Error).name, 'TlsAlert', `iteration ${i}: ${String(e)}`);
      }
    }
  });
});
