/**
 * A small X.509 certificate and CRL minter for tests: every field is set by the test, so each
 * rule of src/tls/x509 can be exercised by one certificate that breaks exactly that rule
 * (negative serials, explicit EC parameters, non-critical root basicConstraints, malformed
 * extensions, ...), which `openssl x509`/`openssl ca` refuse to produce. DER is built with the
 * project's DER writer; signatures come from node:crypto with keys generated at test time.
 */
import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { concat } from '../../src/tls/codec/bytes.js';
import { Tag, ctxTag, derConstructed, derEncodeUint, derTlv } from '../../src/tls/codec/der.js';

/** Encodes a dotted OID. */
export function oid(dotted: string): Uint8Array {
  const p = dotted.split('.').map(Number);
  const out: number[] = [];
  const arcs = [p[0]! * 40 + p[1]!, ...p.slice(2)];
  for (const a of arcs) {
    const bytes = [a & 0x7f];
    for (let v = Math.floor(a / 128); v > 0; v = Math.floor(v / 128)) bytes.unshift((v & 0x7f) | 0x80);
    out.push(...bytes);
  }
  return derTlv(Tag.OID, Uint8Array.from(out));
}

const seq = (...c: Uint8Array[]): Uint8Array => derConstructed(Tag.SEQUENCE, c);
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const ia5 = (tag: number, s: string): Uint8Array => derTlv(tag, utf8(s));

/** A Name from [oid, value] pairs, one RDN each (UTF8String values). */
export function name(...rdns: Array<[string, string]>): Uint8Array {
  return seq(...rdns.map(([o, v]) => derConstructed(Tag.SET, [seq(oid(o), derTlv(Tag.UTF8String, utf8(v)))])));
}
export const CN = '2.5.4.3';
export const O = '2.5.4.10';
/** Shorthand: a name with just a CN. */
export const cn = (v: string): Uint8Array => name([CN, v]);

/** GeneralName encoders (RFC 5280 §4.2.1.6). */
export const gn = {
  dns: (s: string): Uint8Array => ia5(ctxTag(2, false), s),
  email: (s: string): Uint8Array => ia5(ctxTag(1, false), s),
  uri: (s: string): Uint8Array => ia5(ctxTag(6, false), s),
  ip: (bytes: number[]): Uint8Array => derTlv(ctxTag(7, false), Uint8Array.from(bytes)),
  dir: (n: Uint8Array): Uint8Array => derTlv(ctxTag(4, true), n),
};

/** One extension: OID, criticality and its DER value (the OCTET STRING's contents). */
export interface Ext {
  oid: string;
  critical?: boolean;
  value: Uint8Array;
}

const bool = (b: boolean): Uint8Array => derTlv(Tag.BOOLEAN, Uint8Array.of(b ? 0xff : 0));

/** Extension value builders. */
export const ext = {
  basicConstraints: (ca: boolean, pathLen?: number, critical = true): Ext => ({
    oid: '2.5.29.19',
    critical,
    value: seq(...(ca ? [bool(true)] : []), ...(pathLen !== undefined ? [derEncodeUint(pathLen)] : [])),
  }),
  /** keyUsage from bit numbers (0 digitalSignature .. 8 decipherOnly). */
  keyUsage: (bits: number[], critical = true): Ext => {
    let v = 0;
    for (const b of bits) v |= 0x8000 >> b;
    const hi = (v >> 8) & 0xff;
    const lo = v & 0xff;
    const bytes = lo ? [hi, lo] : [hi];
    const last = bytes[bytes.length - 1]!;
    let unused = 0;
    while (unused < 7 && !(last & (1 << unused))) unused++;
    return { oid: '2.5.29.15', critical, value: derTlv(Tag.BIT_STRING, Uint8Array.from([unused, ...bytes])) };
  },
  eku: (oids: string[], critical = false): Ext => ({ oid: '2.5.29.37', critical, value: seq(...oids.map(oid)) }),
  san: (names: Uint8Array[], critical = false): Ext => ({ oid: '2.5.29.17', critical, value: seq(...names) }),
  ski: (id: Uint8Array): Ext => ({ oid: '2.5.29.14', value: derTlv(Tag.OCTET_STRING, id) }),
  aki: (id: Uint8Array): Ext => ({ oid: '2.5.29.35', value: seq(derTlv(ctxTag(0, false), id)) }),
  /** nameConstraints from already-encoded GeneralNames (each wrapped in a GeneralSubtree). */
  nameConstraints: (permitted: Uint8Array[], excluded: Uint8Array[] = [], critical = true): Ext => ({
    oid: '2.5.29.30',
    critical,
    value: seq(
      ...(permitted.length
        ? [
            derConstructed(
              ctxTag(0),
              permitted.map((g) => seq(g)),
            ),
          ]
        : []),
      ...(excluded.length
        ? [
            derConstructed(
              ctxTag(1),
              excluded.map((g) => seq(g)),
            ),
          ]
        : []),
    ),
  }),
  /** authorityInfoAccess with one caIssuers URI. */
  aia: (uri: string): Ext => ({ oid: '1.3.6.1.5.5.7.1.1', value: seq(seq(oid('1.3.6.1.5.5.7.48.2'), gn.uri(uri))) }),
  raw: (o: string, value: Uint8Array, critical = false): Ext => ({ oid: o, critical, value }),
};

export const EKU = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  any: '2.5.29.37.0',
} as const;

/** A key pair and what its certificates need. */
export interface Key {
  priv: KeyObject;
  /** SubjectPublicKeyInfo DER. */
  spki: Uint8Array;
  /** Signature AlgorithmIdentifier DER and node digest for signing with this key. */
  sigAlg: Uint8Array;
  digest: string | null;
  /** A 20-byte key identifier (SHA-1-free: the first 20 bytes of the SPKI's tail). */
  id: Uint8Array;
}

let idCounter = 0;
function keyOf(priv: KeyObject, pub: KeyObject, sigAlg: Uint8Array, digest: string | null): Key {
  const spki = new Uint8Array(pub.export({ type: 'spki', format: 'der' }));
  const id = new Uint8Array(20);
  id.set(spki.subarray(spki.length - 16), 4);
  new DataView(id.buffer).setUint32(0, ++idCounter);
  return { priv, spki, sigAlg, digest, id };
}

const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));
const RSA_SHA256 = seq(oid('1.2.840.113549.1.1.11'), derTlv(Tag.NULL, new Uint8Array(0)));

/** A fresh P-256 key. */
export function p256(): Key {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return keyOf(privateKey, publicKey, ECDSA_SHA256, 'sha256');
}

/** A fresh RSA key of `bits` (node accepts sizes that are not a multiple of 8). */
export function rsa(bits = 2048): Key {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return keyOf(privateKey, publicKey, RSA_SHA256, 'sha256');
}

/** A fresh DSA key (2048/256); signs with dsa_with_SHA256. */
export function dsa(): Key {
  const { privateKey, publicKey } = generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 });
  return keyOf(privateKey, publicKey, seq(oid('2.16.840.1.101.3.4.3.2')), 'sha256');
}

/**
 * The SPKI of a P-256 public key written with explicit (specifiedCurve) domain parameters instead of
 * the namedCurve OID (RFC 3279 §2.3.5 ECParameters); only usable as a key that signs nothing here.
 */
export function explicitP256Spki(k: Key): Uint8Array {
  const pub = k.spki.subarray(k.spki.length - 65); // uncompressed point 04||X||Y
  const h = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));
  const octet = (s: string): Uint8Array => derTlv(Tag.OCTET_STRING, h(s));
  const int = (s: string): Uint8Array => derTlv(Tag.INTEGER, h(s));
  const params = seq(
    derEncodeUint(1),
    seq(oid('1.2.840.10045.1.1'), int('00ffffffff00000001000000000000000000000000ffffffffffffffffffffffff')),
    seq(
      octet('ffffffff00000001000000000000000000000000fffffffffffffffffffffffc'),
      octet('5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b'),
    ),
    octet(
      '046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5',
    ),
    int('00ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'),
    derEncodeUint(1),
  );
  return seq(seq(oid('1.2.840.10045.2.1'), params), derTlv(Tag.BIT_STRING, concat(Uint8Array.of(0), pub)));
}

/** What a certificate says; everything but the names and keys has a sensible default. */
export interface CertSpec {
  subject: Uint8Array;
  issuer: Uint8Array;
  /** Key certified, and the issuer's key that signs. */
  key: Key;
  signer: Key;
  /** Raw serial INTEGER content octets (default a positive 8-byte value). */
  serial?: Uint8Array;
  /** 1 or 3 (default 3; a v1 certificate carries no extensions). */
  version?: 1 | 3;
  notBefore?: Date;
  notAfter?: Date;
  extensions?: Ext[];
  /** Replace the SPKI (e.g. explicitP256Spki). */
  spki?: Uint8Array;
}

function time(d: Date): Uint8Array {
  const s = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  const y = d.getUTCFullYear();
  return y >= 1950 && y < 2050 ? derTlv(Tag.UTCTime, utf8(s.slice(2))) : derTlv(Tag.GeneralizedTime, utf8(s));
}

let serialCounter = 0x1000;

/** Mints a DER certificate. */
export function mint(s: CertSpec): Uint8Array {
  const serial =
    s.serial ?? Uint8Array.of(0x11, 0x22, 0x33, 0x44, 0, 0, (++serialCounter >> 8) & 0xff, serialCounter & 0xff);
  const exts = s.extensions ?? [];
  const tbs = seq(
    ...(s.version === 1 ? [] : [derConstructed(ctxTag(0), [derEncodeUint(2)])]),
    derTlv(Tag.INTEGER, serial),
    s.signer.sigAlg,
    s.issuer,
    seq(time(s.notBefore ?? new Date('2020-01-01T00:00:00Z')), time(s.notAfter ?? new Date('2090-01-01T00:00:00Z'))),
    s.subject,
    s.spki ?? s.key.spki,
    ...(exts.length
      ? [
          derConstructed(ctxTag(3), [
            seq(
              ...exts.map((e) =>
                seq(oid(e.oid), ...(e.critical ? [bool(true)] : []), derTlv(Tag.OCTET_STRING, e.value)),
              ),
            ),
          ]),
        ]
      : []),
  );
  return seq(tbs, s.signer.sigAlg, derTlv(Tag.BIT_STRING, concat(Uint8Array.of(0), signBytes(s.signer, tbs))));
}

function signBytes(k: Key, data: Uint8Array): Uint8Array {
  return new Uint8Array(sign(k.digest, data, k.priv));
}

/** A revoked entry of a CRL. */
export interface Revoked {
  serial: Uint8Array;
  date?: Date;
}

/** What a CRL says (RFC 5280 §5.1). */
export interface CrlSpec {
  issuer: Uint8Array;
  signer: Key;
  thisUpdate?: Date;
  /** null: no nextUpdate field. */
  nextUpdate?: Date | null;
  revoked?: Revoked[];
  extensions?: Ext[];
}

/** Mints a DER v2 CRL. */
export function mintCrl(s: CrlSpec): Uint8Array {
  const revoked = s.revoked ?? [];
  const exts = s.extensions ?? [];
  const next = s.nextUpdate === undefined ? new Date('2090-01-01T00:00:00Z') : s.nextUpdate;
  const tbs = seq(
    derEncodeUint(1),
    s.signer.sigAlg,
    s.issuer,
    time(s.thisUpdate ?? new Date('2020-01-01T00:00:00Z')),
    ...(next ? [time(next)] : []),
    ...(revoked.length
      ? [seq(...revoked.map((r) => seq(derTlv(Tag.INTEGER, r.serial), time(r.date ?? new Date('2021-01-01Z')))))]
      : []),
    ...(exts.length
      ? [
          derConstructed(ctxTag(0), [
            seq(
              ...exts.map((e) =>
                seq(oid(e.oid), ...(e.critical ? [bool(true)] : []), derTlv(Tag.OCTET_STRING, e.value)),
              ),
            ),
          ]),
        ]
      : []),
  );
  return seq(tbs, s.signer.sigAlg, derTlv(Tag.BIT_STRING, concat(Uint8Array.of(0), signBytes(s.signer, tbs))));
}

/** The serial INTEGER content of a minted certificate (for CRL entries). */
export function serialOf(der: Uint8Array): Uint8Array {
  // Certificate SEQ > TBS SEQ > [0] version > INTEGER serial: walk the headers.
  let p = 0;
  const skipHeader = (): number => {
    const len = der[p + 1]!;
    p += 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      let l = 0;
      for (let i = 0; i < n; i++) l = l * 256 + der[p + i]!;
      p += n;
      return l;
    }
    return len;
  };
  skipHeader();
  skipHeader();
  if (der[p] === 0xa0) p += 2 + skipHeaderLen(der, p);
  if (der[p] !== 0x02) throw new Error('no serial');
  const len = skipHeader();
  return der.slice(p, p + len);
}

function skipHeaderLen(der: Uint8Array, p: number): number {
  return der[p + 1]!; // [0] { INTEGER v } is always short
}

/** PEM armour. */
export function pem(der: Uint8Array, label = 'CERTIFICATE'): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`;
}

/** Reads a PKCS#8 PEM key file's text as a Key usable for signing (P-256 or RSA). */
export function keyFromPem(text: string): KeyObject {
  return createPrivateKey(text);
}

/** A CA or leaf in a test hierarchy: its key, name and DER. */
export interface Node {
  key: Key;
  name: Uint8Array;
  der: Uint8Array;
}

/** Replaces the extension with the same OID (or appends), or drops it when `e` is a bare OID. */
export function withExt(exts: Ext[], ...changes: Array<Ext | string>): Ext[] {
  let out = [...exts];
  for (const e of changes) {
    const o = typeof e === 'string' ? e : e.oid;
    const i = out.findIndex((x) => x.oid === o);
    if (typeof e === 'string') out = out.filter((x) => x.oid !== o);
    else if (i >= 0) out[i] = e;
    else out.push(e);
  }
  return out;
}

/** The extensions of a well-formed root (RFC 5280 §4.2.1.9, BR 7.1.2.1). */
export const rootExts = (k: Key): Ext[] => [ext.basicConstraints(true), ext.keyUsage([5, 6]), ext.ski(k.id)];
/** The extensions of a well-formed intermediate. */
export const caExts = (k: Key, issuer: Key, pathLen?: number): Ext[] => [
  ext.basicConstraints(true, pathLen),
  ext.keyUsage([0, 5, 6]),
  ext.ski(k.id),
  ext.aki(issuer.id),
];
/** The extensions of a well-formed TLS server leaf for `host`. */
export const leafExts = (k: Key, issuer: Key, host = 'localhost'): Ext[] => [
  ext.basicConstraints(false),
  ext.keyUsage([0]),
  ext.eku([EKU.serverAuth]),
  ext.san([gn.dns(host)]),
  ext.ski(k.id),
  ext.aki(issuer.id),
];

/** A self-signed root. */
export function mkRoot(label: string, o: Partial<CertSpec> = {}, k?: Key): Node {
  const key = o.key ?? k ?? p256();
  const n = name([O, 'tls-probe test'], [CN, label]);
  return { key, name: n, der: mint({ subject: n, issuer: n, key, signer: key, extensions: rootExts(key), ...o }) };
}

/** An intermediate under `issuer`. */
export function mkCa(label: string, issuer: Node, o: Partial<CertSpec> = {}, k?: Key): Node {
  const key = o.key ?? k ?? p256();
  const n = name([O, 'tls-probe test'], [CN, label]);
  const der = mint({
    subject: n,
    issuer: issuer.name,
    key,
    signer: issuer.key,
    extensions: caExts(key, issuer.key),
    ...o,
  });
  return { key, name: n, der };
}

/** A server leaf for `host` under `issuer`. */
export function mkLeaf(issuer: Node, o: Partial<CertSpec> = {}, host = 'localhost', k?: Key): Node {
  const key = o.key ?? k ?? p256();
  const n = name([O, 'tls-probe test'], [CN, host]);
  const der = mint({
    subject: n,
    issuer: issuer.name,
    key,
    signer: issuer.key,
    extensions: leafExts(key, issuer.key, host),
    ...o,
  });
  return { key, name: n, der };
}
