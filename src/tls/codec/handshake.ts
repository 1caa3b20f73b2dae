/**
 * Handshake messages (RFC 8446 §4, RFC 5246 §7.4): types, names, framing; and, re-exported from
 * one file per message family, one encoder/decoder pair per message: hello.ts (ClientHello,
 * ServerHello/HRR), certificate.ts (Certificate, CertificateVerify, CertificateRequest),
 * tls12.ts (ServerKeyExchange, ClientKeyExchange, NewSessionTicket, empty messages), tls13.ts
 * (EncryptedExtensions, NewSessionTicket, KeyUpdate). The state machines work on these typed
 * messages, never on offsets.
 */
import { Writer } from './bytes.js';

export { HandshakeType, handshakeName } from './registry.js';

/** Frames a handshake body: type(1) length(3) body. */
export function frameHandshake(type: number, body: Uint8Array): Uint8Array {
  return new Writer(body.length + 4).u8(type).vec24(body).finish();
}

// The messages themselves, one file per family, each encoder next to its decoder.
export * from './hello.js';
export * from './certificate.js';
export * from './tls12.js';
export * from './tls13.js';
