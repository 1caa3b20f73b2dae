/**
 * Path building (issue 17 item 3) and the work bounds (item 6) with generated chains: alternate
 * paths when the first candidate fails, RFC 5280 §6.1 path-length and depth counting, validity
 * inclusive of notAfter, and hostile inputs whose cost is proven by the work counters the verifier
 * returns (no timing assertions: bench/verify.mjs measures time).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { X509V, verifyServerChain, type VerifyInput, type VerifyResult } from '../../src/tls/x509/index.js';
import { NC_BUDGET } from '../../src/tls/x509/constraints.js';
import { MAX_PATHS, MAX_SIGNATURES } from '../../src/tls/x509/path.js';
import { caExts, ext, gn, leafExts, mint, mkCa, mkLeaf, mkRoot, p256, withExt, type Node } from '../helpers/certgen.js';

const NOW = new Date('2030-06-01T00:00:00Z');
const sameDer = (a: Uint8Array | undefined, b: Uint8Array): boolean =>
  a !== undefined && Buffer.from(a).equals(Buffer.from(b));

function run(chain: Uint8Array[], anchors: Uint8Array[], o: Partial<VerifyInput> = {}): VerifyResult {
  return verifyServerChain({ chain, anchors, hostname: 'localhost', now: NOW, ...o });
}

/** The same subject and key as `ca`, issued by `issuer` (a cross-certificate or a reissue). */
function reissue(ca: Node, issuer: Node, o: { notAfter?: Date; extra?: ReturnType<typeof ext.raw>[] } = {}): Node {
  const der = mint({
    subject: ca.name,
    issuer: issuer.name,
    key: ca.key,
    signer: issuer.key,
    extensions: [...caExts(ca.key, issuer.key), ...(o.extra ?? [])],
    ...(o.notAfter ? { notAfter: o.notAfter } : {}),
  });
  return { key: ca.key, name: ca.name, der };
}

describe('RFC 4158-style alternate paths: the first failing candidate is not the last word', () => {
  it('cross-signed root: the self-signed old root is not trusted, its cross-certificate is', () => {
    const oldRoot = mkRoot('Old Root');
    const newRoot = mkRoot('New Root');
    const ica = mkCa('X ICA', oldRoot);
    const leaf = mkLeaf(ica);
    const cross = reissue(oldRoot, newRoot);
    // The peer sends the old self-signed root first: OpenSSL's first path ends there (19).
    const r = run([leaf.der, ica.der, oldRoot.der, cross.der], [newRoot.der]);
    assert.equal(r.code, 0, `${r.code} ${r.message}`);
    assert.ok(sameDer(r.path[r.path.length - 1], newRoot.der), 'the path ends at the new root');
    assert.ok(r.work.paths >= 2, `an alternate was tried (${r.work.paths} paths)`);
    // Without the cross-certificate, the first path's error is what is reported.
    assert.deepEqual(
      { code: run([leaf.der, ica.der, oldRoot.der], [newRoot.der]).code },
      { code: X509V.SELF_SIGNED_CERT_IN_CHAIN },
    );
  });

  it('swapped order and duplicates: leaf, ICA-2, ICA-1, ICA-2 again', () => {
    const root = mkRoot('Swap Root');
    const ica1 = mkCa('ICA 1', root);
    const ica2 = mkCa('ICA 2', ica1);
    const leaf = mkLeaf(ica2);
    assert.equal(run([leaf.der, ica1.der, ica2.der, ica2.der], [root.der]).code, 0);
  });

  it('an intermediate reissued under an untrusted CA, sent first, and its trusted sibling', () => {
    const root = mkRoot('Sibling Root');
    const stranger = mkRoot('Stranger Root');
    const ica = mkCa('Sibling ICA', root);
    const leaf = mkLeaf(ica);
    const viaStranger = reissue(ica, stranger);
    const r = run([leaf.der, viaStranger.der, stranger.der, ica.der], [root.der]);
    assert.equal(r.code, 0, `${r.code} ${r.message}`);
    assert.ok(r.work.paths >= 2, `${r.work.paths} paths`);
  });

  it('RFC 5280 §4.1.2.5: an expired intermediate with a valid sibling (same name and key)', () => {
    const root = mkRoot('Expiry Root');
    const ica = mkCa('Expiry ICA', root);
    const old = reissue(ica, root, { notAfter: new Date('2025-01-01Z') });
    const leaf = mkLeaf(ica);
    assert.equal(run([leaf.der, old.der, ica.der], [root.der]).code, 0);
    assert.deepEqual(
      { code: run([leaf.der, old.der], [root.der]).code, depth: run([leaf.der, old.der], [root.der]).depth },
      { code: X509V.CERT_HAS_EXPIRED, depth: 1 },
    );
  });

  it('RFC 5280 §4.2.1.10: an intermediate excluded by a name constraint, with an allowed sibling', () => {
    const root = mkRoot('NC Root');
    const ica = mkCa('NC ICA', root);
    const excluded = reissue(ica, root, { extra: [ext.nameConstraints([], [gn.dns('localhost')])] });
    const leaf = mkLeaf(ica);
    const first = run([leaf.der, excluded.der], [root.der]);
    assert.deepEqual({ code: first.code, depth: first.depth }, { code: X509V.EXCLUDED_VIOLATION, depth: 0 });
    const r = run([leaf.der, excluded.der, ica.der], [root.der]);
    assert.equal(r.code, 0, `${r.code} ${r.message}`);
    assert.equal(r.work.paths, 2);
  });
});

describe('RFC 5280 §6.1.4 path length and depth', () => {
  const root = mkRoot('Len Root');
  const ica0 = mkCa('Len ICA', root, {}); // replaced below with pathLen 0
  const key = ica0.key;
  const icaLen0: Node = {
    key,
    name: ica0.name,
    der: mint({ subject: ica0.name, issuer: root.name, key, signer: root.key, extensions: caExts(key, root.key, 0) }),
  };
  /** A self-issued certificate (same name) for a new key: a key rollover (RFC 5280 §6.1, "self-issued"). */
  const rolloverKey = p256();
  const rollover: Node = {
    key: rolloverKey,
    name: icaLen0.name,
    der: mint({
      subject: icaLen0.name,
      issuer: icaLen0.name,
      key: rolloverKey,
      signer: icaLen0.key,
      extensions: caExts(rolloverKey, icaLen0.key),
    }),
  };

  it('§6.1.4 (l): a self-issued intermediate does not count against pathLenConstraint 0', () => {
    const leaf = mkLeaf(rollover);
    const r = run([leaf.der, rollover.der, icaLen0.der], [root.der]);
    assert.equal(r.code, 0, `${r.code} ${r.message}`);
    assert.equal(r.path.length, 4);
  });

  it('§6.1.4 (m): a non-self-issued CA under pathLenConstraint 0 exceeds it (25)', () => {
    const sub = mkCa('Len Sub', icaLen0);
    const r = run([mkLeaf(sub).der, sub.der, icaLen0.der], [root.der]);
    assert.deepEqual({ code: r.code, depth: r.depth }, { code: X509V.PATH_LENGTH_EXCEEDED, depth: 2 });
  });

  it("§4.2.1.9: a leaf's pathLenConstraint is ignored", () => {
    const k = p256();
    const leaf = mkLeaf(icaLen0, {
      key: k,
      extensions: withExt(leafExts(k, icaLen0.key), ext.basicConstraints(false, 0)),
    });
    assert.equal(run([leaf.der, icaLen0.der], [root.der]).code, 0);
  });

  it('maxDepth counts non-self-issued intermediates only (22 beyond it)', () => {
    const leaf = mkLeaf(rollover);
    assert.equal(run([leaf.der, rollover.der, icaLen0.der], [root.der], { maxDepth: 1 }).code, 0);
    const d1 = mkCa('Depth 1b', root);
    const d2 = mkCa('Depth 2b', d1);
    const r = run([mkLeaf(d2).der, d2.der, d1.der], [root.der], { maxDepth: 1 });
    assert.deepEqual({ code: r.code, depth: r.depth }, { code: X509V.CERT_CHAIN_TOO_LONG, depth: 2 });
  });

  it('§4.1.2.5: validity includes notAfter itself; one second later is expired (10)', () => {
    const notAfter = new Date('2031-01-01T00:00:00Z');
    const leaf = mkLeaf(icaLen0, { notAfter });
    const at = (d: Date): number => run([leaf.der, icaLen0.der], [root.der], { now: d }).code;
    assert.equal(at(notAfter), 0);
    assert.equal(at(new Date(notAfter.getTime() + 1000)), X509V.CERT_HAS_EXPIRED);
  });
});

describe('work bounds (issue 17 item 6), asserted by count', () => {
  it(`a chain of same-named CAs is bounded: at most ${MAX_PATHS} paths and ${MAX_SIGNATURES} signatures`, () => {
    const root = mkRoot('Bound Root');
    const evil = mkRoot('Evil Root');
    const ca = mkCa('Same Name', evil);
    // 60 certificates for the same subject name and key, issued by each other in a cycle of names.
    const copies = Array.from({ length: 60 }, () => reissue(ca, { ...ca, key: ca.key }).der);
    const leaf = mkLeaf(ca);
    const r = run([leaf.der, ...copies], [root.der]);
    assert.notEqual(r.code, 0);
    assert.ok(r.work.paths <= MAX_PATHS, `${r.work.paths} paths`);
    assert.ok(r.work.signatures <= MAX_SIGNATURES, `${r.work.signatures} signatures`);
  });

  it(`names x constraints: a hostile chain exhausts the ${NC_BUDGET}-comparison budget and fails (1)`, () => {
    const root = mkRoot('Budget Root');
    const k = p256();
    // Every name is permitted and none excluded, so no early exit: 401 names x 800 subtrees = 320800.
    const permitted = Array.from({ length: 400 }, (_, i) => gn.dns(`n${i}.allowed.test`));
    const excluded = Array.from({ length: 400 }, (_, i) => gn.dns(`x${i}.excluded.test`));
    const ca = mkCa(
      'Budget CA',
      root,
      { key: k, extensions: [...caExts(k, root.key), ext.nameConstraints(permitted, excluded)] },
      k,
    );
    const lk = p256();
    const sans = Array.from({ length: 400 }, (_, i) => gn.dns(`h${i}.n${i}.allowed.test`));
    const leaf = mkLeaf(ca, { key: lk, extensions: withExt(leafExts(lk, ca.key), ext.san(sans)) });
    const r = run([leaf.der, ca.der], [root.der], { hostname: 'h1.n1.allowed.test' });
    assert.equal(r.code, X509V.UNSPECIFIED);
    assert.match(r.rule ?? '', /name-constraint work budget of 100000 comparisons exhausted/);
    assert.equal(r.work.nameComparisons, NC_BUDGET + 1, 'stopped at the first comparison over the budget');
  });

  it('a legitimate constrained chain pays exactly names x subtrees', () => {
    const root = mkRoot('Count Root');
    const k = p256();
    const ca = mkCa(
      'Count CA',
      root,
      {
        key: k,
        extensions: [
          ...caExts(k, root.key),
          ext.nameConstraints([gn.dns('localhost'), gn.dns('example.test')], [gn.dns('bad.test')]),
        ],
      },
      k,
    );
    const lk = p256();
    const leaf = mkLeaf(ca, {
      key: lk,
      extensions: withExt(leafExts(lk, ca.key), ext.san([gn.dns('localhost'), gn.dns('www.example.test')])),
    });
    const r = run([leaf.der, ca.der], [root.der]);
    assert.equal(r.code, 0, r.message);
    // 3 names (subject DN, 2 dNSNames) x 3 subtrees (2 permitted + 1 excluded).
    assert.equal(r.work.nameComparisons, 9);
  });
});

describe('trust anchors path building can reach (verify.ts reachableAnchors)', () => {
  it('an anchor reached only through another anchor, among unrelated and undecodable ones', () => {
    const root = mkRoot('Reach Root');
    const ica = mkCa('Reach ICA', root);
    const ica2 = mkCa('Reach ICA 2', ica);
    const leaf = mkLeaf(ica2);
    const unrelated = Array.from({ length: 20 }, (_, i) => mkRoot(`Unrelated ${i}`).der);
    const junk = Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00);
    // ica is an anchor but not self-signed: the path must go on to root, whose subject is only
    // ica's issuer, not the issuer of anything the peer sent.
    const r = run([leaf.der, ica2.der], [...unrelated, junk, root.der, ica.der]);
    assert.equal(r.code, 0, `${r.code} ${r.message}`);
    assert.equal(r.path.length, 4);
    assert.ok(sameDer(r.path[2], ica.der) && sameDer(r.path[3], root.der), 'leaf, ica2, anchor ica, anchor root');
    assert.equal(run([leaf.der, ica2.der], [...unrelated, junk, ica.der]).code, X509V.UNABLE_TO_GET_ISSUER_CERT);
  });

  it('a self-signed root the peer sends, trusted because an anchor has the same encoding', () => {
    const root = mkRoot('Twin Root');
    const ica = mkCa('Twin ICA', root);
    const leaf = mkLeaf(ica);
    const unrelated = Array.from({ length: 5 }, (_, i) => mkRoot(`Other ${i}`).der);
    const r = run([leaf.der, ica.der, root.der], [...unrelated, root.der.slice()]);
    assert.equal(r.code, 0, `${r.code} ${r.message}`);
    assert.equal(r.path.length, 3);
    assert.ok(sameDer(r.path[2], root.der));
  });
});
