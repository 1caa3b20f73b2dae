/**
 * Handshake messages (RFC 8446 §4, RFC 5246 §7.4): types, names, framing; and, re-exported from
 * one file per message family, one encoder/decoder pair per message: hello.ts (ClientHello,
 * ServerHello/HRR), certificate.ts (Certificate, CertificateVerify, CertificateRequest),
 * tls12.ts (ServerKeyExchange, ClientKeyExchange, NewSessionTicket, empty messages), tls13.ts
 * (EncryptedExtensions, NewSessionTicket, KeyUpdate). The state machines work on these typed
 * messages, never on offsets.
 */
import { Writer } from './bytes.js';

export const HandshakeType = {
  hello_request: 0,
  client_hello: 1,
  server_hello: 2,
  new_session_ticket: 4,
  end_of_early_data: 5,
  encrypted_extensions: 8,
  certificate: 11,
  server_key_exchange: 12,
  certificate_request: 13,
  server_hello_done: 14,
  certificate_verify: 15,
  client_key_exchange: 16,
  finished: 20,
  certificate_status: 22,
  key_update: 24,
  message_hash: 254,
} as const;

const NAMES: Record<number, string> = {
  0: 'HelloRequest',
  1: 'ClientHello',
  2: 'ServerHello',
  4: 'NewSessionTicket',
  5: 'EndOfEarlyData',
  8: 'EncryptedExtensions',
  11: 'Certificate',
  12: 'ServerKeyExchange',
  13: 'CertificateRequest',
  14: 'ServerHelloDone',
  15: 'CertificateVerify',
  16: 'ClientKeyExchange',
  20: 'Finished',
  22: 'CertificateStatus',
  24: 'KeyUpdate',
  254: 'MessageHash',
};

/** Message name as s_client's -msg prints it (e.g. "ClientHello"). */
export function handshakeName(type: number): string {
  return NAMES[type] ?? `UnknownHandshake(${type})`;
}

/** Frames a handshake body: type(1) length(3) body. */
export function frameHandshake(type: number, body: Uint8Array): Uint8Array {
  return new Writer(body.length + 4).u8(type).vec24(body).finish();
}

// The messages themselves, one file per family, each encoder next to its decoder.
export * from './hello.js';
export * from './certificate.js';
export * from './tls12.js';
export * from './tls13.js';
