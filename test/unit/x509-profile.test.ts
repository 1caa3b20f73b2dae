/**
 * The web-PKI profile of src/tls/x509 (issue 17 items 1, 2 and 5), one generated certificate per
 * rule, each test naming the RFC 5280 / CA/B Forum Baseline Requirements section it enforces:
 *  - default rejections (what Chrome, Go and rustls-webpki reject);
 *  - the pedantic rules: a warning under the default profile, a failure under 'strict'.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { X509V, verifyServerChain, type VerifyInput, type VerifyResult } from '../../src/tls/x509/index.js';
import { derTlv, Tag } from '../../src/tls/codec/der.js';
import {
  CN,
  EKU,
  O,
  dsa,
  explicitP256Spki,
  ext,
  gn,
  leafExts,
  mkCa,
  mkLeaf,
  mkRoot,
  name,
  p256,
  rsa,
  withExt,
  type Node,
} from '../helpers/certgen.js';

const NOW = new Date('2030-06-01T00:00:00Z');
const root = mkRoot('Profile Root');
const ica = mkCa('Profile ICA', root);

function verify(leaf: Node | Uint8Array, o: Partial<VerifyInput> = {}, chain: Uint8Array[] = [ica.der]): VerifyResult {
  const der = leaf instanceof Uint8Array ? leaf : leaf.der;
  return verifyServerChain({ chain: [der, ...chain], anchors: [root.der], hostname: 'localhost', now: NOW, ...o });
}

/** A leaf under `ica` whose extensions are the standard ones changed by `changes`. */
function leafWith(...changes: Array<ReturnType<typeof ext.raw> | string>): Node {
  const key = p256();
  return mkLeaf(ica, { key, extensions: withExt(leafExts(key, ica.key), ...changes) });
}

const codeDepth = (r: VerifyResult): { code: number; depth: number } => ({ code: r.code, depth: r.depth });

describe('baseline', () => {
  it('a well-formed chain verifies with no warnings, in both profiles', () => {
    const leaf = mkLeaf(ica);
    for (const profile of ['default', 'strict'] as const) {
      const r = verify(leaf, { profile });
      assert.deepEqual(codeDepth(r), { code: 0, depth: 0 }, `${profile}: ${r.message} ${r.rule ?? ''}`);
      assert.deepEqual(r.warnings, [], profile);
    }
  });
});

describe('default profile rejections', () => {
  it('RFC 5280 §4.2.1.9: a leaf with basicConstraints CA:TRUE is rejected (37)', () => {
    const r = verify(leafWith(ext.basicConstraints(true)));
    assert.deepEqual(codeDepth(r), { code: X509V.INVALID_NON_CA, depth: 0 });
    assert.match(r.rule ?? '', /CA:TRUE.*RFC 5280 §4\.2\.1\.9/);
  });

  it('BR 6.1.5: a DSA leaf key is rejected (76)', () => {
    const key = dsa();
    const r = verify(mkLeaf(ica, { key, extensions: leafExts(key, ica.key) }));
    assert.deepEqual(codeDepth(r), { code: X509V.UNSUPPORTED_SIGNATURE_ALGORITHM, depth: 0 });
    assert.match(r.rule ?? '', /DSA public key \(BR 6\.1\.5\)/);
  });

  it('BR 6.1.5: a DSA intermediate is rejected (76 at depth 1)', () => {
    const dsaCa = mkCa('DSA ICA', root, {}, dsa());
    const leaf = mkLeaf(dsaCa);
    assert.deepEqual(codeDepth(verify(leaf, {}, [dsaCa.der])), {
      code: X509V.UNSUPPORTED_SIGNATURE_ALGORITHM,
      depth: 1,
    });
  });

  it('RFC 5480 §2.1.1: an EC key with explicit domain parameters is rejected (94)', () => {
    const key = p256();
    const r = verify(mkLeaf(ica, { key, spki: explicitP256Spki(key), extensions: leafExts(key, ica.key) }));
    assert.deepEqual(codeDepth(r), { code: X509V.EC_KEY_EXPLICIT_PARAMS, depth: 0 });
  });

  it('RFC 5280 §4.2.2.1: a malformed authorityInfoAccess is rejected, not skipped (41)', () => {
    const bad = ext.raw('1.3.6.1.5.5.7.1.1', derTlv(Tag.SEQUENCE, derTlv(Tag.OID, Uint8Array.of(0x2b))));
    assert.deepEqual(codeDepth(verify(leafWith(bad))), { code: X509V.INVALID_EXTENSION, depth: 0 });
    const empty = ext.raw('1.3.6.1.5.5.7.1.1', derTlv(Tag.SEQUENCE, new Uint8Array(0)));
    assert.deepEqual(codeDepth(verify(leafWith(empty))), { code: X509V.INVALID_EXTENSION, depth: 0 });
    assert.equal(verify(leafWith(ext.aia('http://ca.test/ica.der'))).code, 0, 'a well-formed AIA is fine');
  });

  it('RFC 5280 §4.2.1.10: a malformed nameConstraints on a CA is rejected (41 at depth 1)', () => {
    const key = p256();
    const nc = ext.raw('2.5.29.30', derTlv(Tag.SEQUENCE, new Uint8Array(0)), true); // empty: forbidden
    const ca = mkCa('Bad NC', root, { key, extensions: [...mkCaExts(key), nc] }, key);
    assert.deepEqual(codeDepth(verify(mkLeaf(ca), {}, [ca.der])), { code: X509V.INVALID_EXTENSION, depth: 1 });
  });

  it('RFC 5280 §4.2.1.6: a dNSName that is not an IA5String makes the SAN invalid (41)', () => {
    const san = ext.san([derTlv(0x82, new TextEncoder().encode('bücher.test'))]);
    assert.deepEqual(codeDepth(verify(leafWith(san))), { code: X509V.INVALID_EXTENSION, depth: 0 });
  });

  it('RFC 5280 §4.2: an unknown critical extension is rejected (34)', () => {
    const r = verify(leafWith(ext.raw('1.2.3.4', derTlv(Tag.NULL, new Uint8Array(0)), true)));
    assert.deepEqual(codeDepth(r), { code: X509V.UNHANDLED_CRITICAL_EXTENSION, depth: 0 });
  });

  it('RFC 5280 §4.2.1.12: a leaf whose EKU lacks serverAuth is rejected (26)', () => {
    assert.deepEqual(codeDepth(verify(leafWith(ext.eku([EKU.clientAuth])))), { code: X509V.INVALID_PURPOSE, depth: 0 });
  });

  it("RFC 5280 §4.2.1.12: a CA whose EKU excludes serverAuth constrains its subtree (26 at the CA's depth)", () => {
    const key = p256();
    const ca = mkCa('Client CA', root, { key, extensions: [...mkCaExts(key), ext.eku([EKU.clientAuth])] }, key);
    assert.deepEqual(codeDepth(verify(mkLeaf(ca), {}, [ca.der])), { code: X509V.INVALID_PURPOSE, depth: 1 });
    const key2 = p256();
    const ok = mkCa('Server CA', root, { key: key2, extensions: [...mkCaExts(key2), ext.eku([EKU.serverAuth])] }, key2);
    assert.equal(verify(mkLeaf(ok), {}, [ok.der]).code, 0);
  });

  it('RFC 5280 §4.2.1.10: invalid constraint syntax is rejected (52): wildcard dNSName, non-prefix IP mask', () => {
    for (const [label, nc] of [
      ['wildcard', ext.nameConstraints([gn.dns('*.allowed.test')])],
      ['mask', ext.nameConstraints([gn.ip([10, 0, 0, 0, 255, 0, 255, 0])])],
    ] as const) {
      const key = p256();
      const ca = mkCa(`NC ${label}`, root, { key, extensions: [...mkCaExts(key), nc] }, key);
      const r = verify(mkLeaf(ca), {}, [ca.der]);
      assert.deepEqual(codeDepth(r), { code: X509V.UNSUPPORTED_CONSTRAINT_SYNTAX, depth: 1 }, label);
      assert.match(r.rule ?? '', /RFC 5280 §4\.2\.1\.10/);
    }
  });

  it('RFC 5280 §4.2.1.10: an iPAddress constraint that is not address+mask (5 octets) is invalid (41)', () => {
    const key = p256();
    const nc = ext.nameConstraints([gn.ip([10, 0, 0, 0, 255])]);
    const ca = mkCa('NC 5 octets', root, { key, extensions: [...mkCaExts(key), nc] }, key);
    assert.deepEqual(codeDepth(verify(mkLeaf(ca), {}, [ca.der])), { code: X509V.INVALID_EXTENSION, depth: 1 });
  });

  describe('RFC 5280 §4.2.1.10: permitted and excluded subtrees applied to SANs', () => {
    const constrained = (permitted: Uint8Array[], excluded: Uint8Array[] = []): Node => {
      const key = p256();
      const nc = ext.nameConstraints(permitted, excluded);
      return mkCa('Constrained', root, { key, extensions: [...mkCaExts(key), nc] }, key);
    };
    const leafUnder = (ca: Node, names: Uint8Array[]): Node => {
      const key = p256();
      return mkLeaf(ca, { key, extensions: withExt(leafExts(key, ca.key), ext.san(names)) });
    };
    const cases: Array<[string, Uint8Array[], Uint8Array[], Uint8Array[], number]> = [
      ['DNS permitted, inside', [gn.dns('localhost')], [], [gn.dns('localhost')], 0],
      ['DNS permitted, outside', [gn.dns('allowed.test')], [], [gn.dns('localhost')], X509V.PERMITTED_VIOLATION],
      ['DNS excluded', [], [gn.dns('localhost')], [gn.dns('localhost')], X509V.EXCLUDED_VIOLATION],
      [
        'IP permitted 10/8, SAN 127.0.0.1',
        [gn.ip([10, 0, 0, 0, 255, 0, 0, 0])],
        [],
        [gn.dns('localhost'), gn.ip([127, 0, 0, 1])],
        X509V.PERMITTED_VIOLATION,
      ],
      [
        'IP excluded 127/8',
        [],
        [gn.ip([127, 0, 0, 0, 255, 0, 0, 0])],
        [gn.dns('localhost'), gn.ip([127, 0, 0, 1])],
        X509V.EXCLUDED_VIOLATION,
      ],
      [
        'email excluded .evil.test',
        [],
        [gn.email('.evil.test')],
        [gn.dns('localhost'), gn.email('a@x.evil.test')],
        X509V.EXCLUDED_VIOLATION,
      ],
      [
        'directoryName permitted O=other',
        [gn.dir(name([O, 'other']))],
        [],
        [gn.dns('localhost')],
        X509V.PERMITTED_VIOLATION,
      ],
      ['directoryName permitted O=tls-probe test', [gn.dir(name([O, 'tls-probe test']))], [], [gn.dns('localhost')], 0],
    ];
    for (const [label, permitted, excluded, sans, code] of cases) {
      it(`${label}: ${code}`, () => {
        const ca = constrained(permitted, excluded);
        assert.deepEqual(codeDepth(verify(leafUnder(ca, sans), {}, [ca.der])), { code, depth: code ? 0 : 0 });
      });
    }
  });

  it('RFC 6125 §6.4.4: a SAN is required; a CN-only leaf never matches (62)', () => {
    assert.deepEqual(codeDepth(verify(leafWith('2.5.29.17'))), { code: X509V.HOSTNAME_MISMATCH, depth: 0 });
  });
});

function mkCaExts(key: ReturnType<typeof p256>): ReturnType<typeof ext.raw>[] {
  return [ext.basicConstraints(true), ext.keyUsage([0, 5, 6]), ext.ski(key.id), ext.aki(root.key.id)];
}

describe('pedantic rules: warnings by default, failures under the strict profile', () => {
  interface Rule {
    title: string;
    section: string;
    code: number;
    depth: number;
    make: () => { leaf: Node | Uint8Array; chain?: Uint8Array[]; anchors?: Uint8Array[] };
  }
  const RULES: Rule[] = [
    {
      title: 'subject CN not among the SAN values',
      section: 'BR 7.1.4.3',
      code: X509V.UNSPECIFIED,
      depth: 0,
      make: () => {
        const key = p256();
        const subject = name([O, 'tls-probe test'], [CN, 'other.test']);
        return { leaf: mkLeaf(ica, { key, subject, extensions: leafExts(key, ica.key) }) };
      },
    },
    {
      title: 'leaf without extKeyUsage',
      section: 'BR 7.1.2.7.10',
      code: X509V.INVALID_PURPOSE,
      depth: 0,
      make: () => ({ leaf: leafWith('2.5.29.37') }),
    },
    {
      title: 'leaf extKeyUsage only anyExtendedKeyUsage',
      section: 'BR 7.1.2.7.10',
      code: X509V.INVALID_PURPOSE,
      depth: 0,
      make: () => ({ leaf: leafWith(ext.eku([EKU.any])) }),
    },
    {
      title: 'keyCertSign on a leaf',
      section: 'RFC 5280 §4.2.1.3',
      code: X509V.KU_KEY_CERT_SIGN_INVALID_FOR_NON_CA,
      depth: 0,
      make: () => ({ leaf: leafWith(ext.keyUsage([0, 5])) }),
    },
    {
      title: 'RSA modulus not a multiple of 8',
      section: 'BR 6.1.5',
      code: X509V.UNSPECIFIED,
      depth: 0,
      make: () => {
        const key = rsa(2052);
        return { leaf: mkLeaf(ica, { key, extensions: leafExts(key, ica.key) }) };
      },
    },
    {
      title: 'negative serial number',
      section: 'RFC 5280 §4.1.2.2',
      code: X509V.UNSPECIFIED,
      depth: 0,
      make: () => ({ leaf: mkLeaf(ica, { serial: Uint8Array.of(0x80, 0x01) }) }),
    },
    {
      title: 'serial number of 21 octets',
      section: 'RFC 5280 §4.1.2.2',
      code: X509V.UNSPECIFIED,
      depth: 0,
      make: () => ({ leaf: mkLeaf(ica, { serial: new Uint8Array(21).fill(0x11) }) }),
    },
    {
      title: 'leaf without authorityKeyIdentifier',
      section: 'RFC 5280 §4.2.1.1',
      code: X509V.MISSING_AUTHORITY_KEY_IDENTIFIER,
      depth: 0,
      make: () => ({ leaf: leafWith('2.5.29.35') }),
    },
    {
      title: 'CA without subjectKeyIdentifier',
      section: 'RFC 5280 §4.2.1.2',
      code: X509V.MISSING_SUBJECT_KEY_IDENTIFIER,
      depth: 1,
      make: () => {
        const key = p256();
        const ca = mkCa('No SKI', root, { key, extensions: withExt(mkCaExts(key), '2.5.29.14') }, key);
        return { leaf: mkLeaf(ca), chain: [ca.der] };
      },
    },
    {
      title: 'root basicConstraints not critical',
      section: 'RFC 5280 §4.2.1.9',
      code: X509V.CA_BCONS_NOT_CRITICAL,
      depth: 2,
      make: () => {
        const key = p256();
        const r = mkRoot(
          'Lax Root',
          { extensions: [ext.basicConstraints(true, undefined, false), ext.keyUsage([5, 6]), ext.ski(key.id)] },
          key,
        );
        const ca = mkCa('ICA under lax root', r);
        return { leaf: mkLeaf(ca), chain: [ca.der], anchors: [r.der] };
      },
    },
    {
      title: 'empty subject with a non-critical SAN',
      section: 'RFC 5280 §4.2.1.6',
      code: X509V.EMPTY_SUBJECT_SAN_NOT_CRITICAL,
      depth: 0,
      make: () => ({ leaf: mkLeaf(ica, { subject: derTlv(Tag.SEQUENCE, new Uint8Array(0)) }) }),
    },
    {
      title: 'extKeyUsage on a root',
      section: 'BR 7.1.2.1.2',
      code: X509V.UNSPECIFIED,
      depth: 2,
      make: () => {
        const key = p256();
        const r = mkRoot(
          'EKU Root',
          {
            extensions: [ext.basicConstraints(true), ext.keyUsage([5, 6]), ext.ski(key.id), ext.eku([EKU.serverAuth])],
          },
          key,
        );
        const ca = mkCa('ICA under EKU root', r);
        return { leaf: mkLeaf(ca), chain: [ca.der], anchors: [r.der] };
      },
    },
  ];

  for (const rule of RULES) {
    it(`${rule.section}: ${rule.title}: a warning by default, ${rule.code} at depth ${rule.depth} under strict`, () => {
      const m = rule.make();
      const o = m.anchors ? { anchors: m.anchors } : {};
      const lax = verify(m.leaf, o, m.chain);
      assert.equal(lax.code, 0, `default profile: ${lax.message} ${lax.rule ?? ''}`);
      const w = lax.warnings.find((x) => x.section === rule.section && x.depth === rule.depth);
      assert.ok(w, `a warning naming ${rule.section} at depth ${rule.depth}: ${JSON.stringify(lax.warnings)}`);
      assert.equal(w.code, rule.code);
      const strict = verify(m.leaf, { ...o, profile: 'strict' }, m.chain);
      assert.deepEqual(codeDepth(strict), { code: rule.code, depth: rule.depth });
      assert.ok(strict.rule?.endsWith(`(${rule.section})`), strict.rule);
    });
  }

  it('the same serial rules accept a 20-octet positive serial (RFC 5280 §4.1.2.2)', () => {
    const r = verify(mkLeaf(ica, { serial: Uint8Array.of(0x7f, ...new Uint8Array(19).fill(0xee)) }), {
      profile: 'strict',
    });
    assert.equal(r.code, 0, r.rule);
  });

  it('an anchor that is the leaf itself is linted as a leaf only', () => {
    const key = p256();
    const n = name([CN, 'localhost']);
    const self = mkRoot(
      'x',
      {
        subject: n,
        issuer: n,
        extensions: [
          ext.basicConstraints(false),
          ext.keyUsage([0]),
          ext.eku([EKU.serverAuth]),
          ext.san([gn.dns('localhost')]),
          ext.ski(key.id),
        ],
      },
      key,
    );
    const r = verifyServerChain({
      chain: [self.der],
      anchors: [self.der],
      hostname: 'localhost',
      now: NOW,
      profile: 'strict',
    });
    assert.equal(r.code, 0, r.rule);
  });
});
