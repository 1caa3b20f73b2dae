/**
 * ECH acceptance confirmation (RFC 9849 §7.2 and §7.2.1): eight bytes derived from the inner
 * ClientHello's random and the inner transcript, found in the last 8 bytes of ServerHello.random,
 * or, in a HelloRetryRequest, in its encrypted_client_hello extension. The transcript is hashed
 * with the 8 bytes set to zero; the caller supplies that hash (its transcript knows the HRR rule
 * of RFC 8446 §4.4.1) and compares with constantTimeEqual.
 */
import { Reader } from '../codec/bytes.js';
import { HASH_LENGTH, type HashName } from '../codec/names.js';
import { decodeError } from '../errors.js';
import { hkdfExpandLabel } from '../handshake/keyschedule.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { EXT_ENCRYPTED_CLIENT_HELLO } from './inner.js';

export const ECH_CONFIRMATION_LENGTH = 8;

/** Handshake header (4) + legacy_version (2): ServerHello.random starts here in the framed message. */
const RANDOM_OFFSET = 6;

/**
 * accept_confirmation (§7.2) or hrr_accept_confirmation (§7.2.1):
 * HKDF-Expand-Label(HKDF-Extract(0, ClientHelloInner.random), label, transcript hash, 8).
 */
export function echConfirmation(
  p: CryptoProvider,
  hash: HashName,
  innerRandom: Uint8Array,
  transcriptHash: Uint8Array,
  hrr: boolean,
): Uint8Array {
  const prk = p.hkdfExtract(hash, new Uint8Array(HASH_LENGTH[hash]), innerRandom);
  const label = hrr ? 'hrr ech accept confirmation' : 'ech accept confirmation';
  return hkdfExpandLabel(p, hash, prk, label, transcriptHash, ECH_CONFIRMATION_LENGTH);
}

/** A framed ServerHello (handshake header included) with the last 8 bytes of its random zeroed, and those bytes. */
export function serverHelloForConfirmation(message: Uint8Array): { zeroed: Uint8Array; confirmation: Uint8Array } {
  const at = RANDOM_OFFSET + 32 - ECH_CONFIRMATION_LENGTH;
  if (message.length < RANDOM_OFFSET + 32) throw decodeError('ServerHello truncated');
  const zeroed = message.slice();
  const confirmation = message.slice(at, at + ECH_CONFIRMATION_LENGTH);
  zeroed.fill(0, at, at + ECH_CONFIRMATION_LENGTH);
  return { zeroed, confirmation };
}

/**
 * A framed HelloRetryRequest with its encrypted_client_hello payload zeroed, and that payload;
 * null when the HRR has no such extension (ECH rejected). A payload that is not 8 bytes is
 * decode_error (§7.2.1 "Determining ECH Acceptance").
 */
export function hrrForConfirmation(message: Uint8Array): { zeroed: Uint8Array; confirmation: Uint8Array } | null {
  const r = new Reader(message.subarray(4), 'HelloRetryRequest');
  r.bytes(2 + 32);
  r.vec8(0, 32);
  r.bytes(3);
  if (r.remaining === 0) return null;
  const exts = r.sub16(0, 0xffff, 'HelloRetryRequest extensions');
  while (exts.remaining > 0) {
    const type = exts.u16();
    const len = exts.u16();
    const start = 4 + r.offset - exts.remaining;
    exts.bytes(len);
    if (type !== EXT_ENCRYPTED_CLIENT_HELLO) continue;
    if (len !== ECH_CONFIRMATION_LENGTH) throw decodeError(`HelloRetryRequest ECH confirmation of ${len} bytes`);
    const zeroed = message.slice();
    const confirmation = message.slice(start, start + len);
    zeroed.fill(0, start, start + len);
    return { zeroed, confirmation };
  }
  return null;
}
