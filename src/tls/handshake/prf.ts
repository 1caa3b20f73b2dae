/**
 * The TLS 1.2 PRF (RFC 5246 §5), the TLS 1.0/1.1 PRF (RFC 2246 §5, unchanged in RFC 4346 §5:
 * P_MD5 xor P_SHA-1) and what is derived with them: the master secret (with RFC 7627's extended
 * master secret), the key block (§6.3) and Finished verify_data (§7.4.9).
 */
import type { CryptoProvider, Hash } from '../crypto/provider.js';
import { HASH_LENGTH, ProtocolVersion, type HashName } from '../codec/names.js';
import { concat, utf8 } from '../codec/bytes.js';

/**
 * The PRF's hash: a TLS 1.2 suite's hash, or 'md5-sha1' for TLS 1.0/1.1, whose PRF mixes MD5 and
 * SHA-1 (RFC 2246 §5) and whose handshake hash is MD5(msgs) || SHA-1(msgs) (RFC 2246 §7.4.9).
 * OpenSSL names both "MD5-SHA1".
 */
export type PrfHash = HashName | 'md5-sha1';

/** The PRF hash of a connection: TLS 1.0/1.1 always MD5/SHA-1, TLS 1.2 the suite's hash. */
export function prfHashFor(version: number, suiteHash: HashName): PrfHash {
  return version < ProtocolVersion.TLS1_2 ? 'md5-sha1' : suiteHash;
}

/** Length of a handshake hash under `hash` (36 for MD5 || SHA-1). */
export function prfHashLength(hash: PrfHash): number {
  return hash === 'md5-sha1' ? HASH_LENGTH.md5 + HASH_LENGTH.sha1 : HASH_LENGTH[hash];
}

/** MD5(m) || SHA-1(m) as one running hash (RFC 2246 §7.4.9 handshake_messages hash). */
class Md5Sha1 implements Hash {
  constructor(
    private readonly md5: Hash,
    private readonly sha1: Hash,
  ) {}
  update(data: Uint8Array): void {
    this.md5.update(data);
    this.sha1.update(data);
  }
  digest(): Uint8Array {
    return concat(this.md5.digest(), this.sha1.digest());
  }
  clone(): Hash {
    return new Md5Sha1(this.md5.clone(), this.sha1.clone());
  }
}

/** A running handshake hash for `hash`, the MD5 || SHA-1 pair for TLS 1.0/1.1. */
export function createPrfHash(p: CryptoProvider, hash: PrfHash): Hash {
  return hash === 'md5-sha1' ? new Md5Sha1(p.createHash('md5'), p.createHash('sha1')) : p.createHash(hash);
}

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

/**
 * The TLS 1.0/1.1 PRF (RFC 2246 §5): the secret split in two halves S1, S2 of ceil(len/2) bytes
 * (sharing the middle byte when the length is odd), PRF = P_MD5(S1, label + seed) XOR
 * P_SHA-1(S2, label + seed).
 */
export function prf10(p: CryptoProvider, secret: Uint8Array, labelAndSeed: Uint8Array, length: number): Uint8Array {
  const half = Math.ceil(secret.length / 2);
  const out = pHash(p, 'md5', secret.subarray(0, half), labelAndSeed, length);
  const sha = pHash(p, 'sha1', secret.subarray(secret.length - half), labelAndSeed, length);
  for (let i = 0; i < length; i++) out[i] = (out[i] ?? 0) ^ (sha[i] ?? 0);
  return out;
}

/**
 * PRF(secret, label, seed) = P_<hash>(secret, label + seed) (RFC 5246, Section 5), or the TLS
 * 1.0/1.1 PRF for 'md5-sha1' (RFC 2246, Section 5).
 */
export function prf(
  p: CryptoProvider,
  hash: PrfHash,
  secret: Uint8Array,
  label: string,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  const labelAndSeed = concat(utf8(label), seed);
  return hash === 'md5-sha1' ? prf10(p, secret, labelAndSeed, length) : pHash(p, hash, secret, labelAndSeed, length);
}

/**
 * master_secret (RFC 5246 §8.1), or with EMS the "extended master secret" over the session hash
 * (RFC 7627 §4).
 */
export function masterSecret(
  p: CryptoProvider,
  hash: PrfHash,
  preMaster: Uint8Array,
  ems: { sessionHash: Uint8Array } | { clientRandom: Uint8Array; serverRandom: Uint8Array },
): Uint8Array {
  if ('sessionHash' in ems) return prf(p, hash, preMaster, 'extended master secret', ems.sessionHash, 48);
  return prf(p, hash, preMaster, 'master secret', concat(ems.clientRandom, ems.serverRandom), 48);
}

/** The key block (RFC 5246 §6.3), split into MAC keys, cipher keys and IVs for each side. */
export function keyBlock(
  p: CryptoProvider,
  hash: PrfHash,
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

/**
 * Finished verify_data (RFC 5246 §7.4.9): 12 bytes of PRF over the handshake hash; for TLS 1.0/1.1
 * the hash is MD5 || SHA-1 of the messages (RFC 2246 §7.4.9, createPrfHash).
 */
export function finished12(
  p: CryptoProvider,
  hash: PrfHash,
  master: Uint8Array,
  client: boolean,
  handshakeHash: Uint8Array,
): Uint8Array {
  return prf(p, hash, master, client ? 'client finished' : 'server finished', handshakeHash, 12);
}
