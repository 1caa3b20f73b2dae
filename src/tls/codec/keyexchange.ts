/**
 * Key-exchange messages of the TLS 1.0–1.2 RSA and DHE suites, encoder and decoder side by side:
 * ServerKeyExchange with ServerDHParams (RFC 5246 §7.4.3, RFC 2246 §7.4.3), ClientKeyExchange
 * with the RSA-encrypted pre-master secret (§7.4.7.1) or the client's DH public value (§7.4.7.2),
 * and the ServerKeyExchange signature as each version writes it: TLS 1.2 names its
 * SignatureAndHashAlgorithm (§4.7 digitally-signed), TLS 1.0/1.1 do not (the hash is implied by the
 * key: MD5 || SHA-1 for RSA, SHA-1 for ECDSA, RFC 2246 §7.4.3 and RFC 4492 §5.4).
 */
import { ProtocolVersion } from './names.js';
import { Reader, Writer } from './bytes.js';
import { decodeError } from '../errors.js';
import type { CertificateRequest12 } from './handshake.js';

/** The signature at the end of a ServerKeyExchange; `scheme` is null before TLS 1.2. */
export interface SkeSignature {
  scheme: number | null;
  signature: Uint8Array;
}

/** Whether `version` carries a SignatureAndHashAlgorithm in digitally-signed structs (TLS 1.2). */
export function signsWithScheme(version: number): boolean {
  return version >= ProtocolVersion.TLS1_2;
}

function readSignature(r: Reader, version: number): SkeSignature {
  const scheme = signsWithScheme(version) ? r.u16() : null;
  const signature = r.vec16(1);
  r.end();
  return { scheme, signature };
}

function writeSignature(w: Writer, version: number, sig: SkeSignature): void {
  if (signsWithScheme(version)) {
    if (sig.scheme === null) throw new RangeError('TLS 1.2 ServerKeyExchange needs a signature scheme');
    w.u16(sig.scheme);
  }
  w.vec16(sig.signature);
}

/** DHE ServerKeyExchange: ServerDHParams and the server's signature over the randoms and params. */
export interface ServerKeyExchangeDhe extends SkeSignature {
  /** dh_p, dh_g, dh_Ys as sent (big-endian, possibly with leading zeros). */
  p: Uint8Array;
  g: Uint8Array;
  ys: Uint8Array;
  /** The signed ServerDHParams bytes (dh_p .. dh_Ys). */
  params: Uint8Array;
}

/** ServerDHParams { opaque dh_p<1..2^16-1>; opaque dh_g<1..2^16-1>; opaque dh_Ys<1..2^16-1>; } + signature. */
export function decodeServerKeyExchangeDhe(body: Uint8Array, version: number): ServerKeyExchangeDhe {
  const r = new Reader(body, 'ServerKeyExchange');
  const p = r.vec16(1);
  const g = r.vec16(1);
  const ys = r.vec16(1);
  const params = body.subarray(0, r.offset);
  return { p, g, ys, params, ...readSignature(r, version) };
}

/** The ServerDHParams bytes that the signature covers (after the two randoms). */
export function encodeServerDhParams(p: Uint8Array, g: Uint8Array, ys: Uint8Array): Uint8Array {
  return new Writer(p.length + g.length + ys.length + 6).vec16(p).vec16(g).vec16(ys).finish();
}

export function encodeServerKeyExchangeDhe(params: Uint8Array, version: number, sig: SkeSignature): Uint8Array {
  const w = new Writer(params.length + sig.signature.length + 4);
  w.bytes(params);
  writeSignature(w, version, sig);
  return w.finish();
}

/** ECDHE ServerKeyExchange at any version (RFC 8422 §5.4; RFC 4492 §5.4 before TLS 1.2). */
export interface ServerKeyExchangeEcdheAt extends SkeSignature {
  group: number;
  point: Uint8Array;
  params: Uint8Array;
}

export function decodeServerKeyExchangeEcdheAt(body: Uint8Array, version: number): ServerKeyExchangeEcdheAt {
  const r = new Reader(body, 'ServerKeyExchange');
  const curveType = r.u8();
  if (curveType !== 3) throw decodeError('ServerKeyExchange: only named_curve is supported');
  const group = r.u16();
  const point = r.vec8(1);
  const params = body.subarray(0, r.offset);
  return { group, point, params, ...readSignature(r, version) };
}

/**
 * RSA ClientKeyExchange: EncryptedPreMasterSecret with its 2-byte length, as TLS 1.0+ send it
 * (RFC 5246 §7.4.7.1: "implementations MUST include the length bytes"; SSL 3.0 had none).
 */
export function encodeClientKeyExchangeRsa(encrypted: Uint8Array): Uint8Array {
  return new Writer(encrypted.length + 2).vec16(encrypted).finish();
}
export function decodeClientKeyExchangeRsa(body: Uint8Array): Uint8Array {
  const r = new Reader(body, 'ClientKeyExchange');
  const encrypted = r.vec16(1);
  r.end();
  return encrypted;
}

/** DHE ClientKeyExchange: ClientDiffieHellmanPublic, dh_Yc<1..2^16-1> (RFC 5246 §7.4.7.2). */
export function encodeClientKeyExchangeDhe(yc: Uint8Array): Uint8Array {
  return new Writer(yc.length + 2).vec16(yc).finish();
}
export function decodeClientKeyExchangeDhe(body: Uint8Array): Uint8Array {
  const r = new Reader(body, 'ClientKeyExchange');
  const yc = r.vec16(1);
  r.end();
  return yc;
}

/**
 * TLS 1.0/1.1 CertificateRequest (RFC 2246 §7.4.4, RFC 4346 §7.4.4): certificate_types and
 * certificate_authorities, no supported_signature_algorithms (TLS 1.2 added those).
 */
export function decodeCertificateRequest10(body: Uint8Array): CertificateRequest12 {
  const r = new Reader(body, 'CertificateRequest');
  const certificateTypes = r.vec8(1);
  const ca = r.sub16(0, 0xffff, 'CertificateRequest authorities');
  const authorities: Uint8Array[] = [];
  while (ca.remaining > 0) authorities.push(ca.vec16(1));
  r.end();
  return { certificateTypes, sigalgs: [], authorities };
}
