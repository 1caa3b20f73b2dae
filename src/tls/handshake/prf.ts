/**
 * The TLS 1.2 PRF (RFC 5246 §5) and what is derived with it: the master secret (with RFC 7627's
 * extended master secret), the key block (§6.3) and Finished verify_data (§7.4.9).
 */
import type { CryptoProvider } from '../crypto/provider.js';
import type { HashName } from '../codec/names.js';
import { concat, utf8 } from '../codec/bytes.js';

/** P_hash from RFC 5246, Section 5. */
export function pHash(
  p: CryptoProvider,
  hash: HashName,
  secret: Uint8Array,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  const out = new Uint8Array(length);
  let a = seed;
  let off = 0;
  while (off < length) {
    a = p.hmac(hash, secret, a);
    const block = p.hmac(hash, secret, concat(a, seed));
    out.set(block.subarray(0, Math.min(block.length, length - off)), off);
    off += block.length;
  }
  return out;
}

/** PRF(secret, label, seed) = P_<hash>(secret, label + seed) (RFC 5246, Section 5). */
export function prf(
  p: CryptoProvider,
  hash: HashName,
  secret: Uint8Array,
  label: string,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  return pHash(p, hash, secret, concat(utf8(label), seed), length);
}

/**
 * master_secret (RFC 5246 §8.1), or with EMS the "extended master secret" over the session hash
 * (RFC 7627 §4).
 */
export function masterSecret(
  p: CryptoProvider,
  hash: HashName,
  preMaster: Uint8Array,
  ems: { sessionHash: Uint8Array } | { clientRandom: Uint8Array; serverRandom: Uint8Array },
): Uint8Array {
  if ('sessionHash' in ems) return prf(p, hash, preMaster, 'extended master secret', ems.sessionHash, 48);
  return prf(p, hash, preMaster, 'master secret', concat(ems.clientRandom, ems.serverRandom), 48);
}

/** The key block (RFC 5246 §6.3), split into MAC keys, cipher keys and IVs for each side. */
export function keyBlock(
  p: CryptoProvider,
  hash: HashName,
  master: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  sizes: { macKey: number; key: number; iv: number },
): {
  clientMac: Uint8Array;
  serverMac: Uint8Array;
  clientKey: Uint8Array;
  serverKey: Uint8Array;
  clientIv: Uint8Array;
  serverIv: Uint8Array;
} {
  const total = 2 * (sizes.macKey + sizes.key + sizes.iv);
  const kb = prf(p, hash, master, 'key expansion', concat(serverRandom, clientRandom), total);
  let o = 0;
  const take = (n: number): Uint8Array => kb.slice(o, (o += n));
  return {
    clientMac: take(sizes.macKey),
    serverMac: take(sizes.macKey),
    clientKey: take(sizes.key),
    serverKey: take(sizes.key),
    clientIv: take(sizes.iv),
    serverIv: take(sizes.iv),
  };
}

/** Finished verify_data (RFC 5246 §7.4.9): 12 bytes of PRF over the handshake hash. */
export function finished12(
  p: CryptoProvider,
  hash: HashName,
  master: Uint8Array,
  client: boolean,
  handshakeHash: Uint8Array,
): Uint8Array {
  return prf(p, hash, master, client ? 'client finished' : 'server finished', handshakeHash, 12);
}
