/**
 * The hellos, both directions (RFC 8446 §4.1.2–4.1.4, RFC 5246 §7.4.1): ClientHello and
 * ServerHello / HelloRetryRequest, each encoder next to its decoder. Bodies only: the 4-byte
 * handshake header is frameHandshake's (handshake.ts).
 */
import { Reader, Writer } from './bytes.js';
import { readExtensions, writeExtensions, type Extension } from './extensions.js';

/** SHA-256("HelloRetryRequest"): the ServerHello.random that marks an HRR (RFC 8446 §4.1.3). */
export const HRR_RANDOM = Uint8Array.from([
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11,
  0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
]);

/** Downgrade sentinels in ServerHello.random's last 8 bytes (RFC 8446 §4.1.3). */
export const DOWNGRADE_TLS12 = Uint8Array.from([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01]);
export const DOWNGRADE_TLS11 = Uint8Array.from([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00]);
/**
 * BoringSSL's kJDK11DowngradeRandom: a BoringSSL server with its JDK 11 workaround answers a JDK 11
 * client (whose TLS 1.3 is broken) with TLS 1.2 and marks the downgrade with these 8 bytes instead
 * of DOWNGRADE_TLS12. Its client refuses them like the RFC 8446 §4.1.3 sentinels (TLS13_DOWNGRADE).
 */
export const DOWNGRADE_JDK11 = Uint8Array.from([0xed, 0xbf, 0xb4, 0xa8, 0xc2, 0x47, 0x10, 0xff]);

// --- ClientHello (RFC 8446 §4.1.2) -----------------------------------------------------------

export interface ClientHello {
  legacyVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuites: number[];
  /** legacy_compression_methods; [0] (null only) when absent. */
  compressionMethods?: Uint8Array;
  extensions: Extension[];
}

const NULL_COMPRESSION = Uint8Array.of(0);

/** Encodes a ClientHello body (no handshake header). */
export function encodeClientHello(ch: ClientHello): Uint8Array {
  const w = new Writer(512);
  w.u16(ch.legacyVersion).bytes(ch.random).vec8(ch.sessionId);
  w.vec16((l) => ch.cipherSuites.forEach((s) => l.u16(s)));
  w.vec8(ch.compressionMethods ?? NULL_COMPRESSION);
  writeExtensions(w, ch.extensions);
  return w.finish();
}

/** Decodes a ClientHello body: cipher_suites <2..2^16-2>, compression <1..2^8-1>, extensions. */
export function decodeClientHello(body: Uint8Array): Required<ClientHello> {
  const r = new Reader(body, 'ClientHello');
  const legacyVersion = r.u16();
  const random = r.bytes(32);
  const sessionId = r.vec8(0, 32);
  const cs = r.sub16(2, 0xfffe, 'cipher_suites');
  const cipherSuites: number[] = [];
  while (cs.remaining > 0) cipherSuites.push(cs.u16());
  const compressionMethods = r.vec8(1);
  const extensions = readExtensions(r, 'ClientHello');
  r.end();
  return { legacyVersion, random, sessionId, cipherSuites, compressionMethods, extensions };
}

// --- ServerHello and HelloRetryRequest (RFC 8446 §4.1.3–4.1.4) --------------------------------

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

/** Encodes a ServerHello or HelloRetryRequest body (an HRR is a ServerHello with HRR_RANDOM). */
export function encodeServerHello(sh: Omit<ServerHello, 'isHrr'>): Uint8Array {
  const w = new Writer(256);
  w.u16(sh.legacyVersion).bytes(sh.random).vec8(sh.sessionId).u16(sh.cipherSuite).u8(sh.compression);
  writeExtensions(w, sh.extensions);
  return w.finish().slice();
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
