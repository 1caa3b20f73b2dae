/**
 * An independent computation of RFC 8446's PSK binder (§4.2.11.2, key schedule §7.1), written out
 * with node:crypto's HMAC only, to check the library's binders against: HKDF-Extract(0, PSK), the
 * "res binder" (resumption) or "ext binder" (external PSK) key, its "finished" key, and the HMAC
 * of the truncated ClientHello's hash.
 */
import { createHash, createHmac } from 'node:crypto';

type Hash = 'sha256' | 'sha384';

/** HKDF-Expand-Label (RFC 8446 §7.1; HKDF-Expand, RFC 5869 §2.3). */
export function hkdfExpandLabel(
  hash: Hash,
  secret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Buffer {
  const full = Buffer.from('tls13 ' + label, 'ascii');
  const info = Buffer.concat([
    Buffer.from([length >> 8, length & 0xff, full.length]),
    full,
    Buffer.from([context.length]),
    context,
  ]);
  let t = Buffer.alloc(0);
  let out = Buffer.alloc(0);
  for (let i = 1; out.length < length; i++) {
    t = createHmac(hash, secret)
      .update(Buffer.concat([t, info, Buffer.from([i])]))
      .digest();
    out = Buffer.concat([out, t]);
  }
  return out.subarray(0, length);
}

/** The binder of `psk` over `truncatedHello` (a ClientHello up to its binders, no HelloRetryRequest before it). */
export function expectedBinder(
  hash: Hash,
  psk: Uint8Array,
  truncatedHello: Uint8Array,
  label: 'res binder' | 'ext binder' = 'res binder',
): Buffer {
  const len = hash === 'sha256' ? 32 : 48;
  const early = createHmac(hash, Buffer.alloc(len)).update(psk).digest(); // HKDF-Extract(0, PSK)
  const binderKey = hkdfExpandLabel(hash, early, label, createHash(hash).digest(), len);
  const finishedKey = hkdfExpandLabel(hash, binderKey, 'finished', new Uint8Array(0), len);
  return createHmac(hash, finishedKey).update(createHash(hash).update(truncatedHello).digest()).digest();
}
