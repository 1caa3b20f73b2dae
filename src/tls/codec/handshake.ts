/**
 * Handshake messages (RFC 8446 §4, RFC 5246 §7.4): types, framing, and one encoder/decoder pair
 * per message. The state machines work on these typed messages, never on offsets.
 */
import { Reader, Writer } from './bytes.js';
import { Extension, readExtensions, writeExtensions } from './extensions.js';
import { decodeError } from '../errors.js';

export { HandshakeType, handshakeName } from './registry.js';

/** Frames a handshake body: type(1) length(3) body. */
export function frameHandshake(type: number, body: Uint8Array): Uint8Array {
  return new Writer(body.length + 4).u8(type).vec24(body).finish();
}

/** SHA-256("HelloRetryRequest"): the ServerHello.random that marks an HRR (RFC 8446 §4.1.3). */
export const HRR_RANDOM = Uint8Array.from([
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11,
  0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
]);

/** Downgrade sentinels in ServerHello.random's last 8 bytes (RFC 8446 §4.1.3). */
export const DOWNGRADE_TLS12 = Uint8Array.from([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01]);
export const DOWNGRADE_TLS11 = Uint8Array.from([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00]);

export interface ClientHello {
  legacyVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuites: number[];
  extensions: Extension[];
}

/** Encodes a ClientHello body (no handshake header). */
export function encodeClientHello(ch: ClientHello): Uint8Array {
  const w = new Writer(512);
  w.u16(ch.legacyVersion).bytes(ch.random).vec8(ch.sessionId);
  w.vec16((l) => ch.cipherSuites.forEach((s) => l.u16(s)));
  w.vec8(Uint8Array.of(0)); // legacy_compression_methods: null only
  writeExtensions(w, ch.extensions);
  return w.finish();
}

export interface ServerHello {
  legacyVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuite: number;
  compression: number;
  extensions: Extension[];
  /** True when random is the HelloRetryRequest marker. */
  isHrr: boolean;
}

/** Decodes a ServerHello or HelloRetryRequest body. */
export function decodeServerHello(body: Uint8Array): ServerHello {
  const r = new Reader(body, 'ServerHello');
  const legacyVersion = r.u16();
  const random = r.bytes(32);
  const sessionId = r.vec8(0, 32);
  const cipherSuite = r.u16();
  const compression = r.u8();
  const extensions = readExtensions(r, 'ServerHello');
  r.end();
  let isHrr = true;
  for (let i = 0; i < 32; i++) if (random[i] !== HRR_RANDOM[i]) isHrr = false;
  return { legacyVersion, random, sessionId, cipherSuite, compression, extensions, isHrr };
}

/** EncryptedExtensions (RFC 8446 §4.3.1). */
export function decodeEncryptedExtensions(body: Uint8Array): Extension[] {
  const r = new Reader(body, 'EncryptedExtensions');
  if (r.remaining < 2) throw decodeError('EncryptedExtensions truncated');
  const exts = readExtensions(r, 'EncryptedExtensions');
  r.end();
  return exts;
}

export interface CertificateEntry {
  der: Uint8Array;
  extensions: Extension[];
}
export interface CertificateMsg {
  context: Uint8Array;
  entries: CertificateEntry[];
}

/** Certificate: TLS 1.3 form with request context and per-entry extensions, or TLS 1.2 form. */
export function decodeCertificate(body: Uint8Array, tls13: boolean): CertificateMsg {
  const r = new Reader(body, 'Certificate');
  const context = tls13 ? r.vec8() : new Uint8Array(0);
  const list = r.sub24(0, 0xffffff, 'Certificate list');
  const entries: CertificateEntry[] = [];
  while (list.remaining > 0) {
    const der = list.vec24(1);
    const extensions = tls13 ? readExtensions(list, 'CertificateEntry') : [];
    entries.push({ der, extensions });
  }
  r.end();
  return { context, entries };
}

/** Encodes a Certificate body (TLS 1.3 form when tls13). */
export function encodeCertificate(
  chain: Uint8Array[],
  tls13: boolean,
  context: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const w = new Writer(1024);
  if (tls13) w.vec8(context);
  w.vec24((l) => {
    for (const c of chain) {
      l.vec24(c);
      if (tls13) l.u16(0);
    }
  });
  return w.finish();
}

export interface CertificateVerify {
  scheme: number;
  signature: Uint8Array;
}
/** CertificateVerify (RFC 8446 §4.4.3); TLS 1.2's digitally-signed has the same shape. */
export function decodeCertificateVerify(body: Uint8Array): CertificateVerify {
  const r = new Reader(body, 'CertificateVerify');
  const scheme = r.u16();
  const signature = r.vec16(1);
  r.end();
  return { scheme, signature };
}
export function encodeCertificateVerify(cv: CertificateVerify): Uint8Array {
  return new Writer(cv.signature.length + 4).u16(cv.scheme).vec16(cv.signature).finish();
}

export interface CertificateRequest13 {
  context: Uint8Array;
  extensions: Extension[];
}
/** TLS 1.3 CertificateRequest (RFC 8446 §4.3.2). */
export function decodeCertificateRequest13(body: Uint8Array): CertificateRequest13 {
  const r = new Reader(body, 'CertificateRequest');
  const context = r.vec8();
  const extensions = readExtensions(r, 'CertificateRequest');
  r.end();
  return { context, extensions };
}

export interface NewSessionTicket13 {
  lifetime: number;
  ageAdd: number;
  nonce: Uint8Array;
  ticket: Uint8Array;
  extensions: Extension[];
}
/** TLS 1.3 NewSessionTicket (RFC 8446 §4.6.1). */
export function decodeNewSessionTicket13(body: Uint8Array): NewSessionTicket13 {
  const r = new Reader(body, 'NewSessionTicket');
  const lifetime = r.u32();
  const ageAdd = r.u32();
  const nonce = r.vec8();
  const ticket = r.vec16(1);
  const extensions = readExtensions(r, 'NewSessionTicket');
  r.end();
  return { lifetime, ageAdd, nonce, ticket, extensions };
}

/** KeyUpdate (RFC 8446 §4.6.3): 0 update_not_requested, 1 update_requested. */
export function decodeKeyUpdate(body: Uint8Array): number {
  const r = new Reader(body, 'KeyUpdate');
  const v = r.u8();
  r.end();
  return v;
}

export interface ServerKeyExchangeEcdhe {
  /** IANA named group. */
  group: number;
  point: Uint8Array;
  /** The signed ServerECDHParams bytes (curve_type .. point). */
  params: Uint8Array;
  scheme: number;
  signature: Uint8Array;
}
/** ECDHE ServerKeyExchange (RFC 8422 §5.4) with a TLS 1.2 digitally-signed struct. */
export function decodeServerKeyExchangeEcdhe(body: Uint8Array): ServerKeyExchangeEcdhe {
  const r = new Reader(body, 'ServerKeyExchange');
  const curveType = r.u8();
  if (curveType !== 3) throw decodeError('ServerKeyExchange: only named_curve is supported');
  const group = r.u16();
  const point = r.vec8(1);
  const params = body.subarray(0, r.offset);
  const scheme = r.u16();
  const signature = r.vec16(1);
  r.end();
  return { group, point, params, scheme, signature };
}

export interface CertificateRequest12 {
  certificateTypes: Uint8Array;
  sigalgs: number[];
  authorities: Uint8Array[];
}
/** TLS 1.2 CertificateRequest (RFC 5246 §7.4.4). */
export function decodeCertificateRequest12(body: Uint8Array): CertificateRequest12 {
  const r = new Reader(body, 'CertificateRequest');
  const certificateTypes = r.vec8(1);
  const sa = r.sub16(2, 0xfffe, 'CertificateRequest sigalgs');
  const sigalgs: number[] = [];
  while (sa.remaining > 0) sigalgs.push(sa.u16());
  const ca = r.sub16(0, 0xffff, 'CertificateRequest authorities');
  const authorities: Uint8Array[] = [];
  while (ca.remaining > 0) authorities.push(ca.vec16(1));
  r.end();
  return { certificateTypes, sigalgs, authorities };
}

/** TLS 1.2 NewSessionTicket (RFC 5077 §3.3). */
export function decodeNewSessionTicket12(body: Uint8Array): { lifetimeHint: number; ticket: Uint8Array } {
  const r = new Reader(body, 'NewSessionTicket');
  const lifetimeHint = r.u32();
  const ticket = r.vec16();
  r.end();
  return { lifetimeHint, ticket };
}

/** ECDHE ClientKeyExchange (RFC 8422 §5.7): the client's public point. */
export function encodeClientKeyExchangeEcdhe(point: Uint8Array): Uint8Array {
  return new Writer(point.length + 1).vec8(point).finish();
}

/** A message whose body must be empty (ServerHelloDone, HelloRequest). */
export function expectEmptyBody(body: Uint8Array, what: string): void {
  if (body.length !== 0) throw decodeError(`${what} must be empty`);
}
