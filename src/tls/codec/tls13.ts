/**
 * TLS 1.3's own handshake messages, both directions: EncryptedExtensions (RFC 8446 §4.3.1),
 * NewSessionTicket (§4.6.1) and KeyUpdate (§4.6.3).
 */
import { Reader, Writer } from './bytes.js';
import { readExtensions, writeExtensions, type Extension } from './extensions.js';
import { decodeError } from '../errors.js';

// --- EncryptedExtensions ---------------------------------------------------------------------

/** Encodes an EncryptedExtensions body: the extensions block alone. */
export function encodeEncryptedExtensions(exts: Extension[]): Uint8Array {
  const w = new Writer(64);
  writeExtensions(w, exts);
  return w.finish().slice();
}
/** EncryptedExtensions (RFC 8446 §4.3.1). */
export function decodeEncryptedExtensions(body: Uint8Array): Extension[] {
  const r = new Reader(body, 'EncryptedExtensions');
  if (r.remaining < 2) throw decodeError('EncryptedExtensions truncated');
  const exts = readExtensions(r, 'EncryptedExtensions');
  r.end();
  return exts;
}

// --- NewSessionTicket ------------------------------------------------------------------------

export interface NewSessionTicket13 {
  lifetime: number;
  ageAdd: number;
  nonce: Uint8Array;
  ticket: Uint8Array;
  extensions: Extension[];
}
/** Encodes a TLS 1.3 NewSessionTicket body. */
export function encodeNewSessionTicket13(t: NewSessionTicket13): Uint8Array {
  const w = new Writer(128).u32(t.lifetime).u32(t.ageAdd).vec8(t.nonce).vec16(t.ticket);
  writeExtensions(w, t.extensions);
  return w.finish().slice();
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

// --- KeyUpdate -------------------------------------------------------------------------------

/** KeyUpdateRequest values (RFC 8446 §4.6.3). */
export const KeyUpdateRequest = { update_not_requested: 0, update_requested: 1 } as const;

/** Encodes a KeyUpdate body. */
export function encodeKeyUpdate(requestPeer: boolean): Uint8Array {
  return Uint8Array.of(requestPeer ? KeyUpdateRequest.update_requested : KeyUpdateRequest.update_not_requested);
}
/** KeyUpdate (RFC 8446 §4.6.3): 0 update_not_requested, 1 update_requested. */
export function decodeKeyUpdate(body: Uint8Array): number {
  const r = new Reader(body, 'KeyUpdate');
  const v = r.u8();
  r.end();
  return v;
}
