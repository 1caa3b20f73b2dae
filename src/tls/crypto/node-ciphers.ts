/**
 * The node:crypto symmetric primitives of the node provider (node.ts): running hashes, the three
 * TLS AEADs (with a whole-record seal for the record layer) and AES-CBC, plus the argument checks
 * the noble provider shares.
 */
import * as crypto from 'node:crypto';
import type { AeadName, HashName } from '../codec/names.js';
import { HASH_LENGTH } from '../codec/names.js';
import type { Aead, BlockCipher, Hash } from './provider.js';

/** Views a Buffer as a plain Uint8Array (no copy). */
function u8(buf: Buffer): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}
export class NodeHash implements Hash {
  constructor(private readonly h: crypto.Hash) {}
  update(data: Uint8Array): void {
    this.h.update(data);
  }
  digest(): Uint8Array {
    return u8(this.h.copy().digest());
  }
  clone(): Hash {
    return new NodeHash(this.h.copy());
  }
}

const AEAD_CIPHERS: Record<
  AeadName,
  { cipher: crypto.CipherGCMTypes | crypto.CipherChaCha20Poly1305Types; keyLength: number }
> = {
  'AES-128-GCM': { cipher: 'aes-128-gcm', keyLength: 16 },
  'AES-256-GCM': { cipher: 'aes-256-gcm', keyLength: 32 },
  'CHACHA20-POLY1305': { cipher: 'chacha20-poly1305', keyLength: 32 },
};

/** Throws unless the AEAD nonce is 12 bytes (a caller bug, not a peer's). */
export function checkNonce(nonce: Uint8Array): void {
  if (nonce.length !== 12) throw new RangeError(`AEAD nonce must be 12 bytes, got ${nonce.length}`);
}

/** Throws unless `key` has the AEAD's key length. */
export function checkAeadKey(name: AeadName, key: Uint8Array): void {
  const want = AEAD_CIPHERS[name].keyLength;
  if (key.length !== want) throw new RangeError(`${name} key must be ${want} bytes, got ${key.length}`);
}

/** Throws unless CBC key and data lengths are valid (16/32-byte key, whole blocks, 16-byte IV). */
export function checkCbc(key: Uint8Array, iv?: Uint8Array, data?: Uint8Array): void {
  if (key.length !== 16 && key.length !== 32)
    throw new RangeError(`AES-CBC key must be 16 or 32 bytes, got ${key.length}`);
  if (iv && iv.length !== 16) throw new RangeError(`AES-CBC IV must be 16 bytes, got ${iv.length}`);
  if (data && data.length % 16 !== 0)
    throw new RangeError(`AES-CBC data length ${data.length} is not a multiple of 16`);
}

/** Throws unless HKDF-Expand's inputs are within RFC 5869 §2.3 (PRK >= HashLen, L <= 255*HashLen). */
export function checkHkdfExpand(hash: HashName, prk: Uint8Array, length: number): void {
  const hl = HASH_LENGTH[hash];
  if (prk.length < hl) throw new RangeError(`HKDF PRK must be at least ${hl} bytes`);
  if (!Number.isInteger(length) || length < 0 || length > 255 * hl)
    throw new RangeError(`HKDF length ${length} out of range`);
}

/**
 * The node AEAD also seals a whole record in one go (protection.ts uses it when present): the
 * plaintext given in parts (no joined copy), the output one array `prefix || ciphertext || tag`.
 */
export interface NodeAead extends Aead {
  sealRecord(nonce: Uint8Array, aad: Uint8Array, prefix: Uint8Array, parts: readonly Uint8Array[]): Uint8Array;
  sealRecordParts(nonce: Uint8Array, aad: Uint8Array, prefix: Uint8Array, parts: readonly Uint8Array[]): Uint8Array[];
}

/**
 * A plain Uint8Array over not zero-filled memory: small sizes from Node's Buffer pool (cheap to
 * allocate; a sealed record is short-lived, copied into the write buffer and dropped), large ones
 * in memory of their own.
 */
function allocUnsafe(n: number): Uint8Array {
  const b = Buffer.allocUnsafe(n);
  return new Uint8Array(b.buffer, b.byteOffset, n);
}

export function nodeAead(name: AeadName, key: Uint8Array): NodeAead {
  checkAeadKey(name, key);
  return new NodeAeadImpl(name, key);
}

/**
 * nodeAead's AEAD: a class, its methods on the prototype, rather than an object literal of three
 * closures per key (issue #14: an idle connection holds two, ~200 B each saved).
 */
class NodeAeadImpl implements NodeAead {
  private readonly cipher: crypto.CipherGCMTypes;
  /** A KeyObject: the key lives in native memory, not as a slice pinning an 8 KiB Buffer pool slab. */
  private readonly k: crypto.KeyObject;

  constructor(
    readonly name: AeadName,
    key: Uint8Array,
  ) {
    this.cipher = AEAD_CIPHERS[name].cipher as crypto.CipherGCMTypes;
    this.k = crypto.createSecretKey(key);
  }

  seal(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
    checkNonce(nonce);
    const c = crypto.createCipheriv(this.cipher, this.k, nonce, { authTagLength: 16 });
    c.setAAD(aad, { plaintextLength: plaintext.length });
    const body = c.update(plaintext);
    const fin = c.final();
    const tag = c.getAuthTag();
    const out = allocUnsafe(body.length + fin.length + 16);
    out.set(body, 0);
    if (fin.length) out.set(fin, body.length);
    out.set(tag, body.length + fin.length);
    return out;
  }

  sealRecord(nonce: Uint8Array, aad: Uint8Array, prefix: Uint8Array, parts: readonly Uint8Array[]): Uint8Array {
    checkNonce(nonce);
    let len = 0;
    for (const part of parts) len += part.length;
    const c = crypto.createCipheriv(this.cipher, this.k, nonce, { authTagLength: 16 });
    c.setAAD(aad, { plaintextLength: len });
    const out = allocUnsafe(prefix.length + len + 16);
    out.set(prefix, 0);
    let o = prefix.length;
    for (const part of parts) {
      if (part.length === 0) continue;
      const ct = c.update(part);
      out.set(ct, o);
      o += ct.length;
    }
    const fin = c.final();
    if (fin.length) {
      out.set(fin, o);
      o += fin.length;
    }
    out.set(c.getAuthTag(), o);
    return out;
  }

  sealRecordParts(nonce: Uint8Array, aad: Uint8Array, prefix: Uint8Array, parts: readonly Uint8Array[]): Uint8Array[] {
    checkNonce(nonce);
    let len = 0;
    for (const part of parts) len += part.length;
    const c = crypto.createCipheriv(this.cipher, this.k, nonce, { authTagLength: 16 });
    c.setAAD(aad, { plaintextLength: len });
    // The first part's ciphertext is update()'s own fresh Buffer, not copied; the small rest
    // (TLS 1.3: the inner content type) and the tag are joined in one array after it.
    const [first, ...more] = parts;
    const out: Uint8Array[] = [prefix];
    if (first && first.length) out.push(u8(c.update(first)));
    const tail = more.map((part) => c.update(part));
    tail.push(c.final(), c.getAuthTag());
    out.push(u8(Buffer.concat(tail)));
    return out;
  }

  open(nonce: Uint8Array, ciphertextAndTag: Uint8Array, aad: Uint8Array): Uint8Array | null {
    checkNonce(nonce);
    if (ciphertextAndTag.length < 16) return null;
    const ctLen = ciphertextAndTag.length - 16;
    const d = crypto.createDecipheriv(this.cipher, this.k, nonce, { authTagLength: 16 });
    d.setAuthTag(ciphertextAndTag.subarray(ctLen));
    d.setAAD(aad, { plaintextLength: ctLen });
    const body = d.update(ciphertextAndTag.subarray(0, ctLen));
    let fin: Buffer;
    try {
      fin = d.final();
    } catch {
      return null;
    }
    // AEAD final() yields nothing: the plaintext is update()'s own fresh buffer, no joined copy.
    return u8(fin.length ? Buffer.concat([body, fin]) : body);
  }
}

export function nodeCbc(key: Uint8Array): BlockCipher {
  checkCbc(key);
  const cipher = key.length === 16 ? 'aes-128-cbc' : 'aes-256-cbc';
  const k = crypto.createSecretKey(key);
  const run = (encrypt: boolean, iv: Uint8Array, data: Uint8Array): Uint8Array => {
    checkCbc(key, iv, data);
    const c = encrypt ? crypto.createCipheriv(cipher, k, iv) : crypto.createDecipheriv(cipher, k, iv);
    c.setAutoPadding(false);
    return u8(Buffer.concat([c.update(data), c.final()]));
  };
  return {
    encrypt: (iv, data) => run(true, iv, data),
    decrypt: (iv, data) => run(false, iv, data),
  };
}
